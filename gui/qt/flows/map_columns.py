"""Qt layer: the "map columns" flow: which column of the sheet feeds which field of the provider.

What the user sees, top to bottom: a summary (the provider's rule, ready or not), the saved
mappings, one picker per provider field (seeded from a remembered mapping or the core's
suggestion, the reason in small print, a bar of how full the column is), the other columns to
send as custom variables, and the exact JSON the selected row will send. Each is a widget of
``gui.qt.widgets``; this class holds the sheet, the provider and the destination, picks the
starting mapping, and converts to the core's ``ColumnMapping`` at the edges, so the core stays
the single source of truth for what a mapping means. The window talks to it through its public
methods and its two signals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from gui.core.providers.base import ProviderSpec
from gui.qt.widgets.custom_variables_box import CustomVariablesBox
from gui.qt.widgets.field_picker import FieldPicker, suggestion_words
from gui.qt.widgets.field_picker_grid import FieldPickerGrid
from gui.qt.widgets.mapping_summary import MappingSummary
from gui.qt.widgets.payload_preview import PayloadPreviewBox
from gui.qt.widgets.saved_mappings_bar import (
    MappingToSave,
    SavedMappingsBar,
    preset_mapping_for,
    recall_for,
    remember_for,
)

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.fixes import FixStep
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.presets import Preset
    from gui.core.sheets.damage import ColumnNote

#: Milliseconds the flow waits after the last change before telling the window: several pickers
#: changed in one go (a preset, a moved column) become one signal, so validation runs once.
EMIT_DELAY_MS = 60
#: Milliseconds after the last row change before the payload preview is rebuilt.
PREVIEW_DELAY_MS = 40


class MapColumnsFlow(QWidget):
    """Map the sheet's columns to the chosen provider's fields.

    Signals:
        sig_mapping_changed: The new ``ColumnMapping``, once per burst of changes (also once after
            a new sheet or provider was seeded, so the window can validate).
    """

    sig_mapping_changed = Signal(object)
    #: A saved mapping (``gui.core.presets.Preset``) was applied: the window may replay its fixes
    #: (``preset.fixes``) and set its provider options (``preset.options``).
    sig_preset_applied = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, populate: bool = True) -> None:
        """The flow, empty until :meth:`set_spec`.

        ``populate=False`` leaves the saved mappings unread until :meth:`set_spec` (which reads
        them): the app builds its first window before the mapping rules and pandas are loaded.
        """
        super().__init__(parent)
        self.setAccessibleName("Column mapping")
        self._spec: ProviderSpec | None = None
        self._frame: pd.DataFrame | None = None
        self._notes: dict[str, list[str]] = {}
        self._region = "US"
        self._row_number_base = 2
        self._row_columns_offered: list[str] = []
        self._selected_row = 0
        self._destination_id = ""
        self._options: dict[str, bool | str] = {}
        self._recalled = ""
        self._fix_steps: tuple[FixStep, ...] = ()
        self._user_changed = False

        self._emit_timer = self._single_shot(EMIT_DELAY_MS, self._emit_now)
        self._preview_timer = self._single_shot(PREVIEW_DELAY_MS, self._refresh_preview)

        # -- header: what this is and whether the required fields are there ------------------
        self.summary = MappingSummary()
        self.title = self.summary.title
        self.rule_label = self.summary.rule_label
        self.status_label = self.summary.status_label
        self.recall_label = self.summary.recall_label

        # -- presets ----------------------------------------------------------------------------
        self.saved_mappings = SavedMappingsBar(self._mapping_to_save)
        self.preset_combo = self.saved_mappings.combo
        self.delete_preset_action = self.saved_mappings.delete_action
        self.save_preset_button = self.saved_mappings.save_button

        # -- one row per field --------------------------------------------------------------
        self.field_pickers = FieldPickerGrid()

        # -- custom variables -----------------------------------------------------------------
        self.custom_box = CustomVariablesBox()
        self.custom_list = self.custom_box.columns_list
        self.custom_none_button = self.custom_box.none_button

        # -- payload preview ----------------------------------------------------------------
        self.preview_box = PayloadPreviewBox()
        self.preview = self.preview_box.editor

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.field_pickers)
        splitter.addWidget(self.custom_box)
        splitter.addWidget(self.preview_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 2)
        # The fields are the main job: they get most of the height at first; the user can drag.
        splitter.setSizes([700, 110, 170])
        self.field_pickers.setMinimumHeight(200)
        self.custom_list.setMinimumHeight(60)
        self.preview.setMinimumHeight(80)
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.saved_mappings)
        layout.addWidget(splitter, 1)

        self.field_pickers.sig_column_picked.connect(self._on_column_picked)
        self.custom_box.sig_ticks_changed.connect(self._on_ticks_changed)
        self.saved_mappings.sig_preset_chosen.connect(self._on_preset_chosen)
        self.saved_mappings.sig_exported.connect(
            lambda name, path: self.summary.say(f"Mapping “{name}” written to {path}.")
        )

        if populate:
            self._reload_presets()
            self._refresh_all()
        else:  # what an empty panel shows, without reading the saved mappings yet
            self.summary.say("Loading the provider's fields…")

    def _single_shot(self, delay_ms: int, slot: Callable[[], None]) -> QTimer:
        """A restartable timer: each start pushes ``slot`` back, so a burst of changes runs it once."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(delay_ms)
        timer.timeout.connect(slot)
        return timer

    # ---- public API -------------------------------------------------------------------------

    def set_spec(self, spec: ProviderSpec) -> None:
        """Show ``spec``'s fields; the current columns carry over where the field means the same."""
        previous = self.field_pickers.concepts() if self._spec is not None else {}
        self._spec = spec
        self.summary.show_provider(spec, self._destination_kind())
        self.field_pickers.show_fields(spec, self._destination_kind())
        self._offer_columns()
        self._reload_presets()
        if self._frame is not None:
            self._seed(carry_over=previous)
        self._refresh_all()

    def set_frame(self, frame: pd.DataFrame, notes: Sequence[ColumnNote] = ()) -> None:
        """A newly loaded sheet: seed the pickers from a remembered mapping or the suggestion.

        ``notes`` (Excel damage found while loading) show under the field their column feeds.
        """
        self._frame = frame
        self.field_pickers.set_frame(frame)
        self._notes = {}
        for note in notes:
            self._notes.setdefault(str(note.column), []).append(str(note.message))
        self.custom_box.forget_names()
        self._selected_row = 0
        self._offer_columns()
        self._seed(carry_over={})
        self._refresh_all()

    def refresh_frame(self, changed_columns: Sequence[str] = ()) -> None:
        """The frame changed in place (a cell edit, a fix, an undo): re-read what depends on it.

        New columns (a name split into ``First name``/``Last name``) appear in the pickers and go
        to the field they obviously mean when that field is still unmapped; removed columns (an
        undone split) are unmapped. Fill counts of the changed columns are recounted.
        """
        if self._frame is None:
            return
        before = set(self._row_columns_offered)
        columns = self._columns()
        self.field_pickers.forget_counts(changed_columns)
        if set(columns) != before:
            gone = before - set(columns)
            self.field_pickers.forget_counts(sorted(gone))
            self.custom_box.drop(gone)
            self._offer_columns()
            self.field_pickers.map_new_columns([c for c in columns if c not in before])
            self._schedule_emit()
        self._refresh_all()

    def mapping(self) -> ColumnMapping:
        """The current ``ColumnMapping``."""
        return self._build_mapping()

    def set_mapping(self, mapping: ColumnMapping) -> None:
        """Show ``mapping`` (a preset, an undo); columns the sheet lacks are left unmapped."""
        self._apply_mapping(mapping)
        self._refresh_all()
        self._schedule_emit()

    def set_validation(self, validation: Any) -> None:
        """Per-field problem counts for the bars (``Validation.counts_by_field``)."""
        problems: dict[str, tuple[int, int]] = {}
        if validation is not None:
            for name, value in validation.counts_by_field().items():
                errors, warnings = value if isinstance(value, tuple) else (int(value), 0)
                problems[str(name)] = (int(errors), int(warnings))
        self.field_pickers.show_problems(problems)
        self._refresh_preview()

    def set_selected_row(self, row: int) -> None:
        """Preview the JSON of sheet row ``row`` (0-based position in the frame).

        Debounced: holding the arrow key in the table moves through rows faster than a
        preview is worth building, so only the row the user stops on is built.
        """
        self._selected_row = max(0, int(row))
        self._preview_timer.start()

    def set_destination(self, destination_id: str, options: Mapping[str, bool | str]) -> None:
        """The campaign and options the preview should show (Instantly puts them in the body).

        An Instantly lead list (``list:<id>``) has a looser required rule, so the captions follow.
        """
        kind_before = self._destination_kind()
        self._destination_id = destination_id or ""
        self._options = dict(options)
        if self._destination_kind() != kind_before and self._spec is not None:
            self.field_pickers.set_rule(self._spec, self._destination_kind())
            self.summary.show_rule(self._spec, self._destination_kind())
            self._refresh_status()
        self._refresh_preview()

    def set_phone_region(self, region: str) -> None:
        """The region used to recognise phone numbers without a ``+`` when suggesting."""
        self._region = region or "US"

    def set_row_number_base(self, base: int) -> None:
        """The number the table shows for frame row 0 (2 when the header is on line 1)."""
        self._row_number_base = int(base)
        self._refresh_preview()

    def field_column(self, field_name: str) -> str | None:
        """The column chosen for a field, None when unmapped (tests, the window's summary)."""
        return self.field_pickers.picker(field_name).column()

    def set_field_column(self, field_name: str, column: str | None) -> None:
        """Pick ``column`` for ``field_name`` as the user would."""
        if not self.field_pickers.picker(field_name).choose(column):
            raise KeyError(f"No column {column!r} in this sheet")

    def custom_columns(self) -> list[str]:
        """The columns ticked to go as custom variables, in sheet order."""
        return self.custom_box.ticked_columns(self._columns(), self._mapped_columns())

    def set_custom_column(self, column: str, send: bool) -> None:
        """Tick or untick a column as a custom variable."""
        self.custom_box.set_column(column, send)

    def hint(self, field_name: str) -> str:
        """The small print under a field's picker."""
        return self.field_pickers.picker(field_name).hint.text()

    def missing_required(self) -> list[str]:
        """One phrase per unmet required group ("Email or LinkedIn URL")."""
        return self.field_pickers.unmet_groups(self._destination_kind()) if self._spec is not None else []

    def _destination_kind(self) -> str:
        return "list" if self._destination_id.startswith("list:") else "campaign"

    # ---- seeding ----------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        return [str(c) for c in self._frame.columns] if self._frame is not None else []

    @property
    def _rows(self) -> list[FieldPicker]:
        """The pickers, one per provider field."""
        return self.field_pickers.pickers

    def _mapped_columns(self) -> set[str]:
        return self.field_pickers.mapped_columns()

    def _seed(self, carry_over: Mapping[str, str]) -> None:
        """Fill the pickers: a remembered mapping first, else the suggestion, plus what carries over."""
        from gui.core.mapping.columns import CUSTOM_PREFIX
        from gui.core.mapping.suggest import suggest_mapping

        spec, frame = self._spec, self._frame
        if spec is None or frame is None:
            return
        hints = self.field_pickers.hints
        hints.clear()
        recalled = recall_for(self._columns(), spec.id, presets_too=not carry_over)
        self._recalled = recalled.source if recalled is not None else ""
        if recalled is not None:
            mapping = recalled.mapping
            hints.update(dict.fromkeys(mapping.fields, recalled.hint))
            if recalled.preset is not None:
                self.sig_preset_applied.emit(recalled.preset)
        else:
            suggestion = suggest_mapping(
                frame, spec, default_region=self._region, destination_kind=self._destination_kind()
            )
            mapping = suggestion.mapping
            for item in suggestion.suggestions:
                if not item.field.startswith(CUSTOM_PREFIX):
                    hints[item.field] = suggestion_words(item)
        self._apply_mapping(mapping, seeding=True)
        if carry_over:
            self.field_pickers.carry_over(carry_over)
        self._schedule_emit(by_user=False)

    def _apply_mapping(self, mapping: ColumnMapping, *, seeding: bool = False) -> None:
        self.field_pickers.apply(mapping.fields, keep_hints=seeding)
        self.custom_box.take(mapping.custom, set(self._columns()))

    # ---- the core's mapping, out -----------------------------------------------------------

    def _build_mapping(self) -> ColumnMapping:
        from gui.core.mapping.columns import ColumnMapping

        spec, mapped = self._spec, self._mapped_columns()
        custom = self.custom_box.variables(self._columns(), mapped, spec) if spec is not None else {}
        return ColumnMapping(fields=self.field_pickers.fields(), custom=custom)

    def _offer_columns(self) -> None:
        self._row_columns_offered = self._columns()
        self.field_pickers.offer_columns(self._row_columns_offered)

    # ---- reacting ---------------------------------------------------------------------------

    def _on_column_picked(self, _field_name: str) -> None:
        self._refresh_all()
        self._schedule_emit()

    def _on_ticks_changed(self) -> None:
        self._refresh_preview()
        self._schedule_emit()

    def _schedule_emit(self, *, by_user: bool = True) -> None:
        if self._spec is None or self._frame is None:
            return
        # Only the user's own choices are remembered for next time, never a bare suggestion.
        self._user_changed = self._user_changed or by_user
        self._emit_timer.start()

    def _emit_now(self) -> None:
        mapping = self._build_mapping()
        if self._user_changed and self._spec is not None:
            remember_for(self._columns(), self._spec.id, mapping)
        self._user_changed = False
        self.sig_mapping_changed.emit(mapping)

    # ---- refreshing what is shown ---------------------------------------------------------

    def _refresh_all(self) -> None:
        self._refresh_hints()
        self._refresh_custom()
        self.field_pickers.show_fill()
        self._refresh_status()
        self._refresh_preview()
        has_sheet = self._frame is not None and self._spec is not None
        self.saved_mappings.set_sheet_ready(has_sheet)

    def _refresh_hints(self) -> None:
        self.field_pickers.show_hints(self._notes)

    def _refresh_custom(self) -> None:
        self.custom_box.show_columns(self._columns(), self._mapped_columns(), self._spec)

    def counting(self) -> bool:
        """True while a big column's fill is being counted (tests, the window's busy state)."""
        return self.field_pickers.counting()

    def shutdown(self) -> None:
        """Stop background counts and close the preview clients (window closing)."""
        self.preview_box.shutdown()
        self.field_pickers.shutdown()

    def _refresh_status(self) -> None:
        if self._spec is None:
            self.summary.say("Pick where to send the leads first.")
            return
        self.summary.show_state(
            self.missing_required(),
            len(self._mapped_columns()),
            len(self.custom_columns()),
            recalled=self._recalled,
            has_sheet=self._frame is not None,
        )

    def _refresh_preview(self) -> None:
        spec, frame = self._spec, self._frame
        if spec is None or frame is None:
            self.preview_box.clear()
            return
        self.preview_box.show_row(
            spec,
            frame,
            self._build_mapping(),
            self._selected_row,
            destination_id=self._destination_id,
            options=self._options,
            row_number_base=self._row_number_base,
        )

    # ---- presets --------------------------------------------------------------------------------

    def set_fix_steps(self, steps: Sequence[FixStep]) -> None:
        """The column fixes applied to this sheet, saved with the mapping so next week's file gets them."""
        self._fix_steps = tuple(steps)

    def _reload_presets(self) -> None:
        self.saved_mappings.show_presets(self._spec.id if self._spec is not None else None)

    def _mapping_to_save(self) -> MappingToSave | None:
        """What the saved-mappings bar writes; None while there is no sheet or provider."""
        if self._spec is None or self._frame is None:
            return None
        return MappingToSave(
            self._spec.id, self._build_mapping(), tuple(self._columns()), self._fix_steps, dict(self._options)
        )

    def _on_preset_chosen(self, preset: Preset) -> None:
        if self._frame is not None and self._spec is not None:
            self.use_preset(preset)

    def use_preset(self, preset: Preset) -> None:
        """Apply a saved mapping to this sheet; fields whose column is missing stay unmapped."""
        missing = preset.fits(self._columns())
        mapping = preset_mapping_for(preset, self._columns(), self._spec)
        self.set_mapping(mapping)
        for row in self._rows:
            if row.field.name in mapping.fields and row.column() is not None:
                self.field_pickers.hints[row.field.name] = f"from the saved mapping “{preset.name}”"
        self._refresh_hints()
        self.sig_preset_applied.emit(preset)
        if missing:
            shown = ", ".join(f"“{m}”" for m in missing)
            self.status_label.setText(
                self.status_label.text() + f"  This sheet has no column {shown}; those fields stay empty."
            )

    def delete_preset(self, name: str | None = None, *, confirm: bool = True) -> bool:
        """Delete a saved mapping (the one shown in the list when no name is given), after asking."""
        return self.saved_mappings.delete(name, confirm=confirm)

    def save_preset(self, name: str | None = None) -> Preset | None:
        """Save the current mapping (with its fixes and options) under a name; asks for one if not given."""
        return self.saved_mappings.save(name)

    def export_preset(self, path: str | Path | None = None) -> Path | None:
        """Save the current mapping and write it to a file a colleague can import."""
        return self.saved_mappings.export(path)

    def import_preset(self, path: str | Path | None = None) -> Preset | None:
        """Read a mapping file, keep it among the saved mappings and apply it to this sheet."""
        return self.saved_mappings.import_file(path)
