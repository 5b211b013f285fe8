"""Pure Python: which row of a sheet is its header, and the column names made from it.

Exports put title rows, notes and logos above the header; the header is found among the first
rows by what it holds (labels, not numbers, dates or emails), and its names are made unique and
non-empty so every column can be mapped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from gui.core.sheets.damage import _NUMBER

#: How many rows from the top the header may sit at (title rows, notes, logos above it).
HEADER_SCAN_ROWS = 30

_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _looks_like_data(value: str) -> bool:
    text = value.strip()
    return bool(_NUMBER.match(text) or _DATE_LIKE.match(text) or "@" in text)


def detect_header(rows: list[list[str]]) -> int:
    """The 0-based index of the header among the first rows.

    The header is the first row that fills at least half of the widest row's cells (title rows,
    notes and logos fill one or two) and holds mostly labels rather than numbers, dates or
    emails. If no row qualifies, row 0.
    """
    counts = [sum(1 for v in row if v.strip()) for row in rows]
    widest = max(counts, default=0)
    if widest == 0:
        return 0
    need = max(2 if widest >= 2 else 1, math.ceil(widest * 0.5))
    for index, row in enumerate(rows):
        if counts[index] < need:
            continue
        filled = [v for v in row if v.strip()]
        data_like = sum(1 for v in filled if _looks_like_data(v))
        if data_like * 2 <= len(filled):
            return index
    return next((i for i, c in enumerate(counts) if c), 0)


def unique_names(header: Sequence[str], width: int) -> list[str]:
    """Header names made unique and non-empty, keeping every column.

    Empty names become ``Column N`` (N is the 1-based column position, as in the file);
    repeats get `` (2)``, `` (3)``... in order.
    """
    base = [(header[i].strip() if i < len(header) else "") or f"Column {i + 1}" for i in range(width)]
    used: set[str] = set()
    names: list[str] = []
    for name in base:
        candidate = name
        suffix = 2
        while candidate.casefold() in used:
            candidate = f"{name} ({suffix})"
            suffix += 1
        used.add(candidate.casefold())
        names.append(candidate)
    return names
