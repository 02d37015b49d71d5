"""A real ASGI server (uvicorn) serving the project inside the test process.

Runs in a daemon thread on a free loopback port, on the test database (pytest-django's test
database is reachable from other threads: PostgreSQL of course, SQLite through its shared-cache
in-memory database), so tests marked ``django_db(transaction=True)`` see each other's writes.
"""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_asgi(app=None, *, port: int | None = None, startup_timeout: float = 15.0):
    if app is None:
        from config.asgi import application as app
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        ws="websockets-sansio",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test ASGI server did not start")
        time.sleep(0.02)  # polling a condition with a bound, not waiting for an effect
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
