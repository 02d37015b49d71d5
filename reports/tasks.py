"""Background jobs of the reports app (``jobs.runner``).

``reports.export``: one report export (``reports.exporters.ExportSpec`` as the job's args),
written to a temporary file, then stored as the job's file under a generated name
(``jobs/<year>/<month>/<random>.<fmt>``). Progress goes to the job row as the exporter writes;
``reports.export_views`` shows it and serves the file to the person who asked for it.
"""

from __future__ import annotations

import tempfile
import uuid

from django.core.files import File

from jobs.models import Job
from jobs.runner import job, set_progress
from reports.exporters import ExportSpec, export

EXPORT_JOB = "reports.export"


@job(EXPORT_JOB)
def export_report(record: Job, **args) -> dict:
    spec = ExportSpec.from_args(args)
    consultation = spec.consultation()

    def progress(percent: int, message: str) -> None:
        set_progress(record, min(percent, 99), message)

    with tempfile.TemporaryFile() as tmp:
        facts = export(spec, tmp, consultation=consultation, progress=progress)
        size = tmp.tell()
        tmp.seek(0)
        record.file.save(f"{uuid.uuid4().hex}.{spec.format}", File(tmp), save=False)
    Job.objects.filter(pk=record.pk).update(file=record.file.name)
    return {**facts, "size": size}
