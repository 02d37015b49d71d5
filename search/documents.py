"""What search looks in: one "document" per kind of result, a few text columns of one table.

On PostgreSQL each document is ``to_tsvector('simple', konsulta_fold(col1 || ' ' || col2))``, with
a GIN index on exactly that expression (migration ``0001``), so a query uses the index. The
``simple`` configuration does no stemming (there is no Albanian dictionary); a query word
matches any word that starts with it (``pergjegj`` finds ``përgjegjësinë``), which stands in for
stemming. On SQLite the folded text is matched with ``LIKE``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    kind: str
    table: str
    columns: tuple[str, ...]

    def text_sql(self, qualified: bool = True) -> str:
        parts = [
            f'coalesce("{self.table}"."{c}", \'\')' if qualified else f"coalesce({c}, '')"
            for c in self.columns
        ]
        return "konsulta_fold(" + " || ' ' || ".join(parts) + ")"

    def vector_sql(self, qualified: bool = True) -> str:
        return f"to_tsvector('simple'::regconfig, {self.text_sql(qualified)})"

    @property
    def index_name(self) -> str:
        return f"search_{self.kind}_fts"


DOCUMENTS = {
    d.kind: d
    for d in (
        Document("consultation", "consult_consultation", ("title", "summary")),
        Document("article", "proposals_section", ("title", "body")),
        Document("comment", "comments_comment", ("body",)),
        Document("paper", "comments_positionpaper", ("title", "summary", "attachment_text")),
        Document("institution", "accounts_organisation", ("name", "description")),
    )
}
