"""Pages of public hearings.

Public (``/consultations/<slug>/hearings/<id>/``): the hearing with its items, the post form,
upvotes, and for the institution's officials and the moderators the answered / hide / restore
controls. Everything works without JavaScript (a form posts, the page redirects back);
``static/js/hearing.js`` posts the same forms with ``Accept: application/json`` and gets JSON,
and follows the consultation's WebSocket to show what others do at once.

Officials (``/workspace/<slug>/hearings/...``, the workspace's access rules and 403 page):
schedule, edit, start, end, cancel.

Permissions are the rules of ``hearings.rules`` checked with ``rules.has_perm`` (never
``user.has_perm``, which lets a superuser skip the lifecycle checks); the services check them
again. A hearing whose consultation the person may not see is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.selectors import user_roles
from comments.models import FlagReason
from comments.rules import is_blocked
from consult import selectors as consult_selectors
from consult.forms import apply_validation_error
from consult.models import Consultation
from consult.workspace_views import workspace_view

from . import selectors, services
from .forms import AnswerForm, CancelForm, HearingForm, ItemForm, UpvoteForm
from .models import Hearing, HearingItem

H = Hearing.Status
SORT_LABELS = {"top": lambda: _("Most upvoted"), "newest": lambda: _("Newest first")}
HISTORY_LIMIT = 50


def can(user, perm: str, obj) -> bool:
    return rules.has_perm(perm, user, obj)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _hearing_or_404(request, slug: str, pk: int) -> Hearing:
    try:
        hearing = selectors.hearing_get(slug, pk)
    except Hearing.DoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, "hearings.view_hearing", hearing):
        raise Http404
    return hearing


def _item_or_404(hearing: Hearing, item_id: int) -> HearingItem:
    item = (
        HearingItem.objects.filter(pk=item_id, hearing=hearing)
        .select_related("author", "organisation", "participant")
        .first()
    )
    if item is None:
        raise Http404
    item.hearing = hearing
    return item


def _organisations(user) -> list[Organisation]:
    ids = list(user_roles(user))
    if not ids:
        return []
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


# --- the hearing page ----------------------------------------------------------------------------


@dataclass
class ItemView:
    item: HearingItem
    author: str
    identity: dict | None
    mine: bool
    upvoted: bool
    can_upvote: bool
    show_hidden_text: bool

    @property
    def is_hidden(self) -> bool:
        return self.item.status == HearingItem.Status.HIDDEN

    @property
    def is_answered(self) -> bool:
        return self.item.status == HearingItem.Status.ANSWERED


def post_block_reason(user, hearing: Hearing) -> str:
    """Why this person cannot post now, as a sentence; ``""`` when they can."""
    if can(user, "hearings.post_item", hearing):
        return ""
    if hearing.status == H.SCHEDULED:
        return _("The hearing has not started yet: questions and remarks open when it starts.")
    if hearing.status == H.ENDED:
        return _("The hearing has ended. Everything posted during it is kept below.")
    if hearing.status == H.CANCELLED:
        return _("The hearing was cancelled.")
    if hearing.consultation.effective_status != Consultation.Status.OPEN:
        return _("The consultation is no longer open: nothing more can be posted.")
    if not getattr(user, "is_authenticated", False):
        return _("Sign in to post a question or a remark.")
    if not user.email_verified:
        return _("Confirm your email address before you post: open the link we sent you.")
    if is_blocked(user):
        return _("Your account cannot take part in consultations for now: a moderator blocked it.")
    return _("You cannot post in this hearing.")


def _page_context(request, hearing: Hearing, *, form: ItemForm | None = None) -> dict:
    user = request.user
    consultation = hearing.consultation
    sort = request.GET.get("sort", "")
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    items, upvoted = selectors.hearing_items(hearing, sort=sort, user=user)
    privileged = can(user, "hearings.see_identities", hearing)
    can_moderate = can(user, "hearings.moderate_item", hearing)
    user_id = user.pk if user.is_authenticated else None
    views = []
    for item in items:
        mine = user_id is not None and item.author_id == user_id
        identity = None
        if privileged and item.author_id:
            identity = {"name": str(item.author), "email": item.author.email}
        views.append(
            ItemView(
                item=item,
                author=selectors.public_author(item),
                identity=identity,
                mine=mine,
                upvoted=item.pk in upvoted,
                can_upvote=can(user, "hearings.upvote_item", item),
                show_hidden_text=privileged or can_moderate or mine,
            )
        )
    block_reason = post_block_reason(user, hearing)
    if not block_reason and form is None:
        form = ItemForm(organisations=_organisations(user))
    # The controls a page-script inserts for a new item (the same as this person's on the
    # rendered ones): an upvote form when the person can take part, moderation when they can.
    can_take_part = (
        hearing.status == H.LIVE
        and consultation.effective_status == Consultation.Status.OPEN
        and getattr(user, "is_authenticated", False)
        and user.email_verified
        and not is_blocked(user)
    )
    prototype = ItemView(
        item=HearingItem(
            pk=0,
            hearing=hearing,
            kind=HearingItem.Kind.QUESTION,
            status=HearingItem.Status.VISIBLE,
            created_at=timezone.now(),
        ),
        author="%(author)s",  # hearing.js puts the author's label in its place
        identity=None,
        mine=False,
        upvoted=False,
        can_upvote=can_take_part,
        show_hidden_text=False,
    )
    visible = [v for v in views if not v.is_hidden]
    return {
        "hearing": hearing,
        "consultation": consultation,
        "items": views,
        "prototype": prototype,
        "counts": {
            "items": len(visible),
            "questions": sum(1 for v in visible if v.item.kind == HearingItem.Kind.QUESTION),
            "answered": sum(1 for v in visible if v.is_answered),
        },
        "sort": sort,
        "sorts": [(key, label()) for key, label in SORT_LABELS.items()],
        "form": form if not block_reason else None,
        "block_reason": block_reason,
        "needs_sign_in": not user.is_authenticated and hearing.status == H.LIVE,
        "can_moderate": can_moderate,
        "can_take_part": can_take_part,
        "can_manage": can(user, "hearings.manage_hearings", hearing),
        "reasons": FlagReason.choices,
        "answer_form": AnswerForm(),
        "items_url": reverse(
            "hearings:item_post", kwargs={"slug": consultation.slug, "pk": hearing.pk}
        ),
        "max_length": settings.HEARING_ITEM_MAX_LENGTH,
    }


@require_GET
@never_cache
def detail(request, slug: str, pk: int):
    hearing = _hearing_or_404(request, slug, pk)
    return render(request, "hearings/detail.html", _page_context(request, hearing))


def _back(hearing: Hearing, item_id: int | None = None, sort: str = "") -> str:
    url = hearing.get_absolute_url()
    if sort in selectors.SORTS:
        url += f"?sort={sort}"
    return url + (f"#item-{item_id}" if item_id else "")


def _refuse(request, hearing: Hearing, message: str, status: int, item_id: int | None = None):
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return HttpResponseRedirect(_back(hearing, item_id, request.POST.get("sort", "")))


def _done(request, hearing: Hearing, message: str, item_id: int | None, **data):
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, **data})
    messages.success(request, message)
    return HttpResponseRedirect(_back(hearing, item_id, request.POST.get("sort", "")))


@require_POST
def item_post(request, slug: str, pk: int):
    hearing = _hearing_or_404(request, slug, pk)
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "error": _("Sign in to post a question or a remark.")}, status=403
            )
        return redirect_to_login(hearing.get_absolute_url())
    form = ItemForm(request.POST, organisations=_organisations(request.user))
    item = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_post(
                actor=request.user,
                hearing=hearing,
                kind=data["kind"],
                body=data["body"],
                consent=data["consent"],
                organisation=data.get("organisation"),
            )
        except PermissionDenied as exc:
            return _refuse(request, hearing, str(exc), 403)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    if item is None:
        if _wants_json(request):
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            message = " ".join(m for errs in errors.values() for m in errs)
            return JsonResponse({"ok": False, "error": message, "errors": errors}, status=400)
        hearing = _hearing_or_404(request, slug, pk)  # its state may have changed meanwhile
        context = _page_context(request, hearing, form=form)
        context["form"] = form if not context["block_reason"] else None
        return render(request, "hearings/detail.html", context, status=400)
    return _done(
        request,
        hearing,
        _("Your question or remark is posted."),
        item.pk,
        item=item.pk,
    )


@require_POST
def item_upvote(request, slug: str, pk: int, item_id: int):
    """``action``: ``upvote``, ``unupvote``, or (empty, ``toggle``) the other of the current."""
    hearing = _hearing_or_404(request, slug, pk)
    item = _item_or_404(hearing, item_id)
    if not request.user.is_authenticated:
        return _refuse(request, hearing, _("Sign in to upvote."), 403, item.pk)
    form = UpvoteForm(request.POST)
    action = form.cleaned_data["action"] if form.is_valid() else "toggle"
    if action in ("", "toggle"):
        has = item.upvotes.filter(user=request.user).exists()
        action = "unupvote" if has else "upvote"
    service = services.item_upvote if action == "upvote" else services.item_unupvote
    try:
        item = service(actor=request.user, item=item)
    except PermissionDenied as exc:
        return _refuse(request, hearing, str(exc), 403, item.pk)
    message = (
        _("You upvoted this question or remark.")
        if action == "upvote"
        else _("Your upvote is taken back.")
    )
    return _done(
        request,
        hearing,
        message,
        item.pk,
        upvoted=action == "upvote",
        count=item.upvote_count,
    )


def _moderate(request, slug, pk, item_id, run, message: str):
    hearing = _hearing_or_404(request, slug, pk)
    item = _item_or_404(hearing, item_id)
    if not request.user.is_authenticated:
        return _refuse(request, hearing, _("Sign in first."), 403, item.pk)
    try:
        item = run(item)
    except PermissionDenied as exc:
        return _refuse(request, hearing, str(exc), 403, item.pk)
    except ValidationError as exc:
        return _refuse(request, hearing, " ".join(exc.messages), 400, item.pk)
    return _done(request, hearing, message, item.pk, status=item.status)


@require_POST
def item_answer(request, slug: str, pk: int, item_id: int):
    form = AnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else request.POST.get("note", "")
    return _moderate(
        request,
        slug,
        pk,
        item_id,
        lambda item: services.item_mark_answered(actor=request.user, item=item, note=note),
        _("Marked as answered."),
    )


@require_POST
def item_hide(request, slug: str, pk: int, item_id: int):
    reason = request.POST.get("reason", "")
    return _moderate(
        request,
        slug,
        pk,
        item_id,
        lambda item: services.item_hide(actor=request.user, item=item, reason=reason),
        _("Hidden. Its text stays in the record, seen only by the institution and moderators."),
    )


@require_POST
def item_restore(request, slug: str, pk: int, item_id: int):
    return _moderate(
        request,
        slug,
        pk,
        item_id,
        lambda item: services.item_restore(actor=request.user, item=item),
        _("Shown again."),
    )


# --- the officials' pages ------------------------------------------------------------------------


def _managed_consultation(request, slug: str) -> Consultation:
    try:
        consultation = consult_selectors.consultation_get(slug)
    except Consultation.DoesNotExist as exc:
        raise Http404(_("No consultation found at this address.")) from exc
    if not can(request.user, "hearings.manage_hearings", consultation):
        raise PermissionDenied(
            _("Only officials of the institution that runs this consultation can manage it.")
        )
    return consultation


def _managed_hearing(request, slug: str, pk: int) -> Hearing:
    try:
        hearing = selectors.hearing_get(slug, pk)
    except Hearing.DoesNotExist as exc:
        raise Http404(_("No hearing found at this address.")) from exc
    if not can(request.user, "hearings.manage_hearings", hearing):
        raise PermissionDenied(
            _("Only officials of the institution that runs this consultation can manage it.")
        )
    return hearing


def _manage_url(hearing: Hearing) -> str:
    return reverse("hearings:manage", kwargs={"slug": hearing.consultation.slug, "pk": hearing.pk})


@require_http_methods(["GET", "POST"])
@workspace_view
def schedule(request, slug: str):
    consultation = _managed_consultation(request, slug)
    if not can(request.user, "hearings.schedule_hearing", consultation):
        raise PermissionDenied(
            _("Hearings can be scheduled only while the consultation has not closed.")
        )
    if request.method == "POST":
        form = HearingForm(request.POST)
        if form.is_valid():
            hearing = form.save(actor=request.user, consultation=consultation)
            if hearing is not None:
                messages.success(
                    request,
                    _("The hearing is scheduled and shown on the consultation's page."),
                )
                return redirect(_manage_url(hearing))
    else:
        form = HearingForm()
    return render(
        request,
        "hearings/form.html",
        {"form": form, "consultation": consultation, "hearing": None},
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit(request, slug: str, pk: int):
    hearing = _managed_hearing(request, slug, pk)
    if not can(request.user, "hearings.change_hearing", hearing):
        raise PermissionDenied(_("This hearing has ended or was cancelled: it cannot be edited."))
    if request.method == "POST":
        form = HearingForm(request.POST, hearing=hearing)
        if form.is_valid():
            saved = form.save(actor=request.user)
            if saved is not None:
                messages.success(request, _("Your changes were saved."))
                return redirect(_manage_url(saved))
    else:
        form = HearingForm(hearing=hearing)
    return render(
        request,
        "hearings/form.html",
        {"form": form, "consultation": hearing.consultation, "hearing": hearing},
    )


HISTORY_LABELS = {
    "scheduled": lambda: _("Scheduled"),
    "edited": lambda: _("Edited"),
    "started": lambda: _("Started"),
    "ended": lambda: _("Ended"),
    "cancelled": lambda: _("Cancelled"),
}


@require_GET
@workspace_view
def manage(request, slug: str, pk: int):
    hearing = _managed_hearing(request, slug, pk)
    user = request.user
    records = list(
        hearing.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :HISTORY_LIMIT
        ]
    )
    history = [
        {
            "record": r,
            "label": HISTORY_LABELS.get(r.history_change_reason or "", lambda r=r: "")()
            or r.history_change_reason
            or "",
        }
        for r in records
    ]
    counts = {
        row["status"]: row["n"]
        for row in HearingItem.objects.filter(hearing=hearing)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return render(
        request,
        "hearings/manage.html",
        {
            "hearing": hearing,
            "consultation": hearing.consultation,
            "history": history,
            "counts": counts,
            "n_items": sum(counts.values()),
            "can_edit": can(user, "hearings.change_hearing", hearing),
            "can_start": can(user, "hearings.start_hearing", hearing),
            "can_end": can(user, "hearings.end_hearing", hearing),
            "can_cancel": can(user, "hearings.cancel_hearing", hearing),
            "consultation_open": hearing.consultation.effective_status == Consultation.Status.OPEN,
            "cancel_form": CancelForm(),
        },
    )


def _run(request, slug, pk, run, success: str, *, to_public: bool = False):
    hearing = _managed_hearing(request, slug, pk)
    try:
        hearing = run(hearing)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
        if to_public:
            return redirect(hearing.get_absolute_url())
    return redirect(_manage_url(hearing))


@require_POST
@workspace_view
def start(request, slug: str, pk: int):
    return _run(
        request,
        slug,
        pk,
        lambda h: services.hearing_start(actor=request.user, hearing=h),
        _("The hearing is live: questions and remarks appear here as they are posted."),
        to_public=True,
    )


@require_POST
@workspace_view
def end(request, slug: str, pk: int):
    return _run(
        request,
        slug,
        pk,
        lambda h: services.hearing_end(actor=request.user, hearing=h),
        _("The hearing has ended. Its record stays on the hearing's page and in the report."),
    )


@require_POST
@workspace_view
def cancel(request, slug: str, pk: int):
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        slug,
        pk,
        lambda h: services.hearing_cancel(actor=request.user, hearing=h, reason=reason),
        _("The hearing was cancelled."),
    )
