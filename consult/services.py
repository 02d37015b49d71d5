"""Writes for consultations: creation, editing and every lifecycle transition.

Each service checks its own permission (``PermissionDenied``), validates (``ValidationError`` with
field messages in the person's language), runs in one transaction and records the acting user in
the history.
"""

from __future__ import annotations

import datetime as dt
import logging

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from realtime import events as live
from realtime import schemas as live_events
from subscriptions import notify as subscription_notify

from .languages import language_codes, language_name
from .models import Consultation
from .workdays import add_working_days, working_days_between

log = logging.getLogger(__name__)
S = Consultation.Status

EDITABLE_FIELDS = (
    "title",
    "summary",
    "kind",
    "contact_name",
    "contact_email",
    "opens_at",
    "closes_at",
    "short_round_justification",
    "responses_visibility",
    "language",
    "title_translations",
    "summary_translations",
)
# Longest translated texts (the title's limit is the original's).
TRANSLATION_LIMITS = {"title_translations": 250, "summary_translations": 20000}
# Slugs that would clash with the workspace's own paths.
RESERVED_SLUGS = {"new", "round-hint", "moderation", "plans"}


def _require(actor: User | None, perm: str, obj, message: str) -> None:
    # The rule itself, not ``actor.has_perm``: Django lets a superuser pass every permission,
    # which would skip the lifecycle-state checks that live in the rules (closing a draft,
    # voting on a closed consultation). Staff rights are part of the rules already.
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)


def earliest_closing_date(opens_at: dt.datetime) -> dt.date:
    return add_working_days(opens_at, settings.CONSULTATION_MIN_WORKING_DAYS)


def validate_round(
    *, opens_at: dt.datetime | None, closes_at: dt.datetime | None, justification: str
) -> None:
    """The written round: closes after it opens, and lasts the minimum number of working days
    unless a justification for a shorter round is recorded."""
    if opens_at is None or closes_at is None:
        return
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The closing time must be after the opening time.")})
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS
    if working_days_between(opens_at, closes_at) < minimum and not justification.strip():
        earliest = formats.date_format(earliest_closing_date(opens_at), "DATE_FORMAT")
        raise ValidationError(
            {
                "closes_at": _(
                    "The written round must last at least %(days)d working days. The earliest "
                    "allowed closing date is %(date)s, unless you record a justification for "
                    "an exceptionally shorter round."
                )
                % {"days": minimum, "date": earliest}
            }
        )


def clean_translations(value, *, field: str, original: str) -> dict[str, str]:
    """A consultation's ``title_translations`` or ``summary_translations``: language code ->
    text, for the site's languages other than the original. Texts are stripped, empty ones
    dropped; anything else is a ``ValidationError`` on ``field``."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(
            {field: _("Give the translations as a language code and a text for each.")}
        )
    limit = TRANSLATION_LIMITS[field]
    codes = language_codes()
    cleaned: dict[str, str] = {}
    for code, text in value.items():
        if code not in codes:
            raise ValidationError(
                {
                    field: _("“%(code)s” is not one of the site's languages (%(codes)s).")
                    % {"code": str(code)[:20], "codes": ", ".join(codes)}
                }
            )
        if code == original:
            raise ValidationError(
                {
                    field: _(
                        "%(language)s is the language of the original text: it goes in the "
                        "field itself, not among the translations."
                    )
                    % {"language": language_name(code)}
                }
            )
        if text is None:
            continue
        if not isinstance(text, str):
            raise ValidationError(
                {
                    field: _("The text in %(language)s must be text.")
                    % {"language": language_name(code)}
                }
            )
        text = text.strip()
        if len(text) > limit:
            raise ValidationError(
                {
                    field: _(
                        "The text in %(language)s is %(length)d characters long; the limit is "
                        "%(limit)d."
                    )
                    % {"language": language_name(code), "length": len(text), "limit": limit}
                }
            )
        if text:
            cleaned[code] = text
    return {code: cleaned[code] for code in codes if code in cleaned}


def _unique_slug(title: str) -> str:
    text = title.replace("ë", "e").replace("Ë", "E").replace("ç", "c").replace("Ç", "C")
    text = text.replace("–", "-").replace("—", "-")  # "2026–2030" -> "2026-2030"
    base = slugify(text)[:80].strip("-") or "konsultim"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Consultation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save(consultation: Consultation, actor: User | None, reason: str = "") -> None:
    consultation._history_user = actor
    if reason:
        consultation._change_reason = reason
    consultation.full_clean()
    consultation.save()


@transaction.atomic
def consultation_create(
    *,
    actor: User,
    institution: Organisation,
    title: str,
    kind: str,
    contact_name: str,
    contact_email: str,
    summary: str = "",
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    short_round_justification: str = "",
    responses_visibility: str = Consultation.ResponsesVisibility.IMMEDIATE,
    slug: str | None = None,
    language: str = "sq",
    title_translations: dict[str, str] | None = None,
    summary_translations: dict[str, str] | None = None,
) -> Consultation:
    _require(
        actor,
        "consult.create_consultation",
        institution,
        _("Only officials of this institution can create its consultations."),
    )
    if not institution.is_institution:
        raise ValidationError({"institution": _("Consultations belong to public institutions.")})
    validate_round(opens_at=opens_at, closes_at=closes_at, justification=short_round_justification)
    if language not in language_codes():
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    title_translations = clean_translations(
        title_translations, field="title_translations", original=language
    )
    summary_translations = clean_translations(
        summary_translations, field="summary_translations", original=language
    )
    consultation = Consultation(
        institution=institution,
        title=title.strip(),
        slug=slug or _unique_slug(title),
        summary=summary,
        kind=kind,
        contact_name=contact_name,
        contact_email=contact_email,
        opens_at=opens_at,
        closes_at=closes_at,
        short_round_justification=short_round_justification.strip(),
        responses_visibility=responses_visibility,
        created_by=actor,
        language=language,
        title_translations=title_translations,
        summary_translations=summary_translations,
    )
    _save(consultation, actor, "created")
    return consultation


@transaction.atomic
def consultation_update(*, actor: User, consultation: Consultation, **fields) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require(
        actor,
        "consult.change_consultation",
        consultation,
        _("You cannot edit this consultation."),
    )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if (
        consultation.effective_status == S.OPEN
        and "opens_at" in fields
        and fields["opens_at"] != consultation.opens_at
    ):
        raise ValidationError({"opens_at": _("An open consultation's opening time cannot change.")})
    for name, value in fields.items():
        setattr(consultation, name, value.strip() if isinstance(value, str) else value)
    if consultation.language not in language_codes():
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    for name in ("title_translations", "summary_translations"):
        setattr(
            consultation,
            name,
            clean_translations(
                getattr(consultation, name), field=name, original=consultation.language
            ),
        )
    if consultation.status in (S.SCHEDULED, S.OPEN) and not (
        consultation.opens_at and consultation.closes_at
    ):
        raise ValidationError(
            {"closes_at": _("A scheduled or open consultation needs opening and closing times.")}
        )
    validate_round(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        justification=consultation.short_round_justification,
    )
    _save(consultation, actor, "edited")
    return consultation


@transaction.atomic
def consultation_schedule(*, actor: User, consultation: Consultation) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    previous = consultation.status
    _require(
        actor,
        "consult.schedule_consultation",
        consultation,
        _("Only a draft consultation can be scheduled, by an official of its institution."),
    )
    now = timezone.now()
    if not consultation.opens_at or not consultation.closes_at:
        raise ValidationError(
            {"opens_at": _("Set the opening and closing times before scheduling.")}
        )
    if consultation.closes_at <= now:
        raise ValidationError({"closes_at": _("The closing time is already in the past.")})
    validate_round(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        justification=consultation.short_round_justification,
    )
    if not consultation.proposals.exists():
        raise ValidationError(_("Add at least one draft document before scheduling."))
    consultation.status = S.OPEN if consultation.opens_at <= now else S.SCHEDULED
    _save(consultation, actor, "scheduled")
    _publish_status(consultation, previous)
    subscription_notify.consultation_opened(consultation)  # if it opened at once
    return consultation


@transaction.atomic
def consultation_open(*, actor: User, consultation: Consultation) -> Consultation:
    """Open now (an official's manual step; scheduled consultations also open by time)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    previous = consultation.status
    _require(
        actor,
        "consult.open_consultation",
        consultation,
        _("This consultation cannot be opened by you in its current state."),
    )
    now = timezone.now()
    if not consultation.closes_at or consultation.closes_at <= now:
        raise ValidationError({"closes_at": _("Set a closing time in the future before opening.")})
    if not consultation.proposals.exists():
        raise ValidationError(_("Add at least one draft document before opening."))
    if consultation.opens_at is None or consultation.opens_at > now:
        consultation.opens_at = now
    validate_round(
        opens_at=consultation.opens_at,
        closes_at=consultation.closes_at,
        justification=consultation.short_round_justification,
    )
    consultation.status = S.OPEN
    _save(consultation, actor, "opened")
    _publish_status(consultation, previous)
    subscription_notify.consultation_opened(consultation)
    return consultation


@transaction.atomic
def consultation_close(*, actor: User, consultation: Consultation) -> Consultation:
    """Close early. The round normally closes by itself at ``closes_at``."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    previous = consultation.status
    _require(
        actor,
        "consult.close_consultation",
        consultation,
        _("Only an open consultation can be closed, by an official of its institution."),
    )
    now = timezone.now()
    if consultation.closes_at is None or consultation.closes_at > now:
        consultation.closes_at = now
    if consultation.opens_at and consultation.closes_at <= consultation.opens_at:
        consultation.opens_at = consultation.closes_at - dt.timedelta(seconds=1)
    consultation.status = S.CLOSED
    _save(consultation, actor, "closed")
    _publish_status(consultation, previous)
    return consultation


@transaction.atomic
def consultation_withdraw(*, actor: User, consultation: Consultation, reason: str) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    previous = consultation.status
    _require(
        actor,
        "consult.withdraw_consultation",
        consultation,
        _("This consultation cannot be withdrawn by you in its current state."),
    )
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": _("Say why the consultation is withdrawn.")})
    consultation.status = S.WITHDRAWN
    consultation.withdrawal_reason = reason.strip()
    _save(consultation, actor, "withdrawn")
    _publish_status(consultation, previous)
    return consultation


@transaction.atomic
def consultation_mark_report_published(*, actor: User, consultation: Consultation) -> Consultation:
    """Record that the consultation's report is published (``reports.services.report_publish``
    calls this). Only after the round has closed; a consultation already in that state stays as
    it is (a corrected report is a new report version, not a new state)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    _require(
        actor,
        "consult.mark_report_published",
        consultation,
        _("The report can be published only after the round has closed, by its institution."),
    )
    if consultation.status == S.REPORT_PUBLISHED:
        return consultation
    previous = consultation.status
    consultation.status = S.REPORT_PUBLISHED
    _save(consultation, actor, "report published")
    _publish_status(consultation, previous)
    return consultation


def consultation_advance_by_time(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Store the transitions that time has made: scheduled -> open -> closed.

    Run by the scheduler (in-process by default, ``manage.py run_worker`` in production). Each
    consultation moves in its own transaction so one failure does not hold back the others.
    """
    now = now or timezone.now()
    moved = {"opened": 0, "closed": 0}
    due = Consultation.objects.filter(
        status__in=[S.SCHEDULED, S.OPEN], opens_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            c = Consultation.objects.select_for_update().get(pk=pk)
            previous = c.status
            target = c.effective_status_at(now)
            if target == c.status:
                continue
            if c.status == S.SCHEDULED and target in (S.OPEN, S.CLOSED):
                c.status = S.OPEN
                _save(c, None, "opened by time")
                moved["opened"] += 1
                subscription_notify.consultation_opened(c)  # not if it closed meanwhile
            if target == S.CLOSED:
                c.status = S.CLOSED
                _save(c, None, "closed by time")
                moved["closed"] += 1
            _publish_status(c, previous)
    if any(moved.values()):
        log.info("consultations advanced by time: %s", moved)
    return moved


def _publish_status(consultation: Consultation, previous: str) -> None:
    """The live ``consultation.status_changed`` event (numbered now, sent after the commit)."""
    if consultation.status != previous:
        live.publish_on_commit(
            live_events.ConsultationStatusChanged(
                consultation_id=consultation.pk, status=consultation.status, previous=previous
            )
        )
