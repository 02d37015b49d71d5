"""Queue and run background jobs. See ``jobs.models`` for the model and the modes."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)
REGISTRY: dict[str, Callable] = {}
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def job(name: str):
    """Register a function as a job: ``fn(job: Job, **args)``; its return value (a dict) is
    stored as ``Job.result``."""

    def decorator(fn):
        REGISTRY[name] = fn
        fn.job_name = name
        return fn

    return decorator


def _import_job_modules() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


def enqueue(name: str, *, args: dict | None = None, created_by=None, max_attempts: int = 3) -> Job:
    """Queue a job; in-process mode starts it once the surrounding transaction commits."""
    if name not in REGISTRY:
        _import_job_modules()
    if name not in REGISTRY:
        raise KeyError(f"no job registered as {name!r}")
    record = Job.objects.create(
        name=name, args=args or {}, created_by=created_by, max_attempts=max_attempts
    )
    if settings.JOBS_INPROCESS:
        transaction.on_commit(lambda: _submit(record.pk))
    return record


def _submit(pk: int) -> None:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="konsulta-job")
    _executor.submit(_run_in_thread, pk)


def _run_in_thread(pk: int) -> None:
    try:
        run_job(pk)
    finally:
        close_old_connections()


def _claim(pk: int) -> bool:
    """Mark a due queued job as running; only one claimer can win (conditional UPDATE)."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=pk, status=Job.Status.QUEUED, run_after__lte=now).update(
            status=Job.Status.RUNNING, started_at=now
        )
    )


def set_progress(record: Job, progress: int, message: str = "") -> None:
    progress = max(0, min(100, int(progress)))
    Job.objects.filter(pk=record.pk).update(progress=progress, message=message[:300])
    record.progress, record.message = progress, message[:300]
    notify = getattr(settings, "JOBS_PROGRESS_HOOK", None)
    if notify:
        from django.utils.module_loading import import_string

        try:
            import_string(notify)(record)
        except Exception:  # progress notices are best effort
            log.debug("progress hook failed", exc_info=True)


def run_job(pk: int) -> Job | None:
    if not _claim(pk):
        return None
    record = Job.objects.get(pk=pk)
    if record.name not in REGISTRY:
        _import_job_modules()
    fn = REGISTRY.get(record.name)
    Job.objects.filter(pk=pk).update(attempts=record.attempts + 1)
    record.attempts += 1
    try:
        if fn is None:
            raise LookupError(f"no job registered as {record.name!r}")
        result = fn(record, **record.args) or {}
    except Exception:
        error = traceback.format_exc(limit=20)
        log.exception("job %s (%s) failed, attempt %s", record.name, record.token, record.attempts)
        if record.attempts < record.max_attempts:
            delay = dt.timedelta(seconds=settings.JOBS_RETRY_SECONDS * 2 ** (record.attempts - 1))
            Job.objects.filter(pk=pk).update(
                status=Job.Status.QUEUED, run_after=timezone.now() + delay, error=error
            )
        else:
            Job.objects.filter(pk=pk).update(
                status=Job.Status.FAILED, finished_at=timezone.now(), error=error
            )
    else:
        Job.objects.filter(pk=pk).update(
            status=Job.Status.DONE, progress=100, finished_at=timezone.now(), result=result
        )
    record.refresh_from_db()
    set_progress(record, record.progress, record.message)
    return record


def run_pending(limit: int = 20) -> int:
    """Run the queued jobs that are due (the worker's loop and the in-process retries)."""
    due = list(
        Job.objects.filter(status=Job.Status.QUEUED, run_after__lte=timezone.now())
        .order_by("run_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    ran = 0
    for pk in due:
        if run_job(pk) is not None:
            ran += 1
    return ran


def requeue_stale(minutes: int = 30) -> int:
    """Jobs left running by a process that died go back to the queue."""
    cutoff = timezone.now() - dt.timedelta(minutes=minutes)
    return Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=cutoff).update(
        status=Job.Status.QUEUED, run_after=timezone.now()
    )


def periodic() -> None:
    """Scheduler entry: retries and jobs queued while no in-process runner was up."""
    requeue_stale()
    run_pending()
