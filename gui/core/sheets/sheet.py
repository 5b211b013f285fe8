"""Pure Python: a loaded sheet, and the finishing every reader shares (blank rows, names, notes).

Workbooks and text files arrive here as text columns under a header row; what is left is the
same for both: rows with nothing in them are dropped (their file row numbers kept for the
rest), trailing unnamed empty columns (a formatted range) are cut, names are made unique and
the columns Excel seems to have damaged get their notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gui.core.errors import SheetError
from gui.core.sheets.cell_text import ColumnFacts, Mask
from gui.core.sheets.damage import ColumnNote, damage_notes
from gui.core.sheets.header import unique_names
from gui.core.sheets.text_columns import SheetColumn, filled_cells


@dataclass(frozen=True, eq=False)
class Sheet:
    """A loaded sheet: text cells and the facts of how the file was read.

    Attributes:
        path: The file.
        frame: One text column per source column; empty cells are "". A text file's columns
            are arrow-backed (:mod:`.text_columns`), a workbook's hold ``str`` objects.
        sheet_name: The worksheet read, None for a text file.
        sheet_names: Every worksheet of the workbook (empty for a text file).
        header_row: 0-based index in the file of the row used as the header.
        encoding: The text encoding (text files only).
        delimiter: The field separator (text files only).
        rows_dropped: Blank rows (and phantom formatted rows) below the header left out.
        notes: Suspicious columns, in column order.
        source_rows: For each frame row, its 1-based row number in the file as Excel numbers it
            (a record that spans lines inside quotes counts once).
    """

    path: Path
    frame: pd.DataFrame
    sheet_name: str | None
    sheet_names: tuple[str, ...]
    header_row: int
    encoding: str | None
    delimiter: str | None
    rows_dropped: int
    notes: tuple[ColumnNote, ...] = ()
    source_rows: np.ndarray[Any, np.dtype[np.int64]] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )

    def file_row(self, index: int) -> int:
        """The 1-based row number in the file of frame row ``index`` (what Excel shows)."""
        return int(self.source_rows[index])

    def notes_for(self, column: str) -> tuple[ColumnNote, ...]:
        """The notes of one column."""
        return tuple(n for n in self.notes if n.column == column)


@dataclass(frozen=True)
class ReadFacts:
    """How a file was read, carried from its reader into the :class:`Sheet` (same names).

    Attributes:
        header_row: 0-based index in the file of the header row.
        sheet_name: The worksheet read (workbooks).
        sheet_names: Every worksheet of the workbook.
        encoding: The text encoding (text files).
        delimiter: The field separator (text files).
    """

    header_row: int
    sheet_name: str | None = None
    sheet_names: tuple[str, ...] = ()
    encoding: str | None = None
    delimiter: str | None = None


def finish_sheet(
    file: Path,
    header: Sequence[str],
    columns: Sequence[SheetColumn],
    read: ReadFacts,
    *,
    blank: Mask | None = None,
    facts: dict[int, ColumnFacts] | None = None,
) -> Sheet:
    """The sheet of the text ``columns`` found below the ``header`` row.

    Args:
        file: The file, for the sheet and its errors.
        header: The header row's cells (may be shorter or longer than ``columns``).
        columns: One text column per source column (``str`` objects or arrow-backed), every
            row below the header.
        read: How the file was read; the first body row is the one below ``read.header_row``.
        blank: The rows with only empty or space cells, if the reader already knows them.
        facts: What the workbook reader learnt of each column (for the notes).

    Raises:
        SheetError: No column is left.
    """
    width = max(len(columns), len(header))
    length = len(columns[0]) if columns else 0
    columns = list(columns)
    while len(columns) < width:
        columns.append(np.full(length, "", dtype=object))
    first_data = read.header_row + 2  # 1-based row number of the first body row
    source_rows = np.arange(first_data, first_data + length, dtype=np.int64)
    if blank is None or len(blank) != length:
        blank = blank_mask(columns)
    dropped = int(blank.sum())
    if dropped:
        keep = ~blank
        columns = [c[keep] for c in columns]
        source_rows = source_rows[keep]
    # Trailing columns with no name and no value are a formatted range, not data.
    while width > 1 and not (header[width - 1].strip() if width - 1 < len(header) else ""):
        if filled_cells(columns[width - 1]).any():
            break
        columns.pop()
        width -= 1
    names = unique_names(header, width)
    frame = pd.DataFrame(dict(zip(names, columns, strict=True)), copy=False)
    if frame.columns.size == 0:
        raise SheetError(file, "the sheet has no columns.")
    notes = damage_notes(names, columns, facts or {})
    return Sheet(
        path=file,
        frame=frame,
        rows_dropped=dropped,
        notes=tuple(notes),
        source_rows=source_rows,
        **asdict(read),
    )


def blank_mask(columns: Sequence[SheetColumn]) -> Mask:
    """Rows where every cell is empty or only spaces.

    Each column only looks at the rows still blank so far, so a full column is scanned once.
    """
    if not columns:
        return np.zeros(0, dtype=bool)
    mask = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            break
        mask[candidates[filled_cells(column[candidates])]] = False
    return mask
