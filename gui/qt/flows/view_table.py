"""Flow: looking at the sheet: the table, which rows it shows, their order, the next problem.

Sorting and filtering run in numpy on the frame and hand the model a row order, so a million rows
re-order well under a second; the model (shared with the other flows) stays the one source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import Status
from gui.qt.table_model import STATUS_WORDS, LeadTableModel, filter_order, sort_order

if TYPE_CHECKING:
    import numpy as np

FILTER_ALL = "all"
FILTER_PROBLEMS = "problems"
FILTER_ERRORS = "errors"
FILTER_NOT_SENT = "not-sent"

#: The Status column's word for rows waiting their turn during a run.
QUEUED = "Queued"

_EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)


class LeadTableView(QTableView):
    """The table, with a drop hint painted while it is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = (
            "Drop a spreadsheet here\n(.xlsx .xls .ods .csv .tsv .txt)\n\nor press Ctrl+O to choose a file"
        )
        corner = self.findChild(QAbstractButton)
        if corner is not None:  # the top-left "select all" button
            corner.setAccessibleName("Select all cells")
            corner.setToolTip("Select all cells")

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the rows, or the drop hint when there are none."""
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() > 0:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        painter.setFont(font)
        painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self.hint)
        painter.end()


class ViewTable(QWidget):
    """The Show: bar and the table of leads, over the shared model.

    Signals:
        sig_row_selected: The current cell moved to this frame row.
        sig_fix_requested: The user asked to fix this column (header menu, Edit > Fix this column).
        sig_message: A status-bar line and how long it shows (ms; 0 until replaced).
    """

    sig_row_selected = Signal(int)
    sig_fix_requested = Signal(str)
    sig_message = Signal(str, int)

    def __init__(self, model: LeadTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._filter = FILTER_ALL
        self._sort: tuple[str | None, bool] | None = None  # (column or None for Status, descending)

        self.filter_combo = QComboBox()
        self.filter_combo.setAccessibleName("Show rows")
        self.filter_combo.setToolTip(
            "Show all rows, only rows with problems, or rows by upload status (Ctrl+F)"
        )
        for value, words in (
            (FILTER_ALL, "All rows"),
            (FILTER_PROBLEMS, "Rows with problems"),
            (FILTER_ERRORS, "Rows that will be skipped"),
        ):
            self.filter_combo.addItem(words, value)
        self.row_count_label = QLabel()
        self.row_count_label.setAccessibleName("Rows shown")
        filter_bar = QHBoxLayout()
        show_label = QLabel("&Show:")
        show_label.setBuddy(self.filter_combo)
        filter_bar.addWidget(show_label)
        filter_bar.addWidget(self.filter_combo)
        filter_bar.addWidget(self.row_count_label)
        filter_bar.addSpacing(12)
        self.undo_hint = QLabel(
            "Double-click a cell to edit it · Ctrl+Z undoes · right-click a column name to fix it"
        )
        self.undo_hint.setAccessibleName("Table tips")
        self.undo_hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # A long one-line label must not widen the table side and squeeze the panels.
        self.undo_hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.undo_hint.setMinimumWidth(0)
        filter_bar.addWidget(self.undo_hint, 1)

        self.table = LeadTableView()
        self.table.setModel(model)
        self.table.setAccessibleName("Leads table")
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(_EDIT_TRIGGERS)
        vheader = self.table.verticalHeader()
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hheader = self.table.horizontalHeader()
        hheader.setSectionsClickable(True)
        hheader.setSortIndicatorShown(False)
        hheader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hheader.setDefaultSectionSize(150)
        hheader.setHighlightSections(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filter_bar)
        layout.addWidget(self.table, 1)

        self.action_problems = QAction("Show only rows with &problems", self)
        self.action_problems.setCheckable(True)
        self.action_problems.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.action_problems.toggled.connect(
            lambda on: self.set_filter(FILTER_PROBLEMS if on else FILTER_ALL)
        )
        self.action_filter = QAction("Choose rows to &show", self)
        self.action_filter.setShortcut(QKeySequence.StandardKey.Find)
        self.action_filter.triggered.connect(self._focus_filter)
        self.action_next_problem = QAction("&Next problem", self)
        self.action_next_problem.setShortcut(QKeySequence("F8"))
        self.action_next_problem.triggered.connect(self.go_to_next_problem)

        self.filter_combo.currentIndexChanged.connect(
            lambda _i: self.set_filter(str(self.filter_combo.currentData()))
        )
        hheader.sectionClicked.connect(self._on_header_clicked)
        hheader.customContextMenuRequested.connect(self._on_header_menu)
        self.table.selectionModel().currentChanged.connect(self._on_current_changed)
        model.modelReset.connect(self._update_row_count)

    def show_sheet(self) -> None:
        """A new sheet is in the model: file order, every filter the model offers, fitted columns."""
        self._sort = None
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.refresh_filter_items()
        self.fit_columns()

    def set_has_sheet(self, has_sheet: bool) -> None:
        """Without a sheet there is nothing to filter and no tip to give."""
        self.filter_combo.setEnabled(has_sheet)
        self.undo_hint.setVisible(has_sheet)
        self._update_row_count()

    def set_editing_enabled(self, enabled: bool) -> None:
        """No edits while rows are being sent: the sheet must not change under the engine."""
        self.table.setEditTriggers(
            _EDIT_TRIGGERS if enabled else QAbstractItemView.EditTrigger.NoEditTriggers
        )

    def current_column(self) -> str | None:
        """The sheet column of the current cell (None on the Status column or with no cell)."""
        index = self.table.currentIndex()
        return self.model.frame_column(index.column()) if index.isValid() else None

    def request_fix_of_current_column(self) -> None:
        """Edit > Fix this column: ask for the fix of the current cell's column."""
        column = self.current_column()
        if column is None:
            self.sig_message.emit("Click a cell of the column to fix first.", 5000)
            return
        self.sig_fix_requested.emit(column)

    def _focus_filter(self) -> None:
        self.filter_combo.setFocus()
        self.filter_combo.showPopup()

    def refresh_filter_items(self) -> None:
        """The status filters exist once the Status column does (after a first run)."""
        self.filter_combo.blockSignals(True)
        current = self.filter_combo.currentData()
        while self.filter_combo.count() > 3:
            self.filter_combo.removeItem(3)
        if self.model.status_shown:
            self.filter_combo.insertSeparator(3)
            for status in (
                Status.UPLOADED,
                Status.UPDATED,
                Status.DUPLICATE,
                Status.FAILED,
                Status.INVALID,
                Status.SKIPPED,
            ):
                self.filter_combo.addItem(f"Status: {STATUS_WORDS[status.value]}", f"status:{status.value}")
            self.filter_combo.addItem("Status: not sent yet", FILTER_NOT_SENT)
        index = self.filter_combo.findData(current)
        self.filter_combo.setCurrentIndex(index if index >= 0 else 0)
        self._filter = str(self.filter_combo.currentData())
        self.filter_combo.blockSignals(False)

    def set_filter(self, value: str) -> None:
        """Show only the rows ``value`` names (one of the Show: choices)."""
        self._filter = value
        index = self.filter_combo.findData(value)
        if index >= 0 and index != self.filter_combo.currentIndex():
            self.filter_combo.blockSignals(True)
            self.filter_combo.setCurrentIndex(index)
            self.filter_combo.blockSignals(False)
        self.action_problems.blockSignals(True)
        self.action_problems.setChecked(value == FILTER_PROBLEMS)
        self.action_problems.blockSignals(False)
        self.apply_order()

    def on_validated(self) -> None:
        """A new check: a problem filter shows the rows it now finds."""
        if self._filter in (FILTER_PROBLEMS, FILTER_ERRORS):
            self.apply_order()

    def _filter_mask(self) -> np.ndarray | None:
        import numpy as np

        n = len(self.model.frame)
        value = self._filter
        validation = self.model.validation
        if value in (FILTER_PROBLEMS, FILTER_ERRORS):
            if validation is None:
                return np.zeros(n, dtype=bool)
            mask = np.asarray(validation.error_rows, dtype=bool)
            if value == FILTER_PROBLEMS:
                mask = mask | np.asarray(validation.warning_rows, dtype=bool)
            return mask
        status = self.model.status_array()
        if value.startswith("status:") and status is not None:
            word = STATUS_WORDS.get(value.split(":", 1)[1], "")
            return np.asarray(status == word, dtype=bool)
        if value == FILTER_NOT_SENT and status is not None:
            return np.asarray(
                (status == "") | (status == STATUS_WORDS["pending"]) | (status == QUEUED), dtype=bool
            )
        return None

    def apply_order(self) -> None:
        """Sort then filter in numpy and hand the row order to the model (1M rows well under 1 s)."""
        frame = self.model.frame
        order: np.ndarray | None = None
        if self._sort is not None:
            column, descending = self._sort
            if column is None:
                status = self.model.status_array()
                if status is not None:
                    import pandas as pd

                    order = sort_order(pd.DataFrame({"s": status}), "s", descending=descending)
            elif column in frame.columns:
                order = sort_order(frame, column, descending=descending)
        order = filter_order(order, self._filter_mask(), len(frame))
        self.model.set_row_order(order)
        self._update_row_count()

    def _update_row_count(self) -> None:
        total = self.model.frame_row_count()
        shown = self.model.rowCount()
        if not total:
            self.row_count_label.setText("")
        elif shown == total:
            self.row_count_label.setText(f"{total:,} rows")
        else:
            self.row_count_label.setText(f"{shown:,} of {total:,} rows shown")

    def _on_header_clicked(self, section: int) -> None:
        column = self.model.frame_column(section)
        if column is None and not self.model.status_shown:
            return
        descending = self._sort is not None and self._sort[0] == column and not self._sort[1]
        self._sort_by(column, descending, section)

    def _on_header_menu(self, pos: QPoint) -> None:
        header = self.table.horizontalHeader()
        section = header.logicalIndexAt(pos)
        column = self.model.frame_column(section)
        if column is None:
            return
        menu = QMenu(self)
        fix = menu.addAction(f"Fix column ‘{column}’…")
        fix.triggered.connect(lambda: self.sig_fix_requested.emit(column))
        menu.addSeparator()
        asc = menu.addAction("Sort A → Z")
        asc.triggered.connect(lambda: self._sort_by(column, False, section))
        desc = menu.addAction("Sort Z → A")
        desc.triggered.connect(lambda: self._sort_by(column, True, section))
        unsort = menu.addAction("File order")
        unsort.triggered.connect(self._unsort)
        menu.exec(header.mapToGlobal(pos))

    def _sort_by(self, column: str | None, descending: bool, section: int) -> None:
        self._sort = (column, descending)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(
            section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.apply_order()

    def _unsort(self) -> None:
        self._sort = None
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.apply_order()

    def fit_columns(self) -> None:
        """Each column as wide as its name and first 50 values need (70 to 320 px)."""
        header = self.table.horizontalHeader()
        metrics = self.fontMetrics()
        sample = self.model.frame.head(50)
        for view_col in range(self.model.columnCount()):
            name = self.model.frame_column(view_col)
            if name is None:
                header.resizeSection(view_col, 110)
                continue
            values = [str(v) for v in sample[name].tolist()] if name in sample else []
            widest = max(
                [metrics.horizontalAdvance(name) + 40, *(metrics.horizontalAdvance(v) + 16 for v in values)]
            )
            header.resizeSection(view_col, min(max(widest, 70), 320))

    def fit_status_column(self) -> None:
        """The Status column, new at a first run, gets its width."""
        self.table.horizontalHeader().resizeSection(0, 110)

    def go_to_next_problem(self) -> None:
        """Select the next cell with a problem (F8)."""
        import numpy as np

        validation = self.model.validation
        if validation is None or self.model.rowCount() == 0:
            return
        rows = np.asarray(validation.error_rows, dtype=bool) | np.asarray(validation.warning_rows, dtype=bool)
        start = self.table.currentIndex().row() + 1 if self.table.currentIndex().isValid() else 0
        for view_row in range(start, self.model.rowCount()):
            frame_row = self.model.frame_row(view_row)
            if rows[frame_row]:
                for c in range(self.model.columnCount()):
                    name = self.model.frame_column(c)
                    if name is not None and validation.cell(frame_row, name) is not None:
                        self.table.setCurrentIndex(self.model.index(view_row, c))
                        self.table.scrollTo(self.model.index(view_row, c))
                        return
        self.sig_message.emit("No more problems below this row.", 4000)

    def _on_current_changed(self, current: Any, _previous: Any) -> None:
        if not current.isValid():
            return
        row = self.model.frame_row(current.row())
        self.sig_row_selected.emit(row)
        # Say what is wrong with the selected cell, so keyboard users need no tooltip.
        column = self.model.frame_column(current.column())
        validation = self.model.validation
        hit = validation.cell(row, column) if validation is not None and column is not None else None
        reason = self.model.data(current, Qt.ItemDataRole.ToolTipRole) if column is None else None
        if hit is not None:
            self.sig_message.emit(f"Row {row + self.model.row_number_base}, {column}: {hit[1]}", 0)
        elif reason:
            self.sig_message.emit(f"Row {row + self.model.row_number_base}: {reason}", 0)
        else:
            self.sig_message.emit("", 0)
