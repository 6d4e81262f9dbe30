"""CSV that is safe to open in a spreadsheet: formula cells are neutralised.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some spreadsheets skip before reading one of those) is run as a
formula by Excel, LibreOffice and Google Sheets — ``=HYPERLINK(...)`` in a
rep's name or a scenario title becomes a live link, or worse, in the
manager's export. So every text cell that starts with one of those characters
gets a leading apostrophe (OWASP's advice: the spreadsheet shows the text as
typed). Numbers are written as numbers, so ``-3`` stays a number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["FORMULA_STARTS", "neutralise", "to_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` as a CSV cell: text a spreadsheet would evaluate gets a leading ``'``; the rest as is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: Iterable[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
    """Rows (dicts) as CSV text with a header; ``columns`` fixes the order (default: the first row's keys,
    then any new key in the order met). Every cell goes through ``neutralise``, the header too."""
    rows = list(rows)
    if columns is None:
        seen: dict[str, None] = {}
        for row in rows:
            seen.update(dict.fromkeys(row))
        columns = list(seen)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([neutralise(row.get(c)) for c in columns])
    return out.getvalue()
