"""What is wrong where, for the whole sheet: the tints, the tooltips and the report's reasons."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from gui.core.validation.rules import ERROR, WARNING, RowLabel, _ColumnCheck, default_row_label


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


def invalid_rows(validation: Validation) -> Sequence[int]:
    """Frame rows that will not be sent, in order."""
    rows: list[int] = np.flatnonzero(validation.error_rows).tolist()
    return rows
