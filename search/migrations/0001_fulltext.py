"""PostgreSQL: the ``unaccent`` extension, the ``konsulta_fold`` function and one GIN index per
searched document (``search.documents``). Nothing on SQLite (``search.apps`` registers the fold
function on each connection instead).

``unaccent()`` is only STABLE (its dictionary could change), so it cannot appear in an index
expression; ``konsulta_fold`` names the dictionary explicitly and is declared IMMUTABLE, the usual
way to index unaccented text.
"""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations

# The documents as they were when this migration was written (search.documents may change later;
# a later change adds its own migration): index name, table, columns.
DOCUMENTS = (
    ("search_consultation_fts", "consult_consultation", ("title", "summary")),
    ("search_article_fts", "proposals_section", ("title", "body")),
    ("search_comment_fts", "comments_comment", ("body",)),
    ("search_paper_fts", "comments_positionpaper", ("title", "summary", "attachment_text")),
    ("search_institution_fts", "accounts_organisation", ("name", "description")),
)


def vector_sql(columns) -> str:
    text = " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)
    return f"to_tsvector('simple'::regconfig, konsulta_fold({text}))"

FOLD_FUNCTION = """
CREATE OR REPLACE FUNCTION konsulta_fold(text) RETURNS text AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$ LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FOLD_FUNCTION)
    for index_name, table, columns in DOCUMENTS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index_name} ON {table} USING gin ({vector_sql(columns)})"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for index_name, _table, _columns in DOCUMENTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index_name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS konsulta_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("consult", "0001_initial"),
        ("proposals", "0001_initial"),
        ("comments", "0001_initial"),
    ]

    operations = [
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards),
    ]
