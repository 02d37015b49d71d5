"""The officials' and moderators' side of submissions, inside the workspace (``/workspace/``).

* ``submission_list`` (``/workspace/<slug>/submissions/``): every comment and position paper of
  a consultation with the real author, filters, the number still waiting for an answer, 50 a
  page. For officials of the consultation's institution and site staff (the rule
  ``consult.manage_consultation``); moderators moderate, they do not see this list.
* ``answer`` (``.../submissions/<tracking number>/answer/``): the submission in full and the
  answer form (``comments.services.response_set``, whose rule ``comments.respond`` also needs
  the consultation to be open, closed or reported), the answer's history; after saving, on to
  the next submission still waiting.
* ``paper_pdf``: a position paper's PDF, as an attachment under a generated name.
* ``moderation`` (``/workspace/moderation/``): flagged and hidden comments (all consultations for
  site moderators and staff, their institutions' for officials), hide / restore / block
  actions, each with a page of its own that also shows the form's errors, and the log of
  decisions.

A person who is not signed in is sent to sign in; one who is neither an official, a moderator
nor staff gets the workspace's explained 403 page; a ``PermissionDenied`` from a rule or a
service becomes the 403 page with its message. Every check is the rule itself
(``rules.has_perm``), as the services check it.
"""

from __future__ import annotations

import functools

import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Membership
from accounts.rules import is_any_official, is_moderator, is_staff
from accounts.selectors import user_roles
from consult import selectors as consult_selectors
from consult.forms import apply_validation_error
from consult.models import Consultation
from proposals.diff import word_diff_html
from proposals.selectors import section_subtree

from . import selectors, services
from .models import Comment, OfficialResponse
from .workspace_forms import (
    AnswerForm,
    BlockForm,
    HideForm,
    RestoreForm,
    SubmissionFilterForm,
    UnblockForm,
)

PER_PAGE = 50


# --------------------------------------------------------------------------------------------
# Access


def _forbidden(request, message: str):
    return render(request, "workspace/forbidden.html", {"message": message}, status=403)


def _can_enter(user) -> bool:
    """An official of an institution, a site moderator or staff."""
    return bool(is_staff(user) or is_any_official(user) or is_moderator(user))


def submissions_view(view):
    """Signed in; official, moderator or staff; ``PermissionDenied`` becomes an explained 403."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not _can_enter(request.user):
            return render(request, "workspace/not_official.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc) or _("You cannot do this."))

    return never_cache(wrapper)


def _consultation(request, slug: str) -> Consultation:
    try:
        consultation = consult_selectors.consultation_get(slug)
    except Consultation.DoesNotExist as exc:
        raise Http404(_("No consultation found at this address.")) from exc
    if not rules.has_perm("consult.manage_consultation", request.user, consultation):
        raise PermissionDenied(
            _(
                "Only officials of the institution that runs this consultation, and site staff, "
                "see its submissions and answer them."
            )
        )
    return consultation


def _list_url(consultation: Consultation) -> str:
    return reverse("submissions:list", kwargs={"slug": consultation.slug})


def _answer_url(consultation: Consultation, tracking_number: str) -> str:
    return reverse(
        "submissions:answer",
        kwargs={"slug": consultation.slug, "tracking_number": tracking_number},
    )


def _withheld(consultation: Consultation) -> bool:
    return not services.responses_are_public(consultation)


# --------------------------------------------------------------------------------------------
# Submissions of a consultation


@require_GET
@submissions_view
def submission_list(request, slug):
    consultation = _consultation(request, slug)
    options = selectors.workspace_article_options(consultation)
    form = SubmissionFilterForm(request.GET or None, article_options=options)
    rows = selectors.workspace_submission_rows(consultation, **form.selector_filters())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    items = selectors.workspace_submissions_load(page.object_list)
    unanswered = selectors.unanswered_count(consultation)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "submissions/list.html",
        {
            "consultation": consultation,
            "form": form,
            "filtered": form.active,
            "page": page,
            "items": items,
            "querystring": query.urlencode(),
            "unanswered": unanswered,
            "first_unanswered": selectors.next_unanswered(consultation) if unanswered else None,
            "many_drafts": len(options) > 1,
            "can_answer": rules.has_perm("comments.respond", request.user, consultation),
            "withheld": _withheld(consultation),
            "unanswered_url": f"{_list_url(consultation)}?answered=no",
        },
    )


def _article_text(section) -> str:
    """The current text of a section with everything below it, numbered as in the draft, the
    way a person would copy it into a proposed wording."""
    lines = []
    for part in section_subtree(section) or [section]:
        body = (part.body or "").strip()
        if not body:
            continue
        if part.pk != section.pk and part.number:
            body = f"{part.number}. {body}"
        lines.append(body)
    return "\n".join(lines)


def _full_label(section) -> str:
    """A paragraph or point with the article it belongs to: "Article 1: Purpose › Paragraph 2"."""
    parent = section.parent if section.parent_id else None
    if section.kind in ("paragraph", "point") and parent is not None:
        return f"{parent.label} › {section.label}"
    return section.label


def _answer_context(request, consultation, item, form, *, can_answer: bool) -> dict:
    comment = None if item.is_paper else item.obj
    article_text = diff_html = section_label = None
    if comment is not None and comment.section_id:
        section_label = _full_label(comment.section)
        article_text = _article_text(comment.section)
        if comment.proposed_wording:
            diff_html = word_diff_html(article_text, comment.proposed_wording)
    return {
        "consultation": consultation,
        "item": item,
        "submission": item.obj,
        "response": item.response,
        "form": form,
        "can_answer": can_answer,
        "withheld": _withheld(consultation),
        "history": selectors.response_history(item.response),
        "public_name": selectors.public_author(comment) if comment is not None else None,
        "article_text": article_text,
        "section_label": section_label,
        "diff_html": diff_html,
        "can_publish_version": rules.has_perm(
            "consult.publish_version", request.user, consultation
        ),
    }


@require_http_methods(["GET", "POST"])
@submissions_view
def answer(request, slug, tracking_number):
    consultation = _consultation(request, slug)
    item = selectors.workspace_submission_get(consultation, tracking_number)
    if item is None:
        raise Http404(_("There is no submission with this tracking number in this consultation."))
    if item.obj.tracking_number != tracking_number:
        return redirect(_answer_url(consultation, item.obj.tracking_number))
    can_answer = rules.has_perm("comments.respond", request.user, consultation)
    response = item.response
    form_kwargs = {
        "sections": selectors.reflectable_sections(consultation),
        "current": response.reflected_in if response is not None else None,
    }
    status = 200
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied(
                _("Answers can be given while the consultation is open, closed or reported on.")
                + " "
                + _("The consultation is “%(status)s”.")
                % {"status": consultation.get_effective_status_display()}
            )
        form = AnswerForm(request.POST, **form_kwargs)
        if form.is_valid():
            target = {"position_paper" if item.is_paper else "comment": item.obj}
            try:
                saved = services.response_set(
                    actor=request.user,
                    outcome=form.cleaned_data["outcome"],
                    justification=form.cleaned_data["justification"],
                    reflected_in=form.cleaned_data["reflected_in"],
                    **target,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                _answer_saved_message(request, consultation, item, saved, first=response is None)
                following = selectors.next_unanswered(consultation, after=item.obj)
                if following is not None:
                    return redirect(_answer_url(consultation, following))
                messages.info(request, _("Every submission of this consultation has an answer."))
                return redirect(_list_url(consultation))
        status = 400
    else:
        initial = {}
        if response is not None:
            initial = {
                "outcome": response.outcome,
                "justification": response.justification,
                "reflected_in": str(response.reflected_in_id or ""),
            }
        form = AnswerForm(initial=initial, **form_kwargs)
    context = _answer_context(request, consultation, item, form, can_answer=can_answer)
    return render(request, "submissions/answer.html", context, status=status)


def _answer_saved_message(request, consultation, item, saved: OfficialResponse, *, first: bool):
    values = {"number": item.obj.tracking_number, "outcome": saved.get_outcome_display()}
    if first:
        text = _("Your answer to %(number)s (“%(outcome)s”) is saved.") % values
    else:
        text = _("The answer to %(number)s is changed to “%(outcome)s”.") % values
    if _withheld(consultation):
        text += " " + _(
            "It will be published, and the person told by email, when the consultation report "
            "is published."
        )
    elif item.person is not None:
        text += " " + _("The person who sent it is told by email.")
    messages.success(request, text)


@require_GET
@submissions_view
def paper_pdf(request, slug, tracking_number):
    consultation = _consultation(request, slug)
    item = selectors.workspace_submission_get(consultation, tracking_number)
    if item is None or not item.is_paper:
        raise Http404(_("There is no position paper with this tracking number."))
    try:
        handle = item.obj.attachment.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file of this position paper is missing.")) from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{item.obj.tracking_number}.pdf",
        content_type="application/pdf",
    )


# --------------------------------------------------------------------------------------------
# Moderation


def _queue_scope(user):
    """The consultations whose comments the person reviews: ``None`` for all (site moderators
    and staff), else those of the institutions where they are an official."""
    if is_moderator(user) or is_staff(user):
        return None
    ids = [oid for oid, role in user_roles(user).items() if role == Membership.Role.OFFICIAL]
    return Consultation.objects.filter(institution_id__in=ids)


def _posted(request):
    """The form data of a POST (even an empty one), else ``None`` for an unbound form."""
    return request.POST if request.method == "POST" else None


def _moderation_url() -> str:
    return reverse("submissions:moderation")


def _form_id(comment, action: str) -> str:
    return f"{comment.tracking_number}-{action}-%s"


@require_GET
@submissions_view
def moderation(request):
    user = request.user
    scope = _queue_scope(user)
    consultations = Consultation.objects.all() if scope is None else scope
    queue = selectors.moderation_queue(consultations=consultations)
    page = Paginator(queue, PER_PAGE).get_page(request.GET.get("page"))
    comments = list(page.object_list)
    site_moderator = bool(is_moderator(user))
    blocked = selectors.blocked_user_ids(c.author_id for c in comments) if site_moderator else set()
    entries = []
    for comment in comments:
        can_moderate = rules.has_perm("comments.moderate_comment", user, comment)
        entries.append(
            {
                "comment": comment,
                "can_moderate": can_moderate,
                "hide_form": HideForm(
                    auto_id=_form_id(comment, "hide"),
                    initial={"reason": comment.hidden_reason or _top_reason(comment)},
                ),
                "restore_form": RestoreForm(auto_id=_form_id(comment, "restore")),
                "block_form": BlockForm(auto_id=_form_id(comment, "block")),
                "author_blocked": comment.author_id in blocked,
                "pending": any(not flag.reviewed for flag in comment.flags.all()),
            }
        )
    return render(
        request,
        "submissions/moderation.html",
        {
            "page": page,
            "entries": entries,
            "site_moderator": site_moderator,
            "all_consultations": scope is None,
            "log": selectors.moderation_log(consultations=scope, include_blocks=site_moderator),
            "blocks": selectors.participation_blocks() if site_moderator else [],
        },
    )


def _top_reason(comment) -> str:
    reasons = [flag.reason for flag in comment.flags.all() if not flag.reviewed]
    return max(set(reasons), key=reasons.count) if reasons else ""


def _moderated_comment(request, tracking_number: str) -> Comment:
    comment = selectors.moderation_comment_get(tracking_number)
    if comment is None:
        raise Http404(_("There is no comment with this tracking number."))
    if not rules.has_perm("comments.moderate_comment", request.user, comment):
        raise PermissionDenied(
            _(
                "Only site moderators and officials of the institution that runs the "
                "consultation can moderate this comment."
            )
        )
    return comment


def _moderation_action(request, *, comment, form, action: str, title: str, button: str):
    """GET: the action's own page; POST with errors: the same page with them (400)."""
    return render(
        request,
        "submissions/moderation_action.html",
        {
            "comment": comment,
            "form": form,
            "action": action,
            "title": title,
            "button": button,
            "action_url": reverse(
                f"submissions:{action}", kwargs={"tracking_number": comment.tracking_number}
            ),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@submissions_view
def moderation_hide(request, tracking_number):
    comment = _moderated_comment(request, tracking_number)
    form = HideForm(_posted(request), auto_id=_form_id(comment, "hide"))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_hide(
                actor=request.user,
                comment=comment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The comment %(number)s is hidden from the public.")
                % {"number": comment.tracking_number},
            )
            return redirect(_moderation_url())
    return _moderation_action(
        request,
        comment=comment,
        form=form,
        action="hide",
        title=_("Hide the comment %(number)s") % {"number": comment.tracking_number},
        button=_("Hide the comment"),
    )


@require_http_methods(["GET", "POST"])
@submissions_view
def moderation_restore(request, tracking_number):
    comment = _moderated_comment(request, tracking_number)
    form = RestoreForm(_posted(request), auto_id=_form_id(comment, "restore"))
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_restore(
                actor=request.user, comment=comment, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The comment %(number)s is public again; its flags are marked as reviewed.")
                % {"number": comment.tracking_number},
            )
            return redirect(_moderation_url())
    return _moderation_action(
        request,
        comment=comment,
        form=form,
        action="restore",
        title=_("Restore the comment %(number)s") % {"number": comment.tracking_number},
        button=_("Restore the comment"),
    )


def _require_site_moderator(user) -> None:
    if not rules.has_perm("comments.block_user", user, None):
        raise PermissionDenied(_("Only site moderators can block and unblock people."))


@require_http_methods(["GET", "POST"])
@submissions_view
def moderation_block(request, tracking_number):
    _require_site_moderator(request.user)
    comment = _moderated_comment(request, tracking_number)
    if comment.author is None:
        raise Http404(_("The author of this comment no longer has an account."))
    form = BlockForm(_posted(request), auto_id=_form_id(comment, "block"))
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_block(
                actor=request.user, user=comment.author, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s can no longer take part.") % {"person": comment.author.email},
            )
            return redirect(_moderation_url())
    return _moderation_action(
        request,
        comment=comment,
        form=form,
        action="block",
        title=_("Block the author of %(number)s") % {"number": comment.tracking_number},
        button=_("Block this person from taking part"),
    )


@require_http_methods(["GET", "POST"])
@submissions_view
def moderation_unblock(request, user_id):
    _require_site_moderator(request.user)
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None:
        raise Http404(_("There is no such person."))
    form = UnblockForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.participation_unblock(
            actor=request.user, user=person, note=form.cleaned_data["note"]
        )
        messages.success(request, _("%(person)s can take part again.") % {"person": person.email})
        return redirect(_moderation_url())
    return render(
        request,
        "submissions/moderation_unblock.html",
        {
            "person": person,
            "form": form,
            "block": selectors.participation_block_get(person),
        },
        status=400 if form.is_bound else 200,
    )
