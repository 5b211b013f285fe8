"""Excel damage seen in a loaded sheet, reported as notes on the columns' headers.

Ids in scientific notation, long numbers that lost digits, ZIP codes without their leading
zero, date serials, phones stored as numbers. The loader never "fixes" a cell; what looks
already damaged is reported as a :class:`ColumnNote` on the column's header, with what to do.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from gui.core.sheets.cell_text import ColumnFacts
from gui.core.sheets.text_columns import SheetColumn

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")
#: How many values per column the damage detector looks at (spread over the whole column).
NOTE_SAMPLE = 2000


@dataclass(frozen=True)
class ColumnNote:
    """Something suspicious about a column, shown on its header in the table.

    Attributes:
        column: The column name (as in :attr:`gui.core.sheets.load.Sheet.frame`).
        message: One or two sentences for the user: what was seen, what it means, what to do.
        kind: ``scientific``, ``lost_digits``, ``zip_leading_zero``, ``date_serial``,
            ``phone_as_number`` or ``mixed``.
    """

    column: str
    message: str
    kind: str


_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE]\+?\d{1,3}$")
_DIGITS = re.compile(r"^\+?\d+$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_ZIP_HEADER = re.compile(
    r"\b(zip|zipcode|postal|postcode|post code|plz|cep|postleitzahl|code postal)\b|^cp$", re.I
)
_DATE_HEADER = re.compile(
    r"date|datum|fecha|data\b|created|updated|modified|birthday|\bdob\b|_at$|\bat$|joined|signed|since|time",
    re.I,
)
_PHONE_HEADER = re.compile(
    r"phone|mobile|\btel|cell|fax|whatsapp|telefon|téléphone|portable|handy|móvil", re.I
)
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


def _sample(column: SheetColumn) -> list[str]:
    step = max(1, len(column) // NOTE_SAMPLE)
    # tolist(): an arrow-backed column hands its cells over at once (iterating makes a scalar each).
    values: list[str] = column[::step][:NOTE_SAMPLE].tolist()
    return [v.strip() for v in values if v and not v.isspace()]


def _share(count: int, total: int) -> str:
    if total == 0:
        return "0"
    if count == total:
        return "all"
    return f"{count} of {total}" if total <= NOTE_SAMPLE else f"about {round(100 * count / total)}%"


def damage_notes(
    names: Sequence[str], columns: Sequence[SheetColumn], facts: dict[int, ColumnFacts]
) -> list[ColumnNote]:
    """Notes for columns that look damaged by Excel (or about to be misread).

    Looks at up to :data:`NOTE_SAMPLE` values per column, spread over the column, so it costs
    the same on a million rows.
    """
    notes: list[ColumnNote] = []
    for index, name in enumerate(names):
        values = _sample(columns[index])
        fact = facts.get(index)
        notes.extend(_column_notes(name, values, fact))
    return notes


def _column_notes(name: str, values: list[str], fact: ColumnFacts | None) -> list[ColumnNote]:
    notes: list[ColumnNote] = []
    total = len(values)
    if not total:
        return notes
    scientific = [v for v in values if _SCIENTIFIC.match(v)]
    if scientific:
        notes.append(
            ColumnNote(
                name,
                f"{_share(len(scientific), total)} values are in scientific notation (e.g. {scientific[0]}): "
                "Excel shortened long numbers and the digits after the first few are lost. Export the "
                "column again from its source, formatted as text.",
                "scientific",
            )
        )
    elif fact is not None and fact.scientific:
        notes.append(
            ColumnNote(
                name,
                f"Excel shows {fact.scientific} number(s) of this column in scientific notation (e.g. "
                "4.47E+11); the full stored number was loaded. Check the values are complete.",
                "scientific",
            )
        )
    digits = [v.lstrip("+") for v in values if _DIGITS.match(v)]
    long_ids = [d for d in digits if len(d) >= 16]
    rounded = [d for d in long_ids if d.endswith("0")]
    zeroed = [d for d in digits if len(d) >= 11 and len(d) - len(d.rstrip("0")) >= 6]
    lost_rounded = len(rounded) >= 2 and len(rounded) * 5 >= len(long_ids) * 4
    lost_zeroed = len(zeroed) >= 2 and len(zeroed) * 5 >= len(digits)
    if lost_rounded or lost_zeroed:
        example = (rounded if lost_rounded else zeroed)[0]
        count = len(rounded) if lost_rounded else len(zeroed)
        notes.append(
            ColumnNote(
                name,
                f"{_share(count, total)} values look like long numbers that lost "
                f"their last digits (e.g. {example}): Excel keeps only 15 digits of a number. Get the "
                "column again from its source, stored as text.",
                "lost_digits",
            )
        )
    plain = [v for v in values if v.isdigit()]
    short = [v for v in plain if len(v) in (3, 4)]
    five = sum(1 for v in plain if len(v) == 5)
    zip_named = bool(_ZIP_HEADER.search(name))
    looks_zip = total >= 20 and five * 2 >= total and len(short) + five >= total * 0.9
    if short and (zip_named or looks_zip):
        notes.append(
            ColumnNote(
                name,
                f"{_share(len(short), total)} ZIP codes have fewer than 5 digits (e.g. {short[0]}): a "
                f"leading zero was probably lost ({short[0].zfill(5)}). Format the column as text or "
                "00000 in Excel and export it again.",
                "zip_leading_zero",
            )
        )
    if _DATE_HEADER.search(name):
        serials = [v for v in values if _SERIAL.match(v) and 20_000 <= float(v) <= 80_000]
        if serials:
            day = _EXCEL_EPOCH + datetime.timedelta(days=int(float(serials[0])))
            notes.append(
                ColumnNote(
                    name,
                    f"{_share(len(serials), total)} values look like Excel date serial numbers (e.g. "
                    f"{serials[0]} is {day.isoformat()}): the cells were not formatted as dates.",
                    "date_serial",
                )
            )
    if fact is not None and fact.numbers:
        if _PHONE_HEADER.search(name):
            notes.append(
                ColumnNote(
                    name,
                    f"{fact.numbers} phone number(s) are stored as numbers in the workbook, which cannot "
                    "keep a leading + or 0: check the country codes.",
                    "phone_as_number",
                )
            )
        elif fact.texts and fact.number_format is None:
            numeric_texts = sum(1 for v in values if _NUMBER.match(v.replace(" ", "")))
            if numeric_texts * 2 >= total:
                notes.append(
                    ColumnNote(
                        name,
                        f"this column mixes {fact.numbers} number cell(s) and {fact.texts} text cell(s): "
                        "the numbers may have lost a leading 0 or + that the text cells kept.",
                        "mixed",
                    )
                )
    return notes
