"""``python manage.py export_report SLUG --format FMT --output PATH [--lang L] [--version N]
[--private] [--draft]``: write one export of a consultation's report to a file.

Without ``--draft`` the latest published version (or ``--version N``) is exported; ``--draft``
exports the live report, ``--private`` the live report with the participants' identities (for
the institution's internal use). Runs in the foreground whatever the size; prints the file's
name, size and number of submissions.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consult.models import Consultation
from reports.exporters import FORMATS, LANGUAGE_CODES, ExportError, ExportSpec, export


class Command(BaseCommand):
    help = "Write the report of a consultation to a file (pdf, docx, xlsx, csv or json)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the consultation's slug")
        parser.add_argument("--format", "-f", required=True, choices=sorted(FORMATS))
        parser.add_argument("--output", "-o", required=True, help="the file to write")
        parser.add_argument("--lang", default=settings.LANGUAGE_CODE, choices=LANGUAGE_CODES)
        parser.add_argument(
            "--report-version", type=int, help="a published version (default: the latest)"
        )
        parser.add_argument("--draft", action="store_true", help="the live, unpublished report")
        parser.add_argument(
            "--private", action="store_true", help="with the participants' identities (live)"
        )

    def handle(self, *args, slug, format, output, lang, draft, private, **options):
        version = options.get("report_version")
        consultation = Consultation.objects.select_related("institution").filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"No consultation with the slug {slug!r}.")
        if version is not None and version < 1:
            raise CommandError("--report-version must be 1 or more.")
        try:
            spec = ExportSpec(
                consultation_id=consultation.pk,
                format=format,
                language=lang,
                draft=draft,
                private=private,
                version=version,
            )
            target = Path(output)
            if target.is_dir():
                raise CommandError(f"{output} is a directory.")
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write next to the target, then rename: no half-written file under its name.
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix="." + format)
            try:
                with os.fdopen(fd, "wb") as out:
                    facts = export(spec, out, consultation=consultation)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size
        self.stdout.write(
            f"{target}: {size} bytes, {facts['submissions']} submissions "
            f"(download name {facts['filename']})"
        )
