"""Qt layer: the box of the sheet's other columns, each ticked or not to travel as a custom variable.

The box only shows and reports ticks; which columns are "other" and what name each one gets is
decided by whoever fills it, so the names shown are the names sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class OtherColumn:
    """One line of the box: a sheet column, the variable name it would go under, and its tick."""

    column: str
    name: str
    ticked: bool


class CustomVariablesBox(QGroupBox):
    """Tick the columns that go along with each lead under a custom-variable name.

    Signals:
        sig_column_toggled: ``(column, send)`` when the user ticks or unticks one column.
        sig_all_set: ``send`` after the All (True) or None (False) button set every tick.
    """

    sig_column_toggled = Signal(str, bool)
    sig_all_set = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Other columns: send as custom variables", parent)
        self._filling = False
        self.columns_list = QListWidget()
        self.columns_list.setAccessibleName("Columns sent as custom variables")
        self.help_label = QLabel(
            "Ticked columns travel with each lead under the name shown, so you can use them in your "
            "emails (e.g. {{industry}})."
        )
        self.help_label.setWordWrap(True)
        self.all_button = QPushButton("All")
        self.all_button.setAccessibleName("Send all other columns")
        self.none_button = QPushButton("None")
        self.none_button.setAccessibleName("Send no other column")
        buttons = QHBoxLayout()
        buttons.addWidget(self.help_label, 1)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.columns_list)

        self.columns_list.itemChanged.connect(self._on_item_changed)
        self.all_button.clicked.connect(lambda: self._set_all(True))
        self.none_button.clicked.connect(lambda: self._set_all(False))

    def show_columns(self, columns: Sequence[OtherColumn], example: str) -> None:
        """List ``columns`` (in sheet order); ``example`` is the variable name the help text quotes."""
        self._filling = True
        try:
            self.columns_list.clear()
            for entry in columns:
                text = entry.column if entry.name == entry.column else f"{entry.column}  →  {entry.name}"
                item = QListWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, entry.column)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if entry.ticked else Qt.CheckState.Unchecked)
                item.setToolTip(f"Sent as the custom variable “{entry.name}”")
                self.columns_list.addItem(item)
        finally:
            self._filling = False
        count = self.columns_list.count()
        self.help_label.setText(
            "Ticked columns travel with each lead under the name shown, so your campaign's messages "
            f"can use them (e.g. {{{{{example}}}}})."
        )
        self.setTitle(
            f"Other columns ({count}): send as custom variables" if count else "Other columns: none left"
        )
        for button in (self.all_button, self.none_button):
            button.setEnabled(count > 0)

    def columns(self) -> list[str]:
        """The columns listed, ticked or not."""
        return [self._column(self.columns_list.item(i)) for i in range(self.columns_list.count())]

    def set_column(self, column: str, send: bool) -> None:
        """Tick or untick ``column`` as the user would (the toggle signal follows)."""
        for i in range(self.columns_list.count()):
            item = self.columns_list.item(i)
            if self._column(item) == column:
                item.setCheckState(Qt.CheckState.Checked if send else Qt.CheckState.Unchecked)
                return
        raise KeyError(column)

    @staticmethod
    def _column(item: QListWidgetItem) -> str:
        return str(item.data(Qt.ItemDataRole.UserRole))

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if not self._filling:
            self.sig_column_toggled.emit(self._column(item), item.checkState() == Qt.CheckState.Checked)

    def _set_all(self, send: bool) -> None:
        """One signal for the whole box, not one per tick: the mapping changes once."""
        self._filling = True
        try:
            for i in range(self.columns_list.count()):
                self.columns_list.item(i).setCheckState(
                    Qt.CheckState.Checked if send else Qt.CheckState.Unchecked
                )
        finally:
            self._filling = False
        self.sig_all_set.emit(send)
