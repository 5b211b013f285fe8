"""Typed workbook cells turned into the text Excel shows, a column at a time."""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import numpy as np

from gui.core.sheets.number_formats import is_date_format, plain_number, render_number, shows_scientific

#: One column of a sheet: an object array (of ``str`` once loaded).
Column = np.ndarray[Any, Any]
#: One flag per row (blank rows, rows to keep).
Mask = np.ndarray[Any, np.dtype[np.bool_]]


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
