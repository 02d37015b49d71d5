"""Writes for draft documents: import, new versions, votes."""

from __future__ import annotations

import logging

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from consult.models import Consultation
from realtime import events as live
from realtime import schemas as live_events
from subscriptions import notify as subscription_notify

from .importer import parse_draft
from .matching import assign_keys
from .models import (
    Proposal,
    ProposalVersion,
    Section,
    SectionText,
    SectionTextTranslation,
    Vote,
)
from .parsing import DraftImportError, FlatSection
from .selectors import current_flat_sections

log = logging.getLogger(__name__)


def _require(actor: User | None, perm: str, obj, message: str) -> None:
    # The rule itself, not ``actor.has_perm``: Django lets a superuser pass every permission,
    # which would skip the lifecycle-state checks that live in the rules (closing a draft,
    # voting on a closed consultation). Staff rights are part of the rules already.
    if actor is None or not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message)


def _unique_proposal_slug(consultation: Consultation, title: str) -> str:
    text = title.replace("ë", "e").replace("Ë", "E").replace("ç", "c").replace("Ç", "C")
    text = text.replace("–", "-").replace("—", "-")  # "2026–2030" -> "2026-2030"
    base = slugify(text)[:80].strip("-") or "dokumenti"
    slug, n = base, 2
    while Proposal.objects.filter(consultation=consultation, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _parse(data: bytes, filename: str):
    """Parse an uploaded draft; the errors become a ``ValidationError`` on the file field."""
    try:
        return parse_draft(data, filename, max_bytes=settings.DRAFT_UPLOAD_MAX_BYTES)
    except DraftImportError as exc:
        raise ValidationError({"file": exc.errors}) from exc


def _store_version(
    *,
    proposal: Proposal,
    flat: list[FlatSection],
    actor: User | None,
    note: str,
    source_name: str,
    language: str = "sq",
) -> ProposalVersion:
    """Write one version: the immutable snapshot rows and the current text of every anchor."""
    last = proposal.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ProposalVersion(
        proposal=proposal,
        number=last + 1,
        note=note,
        source_name=source_name,
        created_by=actor,
        language=language,
    )
    version._history_user = actor
    version.save()

    existing = {s.key: s for s in Section.objects.filter(proposal=proposal)}
    by_key: dict[str, Section] = {}
    for item in flat:
        section = existing.get(item.key)
        parent = by_key.get(item.parent_key) if item.parent_key else None
        values = {
            "kind": item.kind,
            "number": item.number,
            "title": item.title,
            "body": item.body,
            "parent": parent,
            "position": item.position,
            "depth": item.depth,
            "is_current": True,
        }
        if section is None:
            section = Section(proposal=proposal, key=item.key, introduced_in=version, **values)
            section._history_user = actor
            section.save()
        else:
            changed = any(
                getattr(section, name) != value
                for name, value in values.items()
                if name != "parent"
            ) or section.parent_id != (parent.pk if parent else None)
            if changed:
                for name, value in values.items():
                    setattr(section, name, value)
                section._history_user = actor
                section._change_reason = f"version {version.number}"
                section.save()
        by_key[item.key] = section

    retired = [s for key, s in existing.items() if key not in by_key and s.is_current]
    for section in retired:
        section.is_current = False
        section._history_user = actor
        section._change_reason = f"not in version {version.number}"
        section.save(update_fields=["is_current"])

    SectionText.objects.bulk_create(
        SectionText(
            version=version,
            section=by_key[item.key],
            kind=item.kind,
            number=item.number,
            title=item.title,
            body=item.body,
            parent_key=item.parent_key,
            position=item.position,
            depth=item.depth,
        )
        for item in flat
    )
    proposal.current_version = version
    proposal._history_user = actor
    proposal._change_reason = f"version {version.number}"
    proposal.save(update_fields=["current_version"])
    return version


@transaction.atomic
def proposal_import(
    *,
    actor: User,
    consultation: Consultation,
    data: bytes,
    filename: str,
    title: str = "",
    kind: str = Proposal.Kind.DRAFT_ACT,
    note: str = "",
) -> Proposal:
    """Create a draft document in a consultation from a .docx or Markdown file.

    All or nothing: a file with errors raises ``ValidationError`` and nothing is stored.
    """
    _require(
        actor,
        "consult.edit_drafts",
        consultation,
        _("Only officials of the institution can add drafts to this consultation."),
    )
    if kind not in Proposal.Kind.values:
        raise ValidationError({"kind": _("Choose a valid kind of document.")})
    parsed = _parse(data, filename)
    title = (title or parsed.title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    position = consultation.proposals.count()
    proposal = Proposal(
        consultation=consultation,
        title=title[:250],
        slug=_unique_proposal_slug(consultation, title),
        kind=kind,
        position=position,
    )
    proposal._history_user = actor
    proposal.save()
    flat = assign_keys(parsed)
    _store_version(
        proposal=proposal,
        flat=flat,
        actor=actor,
        note=note or _("First published text"),
        source_name=filename[:255],
        language=consultation.language,
    )
    return proposal


@transaction.atomic
def proposal_version_publish(
    *, actor: User, proposal: Proposal, data: bytes, filename: str, note: str
) -> ProposalVersion:
    """Publish a revised text. Sections keep their keys (see ``matching``), so comments and
    votes stay attached to the same articles."""
    proposal = (
        Proposal.objects.select_for_update().select_related("consultation").get(pk=proposal.pk)
    )
    _require(
        actor,
        "consult.publish_version",
        proposal.consultation,
        _("Only officials of the institution can publish a new version of this draft."),
    )
    if not note.strip():
        raise ValidationError({"note": _("Say briefly what changed in this version.")})
    parsed = _parse(data, filename)
    previous = current_flat_sections(proposal)
    used = set(Section.objects.filter(proposal=proposal).values_list("key", flat=True))
    flat = assign_keys(parsed, previous=previous, used_keys=used)
    current = proposal.current_version
    version = _store_version(
        proposal=proposal,
        flat=flat,
        actor=actor,
        note=note.strip(),
        source_name=filename[:255],
        language=current.language if current else proposal.consultation.language,
    )
    subscription_notify.version_published(version)
    return version


@transaction.atomic
def vote_cast(
    *, actor: User, proposal: Proposal, choice: str, section: Section | None = None
) -> Vote:
    """Cast or change a vote. One per person per target, guaranteed by the database: a
    concurrent second insert fails the unique constraint and becomes an update."""
    consultation = proposal.consultation
    _require(
        actor,
        "consult.take_part",
        consultation,
        _("Voting needs a verified account and an open consultation."),
    )
    if choice not in Vote.Choice.values:
        raise ValidationError({"choice": _("Choose in favour, against or abstain.")})
    if section is not None and (section.proposal_id != proposal.pk or not section.is_current):
        raise ValidationError(
            {"section": _("This article is not part of the current text of this draft.")}
        )
    lookup = {"user": actor, "proposal": proposal, "section": section}
    vote = Vote.objects.filter(**lookup).first()
    if vote is None:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(choice=choice, **lookup)
            _publish_tally(proposal, section)
            return vote
        except IntegrityError:
            vote = Vote.objects.get(**lookup)  # a concurrent request created it first
    if vote.choice != choice:
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
        _publish_tally(proposal, section)
    return vote


@transaction.atomic
def vote_retract(*, actor: User, proposal: Proposal, section: Section | None = None) -> None:
    _require(
        actor,
        "consult.take_part",
        proposal.consultation,
        _("Votes can only be changed while the consultation is open."),
    )
    deleted, _rows = Vote.objects.filter(user=actor, proposal=proposal, section=section).delete()
    if deleted:
        _publish_tally(proposal, section)


def _publish_tally(proposal: Proposal, section: Section | None) -> None:
    """The live ``vote.changed`` event: the new tally of the target, counted under the
    consultation's sequence lock so a later event never carries an older count."""
    from django.db.models import Count, Q

    live.lock_sequence(proposal.consultation_id)
    counts = Vote.objects.filter(proposal=proposal, section=section).aggregate(
        **{c: Count("pk", filter=Q(choice=c)) for c in Vote.Choice.values}
    )
    live.publish_on_commit(
        live_events.VoteChanged(
            consultation_id=proposal.consultation_id,
            proposal=proposal.slug,
            section=section.key if section is not None else None,
            tally=live.tally(counts["for"], counts["against"], counts["abstain"]),
        )
    )


@transaction.atomic
def proposal_translation_import(
    *,
    actor: User,
    proposal: Proposal,
    language: str,
    data: bytes,
    filename: str,
    version: ProposalVersion | None = None,
) -> ProposalVersion:
    """Store the translation of a version (by default the current one) into ``language``, read
    from a file like the original.

    The file's sections are paired with the version's by structure (``translations.align``),
    never by text; a file whose structure differs is refused with a ``ValidationError`` on
    ``file`` naming the first article where it differs, and nothing is stored. Importing a
    language the version already has corrects its translation in place (the rows' history keeps
    the earlier text). Returns the version.
    """
    from consult.languages import language_codes, language_name

    from .translations import StructureMismatch, align

    proposal = (
        Proposal.objects.select_for_update().select_related("consultation").get(pk=proposal.pk)
    )
    _require(
        actor,
        "consult.publish_version",
        proposal.consultation,
        _("Only officials of the institution can publish a translation of this draft."),
    )
    if version is None:
        version = proposal.current_version
        if version is None:
            raise ValidationError({"file": _("This draft has no text yet to translate.")})
    elif version.proposal_id != proposal.pk:
        raise ValidationError({"version": _("This version belongs to another draft.")})
    version = ProposalVersion.objects.select_for_update().get(pk=version.pk)
    if language not in language_codes():
        raise ValidationError({"language": _("Choose one of the site's languages.")})
    if language == version.language:
        raise ValidationError(
            {
                "language": _(
                    "Version %(number)d is written in %(language)s: choose another language "
                    "for its translation."
                )
                % {"number": version.number, "language": language_name(language)}
            }
        )
    parsed = _parse(data, filename)
    rows = list(
        SectionText.objects.filter(version=version).select_related("section").order_by("position")
    )
    original = [
        FlatSection(
            key=r.section.key,
            kind=r.kind,
            number=r.number,
            title=r.title,
            body=r.body,
            parent_key=r.parent_key,
            depth=r.depth,
            position=r.position,
        )
        for r in rows
    ]
    try:
        pairs = align(original, assign_keys(parsed), version=version.number)
    except StructureMismatch as exc:
        raise ValidationError({"file": [exc.message]}) from exc

    section_ids = {r.section.key: r.section_id for r in rows}
    texts = {section_ids[o.key]: (t.title[:300], t.body) for o, t in pairs}
    reason = f"translation {language}: {filename}"[:100]
    existing = list(SectionTextTranslation.objects.filter(version=version, language=language))
    if existing:
        changed = []
        for row in existing:
            title, body = texts.get(row.section_id, ("", ""))
            if (row.title, row.body) != (title, body):
                row.title, row.body = title, body
                changed.append(row)
        if changed:
            bulk_update_with_history(
                changed,
                SectionTextTranslation,
                ["title", "body"],
                default_user=actor,
                default_change_reason=reason,
            )
    else:
        bulk_create_with_history(
            [
                SectionTextTranslation(
                    version=version,
                    section_id=section_id,
                    language=language,
                    title=title,
                    body=body,
                )
                for section_id, (title, body) in texts.items()
            ],
            SectionTextTranslation,
            default_user=actor,
            default_change_reason=reason,
        )
    titles = dict(version.title_translations or {})
    titles[language] = (parsed.title or "").strip()[:250]
    version.title_translations = {code: titles[code] for code in language_codes() if code in titles}
    version._history_user = actor
    version._change_reason = reason
    version.save(update_fields=["title_translations"])
    return version
