"""The message catalogues are complete and well formed.

* every catalogue of the project (``locale/`` and each app's ``<app>/locale/``) passes
  ``msgfmt --check-format --check-header``, and has the plural forms of its language;
* Albanian (``sq``) and Serbian Latin (``sr_Latn``) have no untranslated and no fuzzy entry;
* every string marked for translation in the code and the templates (extracted by
  ``makemessages`` from a copy of the sources) is translated in one of the catalogues;
* allauth's account pages, form errors, messages and emails are in our catalogues too (allauth
  ships no Albanian), listed for extraction in ``accounts/allauth_messages.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import pytest
from django.utils import translation

from .po import ROOT, TRANSLATED, catalogue_dirs, catalogues, read_po, translated_keys

ALL_CATALOGUES = [p for d in catalogue_dirs() for p in sorted(d.glob("*/LC_MESSAGES/*.po"))]
PLURALS = {"sq": 2, "sr_Latn": 3, "en": 2}


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _show(keys) -> str:
    return "\n".join(f"  {ctx + ' | ' if ctx else ''}{msgid!r}" for ctx, msgid in sorted(keys))


def test_there_are_catalogues_for_each_language():
    for language in TRANSLATED:
        assert ROOT / "locale" / language / "LC_MESSAGES" / "django.po" in catalogues(language)


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=_id)
def test_msgfmt_checks_pass(path):
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", os.devnull, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", ALL_CATALOGUES, ids=_id)
def test_plural_forms_of_the_language(path):
    language = path.parent.parent.name
    entries = read_po(path)
    header = entries[0].msgstr[0]
    match = re.search(r"Plural-Forms:\s*nplurals=(\d+);", header)
    assert match, "the header has no Plural-Forms"
    expected = PLURALS.get(language)
    if expected is not None:
        assert int(match.group(1)) == expected
    for entry in entries:
        if entry.msgid_plural and entry.translated:
            assert sorted(entry.msgstr) == list(range(int(match.group(1)))), entry.msgid


@pytest.mark.parametrize("path", [p for lang in TRANSLATED for p in catalogues(lang)], ids=_id)
def test_no_untranslated_or_fuzzy_entry(path):
    missing = {e.key for e in read_po(path) if e.msgid and not e.translated}
    assert not missing, f"{len(missing)} untranslated or fuzzy in {_id(path)}:\n{_show(missing)}"


# --- the sources against the catalogues ---------------------------------------------------------

_NOT_SOURCES = shutil.ignore_patterns(
    ".*", "__pycache__", "node_modules", "var", "media", "staticfiles", "static", "tests",
    "bench", "docs", "*.mo", "*.po", "*.pot", "*.sqlite3", "*.pyc",
)  # fmt: skip


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[tuple[str | None, str]]:
    """What ``makemessages`` finds in the code and the templates, run on a copy of the sources
    so that the real catalogues are not touched."""
    copy = tmp_path_factory.mktemp("sources") / "tree"
    shutil.copytree(ROOT, copy, ignore=_NOT_SOURCES)
    for locale in [copy / "locale", *copy.glob("*/locale")]:
        (locale / "sq").mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sq", "--keep-pot", "-v0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "LC_ALL": "C.UTF-8"},
    )
    found = set()
    for pot in copy.rglob("django.pot"):
        found |= {e.key for e in read_po(pot) if e.msgid}
    assert len(found) > 1000  # the extraction did run
    return found


@pytest.mark.slow
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_source_string_is_translated(source_messages, language):
    missing = source_messages - translated_keys(language)
    assert not missing, (
        f"{len(missing)} strings of the code and templates have no {language} translation "
        f"(run makemessages and translate them):\n{_show(missing)}"
    )


# --- allauth ------------------------------------------------------------------------------------

ALLAUTH_PARTS = ("account/", "templates/account/", "templates/allauth/")


def allauth_account_messages() -> set[tuple[str | None, str]]:
    """allauth's messages used by allauth.account: its forms, adapter, views and templates."""
    path = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    text = path.read_text(encoding="utf-8")
    wanted = set()
    for block in text.split("\n\n"):
        locations = " ".join(
            line[2:] for line in block.splitlines() if line.startswith("#:")
        ).split()
        if any(loc.startswith(ALLAUTH_PARTS) for loc in locations):
            entries = read_po_text(block)
            wanted |= {e.key for e in entries if e.msgid}
    return wanted


def read_po_text(text: str):
    from tempfile import NamedTemporaryFile

    with NamedTemporaryFile("w", suffix=".po", encoding="utf-8", delete=False) as tmp:
        tmp.write(text + "\n")
    try:
        return read_po(Path(tmp.name))
    finally:
        os.unlink(tmp.name)


@pytest.mark.parametrize("language", TRANSLATED)
def test_allauth_account_messages_are_in_our_catalogues(language):
    wanted = allauth_account_messages()
    assert len(wanted) > 150
    ours = {e.key for e in read_po(ROOT / "locale" / language / "LC_MESSAGES" / "django.po")}
    ours_translated = translated_keys(language)
    missing = wanted - (ours & ours_translated)
    assert not missing, (
        f"allauth messages missing from locale/{language} (add them to "
        f"accounts/allauth_messages.py, run makemessages, translate):\n{_show(missing)}"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sq", "Keni harruar fjalëkalimin?"),
        ("sr-latn", "Zaboravili ste lozinku?"),
        ("en", "Forgot your password?"),
    ],
)
def test_allauth_messages_resolve_to_our_translations(language, expected):
    with translation.override(language):
        assert translation.gettext("Forgot your password?") == expected
