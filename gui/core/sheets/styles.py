"""The number formats of a workbook's first rows: the .xlsx sheet XML, xlrd for .xls, ODS styles.

Calamine gives values but not formats; these decide how each number column is shown.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.etree import ElementTree as ET

from gui.core.sheets import ods as sheet_ods
from gui.core.sheets.xlsx_parts import _MAIN_NS, _sheet_part

#: Rows below the header whose cell styles decide a column's number format.
STYLE_SAMPLE_ROWS = 200
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")

#: The formats Excel numbers without writing them in the file (ECMA-376 18.8.30).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General",
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)',
    8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    12: "# ?/?",
    13: "# ??/??",
    14: "mm-dd-yy",
    15: "d-mmm-yy",
    16: "d-mmm",
    17: "mmm-yy",
    18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM",
    20: "h:mm",
    21: "h:mm:ss",
    22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)",
    38: "#,##0_);[Red](#,##0)",
    39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)',
    45: "mm:ss",
    46: "[h]:mm:ss",
    47: "mmss.0",
    48: "##0.0E+0",
    49: "@",
}


def sample_styles(path: Path, sheet_name: str, rows: int) -> tuple[dict[int, str], ...]:
    """The number format of each number cell in the first ``rows`` rows, one dict per row.

    Calamine gives values but not formats; reading a whole sheet with openpyxl for them would
    cost seconds. The format of a column is nearly always uniform, so the styles of its first
    rows decide it (:func:`column_formats`); the sheet XML is streamed and left early. Old
    binary .xls workbooks are asked through xlrd, OpenDocument ones through their number
    styles (:mod:`gui.core.sheets.ods`).
    """
    suffix = path.suffix.lower()
    if rows > 0 and suffix == ".xls":
        return _xls_styles(path, sheet_name, rows)
    if rows > 0 and suffix == ".ods":
        return sheet_ods.sample_styles(path, sheet_name, rows)
    if rows <= 0 or suffix not in (".xlsx", ".xlsm"):
        return ()
    try:
        with zipfile.ZipFile(path) as archive:
            sheet_part = _sheet_part(archive, sheet_name)
            formats = _style_formats(archive)
            if sheet_part is None or not formats:
                return ()
            return _read_styles(archive, sheet_part, formats, rows)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError):
        return ()


def _xls_styles(path: Path, sheet_name: str, rows: int) -> tuple[dict[int, str], ...]:
    """:func:`sample_styles` for a BIFF .xls workbook, from its XF records (through xlrd).

    xlrd reads the whole sheet to give the styles of its first rows; an .xls sheet holds at
    most 65,536 rows, and this runs while calamine parses the values on another thread.
    """
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception:  # any failure here only means "no formats": calamine reports damage
        return ()
    try:
        sheet = book.sheet_by_name(sheet_name)
        out: list[dict[int, str]] = []
        for row in range(min(rows, sheet.nrows)):
            found: dict[int, str] = {}
            for column, kind in enumerate(sheet.row_types(row)):
                if kind != xlrd.XL_CELL_NUMBER:
                    continue
                xf = book.xf_list[sheet.cell_xf_index(row, column)]
                found[column] = book.format_map[xf.format_key].format_str or "General"
            out.append(found)
        return tuple(out)
    except Exception:  # as above
        return ()
    finally:
        book.release_resources()


def column_formats(
    styles: Sequence[dict[int, str]], first_row: int, columns: Iterable[int]
) -> dict[int, str]:
    """The most common format of each wanted column's number cells from row ``first_row`` on.

    Columns whose numbers are General are left out (they render as plain numbers).
    """
    wanted = set(columns)
    seen: dict[int, Counter[str]] = {}
    for row in styles[first_row : first_row + STYLE_SAMPLE_ROWS]:
        for column, code in row.items():
            if column in wanted:
                seen.setdefault(column, Counter())[code] += 1
    result: dict[int, str] = {}
    for column, counter in seen.items():
        code, _count = counter.most_common(1)[0]
        if code.lower() != "general":
            result[column] = code
    return result


def _style_formats(archive: zipfile.ZipFile) -> list[str]:
    """Format code per cell style index (``s`` attribute)."""
    try:
        styles = ET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    custom: dict[int, str] = {}
    num_fmts = styles.find(f"{_MAIN_NS}numFmts")
    if num_fmts is not None:
        for node in num_fmts:
            custom[int(node.get("numFmtId", "0"))] = node.get("formatCode", "General")
    cell_xfs = styles.find(f"{_MAIN_NS}cellXfs")
    if cell_xfs is None:
        return []
    codes: list[str] = []
    for xf in cell_xfs:
        fmt_id = int(xf.get("numFmtId", "0"))
        codes.append(custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "General"))
    return codes


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _read_styles(
    archive: zipfile.ZipFile, part: str, formats: list[str], rows: int
) -> tuple[dict[int, str], ...]:
    """Format codes of the number cells of the first ``rows`` rows of a sheet part.

    Cell and row references (``r``) are optional in the file format; without them the position
    counts up, as Excel reads it.
    """
    out: list[dict[int, str]] = []
    row_index = -1
    column = -1
    cell_tag = f"{_MAIN_NS}c"
    row_tag = f"{_MAIN_NS}row"
    with archive.open(part) as stream:
        for event, node in ET.iterparse(stream, events=("start", "end")):
            tag = node.tag
            if event == "start":
                if tag == row_tag:
                    reference = node.get("r")
                    row_index = int(reference) - 1 if reference else row_index + 1
                    column = -1
                    if row_index >= rows:
                        break
                    out.extend({} for _ in range(row_index + 1 - len(out)))
                continue
            if tag == cell_tag:
                match = _CELL_REF.match(node.get("r", ""))
                column = _column_index(match.group(1)) if match else column + 1
                if node.get("t", "n") != "n" or node.find(f"{_MAIN_NS}v") is None:
                    continue
                style = int(node.get("s", "0"))
                out[row_index][column] = formats[style] if style < len(formats) else "General"
            elif tag == row_tag:
                node.clear()
    return tuple(out)
