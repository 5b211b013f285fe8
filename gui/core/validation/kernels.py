"""The value patterns (RE2) and the arrow pieces every rule runs through, whole columns at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
