"""Qt layer: the provider's upload options (a check box or a text field each), built from its spec.

The options are data on :class:`ProviderSpec`, so a provider gains one by describing it there; this box
only draws whatever the chosen provider declares and reads the values back in the engine's terms.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from gui.core.providers.base import ProviderOption, ProviderSpec


class ProviderOptionsBox(QGroupBox):
    """The options of one provider at a time; :meth:`show_spec` swaps them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Options", parent)
        self.setAccessibleName("Provider options")
        self._layout = QVBoxLayout(self)
        self._spec: ProviderSpec | None = None
        self._widgets: dict[str, QCheckBox | QLineEdit] = {}

    def show_spec(self, spec: ProviderSpec) -> None:
        """Draw ``spec``'s options at their defaults (a provider change starts from them)."""
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self._spec = spec
        self._widgets = {}
        for option in spec.options:
            if option.kind == "bool":
                self._widgets[option.name] = self._add_check_box(option)
            else:
                self._widgets[option.name] = self._add_text_field(option)
        if not spec.options:
            note = QLabel(f"{spec.label} has no upload options.")
            note.setEnabled(False)
            self._layout.addWidget(note)
        self.setTitle(f"{spec.label} options")

    def values(self) -> dict[str, bool | str]:
        """The options as the engine takes them (name to bool or text)."""
        values: dict[str, bool | str] = {}
        for option in self._spec.options if self._spec else ():
            widget = self._widgets.get(option.name)
            if isinstance(widget, QCheckBox):
                values[option.name] = widget.isChecked()
            elif isinstance(widget, QLineEdit):
                values[option.name] = widget.text().strip()
            else:
                values[option.name] = option.default
        return values

    def _add_check_box(self, option: ProviderOption) -> QCheckBox:
        box = QCheckBox(option.label)
        box.setChecked(bool(option.default))
        box.setAccessibleName(option.label)
        if option.help:
            box.setToolTip(option.help)
            box.setAccessibleDescription(option.help)
        self._layout.addWidget(box)
        return box

    def _add_text_field(self, option: ProviderOption) -> QLineEdit:
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(option.label + ":")
        edit = QLineEdit(str(option.default or ""))
        edit.setAccessibleName(option.label)
        if option.help:
            edit.setPlaceholderText(option.help)
            edit.setToolTip(option.help)
            edit.setAccessibleDescription(option.help)
        caption.setBuddy(edit)
        row_layout.addWidget(caption)
        row_layout.addWidget(edit, 1)
        self._layout.addWidget(row)
        return edit
