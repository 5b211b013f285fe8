"""Pure Python: workbooks (.xlsx .xlsm .xls .ods) read as the text Excel shows.

Calamine (Rust) reads the cells fast; it does not give number formats, so the styles of the
first data rows are looked up for the columns holding numbers: in the sheet XML for
.xlsx/.xlsm, through xlrd for .xls, in the number styles for .ods (:mod:`gui.core.sheet_ods`).
A big .xlsx sheet is parsed in pieces on two threads (:mod:`gui.core.sheet_pieces`).

Rendering a number the way an Excel number format shows it:

Excel keeps a ZIP code 02134 as the number 2134 with the format ``00000``, a phone as
447911123456 with ``"+"0``, a price as 3.5 with ``0.00``. The stored number alone loses what
the user saw, so the loader renders numeric cells through the cell's format. This module knows
the common formats (zero padding, decimals, grouping, percent, literal text, digit masks such as
``(###) ###-####``, conditional sections); anything else falls back to :func:`plain_number`,
which never uses scientific notation, because an id shown as ``4.47E+11`` has lost its digits.
"""

from __future__ import annotations

import datetime
import functools
import math
import operator
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import numpy as np

from gui.core import sheet_ods, sheet_pieces
from gui.core.errors import SheetError

_BRACKET = re.compile(r"\[([^\]]*)\]")
_CONDITION = re.compile(r"^(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d+)?)$")
_DATE_TOKENS = frozenset("ymdhsYMDHS")


def plain_number(value: float) -> str:
    """The text of a number as Excel's formula bar shows it: no exponent, no trailing ``.0``.

    Integral values print as integers (``447000000000``, not ``4.47E+11``); others keep 15
    significant digits, the precision Excel stores.
    """
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


@dataclass(frozen=True)
class _Section:
    condition: tuple[str, float] | None
    tokens: tuple[tuple[str, str], ...]  # (kind, text): kind in "lit", "int", "dec", "pct", "point"
    grouping: bool
    scale: int  # trailing commas divide by 1000 each


def _split_sections(code: str) -> list[str]:
    sections: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in code:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == ";" and not quoted:
            sections.append("".join(current))
            current = []
        else:
            current.append(char)
    sections.append("".join(current))
    return sections


def _parse_section(text: str) -> _Section | None:
    """Tokens of one section, or None when the section is not a plain number format."""
    condition: tuple[str, float] | None = None
    tokens: list[tuple[str, str]] = []
    seen_point = False
    grouping = False
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            end = len(text) if end < 0 else end
            tokens.append(("lit", text[i + 1 : end]))
            i = end + 1
            continue
        if char == "\\" and i + 1 < len(text):
            tokens.append(("lit", text[i + 1]))
            i += 2
            continue
        if char in "_*" and i + 1 < len(text):
            i += 2  # padding to the width of a character: invisible in text
            continue
        if char == "[":
            end = text.find("]", i)
            end = len(text) if end < 0 else end
            inner = text[i + 1 : end]
            match = _CONDITION.match(inner.strip())
            if match:
                condition = (match.group(1), float(match.group(2)))
            elif inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    tokens.append(("lit", symbol))
            elif inner and inner[0].lower() in "hms":
                return None  # elapsed time
            i = end + 1
            continue
        if char in _DATE_TOKENS or char in "Ee/@":
            return None  # dates, scientific, fractions and text: not rendered here
        if char in "0#?":
            tokens.append(("dec" if seen_point else "int", char))
        elif char == ".":
            if seen_point:
                tokens.append(("lit", "."))
            else:
                seen_point = True
                tokens.append(("point", "."))
        elif char == ",":
            if not seen_point:
                grouping = True
                tokens.append(("comma", ","))
        elif char == "%":
            tokens.append(("pct", "%"))
        else:
            tokens.append(("lit", char))
        i += 1
    # Commas right after the last integer placeholder (before the point or the end) scale by 1000.
    scale = 0
    cleaned: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        if token[0] == "comma":
            rest = [t for t in tokens[index + 1 :] if t[0] in ("int", "dec", "point")]
            if not rest or rest[0][0] == "point":
                scale += 1
            continue
        cleaned.append(token)
    if scale and grouping and not any(t[0] == "comma" for t in tokens[:-scale]):
        grouping = False
    return _Section(condition, tuple(cleaned), grouping, scale)


def _matches(condition: tuple[str, float], value: float) -> bool:
    op, bound = condition
    return {
        "<": value < bound,
        ">": value > bound,
        "=": value == bound,
        "<=": value <= bound,
        ">=": value >= bound,
        "<>": value != bound,
    }[op]


@functools.lru_cache(maxsize=256)
def _compiled(code: str) -> tuple[_Section | None, ...]:
    return tuple(_parse_section(s) for s in _split_sections(code))


def _pick(code: str, value: float) -> tuple[_Section | None, bool]:
    """The section for ``value`` and whether a minus sign must be added by us."""
    parsed = list(_compiled(code))
    if any(p is not None and p.condition is not None for p in parsed):
        for section in parsed[:2]:
            if section is not None and section.condition is not None and _matches(section.condition, value):
                return section, value < 0
        rest = [p for p in parsed if p is None or p.condition is None]
        if not rest and len(parsed) >= 2:
            return parsed[1], value < 0
        return (rest[0] if rest else None), value < 0
    if value < 0 and len(parsed) >= 2:
        return parsed[1], False
    if value == 0 and len(parsed) >= 3:
        return parsed[2], False
    return parsed[0], value < 0


def _group(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(parts)


def render_number(value: float, code: str) -> str:
    """The text Excel shows for ``value`` under the number format ``code``.

    Formats that would hide digits (scientific notation, General for long numbers) and formats
    this module does not model fall back to :func:`plain_number`.
    """
    if not code or code.lower() in ("general", "@") or not math.isfinite(value):
        return plain_number(value)
    section, add_minus = _pick(code, value)
    if section is None:
        return plain_number(value)
    if not any(t[0] in ("int", "dec") for t in section.tokens):
        return "".join(t[1] for t in section.tokens).strip()
    number = abs(value)
    percent = sum(1 for t in section.tokens if t[0] == "pct")
    number = number * (100**percent) / (1000**section.scale)
    int_slots = [t[1] for t in section.tokens if t[0] == "int"]
    dec_slots = [t[1] for t in section.tokens if t[0] == "dec"]
    rounded = (
        Decimal(repr(number)).quantize(Decimal(1).scaleb(-len(dec_slots)), rounding="ROUND_HALF_UP")
        if dec_slots
        else None
    )
    if rounded is None:
        int_digits = str(int(Decimal(repr(number)).quantize(Decimal(1), rounding="ROUND_HALF_UP")))
        dec_digits = ""
    else:
        text = format(rounded, "f")
        int_digits, _, dec_digits = text.partition(".")
    if int_digits == "0":
        int_digits = ""
    int_text = _fill_integer(section, int_slots, int_digits)
    dec_text = _fill_decimals(dec_slots, dec_digits)
    out: list[str] = []
    int_pos = 0
    dec_pos = 0
    for kind, text in section.tokens:
        if kind == "int":
            out.append(int_text[int_pos])
            int_pos += 1
        elif kind == "dec":
            out.append(dec_text[dec_pos])
            dec_pos += 1
        elif kind == "point":
            out.append(".")
        else:
            out.append(text)
    result = "".join(out).strip()
    if add_minus and any(ch.isdigit() and ch != "0" for ch in result):
        result = "-" + result
    return result


def _fill_integer(section: _Section, slots: list[str], digits: str) -> list[str]:
    """One string per integer placeholder, filled from the right; extra digits go to the first."""
    filled = [""] * len(slots)
    remaining = digits
    for index in range(len(slots) - 1, -1, -1):
        if remaining:
            filled[index] = remaining[-1]
            remaining = remaining[:-1]
        elif slots[index] == "0":
            filled[index] = "0"
        elif slots[index] == "?":
            filled[index] = " "
    if slots:
        filled[0] = remaining + filled[0]
    if section.grouping:
        joined = "".join(filled)
        digits_only = joined.strip()
        if digits_only.isdigit():
            grouped = _group(digits_only)
            return [grouped] + [""] * (len(slots) - 1)
    return filled


def _fill_decimals(slots: list[str], digits: str) -> list[str]:
    filled: list[str] = []
    digits = digits.ljust(len(slots), "0")
    # Optional placeholders drop trailing zeros.
    keep = len(slots)
    while keep > 0 and slots[keep - 1] != "0" and digits[keep - 1] == "0":
        keep -= 1
    for index, slot in enumerate(slots):
        if index < keep:
            filled.append(digits[index])
        else:
            filled.append(" " if slot == "?" else "")
    return filled


def is_date_format(code: str) -> bool:
    """True when a format shows a date or time (outside quoted text and brackets)."""
    stripped = _BRACKET.sub("", re.sub(r'"[^"]*"|\\.', "", code))
    return any(ch in _DATE_TOKENS for ch in stripped.replace("General", "").replace("general", ""))


def shows_scientific(code: str, value: float) -> bool:
    """True when Excel shows ``value`` in E+ notation under ``code`` (so the user saw lost digits)."""
    lowered = code.lower()
    if "e+" in lowered or "e-" in lowered:
        return True
    return lowered in ("general", "") and abs(value) >= 1e11 and float(value).is_integer()


# --------------------------------------------------------------------------------------------
# Reading workbooks
# --------------------------------------------------------------------------------------------

#: The first bytes of an OLE compound file: a real .xls, or an encrypted (password) .xlsx.
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
_ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")
#: Rows below the header whose cell styles decide a column's number format.
STYLE_SAMPLE_ROWS = 200
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


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
    starts parsing in pieces (:mod:`gui.core.sheet_pieces`) before calamine has even
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


def _first_worksheet(archive: zipfile.ZipFile) -> str | None:
    """The first sheet of the workbook that is a worksheet (not a chart or macro sheet)."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    kinds = {rel.get("Id"): rel.get("Type", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    for node in workbook.iter(f"{_MAIN_NS}sheet"):
        if kinds.get(node.get(f"{_REL_NS}id"), "").endswith("/worksheet"):
            return node.get("name")
    return None


def cell_text(value: object) -> str:
    """The text of one typed cell without a number format (General)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float | int):
        return plain_number(value)
    if isinstance(value, datetime.datetime):
        return _datetime_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.timedelta):
        seconds = round(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    if value is None:
        return ""
    return str(value)


def _datetime_text(value: datetime.datetime) -> str:
    # Excel stores times as fractions of a day: 14:30 can come back as 14:29:59.999998.
    if value.microsecond:
        value = (value + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
    if value.hour == value.minute == value.second == 0:
        return value.date().isoformat()
    return value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class ColumnFacts:
    """What the typed cells of one column said before they became text (for damage notes).

    Attributes:
        numbers: Cells stored as numbers.
        texts: Non-empty cells stored as text (for a column of text only: its length).
        scientific: Number cells Excel itself shows in E+ notation.
        number_format: The format used for the column's numbers, None for General.
    """

    numbers: int
    texts: int
    scientific: int
    number_format: str | None


_ZERO_PAD = re.compile(r"^0+$")
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


#: What pandas' C type inference says of a column of one type, as the set of cell types.
_INFERRED_KINDS: dict[str, frozenset[type]] = {
    "string": frozenset({str}),
    "floating": frozenset({float}),
    "integer": frozenset({int}),
    "mixed-integer-float": frozenset({float, int}),
    "boolean": frozenset({bool}),
}


def value_kinds(values: np.ndarray[Any, Any]) -> set[type]:
    """The types of a column's cells.

    Most columns hold one type; pandas' ``infer_dtype`` (C) says so three times faster than
    collecting the types, which is left for the mixed ones.
    """
    from pandas.api.types import infer_dtype

    known = _INFERRED_KINDS.get(infer_dtype(values, skipna=False))
    return set(known) if known is not None else set(map(type, values.tolist()))


def column_text(
    values: Sequence[object] | np.ndarray[Any, Any],
    number_format: str | None,
    kinds: set[type] | None = None,
) -> tuple[np.ndarray[Any, Any], ColumnFacts]:
    """One column of typed cells as an object array of ``str``, and its facts.

    Number cells go through ``number_format`` (from the sheet's styles) when there is one.
    Text cells are kept as they are; integral numbers under General or a zero-padding format
    (the ids, phones and ZIPs of a lead list) are converted with numpy in one go. ``kinds`` is
    the set of value types when the caller has it already.
    """
    if kinds is None:
        kinds = set(map(type, values))
    out = np.empty(len(values), dtype=object)
    out[:] = values
    if kinds <= {str}:
        return out, ColumnFacts(0, len(values), 0, None)
    code = number_format if number_format and not is_date_format(number_format) else None
    if kinds <= {float, int}:  # a column of numbers only: no per-cell sorting out
        rendered, scientific = _numbers_text(out.astype(float), code)
        return rendered, ColumnFacts(len(values), 0, scientific, code)
    # Masks through operator.is_ at C speed; an object array of type objects would be far
    # slower (numpy takes each type for a dtype on assignment).
    types = list(map(type, values))
    count = len(types)
    is_text = np.fromiter(map(operator.is_, types, repeat(str)), dtype=bool, count=count)
    is_number = np.fromiter(map(operator.is_, types, repeat(float)), dtype=bool, count=count)
    if int in kinds:
        is_number |= np.fromiter(map(operator.is_, types, repeat(int)), dtype=bool, count=count)
    texts = int(np.count_nonzero(out[is_text] != ""))
    others = np.flatnonzero(~(is_text | is_number))
    if len(others):
        out[others] = _memo_map(cell_text, out[others].tolist())
    positions = np.flatnonzero(is_number)
    if not len(positions):
        return out, ColumnFacts(0, texts, 0, code)
    numbers = out[positions].astype(float)
    rendered, scientific = _numbers_text(numbers, code)
    out[positions] = rendered
    return out, ColumnFacts(len(positions), texts, scientific, code)


def _memo_map(convert: Any, values: list[Any]) -> list[str]:
    """``convert`` over ``values``, once per distinct value (scores, dates repeat a lot)."""
    memo: dict[Any, str] = {}
    out = []
    for value in values:
        text = memo.get(value)
        if text is None:
            text = memo[value] = convert(value)
        out.append(text)
    return out


def _numbers_text(numbers: np.ndarray[Any, Any], code: str | None) -> tuple[np.ndarray[Any, Any], int]:
    """Texts of number cells under one format, and how many Excel shows in E+ notation."""
    rendered = np.empty(len(numbers), dtype=object)
    finite = np.isfinite(numbers)
    integral = finite & (numbers == np.round(numbers)) & (np.abs(numbers) < 2.0**63)
    pad = len(code) if code is not None and _ZERO_PAD.match(code) else 0
    if code is None or pad:
        if integral.any():
            texts = map(str, numbers[integral].astype(np.int64).tolist())
            rendered[integral] = list(map(str.zfill, texts, repeat(pad)) if pad else texts)
        rest = np.flatnonzero(~integral)
        if len(rest):
            rendered[rest] = _memo_map(plain_number, numbers[rest].tolist())
        scientific = int(np.count_nonzero(integral & (np.abs(numbers) >= 1e11))) if code is None else 0
        return rendered, scientific
    memo: dict[float, str] = {}
    scientific = 0
    for index, value in enumerate(numbers.tolist()):
        text = memo.get(value)
        if text is None:
            text = memo[value] = render_number(value, code)
        rendered[index] = text
        if shows_scientific(code, value):
            scientific += 1
    return rendered, scientific


def sample_styles(path: Path, sheet_name: str, rows: int) -> tuple[dict[int, str], ...]:
    """The number format of each number cell in the first ``rows`` rows, one dict per row.

    Calamine gives values but not formats; reading a whole sheet with openpyxl for them would
    cost seconds. The format of a column is nearly always uniform, so the styles of its first
    rows decide it (:func:`column_formats`); the sheet XML is streamed and left early. Old
    binary .xls workbooks are asked through xlrd, OpenDocument ones through their number
    styles (:mod:`gui.core.sheet_ods`).
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


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL_NS}Relationship")}
    for node in workbook.iter(f"{_MAIN_NS}sheet"):
        if node.get("name") == sheet_name:
            target = targets.get(node.get(f"{_REL_NS}id"), "")
            if not target:
                return None
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


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
