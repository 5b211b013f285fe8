"""Pure Python: open a lead file (.xlsx .xlsm .xls .ods .csv .tsv .txt) as the text a person sees.

Sales-ops files are where lead data gets damaged: zip codes lose their leading zero, phones their
``+``, ids become ``4.47E+11``, "NA" (Namibia) becomes a missing value. This module never types a
cell: every value is the string Excel would show, empty cells are "", and whatever looks already
damaged by Excel is reported as a :class:`ColumnNote` instead of being silently "fixed".

Known limits (each measured or tested, see tests/core/test_sheets.py):
- Number formats are applied for .xlsx/.xlsm only, one per column, taken from the styles of the
  first 200 data rows; .xls and .ods numbers print plainly (integral floats without ".0").
- Excel error cells (``#N/A``, ``#DIV/0!``) come back as "" (calamine gives no text for them).
- Between Latin code pages a tie goes to Windows-1252: a short Czech cp1250 file can be read
  as cp1252; the user switches the encoding in the preview.
- Calamine parses a worksheet in one call: cancel is checked before and after it and between
  columns, not inside it (about 1.5 s per 100k x 12 cells here).
- A text file is read whole into memory before the parse (150 MB for 1M rows, briefly). Mapping
  it would save a copy, but a program truncating the file mid-load would then kill the process.

The text path is :mod:`.delimited`, the finishing both share is :mod:`.sheet`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.errors import SheetError
from gui.core.sheets.cell_text import Column, ColumnFacts, cell_text, column_text, value_kinds
from gui.core.sheets.damage import ColumnNote
from gui.core.sheets.delimited import load_text, preview_text
from gui.core.sheets.files import SUPPORTED_SUFFIXES, checked, guard, read_bytes, report
from gui.core.sheets.header import HEADER_SCAN_ROWS, detect_header, unique_names
from gui.core.sheets.number_formats import render_number
from gui.core.sheets.sheet import ReadFacts, Sheet, finish_sheet
from gui.core.sheets.styles import STYLE_SAMPLE_ROWS, column_formats
from gui.core.sheets.workbooks import read_grid, sniff_container, workbook_sheet_names

__all__ = [
    "EXCEL_SUFFIXES",
    "HEADER_SCAN_ROWS",
    "SUPPORTED_SUFFIXES",
    "ColumnNote",
    "Sheet",
    "detect_header",
    "list_sheets",
    "load_sheet",
    "preview_rows",
    "unique_names",
]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def list_sheets(path: str | Path) -> list[str]:
    """Worksheet names of a workbook, in order; an empty list for a text file.

    Raises:
        SheetError: The file is missing, unreadable, of another type, or damaged.
    """
    file = checked(path)
    if file.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    _sniff(file)
    return guard(file, lambda: workbook_sheet_names(file))


def preview_rows(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    rows: int = 30,
) -> list[list[str]]:
    """The first raw rows of the file as text, before any header is chosen.

    For the dialog where the user picks the header row, the encoding or the delimiter and sees
    the effect at once; it reads only the start of a text file, so it stays instant on big files.
    """
    file = checked(path)
    if file.suffix.lower() in EXCEL_SUFFIXES:
        _sniff(file)
        grid = guard(file, lambda: read_grid(file, sheet, style_rows=rows))
        return _grid_text(grid.styles, grid.rows[:rows], 0)
    return preview_text(file, encoding, delimiter, rows)


def load_sheet(  # noqa: PLR0917 - the published signature takes these positionally
    path: str | Path,
    sheet: str | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Sheet:
    """Load one sheet of a lead file as text.

    Args:
        path: The file.
        sheet: Worksheet name (workbooks only); None for the first.
        header_row: 0-based row of the header in the file; None to detect it.
        encoding: Text files: the encoding; None to detect it.
        delimiter: Text files: the field separator; None to detect it.
        progress: Told about each block read.
        cancel: Checked between blocks; :class:`~gui.core.errors.Cancelled` stops the load.

    Raises:
        SheetError: The file cannot be read as a sheet; the message says why.
        Cancelled: ``cancel`` was triggered.
    """
    file = checked(path)
    if header_row is not None and header_row < 0:
        raise SheetError(file, f"the header row must be 0 or more, not {header_row}.")
    report(progress, 0, f"Opening {file.name}")
    if file.suffix.lower() in EXCEL_SUFFIXES:
        return _load_workbook(file, sheet, header_row, progress, cancel)
    return load_text(file, header_row, encoding, delimiter, progress=progress, cancel=cancel)


def _sniff(file: Path) -> None:
    sniff_container(file, read_bytes(file, 8))


# --------------------------------------------------------------------------------------------
# Workbooks
# --------------------------------------------------------------------------------------------


def _grid_text(styles: Sequence[dict[int, str]], rows: list[list[object]], first_row: int) -> list[list[str]]:
    """Rows of typed cells as text, numbers through their column's format."""
    numeric = {
        index
        for row in rows
        for index, value in enumerate(row)
        if isinstance(value, float | int) and not isinstance(value, bool)
    }
    formats = column_formats(styles, first_row, numeric)
    out: list[list[str]] = []
    for row in rows:
        texts = []
        for index, value in enumerate(row):
            code = formats.get(index)
            if code and isinstance(value, float | int) and not isinstance(value, bool):
                texts.append(render_number(value, code))
            else:
                texts.append(cell_text(value))
        out.append(texts)
    return out


def _load_workbook(
    file: Path,
    sheet: str | None,
    header_row: int | None,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Sheet:
    _sniff(file)
    check(cancel)
    report(progress, 0, f"Reading {file.name}")
    scan = HEADER_SCAN_ROWS if header_row is None else header_row + 1
    style_rows = scan + STYLE_SAMPLE_ROWS
    grid = guard(file, lambda: read_grid(file, sheet, style_rows=style_rows))
    check(cancel)
    rows: list[list[object]] = grid.rows
    if not any(_filled(v) for row in rows for v in row):
        raise SheetError(file, f'the sheet "{grid.sheet_name}" has no data.')
    if header_row is None:
        header_row = detect_header(_grid_text(grid.styles, rows[:HEADER_SCAN_ROWS], 0))
    if header_row >= len(rows):
        raise SheetError(file, f"the header row {header_row + 1} is below the last row ({len(rows)}).")
    header = _grid_text(grid.styles, [rows[header_row]], header_row)[0]
    body = rows[header_row + 1 :]
    width = max(map(len, rows), default=0)
    # One 2-D object array (calamine rows are all the sheet's width) gives cheap column views.
    table = np.empty((len(body), width), dtype=object)
    try:
        table[:] = body
    except ValueError:  # rows of different lengths: pad them
        table[:] = ""
        for index, row in enumerate(body):
            table[index, : len(row)] = row
    transposed: list[Column] = [table[:, index] for index in range(width)]
    kinds = [value_kinds(values) for values in transposed]
    numeric = [index for index, found in enumerate(kinds) if found & {float, int}]
    formats = column_formats(grid.styles, header_row + 1, numeric)
    columns: list[Column] = []
    facts: dict[int, ColumnFacts] = {}
    for index, values in enumerate(transposed):
        check(cancel)
        column, column_facts = column_text(values, formats.get(index), kinds[index])
        columns.append(column)
        facts[index] = column_facts
        report(progress, index + 1, f"Converting column {index + 1} of {width}", width)
    read = ReadFacts(header_row, sheet_name=grid.sheet_name, sheet_names=grid.sheet_names)
    return finish_sheet(file, header, columns, read, facts=facts)


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))
