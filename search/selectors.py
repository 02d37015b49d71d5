"""Search over the public record: consultations, draft articles, comments, position papers and
institutions, in a fixed number of queries whatever the amount of data.

* Only what the public may read: consultations past the draft stage, the current text of
  published drafts, published comments and position papers (never hidden or withdrawn ones),
  institutions. A comment is found by its text only, never by its author's name, and shown
  with the author as the public sees them (``comments.selectors.public_author``).
* Albanian- and Serbian-aware: the text and the query are folded (``search.fold``), so
  ``pergjegjesi`` finds ``përgjegjësi``, ``cmim`` finds ``çmim`` and ``zakon`` finds ``žakon``.
* Queries: one count per kind (the facets), one UNION query for the page (ordered by rank, then
  date), one query per kind on the page to load what the result shows: at most 11.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from comments.models import Comment, PositionPaper
from comments.selectors import public_author
from consult.models import Consultation
from proposals.models import Section

from .documents import DOCUMENTS
from .fold import fold, terms

PAGE_SIZE = 20
SNIPPET_CHARS = 240
S = Consultation.Status

KIND_LABELS = {
    "consultation": _("Consultations"),
    "article": _("Draft articles"),
    "comment": _("Comments"),
    "paper": _("Position papers"),
    "institution": _("Institutions"),
}
KINDS = list(KIND_LABELS)

# Where each kind finds its consultation ("" for a consultation itself; None: no consultation).
_CONSULTATION_PATH = {
    "consultation": "",
    "article": "proposal__consultation__",
    "comment": "consultation__",
    "paper": "consultation__",
    "institution": None,
}
_DATE = {
    "consultation": "opens_at",
    "article": "proposal__consultation__opens_at",
    "comment": "created_at",
    "paper": "created_at",
    "institution": "created_at",
}


class Fold(Func):
    function = "konsulta_fold"
    output_field = TextField()


@dataclass(frozen=True)
class SearchQuery:
    q: str
    type: str = ""
    institution: str = ""
    status: str = ""
    kind: str = ""
    year: int | None = None
    page: int = 1

    @property
    def terms(self) -> list[str]:
        return terms(self.q)

    @property
    def narrows_consultations(self) -> bool:
        return bool(self.status or self.kind or self.year)


@dataclass
class Result:
    type: str
    title: str
    url: str
    snippet: SafeString
    snippet_text: str
    title_html: SafeString
    date: dt.datetime | None = None
    consultation: Consultation | None = None
    institution: Organisation | None = None
    byline: str = ""

    @property
    def type_label(self) -> str:
        return str(KIND_LABELS[self.type])


@dataclass
class SearchPage:
    query: SearchQuery
    results: list[Result] = field(default_factory=list)
    facets: dict[str, int] = field(default_factory=dict)
    count: int = 0
    page: int = 1
    pages: int = 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _status_q(prefix: str, status: str, now: dt.datetime) -> Q:
    """Consultations by *effective* status (time is authoritative, see consult.models)."""
    p = prefix
    if status == S.OPEN:
        return Q(
            **{
                f"{p}status__in": [S.SCHEDULED, S.OPEN],
                f"{p}opens_at__lte": now,
                f"{p}closes_at__gt": now,
            }
        )
    if status == S.SCHEDULED:
        return Q(**{f"{p}status": S.SCHEDULED, f"{p}opens_at__gt": now})
    if status == S.CLOSED:
        return Q(**{f"{p}status": S.CLOSED}) | Q(
            **{f"{p}status__in": [S.SCHEDULED, S.OPEN], f"{p}closes_at__lte": now}
        )
    return Q(**{f"{p}status": status})


def _public(kind: str) -> QuerySet:
    if kind == "consultation":
        return Consultation.objects.exclude(status=S.DRAFT)
    if kind == "article":
        return Section.objects.filter(
            is_current=True, proposal__current_version__isnull=False
        ).exclude(proposal__consultation__status=S.DRAFT)
    if kind == "comment":
        return Comment.objects.filter(status=Comment.Status.PUBLISHED).exclude(
            consultation__status=S.DRAFT
        )
    if kind == "paper":
        return PositionPaper.objects.filter(status=PositionPaper.Status.PUBLISHED).exclude(
            consultation__status=S.DRAFT
        )
    return Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION)


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


def _matching(kind: str, query: SearchQuery, now: dt.datetime) -> QuerySet | None:
    """The public rows of ``kind`` that match the words and the filters, ranked."""
    path = _CONSULTATION_PATH[kind]
    if path is None and query.narrows_consultations:
        return None
    qs = _public(kind)
    if query.institution:
        slug_field = "slug" if path is None else f"{path}institution__slug"
        qs = qs.filter(**{slug_field: query.institution})
    if path is not None:
        if query.status:
            qs = qs.filter(_status_q(path, query.status, now))
        if query.kind:
            qs = qs.filter(**{f"{path}kind": query.kind})
        if query.year:
            qs = qs.filter(**{f"{path}opens_at__year": query.year})
    doc = DOCUMENTS[kind]
    words = query.terms
    if connection.vendor == "postgresql":
        # The SQL names only constant tables and columns (search.documents); the words are a
        # parameter, and contain nothing but word characters (search.fold.terms).
        tsq = _tsquery(words)
        qs = qs.filter(
            RawSQL(  # noqa: S611
                f"{doc.vector_sql()} @@ to_tsquery('simple'::regconfig, %s)",
                [tsq],
                output_field=BooleanField(),
            )
        ).annotate(
            rank=RawSQL(  # noqa: S611
                f"ts_rank({doc.vector_sql()}, to_tsquery('simple'::regconfig, %s))",
                [tsq],
                output_field=FloatField(),
            )
        )
    else:
        parts = []
        for column in doc.columns:
            parts += [Coalesce(F(column), Value("")), Value(" ")]
        qs = qs.annotate(folded=Fold(Concat(*parts, output_field=TextField())))
        for word in words:
            qs = qs.filter(folded__contains=word)
        qs = qs.annotate(rank=Value(0.0, output_field=FloatField()))
    return qs.annotate(
        result_type=Value(kind, output_field=CharField()),
        result_date=F(_DATE[kind]) if kind != "institution" else F("created_at"),
    )


def _load(kind: str, ids: list[int]) -> dict[int, object]:
    if not ids:
        return {}
    if kind == "consultation":
        qs = Consultation.objects.select_related("institution")
    elif kind == "article":
        qs = Section.objects.select_related("proposal__consultation__institution")
    elif kind == "comment":
        qs = Comment.objects.select_related(
            "consultation__institution",
            "proposal",
            "section",
            "participant",
            "organisation",
            "author",
        )
    elif kind == "paper":
        qs = PositionPaper.objects.select_related("consultation__institution", "organisation")
    else:
        qs = Organisation.objects.all()
    return {obj.pk: obj for obj in qs.filter(pk__in=ids)}


# --- Highlighting ---------------------------------------------------------------------------


def _pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(alternatives)


def highlight(text: str, words: list[str], *, limit: int | None = None) -> tuple[SafeString, str]:
    """``text`` (cut to about ``limit`` characters around the first match) escaped, with each
    match of a folded word in ``<mark>``; and the same cut as plain text. Matching is done on the
    folded text, which has the same length as the original (``search.fold``)."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    folded = fold(text)
    start, end = 0, len(text)
    if limit and len(text) > limit:
        first = pattern.search(folded) if pattern else None
        centre = first.start() if first else 0
        start = max(0, centre - limit // 3)
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < centre else start
        end = min(len(text), start + limit)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    pieces, plain = [], text[start:end]
    cursor = start
    if pattern:
        for match in pattern.finditer(folded, start, end):
            pieces.append(escape(text[cursor : match.start()]))
            pieces.append(f"<mark>{escape(text[match.start() : match.end()])}</mark>")
            cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    # Every piece of the text was escaped above; only the <mark> tags are ours.
    return mark_safe(prefix + "".join(pieces) + suffix), prefix + plain + suffix  # noqa: S308


# --- Results --------------------------------------------------------------------------------


def _comment_url(comment: Comment) -> str:
    kwargs = {"slug": comment.consultation.slug, "proposal": comment.proposal.slug}
    if comment.section_id:
        url = reverse("proposals:section", kwargs={**kwargs, "key": comment.section.key})
    else:
        url = reverse("comments:draft_comments", kwargs=kwargs)
    return f"{url}#comment-{comment.pk}"


def _result(kind: str, obj, words: list[str], language: str) -> Result:
    consultation = institution = None
    byline = ""
    if kind == "consultation":
        consultation, institution = obj, obj.institution
        title, body = obj.title_in(language), obj.summary_in(language) or obj.summary
        url = obj.get_absolute_url()
    elif kind == "article":
        consultation = obj.proposal.consultation
        institution = consultation.institution
        title = f"{obj.label} · {obj.proposal.title}"
        body = obj.body
        url = reverse(
            "proposals:section",
            kwargs={"slug": consultation.slug, "proposal": obj.proposal.slug, "key": obj.key},
        )
    elif kind == "comment":
        consultation, institution = obj.consultation, obj.consultation.institution
        byline = public_author(obj)
        title = str(_("Comment by %(author)s")) % {"author": byline}
        body = obj.body
        url = _comment_url(obj)
    elif kind == "paper":
        consultation, institution = obj.consultation, obj.consultation.institution
        byline = obj.organisation.name
        title, body = obj.title, obj.summary
        pattern = _pattern(words)
        if pattern and obj.attachment_text and not pattern.search(fold(obj.summary or "")):
            body = obj.attachment_text  # the words are in the PDF: show them there
        url = (
            reverse("comments:paper_list", kwargs={"slug": consultation.slug})
            + f"?paper={obj.tracking_number}#paper-{obj.tracking_number}"
        )
    else:
        institution = obj
        title, body = obj.name, obj.description
        url = reverse("plans:institution", kwargs={"slug": obj.slug})
    title_html, _plain = highlight(title, words)
    snippet, snippet_text = highlight(body, words, limit=SNIPPET_CHARS)
    return Result(
        type=kind,
        title=title,
        title_html=title_html,
        url=url,
        snippet=snippet,
        snippet_text=snippet_text,
        consultation=consultation,
        institution=institution,
        byline=byline,
        date=getattr(obj, "created_at", None) if kind != "consultation" else obj.opens_at,
    )


def search(query: SearchQuery, *, now: dt.datetime | None = None) -> SearchPage:
    """One page of results for ``query`` (an empty query finds nothing)."""
    now = now or timezone.now()
    result = SearchPage(query=query)
    if not query.terms:
        return result
    matching = {kind: _matching(kind, query, now) for kind in KINDS}
    matching = {kind: qs for kind, qs in matching.items() if qs is not None}
    result.facets = {kind: qs.count() for kind, qs in matching.items()}
    chosen = [query.type] if query.type else list(matching)
    chosen = [kind for kind in chosen if result.facets.get(kind)]
    result.count = sum(result.facets[kind] for kind in chosen)
    if not result.count:
        return result
    result.pages = -(-result.count // PAGE_SIZE)
    result.page = min(max(query.page, 1), result.pages)
    offset = (result.page - 1) * PAGE_SIZE
    parts = [
        matching[kind].order_by().values_list("result_type", "pk", "rank", "result_date")
        for kind in chosen
    ]
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    rows = list(
        union.order_by(F("rank").desc(), F("result_date").desc(nulls_last=True), "pk")[
            offset : offset + PAGE_SIZE
        ]
    )
    loaded = {kind: _load(kind, [pk for k, pk, _r, _d in rows if k == kind]) for kind in chosen}
    language = get_language() or "sq"
    words = query.terms
    for kind, pk, _rank, _date in rows:
        obj = loaded[kind].get(pk)
        if obj is not None:
            result.results.append(_result(kind, obj, words, language))
    return result


def institutions_for_filter() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).only("slug", "name")
