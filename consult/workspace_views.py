"""The officials' workspace (``/workspace/``): where an institution prepares, publishes and runs
its consultations.

Every view needs a signed-in person who is an official of at least one institution, or site
staff (others get a 403 page that says what the workspace is and how to get access). Each view
then checks the object permission of what it does (``consult/rules.py``) and calls the services
(``consult.services``, ``proposals.services``), which check again; a ``PermissionDenied`` from
anywhere becomes the same explained 403 page.

Uploads: the two draft upload views install ``DraftSizeLimitHandler`` before the request body
is parsed, so a file larger than ``settings.DRAFT_UPLOAD_MAX_BYTES`` is skipped while it streams
in (never buffered nor written to a temporary file) and the person gets a form error. Installing
an upload handler must happen before the CSRF middleware reads the body, hence the documented
``csrf_exempt`` outside / ``csrf_protect`` inside pattern.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.rules import is_staff
from accounts.selectors import institutions_for_official
from proposals import services as proposal_services
from proposals.models import Proposal, SectionKind
from proposals.selectors import proposal_get, proposal_list

from . import selectors, services
from .forms import (
    ConsultationForm,
    DraftUploadForm,
    LocalDateTimeField,
    TranslationUploadForm,
    VersionUploadForm,
    WithdrawForm,
    apply_validation_error,
)
from .languages import autonym
from .models import Consultation

S = Consultation.Status

# Lifecycle order of the groups on the workspace home page.
STATUS_ORDER = [S.DRAFT, S.SCHEDULED, S.OPEN, S.CLOSED, S.REPORT_PUBLISHED, S.WITHDRAWN]
HISTORY_LIMIT = 100


# --------------------------------------------------------------------------------------------
# Access


def can(user, perm: str, obj) -> bool:
    """The rule itself, as the services check it (``user.has_perm`` would let a superuser pass
    the lifecycle-state conditions that live in the rules)."""
    return rules.has_perm(perm, user, obj)


def can_use_workspace(user) -> bool:
    return is_staff(user) or institutions_for_official(user).exists()


def _forbidden(request, message: str, *, status: int = 403):
    return render(request, "workspace/forbidden.html", {"message": message}, status=status)


def workspace_view(view):
    """Signed in, official or staff; ``PermissionDenied`` becomes an explained 403 page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_use_workspace(request.user):
            return render(request, "workspace/not_official.html", status=403)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc) or _("You cannot do this."))

    return never_cache(wrapper)


def _managed_consultation(request, slug: str) -> Consultation:
    """The consultation, if the person may manage it (official of its institution or staff)."""
    try:
        consultation = selectors.consultation_get(slug)
    except Consultation.DoesNotExist as exc:
        raise Http404(_("No consultation found at this address.")) from exc
    if not can(request.user, "consult.manage_consultation", consultation):
        raise PermissionDenied(
            _("Only officials of the institution that runs this consultation can manage it.")
        )
    return consultation


def _status_message(consultation: Consultation) -> str:
    return _("The consultation is “%(status)s”.") % {
        "status": consultation.get_effective_status_display()
    }


def _public_url(consultation: Consultation) -> str | None:
    try:
        return consultation.get_absolute_url()
    except NoReverseMatch:  # the public pages are not wired (yet)
        return None


def _manage_url(consultation: Consultation) -> str:
    return reverse("workspace:manage", kwargs={"slug": consultation.slug})


# --------------------------------------------------------------------------------------------
# Home


@dataclass
class StatusGroup:
    status: str
    label: str
    consultations: list


GROUP_TITLES = {
    S.DRAFT: _("Drafts being prepared"),
    S.SCHEDULED: _("Scheduled"),
    S.OPEN: _("Open for comments"),
    S.CLOSED: _("Closed"),
    S.REPORT_PUBLISHED: _("Report published"),
    S.WITHDRAWN: _("Withdrawn"),
}


@require_GET
@workspace_view
def home(request):
    user = request.user
    consultations = list(
        selectors.workspace_consultations(user).annotate(n_drafts=Count("proposals"))
    )
    by_status: dict[str, list] = {status: [] for status in STATUS_ORDER}
    for consultation in consultations:
        consultation.public_url = _public_url(consultation) if consultation.is_public else None
        consultation.can_edit = can(user, "consult.change_consultation", consultation)
        consultation.can_add_drafts = can(user, "consult.edit_drafts", consultation)
        by_status[consultation.effective_status].append(consultation)
    groups = [
        StatusGroup(status, str(GROUP_TITLES[status]), items)
        for status, items in by_status.items()
        if items
    ]
    return render(
        request,
        "workspace/home.html",
        {
            "groups": groups,
            "institutions": list(institutions_for_official(user).order_by("name")),
            "is_staff": is_staff(user),
            "total": len(consultations),
        },
    )


# --------------------------------------------------------------------------------------------
# Create and edit


def _creatable_institutions(user):
    if is_staff(user):
        return Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).order_by("name")
    return institutions_for_official(user).order_by("name")


@require_http_methods(["GET", "POST"])
@workspace_view
def consultation_create(request):
    institutions = _creatable_institutions(request.user)
    if request.method == "POST":
        form = ConsultationForm(request.POST, institutions=institutions)
        if form.is_valid():
            consultation = form.save(actor=request.user)
            if consultation is not None:
                messages.success(
                    request,
                    _(
                        "The consultation “%(title)s” was created as a draft. Next, add its "
                        "draft documents, then schedule it."
                    )
                    % {"title": consultation.title},
                )
                return redirect(_manage_url(consultation))
    else:
        initial = {}
        wanted = request.GET.get("institution", "")
        if wanted:
            chosen = institutions.filter(slug=wanted).first()
            if chosen is not None:
                initial["institution"] = chosen.pk
        form = ConsultationForm(initial=initial, institutions=institutions)
    return render(
        request,
        "workspace/consultation_form.html",
        {"form": form, "consultation": None, "hint": form.round_hint()},
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def consultation_edit(request, slug):
    consultation = _managed_consultation(request, slug)
    if not can(request.user, "consult.change_consultation", consultation):
        raise PermissionDenied(
            _("This consultation can no longer be edited.") + " " + _status_message(consultation)
        )
    if request.method == "POST":
        form = ConsultationForm(request.POST, consultation=consultation)
        if form.is_valid():
            saved = form.save(actor=request.user)
            if saved is not None:
                messages.success(request, _("Your changes were saved."))
                return redirect(_manage_url(saved))
    else:
        form = ConsultationForm(consultation=consultation)
    return render(
        request,
        "workspace/consultation_form.html",
        {"form": form, "consultation": consultation, "hint": form.round_hint()},
    )


@require_GET
@workspace_view
def round_hint(request):
    """The minimum written round for an opening time, for the live hint next to the dates
    (``static/js/workspace.js``). ``?opens_at=2026-03-02T09:00[&closes_at=...]``."""
    field = LocalDateTimeField(required=False)
    try:
        opens_at = field.clean(request.GET.get("opens_at", ""))
        closes_at = field.clean(request.GET.get("closes_at", ""))
    except ValidationError as exc:
        return JsonResponse({"ok": False, "message": " ".join(exc.messages)}, status=400)
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS
    if opens_at is None:
        return JsonResponse(
            {
                "ok": True,
                "minimum_days": minimum,
                "message": _("Choose the opening time to see the earliest allowed closing date."),
            }
        )
    earliest = services.earliest_closing_date(opens_at)
    earliest_display = formats.date_format(earliest, "DATE_FORMAT")
    body = {
        "ok": True,
        "minimum_days": minimum,
        "earliest_closing_date": earliest.isoformat(),
        "earliest_closing_display": earliest_display,
        "working_days": None,
        "short": False,
    }
    message = _("With this opening time, the earliest allowed closing date is %(date)s.") % {
        "date": earliest_display
    }
    if closes_at is not None:
        if closes_at <= opens_at:
            message = _("The closing time must be after the opening time.")
            body["short"] = True
        else:
            from .workdays import working_days_between

            days = working_days_between(opens_at, closes_at)
            body["working_days"] = days
            body["short"] = days < minimum
            period = ngettext(
                "The round lasts %(days)d working day.",
                "The round lasts %(days)d working days.",
                days,
            ) % {"days": days}
            message = f"{period} {message}"
            if days < minimum:
                message += " " + _(
                    "This is shorter than the minimum: record a justification for a shorter round."
                )
    body["message"] = message
    return JsonResponse(body)


# --------------------------------------------------------------------------------------------
# Manage


REASON_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "scheduled": _("Scheduled"),
    "opened": _("Opened"),
    "closed": _("Closed early"),
    "withdrawn": _("Withdrawn"),
    "opened by time": _("Opened automatically at its opening time"),
    "closed by time": _("Closed automatically at its closing time"),
    "report published": _("Report published"),
}
HISTORY_TYPE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
HISTORY_HIDDEN_FIELDS = {"id", "institution", "created_by", "created_at", "slug"}


@dataclass
class FieldChange:
    label: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    record: object
    label: str
    user: object
    changes: list


def _display_value(field, value):
    """A history value as a person reads it: choices by their label, times in local time."""
    if value in (None, "", {}):
        return None
    if isinstance(value, dict):  # title_translations, summary_translations
        from .languages import autonym

        return "; ".join(f"{autonym(code)}: {text}" for code, text in value.items())
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def _history(consultation: Consultation) -> tuple[list[HistoryEntry], bool]:
    """The latest history records, newest first, each with the fields it changed (two
    queries; the diffs are computed in memory)."""
    records = list(
        consultation.history.select_related("history_user").order_by(
            "-history_date", "-history_id"
        )[: HISTORY_LIMIT + 1]
    )
    entries = []
    for index, record in enumerate(records[:HISTORY_LIMIT]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_HIDDEN_FIELDS)
            for change in delta.changes:
                field = Consultation._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=capfirst(str(field.verbose_name)),
                        old=_display_value(field, change.old),
                        new=_display_value(field, change.new),
                    )
                )
        reason = record.history_change_reason or ""
        label = REASON_LABELS.get(reason) or reason or HISTORY_TYPE_LABELS.get(record.history_type)
        entries.append(HistoryEntry(record, str(label), record.history_user, changes))
    return entries, len(records) > HISTORY_LIMIT


def _transitions(user, consultation: Consultation) -> dict[str, bool]:
    return {
        name: can(user, f"consult.{name}_consultation", consultation)
        for name in ("schedule", "open", "close", "withdraw")
    }


def _manage_context(request, consultation: Consultation, withdraw_form=None) -> dict:
    user = request.user
    proposals = list(proposal_list(consultation).annotate(n_versions=Count("versions")))
    for proposal in proposals:  # "Shqip, Srpski": the languages of the current text (no query)
        version = proposal.current_version
        proposal.text_language_names = (
            [autonym(code) for code in version.languages] if version else []
        )
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS
    opens_at = consultation.opens_at
    earliest = services.earliest_closing_date(opens_at) if opens_at else None
    working_days = consultation.working_days
    history, history_truncated = _history(consultation)
    transitions = _transitions(user, consultation)
    can_edit_drafts = can(user, "consult.edit_drafts", consultation)
    can_publish_version = can(user, "consult.publish_version", consultation)
    missing = []
    if consultation.effective_status in (S.DRAFT, S.SCHEDULED):
        if not (consultation.opens_at and consultation.closes_at):
            missing.append(_("Set the opening and closing times."))
        if not proposals:
            missing.append(_("Add at least one draft document."))
    return {
        "consultation": consultation,
        "effective_status": consultation.effective_status,
        "status_differs": consultation.effective_status != consultation.status,
        "minimum_days": minimum,
        "working_days": working_days,
        "is_short_round": working_days is not None and working_days < minimum,
        "earliest_closing": earliest,
        "proposals": proposals,
        "history": history,
        "history_truncated": history_truncated,
        "transitions": transitions,
        "any_transition": any(transitions.values()),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "can_edit": can(user, "consult.change_consultation", consultation),
        "can_edit_drafts": can_edit_drafts,
        "can_publish_version": can_publish_version,
        "missing": missing,
        "public_url": _public_url(consultation),
    }


@require_GET
@workspace_view
def manage(request, slug):
    consultation = _managed_consultation(request, slug)
    return render(request, "workspace/manage.html", _manage_context(request, consultation))


def _run_transition(request, slug, service, success: str):
    consultation = _managed_consultation(request, slug)
    try:
        consultation = service(actor=request.user, consultation=consultation)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(_manage_url(consultation))


@require_POST
@workspace_view
def consultation_schedule(request, slug):
    return _run_transition(
        request,
        slug,
        services.consultation_schedule,
        _(
            "The consultation is scheduled: it is public now and opens for comments at its "
            "opening time."
        ),
    )


@require_POST
@workspace_view
def consultation_open(request, slug):
    return _run_transition(
        request, slug, services.consultation_open, _("The consultation is open for comments.")
    )


@require_POST
@workspace_view
def consultation_close(request, slug):
    return _run_transition(
        request, slug, services.consultation_close, _("The consultation is closed.")
    )


@require_POST
@workspace_view
def consultation_withdraw(request, slug):
    consultation = _managed_consultation(request, slug)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_withdraw(
                actor=request.user,
                consultation=consultation,
                reason=form.cleaned_data["withdrawal_reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The consultation was withdrawn."))
            return redirect(_manage_url(consultation))
    context = _manage_context(request, consultation, withdraw_form=form)
    return render(request, "workspace/manage.html", context, status=400)


# --------------------------------------------------------------------------------------------
# Draft documents


class DraftSizeLimitHandler(FileUploadHandler):
    """First upload handler of the draft upload views: passes chunks on to Django's handlers
    and skips the rest of a file as soon as it grows past ``settings.DRAFT_UPLOAD_MAX_BYTES``.
    ``too_large`` then holds the number of bytes received so far."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.DRAFT_UPLOAD_MAX_BYTES
        self.too_large: int | None = None

    def receive_data_chunk(self, raw_data, start):
        received = start + len(raw_data)
        if received > self.limit:
            self.too_large = received
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def with_upload_limit(view):
    """Install ``DraftSizeLimitHandler`` before anything reads the body, then check CSRF (the
    view must be ``csrf_exempt`` outside this decorator: the CSRF middleware would read the
    body first)."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        handler = None
        if not hasattr(request, "_files"):  # else the body was parsed; the form checks the size
            handler = DraftSizeLimitHandler(request)
            request.upload_handlers.insert(0, handler)
        request.draft_size_handler = handler
        return protected(request, *args, **kwargs)

    return wrapper


def _too_large_size(request) -> int | None:
    handler = getattr(request, "draft_size_handler", None)
    return handler.too_large if handler is not None else None


def _count_articles(proposal: Proposal) -> int:
    return proposal.sections.filter(kind=SectionKind.ARTICLE, is_current=True).count()


def _diff_url(consultation: Consultation, proposal: Proposal, old: int, new: int) -> str:
    kwargs = {"slug": consultation.slug, "proposal": proposal.slug}
    try:
        base = reverse("proposals:diff", kwargs=kwargs)
    except NoReverseMatch:
        base = f"/consultations/{consultation.slug}/{proposal.slug}/diff/"
    return f"{base}?{urlencode({'from': old, 'to': new})}"


@csrf_exempt  # checked inside, once the upload handler is installed (with_upload_limit)
@workspace_view
@with_upload_limit
@require_http_methods(["GET", "POST"])
def draft_upload(request, slug):
    consultation = _managed_consultation(request, slug)
    if not can(request.user, "consult.edit_drafts", consultation):
        raise PermissionDenied(
            _("Draft documents can no longer be added to this consultation.")
            + " "
            + _status_message(consultation)
        )
    if request.method == "POST":
        form = DraftUploadForm(request.POST, request.FILES, too_large_size=_too_large_size(request))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                proposal = proposal_services.proposal_import(
                    actor=request.user,
                    consultation=consultation,
                    data=upload.read(),
                    filename=upload.name,
                    title=form.cleaned_data["title"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                count = _count_articles(proposal)
                messages.success(
                    request,
                    ngettext(
                        "“%(title)s” was imported with %(count)d article.",
                        "“%(title)s” was imported with %(count)d articles.",
                        count,
                    )
                    % {"title": proposal.title, "count": count},
                )
                return redirect(_manage_url(consultation))
    else:
        form = DraftUploadForm()
    return render(
        request, "workspace/draft_upload.html", {"form": form, "consultation": consultation}
    )


@csrf_exempt  # checked inside, once the upload handler is installed (with_upload_limit)
@workspace_view
@with_upload_limit
@require_http_methods(["GET", "POST"])
def version_upload(request, slug, proposal):
    consultation = _managed_consultation(request, slug)
    try:
        proposal = proposal_get(consultation, proposal)
    except Proposal.DoesNotExist as exc:
        raise Http404(_("No draft document found at this address.")) from exc
    if not can(request.user, "consult.publish_version", consultation):
        raise PermissionDenied(
            _("A new version can no longer be published in this consultation.")
            + " "
            + _status_message(consultation)
        )
    if request.method == "POST":
        form = VersionUploadForm(
            request.POST, request.FILES, too_large_size=_too_large_size(request)
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = proposal_services.proposal_version_publish(
                    actor=request.user,
                    proposal=proposal,
                    data=upload.read(),
                    filename=upload.name,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Version %(number)d of “%(title)s” is published. Here is what changed.")
                    % {"number": version.number, "title": proposal.title},
                )
                if version.number < 2:
                    return redirect(_manage_url(consultation))
                return redirect(
                    _diff_url(consultation, proposal, version.number - 1, version.number)
                )
    else:
        form = VersionUploadForm()
    return render(
        request,
        "workspace/version_upload.html",
        {"form": form, "consultation": consultation, "proposal": proposal},
    )


@csrf_exempt  # checked inside, once the upload handler is installed (with_upload_limit)
@workspace_view
@with_upload_limit
@require_http_methods(["GET", "POST"])
def translation_upload(request, slug, proposal):
    """Publish the translation of a draft's current version (``proposal_translation_import``):
    a file in another of the site's languages with the same structure as the original."""
    from .languages import language_name

    consultation = _managed_consultation(request, slug)
    try:
        proposal = proposal_get(consultation, proposal)
    except Proposal.DoesNotExist as exc:
        raise Http404(_("No draft document found at this address.")) from exc
    if not can(request.user, "consult.publish_version", consultation):
        raise PermissionDenied(
            _("Translations can no longer be published in this consultation.")
            + " "
            + _status_message(consultation)
        )
    version = proposal.current_version
    if version is None:
        messages.error(request, _("This draft has no text yet to translate."))
        return redirect(_manage_url(consultation))
    form_kwargs = {"original": version.language}
    if request.method == "POST":
        form = TranslationUploadForm(
            request.POST, request.FILES, too_large_size=_too_large_size(request), **form_kwargs
        )
        if form.is_valid():
            upload = form.cleaned_data["file"]
            language = form.cleaned_data["language"]
            try:
                proposal_services.proposal_translation_import(
                    actor=request.user,
                    proposal=proposal,
                    version=version,
                    language=language,
                    data=upload.read(),
                    filename=upload.name,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The translation into %(language)s of version %(number)d of “%(title)s” "
                        "is published: readers of that language now see it."
                    )
                    % {
                        "language": language_name(language),
                        "number": version.number,
                        "title": proposal.title,
                    },
                )
                return redirect(_manage_url(consultation))
    else:
        form = TranslationUploadForm(**form_kwargs)
    return render(
        request,
        "workspace/translation_upload.html",
        {
            "form": form,
            "consultation": consultation,
            "proposal": proposal,
            "version": version,
            "translated": [language_name(code) for code in version.languages[1:]],
        },
    )
