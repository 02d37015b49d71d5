#!/usr/bin/env python
"""Benchmark of the report exports (a script, not a test).

    python bench/export.py --submissions 50000            # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/export.py -n 50000

What it does:

1. Uses its own database: the SQLite file ``/tmp/konsulta_bench.sqlite3`` by default, or, when
   ``DATABASE_URL`` names a PostgreSQL server, the database ``konsulta_bench`` on that server
   (created when missing). Migrates it.
2. Seeds (once; ``--reseed`` to start again) a closed consultation ``bench-<N>`` with N
   submissions with ``bench/seeding.py`` (shared with ``manage.py seed_bench``): a 40-article
   draft imported through the real service, about N/4 people with their participant numbers,
   comments (replies, reactions, hidden and withdrawn ones, formula payloads, Albanian, Serbian
   Cyrillic, right-to-left text and emoji), 2 % position papers with points, answers to about
   60 %, votes on the articles. Rows are written with ``bulk_create`` in batches.
3. Times each format writing the live report to a file, each in its own subprocess (so that
   the memory peak is that format's): wall time, rows/s, ``tracemalloc`` peak (in a second run,
   since tracing slows Python down) and the growth of ``ru_maxrss`` during the export.
4. The floor: a plain ``csv.writer`` over the same submissions fetched from the same database
   with ``.values_list(...).iterator()``.
5. The PDF of a 2,000-submission consultation as a background job: the time from ``enqueue`` to
   the job being done, through the in-process job runner.

Prints a table and writes JSON to ``bench/results/export-<timestamp>.json``.
Targets: CSV at least half the floor's rows/s; XLSX at least 15,000 rows/s; peak memory under
300 MB for every format; the 2,000-submission PDF within 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQLITE_PATH = Path("/tmp/konsulta_bench.sqlite3")
BENCH_DB_NAME = "konsulta_bench"
FORMATS = ("csv", "xlsx", "json", "docx", "pdf")
TARGETS = {
    "csv_vs_floor": 0.5,
    "xlsx_rows_per_s": 15000,
    "peak_mb": 300,
    "pdf_job_seconds": 60,
}


# --- database ----------------------------------------------------------------------------------


def bench_database_url() -> str:
    """The bench database: ``konsulta_bench`` on the PostgreSQL server of ``DATABASE_URL``
    (created when missing), else a SQLite file under /tmp."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://", "pgsql://")):
        parts = urlsplit(given)
        return urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))
    return f"sqlite:///{SQLITE_PATH}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB_NAME,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["JOBS_INPROCESS"] = "1"
    os.environ["SCHEDULER_INTERVAL"] = "0"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MEDIA_ROOT", "/tmp/konsulta_bench_media")
    import django

    django.setup()


# --- seeding -----------------------------------------------------------------------------------


def seed(submissions: int, *, slug: str) -> None:
    """A closed consultation with ``submissions`` comments and position papers
    (``bench/seeding.py``, shared with ``manage.py seed_bench``)."""
    from bench.seeding import seed_consultation

    seed_consultation(submissions, slug=slug, status="closed")


# --- measuring ---------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _floor(consultation, path: Path) -> int:
    """The floor: a plain csv.writer over the same submissions, fetched by the same queries as
    the exporters' (``reports.exporters.source``: the same columns, joins and order) with
    ``values_list(...).iterator()``, written as they come (no labels, no neutralising)."""
    import csv

    from comments.models import Comment, PositionPaper
    from reports.exporters.source import _COMMENT_FIELDS, _PAPER_FIELDS

    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(_COMMENT_FIELDS)
        for model, fields in ((Comment, _COMMENT_FIELDS), (PositionPaper, _PAPER_FIELDS)):
            qs = (
                model.objects.filter(consultation=consultation)
                .order_by("created_at", "pk")
                .values_list(*fields)
            )
            for row in qs.iterator(chunk_size=2000):
                writer.writerow(row)
                n += 1
    return n


def worker(args) -> dict:
    """One measurement in this (fresh) process; prints one JSON line."""
    setup_django(args.database_url)
    import tracemalloc

    import weasyprint  # noqa: F401 - imported before the baseline, like the web process would
    from django.urls import reverse

    from consult.models import Consultation
    from reports.exporters import ExportSpec, export

    reverse("consult:home")  # load the URLconf before measuring
    consultation = Consultation.objects.get(slug=args.slug)
    out = Path(args.output)
    base_rss = _rss_mb()
    if args.trace:
        tracemalloc.start()
    cpu_started = time.process_time()
    started = time.perf_counter()
    if args.worker == "floor":
        rows = _floor(consultation, out)
    elif args.worker == "pdf-job":
        rows = _pdf_job(consultation, args)
    else:
        spec = ExportSpec(
            consultation_id=consultation.pk, format=args.worker, language="sq", draft=True
        )
        with open(out, "wb") as fh:
            rows = export(spec, fh, consultation=consultation)["submissions"]
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    result = {
        "format": args.worker,
        "rows": rows,
        "seconds": round(seconds, 3),
        "rows_per_s": round(rows / seconds) if seconds else None,
        # CPU time of this process (the PDF job's thread included): less at the mercy of the
        # machine's load than the wall time.
        "cpu_seconds": round(cpu, 3),
        "rows_per_cpu_s": round(rows / cpu) if cpu else None,
        "rss_growth_mb": round(_rss_mb() - base_rss, 1),
        "bytes": out.stat().st_size if out.exists() else None,
    }
    if args.trace:
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    print(json.dumps(result))
    return result


def _pdf_job(consultation, args) -> int:
    """The PDF as a background job through the in-process runner: enqueue, then wait (bounded)
    for the job to be done. Returns the number of submissions."""
    from django.db import transaction

    from jobs.models import Job
    from jobs.runner import enqueue
    from reports.exporters import ExportSpec
    from reports.exporters.source import submission_count

    spec = ExportSpec(consultation_id=consultation.pk, format="pdf", language="sq", draft=True)
    with transaction.atomic():
        job = enqueue("reports.export", args=spec.to_args())
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)  # a benchmark polling a job, not a test
    if job.status != Job.Status.DONE:
        raise SystemExit(f"PDF job ended {job.status}: {job.error[-2000:]}")
    with job.file.open("rb") as src, open(args.output, "wb") as dst:
        dst.write(src.read())
    return submission_count(consultation)


def run_one(fmt: str, slug: str, url: str, *, trace: bool, outdir: Path) -> dict:
    ext = "pdf" if fmt == "pdf-job" else ("csv" if fmt == "floor" else fmt)
    output = outdir / f"{slug}-{fmt}{'-traced' if trace else ''}.{ext}"
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        fmt,
        "--slug",
        slug,
        "--output",
        str(output),
        "--database-url",
        url,
    ]
    if trace:
        cmd.append("--trace")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"format": fmt, "error": (done.stderr or done.stdout)[-3000:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--submissions", type=int, default=50000)
    parser.add_argument("--pdf-submissions", type=int, default=2000)
    parser.add_argument(
        "--formats", default="csv,xlsx,json,docx", help="formats timed at --submissions"
    )
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc runs")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the floor and CSV; the fastest counts"
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return

    url = bench_database_url()
    if url.startswith("postgres"):
        ensure_postgres_database(url)
    elif args.reseed and SQLITE_PATH.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    from consult.models import Consultation

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    plan = [(args.submissions, f"bench-{args.submissions}")]
    if args.pdf_submissions:
        plan.append((args.pdf_submissions, f"bench-{args.pdf_submissions}"))
    for n, slug in plan:
        existing = Consultation.objects.filter(slug=slug).first()
        if existing is not None and args.reseed:
            _delete(existing)
            existing = None
        if existing is None:
            started = time.perf_counter()
            seed(n, slug=slug)
            print(f"seeded {slug} in {time.perf_counter() - started:.1f} s")
    connection.close()

    outdir = Path("/tmp/konsulta_bench_out")
    outdir.mkdir(exist_ok=True)
    slug = f"bench-{args.submissions}"
    results = []
    for fmt in ["floor", *[f for f in args.formats.split(",") if f]]:
        runs = [
            run_one(fmt, slug, url, trace=False, outdir=outdir)
            for _ in range(max(1, args.repeat) if fmt in ("floor", "csv") else 1)
        ]
        ok = [r for r in runs if "error" not in r]
        timed = min(ok, key=lambda r: r["seconds"]) if ok else runs[0]
        if len(ok) > 1:
            timed["all_seconds"] = [r["seconds"] for r in ok]
        if not args.no_trace and "error" not in timed:
            traced = run_one(fmt, slug, url, trace=True, outdir=outdir)
            timed["tracemalloc_peak_mb"] = traced.get("tracemalloc_peak_mb")
            timed["rss_growth_traced_mb"] = traced.get("rss_growth_mb")
        timed["submissions"] = args.submissions
        results.append(timed)
        print(_line(timed), flush=True)
    if args.pdf_submissions:
        pdf_slug = f"bench-{args.pdf_submissions}"
        timed = run_one("pdf-job", pdf_slug, url, trace=False, outdir=outdir)
        if not args.no_trace and "error" not in timed:
            traced = run_one("pdf", pdf_slug, url, trace=True, outdir=outdir)
            timed["tracemalloc_peak_mb"] = traced.get("tracemalloc_peak_mb")
            timed["rss_growth_traced_mb"] = traced.get("rss_growth_mb")
        timed["submissions"] = args.pdf_submissions
        results.append(timed)
        print(_line(timed), flush=True)

    verdict = _verdict(results)
    print()
    print(_table(results))
    print()
    for name, (ok, detail) in verdict.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = ROOT / "bench" / "results" / f"export-{stamp}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        json.dumps(
            {
                "database": url.split("://", 1)[0],
                "submissions": args.submissions,
                "pdf_submissions": args.pdf_submissions,
                "load_average": os.getloadavg(),
                "cpus": os.cpu_count(),
                "results": results,
                "targets": TARGETS,
                "verdict": {k: {"ok": ok, "detail": d} for k, (ok, d) in verdict.items()},
            },
            indent=2,
        )
    )
    print(f"\nwritten {target.relative_to(ROOT)}")


def _delete(consultation) -> None:
    from bench.seeding import delete_consultation

    delete_consultation(consultation)


def _line(r: dict) -> str:
    if "error" in r:
        return f"{r['format']:8} ERROR {r['error'][-600:]}"
    return (
        f"{r['format']:8} {r['rows']:>7} rows {r['seconds']:>8.2f} s "
        f"{r['rows_per_s'] or 0:>8} rows/s"
        f"  rss +{r['rss_growth_mb']:.0f} MB  tracemalloc {r.get('tracemalloc_peak_mb', '-')} MB"
    )


def _table(results: list[dict]) -> str:
    head = (
        f"{'format':8} {'rows':>7} {'seconds':>8} {'rows/s':>8} {'cpu s':>7} {'rows/cpu s':>10} "
        f"{'rss+MB':>7} {'traced MB':>9} {'size MB':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['format']:8} error")
            continue
        lines.append(
            f"{r['format']:8} {r['rows']:>7} {r['seconds']:>8.2f} {r['rows_per_s'] or 0:>8} "
            f"{r['cpu_seconds']:>7.2f} {r['rows_per_cpu_s'] or 0:>10} "
            f"{r['rss_growth_mb']:>7.0f} {r.get('tracemalloc_peak_mb') or 0:>9.1f} "
            f"{(r.get('bytes') or 0) / 2**20:>8.1f}"
        )
    return "\n".join(lines)


def _verdict(results: list[dict]) -> dict:
    by = {r["format"]: r for r in results if "error" not in r}
    verdict = {}
    floor, csv_ = by.get("floor"), by.get("csv")
    if floor and csv_:
        ratio = csv_["rows_per_s"] / floor["rows_per_s"]
        cpu_ratio = csv_["rows_per_cpu_s"] / floor["rows_per_cpu_s"]
        verdict["csv >= 0.5 x floor"] = (
            ratio >= TARGETS["csv_vs_floor"],
            f"{ratio:.2f} x by wall time ({cpu_ratio:.2f} x by CPU time)",
        )
    if "xlsx" in by:
        speed = by["xlsx"]["rows_per_s"]
        verdict["xlsx >= 15000 rows/s"] = (
            speed >= TARGETS["xlsx_rows_per_s"],
            f"{speed} rows/s ({by['xlsx']['rows_per_cpu_s']} rows per CPU second)",
        )
    for r in by.values():
        peak = max(r.get("tracemalloc_peak_mb") or 0, r["rss_growth_mb"])
        verdict[f"{r['format']} peak < 300 MB"] = (peak < TARGETS["peak_mb"], f"{peak:.0f} MB")
    if "pdf-job" in by:
        s = by["pdf-job"]["seconds"]
        verdict["pdf job (2000) <= 60 s"] = (
            s <= TARGETS["pdf_job_seconds"],
            f"{s:.1f} s from enqueue to done ({by['pdf-job']['cpu_seconds']:.1f} s of CPU)",
        )
    errors = [r["format"] for r in results if "error" in r]
    if errors:
        verdict["no errors"] = (False, ", ".join(errors))
    return verdict


if __name__ == "__main__":
    main()
