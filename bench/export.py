#!/usr/bin/env python
"""Benchmark of the report exports (a script, not a test).

    python bench/export.py --submissions 50000            # SQLite file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/export.py -n 50000

What it does:

1. Uses its own database: the SQLite file ``/tmp/konsulta_bench.sqlite3`` by default, or, when
   ``DATABASE_URL`` names a PostgreSQL server, the database ``konsulta_bench`` on that server
   (created when missing). Migrates it.
2. Seeds (once; ``--reseed`` to start again) a closed consultation ``bench-<N>`` with N
   submissions: a 40-article draft imported through the real service, about N/4 people with
   their participant numbers, comments (replies, hidden and withdrawn ones, formula payloads,
   Albanian, Serbian Cyrillic, right-to-left text and emoji), 2 % position papers with points,
   answers to about 60 %, votes on the articles. Rows are written with ``bulk_create`` in
   batches.
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
import random
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

TEXTS = [
    "Propozoj që neni të përfshijë edhe organizatat e regjistruara në komunë; përndryshe "
    "shumë shoqata të vogla mbeten jashtë procesit. Çështja e afateve duhet sqaruar më mirë.",
    "Predlažem da se u ovom članu navede rok od 15 radnih dana. Члан 5 — ћ ђ џ: текст на "
    "српском ћирилицом, да се провери извоз.",
    "We suggest publishing the annual report in all official languages and as open data.",
    '=HYPERLINK("http://example.com","kliko") ky koment provon neutralizimin e formulave.',
    "+381 11 123 456 — numri i telefonit nuk duhet të interpretohet si formulë.",
    "-2+3 @SUM(A1:A2) komente me shenja në fillim.",
    "مرحبا بالعالم — تعليق من اليمين إلى اليسار. שלום עולם 🙂🇽🇰 emoji në tekst.",
    "Neni duhet të shprehë qartë obligimin e institucionit për t'iu përgjigjur çdo komenti "
    "brenda 15 ditëve pune, me arsyetim kur komenti refuzohet.",
]
WORDINGS = [
    "",
    "",
    "1. Institucionet ndajnë së paku 2% të buxhetit për organizatat e shoqërisë civile.",
    "=1+1",
]
NAMES = ["Arbër", "Drita", "Blerim", "Vjosa", "Milica", "Đorđe", "Jelena", "Fatmir", "Ëngjëll"]
SURNAMES = ["Krasniqi", "Gashi", "Berisha", "Petrović", "Jovanović", "Hoxha", "Çeku", "Shala"]


def draft_markdown(articles: int = 40) -> bytes:
    lines = ["# Projektligji për konsultimet publike (bench)", ""]
    for n in range(1, articles + 1):
        lines += [f"Neni {n}", f"Dispozita {n} — çështje të përgjithshme", ""]
        for p in range(1, 4):
            lines.append(
                f"{p}. Paragrafi {p} i nenit {n}: institucioni përgjigjet me shkrim brenda afatit."
            )
        lines.append("")
    return "\n".join(lines).encode()


def seed(submissions: int, *, slug: str, seed_value: int = 2026) -> None:
    """A closed consultation with ``submissions`` comments and position papers."""
    from allauth.account.models import EmailAddress  # noqa: F401 - loaded for the app registry
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User
    from comments.models import (
        Comment,
        OfficialResponse,
        Participant,
        PositionPaper,
        PositionPaperPoint,
    )
    from consult.models import Consultation
    from proposals.models import Section, Vote
    from proposals.services import proposal_import
    from reports.models import Meeting

    rng = random.Random(seed_value)
    now = timezone.now()
    batch = 5000
    tag = slug.replace("-", "")
    password = make_password(None)

    institution, _ = Organisation.objects.get_or_create(
        slug=f"ministria-{tag}",
        defaults={
            "kind": Organisation.Kind.INSTITUTION,
            "name": "Ministria e Administratës Publike — bench",
            "verification_status": Organisation.Verification.VERIFIED,
        },
    )
    official, _ = User.objects.get_or_create(
        email=f"zyrtar-{tag}@bench.invalid",
        defaults={"display_name": "Zyrtar Bench", "email_verified": True, "password": password},
    )
    Membership.objects.get_or_create(
        user=official, organisation=institution, defaults={"role": Membership.Role.OFFICIAL}
    )
    opens = now - dt.timedelta(days=40)
    closes = now - dt.timedelta(days=5)
    consultation = Consultation.objects.create(
        institution=institution,
        title=f"Projektligji për konsultimet publike — {submissions} komente",
        slug=slug,
        summary="Konsultim për matjen e eksporteve të raportit: ë ç Члан 5 — ћ ђ џ.",
        kind=Consultation.Kind.LAW,
        contact_name="Arbër Krasniqi",
        contact_email="kontakt@bench.invalid",
        status=Consultation.Status.DRAFT,
        opens_at=opens,
        closes_at=closes,
    )
    proposal = proposal_import(
        actor=official, consultation=consultation, data=draft_markdown(), filename="draft.md"
    )
    Consultation.objects.filter(pk=consultation.pk).update(status=Consultation.Status.CLOSED)
    sections = list(
        Section.objects.filter(proposal=proposal, kind__in=["article", "paragraph"]).values_list(
            "pk", "kind"
        )
    )
    articles = [pk for pk, kind in sections if kind == "article"]
    section_ids = [pk for pk, _kind in sections]

    csos = [
        Organisation(
            kind=Organisation.Kind.CSO,
            name=name,
            slug=f"{tag}-cso-{i}",
            verification_status=Organisation.Verification.VERIFIED,
        )
        for i, name in enumerate(
            [
                "Instituti Musine Kokalari",
                "=CMD|' /C calc'!A0 Shoqata",
                "Fondacioni Kosovar për Shoqëri Civile",
                "Udruženje građana Ћирилица",
                "@Rrjeti i grave",
                "جمعية المجتمع المدني",
            ]
        )
    ]
    Organisation.objects.bulk_create(csos)
    csos = list(Organisation.objects.filter(slug__startswith=f"{tag}-cso-"))

    n_papers = max(1, submissions // 50) if submissions >= 50 else 0
    n_comments = submissions - n_papers
    n_people = max(1, submissions // 4)

    with transaction.atomic():
        users = []
        for i in range(n_people):
            display = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {i}"
            if i % 97 == 0:
                display = '=HYPERLINK("http://evil.example") ' + display
            users.append(
                User(
                    email=f"p{i}-{tag}@bench.invalid",
                    display_name=display,
                    email_verified=True,
                    password=password,
                )
            )
        User.objects.bulk_create(users, batch_size=batch)
        user_ids = list(
            User.objects.filter(email__endswith=f"-{tag}@bench.invalid")
            .exclude(pk=official.pk)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Participant.objects.bulk_create(
            [
                Participant(consultation=consultation, user_id=uid, number=i + 1)
                for i, uid in enumerate(user_ids)
            ],
            batch_size=batch,
        )
        participant_of = dict(
            Participant.objects.filter(consultation=consultation).values_list("user_id", "pk")
        )

    year = now.year
    created_field = Comment._meta.get_field("created_at")
    paper_created_field = PositionPaper._meta.get_field("created_at")
    created_field.auto_now_add = paper_created_field.auto_now_add = False
    span = (closes - opens).total_seconds() - 3600
    stances = ["for", "against", "neutral"]
    consents = ["name", "organisation", "hidden"]
    types = ["citizen", "citizen", "citizen", "cso", "business", "academic"]
    try:
        made = 0
        top_ids: list[int] = []
        while made < n_comments:
            rows = []
            for j in range(min(batch, n_comments - made)):
                i = made + j
                uid = user_ids[i % len(user_ids)]
                consent = consents[i % 3]
                org = csos[i % len(csos)] if consent == "organisation" else None
                parent_id = None
                depth = 0
                if top_ids and i % 10 == 0:
                    parent_id = rng.choice(top_ids[-2000:])
                    depth = 1
                status = "published"
                if i % 101 == 0:
                    status = "hidden"
                elif i % 103 == 0:
                    status = "withdrawn"
                rows.append(
                    Comment(
                        consultation=consultation,
                        proposal=proposal,
                        section_id=None if i % 17 == 0 else rng.choice(section_ids),
                        parent_id=parent_id,
                        depth=depth,
                        author_id=uid,
                        participant_id=participant_of[uid],
                        organisation=org,
                        consent=consent,
                        participant_type=types[i % len(types)] if not org else "cso",
                        municipality=rng.choice(
                            ["Prishtinë", "Prizren", "Gjakovë", "Graçanicë", ""]
                        ),
                        country="DE" if i % 13 == 0 else "",
                        stance=stances[i % 3],
                        body=TEXTS[i % len(TEXTS)],
                        body_html="<p>" + TEXTS[i % len(TEXTS)] + "</p>",
                        proposed_wording=WORDINGS[i % len(WORDINGS)],
                        tracking_number=f"B{tag[-6:]}-{year}-{i:07d}"[:20],
                        status=status,
                        hidden_reason="spam" if status == "hidden" else "",
                        created_at=opens + dt.timedelta(seconds=span * i / max(1, n_comments)),
                    )
                )
            created = Comment.objects.bulk_create(rows, batch_size=batch)
            if created and created[0].pk is None:  # backends that do not return ids
                created = list(
                    Comment.objects.filter(consultation=consultation).order_by("-pk")[: len(rows)]
                )
            top_ids.extend(c.pk for c in created if c.parent_id is None)
            made += len(rows)
        papers = []
        for k in range(n_papers):
            papers.append(
                PositionPaper(
                    consultation=consultation,
                    organisation=csos[k % len(csos)],
                    submitted_by_id=user_ids[k % len(user_ids)],
                    title=f"Qëndrimi {k} për projektligjin — Члан {k}",
                    summary=TEXTS[k % len(TEXTS)],
                    attachment="position-papers/bench.pdf",
                    attachment_size=12345,
                    attachment_pages=3,
                    tracking_number=f"P{tag[-6:]}-{year}-{k:07d}"[:20],
                    created_at=opens + dt.timedelta(seconds=span * k / max(1, n_papers)),
                )
            )
        PositionPaper.objects.bulk_create(papers, batch_size=batch)
    finally:
        created_field.auto_now_add = paper_created_field.auto_now_add = True
    paper_ids = list(
        PositionPaper.objects.filter(consultation=consultation).values_list("pk", flat=True)
    )
    PositionPaperPoint.objects.bulk_create(
        [
            PositionPaperPoint(paper_id=pid, section_id=rng.choice(articles), text=TEXTS[n % 8])
            for n, pid in enumerate(paper_ids)
            for _point in range(2)
        ],
        batch_size=batch,
    )

    outcomes = ["accepted", "partially", "rejected", "noted"]
    responses = []
    for n, (cid,) in enumerate(
        Comment.objects.filter(consultation=consultation, status="published").values_list("pk")
    ):
        if n % 5 in (0, 1, 2):
            outcome = outcomes[n % 4]
            responses.append(
                OfficialResponse(
                    consultation=consultation,
                    comment_id=cid,
                    outcome=outcome,
                    justification="Komenti u shqyrtua; arsyetimi: " + TEXTS[n % 3][:80],
                    reflected_in_id=rng.choice(articles) if outcome == "accepted" else None,
                    responded_by=official,
                )
            )
        if len(responses) >= batch:
            OfficialResponse.objects.bulk_create(responses)
            responses = []
    for n, pid in enumerate(paper_ids):
        if n % 2 == 0:
            responses.append(
                OfficialResponse(
                    consultation=consultation,
                    position_paper_id=pid,
                    outcome="partially",
                    justification="Pjesërisht e pranuar.",
                    responded_by=official,
                )
            )
    OfficialResponse.objects.bulk_create(responses, batch_size=batch)

    votes = []
    for n, uid in enumerate(user_ids[: min(len(user_ids), 5000)]):
        votes.append(
            Vote(user_id=uid, proposal=proposal, choice=["for", "against", "abstain"][n % 3])
        )
        for art in rng.sample(articles, 3):
            votes.append(
                Vote(user_id=uid, proposal=proposal, section_id=art, choice=rng.choice(stances))
            )
    Vote.objects.bulk_create(
        [
            Vote(
                user_id=v.user_id,
                proposal=v.proposal,
                section_id=v.section_id,
                choice="abstain" if v.choice == "neutral" else v.choice,
            )
            for v in votes
        ],
        batch_size=batch,
    )
    Meeting.objects.create(
        consultation=consultation,
        held_at=opens + dt.timedelta(days=3),
        place="Prishtinë, salla e Qeverisë",
        participants_description="Organizatat e shoqërisë civile",
        participants_count=42,
        created_by=official,
    )


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
    from accounts.models import Organisation, User
    from comments.models import Comment, OfficialResponse, PositionPaper

    tag = consultation.slug.replace("-", "")
    OfficialResponse.objects.filter(consultation=consultation).delete()
    Comment.objects.filter(consultation=consultation).update(parent=None)
    Comment.objects.filter(consultation=consultation).delete()
    PositionPaper.objects.filter(consultation=consultation).delete()
    consultation.participants.all().delete()
    consultation.delete()
    User.objects.filter(email__endswith=f"-{tag}@bench.invalid").delete()
    Organisation.objects.filter(slug__startswith=f"{tag}-cso-").delete()


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
