"""A person's own data: everything the platform holds about them (``personal_data_export``),
and the erasure of their account (``account_erase``).

The rule (README, "Personal data"; shown on the page before a person confirms):

* Erased: the account (email, display name, password, language, dates), its email addresses,
  memberships, group and permission links, votes, reactions, flags, API tokens, sessions, and
  every other row that exists only because of the person (foreign keys to the user with
  ``on_delete=CASCADE``, found generically), with the revision history of those rows.
* Kept, no longer linked: what the person submitted to public consultations (comments, replies,
  position papers, hearing items), because institutions must keep and answer every submission.
  Comments and other submissions with a publication ``consent`` become ``hidden`` with no
  organisation, so the public sees "Participant #N" (the ``comments.Participant`` row keeps its
  number, with no user). Position papers keep their organisation (they are the organisation's).
  Withdrawn comments stay withdrawn. Published consultation reports are re-rendered with
  "Participant #N" in place of the person's name.
* History: in every ``simple_history`` table the person is no longer the acting user
  (``history_user`` NULL); foreign keys to the person in historical rows are cleared (and a
  ``consent`` there becomes ``hidden``); historical rows of records that belonged only to the
  person (``CASCADE``: memberships, participation blocks, the user row itself if tracked) are
  deleted. The text of submissions stays in the history: it is the public record.
* Not reachable: emails already sent, copies others downloaded (report exports), and free text in
  which someone else typed the person's name.

Where this module sits: it reads and writes the tables of every app (comments, proposals, reports,
jobs, hearings, allauth), against the one-way dependency rule of the design (accounts is the
bottom layer). Those imports are local to the functions, and most of the work is generic
(``apps.get_models()``, every model registered with simple-history), so that a new app's rows
about a person are exported and erased without a change here. This is a deliberate exception:
erasure has to be one transaction that sees everything.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from importlib import import_module

import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.deletion import ProtectedError, RestrictedError
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from .models import Membership, User
from .rules import is_authenticated

log = logging.getLogger(__name__)

EXPORT_FORMAT = "konsulta-personal-data/1"
HIDDEN_CONSENT = "hidden"
HISTORY_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
# In a model of the hearings app, a foreign key to the person with one of these names means
# "this row is theirs" (exported in full); other links are listed as pointers only.
OWNER_FIELD_NAMES = {"author", "user", "submitted_by", "created_by", "voter", "owner"}
# Never written into the download: secrets and large derived copies of other data.
SECRET_FIELD_NAMES = {"password", "key", "token", "session_data", "attachment_text", "body_html"}


# =============================================================================================
# Permission


@rules.predicate
def is_self(actor, user) -> bool:
    return user is not None and actor.pk == user.pk


@rules.predicate
def may_erase_as_staff(actor, user) -> bool:
    """Staff erase other people's accounts; only a superuser may erase a superuser."""
    return bool(actor.is_staff) and (bool(actor.is_superuser) or not user.is_superuser)


can_erase_account = is_authenticated & (is_self | may_erase_as_staff)


# =============================================================================================
# Generic discovery


def _user_model():
    return get_user_model()


def historical_models() -> list[type[models.Model]]:
    """Every historical model (the ``Historical*`` tables of django-simple-history)."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, HistoricalChanges) and hasattr(m, "instance_type")
    ]


def _user_fks(model) -> list[models.ForeignKey]:
    """The concrete foreign keys (and one-to-ones) of ``model`` to the user model."""
    user_model = _user_model()
    return [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model
    ]


def _linked_models() -> list[tuple[type[models.Model], models.ForeignKey]]:
    """``(model, field)`` for every ordinary (not historical, not proxy, not auto-created)
    model with a foreign key to the user model."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.auto_created or issubclass(model, HistoricalChanges):
            continue
        for fk in _user_fks(model):
            found.append((model, fk))
    return found


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _history_user_field(historical) -> str | None:
    try:
        return historical._meta.get_field("history_user").attname
    except Exception:
        return None


# =============================================================================================
# Export (selectors)


def _iso(value):
    return value.isoformat() if value else None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _url(name: str, **kwargs) -> str:
    try:
        return _absolute(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return ""


def _scalar_values(model, *, owner: str | None = None) -> list[str]:
    """The field names to export from ``model``'s rows: concrete fields, without secrets and
    without links to other people (foreign keys to the user model other than ``owner``)."""
    user_model = _user_model()
    names = []
    for f in model._meta.concrete_fields:
        if f.name in SECRET_FIELD_NAMES:
            continue
        if f.is_relation and f.related_model is user_model and f.name != owner:
            continue
        names.append(f.attname)
    return names


def _account(user: User) -> dict:
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "email_verified": user.email_verified,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "has_password": user.has_usable_password(),
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def _email_addresses(user: User) -> list[dict]:
    if not apps.is_installed("allauth.account"):
        return []
    from allauth.account.models import EmailAddress

    return [
        {"email": e.email, "verified": e.verified, "primary": e.primary}
        for e in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


def _memberships(user: User) -> list[dict]:
    return [
        {
            "organisation": m.organisation.name,
            "organisation_kind": m.organisation.kind,
            "role": m.role,
            "since": _iso(m.created_at),
        }
        for m in Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    ]


def _api_token(user: User) -> dict | None:
    if not apps.is_installed("rest_framework.authtoken"):
        return None
    from rest_framework.authtoken.models import Token

    token = Token.objects.filter(user=user).only("created").first()
    return {"created": _iso(token.created)} if token else None


def _participants(user: User) -> list[dict]:
    from comments.models import Participant

    return [
        {"consultation": p.consultation.slug, "participant_number": p.number}
        for p in Participant.objects.filter(user=user).select_related("consultation")
    ]


def _comments(user: User) -> list[dict]:
    from comments.models import Comment

    comments = list(
        Comment.objects.filter(author=user)
        .select_related("consultation", "proposal", "section", "parent", "organisation")
        .select_related("participant")
        .order_by("created_at", "pk")
    )
    versions: dict[int, list[dict]] = {}
    history = (
        Comment.history.filter(id__in=Comment.objects.filter(author=user).values("pk"))
        .order_by("history_date", "history_id")
        .values(
            "id",
            "history_date",
            "history_type",
            "history_change_reason",
            "status",
            "consent",
            "stance",
            "body",
            "proposed_wording",
            "participant_type",
            "municipality",
            "country",
        )
    )
    for row in history:
        versions.setdefault(row["id"], []).append(
            {
                "date": _iso(row["history_date"]),
                "type": HISTORY_TYPES.get(row["history_type"], row["history_type"]),
                "change_reason": row["history_change_reason"] or "",
                "status": row["status"],
                "consent": row["consent"],
                "stance": row["stance"],
                "body": row["body"],
                "proposed_wording": row["proposed_wording"],
                "participant_type": row["participant_type"],
                "municipality": row["municipality"],
                "country": row["country"],
            }
        )
    return [
        {
            "id": c.pk,
            "tracking_number": c.tracking_number,
            "status_url": _url("comments:track", number=c.tracking_number),
            "consultation": c.consultation.slug,
            "consultation_title": c.consultation.title,
            "draft": c.proposal.slug,
            "draft_title": c.proposal.title,
            "article": c.section.key if c.section_id else "",
            "reply_to": c.parent.tracking_number if c.parent_id else "",
            "depth": c.depth,
            "status": c.status,
            "hidden_reason": c.hidden_reason,
            "consent": c.consent,
            "organisation": c.organisation.name if c.organisation_id else "",
            "participant_type": c.participant_type,
            "participant_number": c.participant.number,
            "municipality": c.municipality,
            "country": c.country,
            "stance": c.stance,
            "body": c.body,
            "proposed_wording": c.proposed_wording,
            "created_at": _iso(c.created_at),
            "edited_at": _iso(c.edited_at),
            "withdrawn_at": _iso(c.withdrawn_at),
            "agree_count": c.agree_count,
            "disagree_count": c.disagree_count,
            "versions": versions.get(c.pk, []),
        }
        for c in comments
    ]


def _votes(user: User) -> list[dict]:
    from proposals.models import Vote

    return [
        {
            "consultation": v.proposal.consultation.slug,
            "draft": v.proposal.slug,
            "draft_title": v.proposal.title,
            "article": v.section.key if v.section_id else "",
            "choice": v.choice,
            "created_at": _iso(v.created_at),
            "updated_at": _iso(v.updated_at),
        }
        for v in Vote.objects.filter(user=user)
        .select_related("proposal__consultation", "section")
        .order_by("created_at", "pk")
    ]


def _reactions(user: User) -> list[dict]:
    from comments.models import Reaction

    return [
        {
            "comment": r.comment.tracking_number,
            "value": r.value,
            "created_at": _iso(r.created_at),
        }
        for r in Reaction.objects.filter(user=user)
        .select_related("comment")
        .only("value", "created_at", "comment__tracking_number")
        .order_by("created_at", "pk")
    ]


def _flags(user: User) -> list[dict]:
    from comments.models import Flag

    return [
        {
            "comment": fl.comment.tracking_number,
            "reason": fl.reason,
            "note": fl.note,
            "reviewed": fl.reviewed,
            "created_at": _iso(fl.created_at),
        }
        for fl in Flag.objects.filter(user=user)
        .select_related("comment")
        .only("reason", "note", "reviewed", "created_at", "comment__tracking_number")
        .order_by("created_at", "pk")
    ]


def _position_papers(user: User) -> list[dict]:
    from django.db.models import Prefetch

    from comments.models import PositionPaper, PositionPaperPoint

    papers = (
        PositionPaper.objects.filter(submitted_by=user)
        .select_related("consultation", "organisation")
        .prefetch_related(
            Prefetch(
                "points",
                queryset=PositionPaperPoint.objects.select_related("section").order_by(
                    "section__position", "pk"
                ),
            )
        )
        .defer("attachment_text")
        .order_by("created_at", "pk")
    )
    return [
        {
            "tracking_number": p.tracking_number,
            "consultation": p.consultation.slug,
            "organisation": p.organisation.name,
            "title": p.title,
            "summary": p.summary,
            "status": p.status,
            "created_at": _iso(p.created_at),
            "withdrawn_at": _iso(p.withdrawn_at),
            "attachment_pages": p.attachment_pages,
            "attachment_size": p.attachment_size,
            "attachment_download_url": _url(
                "comments:paper_download", tracking_number=p.tracking_number
            ),
            "points": [{"article": pt.section.key, "text": pt.text} for pt in p.points.all()],
        }
        for p in papers
    ]


def _jobs(user: User) -> list[dict]:
    if not apps.is_installed("jobs"):
        return []
    from jobs.models import Job

    return [
        {
            "id": str(j.token),
            "name": j.name,
            "arguments": j.args,
            "status": j.status,
            "progress": j.progress,
            "message": j.message,
            "has_file": bool(j.file),
            "created_at": _iso(j.created_at),
            "started_at": _iso(j.started_at),
            "finished_at": _iso(j.finished_at),
        }
        for j in Job.objects.filter(created_by=user).order_by("created_at", "pk")
    ]


def _hearings(user: User) -> dict | None:
    """Rows of the hearings app that are the person's (items, upvotes, ...), found by their
    foreign keys to the user; the app is optional."""
    if not apps.is_installed("hearings"):
        return None
    result: dict[str, list[dict]] = {}
    for model in apps.get_app_config("hearings").get_models():
        if model._meta.proxy or issubclass(model, HistoricalChanges):
            continue
        for fk in _user_fks(model):
            if fk.name not in OWNER_FIELD_NAMES:
                continue
            names = _scalar_values(model, owner=fk.name)
            rows = list(
                model._default_manager.filter(**{fk.attname: user.pk}).order_by("pk").values(*names)
            )
            result.setdefault(model._meta.label, []).extend(rows)
    return result


# The (model label, field name) pairs the sections above cover.
_COVERED = {
    ("accounts.Membership", "user"),
    ("account.EmailAddress", "user"),
    ("authtoken.Token", "user"),
    ("comments.Participant", "user"),
    ("comments.Comment", "author"),
    ("comments.PositionPaper", "submitted_by"),
    ("comments.Reaction", "user"),
    ("comments.Flag", "user"),
    ("proposals.Vote", "user"),
    ("jobs.Job", "created_by"),
}


def _other_records(user: User) -> list[dict]:
    """Pointers to every other row linked to the person (as actor, target, ...): the model, the
    link and the row's id. One query per link, whatever the number of rows."""
    found = []
    for model, fk in _linked_models():
        label = model._meta.label
        in_hearings = model._meta.app_label == "hearings" and fk.name in OWNER_FIELD_NAMES
        if (label, fk.name) in _COVERED or in_hearings:
            continue
        ids = model._default_manager.filter(**{fk.attname: user.pk}).values_list("pk", flat=True)
        for pk in ids.order_by("pk"):
            found.append({"model": label, "link": fk.name, "id": pk})
    return found


def _history_entries(user: User) -> list[dict]:
    """Every revision-history entry recorded with the person as the acting user, across every
    model registered with simple-history (one query per historical model)."""
    entries = []
    for historical in historical_models():
        attname = _history_user_field(historical)
        if attname is None:
            continue
        base = historical.instance_type
        pk_name = base._meta.pk.attname
        rows = (
            historical._default_manager.filter(**{attname: user.pk})
            .order_by()
            .values(pk_name, "history_id", "history_date", "history_type", "history_change_reason")
        )
        for row in rows:
            entries.append(
                {
                    "model": base._meta.label,
                    "object_id": row[pk_name],
                    "history_id": row["history_id"],
                    "date": row["history_date"],
                    "type": HISTORY_TYPES.get(row["history_type"], row["history_type"]),
                    "change_reason": row["history_change_reason"] or "",
                }
            )
    entries.sort(key=lambda e: (e["date"], e["model"], e["history_id"]))
    for e in entries:
        e["date"] = _iso(e["date"])
    return entries


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about ``user``, as JSON-safe data. A fixed number of
    queries: one or two per kind of data, one per historical model and per link to the user."""
    data = {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(timezone.now()),
        "site": settings.SITE_URL,
        "account": _account(user),
        "email_addresses": _email_addresses(user),
        "memberships": _memberships(user),
        "api_token": _api_token(user),
        "participant_numbers": _participants(user),
        "comments": _comments(user),
        "votes": _votes(user),
        "reactions": _reactions(user),
        "flags": _flags(user),
        "position_papers": _position_papers(user),
        "jobs": _jobs(user),
        "history_entries": _history_entries(user),
        "other_records": _other_records(user),
    }
    hearings = _hearings(user)
    if hearings is not None:
        data["hearings"] = hearings
    return data


# =============================================================================================
# Erasure (service)


@dataclass
class ErasureResult:
    user_id: int
    deleted: bool  # False: the user row was anonymised (a PROTECT foreign key kept it)
    submissions_unlinked: int = 0
    rows_deleted: dict[str, int] = field(default_factory=dict)
    history_rows_cleared: int = 0
    history_rows_deleted: int = 0
    reports_rewritten: int = 0
    sessions_deleted: int = 0


def _recount_comments(comment_ids: set[int]) -> None:
    """Agree / disagree / open-flag counts of these comments, recounted in one UPDATE (the same
    numbers as ``comments.services._recount_reactions`` and ``flag_create``)."""
    if not comment_ids:
        return
    from comments.models import Comment, Flag, Reaction

    def count(model, **filters):
        rows = (
            model.objects.filter(comment=OuterRef("pk"), **filters)
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        return Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)

    Comment.objects.filter(pk__in=comment_ids).update(
        agree_count=count(Reaction, value="agree"),
        disagree_count=count(Reaction, value="disagree"),
        flag_count=count(Flag, reviewed=False),
    )


def _hearing_items_upvoted_by(user: User) -> set[int]:
    if not apps.is_installed("hearings"):
        return set()
    from hearings.models import HearingUpvote

    return set(HearingUpvote.objects.filter(user=user).values_list("item_id", flat=True))


def _recount_hearing_items(item_ids: set[int]) -> None:
    """Upvote counts of these hearing items, recounted in one UPDATE (as
    ``hearings.services._recount`` does for one item)."""
    if not item_ids:
        return
    from hearings.models import HearingItem, HearingUpvote

    rows = (
        HearingUpvote.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    HearingItem.objects.filter(pk__in=item_ids).update(
        upvote_count=Coalesce(Subquery(rows, output_field=models.IntegerField()), 0)
    )


def _unlink_submissions(user: User) -> tuple[int, dict[int, dict[str, int]]]:
    """Submissions with a publication consent (comments, hearing items): consent ``hidden``,
    no organisation, so the public sees "Participant #N". Returns how many rows, and for the
    comments ``{consultation_id: {tracking_number: participant number}}`` (for the reports)."""
    from comments.models import Comment

    by_consultation: dict[int, dict[str, int]] = {}
    for consultation_id, number, participant in Comment.objects.filter(author=user).values_list(
        "consultation_id", "tracking_number", "participant__number"
    ):
        by_consultation.setdefault(consultation_id, {})[number] = participant
    count = 0
    for model, fk in _linked_models():
        if not _has_field(model, "consent") or fk.remote_field.on_delete is not models.SET_NULL:
            continue
        changes = {"consent": HIDDEN_CONSENT}
        if _has_field(model, "organisation") and model._meta.get_field("organisation").null:
            changes["organisation"] = None
        count += model._default_manager.filter(**{fk.attname: user.pk}).update(**changes)
    return count, by_consultation


def _rewrite_published_reports(by_consultation: dict[int, dict[str, int]]) -> int:
    """Published reports show each comment's author as consented; the person's comments now
    show as "Participant #N" there too (snapshot and rendered text, in each language)."""
    if not by_consultation or not apps.is_installed("reports"):
        return 0
    from reports.models import ReportVersion
    from reports.rendering import render_report_body
    from reports.selectors import report_from_dict, report_to_dict

    rewritten = 0
    for version in ReportVersion.objects.filter(consultation_id__in=list(by_consultation)):
        numbers = by_consultation[version.consultation_id]
        report = report_from_dict(version.snapshot)
        changed = False
        with translation.override(version.language):
            for entry in report.submissions:
                if entry.tracking_number in numbers:
                    entry.author = _("Participant #%(n)d") % {"n": numbers[entry.tracking_number]}
                    entry.organisation = ""
                    entry.author_email = ""
                    changed = True
            if changed:
                version.snapshot = report_to_dict(report)
                version.html = render_report_body(report, version=version)
                version.save(update_fields=["snapshot", "html"])
                rewritten += 1
    return rewritten


def _delete_admin_log(user: User) -> int:
    """Admin log lines *about* the person's user and membership rows (their names are in the
    lines' text); the lines the person wrote as staff go with the account (CASCADE)."""
    if not apps.is_installed("django.contrib.admin"):
        return 0
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    user_type = ContentType.objects.get_for_model(_user_model())
    membership_type = ContentType.objects.get_for_model(Membership)
    membership_ids = [str(pk) for pk in Membership.objects.filter(user=user).values_list("pk")]
    deleted, _rows = LogEntry.objects.filter(
        models.Q(content_type=user_type, object_id=str(user.pk))
        | models.Q(content_type=membership_type, object_id__in=membership_ids)
    ).delete()
    return deleted


def _delete_finished_jobs(user: User) -> int:
    """The person's finished background jobs and their files (served only to them). Queued and
    running jobs stay, with no one as their starter (SET_NULL), so a worker is not disturbed."""
    if not apps.is_installed("jobs"):
        return 0
    from jobs.models import Job

    jobs = list(
        Job.objects.filter(created_by=user, status__in=[Job.Status.DONE, Job.Status.FAILED]).only(
            "pk", "file"
        )
    )
    files = [(j.file.storage, j.file.name) for j in jobs if j.file]
    Job.objects.filter(pk__in=[j.pk for j in jobs]).delete()

    def remove_files():
        for storage, name in files:
            try:
                storage.delete(name)
            except OSError:
                log.warning("could not delete the job file %s", name)

    transaction.on_commit(remove_files)
    return len(jobs)


def _delete_owned_rows(user: User) -> dict[str, int]:
    """Every row that exists only because of the person: foreign keys to the user with
    ``CASCADE`` (votes, reactions, flags, memberships, email addresses, tokens, blocks, hearing
    upvotes, ...). Deleted before the history is cleaned, so the deletion records simple-history
    writes for them are cleaned too."""
    counts: dict[str, int] = {}
    for model, fk in _linked_models():
        if fk.remote_field.on_delete is not models.CASCADE:
            continue
        _total, per_model = model._default_manager.filter(**{fk.attname: user.pk}).delete()
        for label, n in per_model.items():
            if n:
                counts[label] = counts.get(label, 0) + n
    return counts


def _unlink_rows(user: User) -> int:
    """Every row that stays but pointed at the person (``SET_NULL``: comments, participant
    numbers, position papers, answers, jobs, ...): the link is cleared. ``user.delete()`` would
    do the same; doing it here keeps it true when the user row has to be anonymised instead."""
    count = 0
    for model, fk in _linked_models():
        if fk.remote_field.on_delete is models.SET_NULL and fk.null:
            count += model._default_manager.filter(**{fk.attname: user.pk}).update(
                **{fk.attname: None}
            )
    return count


def _clean_history(user_id: int) -> tuple[int, int]:
    """In every historical table: the person is no longer the acting user; foreign keys to the
    person are cleared (a ``consent`` there becomes hidden, with no organisation); historical
    rows of records that belonged only to the person (CASCADE) are deleted. Returns (rows
    changed, rows deleted)."""
    user_model = _user_model()
    changed = deleted = 0
    for historical in historical_models():
        base = historical.instance_type
        manager = historical._default_manager
        if base is user_model or issubclass(base, user_model):
            deleted += manager.filter(**{base._meta.pk.attname: user_id}).delete()[0]
            continue
        for fk in _user_fks(historical):
            if fk.name == "history_user":
                continue
            try:
                base_field = base._meta.get_field(fk.name)
            except Exception:
                base_field = None
            on_delete = getattr(getattr(base_field, "remote_field", None), "on_delete", None)
            rows = manager.filter(**{fk.attname: user_id})
            if on_delete is models.CASCADE:
                deleted += rows.delete()[0]
                continue
            changes = {fk.attname: None}
            if _has_field(historical, "consent"):
                changes["consent"] = HIDDEN_CONSENT
                if _has_field(historical, "organisation"):
                    changes["organisation"] = None
            changed += rows.update(**changes)
        attname = _history_user_field(historical)
        if attname:
            changed += manager.filter(**{attname: user_id}).update(**{attname: None})
    return changed, deleted


def _delete_sessions(user_id: int) -> int:
    """Sign the person out everywhere: the database sessions whose data name this user. (With
    a cache-only session engine the sessions cannot be listed; they stop working anyway, the
    user being gone.)"""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    try:
        model = store_class.get_model_class()
    except AttributeError:
        return 0
    keys = []
    sessions = model.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in sessions.iterator(chunk_size=500):
        data = store_class().decode(session.session_data)
        if str(data.get(SESSION_KEY, "")) == str(user_id):
            keys.append(session.session_key)
    for key in keys:
        store_class(session_key=key).delete()  # the cache copy too (cached_db)
    return len(keys)


def _anonymise(user: User) -> None:
    user.email = f"erased-{uuid.uuid4().hex}@erased.invalid"
    user.display_name = ""
    user.preferred_language = settings.LANGUAGE_CODE
    user.email_verified = False
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


@transaction.atomic
def account_erase(*, actor: User, user: User) -> ErasureResult:
    """Erase a person's account and their personal data, keeping what they submitted to public
    consultations as the unlinked public record ("Participant #N"). ``actor`` is the person or
    staff (a superuser to erase a superuser). See the module docstring for the rule."""
    if actor is None or not can_erase_account.test(actor, user):
        raise PermissionDenied(_("You can only delete your own account."))
    user = _user_model().objects.select_for_update().get(pk=user.pk)
    user_id = user.pk
    result = ErasureResult(user_id=user_id, deleted=True)

    from comments.models import Flag, Reaction

    touched = set(Reaction.objects.filter(user=user).values_list("comment_id", flat=True))
    touched |= set(Flag.objects.filter(user=user).values_list("comment_id", flat=True))
    upvoted = _hearing_items_upvoted_by(user)

    result.submissions_unlinked, by_consultation = _unlink_submissions(user)
    result.reports_rewritten = _rewrite_published_reports(by_consultation)
    _delete_admin_log(user)
    result.rows_deleted = _delete_owned_rows(user)
    jobs = _delete_finished_jobs(user)
    if jobs:
        result.rows_deleted["jobs.Job"] = jobs
    _unlink_rows(user)
    _recount_comments(touched)
    _recount_hearing_items(upvoted)
    result.sessions_deleted = _delete_sessions(user_id)
    # Last before the user row: the deletions above wrote history records (with the person as
    # the acting user, when they act themselves); those are cleaned here too.
    result.history_rows_cleared, result.history_rows_deleted = _clean_history(user_id)

    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError):
        log.warning("user %s is protected by a foreign key: anonymised, not deleted", user_id)
        _anonymise(user)
        result.deleted = False
    log.info("account %s erased by %s", user_id, "themself" if actor.pk == user_id else actor.pk)
    return result


__all__ = [
    "ErasureResult",
    "account_erase",
    "can_erase_account",
    "historical_models",
    "personal_data_export",
]
