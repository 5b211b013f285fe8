"""Qt layer: the bar of saved mappings (presets): pick one, save, export, import, delete.

The bar owns the dialogs and the calls to ``gui.core.presets``; what a preset does to a sheet
is left to whoever listens to :attr:`SavedMappingsBar.sig_preset_chosen`. What to save is asked
of a callable given at construction, so the bar never reaches into the widgets around it.
Next to it, the mappings remembered without a name: :func:`recall_for` and :func:`remember_for`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from gui.core.errors import LeadLoaderError
from gui.core.providers import get_spec

if TYPE_CHECKING:
    from gui.core.fixes import FixStep
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.presets import Preset
    from gui.core.providers.base import ProviderSpec

log = logging.getLogger(__name__)

_PLACEHOLDER = "— pick a saved mapping —"


@dataclass(frozen=True)
class MappingToSave:
    """What a save writes: the mapping with the sheet's headers, its fixes and provider options."""

    provider: str
    mapping: ColumnMapping
    columns: tuple[str, ...]
    fixes: tuple[FixStep, ...] = ()
    options: Mapping[str, bool | str] = field(default_factory=dict)


def preset_mapping_for(preset: Preset, columns: Sequence[str], spec: ProviderSpec | None) -> ColumnMapping:
    """A preset's mapping for this sheet and provider: headers matched by spelling, fields by meaning.

    A preset made for lemlist still maps an Instantly upload: each field goes to the field of
    the same concept (email to email, company to company), custom names are re-sanitised.
    """
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.mapping.suggest import sanitize_custom_name

    mapping = preset.mapping_for(columns)
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


@dataclass(frozen=True)
class Recalled:
    """A mapping found for a sheet's headers, with the words that say where it came from."""

    mapping: ColumnMapping
    source: str  # "last time", "your saved mapping “Weekly”": completes "matched as in ..."
    hint: str  # the small print under each field it maps
    preset: Preset | None = None  # the saved mapping it came from, if it was one


def recall_for(columns: Sequence[str], provider_id: str, *, presets_too: bool) -> Recalled | None:
    """How the user matched these headers before: remembered from last time, else a saved mapping.

    ``presets_too=False`` looks only at last time (a provider switch keeps the user's columns
    instead). Unreadable files are logged and count as nothing found.
    """
    from gui.core import presets as core_presets

    try:
        mapping = core_presets.recall_mapping(columns, provider_id)
        if mapping is not None:
            return Recalled(mapping, "last time", "as you matched it last time")
        preset = core_presets.find_preset_for(columns, provider_id) if presets_too else None
    except (LeadLoaderError, OSError, ValueError) as exc:
        log.warning("Could not recall a mapping: %s", exc)
        return None
    if preset is None:
        return None
    named = f"saved mapping “{preset.name}”"
    return Recalled(preset.mapping_for(columns), f"your {named}", f"from the {named}", preset)


def remember_for(columns: Sequence[str], provider_id: str, mapping: ColumnMapping) -> None:
    """Remember the user's mapping for this header set, so the same export maps itself next time."""
    from gui.core import presets as core_presets

    try:
        core_presets.remember_mapping(columns, provider_id, mapping)
    except (LeadLoaderError, OSError, ValueError) as exc:
        log.warning("Could not remember the mapping: %s", exc)


class SavedMappingsBar(QWidget):
    """One line: the list of saved mappings and its Save / Export / Import buttons.

    Signals:
        sig_preset_chosen: A ``Preset`` the user picked from the list or imported from a file.
        sig_exported: ``(name, path)`` once a mapping was written to a file.
    """

    sig_preset_chosen = Signal(object)
    sig_exported = Signal(str, object)

    def __init__(self, current: Callable[[], MappingToSave | None], parent: QWidget | None = None) -> None:
        """An empty, disabled bar; ``current`` gives what to save (None while there is no sheet)."""
        super().__init__(parent)
        self._current = current
        self._provider_id: str | None = None
        self.combo = QComboBox()
        self.combo.setAccessibleName("Saved mappings")
        self.combo.setToolTip("Apply a mapping you saved earlier")
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Right-click (or the menu key) on the list offers to delete the saved mapping shown.
        self.delete_action = QAction("Delete this saved mapping…", self.combo)
        self.delete_action.triggered.connect(lambda: self.delete())  # noqa: PLW0108 - drop "checked"
        self.combo.addAction(self.delete_action)
        self.combo.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.save_button = QPushButton("Save…")
        self.save_button.setAccessibleName("Save this mapping")
        self.save_button.setToolTip("Save this mapping under a name to reuse it for the next file")
        self.export_button = QPushButton("Export…")
        self.export_button.setAccessibleName("Export the mapping to a file")
        self.export_button.setToolTip("Write this mapping to a small file you can send to a colleague")
        self.import_button = QPushButton("Import…")
        self.import_button.setAccessibleName("Import a mapping file")
        self.import_button.setToolTip("Load a mapping file a colleague sent you")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("Sa&ved:")
        caption.setBuddy(self.combo)
        row.addWidget(caption)
        row.addWidget(self.combo, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)

        self.combo.addItem(_PLACEHOLDER, None)
        self.combo.setEnabled(False)
        self.delete_action.setEnabled(False)
        self.set_sheet_ready(False)

        self.combo.activated.connect(self._on_picked)
        self.save_button.clicked.connect(lambda: self.save())  # noqa: PLW0108 - drop "checked"
        self.export_button.clicked.connect(lambda: self.export())  # noqa: PLW0108
        self.import_button.clicked.connect(lambda: self.import_file())  # noqa: PLW0108

    def set_sheet_ready(self, ready: bool) -> None:
        """Save and Export need a sheet and a provider; Import works without."""
        for button in (self.save_button, self.export_button):
            button.setEnabled(ready)

    def show_presets(self, provider_id: str | None) -> None:
        """Re-read the saved mappings; those made for another provider than ``provider_id`` say so."""
        from gui.core import presets as core_presets

        self._provider_id = provider_id
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_PLACEHOLDER, None)
        try:
            found = core_presets.list_presets()
        except (LeadLoaderError, OSError, ValueError) as exc:
            log.warning("Could not list saved mappings: %s", exc)
            found = []
        for preset in found:
            text = preset.name
            if provider_id is not None and preset.provider != provider_id:
                text += f"  (made for {get_spec(preset.provider).label})"
            self.combo.addItem(text, preset.name)
        self.combo.setCurrentIndex(0)
        self.combo.setEnabled(bool(found))
        self.delete_action.setEnabled(bool(found))
        self.combo.blockSignals(False)

    def _reload(self, select: str) -> None:
        self.show_presets(self._provider_id)
        self.combo.setCurrentIndex(max(0, self.combo.findData(select)))

    def _on_picked(self, index: int) -> None:
        from gui.core import presets as core_presets

        name = self.combo.itemData(index)
        if name is None or self._current() is None:
            return
        try:
            preset = core_presets.load_preset(str(name))
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Saved mapping", f"Could not open “{name}”: {exc}")
            return
        self.sig_preset_chosen.emit(preset)

    def delete(self, name: str | None = None, *, confirm: bool = True) -> bool:
        """Delete a saved mapping (the one shown in the list when no name is given), after asking."""
        from gui.core import presets as core_presets

        name = name or str(self.combo.currentData() or "")
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
        self.show_presets(self._provider_id)
        return True

    def save(self, name: str | None = None) -> Preset | None:
        """Save the current mapping (with its fixes and options) under a name; asks for one if not given."""
        from gui.core import presets as core_presets

        current = self._current()
        if current is None:
            return None
        if name is None:
            shown = str(self.combo.currentData() or "")
            name, ok = QInputDialog.getText(
                self,
                "Save mapping",
                "Name for this mapping (e.g. “Weekly Apollo export”).\n"
                "A sheet with the same headers will be matched this way automatically.",
                text=shown,
            )
            if not ok:
                return None
        name = name.strip()
        if not name:
            return None
        try:
            preset = core_presets.save_preset(
                name,
                current.provider,
                current.mapping,
                current.columns,
                fixes=current.fixes,
                options=current.options,
            )
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Save mapping", f"Could not save the mapping: {exc}")
            return None
        self._reload(select=preset.name)
        return preset

    def export(self, path: str | Path | None = None) -> Path | None:
        """Save the current mapping and write it to a file a colleague can import."""
        from gui.core import presets as core_presets

        if self._current() is None:
            return None
        name = str(self.combo.currentData() or "")
        if path is None:
            suggested = name or "mapping"
            path, _ = QFileDialog.getSaveFileName(
                self, "Export mapping", str(Path.home() / f"{suggested}.json"), "Mapping files (*.json)"
            )
            if not path:
                return None
        target = Path(path)
        preset = self.save(name or target.stem)
        if preset is None:
            return None
        try:
            written = core_presets.export_preset(preset.name, target)
        except (LeadLoaderError, OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export mapping", f"Could not write {target}: {exc}")
            return None
        self.sig_exported.emit(preset.name, written)
        return written

    def import_file(self, path: str | Path | None = None) -> Preset | None:
        """Read a mapping file and keep it among the saved mappings; listeners apply it."""
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
        self._reload(select=preset.name)
        self.sig_preset_chosen.emit(preset)
        return preset
