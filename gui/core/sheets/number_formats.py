"""Pure Python: a number rendered the way its Excel number format shows it.

Excel keeps a ZIP code 02134 as the number 2134 with the format ``00000``, a phone as
447911123456 with ``"+"0``, a price as 3.5 with ``0.00``. The stored number alone loses what
the user saw, so the loader renders numeric cells through the cell's format. This module knows
the common formats (zero padding, decimals, grouping, percent, literal text, digit masks such as
``(###) ###-####``, conditional sections); anything else falls back to :func:`plain_number`,
which never uses scientific notation, because an id shown as ``4.47E+11`` has lost its digits.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal

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
