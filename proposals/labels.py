"""Human labels for sections, in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext as _


def section_label(kind: str, number: str, title: str = "") -> str:
    if kind == "preamble":
        head = _("Preamble")
    elif kind == "chapter":
        head = _("Chapter %(number)s") % {"number": number}
    elif kind == "article":
        head = _("Article %(number)s") % {"number": number}
    elif kind == "paragraph":
        head = _("Paragraph %(number)s") % {"number": number}
    elif kind == "point":
        head = _("Point %(number)s") % {"number": number}
    else:
        head = number
    return f"{head}: {title}" if title and kind in ("chapter", "article") else head
