"""The language of the *content* (a consultation's title and summary, a draft's text), as
opposed to the language of the interface.

Kosovo's institutions publish their drafts in Albanian and Serbian, and English is used with
partners and the diaspora. A text has one original language and may have translations into the
other languages of the site (``settings.LANGUAGES``); see ``proposals.models`` for how they are
stored. A reader sees the text in the language they read the site in when it exists, else in its
original language, and can switch: ``?text=sr-latn`` on a page overrides the interface language
for the texts only (the menus stay as they are).

Everything here is pure (no database): the views give it the languages a text exists in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation

# The query parameter that chooses the language of the texts on a page.
TEXT_PARAM = "text"
# Each language by its own name, as on the interface language switcher.
AUTONYMS = {"sq": "Shqip", "sr-latn": "Srpski", "en": "English"}
# BCP 47 tags for the HTML ``lang`` attribute.
HTML_TAGS = {"sr-latn": "sr-Latn"}


def language_codes() -> list[str]:
    """The site's languages, in the order of ``settings.LANGUAGES``."""
    return [code for code, _name in settings.LANGUAGES]


def is_language(code) -> bool:
    return isinstance(code, str) and code in language_codes()


def normalise(code: str | None) -> str | None:
    """A site language code for ``code`` ("sr-Latn" -> "sr-latn", "en-us" -> "en"), or None."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-")
    codes = language_codes()
    if code in codes:
        return code
    base = code.split("-", 1)[0]
    for candidate in codes:
        if candidate == base or candidate.split("-", 1)[0] == base:
            return candidate
    return None


def autonym(code: str) -> str:
    return AUTONYMS.get(code) or str(dict(settings.LANGUAGES).get(code, code))


def language_name(code: str) -> str:
    """The language's name in the interface language ("Serbian (Latin)")."""
    return str(dict(settings.LANGUAGES).get(code, code))


def html_lang(code: str) -> str:
    return HTML_TAGS.get(code, code)


def ordered(codes) -> list[str]:
    """``codes`` that are site languages, once each, in the site's order."""
    wanted = set(codes)
    return [code for code in language_codes() if code in wanted]


def explicit_text_language(request) -> str | None:
    """The language asked for with ``?text=`` (None when absent or not a site language)."""
    if request is None:
        return None
    value = request.GET.get(TEXT_PARAM)
    return value if is_language(value) else None


def reader_language(request=None) -> str:
    """The language the reader wants the texts in: ``?text=`` when given, else the interface
    language."""
    return (
        explicit_text_language(request)
        or normalise(translation.get_language())
        or settings.LANGUAGE_CODE
    )


def choose(wanted: str | None, original: str, available) -> str:
    """``wanted`` when the text exists in it, else the original language."""
    return wanted if wanted and (wanted == original or wanted in set(available)) else original


@dataclass
class TextLanguageOption:
    code: str
    name: str  # the autonym
    tag: str  # for lang= and hreflang=
    url: str
    current: bool


@dataclass
class TextLanguages:
    """The languages a page's texts can be read in and the one shown, for the "Read in:" switch
    (``templates/includes/text_languages.html``)."""

    shown: str
    original: str
    wanted: str
    available: list[str]
    explicit: bool = False  # chosen with ?text=
    options: list[TextLanguageOption] = field(default_factory=list)

    @property
    def fallback(self) -> bool:
        """The reader wanted another language, which the text does not exist in."""
        return self.wanted != self.shown

    @property
    def is_translation(self) -> bool:
        return self.shown != self.original

    @property
    def shown_tag(self) -> str:
        return html_lang(self.shown)

    @property
    def shown_name(self) -> str:
        return autonym(self.shown)

    @property
    def original_name(self) -> str:
        return autonym(self.original)

    @property
    def wanted_name(self) -> str:
        return language_name(self.wanted)

    @property
    def query(self) -> str:
        """``?text=<code>`` to carry an explicit choice to the next page, else ``""``."""
        return f"?{TEXT_PARAM}={self.wanted}" if self.explicit else ""


def text_languages(request, *, original: str, available) -> TextLanguages:
    """What a page shows: ``available`` are the languages its texts exist in (the original
    included or not). No query."""
    original = original if is_language(original) else settings.LANGUAGE_CODE
    languages = ordered([original, *available])
    explicit = explicit_text_language(request)
    wanted = explicit or reader_language(request)
    shown = choose(wanted, original, languages)
    result = TextLanguages(
        shown=shown,
        original=original,
        wanted=wanted,
        available=languages,
        explicit=explicit is not None,
    )
    if request is not None:
        for code in languages:
            query = request.GET.copy()
            query[TEXT_PARAM] = code
            result.options.append(
                TextLanguageOption(
                    code=code,
                    name=autonym(code),
                    tag=html_lang(code),
                    url=f"{request.path}?{query.urlencode()}",
                    current=code == shown,
                )
            )
    return result
