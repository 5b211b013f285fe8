"""Pure Python: a big .xlsx worksheet parsed in pieces on two threads.

Calamine parses a worksheet on one core (about 1.2 s for 100k rows x 12 columns on this project's
2-core reference machine) and releases the GIL while it does. Cut between ``<row>`` elements,
each piece of the sheet XML is a valid worksheet of its own. The pieces are written as extra
sheets of one uncompressed copy of the workbook (beside its shared strings and styles), and two
threads, each with its own handle on that copy, take pieces in turn until none is left. There
are more pieces than threads so that a core slowed by other work takes fewer of them.

Anything unusual (a small sheet, rows without ``r`` numbers, markup the cut does not
recognise, no room for the temporary file, a piece calamine refuses) gives None and the caller
parses the sheet whole, so this is only ever a faster way to the same rows.
"""

from __future__ import annotations

import re
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Worksheet XML (uncompressed) below this size is parsed whole: cutting would not pay.
SPLIT_ABOVE_BYTES = 16 * 1024 * 1024
#: Pieces per sheet, shared by :data:`THREADS` threads (more pieces: finer sharing, but each
#: thread handle parses the shared strings once, so threads are kept to the cores).
PIECES = 4
THREADS = 2

_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_WORKSHEET_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

Rows = list[list[object]]


@dataclass(frozen=True)
class _Piece:
    """One run of rows of the sheet, as a worksheet of its own.

    Attributes:
        xml: The worksheet XML.
        first_row: 0-based sheet row of its first ``<row>``.
    """

    xml: bytes
    first_row: int


def read_rows(path: Path, part: str, sheet_name: str) -> Rows | None:
    """The typed rows of a worksheet from cell A1, as calamine gives them, or None.

    Args:
        path: The .xlsx/.xlsm workbook.
        part: The worksheet's part name in the package (``xl/worksheets/sheet1.xml``).
        sheet_name: The worksheet's name in the workbook.

    Returns:
        The rows, or None when the sheet is small or cannot be cut (the caller reads it whole).
    """
    import python_calamine

    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo(part).file_size < SPLIT_ABOVE_BYTES:
                return None
            pieces = cut(archive.read(part), PIECES)
            if pieces is None:
                return None
            with tempfile.TemporaryDirectory(prefix="leadloader-") as folder:
                copy = Path(folder) / "pieces.xlsx"
                names = _write_pieces(archive, part, sheet_name, pieces, copy)
                if names is None:
                    return None
                parsed = _parse_pieces(copy, names)
    except (OSError, KeyError, zipfile.BadZipFile, python_calamine.CalamineError):
        return None
    return _join(parsed, [piece.first_row for piece in pieces])


def cut(xml: bytes, count: int) -> list[_Piece] | None:
    """The sheet XML as up to ``count`` worksheets, cut at rows spread evenly over its bytes."""
    opening = _SHEET_DATA.search(xml)
    if opening is None:
        return None
    prefix = opening.group(1)
    begin = opening.end()
    end = xml.rfind(b"</" + prefix + b"sheetData>")
    if end < begin:
        return None
    row_tag = b"<" + prefix + b"row "
    starts = [begin]
    rows = [0]
    for index in range(1, count):
        at = xml.find(row_tag, begin + (end - begin) * index // count)
        if at < 0 or at >= end or at <= starts[-1]:
            continue
        number = _ROW_NUMBER.search(xml, at, xml.find(b">", at))
        if number is None:
            return None  # rows without numbers: a later piece would start again at row 1
        starts.append(at)
        rows.append(int(number.group(1)) - 1)
    if len(starts) < 2:
        return None
    head, tail = xml[:begin], xml[end:]
    bounds = [*starts, end]
    return [_Piece(head + xml[bounds[i] : bounds[i + 1]] + tail, rows[i]) for i in range(len(starts))]


def _write_pieces(
    archive: zipfile.ZipFile, part: str, sheet_name: str, pieces: list[_Piece], target: Path
) -> list[str] | None:
    """One uncompressed copy of the workbook whose sheet is the first piece, the others added.

    Only the package's own parts are copied (not other sheets, drawings or media). The added
    sheets are registered in the workbook, its relationships and the content types by inserting
    entries before the closing tags; None when those tags are not where expected.
    """
    names = [sheet_name] + [f"leadloader piece {i}" for i in range(1, len(pieces))]
    added = [f"xl/leadloader_piece_{i}.xml" for i in range(1, len(pieces))]
    sheets = "".join(
        f'<sheet name="{names[i]}" sheetId="{60000 + i}" r:id="rIdLeadLoader{i}"/>'
        for i in range(1, len(pieces))
    )
    rels = "".join(
        f'<Relationship Id="rIdLeadLoader{i}" Type="{_WORKSHEET_TYPE}" Target="leadloader_piece_{i}.xml"/>'
        for i in range(1, len(pieces))
    )
    types = "".join(f'<Override PartName="/{name}" ContentType="{_WORKSHEET_CONTENT}"/>' for name in added)
    edits = {
        "xl/workbook.xml": (b"</sheets>", sheets),
        "xl/_rels/workbook.xml.rels": (b"</Relationships>", rels),
        "[Content_Types].xml": (b"</Types>", types),
    }
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for name in archive.namelist():
            if name == part:
                out.writestr(name, pieces[0].xml)
            elif name in edits:
                closing, entries = edits.pop(name)
                data = archive.read(name)
                at = data.rfind(closing)
                if at < 0:
                    return None
                out.writestr(name, data[:at] + entries.encode() + data[at:])
            elif _workbook_part(name):
                out.writestr(name, archive.read(name))
        for name, piece in zip(added, pieces[1:], strict=True):
            out.writestr(name, piece.xml)
    return None if "xl/workbook.xml" in edits or "xl/_rels/workbook.xml.rels" in edits else names


def _workbook_part(name: str) -> bool:
    if "/" not in name or name.startswith(("_rels/", "xl/_rels/")):
        return True
    return name.startswith("xl/") and name.count("/") == 1


def _parse_pieces(path: Path, names: list[str]) -> list[tuple[Rows, tuple[int, int] | None]]:
    """Every piece's rows and first cell, parsed by :data:`THREADS` threads taking turns."""
    results: list[tuple[Rows, tuple[int, int] | None] | None] = [None] * len(names)
    turn = iter(range(len(names)))
    lock = threading.Lock()

    def work() -> None:
        import python_calamine

        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            while True:
                with lock:
                    index = next(turn, None)
                if index is None:
                    return
                results[index] = _rows_of(workbook.get_sheet_by_name(names[index]), from_a1=index == 0)
        finally:
            workbook.close()

    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="calamine-piece") as pool:
        for done in [pool.submit(work) for _ in range(THREADS)]:
            done.result()
    return [result for result in results if result is not None]


def _rows_of(sheet: Any, *, from_a1: bool) -> tuple[Rows, tuple[int, int] | None]:
    """A piece's rows and where its first cell is (row, column); the first piece from A1."""
    start: tuple[int, int] | None = sheet.start
    if start is None:
        return [], None
    rows: Rows = sheet.to_python(skip_empty_area=not from_a1)
    return rows, start


def _join(parsed: list[tuple[Rows, tuple[int, int] | None]], first_rows: list[int]) -> Rows | None:
    """The pieces as one grid from A1, with the blank rows and columns the sheet has."""
    if len(parsed) != len(first_rows):
        return None
    grid: Rows = list(parsed[0][0])
    for (rows, start), first_row in zip(parsed[1:], first_rows[1:], strict=True):
        if start is None or not rows:
            continue
        row, column = start
        if row < max(first_row, len(grid)):
            return None  # pieces overlap: not a cut this module understands
        grid.extend([] for _ in range(row - len(grid)))
        if column:
            grid.extend([*([""] * column), *cells] for cells in rows)
        else:
            grid.extend(rows)
    if not grid:
        return grid
    width = max(map(len, grid))
    return [cells if len(cells) == width else cells + [""] * (width - len(cells)) for cells in grid]
