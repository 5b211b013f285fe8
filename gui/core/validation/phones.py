"""Phone numbers to E.164: in bulk from libphonenumber's own metadata, ``phonenumbers`` for the rest."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers.phonemetadata import PhoneMetadata

from gui.core.validation.kernels import _matches, _np


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
