"""Pure Python: per-provider checks over the whole sheet, vectorised, with messages people understand.

Every rule runs over a whole column at once through pyarrow compute kernels (RE2 regexes,
set membership, dictionary encoding), never a Python loop per row. Phones are the one value
that needs a real parser: they are dictionary-encoded first, so each distinct number is
parsed once, and numbers of the default region in an everyday format are checked against
libphonenumber's own metadata patterns in bulk; only the rest go through ``phonenumbers``.

Issues are stored compactly: per checked column one ``uint8`` code per row (0 = fine) and
the list of rules those codes stand for. Messages are written only when someone asks
(:meth:`Validation.cell`, :meth:`Validation.row_messages`), quoting the cell's value, so
1M rows cost a few megabytes instead of a million strings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers.phonemetadata import PhoneMetadata

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import FieldKind, LeadField, Progress
from gui.core.errors import MappingError
from gui.core.mapping.columns import ColumnMapping
from gui.core.mapping.suggest import group_label, required_groups
from gui.core.mapping.values import US_STATE_NAMES, US_STATES, timezones
from gui.core.providers.base import ProviderSpec

__all__ = [
    "ERROR",
    "WARNING",
    "RowIssue",
    "Validation",
    "linkedin_key",
    "normalize_linkedin_url",
    "normalize_linkedin_urls",
    "phone_e164",
    "phones_e164",
    "validate",
]

ERROR = "error"
WARNING = "warning"

RowLabel = Callable[[int], str]


def default_row_label(row: int) -> str:
    """Frame row 0 is sheet row 2: the header is row 1."""
    return str(row + 2)


@dataclass(frozen=True)
class RowIssue:
    """One problem in one cell (``column`` is empty for a problem of the whole row).

    Attributes:
        row: The frame row position.
        column: The sheet header.
        field: The provider field the column feeds.
        message: Words for a sales-ops person, quoting the value.
        severity: ``error`` blocks the row; ``warning`` does not.
    """

    row: int
    column: str
    field: str
    message: str
    severity: str


# --------------------------------------------------------------------------------------------
# Rules: a severity and a message written on demand
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Vectorised pieces
# --------------------------------------------------------------------------------------------

_NON_ASCII = r"\x{80}-\x{10FFFF}"
_LOCAL_CHAR = rf"[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~{_NON_ASCII}-]"
_LABEL = rf"[A-Za-z0-9{_NON_ASCII}](?:[A-Za-z0-9{_NON_ASCII}-]*[A-Za-z0-9{_NON_ASCII}])?"
EMAIL_PATTERN = (
    rf"^{_LOCAL_CHAR}+(?:\.{_LOCAL_CHAR}+)*@(?:{_LABEL}\.)+(?:[A-Za-z{_NON_ASCII}]{{2,}}|xn--[A-Za-z0-9-]+)$"
)
LINKEDIN_PATTERN = (
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:in|pub)/[^/?#\s]+(?:/[^?#\s]*)?(?:[?#]\S*)?$"
)
URL_PATTERN = (
    rf"^(?:https?://)?(?:[A-Za-z0-9{_NON_ASCII}](?:[A-Za-z0-9{_NON_ASCII}-]*[A-Za-z0-9{_NON_ASCII}])?\.)+"
    rf"[A-Za-z{_NON_ASCII}]{{2,}}(?::\d{{1,5}})?(?:[/?#]\S*)?$"
)
ZIP_PATTERN = r"^\d{5}(?:-?\d{4})?$"
ISO_PATTERN = (
    r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$"
)


def _text(series: pd.Series) -> pa.Array:
    """A column as a stripped arrow string array with ``""`` for missing cells (no copy when arrow-backed)."""
    arr: pa.Array | pa.ChunkedArray
    if isinstance(series.dtype, (pd.StringDtype, pd.ArrowDtype)):
        arr = pa.array(series)
    else:
        values = series.to_numpy(dtype=object)
        try:
            arr = pa.array(values, type=pa.string())  # None becomes null; NaN needs the slower path
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = pa.array([None if pd.isna(v) else str(v) for v in values], type=pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_string(arr.type):
        arr = pc.cast(arr, pa.string())
    return pc.utf8_trim_whitespace(arr.fill_null(""))


def _np(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    if isinstance(mask, pa.ChunkedArray):
        mask = mask.combine_chunks()
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _matches(text: pa.Array, pattern: str, *, ignore_case: bool = False) -> np.ndarray:
    return _np(pc.match_substring_regex(text, pattern, ignore_case=ignore_case))


def _first_occurrence(codes: np.ndarray) -> np.ndarray:
    """For codes numbered in order of first appearance (-1 = no key): the first row holding each row's key."""
    running = np.maximum.accumulate(codes)
    is_first = codes > np.concatenate(([-1], running[:-1]))
    first_rows = np.flatnonzero(is_first)  # row of code k is first_rows[k]
    if len(first_rows) == 0:
        return np.full(len(codes), -1, dtype=np.int64)
    out: np.ndarray = first_rows[np.maximum(codes, 0)]
    out[codes < 0] = -1
    return out


def _codes(values: pa.Array) -> np.ndarray:
    """Dictionary codes in order of first appearance, -1 for nulls."""
    indices = pc.dictionary_encode(values).indices.fill_null(-1)
    return np.asarray(indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def _duplicate_rows(keys: pa.Array | np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose key already appeared on an earlier usable row, and that earlier row (-1 if none)."""
    n = len(usable)
    if not usable.any():
        return np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
    arrow_keys = pa.array(keys) if isinstance(keys, np.ndarray) else keys
    if not usable.all():  # unusable rows become nulls: no key, no slot in the dictionary
        arrow_keys = pc.if_else(pa.array(usable), arrow_keys, pa.nulls(n, type=arrow_keys.type))
    first = _first_occurrence(_codes(arrow_keys))
    return (first >= 0) & (first != np.arange(n)), first


# --------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 20)
def phone_e164(value: str, region: str = "US") -> str | None:
    """The E.164 form of a valid phone number (``+12125550100``), None when it is not valid."""
    text = value.strip()
    if not text:
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@dataclass(frozen=True)
class _FastPhone:
    """How numbers of the default region are parsed, in the terms of libphonenumber's metadata."""

    cc: str
    national_prefix: str
    idd: str


@lru_cache(maxsize=64)
def _fast_phone(region: str) -> _FastPhone | None:
    """The bulk rule for a region, or None where libphonenumber's parsing has quirks we do not mirror."""
    meta = PhoneMetadata.metadata_for_region(region.upper())
    if meta is None or meta.country_code is None:
        return None
    prefix = meta.national_prefix or ""
    if meta.national_prefix_transform_rule or (meta.national_prefix_for_parsing or "") != prefix:
        return None  # carrier codes or rewritten prefixes (BR, AR, MX...): leave them to phonenumbers
    return _FastPhone(str(meta.country_code), prefix, meta.international_prefix or "")


_DESC_NAMES = (
    "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "voip", "personal_number", "pager",
    "uan", "voicemail",
)  # fmt: skip


def _desc_match(national: pa.Array, lengths: pa.Array, desc: object) -> np.ndarray:
    """``phonenumbers._is_number_matching_desc`` over a whole array."""
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or not pattern:
        return np.zeros(len(national), dtype=bool)
    ok = _matches(national, f"^(?:{pattern})$")
    possible = tuple(getattr(desc, "possible_length", ()) or ())
    if possible:
        ok &= _np(pc.is_in(lengths, value_set=pa.array(possible, type=lengths.type)))
    return ok


def _type_known(meta: PhoneMetadata, national: pa.Array) -> np.ndarray:
    """``_number_type_helper(...) != UNKNOWN`` over a whole array: the general pattern and any type's.

    Fixed-line and mobile patterns go first and each later pattern only sees the numbers that no
    earlier one took, so a clean list costs two regex passes, not one per number type.
    """
    lengths = pc.utf8_length(national)
    known = _desc_match(national, lengths, meta.general_desc)
    rows = np.flatnonzero(known)
    if not len(rows):
        return known
    known[:] = False
    subset = national.take(pa.array(rows)) if len(rows) < len(national) else national
    seen: set[str] = set()
    for name in _DESC_NAMES:
        desc = getattr(meta, name, None)
        pattern = getattr(desc, "national_number_pattern", None)
        key = f"{pattern}|{tuple(getattr(desc, 'possible_length', ()) or ())}"
        if not pattern or key in seen:
            continue
        seen.add(key)
        hit = _desc_match(subset, pc.utf8_length(subset), desc)
        if hit.any():
            known[rows[hit]] = True
            rows = rows[~hit]
            if not len(rows):
                break
            subset = subset.filter(pa.array(~hit))
    return known


def _valid_for_cc(cc: int, national: pa.Array) -> np.ndarray:
    """``phonenumbers.is_valid_number`` for national numbers of one country code, over a whole array.

    Mirrors ``region_code_for_number``: a code shared by several regions (+1) goes to the first
    region whose leading digits match or, without leading digits, whose patterns accept the number.
    """
    n = len(national)
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc, ())
    valid = np.zeros(n, dtype=bool)
    if len(regions) == 1:
        meta = PhoneMetadata.metadata_for_region(regions[0])
        return _type_known(meta, national) if meta is not None else valid
    pending = np.arange(n)
    subset = national
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region.upper())
        if meta is None:
            continue
        known = _type_known(meta, subset)
        claims = _matches(subset, f"^(?:{meta.leading_digits})") if meta.leading_digits else known
        valid[pending[claims & known]] = True
        keep = ~claims
        if not keep.any():
            break
        if not keep.all():
            pending = pending[keep]
            subset = subset.filter(pa.array(keep))
    return valid


def phones_e164(values: pa.Array, region: str = "US") -> pa.Array:
    """E.164 for each value of an arrow string array (null where not a valid number).

    Numbers written with digits and the usual separators, in the default region's national
    form or with its own ``+`` country code, are parsed and validated in bulk with
    libphonenumber's own metadata (national prefix, international prefix, number patterns,
    possible lengths, and the region order of shared country codes), which is exactly what
    ``phonenumbers.parse`` + ``is_valid_number`` do for such input. Everything else (other
    country codes, letters, extensions, input where stripping a national prefix is ambiguous)
    goes through ``phonenumbers`` itself, once per distinct value.
    """
    n = len(values)
    if n == 0:
        return pa.array([], type=pa.string())
    values = values.cast(pa.string()) if not pa.types.is_string(values.type) else values
    values = pc.utf8_trim_whitespace(values.fill_null(""))
    decided = np.zeros(n, dtype=bool)
    result = pa.nulls(n, type=pa.string())
    rule = _fast_phone(region)
    if rule is not None:
        try:
            decided, result = _bulk_phones(values, rule)
        except pa.ArrowInvalid:  # a metadata pattern RE2 cannot compile: every value goes the slow way
            decided = np.zeros(n, dtype=bool)
            result = pa.nulls(n, type=pa.string())
    rest = np.flatnonzero(~decided)
    if len(rest):
        texts = values.take(pa.array(rest)).to_pylist()
        parsed = np.empty(n, dtype=object)
        parsed[rest] = [phone_e164(t, region) if t else None for t in texts]
        slow = pa.array(parsed, type=pa.string(), from_pandas=True)
        result = pc.if_else(pa.array(decided), result, slow)
    return result


def _bulk_phones(values: pa.Array, rule: _FastPhone) -> tuple[np.ndarray, pa.Array]:
    """(decided, e164): which values the bulk path settled, and their E.164 (null: invalid)."""
    n = len(values)
    none = np.zeros(n, dtype=bool)
    shaped = _matches(values, r"^\+?[0-9 ().\-/]*[0-9][0-9 ().\-/]*$")
    # Only shaped values are used below, and they hold nothing but digits and these separators:
    # literal replaces are ten times cheaper than one regex replace.
    digits = values
    for separator in (" ", "-", "(", ")", ".", "/", "+"):
        digits = pc.replace_substring(digits, separator, "")
    plus = _np(pc.starts_with(values, "+"))
    starts_cc = _np(pc.starts_with(digits, rule.cc))
    after_cc = pc.utf8_slice_codeunits(digits, len(rule.cc))
    prefix = rule.national_prefix
    has_np = _np(pc.starts_with(digits, prefix)) if prefix else none
    np_after_cc = _np(pc.starts_with(after_cc, prefix)) if prefix else none
    without_np = pc.utf8_slice_codeunits(digits, len(prefix)) if prefix else digits
    idd = _matches(digits, f"^(?:{rule.idd})") if rule.idd else none
    # "+<cc> ..." whose national part cannot start with a national prefix (that would be stripped).
    with_plus = shaped & plus & starts_cc & ~np_after_cc
    # National form: no IDD, and no leading country code unless it is also the national prefix (+1/1).
    national_form = shaped & ~plus & ~idd & (~starts_cc | (rule.cc == prefix))
    # "1 1 212..." (prefix twice) is read differently by libphonenumber's country-code step: leave it to it.
    twice = _np(pc.starts_with(without_np, prefix)) if prefix else none
    stripped = national_form & has_np & ~twice
    plain = national_form & ~has_np
    national = pc.if_else(pa.array(with_plus), after_cc, pc.if_else(pa.array(stripped), without_np, digits))
    cc = int(rule.cc)
    valid = _valid_for_cc(cc, national)
    # When stripping the prefix gives an invalid number, libphonenumber may keep it instead:
    # only call those invalid if the unstripped digits are invalid too, else let phonenumbers decide.
    raw_valid = np.zeros(n, dtype=bool)
    ambiguous = np.flatnonzero(stripped & ~valid)
    if len(ambiguous):
        raw_valid[ambiguous] = _valid_for_cc(cc, digits.take(pa.array(ambiguous)))
    decided = (with_plus | plain | stripped) & (valid | ~(stripped & raw_valid))
    ok = decided & valid
    e164 = pc.binary_join_element_wise(pa.scalar("+" + rule.cc), national, "")
    result = pc.if_else(pa.array(ok), e164, pa.nulls(n, type=pa.string()))
    return decided, result


# --------------------------------------------------------------------------------------------
# LinkedIn
# --------------------------------------------------------------------------------------------

_LI_PREFIX = r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/"


def linkedin_key(values: pa.Array) -> pa.Array:
    """A comparison key per LinkedIn URL: ``linkedin.com/in/jane-doe`` whatever the scheme, host or query."""
    low = pc.utf8_lower(values)
    key = pc.replace_substring_regex(low, _LI_PREFIX, "linkedin.com/")
    key = pc.replace_substring_regex(key, r"[?#].*$", "")
    return pc.replace_substring_regex(key, r"/+$", "")


def normalize_linkedin_urls(values: pa.Array) -> pa.Array:
    """``http://fr.linkedin.com/in/Jane-Doe/?trk=x`` -> ``https://www.linkedin.com/in/jane-doe``, per value.

    Null where a value is not a LinkedIn profile URL. One pass over the array: the fix runs it on
    a million mostly distinct URLs.
    """
    text = pc.utf8_trim_whitespace(values)
    profile = pc.match_substring_regex(text, LINKEDIN_PATTERN, ignore_case=True)
    url = pc.binary_join_element_wise("https://www.", linkedin_key(text), "")
    return pc.if_else(profile, url, pa.nulls(len(values), type=pa.string()))


def normalize_linkedin_url(value: str) -> str | None:
    """:func:`normalize_linkedin_urls` for one value."""
    result: str | None = normalize_linkedin_urls(pa.array([value], type=pa.string()))[0].as_py()
    return result


# --------------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validation:
    """What is wrong where, for the whole sheet.

    Attributes:
        error_rows: One bool per frame row: at least one error (the row will not be sent).
        warning_rows: One bool per frame row: at least one warning.
    """

    error_rows: np.ndarray
    warning_rows: np.ndarray
    _checks: Mapping[str, _ColumnCheck] = dataclasses.field(default_factory=dict, repr=False)
    _row_level: tuple[tuple[str, str, str], ...] = dataclasses.field(default=(), repr=False)
    _row_label: RowLabel = dataclasses.field(default=default_row_label, repr=False)
    _counts: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict, repr=False)

    def severity(self, row: int, column: str) -> str | None:
        """The severity of a cell's problem, None when it is fine: the tint, without the message."""
        checked = self._checks.get(column)
        if checked is None:
            return None
        code = int(checked.codes[row])
        return checked.rules[code - 1].severity if code else None

    def cell(self, row: int, column: str) -> tuple[str, str] | None:
        """``(severity, message)`` for one cell, None when it is fine (the message for tooltips)."""
        checked = self._checks.get(column)
        if checked is None:
            return None
        code = int(checked.codes[row])
        if not code:
            return None
        rule = checked.rules[code - 1]
        return rule.severity, rule.message(checked.value(row), row, checked, self._row_label)

    def row_messages(self, row: int) -> list[str]:
        """Every problem of a row as ``Column: message``, errors first: the report's ``reason``."""
        found: list[tuple[int, str]] = []
        for column, checked in self._checks.items():
            code = int(checked.codes[row])
            if code:
                rule = checked.rules[code - 1]
                text = rule.message(checked.value(row), row, checked, self._row_label)
                found.append((0 if rule.severity == ERROR else 1, f"{column}: {text}"))
        for _field_name, message, severity in self._row_level:
            found.append((0 if severity == ERROR else 1, message))
        return [text for _, text in sorted(found, key=lambda item: item[0])]

    def issues(self) -> Iterator[RowIssue]:
        """Every issue, row by row (an unmapped required field gives one issue on every row)."""
        columns = list(self._checks.values())
        flagged = np.zeros(len(self.error_rows), dtype=bool)
        for checked in columns:
            flagged |= checked.codes != 0
        every_row = bool(self._row_level)
        rows = np.arange(len(self.error_rows)) if every_row else np.flatnonzero(flagged)
        for row in rows.tolist():
            for checked in columns:
                code = int(checked.codes[row])
                if code:
                    rule = checked.rules[code - 1]
                    message = rule.message(checked.value(row), row, checked, self._row_label)
                    yield RowIssue(row, checked.column, checked.field, message, rule.severity)
            for field_name, message, severity in self._row_level:
                yield RowIssue(row, "", field_name, message, severity)

    def counts_by_field(self) -> dict[str, tuple[int, int]]:
        """Field name to (errors, warnings) cell counts, for the mapping panel's validity bars."""
        return dict(self._counts)

    def column_rows(self, column: str, severity: str | None = None) -> np.ndarray:
        """Positions of the rows with an issue in a column (optionally of one severity)."""
        checked = self._checks.get(column)
        if checked is None:
            return np.zeros(0, dtype=np.int64)
        if severity is None:
            return np.flatnonzero(checked.codes)
        wanted = np.array([0] + [r.severity == severity for r in checked.rules], dtype=bool)
        return np.flatnonzero(wanted[checked.codes])

    @property
    def error_count(self) -> int:
        """Cells (and whole-row problems) with an error."""
        return sum(e for e, _ in self._cell_counts())

    @property
    def warning_count(self) -> int:
        """Cells with a warning."""
        return sum(w for _, w in self._cell_counts())

    @property
    def invalid_row_count(self) -> int:
        """Rows that will not be sent."""
        return int(np.count_nonzero(self.error_rows))

    @property
    def problem_rows(self) -> np.ndarray:
        """Rows with an error or a warning: the table's "problems only" filter."""
        return np.asarray(self.error_rows | self.warning_rows)

    def _cell_counts(self) -> list[tuple[int, int]]:
        out = [_severity_counts(c) for c in self._checks.values()]
        n = len(self.error_rows)
        out += [(n, 0) if severity == ERROR else (0, n) for _, _, severity in self._row_level]
        return out


def _severity_counts(checked: _ColumnCheck) -> tuple[int, int]:
    if not checked.rules:
        return 0, 0
    per_code = np.bincount(checked.codes, minlength=len(checked.rules) + 1)
    errors = sum(int(per_code[i + 1]) for i, r in enumerate(checked.rules) if r.severity == ERROR)
    warnings = sum(int(per_code[i + 1]) for i, r in enumerate(checked.rules) if r.severity == WARNING)
    return errors, warnings


# --------------------------------------------------------------------------------------------
# validate()
# --------------------------------------------------------------------------------------------

_KEY_WORDS = {
    FieldKind.EMAIL: "email",
    FieldKind.PHONE: "phone number",
    FieldKind.LINKEDIN: "LinkedIn profile",
}


_WORKERS = max(1, min(2, os.cpu_count() or 1))


def _check_field(
    f: LeadField,
    checked: _ColumnCheck,
    *,
    blocking: bool,
    dedupe: bool,
    region: str,
    cancel: CancelToken | None,
) -> np.ndarray:
    """Run one field's format rules (and the duplicate rule on the dedupe field); returns its empty mask."""
    check(cancel)
    text = _text(checked.series)
    empty = _np(pc.equal(pc.utf8_length(text), 0))
    filled = ~empty
    phone_key: np.ndarray | None = None
    if f.kind is FieldKind.EMAIL:
        ok = _matches(text, EMAIL_PATTERN)
        checked.flag(filled & ~ok, _Rule(ERROR, _email_message))
        typo = _matches(text, _typo_pattern(), ignore_case=True) & ok
        checked.flag(typo, _Rule(WARNING, _typo_message))
    elif f.kind is FieldKind.PHONE:
        severity = ERROR if blocking else WARNING
        if _mostly_distinct(text):  # a list of personal numbers: encoding first would only cost time
            e164 = phones_e164(text, region)
            checked.flag(filled & ~_np(pc.is_valid(e164)), _Rule(severity, _phone_message(region)))
            if dedupe:
                phone_key = _codes(e164)
        else:  # company switchboards repeat: parse each distinct number once
            encoded = pc.dictionary_encode(text)
            indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
            e164 = phones_e164(encoded.dictionary, region)
            valid_unique = _np(pc.is_valid(e164))
            checked.flag(filled & ~valid_unique[indices], _Rule(severity, _phone_message(region)))
            if dedupe:
                phone_key = _codes(e164)[indices]
    elif f.kind is FieldKind.LINKEDIN:
        ok = _matches(text, LINKEDIN_PATTERN, ignore_case=True)
        checked.flag(filled & ~ok, _Rule(ERROR, _linkedin_message))
    elif f.kind is FieldKind.US_STATE:
        codes = pa.array(sorted(US_STATES))
        exact = _np(pc.is_in(text, value_set=codes))
        folded = _np(pc.is_in(pc.utf8_upper(text), value_set=codes))
        checked.flag(filled & folded & ~exact, _Rule(WARNING, _state_case_message))
        checked.flag(filled & ~folded, _Rule(ERROR, _state_message))
    elif f.kind is FieldKind.ZIP:
        checked.flag(filled & ~_matches(text, ZIP_PATTERN), _Rule(ERROR, _zip_message))
    elif f.kind is FieldKind.TIMEZONE:
        ok = _np(pc.is_in(text, value_set=_timezone_set()))
        checked.flag(filled & ~ok, _Rule(ERROR, _timezone_message))
    elif f.kind is FieldKind.DATETIME:
        ok = _matches(text, ISO_PATTERN)
        ok &= _real_dates(text, ok)
        checked.flag(filled & ~ok, _Rule(ERROR, _date_message))
    elif f.kind is FieldKind.URL:
        severity = ERROR if f.concept in ("link", "link_to_shorten") else WARNING
        checked.flag(filled & ~_matches(text, URL_PATTERN), _Rule(severity, _url_message))
    if dedupe:
        check(cancel)
        usable = filled & (checked.codes == 0)
        keys: pa.Array | np.ndarray
        if phone_key is not None:
            keys = phone_key
            usable &= phone_key >= 0
        elif f.kind is FieldKind.EMAIL:
            keys = pc.utf8_lower(text)
        elif f.kind is FieldKind.LINKEDIN:
            keys = linkedin_key(text)
        else:
            keys = text
        duplicate, first = _duplicate_rows(keys, usable)
        if duplicate.any():
            checked.dup_of = first.astype(np.int32)
            checked.flag(duplicate, _Rule(ERROR, _duplicate_message(_KEY_WORDS.get(f.kind, f.label))))
    return empty


def _mostly_distinct(text: pa.Array, sample: int = 20_000) -> bool:
    """True when a sample from the top of the column is mostly distinct values."""
    head = text.slice(0, sample)
    return len(head) >= 1000 and len(pc.unique(head)) > 0.7 * len(head)


@lru_cache(maxsize=1)
def _timezone_set() -> pa.Array:
    return pa.array(sorted(timezones()))


def validate(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    *,
    destination_kind: str = "campaign",
    default_region: str = "US",
    row_label: RowLabel | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Validation:
    """Check every mapped cell of the sheet against the provider's rules.

    Args:
        frame: The loaded sheet (object or arrow-backed string columns).
        mapping: Which columns feed which fields.
        spec: The provider whose rules apply.
        destination_kind: ``campaign`` or ``list`` (an Instantly list takes a name instead of an email).
        default_region: Region for phone numbers written without a country code.
        row_label: How a frame row is named in messages; default: sheet row (row + 2).
        progress: Told after each rule.
        cancel: Checked between rules.

    Raises:
        MappingError: The mapping names a column or field that does not exist.
        Cancelled: The token was cancelled.
    """
    label = row_label or default_row_label
    n = len(frame)
    mapped = [(f, mapping.fields[f.name]) for f in spec.fields if f.name in mapping.fields]
    unknown = set(mapping.fields) - {f.name for f in spec.fields}
    if unknown:
        raise MappingError(f"{spec.label} has no field ‘{sorted(unknown)[0]}’.")
    for f, column in mapped:
        if column not in frame.columns:
            raise MappingError(f"The sheet has no column ‘{column}’ (mapped to {f.label}).")
    groups = required_groups(spec, destination_kind)
    in_groups = {name for group in groups for name in group}
    total = len(mapped) + 3
    step = 0

    def advance(message: str) -> None:
        nonlocal step
        step += 1
        check(cancel)
        if progress is not None:
            progress(Progress(step, total, message))

    checks: dict[str, _ColumnCheck] = {}
    empties: dict[str, np.ndarray] = {}
    pending: dict[Future[np.ndarray], LeadField] = {}
    # pyarrow kernels release the GIL, so two columns checked at once use both cores.
    with ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="validate") as pool:
        for f, column in mapped:
            if f.kind is FieldKind.TEXT and f.name not in in_groups and f.name != spec.dedupe_field:
                advance(f"Checked {f.label}")
                continue  # free text: nothing to check, so no need to read it
            checked = _ColumnCheck(column, f.name, f.label, frame[column], np.zeros(n, dtype=np.uint8))
            checks[column] = checked
            blocking = f.name in in_groups or f.name == spec.dedupe_field
            job = pool.submit(
                _check_field,
                f,
                checked,
                blocking=blocking,
                dedupe=f.name == spec.dedupe_field,
                region=default_region,
                cancel=cancel,
            )
            pending[job] = f
        try:
            for job in as_completed(pending):
                f = pending[job]
                empties[f.name] = job.result()
                advance(f"Checked {f.label}")
        except BaseException:
            for other in pending:  # do not start columns nobody will look at
                other.cancel()
            raise

    row_level: list[tuple[str, str, str]] = []
    for group in groups:
        present = [name for name in group if name in empties]
        words = group_label(spec, group)
        if not present:
            message = f"No column is mapped to {words}: {spec.label} needs it for every lead"
            row_level.extend((name, message, ERROR) for name in group[:1])
            continue
        all_empty = np.logical_and.reduce([empties[name] for name in present])
        needs = "one of them" if len(group) > 1 else "it"
        rule = _Rule(ERROR, _fixed(f"{words} is empty: {spec.label} needs {needs} for every lead"))
        checks[mapping.fields[present[0]]].flag(all_empty, rule)
    advance("Checked required fields")

    link, short = spec.field_for_concept("link"), spec.field_for_concept("link_to_shorten")
    if link is not None and short is not None and link.name in empties and short.name in empties:
        both = ~empties[link.name] & ~empties[short.name]
        rule = _Rule(ERROR, _fixed(f"Fill either {link.label} or {short.label}, not both"))
        checks[mapping.fields[short.name]].flag(both, rule)
    advance("Checked links")

    # Duplicates were found inside the dedupe field's own column task (after its format rules,
    # so a malformed value is reported as malformed, never as a duplicate).
    advance("Checked duplicates")

    error_rows = np.zeros(n, dtype=bool)
    warning_rows = np.zeros(n, dtype=bool)
    counts: dict[str, tuple[int, int]] = {f.name: (0, 0) for f, _ in mapped}
    for checked in checks.values():
        if checked.rules:
            is_error = np.array([False] + [r.severity == ERROR for r in checked.rules], dtype=bool)
            is_warning = np.array([False] + [r.severity == WARNING for r in checked.rules], dtype=bool)
            error_rows |= is_error[checked.codes]
            warning_rows |= is_warning[checked.codes]
        counts[checked.field] = _severity_counts(checked)
    for name, _message, severity in row_level:
        (error_rows if severity == ERROR else warning_rows)[:] = True
        errors, warnings = counts.get(name, (0, 0))
        counts[name] = (errors + n, warnings) if severity == ERROR else (errors, warnings + n)
    return Validation(error_rows, warning_rows, checks, tuple(row_level), label, counts)


def _real_dates(text: pa.Array, shaped: np.ndarray) -> np.ndarray:
    """False where a date has the right shape but does not exist (2024-02-30); once per distinct date."""
    if not shaped.any():
        return shaped
    days = pc.utf8_slice_codeunits(text, 0, 10)
    encoded = pc.dictionary_encode(days)
    ok_unique = []
    for day in encoded.dictionary.to_pylist():
        try:
            dt.date.fromisoformat(day)
        except (TypeError, ValueError):
            ok_unique.append(False)
        else:
            ok_unique.append(True)
    indices = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    real: np.ndarray = np.asarray(ok_unique, dtype=bool)[indices] | ~shaped
    return real


def invalid_rows(validation: Validation) -> Sequence[int]:
    """Frame rows that will not be sent, in order."""
    rows: list[int] = np.flatnonzero(validation.error_rows).tolist()
    return rows
