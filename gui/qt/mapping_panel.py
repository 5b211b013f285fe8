"""Qt layer: the mapping panel: which column of the sheet feeds which field of the provider.

One row per provider field: a column picker seeded by the core's suggestion (with the reason in
small print), and a bar showing how full the chosen column is and how many of its cells have
problems. Below: the other columns, which can go along as custom variables, saved mappings
(presets), and the exact JSON the selected row will send.

The panel keeps its own small state (field -> column, custom columns) and converts to and from
the core's ``ColumnMapping`` at the edges, so the core stays the single source of truth for
what a mapping means.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import LeadField
from gui.core.errors import LeadLoaderError
from gui.core.providers import get_spec, make_client
from gui.core.providers.base import ProviderClient, ProviderSpec
from gui.qt.field_bar import FieldBar
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    import httpx
    import pandas as pd

    from gui.core.fixes import FixStep
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.presets import Preset
    from gui.core.sheets.damage import ColumnNote

log = logging.getLogger(__name__)

NOT_MAPPED = "— not mapped —"
#: Milliseconds the panel waits after the last change before telling the window: several pickers
#: changed in one go (a preset, a moved column) become one signal, so validation runs once.
EMIT_DELAY_MS = 60
#: Milliseconds after the last row change before the payload preview is rebuilt.
PREVIEW_DELAY_MS = 40
_SAMPLE_CHARS = 32
#: Up to this many rows the fill of a column is counted on the spot (a few ms); beyond, in a worker.
SYNC_COUNT_ROWS = 50_000


def _refuse(request: httpx.Request) -> httpx.Response:
    """The preview clients' transport: a preview must never send anything."""
    import httpx

    raise httpx.ConnectError("the payload preview never connects", request=request)


def count_filled(series: pd.Series) -> int:
    """Cells that hold something other than blanks: what build_leads would send.

    One pass over the values without building new strings (``str.strip`` on a million cells
    costs about two seconds; this is a tenth of that).
    """
    import numpy as np

    values = series.to_numpy(dtype=object, copy=False)
    return int(
        np.fromiter(
            (type(v) is str and bool(v) and not v.isspace() for v in values), dtype=bool, count=len(values)
        ).sum()
    )


def suggestion_words(item: Any) -> str:
    """The core's reason for a suggestion in words a sales-ops person reads at a glance.

    "header synonym" becomes "from the header “Courriel”", "fuzzy 87" becomes "the header
    “Emial” is close", and value sniffing keeps its own words ("values look like emails").
    """
    reason = str(getattr(item, "reason", "") or "")
    column = str(getattr(item, "column", ""))
    confidence = float(getattr(item, "confidence", 1.0))
    if reason.startswith("header synonym"):
        text = f"from the header “{column}”"
    elif reason.startswith("fuzzy"):
        text = f"the header “{column}” is close to this field's name"
    elif reason.startswith("header contains"):
        text = f"the header “{column}” {reason.removeprefix('header ')}"
    elif reason:
        text = f"“{column}”: {reason}"
    else:
        text = f"from “{column}”"
    if confidence < 0.7:
        text += " (a guess: please check)"
    return text


def required_words(spec: ProviderSpec, kind: str = "campaign") -> str:
    """The provider's required-field rule in a sentence ("lemlist needs Email or LinkedIn URL ...")."""
    from gui.core.mapping.suggest import group_label, required_groups

    groups = [group_label(spec, g) for g in required_groups(spec, kind)]
    if not groups:
        return ""
    where = " in a lead list" if kind == "list" else ""
    return f"{spec.label} needs {', and '.join(groups)} on every lead{where}."


def field_caption(spec: ProviderSpec, lead_field: LeadField, kind: str = "campaign") -> str:
    """The field's label with its rule: "Email (required)" or "Email (or LinkedIn URL)"."""
    from gui.core.mapping.suggest import required_groups

    for group in required_groups(spec, kind):
        if lead_field.name in group:
            others = [spec.field(n).label for n in group if n != lead_field.name]
            if not others:
                return f"{lead_field.label} (required)"
            return f"{lead_field.label} (or {' / '.join(others)})"
    if lead_field.required:
        return f"{lead_field.label} (required)"
    return lead_field.label


class _FieldRow:
    """The widgets of one provider field."""

    def __init__(self, panel: MappingPanel, spec: ProviderSpec, lead_field: LeadField) -> None:
        self.field = lead_field
        self.caption = QLabel()
        self.set_rule(spec, panel._destination_kind())
        self.combo = QComboBox()
        self.combo.setAccessibleName(f"Column for {lead_field.label}")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(8)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.caption.setBuddy(self.combo)
        self.hint = QLabel()
        self.hint.setAccessibleName(f"Why this column for {lead_field.label}")
        self.hint.setWordWrap(True)
        # A long sample (an email, a URL) must not hold the column wide: the hint wraps or clips.
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hint.setMinimumWidth(0)
        self.hint.setEnabled(False)  # the palette's quiet text colour, in light and dark themes
        small = self.hint.font()
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.88))
        self.hint.setFont(small)
        self.bar = FieldBar()
        self.bar.setAccessibleName(f"Fill of {lead_field.label}")
        self.count = QLabel()
        self.count.setAccessibleName(f"Counts for {lead_field.label}")
        self.count.setFont(small)
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count.setWordWrap(True)
        self.bar.setFixedWidth(self.count.fontMetrics().horizontalAdvance("999,999 / 999,999"))
        self.combo.currentIndexChanged.connect(lambda _i: panel._on_picker_changed(self))

    def set_rule(self, spec: ProviderSpec, kind: str) -> None:
        """Show the field's required rule; required fields are bold."""
        from gui.core.mapping.suggest import required_groups

        self.caption.setText(field_caption(spec, self.field, kind))
        groups = required_groups(spec, kind)
        font = self.caption.font()
        font.setBold(any(self.field.name in g for g in groups) or self.field.required)
        self.caption.setFont(font)

    def column(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data is not None else None


class MappingPanel(QWidget):
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
        """The panel, empty until :meth:`set_spec`.

        ``populate=False`` leaves the saved mappings unread until :meth:`set_spec` (which reads
        them): the app builds its first window before the mapping rules and pandas are loaded.
        """
        super().__init__(parent)
        self.setAccessibleName("Column mapping")
        self._spec: ProviderSpec | None = None
        self._frame: pd.DataFrame | None = None
        self._notes: dict[str, list[str]] = {}
        self._rows: list[_FieldRow] = []
        self._hints: dict[str, str] = {}  # field -> why it was suggested
        self._custom: set[str] = set()
        self._custom_names: dict[str, str] = {}
        self._custom_touched: set[str] = set()
        self._region = "US"
        self._row_number_base = 2
        self._preview_clients: dict[str, ProviderClient] = {}
        self._filled: dict[str, int] = {}
        self._row_columns_offered: list[str] = []
        self._counting: set[str] = set()
        self._count_workers: set[Worker] = set()
        self._frame_generation = 0
        self._problems: dict[str, tuple[int, int]] = {}  # field -> (errors, warnings)
        self._validation: Any = None
        self._selected_row = 0
        self._destination_id = ""
        self._options: dict[str, bool | str] = {}
        self._seeding = False
        self._recalled = ""
        self._fix_steps: tuple[FixStep, ...] = ()
        self._user_changed = False

        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(EMIT_DELAY_MS)
        self._emit_timer.timeout.connect(self._emit_now)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._refresh_preview)

        # -- header: what this is and whether the required fields are there ------------------
        self.title = QLabel("Match your columns")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setAccessibleName("Required fields")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Mapping status")
        self.recall_label = QLabel()
        self.recall_label.setWordWrap(True)
        self.recall_label.setAccessibleName("Remembered mapping")
        italic = self.recall_label.font()
        italic.setItalic(True)
        self.recall_label.setFont(italic)

        # -- presets ----------------------------------------------------------------------------
        self.preset_combo = QComboBox()
        self.preset_combo.setAccessibleName("Saved mappings")
        self.preset_combo.setToolTip("Apply a mapping you saved earlier")
        self.preset_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Right-click (or the menu key) on the list offers to delete the saved mapping shown.
        self.delete_preset_action = QAction("Delete this saved mapping…", self.preset_combo)
        self.delete_preset_action.triggered.connect(lambda: self.delete_preset())  # noqa: PLW0108 - drop "checked"
        self.preset_combo.addAction(self.delete_preset_action)
        self.preset_combo.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.save_preset_button = QPushButton("Save…")
        self.save_preset_button.setAccessibleName("Save this mapping")
        self.save_preset_button.setToolTip("Save this mapping under a name to reuse it for the next file")
        self.export_preset_button = QPushButton("Export…")
        self.export_preset_button.setAccessibleName("Export the mapping to a file")
        self.export_preset_button.setToolTip("Write this mapping to a small file you can send to a colleague")
        self.import_preset_button = QPushButton("Import…")
        self.import_preset_button.setAccessibleName("Import a mapping file")
        self.import_preset_button.setToolTip("Load a mapping file a colleague sent you")
        preset_row = QHBoxLayout()
        preset_caption = QLabel("Sa&ved:")
        preset_caption.setBuddy(self.preset_combo)
        preset_row.addWidget(preset_caption)
        preset_row.addWidget(self.preset_combo, 1)
        preset_row.addWidget(self.save_preset_button)
        preset_row.addWidget(self.export_preset_button)
        preset_row.addWidget(self.import_preset_button)

        # -- one row per field --------------------------------------------------------------
        self._fields_host = QWidget()
        self._grid = QGridLayout(self._fields_host)
        self._grid.setColumnStretch(1, 1)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(2)
        fields_scroll = QScrollArea()
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setWidget(self._fields_host)
        fields_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        # The panel is often a narrow side column: the rows shrink to its width instead of scrolling.
        fields_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        fields_scroll.setAccessibleName("Provider fields")

        # -- custom variables -----------------------------------------------------------------
        self.custom_box = QGroupBox("Other columns: send as custom variables")
        self.custom_list = QListWidget()
        self.custom_list.setAccessibleName("Columns sent as custom variables")
        self.custom_help = QLabel(
            "Ticked columns travel with each lead under the name shown, so you can use them in your "
            "emails (e.g. {{industry}})."
        )
        self.custom_help.setWordWrap(True)
        self.custom_all_button = QPushButton("All")
        self.custom_all_button.setAccessibleName("Send all other columns")
        self.custom_none_button = QPushButton("None")
        self.custom_none_button.setAccessibleName("Send no other column")
        custom_buttons = QHBoxLayout()
        custom_buttons.addWidget(self.custom_help, 1)
        custom_buttons.addWidget(self.custom_all_button)
        custom_buttons.addWidget(self.custom_none_button)
        custom_layout = QVBoxLayout(self.custom_box)
        custom_layout.addLayout(custom_buttons)
        custom_layout.addWidget(self.custom_list)

        # -- payload preview ----------------------------------------------------------------
        self.preview_box = QGroupBox("What one row sends")
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Payload preview")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setPlaceholderText("Open a sheet to see the data one row sends.")
        preview_layout = QVBoxLayout(self.preview_box)
        preview_layout.addWidget(self.preview)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(fields_scroll)
        splitter.addWidget(self.custom_box)
        splitter.addWidget(self.preview_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 2)
        # The fields are the main job: they get most of the height at first; the user can drag.
        splitter.setSizes([700, 110, 170])
        fields_scroll.setMinimumHeight(200)
        self.custom_list.setMinimumHeight(60)
        self.preview.setMinimumHeight(80)
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.rule_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.recall_label)
        layout.addLayout(preset_row)
        layout.addWidget(splitter, 1)

        self.custom_list.itemChanged.connect(self._on_custom_item_changed)
        self.custom_all_button.clicked.connect(lambda: self._set_all_custom(True))
        self.custom_none_button.clicked.connect(lambda: self._set_all_custom(False))
        self.preset_combo.activated.connect(self._on_preset_picked)
        self.save_preset_button.clicked.connect(self.save_preset)
        self.export_preset_button.clicked.connect(self.export_preset)
        self.import_preset_button.clicked.connect(self.import_preset)

        if populate:
            self._reload_presets()
            self._refresh_all()
        else:  # what an empty panel shows, without reading the saved mappings yet
            self.preset_combo.addItem("— pick a saved mapping —", None)
            self.preset_combo.setEnabled(False)
            self.delete_preset_action.setEnabled(False)
            self.save_preset_button.setEnabled(False)
            self.export_preset_button.setEnabled(False)
            self.status_label.setText("Loading the provider's fields…")

    # ---- public API -------------------------------------------------------------------------

    def set_spec(self, spec: ProviderSpec) -> None:
        """Show ``spec``'s fields; the current columns carry over where the field means the same."""
        previous = self._current_concepts() if self._spec is not None else {}
        self._spec = spec
        self._build_rows()
        self._reload_presets()
        if self._frame is not None:
            self._seed(carry_over=previous)
        self._refresh_all()

    def set_frame(self, frame: pd.DataFrame, notes: Sequence[ColumnNote] = ()) -> None:
        """A newly loaded sheet: seed the pickers from a remembered mapping or the suggestion.

        ``notes`` (Excel damage found while loading) show under the field their column feeds.
        """
        self._frame = frame
        self._frame_generation += 1
        self._counting = set()
        self._notes = {}
        for note in notes:
            self._notes.setdefault(str(note.column), []).append(str(note.message))
        self._filled = {}
        self._problems = {}
        self._validation = None
        self._custom_touched = set()
        self._custom_names = {}
        self._selected_row = 0
        self._fill_combos()
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
        for column in changed_columns:
            self._filled.pop(str(column), None)
        if set(columns) != before:
            for gone in before - set(columns):
                self._filled.pop(gone, None)
                self._custom.discard(gone)
            self._fill_combos()
            self._map_new_columns([c for c in columns if c not in before])
            self._schedule_emit()
        self._refresh_all()

    def _map_new_columns(self, new_columns: Sequence[str]) -> None:
        """Give a new column to the field its header names, when that field has no column yet."""
        from gui.core.mapping.headers import detect_concept

        spec = self._spec
        if spec is None:
            return
        self._seeding = True
        try:
            for column in new_columns:
                found = detect_concept(column)
                target = spec.field_for_concept(found[0]) if found else None
                if target is None:
                    continue
                row = next((r for r in self._rows if r.field.name == target.name), None)
                if row is not None and row.column() is None:
                    row.combo.setCurrentIndex(max(0, row.combo.findData(column)))
                    self._hints[target.name] = f"new column “{column}” from a fix"
        finally:
            self._seeding = False

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
        self._validation = validation
        self._problems = {}
        if validation is not None:
            counts = validation.counts_by_field()
            for name, value in counts.items():
                errors, warnings = value if isinstance(value, tuple) else (int(value), 0)
                self._problems[str(name)] = (int(errors), int(warnings))
        self._refresh_bars()
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
            for row in self._rows:
                row.set_rule(self._spec, self._destination_kind())
            self.rule_label.setText(required_words(self._spec, self._destination_kind()))
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
        for row in self._rows:
            if row.field.name == field_name:
                return row.column()
        raise KeyError(field_name)

    def set_field_column(self, field_name: str, column: str | None) -> None:
        """Pick ``column`` for ``field_name`` as the user would."""
        for row in self._rows:
            if row.field.name == field_name:
                index = row.combo.findData(column) if column is not None else 0
                if index < 0:
                    raise KeyError(f"No column {column!r} in this sheet")
                row.combo.setCurrentIndex(index)
                return
        raise KeyError(field_name)

    def custom_columns(self) -> list[str]:
        """The columns ticked to go as custom variables, in sheet order."""
        return [c for c in self._columns() if c in self._custom and c not in self._mapped_columns()]

    def set_custom_column(self, column: str, send: bool) -> None:
        """Tick or untick a column as a custom variable."""
        for i in range(self.custom_list.count()):
            item = self.custom_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == column:
                item.setCheckState(Qt.CheckState.Checked if send else Qt.CheckState.Unchecked)
                return
        raise KeyError(column)

    def hint(self, field_name: str) -> str:
        """The small print under a field's picker."""
        for row in self._rows:
            if row.field.name == field_name:
                return row.hint.text()
        raise KeyError(field_name)

    def missing_required(self) -> list[str]:
        """One phrase per unmet required group ("Email or LinkedIn URL")."""
        from gui.core.mapping.suggest import group_label, required_groups

        if self._spec is None:
            return []
        mapped = {r.field.name for r in self._rows if r.column() is not None}
        return [
            group_label(self._spec, group)
            for group in required_groups(self._spec, self._destination_kind())
            if not mapped.intersection(group)
        ]

    def _destination_kind(self) -> str:
        return "list" if self._destination_id.startswith("list:") else "campaign"

    # ---- seeding ----------------------------------------------------------------------------

    def _columns(self) -> list[str]:
        return [str(c) for c in self._frame.columns] if self._frame is not None else []

    def _mapped_columns(self) -> set[str]:
        return {c for c in (r.column() for r in self._rows) if c is not None}

    def _current_concepts(self) -> dict[str, str]:
        """Concept -> column of the current mapping, to carry over to another provider."""
        return {r.field.concept: c for r in self._rows if (c := r.column()) is not None and r.field.concept}

    def _seed(self, carry_over: Mapping[str, str]) -> None:
        """Fill the pickers: a remembered mapping first, else the suggestion, plus what carries over."""
        from gui.core import presets as core_presets
        from gui.core.mapping.columns import CUSTOM_PREFIX
        from gui.core.mapping.suggest import suggest_mapping

        spec, frame = self._spec, self._frame
        if spec is None or frame is None:
            return
        self._hints = {}
        self._recalled = ""
        columns = self._columns()
        mapping: ColumnMapping | None = None
        preset: Preset | None = None
        try:
            mapping = core_presets.recall_mapping(columns, spec.id)
            if mapping is None and not carry_over:
                preset = core_presets.find_preset_for(columns, spec.id)
        except (LeadLoaderError, OSError, ValueError) as exc:
            log.warning("Could not recall a mapping: %s", exc)
        if mapping is not None:
            self._recalled = "last time"
            for name in mapping.fields:
                self._hints[name] = "as you matched it last time"
        elif preset is not None:
            mapping = preset.mapping_for(columns)
            self._recalled = f"your saved mapping “{preset.name}”"
            for name in mapping.fields:
                self._hints[name] = f"from the saved mapping “{preset.name}”"
            self.sig_preset_applied.emit(preset)
        else:
            suggestion = suggest_mapping(
                frame, spec, default_region=self._region, destination_kind=self._destination_kind()
            )
            mapping = suggestion.mapping
            for item in suggestion.suggestions:
                if not item.field.startswith(CUSTOM_PREFIX):
                    self._hints[item.field] = suggestion_words(item)
        self._apply_mapping(mapping, seeding=True)
        if carry_over:
            self._carry_over(carry_over)
        self._schedule_emit(by_user=False)

    def _carry_over(self, concepts: Mapping[str, str]) -> None:
        """Keep the user's columns when switching provider: same meaning, same column."""
        self._seeding = True
        try:
            taken = self._mapped_columns()
            for row in self._rows:
                column = concepts.get(row.field.concept)
                if column is None or row.column() == column:
                    continue
                if column in taken and row.column() is None:
                    continue
                index = row.combo.findData(column)
                if index >= 0 and row.column() is None:
                    row.combo.setCurrentIndex(index)
                    taken.add(column)
                    self._hints[row.field.name] = "kept from your previous provider"
        finally:
            self._seeding = False

    def _apply_mapping(self, mapping: ColumnMapping, *, seeding: bool = False) -> None:
        fields = dict(mapping.fields)
        custom = dict(mapping.custom)
        columns = set(self._columns())
        self._seeding = True
        try:
            for row in self._rows:
                column = fields.get(row.field.name)
                index = row.combo.findData(column) if column in columns else 0
                row.combo.setCurrentIndex(max(0, index))
            self._custom = {c for c in custom if c in columns}
            self._custom_names.update({c: n for c, n in custom.items() if c in columns})
        finally:
            self._seeding = False
        if not seeding:
            for row in self._rows:
                self._hints.pop(row.field.name, None)

    # ---- the core's mapping, out -----------------------------------------------------------

    def _custom_name(self, column: str, taken: set[str]) -> str:
        """The custom-variable name of a column: the one it came with, else the sanitised header."""
        from gui.core.mapping.suggest import sanitize_custom_name

        assert self._spec is not None
        name = self._custom_names.get(column) or sanitize_custom_name(column, self._spec)
        base, n = name, 2
        while name.casefold() in taken:
            name = f"{base}{n}"
            n += 1
        taken.add(name.casefold())
        return name

    def _build_mapping(self) -> ColumnMapping:
        from gui.core.mapping.columns import ColumnMapping

        fields = {r.field.name: c for r in self._rows if (c := r.column()) is not None}
        taken: set[str] = set()
        custom = {c: self._custom_name(c, taken) for c in self.custom_columns()} if self._spec else {}
        return ColumnMapping(fields=fields, custom=custom)

    # ---- building the rows ----------------------------------------------------------------------

    def _build_rows(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._rows = []
        spec = self._spec
        if spec is None:
            return
        self.title.setText(f"Match your columns to {spec.label} fields")
        self.rule_label.setText(required_words(spec, self._destination_kind()))
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
            row = _FieldRow(self, spec, lead_field)
            self._rows.append(row)
            r = 1 + i * 2
            self._grid.addWidget(row.caption, r, 0)
            self._grid.addWidget(row.combo, r, 1)
            self._grid.addWidget(row.bar, r, 2)
            # Second line: why this column (under the picker) and the counts (under the bar).
            self._grid.addWidget(row.hint, r + 1, 1)
            self._grid.addWidget(row.count, r + 1, 2)
            if previous is not None:
                QWidget.setTabOrder(previous, row.combo)
            previous = row.combo
        self._grid.setRowStretch(1 + len(spec.fields) * 2, 1)
        self._fill_combos()

    def _fill_combos(self) -> None:
        columns = self._columns()
        self._row_columns_offered = list(columns)
        samples = self._samples(columns)
        self._seeding = True
        try:
            for row in self._rows:
                current = row.column()
                row.combo.clear()
                row.combo.addItem(NOT_MAPPED, None)
                for column in columns:
                    row.combo.addItem(column, column)
                    tip = f"Column “{column}”"
                    if samples.get(column):
                        tip += f"\ne.g. {samples[column]}"
                    row.combo.setItemData(row.combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
                index = row.combo.findData(current) if current is not None else 0
                row.combo.setCurrentIndex(max(0, index))
        finally:
            self._seeding = False

    def _samples(self, columns: Sequence[str]) -> dict[str, str]:
        """A first non-empty value per column (from the top rows only: cheap on a big sheet)."""
        frame = self._frame
        if frame is None:
            return {}
        head = frame.head(50)
        out: dict[str, str] = {}
        for column in columns:
            values = [str(v) for v in head[column].tolist() if str(v).strip()]
            if values:
                sample = values[0]
                out[column] = sample if len(sample) <= _SAMPLE_CHARS else sample[: _SAMPLE_CHARS - 1] + "…"
        return out

    # ---- reacting ---------------------------------------------------------------------------

    def _on_picker_changed(self, changed: _FieldRow) -> None:
        if self._seeding:
            return
        column = changed.column()
        self._hints.pop(changed.field.name, None)
        moved_from = ""
        if column is not None:
            # One column feeds one field: take it away from the field that had it.
            self._seeding = True
            try:
                for row in self._rows:
                    if row is not changed and row.column() == column:
                        row.combo.setCurrentIndex(0)
                        self._hints[row.field.name] = f"“{column}” moved to {changed.field.label}"
                        moved_from = row.field.label
            finally:
                self._seeding = False
        if moved_from:
            self._hints[changed.field.name] = f"moved here from {moved_from}"
        self._refresh_all()
        self._schedule_emit()

    def _on_custom_item_changed(self, item: QListWidgetItem) -> None:
        if self._seeding:
            return
        column = str(item.data(Qt.ItemDataRole.UserRole))
        self._custom_touched.add(column)
        if item.checkState() == Qt.CheckState.Checked:
            self._custom.add(column)
        else:
            self._custom.discard(column)
        self._refresh_preview()
        self._schedule_emit()

    def _set_all_custom(self, send: bool) -> None:
        self._seeding = True
        try:
            for i in range(self.custom_list.count()):
                item = self.custom_list.item(i)
                column = str(item.data(Qt.ItemDataRole.UserRole))
                item.setCheckState(Qt.CheckState.Checked if send else Qt.CheckState.Unchecked)
                (self._custom.add if send else self._custom.discard)(column)
        finally:
            self._seeding = False
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
        if self._user_changed:
            self._remember(mapping)
        self._user_changed = False
        self.sig_mapping_changed.emit(mapping)

    def _remember(self, mapping: Any) -> None:
        """Remember the mapping for this header set, so the same export maps itself next time."""
        from gui.core import presets as core_presets

        if self._spec is None or self._frame is None:
            return
        try:
            core_presets.remember_mapping(self._columns(), self._spec.id, mapping)
        except (LeadLoaderError, OSError, ValueError) as exc:
            log.warning("Could not remember the mapping: %s", exc)

    # ---- refreshing what is shown ---------------------------------------------------------

    def _refresh_all(self) -> None:
        self._refresh_hints()
        self._refresh_custom()
        self._refresh_bars()
        self._refresh_status()
        self._refresh_preview()
        has_sheet = self._frame is not None and self._spec is not None
        for button in (self.save_preset_button, self.export_preset_button):
            button.setEnabled(has_sheet)

    def _refresh_hints(self) -> None:
        from gui.core.mapping.headers import normalize_header

        samples = self._samples(sorted(self._mapped_columns())) if self._frame is not None else {}
        for row in self._rows:
            column = row.column()
            parts = []
            if column is not None:
                reason = self._hints.get(row.field.name)
                # "from the header “Email”" says nothing when the header is the field's own name.
                obvious = (
                    normalize_header(column) == normalize_header(row.field.label)
                    and reason == f"from the header “{column}”"
                )
                if reason and not obvious:
                    parts.append(reason)
                if samples.get(column):
                    parts.append(f"e.g. {samples[column]}")
                parts.extend(f"⚠ {n}" for n in self._notes.get(column, []))
            else:
                reason = self._hints.get(row.field.name)
                if reason:
                    parts.append(reason)
            row.hint.setText("  ·  ".join(parts))
            row.hint.setVisible(bool(parts))

    def _refresh_custom(self) -> None:
        spec = self._spec
        mapped = self._mapped_columns()
        self._seeding = True
        taken: set[str] = set()
        # Ticked columns claim their names first, so the names shown are the ones sent.
        names = {c: self._custom_name(c, taken) for c in self.custom_columns()} if spec else {}
        try:
            self.custom_list.clear()
            for column in self._columns():
                if column in mapped:
                    continue
                if column not in names:
                    names[column] = self._custom_name(column, taken) if spec else column
                name = names[column]
                text = column if name == column else f"{column}  →  {name}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, column)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if column in self._custom else Qt.CheckState.Unchecked
                )
                item.setToolTip(f"Sent as the custom variable “{name}”")
                self.custom_list.addItem(item)
        finally:
            self._seeding = False
        count = self.custom_list.count()
        example = next(iter(names.values()), "industry")
        self.custom_help.setText(
            "Ticked columns travel with each lead under the name shown, so your campaign's messages "
            f"can use them (e.g. {{{{{example}}}}})."
        )
        self.custom_box.setTitle(
            f"Other columns ({count}): send as custom variables" if count else "Other columns: none left"
        )
        for w in (self.custom_all_button, self.custom_none_button):
            w.setEnabled(count > 0)

    def _filled_count(self, column: str) -> int | None:
        """Non-blank cells of a column; None while a big column is still being counted."""
        if column in self._filled or self._frame is None:
            return self._filled.get(column, 0)
        if len(self._frame) <= SYNC_COUNT_ROWS:
            self._filled[column] = count_filled(self._frame[column])
            return self._filled[column]
        return None

    def _count_in_background(self, columns: Sequence[str]) -> None:
        """Count big columns in one worker, one after the other, so the panel never freezes.

        One worker, not one per column: Python threads share one interpreter lock, and eight
        counting threads would leave the GUI thread a ninth of it.
        """
        todo = [c for c in dict.fromkeys(columns) if c not in self._counting and c not in self._filled]
        if not todo or self._frame is None:
            return
        self._counting.update(todo)
        frame, generation = self._frame, self._frame_generation

        def job(_progress: Any, cancel: Any) -> dict[str, int]:
            counts = {}
            for column in todo:
                cancel.raise_if_cancelled()
                counts[column] = count_filled(frame[column])
            return counts

        worker = start_worker(job, parent=self)
        self._count_workers.add(worker)
        worker.sig_succeeded.connect(lambda counts, g=generation: self._on_counted(g, counts))
        worker.sig_finished.connect(lambda w=worker, cols=tuple(todo): self._on_count_finished(w, cols))

    def _on_counted(self, generation: int, counts: object) -> None:
        if generation == self._frame_generation and isinstance(counts, dict):
            self._filled.update(counts)
            self._refresh_bars()

    def _on_count_finished(self, worker: Worker, columns: Sequence[str]) -> None:
        self._count_workers.discard(worker)
        self._counting.difference_update(columns)

    def counting(self) -> bool:
        """True while a big column's fill is being counted (tests, the window's busy state)."""
        return any(w.running for w in self._count_workers)

    def shutdown(self) -> None:
        """Stop background counts and close the preview clients (window closing)."""
        clients, self._preview_clients = list(self._preview_clients.values()), {}
        for client in clients:
            asyncio.run(client.aclose())
        self._frame_generation += 1
        for worker in list(self._count_workers):
            worker.stop(timeout_ms=5000)
        self._count_workers.clear()
        self._counting.clear()

    def _refresh_bars(self) -> None:
        total = len(self._frame) if self._frame is not None else 0
        missing = [c for r in self._rows if (c := r.column()) is not None and self._filled_count(c) is None]
        if missing:
            # After the current burst of GUI work, so the count does not compete with it.
            QTimer.singleShot(0, self, lambda cols=tuple(missing): self._count_in_background(cols))
        for row in self._rows:
            column = row.column()
            errors, warnings = self._problems.get(row.field.name, (0, 0))
            filled = self._filled_count(column) if column is not None else 0
            shown = filled if filled is not None else 0
            row.bar.set_counts(shown, errors, total if column is not None or errors else 0, warnings)
            parts = []
            if column is not None:
                parts.append(f"{filled:,} / {total:,}" if filled is not None else "counting…")
            if errors:
                parts.append(f"{errors:,} problem{'s' if errors != 1 else ''}")
            if warnings:
                parts.append(f"{warnings:,} warning{'s' if warnings != 1 else ''}")
            row.count.setText(" · ".join(parts))
            row.count.setToolTip(row.bar.toolTip())

    def _refresh_status(self) -> None:
        if self._spec is None:
            self.status_label.setText("Pick where to send the leads first.")
            return
        if self._frame is None:
            self.status_label.setText("Open a sheet to match its columns.")
            self.recall_label.setVisible(False)
            return
        missing = self.missing_required()
        if missing:
            self.status_label.setText("⚠ Pick a column for " + "; and for ".join(missing) + ".")
        else:
            mapped = len(self._mapped_columns())
            custom = len(self.custom_columns())
            text = f"✔ Ready: {mapped} column{'s' if mapped != 1 else ''} mapped"
            if custom:
                text += f", {custom} sent as custom variable{'s' if custom != 1 else ''}"
            self.status_label.setText(text + ".")
        self.recall_label.setText(
            f"This sheet has the same headers as before, so its columns were matched as in {self._recalled}."
            if self._recalled
            else ""
        )
        self.recall_label.setVisible(bool(self._recalled))

    def _refresh_preview(self) -> None:
        spec, frame = self._spec, self._frame
        if spec is None or frame is None or len(frame) == 0:
            self.preview.setPlainText("")
            self.preview_box.setTitle("What one row sends")
            return
        row = min(self._selected_row, len(frame) - 1)
        destination = self._destination_id or "CAMPAIGN_ID"
        self.preview_box.setTitle(
            f"What row {row + self._row_number_base:,} sends to {spec.label} "
            "(click a row in the table to see another)"
        )
        try:
            text = self._payload_text(row, destination)
        except (LeadLoaderError, KeyError, ValueError) as exc:
            text = f"Cannot build this row's data yet: {exc}"
        self.preview.setPlainText(text)

    def _payload_text(self, row: int, destination: str) -> str:
        """The JSON the provider's own client would post for one row (its ``payload()``).

        The client is built once per provider with a transport that refuses every request:
        building a real one loads the system's certificate bundle each time, which costs up to
        a second on the GUI thread, and a preview never connects anyway.
        """
        import httpx

        from gui.core.mapping.payload import build_leads

        spec, frame = self._spec, self._frame
        assert spec is not None and frame is not None
        (lead,) = build_leads(frame, self._build_mapping(), spec, rows=[row])
        options = spec.default_options()
        options.update(self._options)
        client = self._preview_clients.get(spec.id)
        if client is None:
            client = make_client(spec.id, "preview", transport=httpx.MockTransport(_refuse))
            self._preview_clients[spec.id] = client
        body = client.payload([lead], destination, options)
        return json.dumps(body, indent=2, ensure_ascii=False, default=str)

    # ---- presets --------------------------------------------------------------------------------

    def set_fix_steps(self, steps: Sequence[FixStep]) -> None:
        """The column fixes applied to this sheet, saved with the mapping so next week's file gets them."""
        self._fix_steps = tuple(steps)

    def _reload_presets(self) -> None:
        from gui.core import presets as core_presets

        self.preset_combo.blockSignals(True)
        self.preset_combo.clear()
        self.preset_combo.addItem("— pick a saved mapping —", None)
        try:
            found = core_presets.list_presets()
        except (LeadLoaderError, OSError, ValueError) as exc:
            log.warning("Could not list saved mappings: %s", exc)
            found = []
        for preset in found:
            text = preset.name
            if self._spec is not None and preset.provider != self._spec.id:
                text += f"  (made for {get_spec(preset.provider).label})"
            self.preset_combo.addItem(text, preset.name)
        self.preset_combo.setCurrentIndex(0)
        self.preset_combo.setEnabled(bool(found))
        self.delete_preset_action.setEnabled(bool(found))
        self.preset_combo.blockSignals(False)

    def _on_preset_picked(self, index: int) -> None:
        from gui.core import presets as core_presets

        name = self.preset_combo.itemData(index)
        if name is None or self._frame is None or self._spec is None:
            return
        try:
            preset = core_presets.load_preset(str(name))
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Saved mapping", f"Could not open “{name}”: {exc}")
            return
        self.use_preset(preset)

    def _translate(self, preset: Preset) -> ColumnMapping:
        """A preset's mapping for this sheet and provider: headers matched by spelling, fields by meaning."""
        from gui.core.mapping.columns import ColumnMapping
        from gui.core.mapping.suggest import sanitize_custom_name

        mapping = preset.mapping_for(self._columns())
        spec = self._spec
        if spec is None or preset.provider == spec.id:
            return mapping
        source = get_spec(preset.provider)
        fields: dict[str, str] = {}
        for name, column in mapping.fields.items():
            concept = source.field(name).concept
            target = spec.field_for_concept(concept) if concept else None
            if target is not None and target.name not in fields:
                fields[target.name] = column
        custom = {c: sanitize_custom_name(c, spec) for c in mapping.custom}
        return ColumnMapping(fields=fields, custom=custom)

    def use_preset(self, preset: Preset) -> None:
        """Apply a saved mapping to this sheet; fields whose column is missing stay unmapped."""
        missing = preset.fits(self._columns())
        mapping = self._translate(preset)
        self.set_mapping(mapping)
        for row in self._rows:
            if row.field.name in mapping.fields and row.column() is not None:
                self._hints[row.field.name] = f"from the saved mapping “{preset.name}”"
        self._refresh_hints()
        self.sig_preset_applied.emit(preset)
        if missing:
            shown = ", ".join(f"“{m}”" for m in missing)
            self.status_label.setText(
                self.status_label.text() + f"  This sheet has no column {shown}; those fields stay empty."
            )

    def delete_preset(self, name: str | None = None, *, confirm: bool = True) -> bool:
        """Delete a saved mapping (the one shown in the list when no name is given), after asking."""
        from gui.core import presets as core_presets

        name = name or str(self.preset_combo.currentData() or "")
        if not name:
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                "Delete saved mapping",
                f"Delete the saved mapping “{name}”? Files you exported from it are not touched.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            core_presets.delete_preset(name)
        except (LeadLoaderError, OSError) as exc:
            QMessageBox.warning(self, "Delete saved mapping", f"Could not delete “{name}”: {exc}")
            return False
        self._reload_presets()
        return True

    def save_preset(self, name: str | None = None) -> Preset | None:
        """Save the current mapping (with its fixes and options) under a name; asks for one if not given."""
        from gui.core import presets as core_presets

        if self._spec is None or self._frame is None:
            return None
        if name is None:
            current = str(self.preset_combo.currentData() or "")
            name, ok = QInputDialog.getText(
                self,
                "Save mapping",
                "Name for this mapping (e.g. “Weekly Apollo export”).\n"
                "A sheet with the same headers will be matched this way automatically.",
                text=current,
            )
            if not ok:
                return None
        name = name.strip()
        if not name:
            return None
        try:
            preset = core_presets.save_preset(
                name,
                self._spec.id,
                self._build_mapping(),
                self._columns(),
                fixes=self._fix_steps,
                options=self._options,
            )
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Save mapping", f"Could not save the mapping: {exc}")
            return None
        self._reload_presets()
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(preset.name)))
        return preset

    def export_preset(self, path: str | Path | None = None) -> Path | None:
        """Save the current mapping and write it to a file a colleague can import."""
        from gui.core import presets as core_presets

        if self._spec is None or self._frame is None:
            return None
        name = str(self.preset_combo.currentData() or "")
        if path is None:
            suggested = name or "mapping"
            path, _ = QFileDialog.getSaveFileName(
                self, "Export mapping", str(Path.home() / f"{suggested}.json"), "Mapping files (*.json)"
            )
            if not path:
                return None
        target = Path(path)
        preset = self.save_preset(name or target.stem)
        if preset is None:
            return None
        try:
            written = core_presets.export_preset(preset.name, target)
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export mapping", f"Could not write {target}: {exc}")
            return None
        self.status_label.setText(f"Mapping “{preset.name}” written to {written}.")
        return written

    def import_preset(self, path: str | Path | None = None) -> Preset | None:
        """Read a mapping file, keep it among the saved mappings and apply it to this sheet."""
        from gui.core import presets as core_presets

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import mapping", str(Path.home()), "Mapping files (*.json);;All files (*)"
            )
            if not path:
                return None
        try:
            preset = core_presets.import_preset(Path(path))
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Import mapping", f"Could not read {path}: {exc}")
            return None
        self._reload_presets()
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(preset.name)))
        if self._frame is not None and self._spec is not None:
            self.use_preset(preset)
        return preset
