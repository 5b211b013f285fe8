"""Qt layer: what a run did: per-status counts with a chart painted by QPainter, export, retry, history.

QtCharts would add 156 MB to the app for one bar, so the chart is a small widget of our own: a
stacked horizontal bar with a legend that doubles as its accessible description.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import FINAL_STATUSES, RunSummary, Status
from gui.qt.style import STATUS_COLOURS, emphasise

#: The chart's order: final statuses, then rows not sent.
CHART_ORDER: tuple[str, ...] = (*(s.value for s in FINAL_STATUSES), Status.PENDING.value)

_WORDS = {
    "uploaded": "uploaded",
    "duplicate": "already there (duplicate)",
    "skipped": "skipped (sent before)",
    "invalid": "not sent: problems in the row",
    "failed": "failed",
    "pending": "not sent yet",
}


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def summary_counts(summary: RunSummary) -> dict[str, int]:
    """Status -> rows, in chart order, from a run summary."""
    return {
        "uploaded": summary.uploaded,
        "duplicate": summary.duplicate,
        "skipped": summary.skipped,
        "invalid": summary.invalid,
        "failed": summary.failed,
        "pending": summary.pending,
    }


class StatusChart(QWidget):
    """A stacked bar of rows per status, with a legend; painted with QPainter (no QtCharts)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[str, int] = {}
        self.setAccessibleName("Results chart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(self.sizeHint().height())

    def sizeHint(self) -> QSize:
        """One bar and one legend line."""
        line = self.fontMetrics().height()
        return QSize(360, line * 2 + 26)

    def set_counts(self, counts: Mapping[str, int]) -> None:
        """Rows per status; statuses with 0 rows are left out of the bar and the legend."""
        self._counts = {k: int(counts.get(k, 0)) for k in CHART_ORDER if counts.get(k, 0)}
        self.setAccessibleDescription(
            ", ".join(f"{n:,} {_WORDS.get(k, k)}" for k, n in self._counts.items()) or "No rows"
        )
        self.update()

    def counts(self) -> dict[str, int]:
        """What the chart shows."""
        return dict(self._counts)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The bar on top, the legend under it, in palette colours."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(self._counts.values())
        line = self.fontMetrics().height()
        bar = QRectF(1, 1, self.width() - 2, line + 8)
        text_pen = QPen(self.palette().color(QPalette.ColorRole.WindowText))
        if not total:
            painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid)))
            painter.drawRoundedRect(bar, 4, 4)
            painter.setPen(text_pen)
            painter.drawText(bar, Qt.AlignmentFlag.AlignCenter, "No rows yet")
            painter.end()
            return
        x = bar.left()
        for status, n in self._counts.items():
            width = bar.width() * n / total
            painter.fillRect(QRectF(x, bar.top(), width, bar.height()), STATUS_COLOURS[status])
            x += width
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        # Legend: a swatch and "1,204 uploaded" per status, wrapping is not needed for six items.
        lx, ly = 1.0, bar.bottom() + 8
        metrics = self.fontMetrics()
        for status, n in self._counts.items():
            label = f"{n:,} {_WORDS.get(status, status)}"
            painter.fillRect(QRectF(lx, ly + 2, line - 4, line - 4), STATUS_COLOURS[status])
            painter.setPen(text_pen)
            painter.drawText(QRectF(lx + line, ly, metrics.horizontalAdvance(label) + 4, line), label)
            lx += line + metrics.horizontalAdvance(label) + 18
        painter.end()


class ResultsPanel(QWidget):
    """The summary of the last run, with export, retry and history.

    Signals:
        sig_export_requested: True for failed rows only, False for all rows.
        sig_retry_requested: Send the failed rows again.
        sig_history_requested: Show past runs.
        sig_closed: The user hid the panel.
    """

    sig_export_requested = Signal(bool)
    sig_retry_requested = Signal()
    sig_history_requested = Signal()
    sig_closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Results")
        self.title = QLabel("Results")
        emphasise(self.title, scale=1.1)
        self.title.setAccessibleName("Results title")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName("Results details")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = StatusChart()

        self.export_all_button = QPushButton("Export all rows…")
        self.export_all_button.setAccessibleName("Export all rows")
        self.export_all_button.setToolTip(
            "Save every row with its status and reason as CSV or Excel (Ctrl+E)"
        )
        self.export_all_button.setShortcut(QKeySequence("Ctrl+E"))
        self.export_failed_button = QPushButton("Export failed rows…")
        self.export_failed_button.setAccessibleName("Export failed rows")
        self.export_failed_button.setToolTip(
            "Save only the rows that were not uploaded (failed or with problems) to fix them (Ctrl+Shift+E)"
        )
        self.export_failed_button.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.retry_button = QPushButton("Retry failed rows")
        self.retry_button.setAccessibleName("Retry failed rows")
        self.retry_button.setToolTip(
            "Send the failed rows again; uploaded rows are never sent twice (Ctrl+R)"
        )
        self.retry_button.setShortcut(QKeySequence("Ctrl+R"))
        self.history_button = QPushButton("History…")
        self.history_button.setAccessibleName("Upload history")
        self.history_button.setToolTip("Past uploads of every file (Ctrl+H, also in the Upload menu)")
        self.close_button = QPushButton("Hide")
        self.close_button.setAccessibleName("Hide results")
        self.close_button.setFlat(True)

        buttons = QHBoxLayout()
        for button in (
            self.export_all_button,
            self.export_failed_button,
            self.retry_button,
            self.history_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.chart)
        layout.addWidget(self.detail)
        layout.addLayout(buttons)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.export_all_button.clicked.connect(lambda: self.sig_export_requested.emit(False))
        self.export_failed_button.clicked.connect(lambda: self.sig_export_requested.emit(True))
        self.retry_button.clicked.connect(self.sig_retry_requested)
        self.history_button.clicked.connect(self.sig_history_requested)
        self.close_button.clicked.connect(self._close)

    def _close(self) -> None:
        self.hide()
        self.sig_closed.emit()

    def show_summary(
        self,
        summary: RunSummary,
        *,
        destination: str,
        read_back: str = "",
        fatal: str = "",
        sandbox: bool = False,
    ) -> None:
        """Fill the panel from a finished (or stopped) run."""
        counts = summary_counts(summary)
        self.chart.set_counts(counts)
        sent_to = f"'{destination}'" + (" (sandbox: nothing was really sent)" if sandbox else "")
        note = summary.note
        if fatal:
            self.title.setText(f"Upload stopped: {fatal}")
        elif note == "cancelled":
            self.title.setText(f"Upload cancelled: {summary.uploaded:,} leads added to {sent_to}")
        elif note == "dry run":
            self.title.setText(f"Dry run for {sent_to}: nothing was sent")
        elif not summary.failed and not summary.pending:
            self.title.setText(f"Done: {summary.uploaded:,} leads added to {sent_to}")
        else:
            self.title.setText(f"Finished with problems: {summary.uploaded:,} leads added to {sent_to}")
        lines = [f"{summary.total:,} rows in {summary.seconds:.1f} s."]
        if summary.duplicate:
            lines.append(f"{_rows(summary.duplicate)} already in the campaign (not added twice).")
        if summary.failed:
            lines.append(
                f"{_rows(summary.failed)} failed: hover the Status cell for the reason, "
                "then Retry failed rows."
            )
        if summary.invalid:
            verb = "was" if summary.invalid == 1 else "were"
            lines.append(
                f"{_rows(summary.invalid)} had problems and {verb} not sent: "
                "fix them in the table, then Upload."
            )
        if summary.pending:
            lines.append(f"{_rows(summary.pending)} not sent yet: Upload continues where it stopped.")
        if read_back:
            lines.append(read_back[:1].upper() + read_back[1:] + ("" if read_back.endswith(".") else "."))
        self.detail.setText(" ".join(lines))
        not_uploaded = summary.failed + summary.invalid + summary.pending
        self.export_failed_button.setEnabled(bool(not_uploaded))
        self.retry_button.setEnabled(bool(summary.failed))
        self.show()


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
