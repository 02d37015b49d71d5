"""The report pages: ``/consultations/<slug>/report/`` and ``.../report/versions/``.

* The public sees the *published* versions only (the latest by default, ``?version=N`` for an
  earlier one), each exactly as it was frozen. With none published the page is a 404 for them.
* Officials of the institution and staff (``reports.preview_report``) see the *live* report,
  marked "Draft — not published", with the form that publishes it (when
  ``reports.publish_report`` allows) and the meetings they record for it; ``?version=N`` shows
  them a published version like everyone else.
* ``?lang=sq|sr-latn|en`` chooses the report's language (the page around it stays in the
  reader's interface language).

The POST views (publish, add or delete a meeting) call ``reports.services``, which check the
permissions again.
"""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from consult import selectors as consult_selectors
from consult.forms import LocalDateTimeField, apply_validation_error
from consult.models import Consultation

from . import services
from .models import Meeting
from .rendering import render_report_body
from .selectors import (
    build_report,
    latest_version_number,
    published_version,
    published_versions,
)

EXPORT_FORMATS = ("pdf", "docx", "xlsx", "csv", "json")


class PublishForm(forms.Form):
    """``correction=True``: the note is required (a correction says what it changes)."""

    def __init__(self, *args, correction: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = correction

    note = forms.CharField(
        label=gettext_lazy("Note on this version"),
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Published with the report. Required for a correction: say what it changes."
        ),
    )


class MeetingForm(forms.Form):
    held_at = LocalDateTimeField(label=gettext_lazy("Date and time"))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=services.PLACE_MAX_LENGTH)
    participants_count = forms.IntegerField(
        label=gettext_lazy("Number of participants"),
        min_value=0,
        max_value=services.MAX_PARTICIPANTS,
        initial=0,
    )
    participants_description = forms.CharField(
        label=gettext_lazy("Who took part"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The organisations and groups that took part, for example."),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=services.TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --------------------------------------------------------------------------------------------
# Helpers


def _consultation(request, slug: str) -> Consultation:
    """The consultation if this person may see it (drafts are a 404 for everyone else)."""
    try:
        consultation = consult_selectors.consultation_get(slug)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc
    if not rules.has_perm("consult.view_consultation", request.user, consultation):
        raise Http404
    return consultation


def report_language(request) -> str:
    """``?lang=`` when it names one of the site's languages, else the interface language."""
    codes = [code for code, _name in settings.LANGUAGES]
    wanted = (request.GET.get("lang") or "").strip().lower()
    if wanted in codes:
        return wanted
    current = (translation.get_language() or "").lower()
    return current if current in codes else settings.LANGUAGE_CODE


def _version_number(request) -> int | None:
    value = request.GET.get("version")
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError as exc:
        raise Http404(_("There is no such version of the report.")) from exc
    if number < 1:
        raise Http404(_("There is no such version of the report."))
    return number


def _detail_url(consultation, **params) -> str:
    url = reverse("reports:detail", kwargs={"slug": consultation.slug})
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def _downloads(consultation, language: str, number: int | None, *, preview: bool) -> list[dict]:
    """Links to the exports (``/consultations/<slug>/report.<fmt>``, ``reports.export_urls``),
    when they are wired: the shown published version, or for the live report the draft and
    (spreadsheets only) the internal variant with the identities of the participants."""
    base = reverse("reports:detail", kwargs={"slug": consultation.slug}).rstrip("/")
    links = []
    for fmt in EXPORT_FORMATS:
        path = f"{base}.{fmt}"
        try:
            resolve(path)
        except Resolver404:
            continue
        params: dict = {"lang": language}
        if preview:
            params["draft"] = 1
        elif number:
            params["version"] = number
        label = _("Download %(format)s") % {"format": fmt.upper()}
        links.append({"label": label, "url": f"{path}?{urlencode(params)}", "private": False})
        if preview and fmt in ("xlsx", "csv"):
            links.append(
                {
                    "label": _("%(format)s with identities (internal)") % {"format": fmt.upper()},
                    "url": f"{path}?{urlencode({'lang': language, 'private': 1})}",
                    "private": True,
                }
            )
    return links


def _languages(consultation, number: int | None) -> list[dict]:
    """Each language in its own name ("Shqip", "Srpski (latinica)", "English")."""
    return [
        {
            "code": code,
            "name": capfirst(translation.get_language_info(code)["name_local"]),
            "url": _detail_url(consultation, lang=code, version=number),
        }
        for code, _name in settings.LANGUAGES
    ]


def _render_detail(
    request,
    consultation: Consultation,
    *,
    publish_form: PublishForm | None = None,
    meeting_form: MeetingForm | None = None,
    status: int = 200,
):
    user = request.user
    language = report_language(request)
    number = _version_number(request)
    can_preview = rules.has_perm("reports.preview_report", user, consultation)
    versions = published_versions(consultation, language=language)
    version = None
    report = None
    if number is not None or not can_preview:
        version = published_version(consultation, language=language, number=number)
        if version is None:
            raise Http404(_("No report has been published for this consultation yet."))
        body = mark_safe(version.html)  # noqa: S308 - rendered by our template, escaped then
        body_language = version.language
    else:
        with translation.override(language):
            report = build_report(consultation, include_private=False)
            body = mark_safe(render_report_body(report, draft=True))  # noqa: S308
        body_language = language
    can_publish = can_preview and rules.has_perm("reports.publish_report", user, consultation)
    is_correction = bool(versions)
    if publish_form is None:
        publish_form = PublishForm(correction=is_correction)
    context = {
        "consultation": consultation,
        "body": body,
        "body_language": body_language,
        "language": language,
        "languages": _languages(consultation, number),
        "version": version,
        "versions": versions,
        "latest_number": versions[0].number if versions else None,
        "is_preview": report is not None,
        "can_preview": can_preview,
        "can_publish": can_publish,
        "is_correction": is_correction,
        "publish_form": publish_form,
        "meeting_form": meeting_form or MeetingForm(),
        "meetings": report.methods.meetings if report is not None else [],
        "can_manage_meetings": report is not None
        and rules.has_perm("reports.manage_meetings", user, consultation),
        "downloads": _downloads(consultation, language, number, preview=report is not None),
        "preview_url": _detail_url(consultation, lang=language) if can_preview else "",
    }
    response = render(request, "reports/detail.html", context, status=status)
    if report is not None:
        response["Cache-Control"] = "private, no-cache, no-store, must-revalidate"
    return response


def _require_signed_in(request):
    if not request.user.is_authenticated:
        return redirect_to_login(
            reverse("reports:detail", kwargs={"slug": request.resolver_match.kwargs["slug"]})
        )
    return None


# --------------------------------------------------------------------------------------------
# Pages


@require_GET
def detail(request, slug: str):
    consultation = _consultation(request, slug)
    return _render_detail(request, consultation)


@require_GET
def versions(request, slug: str):
    consultation = _consultation(request, slug)
    language = report_language(request)
    can_preview = rules.has_perm("reports.preview_report", request.user, consultation)
    rows = published_versions(consultation, language=language)
    if not rows and not can_preview:
        raise Http404(_("No report has been published for this consultation yet."))
    for row in rows:
        row.url = _detail_url(consultation, lang=language, version=row.number)
    return render(
        request,
        "reports/versions.html",
        {
            "consultation": consultation,
            "versions": rows,
            "language": language,
            "can_preview": can_preview,
            "report_url": _detail_url(consultation, lang=language),
        },
    )


@require_POST
@never_cache
def publish(request, slug: str):
    refusal = _require_signed_in(request)
    if refusal:
        return refusal
    consultation = _consultation(request, slug)
    form = PublishForm(request.POST, correction=latest_version_number(consultation) > 0)
    if form.is_valid():
        try:
            number = services.report_publish(
                actor=request.user, consultation=consultation, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The report is published (version %(number)d). Everyone can read it now.")
                % {"number": number},
            )
            return redirect(
                _detail_url(consultation, lang=report_language(request), version=number)
            )
    if not rules.has_perm("reports.preview_report", request.user, consultation):
        raise PermissionDenied(_("Only officials of the institution can publish its report."))
    return _render_detail(request, consultation, publish_form=form, status=400)


@require_POST
@never_cache
def meeting_add(request, slug: str):
    refusal = _require_signed_in(request)
    if refusal:
        return refusal
    consultation = _consultation(request, slug)
    if not rules.has_perm("reports.manage_meetings", request.user, consultation):
        raise PermissionDenied(
            _("Only officials of the institution can record the meetings of this consultation.")
        )
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_add(actor=request.user, consultation=consultation, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting is recorded; it appears in the report."))
            return redirect(_detail_url(consultation, lang=report_language(request)))
    return _render_detail(request, consultation, meeting_form=form, status=400)


@require_POST
@never_cache
def meeting_delete(request, slug: str, pk: int):
    refusal = _require_signed_in(request)
    if refusal:
        return refusal
    consultation = _consultation(request, slug)
    meeting = Meeting.objects.filter(pk=pk, consultation=consultation).first()
    if meeting is None:
        raise Http404
    services.meeting_delete(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting is removed from the report."))
    return redirect(_detail_url(consultation, lang=report_language(request)))
