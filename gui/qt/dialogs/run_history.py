"""Upload history: past runs from the journal, newest first, with the button that takes one back.

The dialog only shows and asks; :class:`gui.qt.flows.run_history.RunHistory` reads the journal,
refreshes it and does the removal when :attr:`HistoryDialog.sig_remove_requested` fires.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

REMOVE_TIP = (
    "Deletes from the campaign exactly the leads this upload created. "
    "Leads that were already there are not touched."
)


class HistoryDialog(QDialog):
    """Past runs from the journal, newest first (``Journal.history()`` records).

    Signals:
        sig_remove_requested: The user asked to take back the selected run (its id).
    """

    sig_remove_requested = Signal(int)

    COLUMNS: Sequence[str] = (
        "Started (UTC)",
        "File",
        "Sent to",
        "Account",
        "Rows",
        "Uploaded",
        "Problems",
        "Note",
    )

    def __init__(
        self,
        records: Sequence[Any],
        parent: QWidget | None = None,
        notes: Mapping[int, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Upload history")
        self.setAccessibleName("Upload history")
        self.records: list[Any] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setAccessibleName("Past uploads")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel()
        self.remove_button = QPushButton("Remove this upload's leads…")
        self.remove_button.setAccessibleName("Remove the leads the selected upload created")
        self.remove_button.setToolTip(REMOVE_TIP)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.set_records(records, notes)
        self.resize(960, 420)

    def set_records(self, records: Sequence[Any], notes: Mapping[int, str] | None = None) -> None:
        """Fill the table again (after a removal, its Note says how far it got), keeping the selection."""
        selected = self.selected_run()
        notes = notes or {}
        self.records = list(records)
        self.table.setRowCount(len(self.records))
        for r, record in enumerate(self.records):
            counts = record.counts
            problems = counts.get("failed", 0) + counts.get("invalid", 0)
            note = record.note or ("not finished" if record.finished_at is None else "")
            if record.resumable and not note:
                note = "stopped: can resume"
            extra = notes.get(record.id, "")
            note = f"{note} · {extra}" if note and extra else (note or extra)
            values = (
                str(record.started_at).replace("T", " ")[:19],
                record.file_name,
                f"{record.provider}: {record.destination_name or record.destination}",
                record.account,
                f"{record.total:,}",
                f"{counts.get('uploaded', 0):,}",
                f"{problems:,}",
                note,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, record.id)
                if c in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        count = f"{len(self.records)} upload" + ("" if len(self.records) == 1 else "s")
        self.empty.setText("No uploads yet." if not self.records else f"{count}, newest first.")
        if selected is not None:
            self.select_run(selected)
        self._update_buttons()

    def selected_run(self) -> int | None:
        """The id of the selected run, or None."""
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            return None
        item = self.table.item(rows.pop(), 0)
        return int(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select_run(self, run_id: int) -> bool:
        """Select the row of ``run_id`` (tests, and keeping the selection across a refresh)."""
        for r, record in enumerate(self.records):
            if record.id == run_id:
                self.table.selectRow(r)
                return True
        return False

    def set_busy(self, busy: bool) -> None:
        """No second removal while one runs."""
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        """The button names what it will do for the selected run's provider (remove, or save a CSV)."""
        from gui.core.providers import get_spec

        run_id = self.selected_run()
        record = next((r for r in self.records if r.id == run_id), None)
        self.remove_button.setEnabled(record is not None and not getattr(self, "_busy", False))
        spec = get_spec(record.provider) if record is not None else None
        if spec is not None and spec.remove_batch_size <= 0:
            self.remove_button.setText("Save this upload's leads as CSV…")
            self.remove_button.setToolTip(
                f"{spec.label} offers no way to delete leads through its API: save the leads this "
                f"upload created, to remove them in {spec.label}'s web app."
            )
        else:
            self.remove_button.setText("Remove this upload's leads…")
            self.remove_button.setToolTip(REMOVE_TIP)

    def _on_remove_clicked(self) -> None:
        run_id = self.selected_run()
        if run_id is not None:
            self.sig_remove_requested.emit(run_id)
