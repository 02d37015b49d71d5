"""The language of a consultation's texts on cards and lists (``{% load text_languages %}``).

``{% consultation_text consultation as text %}`` gives ``text.title``, ``text.summary`` and
``text.lang`` (for the HTML ``lang`` attribute) in the reader's language (``?text=`` on the page,
else the interface language) when the consultation has them, else in its original language.
"""

from __future__ import annotations

from django import template

from consult.languages import choose, html_lang, reader_language

register = template.Library()


@register.simple_tag(takes_context=True)
def consultation_text(context, consultation) -> dict:
    language = choose(
        reader_language(context.get("request")),
        consultation.language,
        consultation.text_languages,
    )
    return {
        "title": consultation.title_in(language),
        "summary": consultation.summary_in(language),
        "language": language,
        "lang": html_lang(language),
    }
