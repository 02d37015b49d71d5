"""Production mode (DJANGO_ENV=production), in subprocesses with a production environment.

Settings are read once per process, so each case runs ``manage.py`` (or a short script) in a
fresh Python with the environment under test; the current DATABASE_URL and REDIS_URL are passed
through (nothing here touches the database but the health check).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
HOST = "konsulta.example.org"
# Variables of the parent environment that would change the outcome (the browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE in this process; check --deploy rightly refuses it: async.E001).
CLEARED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSP_REPORT_ONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ENV",
)


def production_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),  # 67 characters
        ALLOWED_HOSTS=HOST,
        DEBUG="0",  # explicit, so that a .env file cannot turn it on
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_deploy_check_passes_without_warnings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "System check identified no issues" in output


def test_deploy_check_would_catch_a_weakened_setting():
    """The check above is not vacuous: turning the SSL redirect off is a warning, and fails."""
    env = production_env(SECURE_SSL_REDIRECT="0")
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short-but-not-empty"}, "SECRET_KEY"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY"),  # long, but only two different characters
        (
            {"SECRET_KEY": "django-insecure-" + "q8Zr-5vLk_2WmT9yBn3Xc7Hd1Jf6Gp0Rs4Ua" * 2},
            "SECRET_KEY",
        ),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": ","}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": " "}, "ALLOWED_HOSTS"),
        ({"DEBUG": "1"}, "DEBUG"),
        ({"DEBUG": "true"}, "DEBUG"),
    ],
    ids=lambda value: (
        ",".join(f"{k}={v!r:.20}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_production_refuses_to_start(overrides, message):
    if None in overrides.values() and (BASE_DIR / ".env").exists():
        pytest.skip("a .env file may provide the variable this case leaves out")
    result = run(["manage.py", "check"], production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]


PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

c = Client(headers={"host": "konsulta.example.org"})
plain = c.get("/consultations/?page=2")
health = c.get("/healthz")
secure = c.get("/healthz", headers={"x-forwarded-proto": "https"})
print(json.dumps({
    "debug": settings.DEBUG,
    "plain": [plain.status_code, plain.get("Location")],
    "health": health.status_code,
    "hsts_plain": health.get("Strict-Transport-Security"),
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "cookies": [
        settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY,
        settings.SESSION_COOKIE_SAMESITE, settings.CSRF_COOKIE_SECURE,
        settings.LANGUAGE_COOKIE_SECURE,
    ],
    "storage": settings.STORAGES["staticfiles"]["BACKEND"],
}))
"""


def test_production_requests_behind_the_proxy():
    result = run(["-c", PROBE], production_env())
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["debug"] is False
    # Plain HTTP is sent to HTTPS, keeping the path and query.
    assert out["plain"] == [301, f"https://{HOST}/consultations/?page=2"]
    # ... except the health check, for load balancers and `curl` on the machine.
    assert out["health"] in (200, 503)
    assert out["hsts_plain"] is None  # HSTS is only sent over HTTPS
    # X-Forwarded-Proto: https from the proxy makes the request secure: HSTS.
    assert out["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert f"wss://{HOST}" in out["csp"]
    assert out["cookies"] == [True, True, "Lax", True, True]
    assert out["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
