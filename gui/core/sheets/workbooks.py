"""Pure Python: workbooks (.xlsx .xlsm .xls .ods) read as the text Excel shows.

Calamine (Rust) reads the cells fast; it does not give number formats, so the styles of the
first data rows are looked up for the columns holding numbers (:mod:`gui.core.sheets.styles`): in
the sheet XML for .xlsx/.xlsm, through xlrd for .xls, in the number styles for .ods
(:mod:`gui.core.sheets.ods`).
A big .xlsx sheet is parsed in pieces on two threads (:mod:`gui.core.sheets.pieces`).
"""

from __future__ import annotations

import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from gui.core.errors import SheetError
from gui.core.sheets import pieces as sheet_pieces
from gui.core.sheets.styles import sample_styles
from gui.core.sheets.xlsx_parts import _first_worksheet, _sheet_part

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Grid:
    """A worksheet as calamine typed it, from cell A1, with the facts the loader reports.

    Attributes:
        sheet_name: The sheet read.
        sheet_names: Every worksheet of the workbook, in order.
        rows: Typed cell values (str, float, bool, date, datetime, time, timedelta), from row 1.
        styles: Number formats of the number cells of the first rows, one ``{column: format}``
            per row (see :func:`sample_styles`); empty for formats without styles.
    """

    sheet_name: str
    sheet_names: tuple[str, ...]
    rows: list[list[object]]
    styles: tuple[dict[int, str], ...] = ()


def sniff_container(path: Path, head: bytes) -> None:
    """Explain files whose first bytes do not match their extension, before a parser guesses.

    Raises:
        SheetError: For an encrypted workbook, or a file that is not what its name says.
    """
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".ods") and head.startswith(CFB_SIGNATURE):
        with path.open("rb") as handle:
            blob = handle.read(1 << 20)
        if _ENCRYPTION_MARK in blob or b"EncryptionInfo" in blob:
            raise SheetError(
                path,
                "the workbook is password-protected (encrypted). Open it in Excel, remove the password "
                "(File > Info > Protect Workbook) and save a copy, then load that copy.",
            )
        raise SheetError(
            path,
            f"this is not a real {suffix} file: it is an old-style Office container, which is how Excel "
            "stores a password-protected workbook. Remove the password or save it again as .xlsx.",
        )
    if suffix in (".xlsx", ".xlsm", ".ods") and not head.startswith(ZIP_SIGNATURE):
        raise SheetError(path, f"this is not a {suffix} workbook (the file content is something else).")
    if suffix == ".xls" and not head.startswith((CFB_SIGNATURE, ZIP_SIGNATURE)):
        kind = "a web page (HTML)" if head.lstrip().startswith(b"<") else "not an Excel workbook"
        raise SheetError(
            path,
            f"this .xls file is {kind}. Many web apps export text with an .xls name: open it in Excel "
            "and save it as .xlsx, or rename it to .csv if it is plain text.",
        )


def _describe(error: Exception, path: Path) -> str:
    name = type(error).__name__
    text = str(error)
    if name == "PasswordError" or "password" in text.lower() or "encrypt" in text.lower():
        return "the workbook is password-protected. Remove the password in Excel and save a copy."
    if name == "ZipError" or "zip" in text.lower():
        return (
            "the workbook is damaged or incomplete (its zip container cannot be read). "
            "Re-save or re-download it."
        )
    if path.suffix.lower() == ".xls":
        return f"the .xls workbook is damaged or not an Excel file ({text})."
    return f"the workbook is damaged or not a {path.suffix} file ({text})."


def _open(path: Path) -> Any:
    import python_calamine

    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except (OSError, ValueError, python_calamine.CalamineError) as error:
        if isinstance(error, PermissionError):
            raise
        raise SheetError(path, _describe(error, path)) from error


def workbook_sheet_names(path: Path) -> list[str]:
    """Names of the worksheets (chart sheets and macro sheets are not data)."""
    workbook = _open(path)
    try:
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        return names or list(workbook.sheet_names)
    finally:
        workbook.close()


def read_grid(path: Path, sheet: str | None, *, style_rows: int = 0) -> Grid:
    """Typed cells of one worksheet (the first when ``sheet`` is None).

    The parse runs on a worker thread (calamine releases the GIL) while this thread opens the
    workbook and reads the number formats of the first ``style_rows`` rows. A big .xlsx sheet
    starts parsing in pieces (:mod:`gui.core.sheets.pieces`) before calamine has even
    opened the workbook for its sheet names; if the names say another sheet was meant, or the
    sheet cannot be cut, calamine parses the chosen sheet whole.

    Raises:
        SheetError: Unknown sheet name, damaged or protected workbook.
    """
    import python_calamine

    workbook = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="calamine") as pool:
            big = _big_sheet(path, sheet)
            early = pool.submit(sheet_pieces.read_rows, path, *big) if big else None
            workbook = _open(path)
            names = _worksheet_names(path, workbook)
            chosen = _chosen_sheet(path, names, sheet)
            if big is None or big[1] != chosen:
                early = None
            whole = pool.submit(_whole_rows, workbook, chosen) if early is None else None
            styles = sample_styles(path, chosen, style_rows)
            rows = early.result() if early is not None else None
            if rows is None:
                rows = (whole or pool.submit(_whole_rows, workbook, chosen)).result()
        return Grid(chosen, names, rows, styles)
    except python_calamine.CalamineError as error:
        raise SheetError(path, _describe(error, path)) from error
    finally:
        if workbook is not None:
            workbook.close()


def _worksheet_names(path: Path, workbook: Any) -> tuple[str, ...]:
    names = tuple(m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet"))
    names = names or tuple(workbook.sheet_names)
    if not names:
        raise SheetError(path, "the workbook has no worksheets.")
    return names


def _chosen_sheet(path: Path, names: tuple[str, ...], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet in names:
        return sheet
    listed = ", ".join(f'"{n}"' for n in names)
    raise SheetError(path, f'there is no sheet named "{sheet}". The sheets are: {listed}.')


def _whole_rows(workbook: Any, sheet_name: str) -> list[list[object]]:
    rows: list[list[object]] = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    return rows


def _big_sheet(path: Path, sheet: str | None) -> tuple[str, str] | None:
    """The part and name of the asked (or first) worksheet of a big .xlsx, or None.

    Read straight from the package, so the pieces can start before calamine opens the
    workbook; None for small sheets, other formats, or on any doubt.
    """
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            name = sheet if sheet is not None else _first_worksheet(archive)
            part = _sheet_part(archive, name) if name is not None else None
            if name is None or part is None:
                return None
            if archive.getinfo(part).file_size < sheet_pieces.SPLIT_ABOVE_BYTES:
                return None
            return part, name
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError):
        return None
