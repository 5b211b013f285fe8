"""Pure Python: number formats of an OpenDocument sheet (.ods), as Excel format codes.

LibreOffice keeps a ZIP code 02134 as the number 2134 with a number style of five minimum
integer digits, just as Excel keeps it with the format ``00000``. Calamine gives the number
only. This module reads the cell styles of a sheet's first rows from ``content.xml`` and
translates each number style into the Excel format code that shows the same text, so one
renderer (:func:`gui.core.sheets.number_formats.render_number`) serves both kinds of workbook.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_NUMBER = "{urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0}"
_NUMERIC_TYPES = ("float", "percentage", "currency")
_NUMBER_STYLES = (f"{_NUMBER}number-style", f"{_NUMBER}percentage-style", f"{_NUMBER}currency-style")


def sample_styles(path: Path, sheet_name: str, rows: int) -> tuple[dict[int, str], ...]:
    """The format code of each number cell in the first ``rows`` rows, one dict per row.

    Cells without a number style are "General". Unreadable parts give an empty result: the
    numbers then show as plain numbers, never lost.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            codes: dict[str, str] = {}
            cell_styles: dict[str, str] = {}
            if "styles.xml" in archive.namelist():
                with archive.open("styles.xml") as stream:
                    _read_styles(ET.iterparse(stream, events=("start", "end")), codes, cell_styles)
            with archive.open("content.xml") as stream:
                events = ET.iterparse(stream, events=("start", "end"))
                _read_styles(events, codes, cell_styles)
                formats = {name: codes.get(data, "General") for name, data in cell_styles.items()}
                return _read_rows(events, sheet_name, rows, formats)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, OSError, ValueError):
        return ()


def _read_styles(
    events: Iterator[tuple[str, ET.Element]], codes: dict[str, str], cell_styles: dict[str, str]
) -> None:
    """Number styles (name -> code) and cell styles (name -> number style), up to the body."""
    for event, node in events:
        if event == "start":
            if node.tag == f"{_OFFICE}body":
                return
            continue
        if node.tag in _NUMBER_STYLES:
            code = style_code(node)
            if code is not None:
                codes[node.get(f"{_STYLE}name", "")] = code
        elif node.tag == f"{_STYLE}style" and node.get(f"{_STYLE}family") == "table-cell":
            data = node.get(f"{_STYLE}data-style-name")
            if data:
                cell_styles[node.get(f"{_STYLE}name", "")] = data


def style_code(node: ET.Element) -> str | None:
    """The Excel format code of an ODF number, percentage or currency style, or None.

    Covered: minimum integer digits (zero padding), decimal places, grouping, literal text
    and currency symbols, percent. Fractions and scientific notation give None (plain numbers).
    """
    percent = node.tag == f"{_NUMBER}percentage-style"
    parts: list[str] = []
    for child in node:
        kind = child.tag.removeprefix(_NUMBER)
        if kind == "number":
            parts.append(_digits(child))
        elif kind in ("text", "currency-symbol"):
            text = "".join(child.itertext())
            # A percent sign is Excel's "multiply by 100" token; anything else is literal text.
            parts.append("".join(c if percent and c == "%" else "\\" + c for c in text))
        elif kind in ("scientific-number", "fraction"):
            return None
    return "".join(parts) or None


def _digits(node: ET.Element) -> str:
    places = int(node.get(f"{_NUMBER}decimal-places", "0") or 0)
    minimum = int(node.get(f"{_NUMBER}min-integer-digits", "1") or 0)
    integer = "0" * minimum if minimum > 0 else "#"
    if node.get(f"{_NUMBER}grouping") == "true":
        integer = integer.rjust(4, "#")
        integer = f"{integer[:-3]},{integer[-3:]}"
    return integer + ("." + "0" * places if places else "")


def _read_rows(
    events: Iterator[tuple[str, ET.Element]],
    sheet_name: str,
    rows: int,
    formats: dict[str, str],
) -> tuple[dict[int, str], ...]:
    """Format codes of the number cells of the named table's first rows.

    Repeated rows and cells (``number-rows-repeated``, ``number-columns-repeated``) count as
    many times as they repeat; a cell without a style takes its column's default style.
    """
    out: list[dict[int, str]] = []
    column_styles: list[str] = []
    inside = False
    for event, node in events:
        tag = node.tag
        if tag == f"{_TABLE}table":
            if event == "start":
                inside = node.get(f"{_TABLE}name") == sheet_name
            elif inside:
                break
            continue
        if not inside or event != "end":
            continue
        if tag == f"{_TABLE}table-column":
            repeat = min(int(node.get(f"{_TABLE}number-columns-repeated", "1")), 16_384)
            column_styles.extend([node.get(f"{_TABLE}default-cell-style-name", "")] * repeat)
        elif tag == f"{_TABLE}table-row":
            found = _row_formats(node, column_styles, formats)
            repeat = int(node.get(f"{_TABLE}number-rows-repeated", "1"))
            out.extend(dict(found) for _ in range(min(repeat, rows - len(out))))
            node.clear()
            if len(out) >= rows:
                break
    return tuple(out)


def _row_formats(row: ET.Element, column_styles: list[str], formats: dict[str, str]) -> dict[int, str]:
    found: dict[int, str] = {}
    column = 0
    for cell in row:
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
        if cell.get(f"{_OFFICE}value-type") in _NUMERIC_TYPES:
            style = cell.get(f"{_TABLE}style-name") or (
                column_styles[column] if column < len(column_styles) else ""
            )
            code = formats.get(style, "General")
            for offset in range(min(repeat, 16_384)):
                found[column + offset] = code
        column += repeat
    return found
