"""Reads for public hearings, in a fixed number of queries whatever the number of items.

* ``hearing_get(slug, pk)``: the hearing with its consultation and institution (one query).
* ``hearing_items(hearing, sort=..., user=...)``: every item with its author, organisation and
  participant, and the ids the person upvoted (two queries; one without a signed-in person).
* ``hearings_for_consultation(consultation)``: the consultation's hearings with their item
  counts (one query), for the consultation page and the workspace.
* ``hearings_for_report(consultation, include_private=False)``: the hearings that took place,
  with every item, as plain dicts for the consultation report (two queries; one when there is
  none).
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from comments.models import Consent, FlagReason

from .models import Hearing, HearingItem, HearingUpvote

SORTS = {
    "top": ("-upvote_count", "-created_at", "-pk"),
    "newest": ("-created_at", "-pk"),
}
DEFAULT_SORT = "top"


def author_is_named(item: HearingItem) -> bool:
    """Whether the public sees a name (the person's or their organisation's)."""
    return bool(
        (item.consent == Consent.NAME and item.author_id)
        or (item.consent == Consent.ORGANISATION and item.organisation_id)
    )


def public_author(item: HearingItem) -> str:
    """The author as the public may see them, following their consent (as for comments)."""
    if item.consent == Consent.NAME and item.author_id:
        name = str(item.author)
        if item.organisation_id:
            return f"{name} ({item.organisation.name})"
        return name
    if item.consent == Consent.ORGANISATION and item.organisation_id:
        return item.organisation.name
    return _("Participant #%(n)d") % {"n": item.participant.number}


def hearing_get(slug: str, pk: int) -> Hearing:
    return Hearing.objects.select_related("consultation__institution").get(
        pk=pk, consultation__slug=slug
    )


def _items_qs(hearing: Hearing) -> QuerySet[HearingItem]:
    return HearingItem.objects.filter(hearing=hearing).select_related(
        "author", "organisation", "participant"
    )


def hearing_items(
    hearing: Hearing, *, sort: str = DEFAULT_SORT, user=None
) -> tuple[list[HearingItem], set[int]]:
    """All the items of a hearing in the chosen order, and the ids of those ``user`` upvoted."""
    items = list(_items_qs(hearing).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT])))
    for item in items:
        item.hearing = hearing  # the rules read item.hearing.consultation: no query per item
    mine: set[int] = set()
    if user is not None and getattr(user, "is_authenticated", False) and items:
        mine = set(
            HearingUpvote.objects.filter(user=user, item__hearing=hearing).values_list(
                "item_id", flat=True
            )
        )
    return items, mine


def hearings_for_consultation(consultation) -> list[Hearing]:
    """The consultation's hearings, soonest first, each with ``n_items`` (not hidden) and
    ``n_questions`` (one query)."""
    not_hidden = ~Q(items__status=HearingItem.Status.HIDDEN)
    hearings = list(
        Hearing.objects.filter(consultation=consultation)
        .annotate(
            n_items=Count("items", filter=not_hidden),
            n_questions=Count(
                "items", filter=not_hidden & Q(items__kind=HearingItem.Kind.QUESTION)
            ),
        )
        .order_by("starts_at", "pk")
    )
    for hearing in hearings:
        hearing.consultation = consultation
    return hearings


def hearings_for_report(consultation, *, include_private: bool = False) -> list[dict]:
    """The hearings that took place (live or ended), oldest first, for the consultation report.

    Each is a dict: ``id``, ``title``, ``description``, ``place``, ``status``, ``status_label``,
    ``starts_at``, ``ends_at`` (planned), ``started_at``, ``ended_at`` (actual; ``datetime``
    values), ``counts`` (``items``, ``questions``, ``remarks``, ``answered``, ``hidden``,
    ``upvotes``, ``participants``: people who posted) and ``items``, oldest first: ``id``,
    ``posted_at``, ``author`` (as the public sees them; with ``include_private`` the real name),
    ``author_email`` (only with ``include_private``), ``kind``, ``kind_label``, ``body`` (empty
    for a hidden item), ``status``, ``status_label``, ``hidden_reason``, ``hidden_reason_label``,
    ``upvotes``, ``answer_note``. Labels are in the active language. Two queries (one when
    there is no hearing).
    """
    hearings = list(
        Hearing.objects.filter(
            consultation=consultation, status__in=[Hearing.Status.LIVE, Hearing.Status.ENDED]
        )
        .order_by("starts_at", "pk")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=HearingItem.objects.select_related(
                    "author", "organisation", "participant"
                ).order_by("created_at", "pk"),
            )
        )
    )
    result = []
    for hearing in hearings:
        items = []
        counts = {
            "items": 0,
            "questions": 0,
            "remarks": 0,
            "answered": 0,
            "hidden": 0,
            "upvotes": 0,
            "participants": 0,
        }
        people = set()
        for item in hearing.items.all():
            hidden = item.status == HearingItem.Status.HIDDEN
            if include_private:
                author = str(item.author) if item.author_id else _("Deleted account")
                email = item.author.email if item.author_id else ""
            else:
                author, email = public_author(item), ""
            items.append(
                {
                    "id": item.pk,
                    "posted_at": item.created_at,
                    "author": author,
                    "author_email": email,
                    "kind": item.kind,
                    "kind_label": str(HearingItem.Kind(item.kind).label),
                    "body": "" if hidden else item.body,
                    "status": item.status,
                    "status_label": str(HearingItem.Status(item.status).label),
                    "hidden_reason": item.hidden_reason if hidden else "",
                    "hidden_reason_label": str(FlagReason(item.hidden_reason).label)
                    if hidden and item.hidden_reason in FlagReason.values
                    else "",
                    "upvotes": item.upvote_count,
                    "answer_note": item.answer_note,
                }
            )
            counts["items"] += 1
            counts["questions" if item.kind == HearingItem.Kind.QUESTION else "remarks"] += 1
            counts["answered"] += item.status == HearingItem.Status.ANSWERED
            counts["hidden"] += hidden
            counts["upvotes"] += item.upvote_count
            people.add(item.participant_id)
        counts["participants"] = len(people)
        result.append(
            {
                "id": hearing.pk,
                "title": hearing.title,
                "description": hearing.description,
                "place": hearing.place,
                "status": hearing.status,
                "status_label": str(Hearing.Status(hearing.status).label),
                "starts_at": hearing.starts_at,
                "ends_at": hearing.ends_at,
                "started_at": hearing.started_at,
                "ended_at": hearing.ended_at,
                "counts": counts,
                "items": items,
            }
        )
    return result
