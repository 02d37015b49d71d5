"""Downloads of the consultation report: ``/consultations/<slug>/report.<fmt>``.

Formats: pdf, docx, xlsx, csv, json (``reports.exporters.FORMATS``). Query parameters:

* ``lang=sq|sr-latn|en``: the language of the file (default: the request's language);
* ``version=N``: a published version (default: the latest);
* ``draft=1``: the live report instead of a published version;
* ``private=1``: with the identities of the people who took part (always the live report).

Who may download what (``rules.has_perm``, never ``user.has_perm``):

* a published version, public variant: everyone who may see the consultation
  (``consult.view_consultation``); a consultation with no published report is a 404;
* ``draft=1`` and ``private=1``: the institution's officials and staff
  (``reports.preview_report``); anyone else gets a 403 (a 404 if they may not even see the
  consultation, whose existence is then not public).

Small exports are answered at once: CSV and JSON streamed (an async iterator under ASGI, so
the server never holds the file), the others through a temporary file. Above
``REPORT_EXPORT_SYNC_MAX_SUBMISSIONS`` submissions (``..._PAGED`` for PDF and DOCX) the download
URL queues a ``reports.export`` job and redirects to its status page
(``/exports/<token>/``), which follows the job (``static/js/export-status.js`` polls
``/exports/<token>/status.json`` every 2 s) and links the file when it is ready. The file is
served by ``/exports/<token>/download/`` to the person who asked for it (by account, or by
session for anonymous people) and to staff; anyone else, and any unknown token, gets a 404.
A finished export of a published version's public variant is reused for everyone (it cannot
change).

Every file is sent as an attachment with a generated name
(``<slug>-report-v<N>[-draft][-private]-<lang>.<fmt>``) and ``X-Content-Type-Options: nosniff``;
the live and private ones with ``Cache-Control: private, no-store``.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from urllib.parse import urlencode

import rules
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions as api_exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from accounts.rules import is_staff
from consult.models import Consultation
from consult.views import get_visible_consultation
from jobs.models import Job
from jobs.runner import enqueue

from .exporters import FORMATS, LANGUAGE_CODES, ExportError, ExportSpec, sync_limit
from .tasks import EXPORT_JOB

SESSION_KEY = "report_export_jobs"
SESSION_MAX = 50
STREAMED = {"csv", "json"}


class BadRequest(Exception):
    pass


# --- parameters and permissions ----------------------------------------------------------------


def _flag(request, name: str) -> bool:
    value = request.GET.get(name, "")
    if value in ("", "0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise BadRequest(_("“%(name)s” must be 1 or 0.") % {"name": name})


def parse_spec(request, consultation: Consultation, fmt: str) -> ExportSpec:
    """The export asked for, checked against the person's rights (``PermissionDenied``,
    ``BadRequest``)."""
    if fmt not in FORMATS:
        raise Http404
    lang = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if lang not in LANGUAGE_CODES:
        raise BadRequest(
            _("Unknown language “%(lang)s”: choose one of %(choices)s.")
            % {"lang": lang[:20], "choices": ", ".join(LANGUAGE_CODES)}
        )
    version = request.GET.get("version")
    if version not in (None, ""):
        if not version.isdigit() or not 0 < int(version) < 100000:
            raise BadRequest(_("The version must be a positive whole number."))
        version = int(version)
    else:
        version = None
    draft, private = _flag(request, "draft"), _flag(request, "private")
    if (draft or private) and not rules.has_perm(
        "reports.preview_report", request.user, consultation
    ):
        raise PermissionDenied(
            _(
                "Only the officials of the institution can download the unpublished report "
                "or the version with the names of the participants."
            )
        )
    return ExportSpec(
        consultation_id=consultation.pk,
        format=fmt,
        language=lang,
        draft=draft,
        private=private,
        version=version,
    )


def _attachment_headers(response, filename: str, spec: ExportSpec):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if spec.draft or spec.private:
        response["Cache-Control"] = "private, no-store"
    return response


# --- synchronous answers -----------------------------------------------------------------------


def _chunks_in_language(chunks, language: str):
    """Each chunk produced with ``language`` active (a streamed response runs after the view
    has returned, outside the request's language)."""
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


async def _async_chunks(make_chunks, language: str):
    """The same, for ASGI: each chunk is made in the request's worker thread (database
    connection included) and handed to the event loop; the server never holds the file."""
    chunks = None

    def step():
        nonlocal chunks
        with translation.override(language):
            if chunks is None:
                chunks = make_chunks()
            return next(chunks, None)

    step_async = sync_to_async(step, thread_sensitive=True)
    while True:
        chunk = await step_async()
        if chunk is None:
            return
        yield chunk


def _respond_now(request, spec: ExportSpec, consultation: Consultation, source):
    fmt = spec.fmt
    with translation.override(spec.language):
        filename = spec.filename(consultation, source)
    if spec.format in STREAMED:
        exporter = fmt.exporter()

        def make_chunks():
            return exporter.iter_chunks(source)

        if isinstance(request, ASGIRequest):
            content = _async_chunks(make_chunks, spec.language)
        else:
            with translation.override(spec.language):
                content = _chunks_in_language(make_chunks(), spec.language)
        response = StreamingHttpResponse(content, content_type=fmt.content_type)
        return _attachment_headers(response, filename, spec)
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 2**20)  # noqa: SIM115 - FileResponse closes it
    try:
        with translation.override(spec.language):
            fmt.exporter().write(source, spool)
    except Exception:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, content_type=fmt.content_type)
    return _attachment_headers(response, filename, spec)


# --- background jobs ---------------------------------------------------------------------------


def _remember(request, job: Job) -> None:
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != str(job.token)]
    request.session[SESSION_KEY] = [str(job.token), *tokens][:SESSION_MAX]


def _is_public(spec: ExportSpec) -> bool:
    return not spec.draft and not spec.private


def _finished_public_export(spec: ExportSpec) -> Job | None:
    """A finished export of the same published version, language and format (public variant):
    the same file for everyone."""
    if not _is_public(spec):
        return None
    return (
        Job.objects.filter(
            name=EXPORT_JOB,
            status=Job.Status.DONE,
            args__consultation_id=spec.consultation_id,
            args__format=spec.format,
            args__language=spec.language,
            args__version=spec.version,
            args__draft=False,
            args__private=False,
        )
        .exclude(file="")
        .order_by("-finished_at")
        .first()
    )


def _my_pending_export(request, spec: ExportSpec) -> Job | None:
    """The same export already queued or running for this person (a double click)."""
    qs = Job.objects.filter(
        name=EXPORT_JOB,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        args__consultation_id=spec.consultation_id,
        args__format=spec.format,
        args__language=spec.language,
        args__version=spec.version,
        args__draft=spec.draft,
        args__private=spec.private,
    )
    if request.user.is_authenticated:
        qs = qs.filter(created_by=request.user)
    else:
        qs = qs.filter(created_by__isnull=True, token__in=_session_tokens(request))
    return qs.order_by("-created_at").first()


def _session_tokens(request) -> list[uuid.UUID]:
    tokens = []
    for value in request.session.get(SESSION_KEY, []):
        try:
            tokens.append(uuid.UUID(value))
        except (TypeError, ValueError):
            continue
    return tokens


def start_background_export(request, spec: ExportSpec) -> Job:
    job = _my_pending_export(request, spec)
    if job is None:
        with transaction.atomic():
            job = enqueue(
                EXPORT_JOB,
                args=spec.to_args(),
                created_by=request.user if request.user.is_authenticated else None,
                max_attempts=2,
            )
    _remember(request, job)
    return job


def _serve_job_file(job: Job, spec: ExportSpec):
    try:
        handle = job.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    result = job.result or {}
    response = FileResponse(handle, content_type=result.get("content_type") or "")
    filename = result.get("filename") or f"report.{spec.format}"
    return _attachment_headers(response, filename, spec)


# --- views -------------------------------------------------------------------------------------


def _prepare(request, slug: str, fmt: str):
    """``(consultation, spec, source)`` of the export asked for; ``Http404``,
    ``PermissionDenied`` or ``BadRequest`` when it cannot be had."""
    consultation = get_visible_consultation(request, slug)
    spec = parse_spec(request, consultation, fmt)
    try:
        source = spec.source(consultation)
    except ExportError as exc:
        raise Http404(str(exc)) from None
    if source.version is not None:
        # Name the version in the job's args, so that "latest" is not ambiguous later.
        spec = dataclasses.replace(spec, version=source.version.number)
    return consultation, spec, source


def answer_export(request, slug: str, fmt: str):
    """The file, or ``(job, None)`` when it is being made in the background."""
    consultation, spec, source = _prepare(request, slug, fmt)
    if source.count() <= sync_limit(spec.fmt):
        return _respond_now(request, spec, consultation, source), None
    finished = _finished_public_export(spec)
    if finished is not None:
        return _serve_job_file(finished, spec), None
    return None, start_background_export(request, spec)


@require_GET
def download(request, slug: str, fmt: str):
    try:
        response, job = answer_export(request, slug, fmt)
    except BadRequest as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    if response is not None:
        return response
    return HttpResponseRedirect(reverse("report_exports:status", kwargs={"token": job.token}))


def job_for(request, token) -> tuple[Job, ExportSpec]:
    """The export job ``token`` if this person may follow it: the person who asked for it (by
    account, or by session when they were not signed in) and staff. Anything else is a 404,
    as is an unknown token. A live or private export also needs the right to it still."""
    job = Job.objects.select_related("created_by").filter(token=token, name=EXPORT_JOB).first()
    if job is None:
        raise Http404
    user = request.user
    if not is_staff(user):
        if job.created_by_id is not None:
            if not (user.is_authenticated and user.pk == job.created_by_id):
                raise Http404
        elif token not in _session_tokens(request):
            raise Http404
    try:
        spec = ExportSpec.from_args(job.args)
    except (ExportError, TypeError):
        raise Http404 from None
    if spec.draft or spec.private:
        consultation = Consultation.objects.filter(pk=spec.consultation_id).first()
        if consultation is None or not rules.has_perm("reports.preview_report", user, consultation):
            raise Http404
    return job, spec


def _status_data(job: Job) -> dict:
    done = job.status == Job.Status.DONE and bool(job.file)
    return {
        "status": job.status,
        "status_label": str(Job.Status(job.status).label),
        "progress": job.progress,
        "message": job.message,
        "finished": job.is_finished,
        "download_url": reverse("report_exports:job_download", kwargs={"token": job.token})
        if done
        else None,
        "filename": (job.result or {}).get("filename") if done else None,
        "error": _("The export failed. Try again; if it fails again, tell the site's staff.")
        if job.status == Job.Status.FAILED
        else None,
    }


@require_GET
def status(request, token):
    job, spec = job_for(request, token)
    consultation = Consultation.objects.filter(pk=spec.consultation_id).first()
    retry = None
    if consultation is not None:
        query = {"lang": spec.language}
        if spec.version:
            query["version"] = spec.version
        if spec.draft:
            query["draft"] = 1
        if spec.private:
            query["private"] = 1
        retry = (
            reverse(
                "report_exports:download", kwargs={"slug": consultation.slug, "fmt": spec.format}
            )
            + "?"
            + urlencode(query)
        )
    response = render(
        request,
        "reports/export_status.html",
        {
            "job": job,
            "spec": spec,
            "format": spec.fmt,
            "consultation": consultation,
            "data": _status_data(job),
            "retry_url": retry,
            "status_json_url": reverse("report_exports:status_json", kwargs={"token": token}),
        },
    )
    add_never_cache_headers(response)
    return response


@require_GET
def status_json(request, token):
    job, _spec = job_for(request, token)
    response = JsonResponse(_status_data(job))
    add_never_cache_headers(response)
    return response


@require_GET
def job_download(request, token):
    job, spec = job_for(request, token)
    if job.status != Job.Status.DONE or not job.file:
        return HttpResponseRedirect(reverse("report_exports:status", kwargs={"token": token}))
    response = _serve_job_file(job, spec)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def json_schema(request):
    """The JSON Schema of the JSON export (``docs/report-json-schema.json``)."""
    from .exporters.json import SCHEMA_PATH

    handle = open(SCHEMA_PATH, "rb")  # noqa: SIM115 - FileResponse closes it
    response = FileResponse(handle, content_type="application/schema+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- the API: the JSON export, documented ------------------------------------------------------


class ReportJsonView(APIView):
    """The consultation report as open data; the same file as ``/consultations/<slug>/
    report.json``, with errors as JSON and, for a large report, a 202 while it is made."""

    permission_classes = [AllowAny]

    @extend_schema(
        tags=["Reports"],
        operation_id="consultation_report_json",
        summary="The consultation report as open data (JSON)",
        description=(
            "The published report of a consultation (the latest version unless `version` is "
            "given) as JSON following the JSON Schema at "
            "[`/api/report-schema.json`](/api/report-schema.json) "
            "(`docs/report-json-schema.json`): stable English field names, ISO 8601 dates, "
            "drafts by slug and articles by their stable section keys, every submission with "
            "the institution's answer. `draft=1` (the live, unpublished report) and "
            "`private=1` (with the participants' names and emails) are for the institution's "
            "officials and staff. A large report is prepared in the background: the answer is "
            "then `202` with `status_url`; ask again (or follow `status_url`) until it is ready."
        ),
        parameters=[
            OpenApiParameter("slug", str, OpenApiParameter.PATH, description="Consultation"),
            OpenApiParameter("lang", str, enum=list(LANGUAGE_CODES), required=False),
            OpenApiParameter("version", int, required=False, description="Published version"),
            OpenApiParameter("draft", int, enum=[0, 1], required=False),
            OpenApiParameter("private", int, enum=[0, 1], required=False),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="The report (see /api/report-schema.json)."
            ),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being prepared."),
            400: OpenApiResponse(description="Bad parameter."),
            403: OpenApiResponse(description="Draft or private report: officials only."),
            404: OpenApiResponse(description="No such consultation or published report."),
        },
    )
    def get(self, request, slug: str):
        try:
            response, job = answer_export(request._request, slug, "json")
        except BadRequest as exc:
            raise api_exceptions.ValidationError({"detail": str(exc)}) from None
        except PermissionDenied as exc:
            raise api_exceptions.PermissionDenied(str(exc)) from None
        if response is not None:
            return response
        data = _status_data(job)
        data["detail"] = _("The report is being prepared; ask again in a few seconds.")
        data["status_url"] = request.build_absolute_uri(
            reverse("report_exports:status_json", kwargs={"token": job.token})
        )
        answer = JsonResponse(data, status=202)
        answer["Retry-After"] = "5"
        add_never_cache_headers(answer)
        return answer
