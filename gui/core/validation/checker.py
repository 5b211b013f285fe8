"""``validate()``: the provider's rules over every mapped column, two columns at a time."""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import FieldKind, LeadField, Progress
from gui.core.errors import MappingError
from gui.core.mapping.columns import ColumnMapping
from gui.core.mapping.suggest import group_label, required_groups
from gui.core.mapping.values import US_STATES, timezones
from gui.core.providers.base import ProviderSpec
from gui.core.validation.kernels import (
    EMAIL_PATTERN,
    ISO_PATTERN,
    LINKEDIN_PATTERN,
    URL_PATTERN,
    ZIP_PATTERN,
    _codes,
    _duplicate_rows,
    _matches,
    _np,
    _text,
)
from gui.core.validation.linkedin import linkedin_key
from gui.core.validation.phones import phones_e164
from gui.core.validation.result import Validation, _severity_counts
from gui.core.validation.rules import (
    ERROR,
    WARNING,
    RowLabel,
    _ColumnCheck,
    _date_message,
    _duplicate_message,
    _email_message,
    _fixed,
    _linkedin_message,
    _phone_message,
    _Rule,
    _state_case_message,
    _state_message,
    _timezone_message,
    _typo_message,
    _typo_pattern,
    _url_message,
    _zip_message,
    default_row_label,
)

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
