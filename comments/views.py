"""Public pages about submissions: comment threads, the comment form, edits and versions,
reactions and flags, position papers (submit and download), and the tracking-number look-up.

Permissions are the rules of ``comments.rules`` checked with ``rules.has_perm`` (never
``user.has_perm``, which lets superusers skip the lifecycle checks); the services check them again
and every write goes through them. A refused write stores nothing: the person gets the reason as a
form error, a message, a JSON error for the scripts, or the 403 page.

Who sees what on a thread (``thread_context``):

* everyone: the author as they consented to be shown (``selectors.public_author``), participant
  type, place, stance, dates, the sanitised ``body_html`` of published comments and their proposed
  wording as a word diff against the article's current text, and the institution's answer once
  answers are public (``services.responses_are_public``);
* a hidden comment shows only the moderation notice and its reason, a withdrawn one only that its
  author withdrew it; their place in the thread stays;
* officials of the institution, moderators and staff (``comments.see_identities``) also see each
  author's real name and email and the text of hidden comments; the author sees their own hidden
  text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from accounts.models import Membership, Organisation
from accounts.selectors import user_roles
from consult.forms import apply_validation_error
from consult.models import Consultation
from consult.views import get_visible_consultation
from proposals import selectors as proposal_selectors
from proposals.diff import word_diff_html
from proposals.models import Proposal, Section

from . import selectors, services
from .forms import CommentEditForm, CommentForm, FlagForm, PositionPaperForm, ReactionForm
from .models import Comment, FlagReason, OfficialResponse, PositionPaper
from .rendering import render_markdown
from .rules import is_blocked

PAGE_SIZE = 20

SORT_LABELS = {
    "newest": lambda: _("Newest first"),
    "oldest": lambda: _("Oldest first"),
    "agreed": lambda: _("Most agreed"),
}

# Why a person cannot comment: codes the templates turn into sentences with a way forward.
SIGN_IN = "sign_in"
VERIFY_EMAIL = "verify_email"
BLOCKED = "blocked"
NOT_OPEN_YET = "not_open_yet"
WITHDRAWN = "withdrawn"
CLOSED = "closed"

BLOCK_MESSAGES = {
    SIGN_IN: lambda: _("Sign in to comment."),
    VERIFY_EMAIL: lambda: _(
        "Confirm your email address before you comment: open the link we sent you."
    ),
    BLOCKED: lambda: _(
        "Your account cannot take part in consultations for now: a moderator blocked it."
    ),
    NOT_OPEN_YET: lambda: _("This consultation is not open yet: comments start when it opens."),
    WITHDRAWN: lambda: _("This consultation was withdrawn: comments can no longer be posted."),
    CLOSED: lambda: _(
        "This consultation is closed: comments can no longer be posted, changed or flagged."
    ),
}


def comment_block_reason(user, consultation: Consultation) -> str:
    """``""`` when the person may comment now, else why not (no query beyond cached ones)."""
    if rules.has_perm("comments.add_comment", user, consultation):
        return ""
    if not getattr(user, "is_authenticated", False):
        return SIGN_IN
    if not user.email_verified:
        return VERIFY_EMAIL
    if is_blocked(user):
        return BLOCKED
    status = consultation.effective_status
    if status in (Consultation.Status.DRAFT, Consultation.Status.SCHEDULED):
        return NOT_OPEN_YET
    if status == Consultation.Status.WITHDRAWN:
        return WITHDRAWN
    return CLOSED


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _safe_next(request) -> str:
    nxt = request.POST.get("next", "") or request.GET.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return ""


def _privileged(user, consultation: Consultation) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and rules.has_perm("comments.see_identities", user, consultation)
    )


def _member_organisations(user) -> list[Organisation]:
    """The organisations the person belongs to (for "show only my organisation")."""
    ids = list(user_roles(user))
    if not ids:
        return []
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def representable_organisations(user) -> list[Organisation]:
    """The organisations the person may submit a position paper for (verified CSOs they
    represent); no query for people who represent none."""
    ids = [
        org_id
        for org_id, role in user_roles(user).items()
        if role == Membership.Role.REPRESENTATIVE
    ]
    if not ids:
        return []
    organisations = Organisation.objects.filter(pk__in=ids).order_by("name")
    return [o for o in organisations if rules.has_perm("comments.represent_cso", user, o)]


# --- Threads -------------------------------------------------------------------------------


@dataclass
class CommentItem:
    """One comment as this viewer may see it, with what they may do with it."""

    comment: Comment
    author: str
    replies: list[CommentItem] = field(default_factory=list)
    my_reaction: str | None = None
    identity: dict | None = None
    mine: bool = False
    show_text: bool = False
    hidden_text: bool = False
    wording_html: str = ""
    response: OfficialResponse | None = None
    response_url: str = ""
    can_react: bool = False
    can_flag: bool = False
    can_edit: bool = False
    can_withdraw: bool = False
    can_reply: bool = False

    @property
    def is_published(self) -> bool:
        return self.comment.status == Comment.Status.PUBLISHED

    @property
    def is_hidden(self) -> bool:
        return self.comment.status == Comment.Status.HIDDEN

    @property
    def is_withdrawn(self) -> bool:
        return self.comment.status == Comment.Status.WITHDRAWN


@dataclass
class Viewer:
    user: object
    privileged: bool
    responses_public: bool
    can_comment: bool
    section_text: str = ""


def section_text(section: Section, subtree: list[Section] | None = None) -> str:
    """An article's current text as one plain text: its own text, then its paragraphs and
    points with their numbers ("1. ..."), one a line. This is what a proposed wording is
    compared with, and what "Start from the current text" copies. ``subtree``: the section and
    everything under it, in order, when the caller has it (else one query)."""
    if subtree is None:
        subtree = proposal_selectors.section_subtree(section) if section.is_current else [section]
    lines = []
    for part in subtree:
        text = (part.body or "").strip()
        if part.pk != section.pk:
            head = part.number
            if head and not head.endswith((".", ")")):
                head += "."
            if part.title:
                text = f"{part.title}\n{text}".strip()
            text = f"{head} {text}".strip()
        if text:
            lines.append(text)
    return "\n".join(lines)


def _section_url(consultation, proposal, key: str) -> str:
    return reverse(
        "proposals:section",
        kwargs={"slug": consultation.slug, "proposal": proposal.slug, "key": key},
    )


def _item(node: selectors.ThreadNode, viewer: Viewer, consultation, proposal) -> CommentItem:
    comment = node.comment
    # The objects the page already holds: the rules and links read them without a query.
    comment.consultation = consultation
    comment.proposal = proposal
    user = viewer.user
    mine = bool(getattr(user, "is_authenticated", False) and comment.author_id == user.pk)
    published = comment.status == Comment.Status.PUBLISHED
    item = CommentItem(
        comment=comment,
        author=selectors.public_author(comment),
        my_reaction=node.my_reaction,
        mine=mine,
        show_text=published,
        hidden_text=comment.status == Comment.Status.HIDDEN and (viewer.privileged or mine),
    )
    if viewer.privileged and comment.author is not None:
        item.identity = {"name": str(comment.author), "email": comment.author.email}
    shown = published or item.hidden_text
    if comment.proposed_wording and shown and comment.section is not None:
        item.wording_html = word_diff_html(viewer.section_text, comment.proposed_wording)
    if viewer.responses_public or viewer.privileged:
        response = getattr(comment, "response", None)
        if response is not None and (published or viewer.privileged):
            item.response = response
            target = response.reflected_in
            if target is not None and target.proposal_id == proposal.pk:
                item.response_url = _section_url(consultation, proposal, target.key)
    if getattr(user, "is_authenticated", False):
        item.can_react = published and rules.has_perm("comments.react", user, comment)
        item.can_flag = published and rules.has_perm("comments.flag", user, comment)
        item.can_edit = mine and rules.has_perm("comments.change_comment", user, comment)
        item.can_withdraw = mine and rules.has_perm("comments.withdraw_comment", user, comment)
        item.can_reply = (
            viewer.can_comment
            and published
            and comment.depth < services.MAX_DEPTH
            and (comment.section is None or comment.section.is_current)
        )
    item.replies = [_item(child, viewer, consultation, proposal) for child in node.replies]
    return item


def _page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def thread_context(
    request,
    consultation: Consultation,
    proposal: Proposal,
    *,
    section: Section | None = None,
    subtree: list[Section] | None = None,
) -> dict:
    """The comments of an article (or, with ``section=None``, of the whole draft) for a page:
    a page of threads, sort and pagination links, and the comment form or why there is none.
    ``subtree``: the article and its parts, when the page has loaded them already.

    A fixed number of queries whatever the number of comments (see ``selectors.comment_threads``
    and ``tests/web_comments/test_query_counts.py``)."""
    user = request.user
    sort = request.GET.get("sort", "newest")
    if sort not in selectors.SORTS:
        sort = "newest"
    page = _page_number(request.GET.get("page"))
    scope = {"section": section} if section is not None else {"whole_draft": True}
    nodes, total = selectors.comment_threads(
        proposal=proposal,
        sort=sort,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        user=user,
        **scope,
    )
    num_pages = max(1, -(-total // PAGE_SIZE))
    if page > num_pages:  # a stale link: show the last page
        page = num_pages
        nodes, total = selectors.comment_threads(
            proposal=proposal,
            sort=sort,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
            user=user,
            **scope,
        )
    block_reason = comment_block_reason(user, consultation)
    accepts_new = section is None or section.is_current
    viewer = Viewer(
        user=user,
        privileged=_privileged(user, consultation),
        responses_public=services.responses_are_public(consultation),
        can_comment=not block_reason and accepts_new,
        section_text=section_text(section, subtree) if section is not None else "",
    )
    items = [_item(node, viewer, consultation, proposal) for node in nodes]
    form = None
    if viewer.can_comment:
        form = CommentForm(
            organisations=_member_organisations(user), with_wording=section is not None
        )
    base = (
        _section_url(consultation, proposal, section.key)
        if section is not None
        else reverse(
            "comments:draft_comments", kwargs={"slug": consultation.slug, "proposal": proposal.slug}
        )
    )

    def link(**params) -> str:
        query = {"sort": sort, "page": page, **params}
        parts = []
        if query["sort"] != "newest":
            parts.append(f"sort={query['sort']}")
        if query["page"] > 1:
            parts.append(f"page={query['page']}")
        return base + ("?" + "&".join(parts) if parts else "") + "#comments"

    return {
        "thread": {
            "items": items,
            "total": total,
            "page": page,
            "num_pages": num_pages,
            "previous_url": link(page=page - 1) if page > 1 else "",
            "next_url": link(page=page + 1) if page < num_pages else "",
            "sort": sort,
            "sorts": [
                {"value": v, "label": label(), "url": link(sort=v, page=1), "current": v == sort}
                for v, label in SORT_LABELS.items()
            ],
            "section": section,
            "section_text": viewer.section_text,
            "form": form,
            "block_reason": block_reason,
            "accepts_new": accepts_new,
            "privileged": viewer.privileged,
            "action": reverse(
                "comments:comment_new",
                kwargs={"slug": consultation.slug, "proposal": proposal.slug},
            ),
            "back": request.get_full_path(),
            "has_wording": any(_has_wording(i) for i in items),
            "flag_reasons": FlagReason.choices,
        }
    }


def _has_wording(item: CommentItem) -> bool:
    return bool(item.wording_html) or any(_has_wording(r) for r in item.replies)


def comment_url(comment: Comment) -> str:
    """Where a comment is shown: its article's page (or the whole-draft comments page), on the
    page of the default order that holds its thread, at its anchor."""
    root = comment
    while root.parent_id is not None:
        root = Comment.objects.only("pk", "parent_id", "created_at", "section_id").get(
            pk=root.parent_id
        )
    roots = Comment.objects.filter(proposal_id=comment.proposal_id, parent__isnull=True)
    if root.section_id:
        roots = roots.filter(section_id=root.section_id)
    else:
        roots = roots.filter(section__isnull=True)
    newer = roots.filter(
        Q(created_at__gt=root.created_at) | Q(created_at=root.created_at, pk__gt=root.pk)
    ).count()
    page = newer // PAGE_SIZE + 1
    consultation, proposal = comment.consultation, comment.proposal
    if comment.section_id:
        base = _section_url(consultation, proposal, comment.section.key)
    else:
        base = reverse(
            "comments:draft_comments", kwargs={"slug": consultation.slug, "proposal": proposal.slug}
        )
    return f"{base}{f'?page={page}' if page > 1 else ''}#comment-{comment.pk}"


def _load(request, slug: str, proposal_slug: str) -> tuple[Consultation, Proposal]:
    consultation = get_visible_consultation(request, slug)
    try:
        proposal = proposal_selectors.proposal_get(consultation, proposal_slug)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    proposal.consultation = consultation
    return consultation, proposal


def draft_comments(request, slug: str, proposal: str):
    """The comments about the whole draft (not about one article)."""
    consultation, proposal = _load(request, slug, proposal)
    context = {
        "consultation": consultation,
        "proposal": proposal,
        **thread_context(request, consultation, proposal),
    }
    return render(request, "comments/draft_comments.html", context)


# --- Writing a comment ---------------------------------------------------------------------


def _comment_or_404(request, pk: int) -> Comment:
    try:
        comment = selectors.comment_get(pk)
    except Comment.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm("consult.view_consultation", comment.consultation):
        raise Http404
    return comment


def _parent_from(value) -> Comment | None:
    """The comment replied to, by id; ``None`` for a new thread. An unknown id is a form error
    (``ValidationError`` on ``parent``)."""
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    parent = (
        Comment.objects.select_related("author", "organisation", "participant", "section")
        .filter(pk=pk)
        .first()
    )
    if parent is None:
        raise ValidationError({"parent": _("The comment you reply to does not exist.")})
    return parent


def comment_new(request, slug: str, proposal: str):
    """Write a comment on an article (``section``), on the whole draft, or a reply (``parent``).

    GET shows the form on its own page; the article pages post their form here. Errors come back
    on this page with the form as it was sent (same one-time token)."""
    consultation, proposal = _load(request, slug, proposal)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = comment_block_reason(request.user, consultation)
    if reason:
        raise PermissionDenied(BLOCK_MESSAGES[reason]())
    source = request.POST if request.method == "POST" else request.GET
    errors: list[str] = []
    section = parent = None
    key = (source.get("section") or "").strip()
    if key:
        try:
            section = proposal_selectors.section_get(proposal, key)
        except Section.DoesNotExist as exc:
            raise Http404 from exc
    try:
        parent = _parent_from(source.get("parent"))
    except ValidationError as exc:
        errors.extend(exc.messages)
    if parent is not None:
        if parent.proposal_id == proposal.pk:
            section = parent.section
        else:
            errors.append(_("You can only reply within the same draft."))
        if parent.depth >= services.MAX_DEPTH:
            errors.append(_("Replies can go at most three levels deep."))
    with_wording = section is not None
    form_kwargs = {
        "organisations": _member_organisations(request.user),
        "with_wording": with_wording,
    }
    status = 200
    if request.method == "POST":
        form = CommentForm(request.POST, **form_kwargs)
        if form.is_valid() and not errors:
            data = form.cleaned_data
            try:
                comment = services.comment_create(
                    actor=request.user,
                    proposal=proposal,
                    section=section,
                    parent=parent,
                    body=data["body"],
                    stance=data["stance"],
                    consent=data["consent"],
                    participant_type=data["participant_type"],
                    proposed_wording=data.get("proposed_wording", ""),
                    organisation=data.get("organisation"),
                    municipality=data.get("municipality", ""),
                    country=data.get("country", ""),
                    idempotency_key=data.get("token", ""),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                comment.consultation, comment.proposal = consultation, proposal
                messages.success(
                    request,
                    _(
                        "Your comment is published. Its tracking number is %(number)s; we have "
                        "emailed you a receipt with a link to follow the institution's answer."
                    )
                    % {"number": comment.tracking_number},
                )
                return HttpResponseRedirect(comment_url(comment))
        for message in errors:
            if message not in form.non_field_errors():
                form.add_error(None, message)
        status = 400
    else:
        if section is not None and not section.is_current:
            raise Http404  # the article is not in the current text: nothing to comment on
        form = CommentForm(**form_kwargs)
    return render(
        request,
        "comments/comment_form.html",
        {
            "consultation": consultation,
            "proposal": proposal,
            "section": section,
            "parent": parent if parent is not None and parent.proposal_id == proposal.pk else None,
            "parent_author": selectors.public_author(parent) if parent is not None else "",
            "section_text": section_text(section) if section is not None else "",
            "form": form,
            "errors": errors if request.method == "GET" else [],
            "cancel_url": _cancel_url(consultation, proposal, section),
        },
        status=status,
    )


def _cancel_url(consultation, proposal, section) -> str:
    if section is not None:
        return _section_url(consultation, proposal, section.key) + "#comments"
    return reverse(
        "comments:draft_comments", kwargs={"slug": consultation.slug, "proposal": proposal.slug}
    )


def _require_signed_in(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def comment_edit(request, pk: int):
    """The author changes their comment while the consultation is open; earlier versions stay
    public on the versions page."""
    comment = _comment_or_404(request, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not rules.has_perm("comments.change_comment", request.user, comment):
        raise PermissionDenied(
            _("Only the author can edit a comment, while the consultation is open.")
        )
    with_wording = comment.section_id is not None
    status = 200
    if request.method == "POST":
        form = CommentEditForm(request.POST, with_wording=with_wording)
        if form.is_valid():
            try:
                comment = services.comment_edit(
                    actor=request.user,
                    comment=comment,
                    body=form.cleaned_data["body"],
                    stance=form.cleaned_data["stance"],
                    proposed_wording=form.cleaned_data.get("proposed_wording")
                    if with_wording
                    else None,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your comment is updated."))
                return HttpResponseRedirect(comment_url(comment))
        status = 400
    else:
        form = CommentEditForm(
            initial={
                "stance": comment.stance,
                "body": comment.body,
                "proposed_wording": comment.proposed_wording,
            },
            with_wording=with_wording,
        )
    return render(
        request,
        "comments/comment_edit.html",
        {
            "comment": comment,
            "consultation": comment.consultation,
            "proposal": comment.proposal,
            "section": comment.section,
            "section_text": section_text(comment.section) if comment.section else "",
            "form": form,
            "cancel_url": comment_url(comment),
        },
        status=status,
    )


def comment_withdraw(request, pk: int):
    """GET: a confirmation page; POST: withdraw. The thread keeps its place, without the text."""
    comment = _comment_or_404(request, pk)
    if (login := _require_signed_in(request)) is not None:
        return login
    if not rules.has_perm("comments.withdraw_comment", request.user, comment):
        raise PermissionDenied(
            _("Only the author can withdraw a comment, while the consultation is open.")
        )
    if request.method == "POST":
        comment = services.comment_withdraw(actor=request.user, comment=comment)
        messages.success(
            request,
            _("Your comment is withdrawn. Replies to it stay; its text is no longer shown."),
        )
        return HttpResponseRedirect(comment_url(comment))
    return render(
        request,
        "comments/comment_withdraw.html",
        {
            "comment": comment,
            "author": selectors.public_author(comment),
            "consultation": comment.consultation,
            "proposal": comment.proposal,
            "cancel_url": comment_url(comment),
        },
    )


VERSION_FIELDS = ("body", "stance", "proposed_wording")


def comment_versions(request, pk: int):
    """Every version of a comment's text, oldest first. Hidden and withdrawn comments have no
    public versions (a 404), except hidden ones for the people who may see identities."""
    comment = _comment_or_404(request, pk)
    privileged = _privileged(request.user, comment.consultation)
    if comment.status == Comment.Status.WITHDRAWN or (
        comment.status == Comment.Status.HIDDEN and not privileged
    ):
        raise Http404
    records = Comment.history.filter(id=comment.pk).order_by("history_date", "history_id")
    versions = []
    previous = current = None
    for record in records.only("history_id", "history_date", *VERSION_FIELDS):
        values = tuple(getattr(record, name) for name in VERSION_FIELDS)
        if values == previous:
            continue  # a change of status or counts, not of the text
        previous = values
        wording_html = ""
        if record.proposed_wording and comment.section is not None:
            if current is None:
                current = section_text(comment.section)
            wording_html = word_diff_html(current, record.proposed_wording)
        versions.append(
            {
                "date": record.history_date,
                "stance": record.get_stance_display(),
                "body_html": render_markdown(record.body),
                "wording": record.proposed_wording,
                "wording_html": wording_html,
            }
        )
    versions.reverse()  # newest first
    return render(
        request,
        "comments/comment_versions.html",
        {
            "comment": comment,
            "consultation": comment.consultation,
            "proposal": comment.proposal,
            "author": selectors.public_author(comment),
            "versions": versions,
            "back_url": comment_url(comment),
        },
    )


# --- Reactions and flags -------------------------------------------------------------------


def _refuse(request, comment: Comment, message: str, status: int):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(_safe_next(request) or comment_url(comment))


@require_POST
def comment_react(request, pk: int):
    """Agree or disagree; the same button again takes the reaction back."""
    comment = _comment_or_404(request, pk)
    if not request.user.is_authenticated:
        return _refuse(request, comment, _("Sign in to agree or disagree."), 403)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return _refuse(request, comment, _("Choose agree or disagree."), 400)
    value = form.cleaned_data["value"]
    current = comment.reactions.filter(user=request.user).values_list("value", flat=True).first()
    new_value = None if current == value else value
    try:
        comment = services.reaction_set(actor=request.user, comment=comment, value=new_value)
    except PermissionDenied as exc:
        return _refuse(request, comment, str(exc), 403)
    except ValidationError as exc:
        return _refuse(request, comment, " ".join(exc.messages), 400)
    if new_value == "agree":
        done = _("You agree with this comment.")
    elif new_value == "disagree":
        done = _("You disagree with this comment.")
    else:
        done = _("Your reaction is taken back.")
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "value": new_value,
                "agree": comment.agree_count,
                "disagree": comment.disagree_count,
                "message": done,
            }
        )
    messages.success(request, done)
    return HttpResponseRedirect(_safe_next(request) or comment_url(comment))


@require_POST
def comment_flag(request, pk: int):
    """Report a comment to the moderators, with a reason (once per person)."""
    comment = _comment_or_404(request, pk)
    if not request.user.is_authenticated:
        return _refuse(request, comment, _("Sign in to report a comment."), 403)
    form = FlagForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(m) for errors in form.errors.values() for m in errors)
        return _refuse(request, comment, message, 400)
    try:
        services.flag_create(
            actor=request.user,
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as exc:
        return _refuse(request, comment, str(exc), 403)
    except ValidationError as exc:
        return _refuse(request, comment, " ".join(exc.messages), 400)
    done = _("Thank you: the moderators will review this comment.")
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": done})
    messages.success(request, done)
    return HttpResponseRedirect(_safe_next(request) or comment_url(comment))


# --- Position papers -----------------------------------------------------------------------


class SizeLimitUploadHandler(FileUploadHandler):
    """Drops an uploaded file as soon as it grows past the limit (chunk by chunk, so an
    oversized file is never kept whole) and remembers that it did, for the form's message."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


# Room for the form's text fields around the file in a multipart body.
FORM_TEXT_ALLOWANCE = 2 * 1024 * 1024


def _too_large_message() -> str:
    limit = settings.POSITION_PAPER_MAX_BYTES
    return _("The file is too large (at most %(mb)d MB).") % {"mb": max(1, limit // (1024 * 1024))}


def _current_articles(consultation: Consultation) -> list[Section]:
    return list(
        Section.objects.filter(proposal__consultation=consultation, is_current=True, kind="article")
        .select_related("proposal")
        .order_by("proposal__position", "proposal_id", "position")
    )


@csrf_exempt  # the upload handler must be in place before the body is parsed; CSRF below
def paper_new(request, slug: str):
    handler = SizeLimitUploadHandler(request, settings.POSITION_PAPER_MAX_BYTES)
    request.upload_handlers.insert(0, handler)
    return _paper_new(request, slug, handler)


@csrf_protect
def _paper_new(request, slug: str, handler: SizeLimitUploadHandler):
    """A verified CSO's representative submits a position paper with its PDF.

    Files over the limit are refused before they are read whole: a body whose Content-Length
    cannot hold an acceptable file is refused unparsed, and while parsing the upload handler
    drops the file once it passes the limit."""
    consultation = get_visible_consultation(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    reason = comment_block_reason(request.user, consultation)
    if reason:
        raise PermissionDenied(BLOCK_MESSAGES[reason]())
    organisations = representable_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_paper_refusal(request.user))
    articles = _current_articles(consultation)
    form_kwargs = {"organisations": organisations, "articles": articles}
    status = 200
    limit = settings.POSITION_PAPER_MAX_BYTES
    if request.method == "POST":
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + FORM_TEXT_ALLOWANCE:
            form = PositionPaperForm(**form_kwargs)
            return _paper_page(
                request, consultation, form, articles, status=413, error=_too_large_message()
            )
        form = PositionPaperForm(request.POST, request.FILES, **form_kwargs)
        valid = form.is_valid()
        upload = request.FILES.get("attachment")
        if handler.too_large or (upload is not None and upload.size > limit):
            form.errors.pop("attachment", None)
            form.add_error("attachment", _too_large_message())
            valid = False
        if valid:
            upload.seek(0)
            data = upload.read(limit + 1)
            try:
                if len(data) > limit:
                    raise ValidationError({"attachment": _too_large_message()})
                paper = services.position_paper_submit(
                    actor=request.user,
                    consultation=consultation,
                    organisation=form.cleaned_data["organisation"],
                    title=form.cleaned_data["title"],
                    summary=form.cleaned_data["summary"],
                    pdf=data,
                    points=form.points(),
                    idempotency_key=form.cleaned_data.get("token", ""),
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your position paper is received. Its tracking number is %(number)s; we "
                        "have emailed you a receipt with a link to follow the institution's "
                        "answer."
                    )
                    % {"number": paper.tracking_number},
                )
                return HttpResponseRedirect(
                    consultation.get_absolute_url() + f"#paper-{paper.tracking_number}"
                )
        status = 400
    else:
        form = PositionPaperForm(**form_kwargs)
    return _paper_page(request, consultation, form, articles, status=status)


def _paper_page(request, consultation, form, articles, *, status: int, error: str = ""):
    groups: list[dict] = []
    by_proposal: dict[int, dict] = {}
    for section in articles:
        group = by_proposal.get(section.proposal_id)
        if group is None:
            group = {"proposal": section.proposal, "fields": []}
            by_proposal[section.proposal_id] = group
            groups.append(group)
        group["fields"].append(form[f"point_{section.pk}"])
    return render(
        request,
        "comments/paper_form.html",
        {
            "consultation": consultation,
            "form": form,
            "point_groups": groups,
            "points_open": any(form[name].value() for name in form.article_fields),
            "error": error,
            "max_mb": settings.POSITION_PAPER_MAX_BYTES // (1024 * 1024),
        },
        status=status,
    )


def _paper_refusal(user) -> str:
    roles = user_roles(user)
    represented = [
        org_id for org_id, role in roles.items() if role == Membership.Role.REPRESENTATIVE
    ]
    if represented:
        unverified = Organisation.objects.filter(
            pk__in=represented, kind=Organisation.Kind.CSO
        ).exclude(verification_status=Organisation.Verification.VERIFIED)
        if unverified.exists():
            return _(
                "Your organisation is not verified yet: position papers can be submitted once "
                "the site's staff have verified it."
            )
    return _(
        "Only a representative of a verified civil society organisation can submit a position "
        "paper on its behalf."
    )


def paper_download(request, tracking_number: str):
    """The PDF of a published position paper, as an attachment under a generated name."""
    number = (tracking_number or "").strip().upper()
    paper = (
        PositionPaper.objects.select_related("consultation").filter(tracking_number=number).first()
    )
    if (
        paper is None
        or not paper.consultation.is_public
        or paper.status != PositionPaper.Status.PUBLISHED
    ):
        raise Http404
    try:
        handle = paper.attachment.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{paper.tracking_number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Position papers, all of them -------------------------------------------------------------

PAPERS_PAGE_SIZE = 20


def paper_list(request, slug: str):
    """Every published position paper of a consultation, in the order they came, a page at a
    time. ``?paper=<tracking number>`` opens the page that holds that paper (search links)."""
    from .templatetags.submissions import paper_rows

    consultation = get_visible_consultation(request, slug)
    papers = selectors.published_position_papers(consultation)
    page_number = request.GET.get("page")
    wanted = (request.GET.get("paper") or "").strip().upper()
    if wanted and not page_number:
        paper = papers.filter(tracking_number=wanted).values("created_at", "pk").first()
        if paper is not None:
            before = papers.filter(
                Q(created_at__lt=paper["created_at"])
                | Q(created_at=paper["created_at"], pk__lt=paper["pk"])
            ).count()
            page_number = before // PAPERS_PAGE_SIZE + 1
    page = Paginator(papers, PAPERS_PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "comments/paper_list.html",
        {
            "consultation": consultation,
            "page": page,
            "papers": paper_rows(consultation, page.object_list),
        },
    )


# --- Tracking numbers ----------------------------------------------------------------------


def track_lookup(request):
    number = (request.GET.get("number") or "").strip().upper()
    if number:
        return redirect(reverse("comments:track", kwargs={"number": number}))
    return render(request, "comments/track.html", {"submission": None, "number": ""})


def track(request, number: str):
    """Anyone holding a tracking number can see the status of the submission."""
    submission = selectors.submission_by_tracking_number(number)
    if submission is None or not submission.consultation.is_public:
        raise Http404
    response = getattr(submission, "response", None)
    if response is not None and not services.responses_are_public(submission.consultation):
        response = None
    return render(
        request,
        "comments/track.html",
        {"submission": submission, "number": submission.tracking_number, "response": response},
    )
