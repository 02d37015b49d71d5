"""Markdown in, safe HTML out: rendered with Python-Markdown, then sanitised with nh3.

Only a small set of tags survives (paragraphs, emphasis, lists, quotes, code, links); every link
gets ``rel="nofollow noopener ugc"``; ``javascript:`` and other non-web URL schemes are removed, and
so are event handlers, ``style`` and raw HTML blocks (``<script>``'s content included).
"""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener ugc",
        clean_content_tags={"script", "style"},
        strip_comments=True,
    )
