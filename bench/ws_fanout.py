#!/usr/bin/env python
"""Benchmark of the live fan-out (a script, not a test).

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python bench/ws_fanout.py
    REDIS_URL=... .venv/bin/python bench/ws_fanout.py --clients 100,1000 --comments 5
    DATABASE_URL=postgres://postgres@127.0.0.1/x REDIS_URL=... .venv/bin/python bench/ws_fanout.py

What it does, for each number of clients N:

1. Uses its own database: the SQLite file ``/tmp/konsulta_bench_ws.sqlite3`` (created afresh), or,
   when ``DATABASE_URL`` names a PostgreSQL server, the database ``konsulta_bench_ws`` on that
   server (created when missing). Migrates it and seeds one open consultation with the sample
   draft and a verified citizen with an API token.
2. Starts two uvicorn processes on loopback ports sharing Redis (``REDIS_URL`` is required) and
   records their RSS.
3. Connects N WebSocket clients (the ``websockets`` library), alternately to each process, from
   ``--client-procs`` client processes, waits for every ``hello``, records the servers' RSS
   again: (after - before) / N is the server memory per connection.
4. Posts ``--comments`` comments over HTTP (the REST API with the token), one every 0.5 s,
   alternately to each process. Every client records, for each ``comment.created`` it
   receives, the delay from the event's ``at`` (taken just after the commit, microseconds, same
   machine clock) to its arrival: delivered/expected and p50/p95/p99.
5. The floor: the same fan-out over raw Redis pub/sub, one PUBLISH to N asyncio subscribers
   (``redis.asyncio``) spread over the same number of client processes, with the time of the
   PUBLISH in the message.

Prints a table and writes JSON to ``bench/results/ws-<timestamp>.json``.
Target: at 1,000 clients everything delivered and p95 <= 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
SQLITE_PATH = Path("/tmp/konsulta_bench_ws.sqlite3")
BENCH_DB_NAME = "konsulta_bench_ws"
TARGET_CLIENTS, TARGET_P95_MS = 1000, 250.0
POST_INTERVAL = 0.5


# --- helpers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_open_files(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def bench_database_url() -> str:
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://", "pgsql://")):
        return urlunsplit(urlsplit(given)._replace(path="/" + BENCH_DB_NAME))
    return f"sqlite:///{SQLITE_PATH}"


def prepare_database(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (BENCH_DB_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{BENCH_DB_NAME}"')
    env = server_env(url, os.environ["REDIS_URL"], "konsulta-bench-migrate")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )


def seed(url: str) -> dict:
    """One open consultation with the sample draft, and a citizen with an API token."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["SCHEDULER_INTERVAL"] = "0"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from rest_framework.authtoken.models import Token

    from proposals.services import proposal_import
    from tests import factories as f

    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S%f")
    institution = f.InstitutionFactory(slug=f"bench-ws-{stamp}", name=f"Ministria bench {stamp}")
    official = f.official_of(institution, email=f"official-{stamp}@bench.example")
    consultation = f.ConsultationFactory(institution=institution, slug=f"bench-ws-{stamp}")
    proposal = proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="draft.md",
    )
    citizen = f.UserFactory(email=f"citizen-{stamp}@bench.example")
    token, _created = Token.objects.get_or_create(user=citizen)
    return {"slug": consultation.slug, "proposal": proposal.slug, "token": token.key}


def server_env(database_url: str, redis_url: str, prefix: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CHANNEL_PREFIX": prefix,
        "SCHEDULER_INTERVAL": "0",
        "JOBS_INPROCESS": "0",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "COMMENT_RATE_LIMIT": "100000/1",
        "API_THROTTLE_USER": "100000/minute",
    }


def start_server(port: int, env: dict, deflate: bool = True) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "config.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
        "--ws",
        "websockets-sansio",
        "--backlog",
        "4096",
        "--ws-per-message-deflate",
        "true" if deflate else "false",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env, preexec_fn=_more_files)


def _more_files() -> None:  # in the server processes, before exec
    raise_open_files(65536)


def wait_ready(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not start within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# --- client processes ----------------------------------------------------------------------------


async def ws_clients(urls: list[str], n: int, expect: int, deadline: float) -> dict:
    """N WebSocket clients; prints READY when all have their hello, then records the delay of
    every comment.created until each has ``expect`` of them or ``deadline`` seconds pass."""
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    received = [0] * n
    connected = 0
    all_connected = asyncio.Event()
    failures = 0
    gate = asyncio.Semaphore(64)

    async def client(i: int) -> None:
        nonlocal connected, failures
        url = urls[i % len(urls)]
        origin = "http://" + urlsplit(url).netloc
        try:
            async with gate:
                ws = await connect(
                    url, origin=origin, open_timeout=120, ping_interval=None, max_queue=None
                )
                hello = json.loads(await asyncio.wait_for(ws.recv(), timeout=120))
                assert hello["type"] == "hello", hello
        except Exception as exc:  # counted and reported
            failures += 1
            print(f"connect failed: {exc!r}", file=sys.stderr)
            connected += 1
            if connected == n:
                all_connected.set()
            return
        connected += 1
        if connected == n:
            all_connected.set()
        if expect <= 0:
            await ws.close()
            return
        try:
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "comment.created":
                    at = dt.datetime.fromisoformat(message["at"]).timestamp()
                    latencies.append(now - at)
                    received[i] += 1
                    if received[i] >= expect:
                        break
        except Exception as exc:
            print(f"client {i}: {exc!r}", file=sys.stderr)
        finally:
            await ws.close()

    tasks = [asyncio.create_task(client(i)) for i in range(n)]
    await asyncio.wait_for(all_connected.wait(), timeout=300)
    print(f"READY {n - failures}", flush=True)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=deadline)
    except TimeoutError:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"latencies": latencies, "received": sum(received), "failures": failures}


async def redis_subscribers(redis_url: str, channel: str, n: int, expect: int, deadline: float):
    """The floor: N raw Redis pub/sub subscribers, one connection each."""
    import redis.asyncio as aioredis

    pool = aioredis.ConnectionPool.from_url(redis_url, max_connections=n + 10)
    client = aioredis.Redis(connection_pool=pool)
    latencies: list[float] = []
    received = [0] * n
    subscribers = []
    for _i in range(n):
        pubsub = client.pubsub()
        await pubsub.subscribe(channel)
        subscribers.append(pubsub)

    async def listen(i: int, pubsub) -> None:
        async for message in pubsub.listen():
            if message["type"] != "message":
                continue
            now = time.time()
            payload = json.loads(message["data"])
            latencies.append(now - payload["at"])
            received[i] += 1
            if received[i] >= expect:
                break

    tasks = [asyncio.create_task(listen(i, p)) for i, p in enumerate(subscribers)]
    print(f"READY {n}", flush=True)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=deadline)
    except TimeoutError:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for pubsub in subscribers:
        await pubsub.aclose()
    await client.aclose()
    await pool.aclose()
    return {"latencies": latencies, "received": sum(received), "failures": 0}


def worker_main(args) -> None:
    raise_open_files(args.n * 2 + 256)
    if args.worker == "ws":
        result = asyncio.run(ws_clients(args.urls.split(","), args.n, args.expect, args.deadline))
    else:
        result = asyncio.run(
            redis_subscribers(args.redis_url, args.channel, args.n, args.expect, args.deadline)
        )
    print("RESULT " + json.dumps(result), flush=True)


def spawn_workers(kind: str, n: int, procs: int, expect: int, deadline: float, **extra):
    shares = [n // procs + (1 if i < n % procs else 0) for i in range(procs)]
    workers = []
    for share in shares:
        if not share:
            continue
        command = [
            sys.executable,
            __file__,
            "--worker",
            kind,
            "--n",
            str(share),
            "--expect",
            str(expect),
            "--deadline",
            str(deadline),
        ]
        for key, value in extra.items():
            command += [f"--{key.replace('_', '-')}", str(value)]
        workers.append(
            subprocess.Popen(command, cwd=BASE_DIR, stdout=subprocess.PIPE, text=True, bufsize=1)
        )
    return workers


def wait_workers_ready(workers, timeout: float = 300) -> int:
    ready = 0
    deadline = time.monotonic() + timeout
    for worker in workers:
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                raise RuntimeError("a client process ended before it was ready")
            if line.startswith("READY"):
                ready += int(line.split()[1])
                break
    return ready


def collect(workers, timeout: float) -> dict:
    latencies, received, failures = [], 0, 0
    for worker in workers:
        out, _err = worker.communicate(timeout=timeout)
        for line in out.splitlines():
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
                latencies += result["latencies"]
                received += result["received"]
                failures += result["failures"]
    return {"latencies": latencies, "received": received, "failures": failures}


def summary(latencies: list[float]) -> dict:
    ms = [x * 1000 for x in latencies]
    return {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else None,
        "mean_ms": statistics.fmean(ms) if ms else None,
    }


# --- one run -------------------------------------------------------------------------------------


def run_ws(n: int, args, database_url: str, seeded: dict) -> dict:
    import httpx

    prefix = f"konsulta-bench-{os.getpid()}-{n}"
    env = server_env(database_url, args.redis_url, prefix)
    ports = [free_port(), free_port()]
    servers = [start_server(port, env, args.deflate) for port in ports]
    workers = []
    try:
        for server, port in zip(servers, ports, strict=True):
            wait_ready(server, port)
        base = [f"http://127.0.0.1:{port}" for port in ports]
        path = f"/ws/consultations/{seeded['slug']}/"
        # Warm both processes (first request, first WebSocket) before measuring memory.
        warm_workers = spawn_workers(
            "ws", 2, 1, 0, 5, urls=",".join(f"ws://127.0.0.1:{p}{path}" for p in ports)
        )
        collect(warm_workers, timeout=60)
        for url in base:
            httpx.get(url + f"/consultations/{seeded['slug']}/", timeout=30)
        rss_before = [rss_kib(s.pid) for s in servers]
        deadline = 60 + args.comments * POST_INTERVAL * 4 + n / 50
        workers = spawn_workers(
            "ws",
            n,
            args.client_procs,
            args.comments,
            deadline,
            urls=",".join(f"ws://127.0.0.1:{p}{path}" for p in ports),
        )
        connect_started = time.monotonic()
        ready = wait_workers_ready(workers)
        connect_seconds = time.monotonic() - connect_started
        time.sleep(2.5)  # let the presence announcements of the arrivals pass
        rss_after = [rss_kib(s.pid) for s in servers]
        comments_url = (
            f"/api/v1/consultations/{seeded['slug']}/proposals/{seeded['proposal']}/comments/"
        )
        post_ms = []
        with httpx.Client(headers={"Authorization": f"Token {seeded['token']}"}) as http:
            for k in range(args.comments):
                started = time.monotonic()
                response = http.post(
                    base[k % 2] + comments_url,
                    json={
                        "body": f"Koment bench {n}/{k}: ndryshimi i nenit të parë.",
                        "stance": "for",
                        "consent": "hidden",
                        "participant_type": "citizen",
                        "section": "neni-1",
                    },
                    timeout=30,
                )
                post_ms.append((time.monotonic() - started) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"POST failed: {response.status_code} {response.text}")
                time.sleep(POST_INTERVAL)
        got = collect(workers, timeout=deadline + 60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for server in servers:
            stop(server)
    expected = n * args.comments
    return {
        "clients": n,
        "connected": ready,
        "connect_seconds": round(connect_seconds, 2),
        "expected": expected,
        "delivered": got["received"],
        "failures": got["failures"],
        **summary(got["latencies"]),
        "post_ms_p50": percentile(post_ms, 50),
        "server_rss_kib_before": rss_before,
        "server_rss_kib_after": rss_after,
        "server_kib_per_connection": round((sum(rss_after) - sum(rss_before)) / n, 1),
    }


def run_floor(n: int, args) -> dict:
    import redis

    channel = f"konsulta-bench-floor-{os.getpid()}-{n}"
    deadline = 60 + args.comments * POST_INTERVAL * 4 + n / 50
    workers = spawn_workers(
        "redis",
        n,
        args.client_procs,
        args.comments,
        deadline,
        redis_url=args.redis_url,
        channel=channel,
    )
    try:
        wait_workers_ready(workers)
        client = redis.Redis.from_url(args.redis_url)
        for k in range(args.comments):
            body = {"at": time.time(), "type": "comment.created", "k": k, "pad": "x" * 600}
            client.publish(channel, json.dumps(body))
            time.sleep(POST_INTERVAL)
        client.close()
        got = collect(workers, timeout=deadline + 60)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    return {
        "clients": n,
        "expected": n * args.comments,
        "delivered": got["received"],
        **summary(got["latencies"]),
    }


def fmt(value, digits=1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _terminate(signum, frame):  # so that the finally blocks stop the servers
    raise SystemExit(128 + signum)


def main() -> None:
    signal.signal(signal.SIGTERM, _terminate)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="100,1000,2000")
    parser.add_argument("--comments", type=int, default=5, help="comments posted per run")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--no-floor", action="store_true")
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="permessage-deflate on the servers (uvicorn's default: on)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    # client-process mode (internal)
    parser.add_argument("--worker", choices=["ws", "redis"])
    parser.add_argument("--n", type=int)
    parser.add_argument("--expect", type=int)
    parser.add_argument("--deadline", type=float)
    parser.add_argument("--urls")
    parser.add_argument("--channel")
    args = parser.parse_args()
    if args.worker:
        worker_main(args)
        return
    if not args.redis_url:
        parser.error("REDIS_URL (or --redis-url) is required: the fan-out crosses two processes")
    counts = [int(c) for c in args.clients.split(",") if c]
    limit = raise_open_files(max(counts) * 3 + 1024)
    database_url = bench_database_url()
    print(
        f"database: {database_url.split('@')[-1]}  redis: {args.redis_url}  nofile: {limit}  "
        f"layer: {os.environ.get('CHANNEL_LAYER', 'pubsub')}  deflate: {args.deflate}  "
        f"load: {os.getloadavg()[0]:.1f}"
    )
    prepare_database(database_url)
    seeded = seed(database_url)

    load_before = os.getloadavg()
    rows = []
    for n in counts:
        print(f"-- {n} clients", flush=True)
        ws = run_ws(n, args, database_url, seeded)
        floor = None if args.no_floor else run_floor(n, args)
        ratio = (
            ws["p95_ms"] / floor["p95_ms"]
            if floor and ws["p95_ms"] is not None and floor["p95_ms"]
            else None
        )
        rows.append({"clients": n, "websocket": ws, "redis_floor": floor, "p95_ratio": ratio})
        print(json.dumps(rows[-1], indent=1), flush=True)

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"ws-{stamp}.json"
    meta = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "database": database_url.split("://")[0],
        "cpus": os.cpu_count(),
        "comments_per_run": args.comments,
        "client_processes": args.client_procs,
        "server_processes": 2,
        "channel_layer": os.environ.get("CHANNEL_LAYER", "pubsub"),
        "permessage_deflate": args.deflate,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "target": {"clients": TARGET_CLIENTS, "p95_ms": TARGET_P95_MS, "delivered": "all"},
    }
    out.write_text(json.dumps({"meta": meta, "runs": rows}, indent=2))

    header = (
        f"{'clients':>7} {'delivered':>13} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} | "
        f"{'floor p50':>9} {'p95':>6} {'p99':>6} | {'p95 x':>6} | {'KiB/conn':>8} {'connect s':>9}"
    )
    print()
    print(header)
    print("-" * len(header))
    for row in rows:
        ws, floor = row["websocket"], row["redis_floor"] or {}
        print(
            f"{row['clients']:>7} {ws['delivered']:>6}/{ws['expected']:<6} "
            f"{fmt(ws['p50_ms']):>7} {fmt(ws['p95_ms']):>7} {fmt(ws['p99_ms']):>7} | "
            f"{fmt(floor.get('p50_ms'), 2):>9} {fmt(floor.get('p95_ms'), 2):>6} "
            f"{fmt(floor.get('p99_ms'), 2):>6} | {fmt(row['p95_ratio']):>6} | "
            f"{fmt(ws['server_kib_per_connection']):>8} {fmt(ws['connect_seconds']):>9}"
        )
    for row in rows:
        if row["clients"] == TARGET_CLIENTS:
            ws = row["websocket"]
            ok = ws["delivered"] == ws["expected"] and (ws["p95_ms"] or 1e9) <= TARGET_P95_MS
            print(
                f"\ntarget at {TARGET_CLIENTS} clients (all delivered, p95 <= "
                f"{TARGET_P95_MS:.0f} ms): {'MET' if ok else 'NOT MET'}"
            )
    print(f"written: {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
