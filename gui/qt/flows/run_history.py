"""Flow: looking back at past uploads (Upload > Upload history, the results panel's History button).

The journal is the record; this flow only reads it and shows it, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class HistoryDialog(QDialog):
    """Past runs from the journal, newest first (``Journal.history()`` records)."""

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

    def __init__(self, records: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Upload history")
        self.setAccessibleName("Upload history")
        self.table = QTableWidget(len(records), len(self.COLUMNS))
        self.table.setAccessibleName("Past uploads")
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        for r, record in enumerate(records):
            counts = record.counts
            problems = counts.get("failed", 0) + counts.get("invalid", 0)
            note = record.note or ("not finished" if record.finished_at is None else "")
            if record.resumable and not note:
                note = "stopped: can resume"
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
                if c in (4, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        count = f"{len(records)} upload" + ("" if len(records) == 1 else "s")
        empty = QLabel("No uploads yet." if not records else f"{count}, newest first.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(900, 420)


class RunHistory(QObject):
    """Owns the Upload history action and the dialog it opens over ``parent``."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.action_history = QAction("Upload &history…", parent)
        self.action_history.setShortcut(QKeySequence("Ctrl+H"))
        self.action_history.triggered.connect(self.show_history)

    def show_history(self) -> None:
        """Past uploads from the journal, in a modal dialog."""
        from gui.core.journal import Journal

        journal = Journal()
        try:
            records = journal.history()
        finally:
            journal.close()
        dialog = HistoryDialog(records, self._parent)
        dialog.exec()
        dialog.deleteLater()
