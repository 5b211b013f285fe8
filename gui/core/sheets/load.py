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
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Progress
from gui.core.errors import SheetError
from gui.core.sheets.cell_text import ColumnFacts, cell_text, column_text, value_kinds
from gui.core.sheets.damage import _NUMBER, ColumnNote, damage_notes
from gui.core.sheets.delimited import (
    Dialect,
    NotUtf8,
    blank_mask,
    dialect_of,
    preview_records,
    read_columns,
    to_utf8,
)
from gui.core.sheets.number_formats import render_number
from gui.core.sheets.styles import STYLE_SAMPLE_ROWS, column_formats
from gui.core.sheets.workbooks import read_grid, sniff_container, workbook_sheet_names

SUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: How many rows from the top the header may sit at (title rows, notes, logos above it).
HEADER_SCAN_ROWS = 30

Column = np.ndarray[Any, Any]
_T = TypeVar("_T")


@dataclass(frozen=True, eq=False)
class Sheet:
    """A loaded sheet: text cells and the facts of how the file was read.

    Attributes:
        path: The file.
        frame: One object column of ``str`` per source column; empty cells are "".
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


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def list_sheets(path: str | Path) -> list[str]:
    """Worksheet names of a workbook, in order; an empty list for a text file.

    Raises:
        SheetError: The file is missing, unreadable, of another type, or damaged.
    """
    file = _checked(path)
    if file.suffix.lower() not in EXCEL_SUFFIXES:
        return []
    _sniff(file)
    return _guard(file, lambda: workbook_sheet_names(file))


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
    file = _checked(path)
    if file.suffix.lower() in EXCEL_SUFFIXES:
        _sniff(file)
        grid = _guard(file, lambda: read_grid(file, sheet, style_rows=rows))
        return _grid_text(grid.styles, grid.rows[:rows], 0)
    head = _read_bytes(file, limit=1 << 20)
    dialect = _dialect(file, head, encoding, delimiter, whole=False)
    utf8 = to_utf8(head, dialect.encoding, dialect.bom)
    try:
        return [record for record, _end in preview_records(utf8, dialect.delimiter, rows)]
    except ValueError as error:
        raise SheetError(file, str(error)) from error


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
    file = _checked(path)
    if header_row is not None and header_row < 0:
        raise SheetError(file, f"the header row must be 0 or more, not {header_row}.")
    _report(progress, 0, f"Opening {file.name}")
    if file.suffix.lower() in EXCEL_SUFFIXES:
        return _load_workbook(file, sheet, header_row, progress, cancel)
    return _load_text(file, header_row, encoding, delimiter, progress=progress, cancel=cancel)


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


def _checked(path: str | Path) -> Path:
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        known = " ".join(SUPPORTED_SUFFIXES)
        shown = suffix or "(no extension)"
        raise SheetError(file, f"files of type {shown} cannot be opened. Supported: {known}.")
    try:
        size = file.stat().st_size
    except FileNotFoundError as error:
        raise SheetError(file, f"the file was not found ({file}).") from error
    except PermissionError as error:
        raise SheetError(file, "permission denied: the file cannot be read by this user.") from error
    if file.is_dir():
        raise SheetError(file, "this is a folder, not a file.")
    if size == 0:
        raise SheetError(file, "the file is empty (0 bytes).")
    return file


def _read_bytes(file: Path, limit: int = -1) -> bytes:
    try:
        with file.open("rb") as handle:
            return handle.read(limit)
    except PermissionError as error:
        raise SheetError(file, "permission denied: the file cannot be read by this user.") from error
    except OSError as error:
        raise SheetError(file, f"the file cannot be read ({error.strerror or error}).") from error


def _sniff(file: Path) -> None:
    sniff_container(file, _read_bytes(file, 8))


def _guard(file: Path, action: Callable[[], _T]) -> _T:
    try:
        return action()
    except PermissionError as error:
        raise SheetError(file, "permission denied: the file cannot be read by this user.") from error


def _report(progress: ProgressCallback | None, done: int, message: str, total: int = 0) -> None:
    if progress is not None:
        progress(Progress(done, total, message))


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
    _report(progress, 0, f"Reading {file.name}")
    scan = HEADER_SCAN_ROWS if header_row is None else header_row + 1
    style_rows = scan + STYLE_SAMPLE_ROWS
    grid = _guard(file, lambda: read_grid(file, sheet, style_rows=style_rows))
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
        _report(progress, index + 1, f"Converting column {index + 1} of {width}", width)
    first_data = header_row + 2  # 1-based row number of the first body row
    return _finish(
        file,
        header,
        columns,
        first_data,
        header_row=header_row,
        sheet_name=grid.sheet_name,
        sheet_names=grid.sheet_names,
        encoding=None,
        delimiter=None,
        facts=facts,
    )


def _filled(value: object) -> bool:
    return not (value is None or (isinstance(value, str) and not value.strip()))


# --------------------------------------------------------------------------------------------
# Text files
# --------------------------------------------------------------------------------------------


def _dialect(
    file: Path, data: bytes, encoding: str | None, delimiter: str | None, *, whole: bool = True
) -> Dialect:
    if delimiter is not None and len(delimiter) != 1:
        raise SheetError(file, f'the delimiter must be one character, not "{delimiter}".')
    try:
        return dialect_of(data, file.suffix.lower(), encoding, delimiter, whole=whole)
    except ValueError as error:
        raise SheetError(file, str(error)) from error


def _load_text(
    file: Path,
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Sheet:
    data = _read_bytes(file)
    check(cancel)
    if len(data) < (1 << 20) and not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SheetError(file, "the file holds no data (only blank lines).")
    # The encoding is first judged on the start of the file; the fast reader checks the rest and
    # a late non-UTF-8 byte sends us back here once, with the whole file examined.
    dialect = _dialect(file, data, encoding, delimiter, whole=False)
    try:
        return _parse_text(
            file, data, dialect, header_row, strict=encoding is None, progress=progress, cancel=cancel
        )
    except NotUtf8:
        check(cancel)
    dialect = _dialect(file, data, None, dialect.delimiter if delimiter is None else delimiter, whole=True)
    return _parse_text(file, data, dialect, header_row, strict=False, progress=progress, cancel=cancel)


def _parse_text(
    file: Path,
    data: bytes,
    dialect: Dialect,
    header_row: int | None,
    *,
    strict: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Sheet:
    utf8 = to_utf8(data, dialect.encoding, dialect.bom)
    check(cancel)
    scan = HEADER_SCAN_ROWS if header_row is None else max(HEADER_SCAN_ROWS, header_row + 1)
    try:
        records = preview_records(utf8, dialect.delimiter, scan)
    except ValueError as error:
        raise SheetError(file, str(error)) from error
    whole_file = not records or records[-1][1] >= len(utf8)
    if whole_file and not any(v.strip() for record, _end in records for v in record):
        raise SheetError(file, "the file holds no data (only blank lines).")
    if header_row is None:
        header_row = detect_header([record for record, _end in records])
    if header_row >= len(records):
        raise SheetError(file, f"the header row {header_row + 1} is below the last row ({len(records)}).")
    header, start = records[header_row]
    columns, blank = read_columns(
        file,
        utf8,
        start,
        dialect.delimiter,
        max(1, len(header)),
        strict=strict and codecs.lookup(dialect.encoding).name == "utf-8",
        progress=progress,
        cancel=cancel,
    )
    return _finish(
        file,
        header,
        columns,
        header_row + 2,
        blank=blank,
        header_row=header_row,
        sheet_name=None,
        sheet_names=(),
        encoding=dialect.encoding,
        delimiter=dialect.delimiter,
        facts={},
    )


# --------------------------------------------------------------------------------------------
# Shared finishing: header names, blank rows, notes
# --------------------------------------------------------------------------------------------

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


def _finish(
    file: Path,
    header: Sequence[str],
    columns: list[Column],
    first_data: int,
    *,
    blank: np.ndarray[Any, np.dtype[np.bool_]] | None = None,
    header_row: int,
    sheet_name: str | None,
    sheet_names: tuple[str, ...],
    encoding: str | None,
    delimiter: str | None,
    facts: dict[int, ColumnFacts],
) -> Sheet:
    width = max(len(columns), len(header))
    length = len(columns[0]) if columns else 0
    while len(columns) < width:
        columns.append(np.full(length, "", dtype=object))
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
        if any(not (not v or v.isspace()) for v in columns[width - 1]):
            break
        columns.pop()
        width -= 1
    names = unique_names(header, width)
    frame = pd.DataFrame(dict(zip(names, columns, strict=True)), copy=False)
    if frame.columns.size == 0:
        raise SheetError(file, "the sheet has no columns.")
    notes = damage_notes(names, columns, facts)
    return Sheet(
        path=file,
        frame=frame,
        sheet_name=sheet_name,
        sheet_names=sheet_names,
        header_row=header_row,
        encoding=encoding,
        delimiter=delimiter,
        rows_dropped=dropped,
        notes=tuple(notes),
        source_rows=source_rows,
    )
