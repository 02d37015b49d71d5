"""CSV: one row per submission (comments, replies and position papers), oldest first.

UTF-8 with a byte order mark (so that Excel reads ë, ç and Cyrillic right), comma separated,
CRLF line ends, every field quoted when needed (``csv.QUOTE_MINIMAL``), the header in the
export's language. The columns are ``reports.selectors.SUBMISSION_ROW_FIELDS`` (the values of
``iter_submission_rows``); the public variant leaves out the two columns that are only ever
filled in the private one (email, municipality or country).

Every cell goes through ``neutralise``: a cell that a spreadsheet would read as a formula starts
with an apostrophe instead.

``iter_chunks(source)`` yields the file in pieces of a few hundred rows, for a streamed
download; ``write(source, out)`` writes it to a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from operator import itemgetter

from reports.selectors import SUBMISSION_ROW_FIELDS, submission_row_headers

from .neutralise import TRIGGERS
from .source import RowMaker

BOM = "\ufeff"
ROWS_PER_CHUNK = 500
PRIVATE_ONLY = ("email", "location")


def columns(include_private: bool) -> list[str]:
    return [f for f in SUBMISSION_ROW_FIELDS if include_private or f not in PRIVATE_ONLY]


def iter_chunks(source, progress=None) -> Iterator[bytes]:
    fields = columns(source.include_private)
    headers = submission_row_headers()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([_safe(str(headers[f])) for f in fields])
    writerow = writer.writerow
    values = RowMaker().values
    pick = itemgetter(*[SUBMISSION_ROW_FIELDS.index(f) for f in fields])
    n = 0
    for entry in source.entries():
        # neutralise(), inlined: this loop is the export.
        writerow([("'" + v) if v and v[0] in TRIGGERS else v for v in pick(values(entry))])
        n += 1
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            if progress is not None:
                progress.tick(ROWS_PER_CHUNK)
    if progress is not None and n % ROWS_PER_CHUNK:
        progress.tick(n % ROWS_PER_CHUNK)
    yield buffer.getvalue().encode()


def _safe(value: str) -> str:
    return ("'" + value) if value and value[0] in TRIGGERS else value


def write(source, out, *, progress=None) -> None:
    for chunk in iter_chunks(source, progress):
        out.write(chunk)
