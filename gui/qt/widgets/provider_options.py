"""Qt layer: the provider's upload options (a check box or a text field each), built from its spec.

The options are data on :class:`ProviderSpec`, so a provider gains one by describing it there; this box
only draws whatever the chosen provider declares and reads the values back in the engine's terms.

Under them sits "Update leads that are already there" (issue 19): what happens to a row the
provider already has is a choice about the run, like the provider's own options, so it lives with
them. The core decides when it can be offered (:func:`gui.core.update.check_updatable`): never
for a provider whose API has no update, and not for a routed upload; the box then says why.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from gui.core.providers.base import ProviderOption, ProviderSpec
from gui.qt.style import clear_layout

#: The check box's words (issue 19's).
UPDATE_WORDS = "Update leads that are already there"
#: Its tooltip when it can be used.
UPDATE_HELP = (
    "A row whose lead is already in the campaign (or that an earlier upload created) and whose "
    "values changed is updated in place: only the changed fields are sent. Unchecked, such rows "
    "are reported as duplicates and keep their old values."
)


class ProviderOptionsBox(QGroupBox):
    """The options of one provider at a time; :meth:`show_spec` swaps them.

    Signals:
        sig_update_toggled: "Update leads that are already there" was ticked or cleared.
    """

    sig_update_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Options", parent)
        self.setAccessibleName("Provider options")
        outer = QVBoxLayout(self)
        self._layout = QVBoxLayout()
        self._layout.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(self._layout)
        self.update_box = QCheckBox(UPDATE_WORDS)
        self.update_box.setAccessibleName(UPDATE_WORDS)
        self.update_box.toggled.connect(self.sig_update_toggled)
        outer.addWidget(self.update_box)
        self._spec: ProviderSpec | None = None
        self._routed = False
        self._widgets: dict[str, QCheckBox | QLineEdit] = {}

    def show_spec(self, spec: ProviderSpec) -> None:
        """Draw ``spec``'s options at their defaults (a provider change starts from them)."""
        clear_layout(self._layout)
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
        self.update_box.setChecked(False)  # another provider: its leads are other leads
        self._offer_update()

    def set_routed(self, routed: bool) -> None:
        """A routed upload cannot update leads (the core refuses it): the box says so meanwhile."""
        self._routed = routed
        self._offer_update()

    def update_existing(self) -> bool:
        """The run updates leads that are already there (ticked, and offered for this run)."""
        return self.update_box.isChecked() and self.update_box.isEnabled()

    def _offer_update(self) -> None:
        """Enable the update box where the core allows it; otherwise its tooltip gives the reason."""
        from gui.core.update import UpdateRefused, check_updatable

        if self._spec is None:
            return
        try:
            check_updatable(self._spec, routed=self._routed)
        except UpdateRefused as exc:
            self.update_box.setEnabled(False)
            self.update_box.setToolTip(str(exc))
        else:
            self.update_box.setEnabled(True)
            self.update_box.setToolTip(UPDATE_HELP)
        self.update_box.setAccessibleDescription(self.update_box.toolTip())

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
