"""Writes for public hearings: the session's lifecycle, the items people post, upvotes and
moderation.

Every service checks its permission (``accounts.rules.require``, rules in ``hearings.rules``:
``PermissionDenied``), validates (``ValidationError`` with field messages in the person's
language), runs in one transaction, records who acted in the history and announces the change
with a typed event (``hearings.events``) through ``realtime.events.publish_on_commit``: numbered
in the consultation's sequence, sent after the commit, public data only.

Locks: a service locks the row it changes (the hearing, or the item) before anything else, and
the event number (the consultation's row) last, so concurrent writers always take locks in the
same order. Item counts are recounted under the item's lock, so a later event never carries an
older count.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organisation, User
from accounts.rules import require
from comments.models import Consent, FlagReason
from comments.services import participant_for
from consult.models import Consultation

from . import events
from .models import Hearing, HearingItem, HearingUpvote

MAX_TITLE = 200
MAX_PLACE = 200
MAX_DESCRIPTION = 5000
MAX_NOTE = 2000
MAX_DURATION = dt.timedelta(hours=12)


# --- helpers -------------------------------------------------------------------------------------


def _parse_rate(value: str) -> tuple[int, int]:
    count, seconds = str(value).split("/", 1)
    return max(1, int(count)), max(1, int(seconds))


def _check_rate(actor: User) -> None:
    """At most ``HEARING_ITEM_RATE_LIMIT`` items by one person, counted in the database so that
    the limit holds across server processes."""
    limit, seconds = _parse_rate(settings.HEARING_ITEM_RATE_LIMIT)
    since = timezone.now() - dt.timedelta(seconds=seconds)
    if HearingItem.objects.filter(author=actor, created_at__gte=since).count() >= limit:
        minutes = max(1, seconds // 60)
        raise ValidationError(
            _(
                "You have posted %(count)d questions or remarks in the last %(minutes)d "
                "minutes. Please wait a little before posting again."
            )
            % {"count": limit, "minutes": minutes}
        )


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


def _display(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _clean_details(
    *,
    consultation: Consultation,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    description: str,
    check_future: bool,
) -> dict:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    place = (place or "").strip()
    description = (description or "").strip()
    if not title:
        errors["title"] = _("Give the hearing a title.")
    elif len(title) > MAX_TITLE:
        errors["title"] = _("The title is too long (at most %(n)d characters).") % {"n": MAX_TITLE}
    if len(place) > MAX_PLACE:
        errors["place"] = _("The place is too long (at most %(n)d characters).") % {"n": MAX_PLACE}
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = _("The description is too long (at most %(n)d characters).") % {
            "n": MAX_DESCRIPTION
        }
    if starts_at is None:
        errors["starts_at"] = _("Choose when the hearing starts.")
    if ends_at is None:
        errors["ends_at"] = _("Choose when the hearing ends.")
    if starts_at is not None and ends_at is not None:
        if ends_at <= starts_at:
            errors["ends_at"] = _("The hearing must end after it starts.")
        elif ends_at - starts_at > MAX_DURATION:
            errors["ends_at"] = _("A hearing lasts at most 12 hours.")
        elif check_future and ends_at <= timezone.now():
            errors["ends_at"] = _("This time has already passed; choose a time in the future.")
        elif consultation.closes_at and starts_at >= consultation.closes_at:
            errors["starts_at"] = _(
                "The hearing must take place during the consultation round, which closes on "
                "%(date)s."
            ) % {"date": _display(consultation.closes_at)}
        elif consultation.opens_at and ends_at <= consultation.opens_at:
            errors["starts_at"] = _(
                "The hearing must take place during the consultation round, which opens on "
                "%(date)s."
            ) % {"date": _display(consultation.opens_at)}
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "description": description,
    }


def _lock_hearing(hearing: Hearing) -> Hearing:
    return (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("consultation__institution")
        .get(pk=hearing.pk)
    )


def _lock_item(item: HearingItem) -> HearingItem:
    return (
        HearingItem.objects.select_for_update(of=("self",))
        .select_related(
            "hearing__consultation__institution", "author", "organisation", "participant"
        )
        .get(pk=item.pk)
    )


def _save(obj, actor: User | None, reason: str, fields: list[str] | None = None) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    if fields is None:
        obj.save()
    else:
        obj.save(update_fields=fields)


# --- hearings ------------------------------------------------------------------------------------


@transaction.atomic
def hearing_schedule(
    *,
    actor: User,
    consultation: Consultation,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    description: str = "",
) -> Hearing:
    require(
        actor,
        "hearings.schedule_hearing",
        consultation,
        _(
            "Only officials of the institution can schedule hearings, while the consultation "
            "has not closed."
        ),
    )
    details = _clean_details(
        consultation=consultation,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        description=description,
        check_future=True,
    )
    hearing = Hearing(consultation=consultation, created_by=actor, **details)
    _save(hearing, actor, "scheduled")
    events.publish(
        events.HearingScheduled(
            consultation_id=consultation.pk, hearing=events.public_hearing(hearing)
        )
    )
    return hearing


@transaction.atomic
def hearing_update(
    *,
    actor: User,
    hearing: Hearing,
    title: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    description: str = "",
) -> Hearing:
    hearing = _lock_hearing(hearing)
    require(
        actor,
        "hearings.change_hearing",
        hearing,
        _("Only officials of the institution can edit a hearing, until it ends."),
    )
    details = _clean_details(
        consultation=hearing.consultation,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        description=description,
        # A live hearing's start is in the past; only a scheduled one must still be ahead.
        check_future=hearing.status == Hearing.Status.SCHEDULED,
    )
    changed = [name for name, value in details.items() if getattr(hearing, name) != value]
    if not changed:
        return hearing
    for name in changed:
        setattr(hearing, name, details[name])
    _save(hearing, actor, "edited", [*changed, "updated_at"])
    events.publish(
        events.HearingUpdated(
            consultation_id=hearing.consultation_id, hearing=events.public_hearing(hearing)
        )
    )
    return hearing


def _transition(hearing: Hearing, actor: User, status: str, reason: str, **fields) -> Hearing:
    previous = hearing.status
    hearing.status = status
    for name, value in fields.items():
        setattr(hearing, name, value)
    _save(hearing, actor, reason, ["status", *fields, "updated_at"])
    events.publish(
        events.HearingStatusChanged(
            consultation_id=hearing.consultation_id,
            hearing=events.public_hearing(hearing),
            previous=previous,
        )
    )
    return hearing


@transaction.atomic
def hearing_start(*, actor: User, hearing: Hearing) -> Hearing:
    hearing = _lock_hearing(hearing)
    require(
        actor,
        "hearings.start_hearing",
        hearing,
        _(
            "A hearing can be started by the institution's officials, once, while the "
            "consultation is open."
        ),
    )
    return _transition(hearing, actor, Hearing.Status.LIVE, "started", started_at=timezone.now())


@transaction.atomic
def hearing_end(*, actor: User, hearing: Hearing) -> Hearing:
    hearing = _lock_hearing(hearing)
    require(
        actor,
        "hearings.end_hearing",
        hearing,
        _("Only the institution's officials can end a hearing, while it is live."),
    )
    return _transition(hearing, actor, Hearing.Status.ENDED, "ended", ended_at=timezone.now())


@transaction.atomic
def hearing_cancel(*, actor: User, hearing: Hearing, reason: str = "") -> Hearing:
    hearing = _lock_hearing(hearing)
    require(
        actor,
        "hearings.cancel_hearing",
        hearing,
        _("Only the institution's officials can cancel a hearing, before it starts."),
    )
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE:
        raise ValidationError(
            {"reason": _("The reason is too long (at most %(n)d characters).") % {"n": MAX_NOTE}}
        )
    return _transition(
        hearing, actor, Hearing.Status.CANCELLED, "cancelled", cancellation_reason=reason
    )


# --- items ---------------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    limit = settings.HEARING_ITEM_MAX_LENGTH
    if len(body) < 2:
        raise ValidationError({"body": _("Write your question or remark; it cannot be empty.")})
    if len(body) > limit:
        raise ValidationError(
            {
                "body": _("The text is too long (at most %(n)d characters, it has %(len)d).")
                % {"n": limit, "len": len(body)}
            }
        )
    return body


@transaction.atomic
def item_post(
    *,
    actor: User,
    hearing: Hearing,
    kind: str,
    body: str,
    consent: str,
    organisation: Organisation | None = None,
) -> HearingItem:
    """A question or a remark, shown to everyone at once."""
    hearing = _lock_hearing(hearing)
    require(
        actor,
        "hearings.post_item",
        hearing,
        _(
            "Posting needs a verified account that is not blocked, while the hearing is live "
            "and the consultation open."
        ),
    )
    _choice(kind, HearingItem.Kind, "kind", _("Choose a question or a remark."))
    body = _clean_body(body)
    _choice(consent, Consent, "consent", _("Choose how your name is shown."))
    if consent == Consent.ORGANISATION and organisation is None:
        raise ValidationError(
            {"organisation": _("Choose the organisation to show, or another option.")}
        )
    if (
        organisation is not None
        and not actor.memberships.filter(organisation=organisation).exists()
    ):
        raise ValidationError({"organisation": _("You are not a member of this organisation.")})
    _check_rate(actor)
    item = HearingItem(
        hearing=hearing,
        author=actor,
        participant=participant_for(hearing.consultation, actor),
        organisation=organisation,
        consent=consent,
        kind=kind,
        body=body,
    )
    _save(item, actor, "posted")
    events.publish(
        events.ItemPosted(consultation_id=hearing.consultation_id, item=events.public_item(item))
    )
    return item


def _recount(item: HearingItem) -> None:
    item.upvote_count = HearingUpvote.objects.filter(item=item).count()
    HearingItem.objects.filter(pk=item.pk).update(upvote_count=item.upvote_count)


def _publish_count(item: HearingItem) -> None:
    events.publish(
        events.ItemUpvoted(
            consultation_id=item.hearing.consultation_id,
            hearing_id=item.hearing_id,
            id=item.pk,
            upvote_count=item.upvote_count,
        )
    )


UPVOTE_REFUSED = gettext_lazy(
    "Upvoting needs a verified account, a live hearing and an open consultation; you cannot "
    "upvote your own question or remark, nor a hidden one."
)


@transaction.atomic
def item_upvote(*, actor: User, item: HearingItem) -> HearingItem:
    """One upvote per person per item: a second one changes nothing."""
    item = _lock_item(item)
    require(actor, "hearings.upvote_item", item, str(UPVOTE_REFUSED))
    if HearingUpvote.objects.filter(item=item, user=actor).exists():
        return item
    upvote = HearingUpvote(item=item, user=actor)
    upvote._history_user = actor
    try:
        with transaction.atomic():
            upvote.save()
    except IntegrityError:  # the same person at the same moment, from another tab
        return item
    _recount(item)
    _publish_count(item)
    return item


@transaction.atomic
def item_unupvote(*, actor: User, item: HearingItem) -> HearingItem:
    """Take one's upvote back (nothing happens without one)."""
    item = _lock_item(item)
    require(actor, "hearings.upvote_item", item, str(UPVOTE_REFUSED))
    upvote = HearingUpvote.objects.filter(item=item, user=actor).first()
    if upvote is None:
        return item
    upvote._history_user = actor
    upvote.delete()
    _recount(item)
    _publish_count(item)
    return item


MODERATE_REFUSED = gettext_lazy(
    "Only the institution's officials and the moderators can answer or moderate questions and "
    "remarks, during the hearing or after it."
)


@transaction.atomic
def item_mark_answered(*, actor: User, item: HearingItem, note: str = "") -> HearingItem:
    """Answered, with an optional note (changing the note of an answered item is allowed)."""
    item = _lock_item(item)
    require(actor, "hearings.moderate_item", item, str(MODERATE_REFUSED))
    if item.status == HearingItem.Status.HIDDEN:
        raise ValidationError(_("A hidden question or remark cannot be marked answered."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError(
            {"note": _("The note is too long (at most %(n)d characters).") % {"n": MAX_NOTE}}
        )
    item.status = HearingItem.Status.ANSWERED
    item.answer_note = note
    item.answered_at = item.answered_at or timezone.now()
    _save(item, actor, "answered", ["status", "answer_note", "answered_at"])
    events.publish(
        events.ItemAnswered(
            consultation_id=item.hearing.consultation_id,
            hearing_id=item.hearing_id,
            id=item.pk,
            answer_note=item.answer_note,
        )
    )
    return item


@transaction.atomic
def item_hide(*, actor: User, item: HearingItem, reason: str) -> HearingItem:
    item = _lock_item(item)
    require(actor, "hearings.moderate_item", item, str(MODERATE_REFUSED))
    _choice(reason, FlagReason, "reason", _("Choose the reason category."))
    if item.status == HearingItem.Status.HIDDEN:
        raise ValidationError(_("This question or remark is already hidden."))
    item.status = HearingItem.Status.HIDDEN
    item.hidden_reason = reason
    _save(item, actor, f"hidden: {reason}", ["status", "hidden_reason"])
    events.publish(
        events.ItemHidden(
            consultation_id=item.hearing.consultation_id,
            hearing_id=item.hearing_id,
            id=item.pk,
            reason=reason,
        )
    )
    return item


@transaction.atomic
def item_restore(*, actor: User, item: HearingItem) -> HearingItem:
    """Show a hidden item again, answered if it had been answered."""
    item = _lock_item(item)
    require(actor, "hearings.moderate_item", item, str(MODERATE_REFUSED))
    if item.status != HearingItem.Status.HIDDEN:
        raise ValidationError(_("Only a hidden question or remark can be restored."))
    item.status = HearingItem.Status.ANSWERED if item.answered_at else HearingItem.Status.VISIBLE
    item.hidden_reason = ""
    _save(item, actor, "restored", ["status", "hidden_reason"])
    events.publish(
        events.ItemRestored(
            consultation_id=item.hearing.consultation_id, item=events.public_item(item)
        )
    )
    return item
