"""A rule: a severity and a message written on demand, and the per-column codes rules are kept in.

One ``uint8`` code per row (0 = fine) stands for the rule that row broke; the message quotes
the cell's value and is only written when someone asks.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from gui.core.mapping.values import US_STATE_NAMES, timezones

ERROR = "error"
WARNING = "warning"

RowLabel = Callable[[int], str]


def default_row_label(row: int) -> str:
    """Frame row 0 is sheet row 2: the header is row 1."""
    return str(row + 2)


MessageFn = Callable[[str, int, "_ColumnCheck", RowLabel], str]


@dataclass(frozen=True)
class _Rule:
    severity: str
    message: MessageFn


@dataclass
class _ColumnCheck:
    column: str
    field: str
    label: str
    series: pd.Series
    codes: np.ndarray
    rules: list[_Rule] = dataclasses.field(default_factory=list)
    dup_of: np.ndarray | None = None

    def flag(self, mask: np.ndarray, rule: _Rule) -> int:
        """Give ``rule`` to the rows in ``mask`` that have no issue yet; returns how many got it."""
        target = mask & (self.codes == 0)
        hits = int(np.count_nonzero(target))
        if hits:
            self.rules.append(rule)
            if len(self.rules) > 255:
                raise RuntimeError("too many rules on one column")
            self.codes[target] = len(self.rules)
        return hits

    def value(self, row: int) -> str:
        value = self.series.iat[row]
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return ""
        return str(value).strip()


def _quote(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"‘{shown}’"


def _email_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    base = f"{_quote(value)} is not a valid email address"
    ats = value.count("@")
    if ats == 0:
        hint = "it has no ‘@’"
    elif ats > 1:
        hint = f"it has {ats} ‘@’"
    elif any(ch.isspace() for ch in value):
        hint = "it contains a space"
    elif ".." in value:
        hint = "it has two dots in a row"
    elif not value.split("@", maxsplit=1)[0]:
        hint = "nothing before the ‘@’"
    elif "." not in value.split("@")[1]:
        hint = "the part after ‘@’ needs a dot, like acme.com"
    elif value.split("@", maxsplit=1)[0].startswith(".") or value.split("@", maxsplit=1)[0].endswith("."):
        hint = "a dot cannot start or end the part before ‘@’"
    else:
        hint = "check for stray characters"
    return f"{base} ({hint})"


def _phone_message(region: str) -> MessageFn:
    def message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
        digits = sum(ch.isdigit() for ch in value)
        if digits < 5:
            return f"{_quote(value)} is not a phone number"
        if value.startswith("+"):
            return f"{_quote(value)} is not a valid phone number"
        return (
            f"{_quote(value)} is not a valid {region} phone number "
            "(for another country, start it with + and the country code)"
        )

    return message


def _linkedin_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    low = value.lower()
    if "linkedin.com" not in low:
        return f"{_quote(value)} is not a LinkedIn URL (expected linkedin.com/in/…)"
    if re.search(r"linkedin\.com/(company|school|showcase)/", low):
        return f"{_quote(value)} is a LinkedIn company page, not a person's profile"
    if "/sales/" in low or "/talent/" in low:
        return f"{_quote(value)} is a Sales Navigator link: use the profile URL (linkedin.com/in/…)"
    return f"{_quote(value)} is not a LinkedIn profile URL (expected linkedin.com/in/…)"


def _state_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    code = US_STATE_NAMES.get(value.casefold())
    if code:
        return f"{_quote(value)} is a state name: use its two-letter code ‘{code}’"
    return f"{_quote(value)} is not a US state code (two letters, like CA or NY)"


def _state_case_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    return (
        f"{_quote(value)} should be written in capitals: ‘{value.upper()}’ (the Capital letters fix does it)"
    )


def _zip_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    if value.isdigit() and len(value) in (3, 4):
        return (
            f"{_quote(value)} is not a 5-digit ZIP code: it probably lost its leading zero "
            f"(‘{value.zfill(5)}’), as Excel does with numbers"
        )
    return f"{_quote(value)} is not a US ZIP code (5 digits, or ZIP+4 like 12345-6789)"


@lru_cache(maxsize=1)
def _folded_timezones() -> dict[str, str]:
    return {z.casefold(): z for z in timezones()}


def _timezone_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    near = _folded_timezones().get(value.casefold().replace(" ", "_"))
    hint = f" (did you mean ‘{near}’?)" if near else ""
    return f"{_quote(value)} is not a time zone name like Europe/Paris or America/New_York{hint}"


def _date_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    return f"{_quote(value)} is not an ISO-8601 date (like 2024-03-05 or 2024-03-05T14:30:00-05:00)"


def _url_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    return f"{_quote(value)} does not look like a web address"


# Misspelt mailbox providers seen in real lists: the address is valid, the mail will bounce.
_DOMAIN_TYPOS: dict[str, str] = {
    "gmial.com": "gmail.com", "gmal.com": "gmail.com", "gamil.com": "gmail.com", "gnail.com": "gmail.com",
    "gmaill.com": "gmail.com", "gmail.co": "gmail.com", "gmail.con": "gmail.com", "gmail.cm": "gmail.com",
    "gmail.om": "gmail.com", "gmai.com": "gmail.com", "gmail.comm": "gmail.com", "gmail.fr": "gmail.com",
    "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com", "hotmail.co": "hotmail.com",
    "hotmail.con": "hotmail.com", "hotmai.com": "hotmail.com", "homail.com": "hotmail.com",
    "yahooo.com": "yahoo.com", "yaho.com": "yahoo.com", "yahoo.co": "yahoo.com", "yahoo.con": "yahoo.com",
    "outlok.com": "outlook.com", "outloo.com": "outlook.com", "outlook.co": "outlook.com",
    "outlook.con": "outlook.com", "iclod.com": "icloud.com", "icloud.co": "icloud.com",
    "icoud.com": "icloud.com", "aol.co": "aol.com", "gmx.con": "gmx.com", "wanadoo.fe": "wanadoo.fr",
    "orange.fe": "orange.fr", "web.de.de": "web.de", "libero.it.it": "libero.it",
}  # fmt: skip


@lru_cache(maxsize=1)
def _typo_pattern() -> str:
    """One end-anchored alternation: a single regex pass, cheaper than cutting out every domain."""
    return "@(?:" + "|".join(re.escape(d) for d in sorted(_DOMAIN_TYPOS)) + ")$"


def _typo_message(value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
    domain = value.rsplit("@", 1)[-1].lower()
    return f"{_quote(value)}: ‘{domain}’ looks like a typo for ‘{_DOMAIN_TYPOS.get(domain, domain)}’"


def _duplicate_message(key_words: str) -> MessageFn:
    def message(_value: str, row: int, c: _ColumnCheck, label: RowLabel) -> str:
        first = int(c.dup_of[row]) if c.dup_of is not None else -1
        return f"Duplicate of row {label(first)} (same {key_words})"

    return message


def _fixed(text: str) -> MessageFn:
    def message(_value: str, _row: int, _c: _ColumnCheck, _label: RowLabel) -> str:
        return text

    return message
