"""Flow: "Send to several campaigns by a column": each value of one column to its own campaign.

A sales-ops sheet is rarely for one campaign (issue 19): rows are split by region, language or
owner. Off by default, the upload goes to the one campaign of step 1. When on, the user picks a
column; the table lists its distinct values with their row counts (:func:`gui.core.routing.distinct_values`:
"EMEA" and "emea " are one value) and a campaign per value, and "Every other value" takes the
values not given one to a campaign, or skips their rows. The flow produces a
:class:`~gui.core.routing.RouteTable` (None when off) and announces each change; it never sends.
The campaigns are the ones the destination flow listed: the window hands them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import Campaign
from gui.core.routing import RouteTable, RoutingError, destination_id, distinct_values, match_key
from gui.qt.widgets.campaign_picker import CampaignPicker
from gui.qt.widgets.route_values import (
    CAMPAIGN,
    ROWS,
    VALUE,
    CampaignDelegate,
    RouteValuesModel,
    campaign_names,
    search_proxy,
)

#: The "Every other value" picker's first line: rows of values given no campaign are not sent.
SKIP_CHOICE = "Skip these rows"
#: Header words that usually name a column a sheet is split by; the first such column is offered first.
LIKELY_COLUMNS = ("region", "country", "language", "segment", "territory", "market", "owner", "team")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class RouteRowsFlow(QWidget):
    """The switch, the column, the values table with a campaign per value, and the default.

    Signals:
        sig_routes_changed: The routing the next upload uses: a :class:`RouteTable`, or None
            when routing is off.
    """

    sig_routes_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Send to several campaigns")
        self._frame: Any = None
        self._campaigns: list[Campaign] = []
        self._provider = ""
        self._label = ""
        self._has_lists = False
        self._can_route = True
        self._last: RouteTable | None = None

        self.enabled_box = QCheckBox("Send to several campaigns by a column")
        self.enabled_box.setAccessibleName("Send to several campaigns by a column")
        self.enabled_box.setToolTip(
            "Split the sheet by one column (region, language, owner…) and send each value's rows to "
            "its own campaign, in one upload."
        )
        self.column_combo = QComboBox()
        self.column_combo.setAccessibleName("Column to split by")
        self.column_combo.setToolTip("Each distinct value of this column gets its own campaign")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search the values")
        self.search.setAccessibleName("Search the values")
        self.search.setClearButtonEnabled(True)

        self.model = RouteValuesModel(self)
        self.proxy = search_proxy(self.model, self)
        self.view = QTableView()
        self.view.setAccessibleName("Values and their campaigns")
        self.view.setModel(self.proxy)
        self.view.setItemDelegateForColumn(CAMPAIGN, CampaignDelegate(self._choices, self.view))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(ROWS, Qt.SortOrder.DescendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)  # one line a value: a long campaign name is elided, its tooltip whole
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ROWS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CAMPAIGN, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(VALUE, 140)
        self.view.setMinimumHeight(180)

        self.default_picker = CampaignPicker()
        self.default_picker.setAccessibleName("Campaign for every other value")
        self.default_picker.setToolTip("Where rows go whose value has no campaign of its own")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Routing summary")

        self.body = QWidget()
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column_caption = QLabel("Split &by:")
        column_caption.setBuddy(self.column_combo)
        form.addRow(column_caption, self.column_combo)
        body_layout = QVBoxLayout(self.body)
        body_layout.setContentsMargins(18, 0, 0, 0)
        body_layout.addLayout(form)
        how = QLabel("Double-click a value's Campaign cell to choose where its rows go.")
        how.setWordWrap(True)
        body_layout.addWidget(how)
        body_layout.addWidget(self.search)
        body_layout.addWidget(self.view, 1)
        rest = QFormLayout()
        rest.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rest_caption = QLabel("&Every other value:")
        rest_caption.setBuddy(self.default_picker)
        rest.addRow(rest_caption, self.default_picker)
        body_layout.addLayout(rest)
        body_layout.addWidget(self.summary)
        self.body.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled_box)
        layout.addWidget(self.body, 1)
        self._fill_default()

        self.enabled_box.toggled.connect(self._on_toggled)
        self.column_combo.currentIndexChanged.connect(lambda _i: self._on_column_changed())
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.model.sig_assigned.connect(lambda _k, _d: self._changed())
        self.default_picker.currentIndexChanged.connect(lambda _i: self._changed())

    # ---- what the window hands in

    def set_frame(self, frame: Any) -> None:
        """A sheet is open (None: closed): offer its columns, keeping the chosen one if it is still there."""
        self._frame = frame
        columns = [str(c) for c in frame.columns] if frame is not None else []
        previous = self.column_combo.currentText()
        self.column_combo.blockSignals(True)
        self.column_combo.clear()
        self.column_combo.addItems(columns)
        index = self.column_combo.findText(previous) if previous else -1
        if index < 0:
            lower = [c.casefold() for c in columns]
            index = next((i for i, c in enumerate(lower) if any(w in c for w in LIKELY_COLUMNS)), 0)
        self.column_combo.setCurrentIndex(index if columns else -1)
        self.column_combo.blockSignals(False)
        if self.column_combo.currentText() != previous:
            self.model.clear_assignments()  # another column's values are other values
        self.refresh_values()

    def refresh_values(self) -> None:
        """Count the column's values again (cells were edited or fixed); assignments are kept."""
        if self._frame is None or not self.is_on() or not self.column_combo.currentText():
            self.model.set_values([])
        else:
            try:
                self.model.set_values(distinct_values(self._frame, self.column_combo.currentText()))
            except RoutingError:  # the column went away (a fix removed it): nothing to route by
                self.model.set_values([])
        self._changed()

    def set_campaigns(
        self, campaigns: Sequence[Campaign], *, provider: str, label: str, has_lists: bool, can_route: bool
    ) -> None:
        """The chosen account's campaigns; another provider starts the routing over.

        Args:
            campaigns: What the destination flow listed (campaigns and, for Instantly, lists).
            provider: The provider's id.
            label: Its name, for the words.
            has_lists: It has lead lists too (the picker groups them).
            can_route: It has campaigns to choose from (not Aktify, whose key is its campaign).
        """
        if provider != self._provider:
            self.model.clear_assignments()
        self._provider, self._label, self._has_lists = provider, label, has_lists
        self._campaigns = list(campaigns)
        self._can_route = can_route
        self.model.set_campaigns(self._campaigns)
        self.enabled_box.setEnabled(can_route)
        self.enabled_box.setToolTip(
            self.enabled_box.toolTip()
            if can_route
            else f"{label} has no campaigns to route to: its API key is its one campaign."
        )
        if not can_route and self.enabled_box.isChecked():
            self.enabled_box.setChecked(False)
        self._fill_default()
        self._changed()

    # ---- what the flow produces

    def is_on(self) -> bool:
        """The upload is routed by a column."""
        return self.enabled_box.isChecked() and self._can_route

    def route_table(self) -> RouteTable | None:
        """The routing of the next upload; None when off (one campaign, as step 1 says)."""
        column = self.column_combo.currentText()
        if not self.is_on() or not column:
            return None
        spelling = {v.key: v.value for v in self.model.values()}
        routes = self.model.assignments()
        return RouteTable(column, routes, self.default_destination(), {k: spelling.get(k, k) for k in routes})

    def default_destination(self) -> str | None:
        """Where values without their own campaign go; None skips their rows."""
        chosen = self.default_picker.chosen()
        return destination_id(chosen) if chosen is not None else None

    def assign(self, value: str, destination: str) -> None:
        """Route ``value`` (any spelling) to ``destination`` ("" follows every other value)."""
        self.model.assign(match_key(value), destination)

    def set_default(self, destination: str | None) -> bool:
        """Send every other value to ``destination`` (None: skip their rows); False when not listed."""
        if destination is None:
            self.default_picker.setCurrentIndex(0)
            return True
        return self.default_picker.select(destination)

    def summary_text(self) -> str:
        """One line: how many values go to how many campaigns, and how many rows no campaign takes."""
        table = self.route_table()
        if table is None:
            return ""
        values = self.model.values()
        if not values:
            return f"The column {table.column} has no values."
        routed = [v for v in values if v.key in table.routes]
        rest = sum(v.rows for v in values if v.key not in table.routes)
        if not routed and table.default is None:
            return "Pick a campaign for a value (double-click its Campaign cell), or for every other value."
        campaigns = _plural(len(table.destinations()), "campaign")
        text = f"{_plural(len(routed), 'value')} to {campaigns}"
        if table.default is not None:
            name = campaign_names(self._campaigns).get(table.default, table.default)
            return f"{text}; every other value ({_plural(rest, 'row')}) to ‘{name}’."
        if rest:
            return f"{text}, {_plural(rest, 'row')} skipped: no campaign."
        return f"{text}."

    # ---- internals

    def _choices(self) -> tuple[Sequence[Campaign], str, bool]:
        return self._campaigns, self._label, self._has_lists

    def _fill_default(self) -> None:
        wanted = self.default_destination() or ""
        self.default_picker.blockSignals(True)
        self.default_picker.fill(
            self._campaigns, provider_label=self._label, has_lists=self._has_lists, wanted=wanted
        )
        self.default_picker.setItemText(0, SKIP_CHOICE)
        self.default_picker.setEnabled(True)
        self.default_picker.blockSignals(False)

    def _on_toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.refresh_values()

    def _on_column_changed(self) -> None:
        self.model.clear_assignments()  # another column's values are other values
        self.search.clear()
        self.refresh_values()

    def _changed(self) -> None:
        self.model.set_rest(self.default_destination())
        self.summary.setText(self.summary_text())
        table = self.route_table()
        if table != self._last:  # a recount or a listing that changes nothing is no news
            self._last = table
            self.sig_routes_changed.emit(table)
