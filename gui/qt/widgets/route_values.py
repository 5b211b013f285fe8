"""Qt layer: the routing table's model and its campaign cell editor: thousands of values, no widget each.

A route column can have 5,000 distinct values (issue 19). One combo box per row would be 5,000
widgets, slow to build and to scroll; instead the values live in a plain model
(:class:`RouteValuesModel`) and :class:`CampaignDelegate` opens one
:class:`~gui.qt.widgets.campaign_picker.CampaignPicker` only on the cell being edited. Search is a
:class:`QSortFilterProxyModel` over the value column, so filtering never rebuilds the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

from gui.core.domain import Campaign
from gui.core.routing import EMPTY_WORDS, ValueCount, destination_id
from gui.qt.widgets.campaign_picker import CampaignPicker, campaign_text

VALUE, ROWS, CAMPAIGN = 0, 1, 2
HEADERS = ("Value", "Rows", "Campaign")
#: What an unassigned value's campaign cell says: it follows the "Every other value" choice.
LIKE_THE_REST = "like every other value"
#: How an unassigned value's cell ends when every other value is skipped.
SKIPPED_WORDS = "skipped"
#: The editor's first choice: take the value's own campaign away again.
UNASSIGN_CHOICE = "— like every other value —"
#: The role the proxy sorts by: text folded for values, numbers for row counts.
SORT_ROLE = int(Qt.ItemDataRole.UserRole)

_Index = QModelIndex | QPersistentModelIndex


def not_listed_words(destination: str) -> str:
    """A campaign cell whose id the account's listing lacks (another account, a stale choice)."""
    return f"⚠ {destination}: not in this account"


class RouteValuesModel(QAbstractTableModel):
    """The route column's distinct values, their row counts and the campaign each is routed to.

    Signals:
        sig_assigned: A value's campaign changed (its match key, the destination id or "").
    """

    sig_assigned = Signal(str, str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._values: list[ValueCount] = []
        self._assigned: dict[str, str] = {}
        self._campaigns: dict[str, Campaign] = {}
        self._rest = SKIPPED_WORDS
        self._italic = QFont()
        self._italic.setItalic(True)

    # ---- filling

    def set_values(self, values: Sequence[ValueCount]) -> None:
        """Show these values; assignments of values still present are kept (a cell edit recounts)."""
        if list(values) == self._values:
            return  # a recount that changed nothing keeps the view as it is (scroll, an open editor)
        self.beginResetModel()
        self._values = list(values)
        present = {v.key for v in self._values}
        self._assigned = {k: d for k, d in self._assigned.items() if k in present}
        self.endResetModel()

    def set_campaigns(self, campaigns: Sequence[Campaign]) -> None:
        """The account's campaigns, for the cells' words (assignments are kept)."""
        self._campaigns = {destination_id(c): c for c in campaigns}
        self._repaint_campaigns()

    def set_rest(self, destination: str | None) -> None:
        """Where values without a campaign of their own go (None: skipped), for their cells' words."""
        campaign = self._campaigns.get(destination or "")
        if destination is None:
            self._rest = SKIPPED_WORDS
        else:  # the name alone: the cell is narrow, and the status is on the value's own line
            self._rest = (
                (campaign.name or campaign.id) if campaign is not None else not_listed_words(destination)
            )
        self._repaint_campaigns()

    def clear_assignments(self) -> None:
        """Forget every value's campaign (another provider: its ids mean nothing here)."""
        self._assigned = {}
        self._repaint_campaigns()

    def _repaint_campaigns(self) -> None:
        if self._values:
            self.dataChanged.emit(self.index(0, CAMPAIGN), self.index(len(self._values) - 1, CAMPAIGN))

    # ---- reading

    def values(self) -> list[ValueCount]:
        """The values shown, most rows first."""
        return list(self._values)

    def assignments(self) -> dict[str, str]:
        """Match key -> destination id of every value given its own campaign."""
        return dict(self._assigned)

    def row_of(self, key: str) -> int:
        """The model row of the value with this match key, or -1."""
        for row, value in enumerate(self._values):
            if value.key == key:
                return row
        return -1

    def assign(self, key: str, destination: str) -> None:
        """Route the value with match key ``key`` to ``destination`` ("" follows every other value)."""
        if destination:
            if self._assigned.get(key) == destination:
                return
            self._assigned[key] = destination
        elif self._assigned.pop(key, None) is None:
            return
        row = self.row_of(key)
        if row >= 0:
            self.dataChanged.emit(self.index(row, CAMPAIGN), self.index(row, CAMPAIGN))
        self.sig_assigned.emit(key, destination)

    def campaign_words(self, destination: str) -> str:
        """How a cell names a destination: the campaign picker's line, or a warning."""
        campaign = self._campaigns.get(destination)
        return campaign_text(campaign) if campaign is not None else not_listed_words(destination)

    # ---- Qt model

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """Values shown (none under a valid parent: a flat table)."""
        return 0 if parent.isValid() else len(self._values)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Value, rows, campaign."""
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        """Column titles; rows are not numbered (the value names them)."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Only the campaign cell is edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == CAMPAIGN else base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Words, the destination id to edit, the sort key, and italics for unassigned values."""
        if not index.isValid() or not 0 <= index.row() < len(self._values):
            return None
        value, column = self._values[index.row()], index.column()
        destination = self._assigned.get(value.key, "")
        if role == Qt.ItemDataRole.DisplayRole:
            if column == VALUE:
                return value.value or EMPTY_WORDS
            if column == ROWS:
                return f"{value.rows:,}"
            return self.campaign_words(destination) if destination else f"{LIKE_THE_REST}: {self._rest}"
        if role == Qt.ItemDataRole.EditRole:
            return destination if column == CAMPAIGN else None
        if role == SORT_ROLE:
            if column == VALUE:
                return value.key
            if column == ROWS:
                return value.rows
            return self.campaign_words(destination).casefold() if destination else ""
        if role == Qt.ItemDataRole.FontRole and column == CAMPAIGN and not destination:
            return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROWS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == CAMPAIGN:
            rows = "row" if value.rows == 1 else "rows"
            tip = (
                f"{value.rows:,} {rows} with “{value.value or EMPTY_WORDS}”: double-click to pick a campaign."
            )
            if not destination:
                tip += " Until then they go where every other value goes."
            return tip
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """The editor's choice: a destination id, or "" to follow every other value."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != CAMPAIGN:
            return False
        self.assign(self._values[index.row()].key, str(value or ""))
        return True


def search_proxy(model: RouteValuesModel, parent: Any = None) -> QSortFilterProxyModel:
    """The view's proxy: the search box filters the value column, headers sort by :data:`SORT_ROLE`."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(VALUE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortRole(SORT_ROLE)
    return proxy


#: What the editor offers: the campaigns, the provider's name, whether it has lead lists.
CampaignChoices = Callable[[], tuple[Sequence[Campaign], str, bool]]


class CampaignDelegate(QStyledItemDelegate):
    """Edits a campaign cell with a campaign picker, created when the cell is edited and gone after."""

    def __init__(self, choices: CampaignChoices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        """A picker of the account's campaigns, its first line taking the value's campaign away."""
        campaigns, label, has_lists = self._choices()
        picker = CampaignPicker(parent)
        picker.setAccessibleName("Campaign for this value")
        picker.fill(list(campaigns), provider_label=label, has_lists=has_lists)
        picker.setItemText(0, UNASSIGN_CHOICE)
        picker.setEnabled(True)  # even with no campaigns listed, the first line can be chosen
        # A pick in the list is the answer: commit it at once rather than on focus loss.
        picker.activated.connect(lambda _i, p=picker: self._commit(p))
        return picker

    def _commit(self, picker: CampaignPicker) -> None:
        self.commitData.emit(picker)
        self.closeEditor.emit(picker, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        """Show the cell's campaign chosen (or the first line for an unassigned value)."""
        if isinstance(editor, CampaignPicker):
            wanted = str(index.data(Qt.ItemDataRole.EditRole) or "")
            if not (wanted and editor.select(wanted)):
                editor.setCurrentIndex(0)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        """Write the picked campaign's destination id ("" for the first line)."""
        if isinstance(editor, CampaignPicker):
            chosen = editor.chosen()
            model.setData(
                index, destination_id(chosen) if chosen is not None else "", Qt.ItemDataRole.EditRole
            )


def campaign_names(campaigns: Sequence[Campaign]) -> Mapping[str, str]:
    """Destination id -> the campaign's name, for summaries."""
    return {destination_id(c): c.name or c.id for c in campaigns}
