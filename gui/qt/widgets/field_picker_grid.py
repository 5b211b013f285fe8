"""Qt layer: the grid of field pickers, one per provider field, where one column feeds one field.

The grid keeps the pickers consistent (choosing a column another field had takes it away from
that field), says why each column is there (the hints) and how full it is (the bars, counted
in the background on a big sheet). Choices made in code (a recalled mapping, a carried-over
column) are quiet; only the user's own picks are signalled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QWidget

from gui.core.providers.base import ProviderSpec
from gui.qt.style import clear_layout
from gui.qt.widgets.column_fill_counter import ColumnFillCounter
from gui.qt.widgets.field_picker import FieldPicker, column_samples

if TYPE_CHECKING:
    import pandas as pd


class FieldPickerGrid(QScrollArea):
    """A scrolling grid: field caption, column picker and fill bar, with the hint and counts below.

    Signals:
        sig_column_picked: The name of the field the user just chose a column for (or unmapped).
    """

    sig_column_picked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pickers: list[FieldPicker] = []
        #: Field name -> why its column is there ("from the header “Courriel”"), shown as small print.
        self.hints: dict[str, str] = {}
        self._spec: ProviderSpec | None = None
        self._frame: pd.DataFrame | None = None
        self._problems: dict[str, tuple[int, int]] = {}  # field -> (errors, warnings)
        self._fill = ColumnFillCounter(self)
        self._fill.sig_counted.connect(self.show_fill)
        self._quiet = False
        self._host = QWidget()
        self._grid = QGridLayout(self._host)
        self._grid.setColumnStretch(1, 1)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(2)
        self.setWidgetResizable(True)
        self.setWidget(self._host)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        # The grid is often a narrow side column: the rows shrink to its width instead of scrolling.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Provider fields")

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    # ---- building ---------------------------------------------------------------------------

    def show_fields(self, spec: ProviderSpec, kind: str) -> None:
        """One picker per field of ``spec`` (none offers a column until :meth:`offer_columns`)."""
        clear_layout(self._grid)
        self._spec = spec
        self.pickers = []
        header_field = QLabel("Field")
        header_column = QLabel("Column in your sheet")
        header_fill = QLabel("Filled")
        for h in (header_field, header_column, header_fill):
            h.setEnabled(False)
        self._grid.addWidget(header_field, 0, 0)
        self._grid.addWidget(header_column, 0, 1)
        self._grid.addWidget(header_fill, 0, 2)
        previous: QWidget | None = None
        for i, lead_field in enumerate(spec.fields):
            picker = FieldPicker(spec, lead_field, kind)
            picker.combo.currentIndexChanged.connect(lambda _i, p=picker: self._on_changed(p))
            self.pickers.append(picker)
            r = 1 + i * 2
            self._grid.addWidget(picker.caption, r, 0)
            self._grid.addWidget(picker.combo, r, 1)
            self._grid.addWidget(picker.bar, r, 2)
            # Second line: why this column (under the picker) and the counts (under the bar).
            self._grid.addWidget(picker.hint, r + 1, 1)
            self._grid.addWidget(picker.count, r + 1, 2)
            if previous is not None:
                QWidget.setTabOrder(previous, picker.combo)
            previous = picker.combo
        self._grid.setRowStretch(1 + len(spec.fields) * 2, 1)

    def set_rule(self, spec: ProviderSpec, kind: str) -> None:
        """The destination kind changed (an Instantly lead list is looser): re-caption the fields."""
        for picker in self.pickers:
            picker.set_rule(spec, kind)

    def set_frame(self, frame: pd.DataFrame) -> None:
        """A new sheet: its values feed the samples and the fill counts; old problem counts go."""
        self._frame = frame
        self._fill.set_frame(frame)
        self._problems = {}

    def forget_counts(self, columns: Sequence[str]) -> None:
        """These columns changed in place (an edit, a fix) or left the sheet: count them again."""
        self._fill.forget(columns)

    def offer_columns(self, columns: Sequence[str]) -> None:
        """Offer the sheet's ``columns`` in every picker; choices of columns that are gone are dropped."""
        samples = column_samples(self._frame, columns)
        with self._quietly():
            for picker in self.pickers:
                picker.offer(columns, samples)

    # ---- reading ----------------------------------------------------------------------------

    def picker(self, field_name: str) -> FieldPicker:
        """The picker of ``field_name``; KeyError when the provider has no such field."""
        for picker in self.pickers:
            if picker.field.name == field_name:
                return picker
        raise KeyError(field_name)

    def fields(self) -> dict[str, str]:
        """Field name -> chosen column, for the mapped fields."""
        return {p.field.name: c for p in self.pickers if (c := p.column()) is not None}

    def mapped_columns(self) -> set[str]:
        """The columns some field takes."""
        return set(self.fields().values())

    def concepts(self) -> dict[str, str]:
        """Concept -> column of the current choices, to carry over to another provider."""
        return {p.field.concept: c for p in self.pickers if (c := p.column()) is not None and p.field.concept}

    def unmet_groups(self, kind: str) -> list[str]:
        """One phrase per required group none of whose fields has a column ("Email or LinkedIn URL")."""
        from gui.core.mapping.suggest import group_label, required_groups

        spec = self._spec
        if spec is None:
            return []
        mapped = set(self.fields())
        return [
            group_label(spec, group)
            for group in required_groups(spec, kind)
            if not mapped.intersection(group)
        ]

    # ---- choosing in code (quiet) -----------------------------------------------------------

    def apply(self, fields: Mapping[str, str], *, keep_hints: bool) -> None:
        """Choose ``fields`` (field -> column); other fields and columns not offered stay unmapped.

        ``keep_hints=False`` drops the reasons shown: the choice now is the caller's, not a suggestion.
        """
        with self._quietly():
            for picker in self.pickers:
                if not picker.choose(fields.get(picker.field.name)):
                    picker.choose(None)
        if not keep_hints:
            for picker in self.pickers:
                self.hints.pop(picker.field.name, None)

    def carry_over(self, concepts: Mapping[str, str]) -> None:
        """Keep the user's columns when switching provider: same meaning, same column."""
        with self._quietly():
            taken = self.mapped_columns()
            for picker in self.pickers:
                column = concepts.get(picker.field.concept)
                if column is None or picker.column() is not None or column in taken:
                    continue
                if picker.choose(column):
                    taken.add(column)
                    self.hints[picker.field.name] = "kept from your previous provider"

    def map_new_columns(self, new_columns: Sequence[str]) -> None:
        """Give a new column to the field its header names, when that field has no column yet."""
        from gui.core.mapping.headers import detect_concept

        spec = self._spec
        if spec is None:
            return
        with self._quietly():
            for column in new_columns:
                found = detect_concept(column)
                target = spec.field_for_concept(found[0]) if found else None
                if target is None:
                    continue
                picker = next((p for p in self.pickers if p.field.name == target.name), None)
                if picker is not None and picker.column() is None:
                    picker.choose(column)
                    self.hints[target.name] = f"new column “{column}” from a fix"

    # ---- the user's picks -------------------------------------------------------------------

    def _on_changed(self, changed: FieldPicker) -> None:
        if self._quiet:
            return
        column = changed.column()
        self.hints.pop(changed.field.name, None)
        moved_from = ""
        if column is not None:
            # One column feeds one field: take it away from the field that had it.
            with self._quietly():
                for picker in self.pickers:
                    if picker is not changed and picker.column() == column:
                        picker.choose(None)
                        self.hints[picker.field.name] = f"“{column}” moved to {changed.field.label}"
                        moved_from = picker.field.label
        if moved_from:
            self.hints[changed.field.name] = f"moved here from {moved_from}"
        self.sig_column_picked.emit(changed.field.name)

    # ---- the small print ----------------------------------------------------------------------

    def show_hints(self, notes: Mapping[str, Sequence[str]]) -> None:
        """Under each picker: why its column (unless obvious), a sample value and any damage note."""
        from gui.core.mapping.headers import normalize_header

        samples = column_samples(self._frame, sorted(self.mapped_columns()))
        for picker in self.pickers:
            column = picker.column()
            reason = self.hints.get(picker.field.name)
            parts = []
            if column is not None:
                # "from the header “Email”" says nothing when the header is the field's own name.
                obvious = (
                    normalize_header(column) == normalize_header(picker.field.label)
                    and reason == f"from the header “{column}”"
                )
                if reason and not obvious:
                    parts.append(reason)
                if samples.get(column):
                    parts.append(f"e.g. {samples[column]}")
                parts.extend(f"⚠ {n}" for n in notes.get(column, []))
            elif reason:
                parts.append(reason)
            picker.show_hint(parts)

    # ---- the bars -------------------------------------------------------------------------------

    def show_problems(self, problems: Mapping[str, tuple[int, int]]) -> None:
        """Per-field ``(errors, warnings)`` from the last validation, drawn on the bars."""
        self._problems = dict(problems)
        self.show_fill()

    def show_fill(self) -> None:
        """Each bar: filled cells of the chosen column out of all rows, and its problems."""
        total = len(self._frame) if self._frame is not None else 0
        waiting = []
        for picker in self.pickers:
            column = picker.column()
            filled = self._fill.filled(column) if column is not None else 0
            if filled is None:
                waiting.append(str(column))
            errors, warnings = self._problems.get(picker.field.name, (0, 0))
            picker.show_counts(filled, total, errors, warnings)
        # After the current burst of GUI work, so the count does not compete with it.
        self._fill.count_soon(waiting)

    def counting(self) -> bool:
        """True while a big column's fill is being counted."""
        return self._fill.counting()

    def shutdown(self) -> None:
        """Stop the background counts (window closing)."""
        self._fill.shutdown()
