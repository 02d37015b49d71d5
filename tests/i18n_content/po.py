"""Reading gettext catalogues (.po) for the catalogue tests: entries with their context, id,
plural id, translations and flags; obsolete (``#~``) entries are left out."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# The languages that must be complete; English is the source language.
TRANSLATED = ("sq", "sr_Latn")


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def read_po(path: Path) -> list[Entry]:
    """The entries of a catalogue, the header (empty msgid) included."""
    entries: list[Entry] = []
    fields: dict = {}
    flags: set[str] = set()
    current: tuple | None = None

    def flush():
        nonlocal fields, flags, current
        if "msgid" in fields:
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgctxt=fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural"),
                    msgstr=fields.get("msgstr", {}),
                    flags=flags,
                )
            )
        fields, flags, current = {}, set(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#~") or not line:
            if "msgid" in fields and (not line or line.startswith("#~")):
                flush()
            continue
        if line.startswith("#,"):
            if "msgstr" in fields:
                flush()
            flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            if "msgstr" in fields:
                flush()
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if current and current[0] == "msgstr":
                fields["msgstr"][current[1]] += value
            elif current:
                fields[current[0]] += value
            continue
        keyword, _, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword in ("msgctxt", "msgid") and "msgstr" in fields:
            flush()
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            fields.setdefault("msgstr", {})[index] = value
            current = ("msgstr", index)
        else:
            fields[keyword] = value
            current = (keyword,)
    flush()
    return entries


def catalogue_dirs() -> list[Path]:
    """The project's locale directories: ``locale/`` and every app's own ``<app>/locale/``."""
    dirs = [ROOT / "locale"]
    dirs += sorted(
        p
        for p in ROOT.glob("*/locale")
        if p.is_dir() and not p.parent.name.startswith(".") and p.parent.name != "node_modules"
    )
    return [d for d in dirs if d.is_dir()]


def catalogues(language: str) -> list[Path]:
    """Every .po of ``language`` in the project (django and djangojs domains)."""
    found = []
    for d in catalogue_dirs():
        found += sorted((d / language / "LC_MESSAGES").glob("*.po"))
    return found


def translated_keys(language: str, domain: str = "django") -> set[tuple[str | None, str]]:
    """The (context, id) of every entry translated in one of the project's catalogues."""
    keys = set()
    for path in catalogues(language):
        if path.stem == domain:
            keys |= {e.key for e in read_po(path) if e.msgid and e.translated}
    return keys
