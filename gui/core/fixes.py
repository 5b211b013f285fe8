"""Pure Python: named fixes a user applies to a whole column, with a preview and an undo.

Fixes change the frame **in place** (replacing the touched columns) because copying a
1M-row sheet for every click costs seconds and hundreds of megabytes. Nothing changes
silently: :func:`apply_fix` returns a :class:`FixResult` that holds the original value of
every changed cell, and ``FixResult.undo(frame)`` puts them back. Cell edits in the table go
through :func:`set_cell`, which returns the same kind of record for the GUI's undo stack.
A text file's arrow-backed column becomes ``object`` on its first write (:func:`make_editable`),
so undo, redo and later edits write cells in place instead of rebuilding the column each time.

Every fix works on distinct values (a column of 1M rows usually holds far fewer distinct
phones or names), so the costly ones (phone parsing, name splitting) run once per value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from gui.core.errors import MappingError
from gui.core.sheets.text_columns import TEXT_DTYPE
from gui.core.validation.linkedin import normalize_linkedin_urls
from gui.core.validation.phones import phones_e164

__all__ = [
    "FIXES",
    "CellEdit",
    "FixResult",
    "FixStep",
    "apply_fix",
    "apply_steps",
    "make_editable",
    "preview_fix",
    "set_cell",
    "split_name",
    "zip_to_state",
]


@dataclass(frozen=True)
class FixResult:
    """What a fix changed, enough to undo it.

    Attributes:
        column: The column whose values changed (for split_full_name: the first-name column).
        rows: Positions of the changed rows.
        before: Their values before the fix (None where the column did not exist or the cell was empty).
        after: Their values after.
        also: Changes made to other columns by the same fix (split_full_name's last names).
        created: Columns the fix added to the frame; undo removes them.
    """

    column: str
    rows: np.ndarray
    before: np.ndarray
    after: np.ndarray
    also: tuple[FixResult, ...] = ()
    created: tuple[str, ...] = ()

    @property
    def changed(self) -> int:
        """How many cells changed, over every column the fix touched."""
        return len(self.rows) + sum(r.changed for r in self.also)

    def undo(self, frame: pd.DataFrame) -> None:
        """Put the original values back (and drop the columns the fix created)."""
        for other in self.also:
            other.undo(frame)
        if self.column in self.created:
            frame.drop(columns=[self.column], inplace=True)
            return
        if len(self.rows):
            _write(frame, self.column, self.rows, self.before)

    def redo(self, frame: pd.DataFrame) -> None:
        """Apply the change again after an undo."""
        if self.column in self.created and self.column not in frame.columns:
            frame[self.column] = pd.Series([""] * len(frame), index=frame.index, dtype=object)
        if len(self.rows):
            _write(frame, self.column, self.rows, self.after)
        for other in self.also:
            other.redo(frame)


@dataclass(frozen=True)
class CellEdit:
    """One cell edited by hand, as a record for the GUI undo stack."""

    row: int
    column: str
    before: str
    after: str

    def undo(self, frame: pd.DataFrame) -> None:
        """Put the old value back."""
        _write(frame, self.column, np.array([self.row]), np.array([self.before], dtype=object))

    def redo(self, frame: pd.DataFrame) -> None:
        """Write the new value again."""
        _write(frame, self.column, np.array([self.row]), np.array([self.after], dtype=object))


@dataclass(frozen=True)
class FixStep:
    """A fix as a preset stores it: replayed on next week's file of the same shape."""

    column: str
    fix: str
    params: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"column": self.column, "fix": self.fix, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: object) -> FixStep:
        """Read :meth:`to_dict` output; MappingError names what is wrong."""
        if not isinstance(data, Mapping):
            raise MappingError("A fix step must be an object with 'column', 'fix' and 'params'.")
        column, fix, params = data.get("column"), data.get("fix"), data.get("params", {})
        if not isinstance(column, str) or not isinstance(fix, str):
            raise MappingError("A fix step needs a text 'column' and 'fix'.")
        if fix not in FIXES:
            raise MappingError(f"Unknown fix ‘{fix}’; known fixes: {', '.join(sorted(FIXES))}.")
        if not isinstance(params, Mapping):
            raise MappingError(f"The parameters of fix ‘{fix}’ must be an object.")
        return cls(column, fix, dict(params))


def _cell_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def _column_text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise MappingError(f"The sheet has no column ‘{column}’.")
    # A copy: the frame is written in place later and the undo record must keep the old text.
    values = frame[column].to_numpy(dtype=object, copy=True)
    missing = pd.isna(values)
    if missing.any():
        values[missing] = ""
    return np.asarray(values, dtype=object)


def make_editable(frame: pd.DataFrame, column: str) -> bool:
    """Turn an arrow-backed text column into an ``object`` column of the same ``str`` cells, once.

    A text file loads into pandas' arrow-backed ``str`` dtype, whose arrays cannot be written
    in place: pandas rebuilds the whole column on every write, O(rows) per edit (tens of ms per
    cell, a third of a second per undo or redo of a fix at a million rows). One conversion costs
    about as much as one such write, and every later write to the ``object`` column is O(1).
    Callers that write cells (fixes, undo, the table model) call this before their first write.

    Columns of any other dtype are left alone: ``object`` columns are editable already, and
    pandas' NA-semantics ``string[pyarrow]`` would hand ``pd.NA`` cells to code that expects text.

    Args:
        frame: The sheet; the column is replaced in place (same position, same text).
        column: The column about to be written.

    Returns:
        True when the column's dtype changed (anything cached about the old column is stale).

    Raises:
        KeyError: The frame has no such column.
    """
    if not isinstance(frame.columns.get_loc(column), int) or frame[column].dtype != TEXT_DTYPE:
        return False
    frame[column] = frame[column].to_numpy(dtype=object)
    return True


def _write(frame: pd.DataFrame, column: str, rows: np.ndarray, values: np.ndarray) -> None:
    """Write values into rows of a column (an arrow-backed text column becomes ``object`` first).

    See :func:`make_editable` for why; any other column keeps its dtype.
    """
    make_editable(frame, column)
    if len(rows) <= 10_000:
        position = frame.columns.get_loc(column)
        if isinstance(position, int):
            frame.iloc[rows, position] = values
            return
    current = frame[column].to_numpy(dtype=object).copy()
    current[rows] = values
    dtype = frame[column].dtype
    if isinstance(dtype, (pd.StringDtype, pd.ArrowDtype)):
        frame[column] = pd.Series(current, index=frame.index).astype(dtype)
    else:
        frame[column] = current


# --------------------------------------------------------------------------------------------
# The fixes: each maps a column's text to new text (same length)
# --------------------------------------------------------------------------------------------

_EDGE_SPACE = re.compile(r"^[\s\u00a0\u200b\u200c\u200d\ufeff]+|[\s\u00a0\u200b\u200c\u200d\ufeff]+$")
_INNER_SPACE = re.compile(r"[ \u00a0]{2,}")


def _trim(values: np.ndarray, **_: Any) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    out = series.str.replace(_EDGE_SPACE, "", regex=True).str.replace(_INNER_SPACE, " ", regex=True)
    return np.asarray(out.to_numpy(dtype=object), dtype=object)


def _lowercase_email(values: np.ndarray, **_: Any) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    has_at = series.str.contains("@", regex=False).fillna(False).to_numpy(dtype=bool)
    lowered = series.str.strip().str.lower()
    return np.asarray(np.where(has_at, lowered.to_numpy(dtype=object), values), dtype=object)


def _uppercase(values: np.ndarray, **_: Any) -> np.ndarray:
    series = pd.Series(values, dtype=object)
    return np.asarray(series.str.strip().str.upper().fillna("").to_numpy(dtype=object), dtype=object)


def _phone_e164(values: np.ndarray, *, region: str = "US", **_: Any) -> np.ndarray:
    stripped = pd.Series(values, dtype=object).str.strip().to_numpy(dtype=object)
    codes, uniques = pd.factorize(stripped)
    e164 = phones_e164(pa.array(list(uniques), type=pa.string()), region).to_pylist()
    out = np.array([e if e is not None else u for e, u in zip(e164, uniques, strict=True)], dtype=object)
    result = out[codes] if len(out) else np.empty(0, dtype=object)
    return np.asarray(np.where(codes < 0, values, result), dtype=object)


def _normalize_linkedin(values: np.ndarray, **_: Any) -> np.ndarray:
    text = pa.array(values.tolist(), type=pa.string(), from_pandas=True)
    cleaned = normalize_linkedin_urls(text).to_numpy(zero_copy_only=False)
    return np.asarray(np.where(pd.isna(cleaned), values, cleaned), dtype=object)


def _fill_constant(values: np.ndarray, *, value: str = "", only_empty: bool = True, **_: Any) -> np.ndarray:
    if not only_empty:
        return np.full(len(values), str(value), dtype=object)
    empty = pd.Series(values, dtype=object).str.strip().eq("").to_numpy(dtype=bool)
    return np.asarray(np.where(empty, str(value), values), dtype=object)


_PREFIXES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "m", "mme", "mlle", "herr", "frau",
     "sr", "sra", "srta", "don", "dona", "dott", "dssa", "ing", "avv", "dhr", "mevr", "mw", "eng"}
)  # fmt: skip
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "esq", "cpa", "dds"})
_PARTICLES = frozenset(
    {"de", "del", "della", "der", "den", "des", "di", "da", "dos", "das", "do", "du", "la", "le", "van",
     "von", "ten", "ter", "zu", "y", "st", "mac", "bin", "al", "el"}
)  # fmt: skip


def split_name(full: str) -> tuple[str, str]:
    """``"Dr. Jean-Pierre de la Fontaine"`` -> ``("Jean-Pierre", "de la Fontaine")``.

    ``"Doe, Jane"`` is read as last, first. Titles (Mr, Dr, Mme, Herr...) are dropped; name
    particles (de, van, von...) stay with the last name; a single word is a first name.
    """
    text = " ".join(full.split())
    if not text:
        return "", ""
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last and first.lower().strip(".") not in _SUFFIXES:
            return first, last
    words = text.replace(",", " ").split()
    while len(words) > 1 and words[0].lower().strip(".") in _PREFIXES:
        words = words[1:]
    if len(words) == 1:
        return words[0], ""
    for i in range(1, len(words) - 1):
        if words[i].lower() in _PARTICLES:
            return " ".join(words[:i]), " ".join(words[i:])
    return words[0], " ".join(words[1:])


# 3-digit ZIP prefixes to state (USPS sectional centers). Ranges are inclusive.
_ZIP_RANGES: tuple[tuple[int, int, str], ...] = (
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"),
    (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"), (60, 69, "CT"),
    (70, 89, "NJ"), (90, 99, "AE"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"),
    (200, 200, "DC"), (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"),
    (247, 268, "WV"), (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 339, "FL"),
    (340, 340, "AA"), (341, 349, "FL"), (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"),
    (398, 399, "GA"), (400, 427, "KY"), (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"),
    (500, 528, "IA"), (530, 549, "WI"), (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"),
    (580, 588, "ND"), (590, 599, "MT"), (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"),
    (680, 693, "NE"), (700, 715, "LA"), (716, 729, "AR"), (730, 732, "OK"), (733, 733, "TX"),
    (734, 749, "OK"), (750, 799, "TX"), (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"),
    (840, 847, "UT"), (850, 865, "AZ"), (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"),
    (900, 961, "CA"), (962, 966, "AP"), (967, 968, "HI"), (969, 969, "GU"), (970, 979, "OR"),
    (980, 994, "WA"), (995, 999, "AK"),
)  # fmt: skip


def _zip_table() -> np.ndarray:
    table = np.full(1000, "", dtype=object)
    for low, high, state in _ZIP_RANGES:
        table[low : high + 1] = state
    return table


_ZIP_TABLE = _zip_table()
_ZIP_SHAPE = re.compile(r"^\s*(\d{5})(?:-?\d{4})?\s*$")


def zip_to_state(zip_code: str) -> str:
    """The US state of a 5-digit ZIP (or ZIP+4) from its first three digits; "" when unknown."""
    match = _ZIP_SHAPE.match(zip_code)
    if not match:
        return ""
    return str(_ZIP_TABLE[int(match.group(1)[:3])])


def _states_from_zips(zips: np.ndarray) -> np.ndarray:
    series = pd.Series(zips, dtype=object)
    five = series.str.extract(_ZIP_SHAPE.pattern, expand=False)
    prefix = pd.to_numeric(five.str[:3], errors="coerce").to_numpy(dtype=float)
    out = np.full(len(zips), "", dtype=object)
    ok = ~np.isnan(prefix)
    out[ok] = _ZIP_TABLE[prefix[ok].astype(np.int64)]
    return out


#: Fixes that map one column to itself: name -> function(values, **params) -> new values.
_SIMPLE: dict[str, Callable[..., np.ndarray]] = {
    "trim": _trim,
    "lowercase_email": _lowercase_email,
    "uppercase": _uppercase,
    "phone_e164": _phone_e164,
    "normalize_linkedin": _normalize_linkedin,
    "fill_constant": _fill_constant,
}

#: Every fix name with the words the fix menu shows.
FIXES: dict[str, str] = {
    "trim": "Trim spaces",
    "lowercase_email": "Lowercase emails",
    "uppercase": "Capital letters (state codes: ny -> NY)",
    "phone_e164": "Phone numbers to international format (+1…)",
    "split_full_name": "Split full name into first and last name",
    "zip_to_state": "Fill US state from ZIP code",
    "normalize_linkedin": "Clean LinkedIn URLs",
    "fill_constant": "Fill empty cells with a value",
}


def _targets(frame: pd.DataFrame, column: str, fix: str, params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The new values of every column a fix writes (the source column for simple fixes)."""
    source = _column_text(frame, column)
    if fix in _SIMPLE:
        return {column: _SIMPLE[fix](source, **params)}
    if fix == "split_full_name":
        first_col = str(params.get("first_column", "First name"))
        last_col = str(params.get("last_column", "Last name"))
        if first_col == last_col:
            raise MappingError("Split full name needs two different target columns.")
        codes, uniques = pd.factorize(source)
        parts = [split_name(str(u)) for u in uniques]
        firsts = np.array([p[0] for p in parts], dtype=object)
        lasts = np.array([p[1] for p in parts], dtype=object)
        only_empty = bool(params.get("only_empty", False))
        out: dict[str, np.ndarray] = {}
        for name, values in ((first_col, firsts), (last_col, lasts)):
            new = values[codes] if len(values) else np.empty(0, dtype=object)
            if name in frame.columns:
                old = _column_text(frame, name)
                keep = (pd.Series(old).str.strip() != "").to_numpy(dtype=bool) if only_empty else None
                new = np.where(source == "", old, new)
                if keep is not None:
                    new = np.where(keep, old, new)
            out[name] = np.asarray(new, dtype=object)
        return out
    if fix == "zip_to_state":
        state_col = str(params.get("state_column", "State"))
        states = _states_from_zips(source)
        if state_col in frame.columns:
            old = _column_text(frame, state_col)
            overwrite = bool(params.get("overwrite", False))
            fill = (states != "") & (overwrite | (pd.Series(old).str.strip() == "").to_numpy(dtype=bool))
            states = np.where(fill, states, old)
        return {state_col: np.asarray(states, dtype=object)}
    raise MappingError(f"Unknown fix ‘{fix}’; known fixes: {', '.join(sorted(FIXES))}.")


def _changes(frame: pd.DataFrame, name: str, new: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    old = _column_text(frame, name) if name in frame.columns else np.full(len(new), "", dtype=object)
    differs = np.flatnonzero(old != new)
    return differs, old


def preview_fix(
    frame: pd.DataFrame, column: str, fix: str, *, limit: int = 20, **params: Any
) -> list[tuple[int, str, str]]:
    """Up to ``limit`` rows the fix would change, as ``(row, before, after)``; the frame is untouched.

    For ``split_full_name`` the after text is ``first | last``; for ``zip_to_state`` it is the
    state written to the target column next to the ZIP.
    """
    head = frame
    targets: dict[str, np.ndarray] = {}
    changes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    changed: set[int] = set()
    for size in (2000, 20000, len(frame)):
        head = frame.iloc[: min(size, len(frame))]
        targets = _targets(head, column, fix, params)
        changes = {name: _changes(head, name, new) for name, new in targets.items()}
        changed = {int(r) for rows, _old in changes.values() for r in rows.tolist()}
        if len(changed) >= limit or size >= len(frame):
            break
    source = _column_text(head, column)
    names = list(targets)
    olds = {name: changes[name][1] for name in names}
    rows = sorted(changed)[:limit]
    out: list[tuple[int, str, str]] = []
    for row in rows:
        if fix == "split_full_name":
            out.append((row, str(source[row]), " | ".join(str(targets[n][row]) for n in names)))
        elif fix == "zip_to_state":
            before = str(olds[names[0]][row])
            out.append((row, f"{source[row]} ({before or 'no state'})", str(targets[names[0]][row])))
        else:
            out.append((row, str(olds[names[0]][row]), str(targets[names[0]][row])))
    return out


def apply_fix(frame: pd.DataFrame, column: str, fix: str, **params: Any) -> FixResult:
    """Apply a fix to the whole column **in place** and return what changed, for undo.

    Args:
        frame: The sheet; changed columns are replaced (same dtype, except that an arrow-backed
            text column becomes ``object``: see :func:`make_editable`), new columns are appended.
        column: The column the fix reads (the ZIP column for ``zip_to_state``, the full name
            for ``split_full_name``).
        fix: One of :data:`FIXES`.
        **params: ``region`` (phone_e164), ``value`` and ``only_empty`` (fill_constant),
            ``first_column``/``last_column``/``only_empty`` (split_full_name),
            ``state_column``/``overwrite`` (zip_to_state).

    Raises:
        MappingError: Unknown fix or column.
    """
    targets = _targets(frame, column, fix, params)
    results: list[FixResult] = []
    for name, new in targets.items():
        rows, old = _changes(frame, name, new)
        created = name not in frame.columns
        if created:
            frame[name] = pd.Series(new, index=frame.index, dtype=object)
        elif len(rows):
            _write(frame, name, rows, new[rows])
        results.append(FixResult(name, rows, old[rows], new[rows], created=(name,) if created else ()))
    main, *rest = results
    return FixResult(main.column, main.rows, main.before, main.after, tuple(rest), main.created)


def apply_steps(frame: pd.DataFrame, steps: Sequence[FixStep]) -> list[FixResult]:
    """Replay a preset's fixes in order; steps whose column is missing are skipped."""
    results = []
    for step in steps:
        if step.column in frame.columns:
            results.append(apply_fix(frame, step.column, step.fix, **dict(step.params)))
    return results


def set_cell(frame: pd.DataFrame, row: int, column: str, value: str) -> CellEdit:
    """Edit one cell in place and return the record the GUI's undo stack keeps."""
    if column not in frame.columns:
        raise MappingError(f"The sheet has no column ‘{column}’.")
    if not 0 <= row < len(frame):
        raise MappingError(f"There is no row {row + 2} in the sheet.")
    before = _cell_text(frame[column].iat[row])
    edit = CellEdit(row, column, before, value)
    edit.redo(frame)
    return edit
