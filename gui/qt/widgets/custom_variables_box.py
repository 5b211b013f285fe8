"""Qt layer: the box of the sheet's other columns, each ticked or not to travel as a custom variable.

The box keeps the ticks and the names: a column goes under the name a saved mapping gave it,
else its sanitised header, made unique; the names shown are the names sent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

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

from gui.core.providers.base import ProviderSpec


class CustomVariablesBox(QGroupBox):
    """Tick the columns that go along with each lead under a custom-variable name.

    Signals:
        sig_ticks_changed: The user ticked or unticked a column, or pressed All / None (once).
    """

    sig_ticks_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Other columns: send as custom variables", parent)
        self._filling = False
        self._ticked: set[str] = set()
        self._names: dict[str, str] = {}  # column -> the name a saved mapping gave it
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

    # ---- the state ---------------------------------------------------------------------------

    def take(self, custom: Mapping[str, str], columns: Collection[str]) -> None:
        """Tick exactly the columns of ``custom`` (column -> name) the sheet has, keeping their names."""
        self._ticked = {c for c in custom if c in columns}
        self._names.update({c: n for c, n in custom.items() if c in columns})

    def forget_names(self) -> None:
        """A new sheet: names given by an earlier mapping no longer apply."""
        self._names = {}

    def drop(self, columns: Collection[str]) -> None:
        """These columns left the sheet (an undone split)."""
        self._ticked.difference_update(columns)

    def ticked_columns(self, columns: Sequence[str], mapped: Collection[str]) -> list[str]:
        """The columns ticked to go as custom variables, in sheet order (a mapped column never goes)."""
        return [c for c in columns if c in self._ticked and c not in mapped]

    def variables(
        self, columns: Sequence[str], mapped: Collection[str], spec: ProviderSpec
    ) -> dict[str, str]:
        """Column -> custom-variable name for the ticked columns, names unique regardless of case."""
        taken: set[str] = set()
        return {c: self._name(c, spec, taken) for c in self.ticked_columns(columns, mapped)}

    def _name(self, column: str, spec: ProviderSpec, taken: set[str]) -> str:
        """The name of a column: the one it came with, else the sanitised header; ``taken`` grows."""
        from gui.core.mapping.suggest import sanitize_custom_name

        name = self._names.get(column) or sanitize_custom_name(column, spec)
        base, n = name, 2
        while name.casefold() in taken:
            name = f"{base}{n}"
            n += 1
        taken.add(name.casefold())
        return name

    # ---- what is shown ------------------------------------------------------------------------

    def show_columns(
        self, columns: Sequence[str], mapped: Collection[str], spec: ProviderSpec | None
    ) -> None:
        """List the sheet's columns no field takes, each with the name it would go under."""
        taken: set[str] = set()
        # Ticked columns claim their names first, so the names shown are the ones sent.
        names = {c: self._name(c, spec, taken) for c in self.ticked_columns(columns, mapped)} if spec else {}
        self._filling = True
        try:
            self.columns_list.clear()
            for column in columns:
                if column in mapped:
                    continue
                if column not in names:
                    names[column] = self._name(column, spec, taken) if spec else column
                name = names[column]
                item = QListWidgetItem(column if name == column else f"{column}  →  {name}")
                item.setData(Qt.ItemDataRole.UserRole, column)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if column in self._ticked else Qt.CheckState.Unchecked
                )
                item.setToolTip(f"Sent as the custom variable “{name}”")
                self.columns_list.addItem(item)
        finally:
            self._filling = False
        count = self.columns_list.count()
        example = next(iter(names.values()), "industry")
        self.help_label.setText(
            "Ticked columns travel with each lead under the name shown, so your campaign's messages "
            f"can use them (e.g. {{{{{example}}}}})."
        )
        title = f"Other columns ({count}): send as custom variables" if count else "Other columns: none left"
        self.setTitle(title)
        for button in (self.all_button, self.none_button):
            button.setEnabled(count > 0)

    def set_column(self, column: str, send: bool) -> None:
        """Tick or untick ``column`` as the user would (the change signal follows)."""
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
        if self._filling:
            return
        column = self._column(item)
        (self._ticked.add if item.checkState() == Qt.CheckState.Checked else self._ticked.discard)(column)
        self.sig_ticks_changed.emit()

    def _set_all(self, send: bool) -> None:
        """One signal for the whole box, not one per tick: the mapping changes once."""
        state = Qt.CheckState.Checked if send else Qt.CheckState.Unchecked
        self._filling = True
        try:
            for i in range(self.columns_list.count()):
                item = self.columns_list.item(i)
                item.setCheckState(state)
                (self._ticked.add if send else self._ticked.discard)(self._column(item))
        finally:
            self._filling = False
        self.sig_ticks_changed.emit()
