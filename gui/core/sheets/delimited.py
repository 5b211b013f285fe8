"""Pure Python: delimited text files (.csv .tsv .txt) read as the exact text of every cell.

The dialect (encoding, delimiter) is decided on the bytes first (:mod:`.text_dialect`), then the
header row among the first records (:mod:`.header`). The rows below it go through pyarrow's
parser with every column typed as string (:mod:`.arrow_blocks`); rows of a different length
(which pyarrow refuses) and bytes that are not UTF-8 fall back to the csv module, which keeps
every field.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Progress
from gui.core.errors import SheetError
from gui.core.sheets.arrow_blocks import LineBreakLost, read_arrow
from gui.core.sheets.cell_text import Column, Mask
from gui.core.sheets.files import read_bytes
from gui.core.sheets.header import HEADER_SCAN_ROWS, detect_header
from gui.core.sheets.sheet import ReadFacts, Sheet, blank_mask, finish_sheet
from gui.core.sheets.text_columns import SheetColumn, text_from_objects
from gui.core.sheets.text_dialect import Dialect, NotUtf8, dialect_of, preview_records, to_utf8

#: The start of a file shown while the user picks its header row, encoding or delimiter.
_PREVIEW_BYTES = 1 << 20


def preview_text(file: Path, encoding: str | None, delimiter: str | None, rows: int) -> list[list[str]]:
    """The first raw records of a text file, from its first megabyte (instant on big files)."""
    head = read_bytes(file, limit=_PREVIEW_BYTES)
    dialect = _dialect(file, head, encoding, delimiter, whole=False)
    utf8, start = to_utf8(head, dialect.encoding, dialect.bom)
    try:
        return [record for record, _end in preview_records(utf8, dialect.delimiter, rows, start)]
    except ValueError as error:
        raise SheetError(file, str(error)) from error


def load_text(
    file: Path,
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Sheet:
    """A text file as a sheet (see :func:`gui.core.sheets.load.load_sheet` for the arguments).

    The dialect and the header row are found in the file's first megabyte. A UTF-8 file (most
    exports) is then read by pyarrow from the byte after the header, never copied whole into
    Python memory; any other encoding is read whole and transcoded first.
    """
    head = read_bytes(file, limit=_PREVIEW_BYTES)
    check(cancel)
    whole = len(head) < _PREVIEW_BYTES
    if whole and not head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SheetError(file, "the file holds no data (only blank lines).")
    # The encoding is first judged on the start of the file; pyarrow checks the rest and a late
    # non-UTF-8 byte sends us back here once, with the whole file examined.
    dialect = _dialect(file, head, encoding, delimiter, whole=False)
    if _is_utf8(dialect.encoding):
        try:
            return _parse_text(
                file,
                head,
                dialect,
                header_row,
                complete=whole,
                strict=encoding is None,
                progress=progress,
                cancel=cancel,
            )
        except NotUtf8:
            check(cancel)
    data = head if whole else read_bytes(file)
    check(cancel)
    if _is_utf8(dialect.encoding):
        fixed = dialect.delimiter if delimiter is None else delimiter
        dialect = _dialect(file, data, None, fixed, whole=True)
    elif not whole:  # the code page is guessed on the whole file, as Excel would read it
        dialect = _dialect(file, data, encoding, delimiter, whole=False)
    return _parse_text(
        file, data, dialect, header_row, complete=True, strict=False, progress=progress, cancel=cancel
    )


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _dialect(
    file: Path, data: bytes, encoding: str | None, delimiter: str | None, *, whole: bool = True
) -> Dialect:
    if delimiter is not None and len(delimiter) != 1:
        raise SheetError(file, f'the delimiter must be one character, not "{delimiter}".')
    try:
        return dialect_of(data, file.suffix.lower(), encoding, delimiter, whole=whole)
    except ValueError as error:
        raise SheetError(file, str(error)) from error


def _parse_text(
    file: Path,
    data: bytes,
    dialect: Dialect,
    header_row: int | None,
    *,
    complete: bool,
    strict: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> Sheet:
    """The sheet of ``data``: the whole file (``complete``) or the first megabyte of a UTF-8 file."""
    utf8, text_start = to_utf8(data, dialect.encoding, dialect.bom)
    check(cancel)
    scan = HEADER_SCAN_ROWS if header_row is None else max(HEADER_SCAN_ROWS, header_row + 1)
    try:
        records = preview_records(utf8, dialect.delimiter, scan, text_start)
    except ValueError as error:
        if complete:
            raise SheetError(file, str(error)) from error
        records = []  # a quoted field left open at the cut: read the whole file below
    if not complete and (len(records) < scan or records[-1][1] >= len(utf8)):
        # The rows the header search needs reach past the first megabyte (the last may be cut).
        return _parse_text(
            file,
            read_bytes(file),
            dialect,
            header_row,
            complete=True,
            strict=strict,
            progress=progress,
            cancel=cancel,
        )
    whole_file = not records or records[-1][1] >= len(utf8)
    if whole_file and not any(v.strip() for record, _end in records for v in record):
        raise SheetError(file, "the file holds no data (only blank lines).")
    if header_row is None:
        header_row = detect_header([record for record, _end in records])
    if header_row >= len(records):
        raise SheetError(file, f"the header row {header_row + 1} is below the last row ({len(records)}).")
    header, start = records[header_row]
    seen = records[header_row + 1 :]
    row_bytes = (seen[-1][1] - start) / len(seen) if seen else 100.0
    columns, blank = read_columns(
        file,
        utf8,
        start,
        dialect.delimiter,
        max(1, len(header)),
        from_file=_is_utf8(dialect.encoding),
        row_bytes=row_bytes,
        strict=strict and _is_utf8(dialect.encoding),
        progress=progress,
        cancel=cancel,
    )
    read = ReadFacts(header_row, encoding=dialect.encoding, delimiter=dialect.delimiter)
    return finish_sheet(file, header, columns, read, blank=blank)


def read_columns(
    path: Path,
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    *,
    from_file: bool,
    row_bytes: float,
    strict: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[SheetColumn], Mask]:
    """Every record from byte ``start`` as text columns (at least ``width``), and the blank rows.

    pyarrow first, reading the file itself when ``from_file`` (``utf8`` is then the file's first
    bytes, at the same offsets); rows longer or shorter than the first one make it give up, and
    then the csv module reads the rest, padding short rows with "" (the caller names the extra
    columns). So do bytes that are not UTF-8 when the encoding was chosen by the user (each bad
    byte becomes the replacement character, so the user sees the wrong choice at once), and a
    file whose quoted line breaks pyarrow may have read wrong (:class:`LineBreakLost`).

    Raises:
        NotUtf8: ``strict`` is set and the bytes are not all UTF-8.
        SheetError: The file could not be read to its end.
    """
    import pyarrow as pa

    try:
        return read_arrow(
            path if from_file else utf8, start, delimiter, width, row_bytes, progress=progress, cancel=cancel
        )
    except pa.ArrowException as error:
        if isinstance(error, MemoryError):
            raise
        if strict and ("UTF8" in str(error) or "UTF-8" in str(error)):
            raise NotUtf8(str(error)) from error
        check(cancel)
    except LineBreakLost:
        check(cancel)
    except OSError as error:
        raise SheetError(path, f"the file cannot be read ({error.strerror or error}).") from error
    if from_file:
        utf8 = read_bytes(path)
    try:
        body = str(memoryview(utf8)[start:], "utf-8", "strict" if strict else "replace")
    except UnicodeDecodeError as error:
        raise NotUtf8(str(error)) from error
    rows = _read_python(path, body, delimiter, width, progress=progress, cancel=cancel)
    return [text_from_objects(column) for column in rows], blank_mask(rows)


def _read_python(
    path: Path,
    body: str,
    delimiter: str,
    width: int,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> list[Column]:
    """The records of ``body`` through the csv module, short rows padded to the widest."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    widest = width
    append = records.append
    try:
        for count, record in enumerate(reader, 1):
            append(record)
            widest = max(widest, len(record))
            if count % 50_000 == 0:
                check(cancel)
                if progress is not None:
                    progress(Progress(count, 0, f"Read {count:,} rows"))
    except csv.Error as error:
        problem = f"row {len(records) + 1} after the header cannot be read ({error})."
        raise SheetError(path, problem) from error
    columns: list[Column] = []
    for index in range(widest):
        column = np.empty(len(records), dtype=object)
        column[:] = [r[index] if index < len(r) else "" for r in records]
        columns.append(column)
    return columns
