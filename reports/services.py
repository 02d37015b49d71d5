"""Writes for the consultation report: publishing it (and its corrections) and recording the
meetings held as part of the consultation.

Each service checks its permission (``accounts.rules.require`` -> ``PermissionDenied``),
validates (``ValidationError`` with field messages in the person's language) and runs in one
transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.rules import require
from comments import services as comment_services
from consult import services as consult_services
from consult.models import Consultation
from subscriptions import notify as subscription_notify

from .models import Meeting, ReportVersion
from .rendering import VersionMeta, render_report_body
from .selectors import build_report, latest_version_number, report_to_dict

NOTE_MAX_LENGTH = 2000
PLACE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000
MAX_PARTICIPANTS = 100_000


@transaction.atomic
def report_publish(*, actor: User, consultation: Consultation, note: str = "") -> int:
    """Publish the report: freeze it in every language and make it public.

    Only after the round has closed, by an official of the institution or staff
    (``reports.publish_report``). The first publication moves the consultation to
    ``report_published`` (``consult.services.consultation_mark_report_published``) and emails the
    answers that were withheld until the report (``comments.services.responses_publish_all``).
    Publishing again is a *correction*: a new version number, with a note saying what changed
    (required). Stores one ``ReportVersion`` per language in ``settings.LANGUAGES``, each with the
    snapshot built in that language and its rendered HTML. Returns the version number.
    """
    consultation = (
        Consultation.objects.select_for_update()
        .select_related("institution")
        .get(pk=consultation.pk)
    )
    require(
        actor,
        "reports.publish_report",
        consultation,
        _(
            "The report can be published only after the consultation has closed, by an "
            "official of its institution."
        ),
    )
    note = (note or "").strip()
    number = latest_version_number(consultation) + 1
    if number > 1 and not note:
        raise ValidationError(
            {"note": _("Say what this correction changes; the note is published with it.")}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("The note is too long (at most %(n)d characters).") % {"n": NOTE_MAX_LENGTH}}
        )
    if consultation.status != Consultation.Status.REPORT_PUBLISHED:
        consultation = consult_services.consultation_mark_report_published(
            actor=actor, consultation=consultation
        )
    published_at = timezone.now()
    meta = VersionMeta(number=number, published_at=published_at, note=note)
    rows = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            report = build_report(consultation, include_private=False)
            rows.append(
                ReportVersion(
                    consultation=consultation,
                    number=number,
                    language=language,
                    snapshot=report_to_dict(report),
                    html=render_report_body(report, version=meta),
                    published_by=actor,
                    published_at=published_at,
                    note=note,
                )
            )
    ReportVersion.objects.bulk_create(rows)
    comment_services.responses_publish_all(consultation=consultation)
    subscription_notify.report_published(consultation, number)
    return number


def _clean_text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(
            {field: _("This text is too long (at most %(n)d characters).") % {"n": limit}}
        )
    return value


@transaction.atomic
def meeting_add(
    *,
    actor: User,
    consultation: Consultation,
    held_at: dt.datetime,
    place: str,
    participants_description: str = "",
    participants_count: int = 0,
    notes: str = "",
) -> Meeting:
    """Record a meeting held as part of the consultation (it appears in the report's
    "Methods")."""
    require(
        actor,
        "reports.manage_meetings",
        consultation,
        _("Only officials of the institution can record the meetings of this consultation."),
    )
    errors = {}
    if held_at is None:
        errors["held_at"] = _("Give the date and time of the meeting.")
    elif timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    if held_at is not None and held_at > timezone.now() + dt.timedelta(minutes=5):
        errors["held_at"] = _("Record a meeting once it has taken place.")
    place = (place or "").strip()
    if not place:
        errors["place"] = _("Say where the meeting took place.")
    elif len(place) > PLACE_MAX_LENGTH:
        errors["place"] = _("The place is too long (at most %(n)d characters).") % {
            "n": PLACE_MAX_LENGTH
        }
    try:
        participants_count = int(participants_count or 0)
    except (TypeError, ValueError):
        participants_count = -1
    if not 0 <= participants_count <= MAX_PARTICIPANTS:
        errors["participants_count"] = _("Give the number of participants (0 or more).")
    try:
        participants_description = _clean_text(
            participants_description, "participants_description", TEXT_MAX_LENGTH
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        notes = _clean_text(notes, "notes", TEXT_MAX_LENGTH)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return Meeting.objects.create(
        consultation=consultation,
        held_at=held_at,
        place=place,
        participants_description=participants_description,
        participants_count=participants_count,
        notes=notes,
        created_by=actor,
    )


@transaction.atomic
def meeting_delete(*, actor: User, meeting: Meeting) -> None:
    """Remove a meeting recorded by mistake. Published report versions keep it (frozen)."""
    meeting = Meeting.objects.select_related("consultation").get(pk=meeting.pk)
    require(
        actor,
        "reports.manage_meetings",
        meeting.consultation,
        _("Only officials of the institution can change the meetings of this consultation."),
    )
    meeting.delete()
