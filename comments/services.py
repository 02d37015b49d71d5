"""Writes for comments, position papers, reactions, flags, moderation and official responses.

Every service checks its permission (``PermissionDenied``), validates (``ValidationError`` with
field messages in the person's language), runs in one transaction and records who acted in the
history. Emails and live events are sent after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.rules import require
from consult.models import Consultation
from proposals.models import Proposal, Section
from realtime import events as live
from realtime import schemas as live_events
from subscriptions import notify as subscription_notify

from . import notifications
from .models import (
    Comment,
    Consent,
    Flag,
    FlagReason,
    ModerationAction,
    OfficialResponse,
    Participant,
    ParticipantType,
    ParticipationBlock,
    PositionPaper,
    PositionPaperPoint,
    Reaction,
    Stance,
    TrackingCounter,
)
from .rendering import render_markdown

log = logging.getLogger(__name__)
MAX_DEPTH = 2  # three levels: a comment, a reply, a reply to a reply


def _parse_rate(value: str) -> tuple[int, int]:
    count, seconds = value.split("/")
    return int(count), int(seconds)


def _check_rate(qs, setting: str, message: str) -> None:
    """Rate limits counted in the database, so they hold across server processes."""
    limit, seconds = _parse_rate(getattr(settings, setting))
    since = timezone.now() - dt.timedelta(seconds=seconds)
    if qs.filter(created_at__gte=since).count() >= limit:
        raise ValidationError(message % {"count": limit, "minutes": max(1, seconds // 60)})


def next_tracking_number(now: dt.datetime | None = None) -> str:
    """``KON-<year>-<000123>``: one sequence a year for every kind of submission."""
    year = timezone.localtime(now or timezone.now()).year
    with transaction.atomic():
        TrackingCounter.objects.get_or_create(year=year)
        counter = TrackingCounter.objects.select_for_update().get(year=year)
        counter.last = F("last") + 1
        counter.save(update_fields=["last"])
        counter.refresh_from_db(fields=["last"])
    return f"KON-{year}-{counter.last:06d}"


def participant_for(consultation: Consultation, user: User) -> Participant:
    existing = Participant.objects.filter(consultation=consultation, user=user).first()
    if existing:
        return existing
    for _attempt in range(5):
        number = (
            Participant.objects.filter(consultation=consultation).aggregate(m=Max("number"))["m"]
            or 0
        ) + 1
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    consultation=consultation, user=user, number=number
                )
        except IntegrityError:
            existing = Participant.objects.filter(consultation=consultation, user=user).first()
            if existing:
                return existing
    raise RuntimeError("could not allocate a participant number")


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write your comment; it cannot be empty.")})
    if len(body) < settings.COMMENT_MIN_LENGTH:
        raise ValidationError(
            {
                "body": _("The comment is too short (at least %(n)d characters).")
                % {"n": settings.COMMENT_MIN_LENGTH}
            }
        )
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("The comment is too long (at most %(n)d characters, it has %(len)d).")
                % {"n": settings.COMMENT_MAX_LENGTH, "len": len(body)}
            }
        )
    return body


def _clean_wording(text: str) -> str:
    text = (text or "").strip()
    if len(text) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "proposed_wording": _(
                    "The proposed wording is too long (at most %(n)d characters)."
                )
                % {"n": settings.COMMENT_MAX_LENGTH}
            }
        )
    return text


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def comment_create(
    *,
    actor: User,
    proposal: Proposal,
    body: str,
    stance: str,
    consent: str,
    participant_type: str,
    section: Section | None = None,
    parent: Comment | None = None,
    proposed_wording: str = "",
    organisation: Organisation | None = None,
    municipality: str = "",
    country: str = "",
    idempotency_key: str = "",
) -> Comment:
    consultation = proposal.consultation
    require(
        actor,
        "comments.add_comment",
        consultation,
        _("Commenting needs a verified account and an open consultation."),
    )
    idempotency_key = (idempotency_key or "")[:64]
    if idempotency_key:
        earlier = Comment.objects.filter(author=actor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier  # a double click or a retried request: the first one stands
    body = _clean_body(body)
    proposed_wording = _clean_wording(proposed_wording)
    _choice(stance, Stance, "stance", _("Choose in favour, against or neutral."))
    _choice(consent, Consent, "consent", _("Choose how your name is shown."))
    _choice(participant_type, ParticipantType, "participant_type", _("Choose who you are."))
    if section is not None and section.proposal_id != proposal.pk:
        raise ValidationError({"section": _("This article is not part of this draft.")})
    if section is not None and not section.is_current:
        raise ValidationError(
            {"section": _("This article is not in the current version of the draft.")}
        )
    depth = 0
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise ValidationError({"parent": _("You can only reply within the same draft.")})
        if parent.depth >= MAX_DEPTH:
            raise ValidationError({"parent": _("Replies can go at most three levels deep.")})
        if parent.status == Comment.Status.WITHDRAWN:
            raise ValidationError({"parent": _("You cannot reply to a withdrawn comment.")})
        section = parent.section
        depth = parent.depth + 1
    if consent == Consent.ORGANISATION and organisation is None:
        raise ValidationError(
            {"organisation": _("Choose the organisation to show, or another option.")}
        )
    if (
        organisation is not None
        and not actor.memberships.filter(organisation=organisation).exists()
    ):
        raise ValidationError({"organisation": _("You are not a member of this organisation.")})
    if municipality and municipality not in settings.KOSOVO_MUNICIPALITIES:
        raise ValidationError({"municipality": _("Choose a municipality from the list.")})
    country = (country or "").upper()
    if country and (len(country) != 2 or not country.isalpha()):
        raise ValidationError({"country": _("Choose a country from the list.")})
    _check_rate(
        Comment.objects.filter(author=actor),
        "COMMENT_RATE_LIMIT",
        _(
            "You have posted %(count)d comments in the last %(minutes)d minutes. "
            "Please wait a little before posting again."
        ),
    )
    comment = Comment(
        consultation=consultation,
        proposal=proposal,
        section=section,
        parent=parent,
        depth=depth,
        author=actor,
        participant=participant_for(consultation, actor),
        organisation=organisation,
        consent=consent,
        participant_type=participant_type,
        municipality=municipality,
        country=country,
        stance=stance,
        body=body,
        body_html=render_markdown(body),
        proposed_wording=proposed_wording,
        tracking_number=next_tracking_number(),
        idempotency_key=idempotency_key,
    )
    comment._history_user = actor
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        earlier = Comment.objects.filter(author=actor, idempotency_key=idempotency_key).first()
        if idempotency_key and earlier is not None:
            return earlier
        raise
    notifications.submission_receipt_on_commit(comment)
    subscription_notify.comment_replied(comment)
    _publish_comment(live_events.CommentCreated, comment)
    return comment


@transaction.atomic
def comment_edit(
    *,
    actor: User,
    comment: Comment,
    body: str,
    stance: str | None = None,
    proposed_wording: str | None = None,
) -> Comment:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(
        actor,
        "comments.change_comment",
        comment,
        _("Only the author can edit a comment, while the consultation is open."),
    )
    comment.body = _clean_body(body)
    comment.body_html = render_markdown(comment.body)
    if stance is not None:
        comment.stance = _choice(
            stance, Stance, "stance", _("Choose in favour, against or neutral.")
        )
    if proposed_wording is not None:
        comment.proposed_wording = _clean_wording(proposed_wording)
    comment.edited_at = timezone.now()
    comment._history_user = actor
    comment._change_reason = "edited"
    comment.save()
    _publish_comment(live_events.CommentUpdated, comment)
    return comment


@transaction.atomic
def comment_withdraw(*, actor: User, comment: Comment) -> Comment:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(
        actor,
        "comments.withdraw_comment",
        comment,
        _("Only the author can withdraw a comment, while the consultation is open."),
    )
    comment.status = Comment.Status.WITHDRAWN
    comment.withdrawn_at = timezone.now()
    comment._history_user = actor
    comment._change_reason = "withdrawn"
    comment.save()
    live.publish_on_commit(live_events.CommentWithdrawn(**live.comment_ref(comment)))
    return comment


def _recount_reactions(comment: Comment) -> None:
    counts = Reaction.objects.filter(comment=comment).aggregate(
        agree=Count("pk", filter=Q(value="agree")),
        disagree=Count("pk", filter=Q(value="disagree")),
    )
    Comment.objects.filter(pk=comment.pk).update(
        agree_count=counts["agree"], disagree_count=counts["disagree"]
    )
    comment.agree_count, comment.disagree_count = counts["agree"], counts["disagree"]


@transaction.atomic
def reaction_set(*, actor: User, comment: Comment, value: str | None) -> Comment:
    """Agree, disagree, or (``value=None``) take the reaction back. One per person per comment."""
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(
        actor,
        "comments.react",
        comment,
        _(
            "Reactions need a verified account and an open consultation; "
            "you cannot react to your own comment."
        ),
    )
    if value is None or value == "":
        Reaction.objects.filter(user=actor, comment=comment).delete()
    else:
        _choice(value, Reaction.Value, "value", _("Choose agree or disagree."))
        Reaction.objects.update_or_create(user=actor, comment=comment, defaults={"value": value})
    _recount_reactions(comment)
    live.publish_on_commit(
        live_events.ReactionChanged(
            **live.comment_ref(comment),
            agree_count=comment.agree_count,
            disagree_count=comment.disagree_count,
        )
    )
    return comment


@transaction.atomic
def flag_create(*, actor: User, comment: Comment, reason: str, note: str = "") -> Flag:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(
        actor,
        "comments.flag",
        comment,
        _("Flagging needs a verified account and an open consultation."),
    )
    _choice(reason, FlagReason, "reason", _("Choose a reason for the flag."))
    if len(note) > 500:
        raise ValidationError({"note": _("The note is too long (at most 500 characters).")})
    if Flag.objects.filter(user=actor, comment=comment).exists():
        raise ValidationError(_("You have already flagged this comment."))
    _check_rate(
        Flag.objects.filter(user=actor),
        "FLAG_RATE_LIMIT",
        _(
            "You have flagged %(count)d comments in the last %(minutes)d minutes. "
            "Please wait before flagging more."
        ),
    )
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                user=actor, comment=comment, reason=reason, note=note.strip()
            )
    except IntegrityError as exc:
        raise ValidationError(_("You have already flagged this comment.")) from exc
    open_flags = Flag.objects.filter(comment=comment, reviewed=False)
    comment.flag_count = open_flags.count()
    Comment.objects.filter(pk=comment.pk).update(flag_count=comment.flag_count)
    if comment.status == Comment.Status.PUBLISHED and comment.flag_count >= settings.FLAGS_TO_HIDE:
        top = open_flags.values("reason").annotate(n=Count("pk")).order_by("-n").first()
        comment.status = Comment.Status.HIDDEN
        comment.hidden_reason = top["reason"] if top else reason
        comment._history_user = None
        comment._change_reason = "hidden after flags, pending review"
        comment.save(update_fields=["status", "hidden_reason"])
        ModerationAction.objects.create(
            comment=comment,
            action=ModerationAction.Action.AUTO_HIDE,
            reason=comment.hidden_reason,
            note=_("Hidden automatically after %(n)d flags.") % {"n": comment.flag_count},
        )
        _publish_hidden(comment)
    return flag


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, reason: str, note: str = "") -> Comment:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(actor, "comments.moderate_comment", comment, _("You cannot moderate this comment."))
    _choice(reason, FlagReason, "reason", _("Choose the reason category."))
    if comment.status == Comment.Status.WITHDRAWN:
        raise ValidationError(
            _("A withdrawn comment is no longer public; there is nothing to hide.")
        )
    comment.status = Comment.Status.HIDDEN
    comment.hidden_reason = reason
    comment._history_user = actor
    comment._change_reason = f"hidden: {reason}"
    comment.save(update_fields=["status", "hidden_reason"])
    Flag.objects.filter(comment=comment).update(reviewed=True)
    ModerationAction.objects.create(
        comment=comment, action=ModerationAction.Action.HIDE, reason=reason, note=note, actor=actor
    )
    _publish_hidden(comment)
    return comment


@transaction.atomic
def comment_restore(*, actor: User, comment: Comment, note: str = "") -> Comment:
    comment = Comment.objects.select_for_update().select_related("consultation").get(pk=comment.pk)
    require(actor, "comments.moderate_comment", comment, _("You cannot moderate this comment."))
    if comment.status != Comment.Status.HIDDEN:
        raise ValidationError(_("Only a hidden comment can be restored."))
    comment.status = Comment.Status.PUBLISHED
    comment.hidden_reason = ""
    comment.flag_count = 0
    comment._history_user = actor
    comment._change_reason = "restored"
    comment.save(update_fields=["status", "hidden_reason", "flag_count"])
    Flag.objects.filter(comment=comment).update(reviewed=True)
    ModerationAction.objects.create(
        comment=comment, action=ModerationAction.Action.RESTORE, note=note, actor=actor
    )
    _publish_comment(live_events.CommentRestored, comment)
    return comment


@transaction.atomic
def participation_block(*, actor: User, user: User, reason: str) -> ParticipationBlock:
    require(actor, "comments.block_user", None, _("Only site moderators can block people."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the person is blocked.")})
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot block yourself."))
    block, _created = ParticipationBlock.objects.update_or_create(
        user=user, defaults={"reason": reason.strip(), "blocked_by": actor}
    )
    ModerationAction.objects.create(
        target_user=user, action=ModerationAction.Action.BLOCK, note=reason.strip(), actor=actor
    )
    return block


@transaction.atomic
def participation_unblock(*, actor: User, user: User, note: str = "") -> None:
    require(actor, "comments.block_user", None, _("Only site moderators can unblock people."))
    ParticipationBlock.objects.filter(user=user).delete()
    ModerationAction.objects.create(
        target_user=user, action=ModerationAction.Action.UNBLOCK, note=note, actor=actor
    )


# --- Position papers -----------------------------------------------------------------------


def inspect_pdf(data: bytes) -> tuple[int, str]:
    """Check a PDF by content: the signature, then a full parse with pypdf. Returns the number
    of pages and the extracted text; raises ``ValidationError`` on the ``attachment`` field."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    limit = settings.POSITION_PAPER_MAX_BYTES
    if not data:
        raise ValidationError({"attachment": _("The file is empty.")})
    if len(data) > limit:
        raise ValidationError(
            {
                "attachment": _("The file is too large (at most %(mb)d MB).")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError({"attachment": _("The file is not a PDF document.")})
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                {"attachment": _("The PDF is password-protected; upload it without a password.")}
            )
        pages = len(reader.pages)
        if pages == 0:
            raise ValidationError({"attachment": _("The PDF has no pages.")})
        text = "\n".join((page.extract_text() or "") for page in reader.pages)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ValidationError({"attachment": _("The PDF is damaged and cannot be read.")}) from exc
    return pages, text.replace("\x00", "").strip()


@transaction.atomic
def position_paper_submit(
    *,
    actor: User,
    consultation: Consultation,
    organisation: Organisation,
    title: str,
    summary: str,
    pdf: bytes,
    points: dict[str, str] | None = None,
    idempotency_key: str = "",
) -> PositionPaper:
    """A verified CSO's formal position, submitted by its representative, with a PDF stored
    under a generated name. ``points`` maps section keys of the consultation's drafts to text."""
    require(
        actor,
        "comments.add_comment",
        consultation,
        _("Submissions need a verified account and an open consultation."),
    )
    require(
        actor,
        "comments.represent_cso",
        organisation,
        _(
            "Only a representative of a verified civil society organisation can submit a "
            "position paper on its behalf."
        ),
    )
    idempotency_key = (idempotency_key or "")[:64]
    if idempotency_key:
        earlier = PositionPaper.objects.filter(
            submitted_by=actor, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            return earlier
    title, summary = (title or "").strip(), (summary or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the position paper a title.")
    elif len(title) > 250:
        errors["title"] = _("The title is too long (at most 250 characters).")
    if not summary:
        errors["summary"] = _("Write a summary of your position.")
    elif len(summary) > settings.COMMENT_MAX_LENGTH:
        errors["summary"] = _("The summary is too long (at most %(n)d characters).") % {
            "n": settings.COMMENT_MAX_LENGTH
        }
    if errors:
        raise ValidationError(errors)
    pages, text = inspect_pdf(pdf)
    sections = {}
    for key, point in (points or {}).items():
        point = (point or "").strip()
        if not point:
            continue
        # "<draft slug>/<article key>" names the draft when several share article keys.
        proposal_slug, _sep, section_key = key.rpartition("/")
        candidates = Section.objects.filter(
            proposal__consultation=consultation, key=section_key, is_current=True
        )
        if proposal_slug:
            candidates = candidates.filter(proposal__slug=proposal_slug)
        section = candidates.first()
        if section is None:
            raise ValidationError({"points": _("Unknown article: %(key)s") % {"key": key}})
        if len(point) > settings.COMMENT_MAX_LENGTH:
            raise ValidationError({"points": _("A point is too long.")})
        sections[section] = point
    paper = PositionPaper(
        consultation=consultation,
        organisation=organisation,
        submitted_by=actor,
        title=title,
        summary=summary,
        attachment_size=len(pdf),
        attachment_pages=pages,
        attachment_text=text,
        tracking_number=next_tracking_number(),
        idempotency_key=idempotency_key,
    )
    # The file is written first under a generated name; if the rows cannot be stored it is
    # removed again, so a failed submission leaves neither rows nor a file behind.
    paper.attachment.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
    paper._history_user = actor
    try:
        with transaction.atomic():
            paper.save()
            PositionPaperPoint.objects.bulk_create(
                PositionPaperPoint(paper=paper, section=s, text=t) for s, t in sections.items()
            )
    except IntegrityError:
        paper.attachment.storage.delete(paper.attachment.name)
        earlier = PositionPaper.objects.filter(
            submitted_by=actor, idempotency_key=idempotency_key
        ).first()
        if idempotency_key and earlier is not None:
            return earlier
        raise
    except Exception:
        paper.attachment.storage.delete(paper.attachment.name)
        raise
    notifications.submission_receipt_on_commit(paper)
    return paper


# --- Official responses ----------------------------------------------------------------------


@transaction.atomic
def response_set(
    *,
    actor: User,
    outcome: str,
    justification: str = "",
    comment: Comment | None = None,
    position_paper: PositionPaper | None = None,
    reflected_in: Section | None = None,
) -> OfficialResponse:
    """Answer a submission (or change the answer). Rejections and partial acceptances need a
    justification. The submitter is emailed when the answer becomes public."""
    if (comment is None) == (position_paper is None):
        raise ValidationError(_("Answer exactly one submission."))
    submission = comment or position_paper
    consultation = Consultation.objects.select_related("institution").get(
        pk=submission.consultation_id
    )
    require(
        actor,
        "comments.respond",
        consultation,
        _("Only officials of the institution can answer submissions of this consultation."),
    )
    _choice(outcome, OfficialResponse.Outcome, "outcome", _("Choose the outcome."))
    justification = (justification or "").strip()
    if outcome in ("rejected", "partially") and not justification:
        raise ValidationError(
            {
                "justification": _(
                    "Explain why the submission was rejected or only partly "
                    "accepted; the law asks for the reason."
                )
            }
        )
    if len(justification) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError({"justification": _("The justification is too long.")})
    if reflected_in is not None and reflected_in.proposal.consultation_id != consultation.pk:
        raise ValidationError({"reflected_in": _("Choose an article of this consultation.")})
    lookup = {"comment": comment} if comment else {"position_paper": position_paper}
    response = OfficialResponse.objects.select_for_update().filter(**lookup).first()
    if response is None:
        response = OfficialResponse(consultation=consultation, **lookup)
    response.outcome = outcome
    response.justification = justification
    response.reflected_in = reflected_in
    response.responded_by = actor
    response._history_user = actor
    response.save()
    if responses_are_public(consultation):
        notifications.response_published_on_commit(response)
        _publish_response(response)
    return response


def responses_are_public(consultation: Consultation) -> bool:
    if consultation.responses_visibility == Consultation.ResponsesVisibility.IMMEDIATE:
        return True
    return consultation.status == Consultation.Status.REPORT_PUBLISHED


def responses_publish_all(*, consultation: Consultation) -> int:
    """Called when the report is published: email every submitter not yet told."""
    pending = OfficialResponse.objects.filter(consultation=consultation, notified_at__isnull=True)
    count = 0
    for response in pending.select_related("comment", "position_paper"):
        notifications.response_published_on_commit(response)
        if responses_are_public(consultation):
            _publish_response(response)
        count += 1
    return count


# --- Live events (realtime.events.publish_on_commit: numbered now, sent after the commit) -------


def _publish_comment(event_type, comment: Comment) -> None:
    """Announce a published comment with only its public fields: the author as they consented
    to be shown, in the site's language; their participant number only when they chose not to
    be shown (a number next to a name would link their named and unnamed comments)."""
    from django.utils import translation

    from .selectors import public_author

    named = (comment.consent == Consent.NAME and comment.author_id) or (
        comment.consent == Consent.ORGANISATION and comment.organisation_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        author = public_author(comment)
    public = live.public_comment(
        comment, author=author, participant_number=None if named else comment.participant.number
    )
    live.publish_on_commit(event_type(consultation_id=comment.consultation_id, comment=public))


def _publish_hidden(comment: Comment) -> None:
    live.publish_on_commit(
        live_events.CommentHidden(**live.comment_ref(comment), reason=comment.hidden_reason)
    )


def _publish_response(response: OfficialResponse) -> None:
    """An answer that has become public, about a submission the public can see."""
    submission = response.comment or response.position_paper
    if submission is None or submission.status != submission.Status.PUBLISHED:
        return
    comment = response.comment
    live.publish_on_commit(
        live_events.ResponsePublished(
            consultation_id=response.consultation_id,
            submission="comment" if comment is not None else "paper",
            id=comment.pk if comment is not None else None,
            tracking_number=submission.tracking_number,
            proposal=comment.proposal.slug if comment is not None else None,
            section=comment.section.key if comment is not None and comment.section_id else None,
            outcome=response.outcome,
            justification=response.justification,
            reflected_in=live.section_ref(response.reflected_in),
        )
    )
