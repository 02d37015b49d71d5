#!/usr/bin/env python
"""The benchmarks (``make bench``): pages and API under load on the production server, then the
WebSocket fan-out and the exports. A script, not a test.

    make bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x REDIS_URL=redis://127.0.0.1:6379/0 make bench
    .venv/bin/python bench/run.py --submissions 20000 --duration 5 --skip-ws --skip-export

What it does:

1. Its own database: ``konsulta_bench`` on the PostgreSQL server of ``DATABASE_URL`` (created
   when missing), else the SQLite file ``/tmp/konsulta_bench.sqlite3``. Migrates it, seeds an
   open consultation with ``manage.py seed_bench --submissions N`` (kept between runs:
   ``--reseed`` to build it again) and collects the static files (production storage) under
   ``/tmp/konsulta_bench_static``.
2. Starts the production server as ``make serve`` does: gunicorn with ``--workers`` uvicorn
   workers (2), ``DJANGO_ENV=production`` with a generated ``SECRET_KEY``,
   ``ALLOWED_HOSTS=127.0.0.1``, ``SECURE_SSL_REDIRECT=0`` (no TLS proxy on loopback),
   ``REDIS_URL`` when given (cache and channel layer), on a free loopback port, and waits for
   ``/healthz``. Two things differ from a deployment, both for measuring: ``BENCH_FLOOR=1``
   routes ``/bench/floor`` (a constant from the same server and middleware: the floor) and the
   anonymous API rate limit is raised (``API_THROTTLE_ANON``) so that the load is not answered
   with 429s; the throttle's cache round trip is still made.
3. For each endpoint (the floor, the home page, the consultation page, an article page with its
   comments, the API comment list with 50 a page) a load generator of ``--concurrency`` (10)
   anonymous clients, each a keep-alive HTTP/1.1 connection, spread over ``--client-procs`` (2)
   processes of asyncio and raw sockets, sends requests back to back for ``--warmup`` then
   ``--duration`` seconds; the latencies of the second part count. The machine's cores are
   shared by the generator and the server: the figures are a floor of what the server does on
   its own.
4. Then ``bench/ws_fanout.py`` at ``--ws-clients`` (1,000) clients when ``REDIS_URL`` is set (the
   fan-out crosses two processes through Redis; skipped otherwise) and ``bench/export.py`` with
   ``--export-submissions`` (10,000), as subprocesses, and merges their results.

Prints one table (median and p95 latency, requests/s, ratio to the floor's requests/s, target)
and writes it as JSON to ``bench/results/bench-<timestamp>.json``. Every server process is
stopped on the way out, whatever the way (error, Ctrl-C, SIGTERM).

Targets (PostgreSQL, N = 50,000, 10 clients): consultation and article pages p95 <= 100 ms; the
API comment list at least half the floor's requests/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
STATIC_ROOT = Path("/tmp/konsulta_bench_static")
PAGE_P95_MS = 100.0
API_VS_FLOOR = 0.5
SQLITE_DEFAULT_N = 20_000
POSTGRES_DEFAULT_N = 50_000


# --- load generator (runs in --client-procs subprocesses) ---------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Read one HTTP/1.1 response: (status, body bytes, whether the connection stays open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    size = 0
    if "content-length" in headers:
        size = int(headers["content-length"])
        await reader.readexactly(size)
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            chunk = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(chunk + 2)
            size += chunk
            if chunk == 0:
                break
    keep = headers.get("connection", "").lower() != "close"
    return status, size, keep


async def _client(port: int, path: str, warm_until: float, stop_at: float, out: dict) -> None:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: konsulta-bench\r\n"
        "Accept: text/html,application/json\r\n\r\n"
    ).encode()
    reader = writer = None
    try:
        while time.perf_counter() < stop_at and out["n"] < out["max"]:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            started = time.perf_counter()
            writer.write(request)
            try:
                status, size, keep = await asyncio.wait_for(_read_response(reader), timeout=30)
            except (asyncio.IncompleteReadError, ConnectionError, TimeoutError) as exc:
                out["errors"].append(repr(exc)[:200])
                writer.close()
                writer = None
                continue
            ended = time.perf_counter()
            if ended >= warm_until:  # answers read after the warm-up count, however slow
                out["latencies"].append((ended - started) * 1000)
                out["statuses"][status] = out["statuses"].get(status, 0) + 1
                out["bytes"] = size
                out["n"] += 1
            if not keep:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


def loadgen_main(args) -> None:
    async def run() -> dict:
        out = {"latencies": [], "statuses": {}, "errors": [], "n": 0, "max": 200_000, "bytes": 0}
        now = time.perf_counter()
        warm_until = now + args.warmup
        stop_at = warm_until + args.duration
        await asyncio.gather(
            *(
                _client(args.port, args.path, warm_until, stop_at, out)
                for _ in range(args.connections)
            )
        )
        out["seconds"] = time.perf_counter() - warm_until
        return out

    out = asyncio.run(run())
    out["errors"] = out["errors"][:5]
    print(json.dumps(out))


def drive(port: int, path: str, *, concurrency: int, procs: int, warmup: float, duration: float):
    """Run the load generator on one path; merged latencies and throughput."""
    per = [concurrency // procs + (1 if i < concurrency % procs else 0) for i in range(procs)]
    children = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--loadgen",
                "--port",
                str(port),
                "--path",
                path,
                "--connections",
                str(n),
                "--warmup",
                str(warmup),
                "--duration",
                str(duration),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in per
        if n
    ]
    parts = []
    for child in children:
        stdout, _ = child.communicate(timeout=warmup + duration + 120)
        parts.append(json.loads(stdout.strip().splitlines()[-1]))
    latencies = sorted(x for p in parts for x in p["latencies"])
    statuses: dict[str, int] = {}
    for p in parts:
        for code, n in p["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    requests = len(latencies)
    return {
        "path": path,
        "requests": requests,
        "median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 2) if latencies else None,
        "requests_per_s": round(sum(p["n"] / p["seconds"] for p in parts), 1),
        "statuses": statuses,
        "errors": [e for p in parts for e in p["errors"]][:5],
        "response_bytes": max(p["bytes"] for p in parts),
    }


def percentile(ordered: list[float], p: float) -> float:
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(database_url: str, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(STATIC_ROOT),
            "MEDIA_ROOT": "/tmp/konsulta_bench_media",
            "BENCH_FLOOR": "1",
            "API_THROTTLE_ANON": "1000000/minute",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": "consolemail://",
        }
    )
    env.pop("DEBUG", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


class Server:
    """gunicorn with uvicorn workers in its own process group, stopped by ``stop()``."""

    def __init__(self, env: dict[str, str], workers: int):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.proc: subprocess.Popen | None = None
        self.log = open("/tmp/konsulta_bench_server.log", "w")  # noqa: SIM115

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.asgi:application",
                "-k",
                "uvicorn_worker.UvicornWorker",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        url = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    "the server exited; see /tmp/konsulta_bench_server.log:\n"
                    + Path("/tmp/konsulta_bench_server.log").read_text()[-3000:]
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # loopback only
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)  # polling a starting server, bounded by the deadline
        raise SystemExit("the server did not answer /healthz within 90 s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass


def get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def static_is_current() -> bool:
    """Whether the collected files (the manifest) are newer than every file of the project's
    static directories (collecting compresses every file again: about a minute of CPU)."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return False
    newest = max(
        (p.stat().st_mtime for p in ROOT.glob("*/static/**/*") if ".venv" not in p.parts),
        default=0,
    )
    newest = max([newest, *(p.stat().st_mtime for p in (ROOT / "static").rglob("*"))])
    return manifest.stat().st_mtime > newest


# --- the other benchmarks -------------------------------------------------------------------------


def run_script(cmd: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run another bench script in its own process group, echoing its output; bounded."""
    print("$ " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    _children.append(proc)
    try:
        stdout, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        stdout, _ = proc.communicate(timeout=30)
        stdout += f"\n(stopped after {timeout:.0f} s)"
        return -1, stdout
    finally:
        _children.remove(proc)
    print("\n".join("    " + line for line in stdout.splitlines()[-25:]), flush=True)
    return proc.returncode, stdout


def written_json(stdout: str) -> dict | None:
    found = re.findall(r"written:? (bench/results/\S+\.json)", stdout)
    if not found:
        return None
    return json.loads((ROOT / found[-1]).read_text())


def ws_rows(data: dict, clients: int) -> list[dict]:
    for run in data.get("runs", []):
        if run["clients"] != clients:
            continue
        ws, floor = run["websocket"], run.get("redis_floor") or {}
        delivered_all = ws["delivered"] == ws["expected"]
        return [
            {
                "endpoint": f"ws fan-out, {clients} clients",
                "median_ms": ws["p50_ms"],
                "p95_ms": ws["p95_ms"],
                "rate": f"{ws['delivered']}/{ws['expected']} delivered",
                "ratio": run.get("p95_ratio"),
                "target": "all delivered, p95 <= 250 ms",
                "met": delivered_all and (ws["p95_ms"] or 1e9) <= 250,
            },
            {
                "endpoint": f"ws floor: Redis pub/sub, {clients}",
                "median_ms": floor.get("p50_ms"),
                "p95_ms": floor.get("p95_ms"),
                "rate": "",
                "ratio": 1.0 if floor else None,
                "target": "",
                "met": None,
            },
        ]
    return []


def export_rows(data: dict) -> list[dict]:
    rows = []
    results = data.get("results", [])
    floor = next((r for r in results if r.get("format") == "floor"), None)
    verdict = data.get("verdict", {})
    for r in results:
        if "error" in r:
            rows.append({"endpoint": f"export {r['format']}", "rate": "error", "met": False})
            continue
        name = r["format"]
        target, met = "", None
        if name == "csv":
            target, met = _verdict(verdict, "csv")
        elif name == "xlsx":
            target, met = _verdict(verdict, "xlsx")
        elif name == "pdf-job":
            target, met = _verdict(verdict, "pdf job")
        label = "export floor (csv.writer)" if name == "floor" else f"export {name}"
        rows.append(
            {
                "endpoint": f"{label}, {r['rows']} rows",
                "median_ms": round(r["seconds"] * 1000),
                "p95_ms": None,
                "rate": f"{r['rows_per_s']} rows/s",
                "ratio": round(r["rows_per_s"] / floor["rows_per_s"], 2)
                if floor and r["rows_per_s"] and name != "pdf-job"
                else None,
                "target": target,
                "met": met,
            }
        )
    return rows


def _verdict(verdict: dict, prefix: str) -> tuple[str, bool | None]:
    for name, value in verdict.items():
        if name.startswith(prefix):
            return name, value["ok"]
    return "", None


# --- main -----------------------------------------------------------------------------------------

_children: list[subprocess.Popen] = []


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--submissions",
        "-n",
        type=int,
        help=f"default {POSTGRES_DEFAULT_N} on PostgreSQL, {SQLITE_DEFAULT_N} on SQLite",
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's uvicorn workers")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per endpoint")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds per endpoint")
    parser.add_argument("--ws-clients", type=int, default=1000)
    parser.add_argument("--skip-ws", action="store_true")
    parser.add_argument("--export-submissions", type=int, default=10_000)
    parser.add_argument("--skip-export", action="store_true")
    # load-generator mode (internal)
    parser.add_argument("--loadgen", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--connections", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.loadgen:
        loadgen_main(args)
        return

    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    started = time.perf_counter()
    outer_env = dict(os.environ)
    redis_url = os.environ.get("REDIS_URL", "")
    from bench.export import bench_database_url, ensure_postgres_database

    database_url = bench_database_url()
    postgres = database_url.startswith("postgres")
    if postgres:
        ensure_postgres_database(database_url)
    n = args.submissions or (POSTGRES_DEFAULT_N if postgres else SQLITE_DEFAULT_N)
    env = server_env(database_url, redis_url)
    os.environ.update(env)
    if not redis_url:
        os.environ.pop("REDIS_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from comments.models import Comment
    from consult.models import Consultation

    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}  "
        f"redis: {redis_url or 'none'}  submissions: {n}  cpus: {os.cpu_count()}",
        flush=True,
    )
    step = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - step:.1f} s", flush=True)
    slug = f"bench-open-{n}"
    call_command("seed_bench", submissions=n, slug=slug, reseed=args.reseed)
    step = time.perf_counter()
    if static_is_current():
        print(f"static files under {STATIC_ROOT} are current", flush=True)
    else:
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"collected static files in {time.perf_counter() - step:.1f} s", flush=True)

    consultation = Consultation.objects.get(slug=slug)
    proposal = consultation.proposals.order_by("position").first()
    busiest = (
        Comment.objects.filter(proposal=proposal, section__kind="article")
        .values_list("section__key")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    article_key, article_comments = busiest if busiest else ("neni-1", 0)
    endpoints = [
        ("floor /bench/floor", "/bench/floor"),
        ("home /", "/"),
        ("consultation page", f"/consultations/{slug}/"),
        (
            f"article page ({article_comments} comments)",
            f"/consultations/{slug}/{proposal.slug}/articles/{article_key}/",
        ),
        (
            "API comment list (50)",
            f"/api/v1/consultations/{slug}/proposals/{proposal.slug}/comments/",
        ),
    ]
    connection.close()

    server = Server(env, args.workers)
    rows: list[dict] = []
    http: list[dict] = []
    try:
        server.start()
        print(
            f"server: gunicorn, {args.workers} uvicorn workers, 127.0.0.1:{server.port}; "
            f"load: {args.concurrency} keep-alive clients in {args.client_procs} processes, "
            f"{args.warmup:g} s warm-up + {args.duration:g} s per endpoint. "
            f"The generator and the server share the machine's {os.cpu_count()} cores.",
            flush=True,
        )
        for _name, path in endpoints:
            status, body = get(server.port, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}: {body[:500]!r}")
        for name, path in endpoints:
            result = drive(
                server.port,
                path,
                concurrency=args.concurrency,
                procs=args.client_procs,
                warmup=args.warmup,
                duration=args.duration,
            )
            result["endpoint"] = name
            http.append(result)
            print(
                f"{name:32} {result['median_ms']} ms median, {result['p95_ms']} ms p95, "
                f"{result['requests_per_s']} req/s, statuses {result['statuses']}",
                flush=True,
            )
    finally:
        server.stop()
    floor_rps = http[0]["requests_per_s"] if http else None
    for r in http:
        ratio = r["requests_per_s"] / floor_rps if floor_rps else None
        target, met = "", None
        if r["endpoint"].startswith(("consultation", "article")):
            target, met = f"p95 <= {PAGE_P95_MS:.0f} ms", (r["p95_ms"] or 1e9) <= PAGE_P95_MS
        elif r["endpoint"].startswith("API"):
            target, met = f">= {API_VS_FLOOR:g} x floor req/s", (ratio or 0) >= API_VS_FLOOR
        bad = sum(v for k, v in r["statuses"].items() if str(k) != "200") + len(r["errors"])
        if bad:
            met = False
            target = (target + f"; {bad} non-200/errors").lstrip("; ")
        rows.append(
            {
                "endpoint": r["endpoint"],
                "median_ms": r["median_ms"],
                "p95_ms": r["p95_ms"],
                "rate": f"{r['requests_per_s']:.0f} req/s",
                "ratio": round(ratio, 2) if ratio is not None else None,
                "target": target,
                "met": met,
            }
        )

    extra: dict[str, object] = {}
    python = sys.executable
    if args.skip_ws:
        notes = ["WebSocket fan-out skipped (--skip-ws)"]
    elif not redis_url:
        notes = ["WebSocket fan-out skipped: it needs REDIS_URL (two processes share Redis)"]
    else:
        notes = []
        code, out = run_script(
            [
                python,
                "bench/ws_fanout.py",
                "--clients",
                str(args.ws_clients),
                "--comments",
                "5",
            ],
            outer_env,
            timeout=600,
        )
        data = written_json(out) if code == 0 else None
        if data:
            extra["ws_fanout"] = data
            rows += ws_rows(data, args.ws_clients)
        else:
            notes.append(f"WebSocket fan-out failed (exit {code}); output above")
    if args.skip_export:
        notes.append("exports skipped (--skip-export)")
    else:
        code, out = run_script(
            [
                python,
                "bench/export.py",
                "--submissions",
                str(args.export_submissions),
                "--repeat",
                "1",
                "--no-trace",
            ],
            outer_env,
            timeout=900,
        )
        data = written_json(out) if code == 0 else None
        if data:
            extra["export"] = data
            rows += export_rows(data)
        else:
            notes.append(f"exports failed (exit {code}); output above")

    table = render(rows)
    header = (
        f"Konsulta bench {dt.datetime.now():%Y-%m-%d %H:%M}: {connection.vendor}, "
        f"N = {n} submissions, {args.concurrency} clients, {args.workers} gunicorn/uvicorn "
        f"workers, generator and server share {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    print()
    print(header)
    print(table)
    for note in notes:
        print("note: " + note)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"bench-{stamp}.json"
    target.write_text(
        json.dumps(
            {
                "command": " ".join([Path(python).name, *sys.argv]),
                "database": connection.vendor,
                "submissions": n,
                "redis": bool(redis_url),
                "concurrency": args.concurrency,
                "client_processes": args.client_procs,
                "server_workers": args.workers,
                "warmup_s": args.warmup,
                "duration_s": args.duration,
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "seconds": round(time.perf_counter() - started, 1),
                "table": rows,
                "http": http,
                "notes": notes,
                **extra,
            },
            indent=2,
            default=str,
        )
    )
    print(f"written: {target.relative_to(ROOT)} (in {time.perf_counter() - started:.0f} s)")


def _cell(value, digits: int = 1) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def render(rows: list[dict]) -> str:
    head = (
        f"{'endpoint':40} {'median ms':>9} {'p95 ms':>8} {'rate':>18} {'x floor':>7}  "
        f"{'target':34} {'met':>4}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        met = {True: "yes", False: "NO", None: "-"}[r.get("met")]
        lines.append(
            f"{r['endpoint'][:40]:40} {_cell(r.get('median_ms')):>9} {_cell(r.get('p95_ms')):>8} "
            f"{_cell(r.get('rate')):>18} {_cell(r.get('ratio'), 2):>7}  "
            f"{_cell(r.get('target'))[:34]:34} {met:>4}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    try:
        main()
    finally:
        for child in list(_children):
            if child.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGTERM)
