"""Flow: reviewing what an upload did: per-status counts, the chart, export, retry, history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import RowOutcome, RunSummary
from gui.core.errors import LeadLoaderError
from gui.qt.style import emphasise
from gui.qt.widgets.status_chart import StatusChart


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def summary_counts(summary: RunSummary) -> dict[str, int]:
    """Status -> rows, in chart order, from a run summary."""
    return {
        "uploaded": summary.uploaded,
        "updated": summary.updated,
        "duplicate": summary.duplicate,
        "skipped": summary.skipped,
        "invalid": summary.invalid,
        "failed": summary.failed,
        "pending": summary.pending,
    }


class ReviewResults(QWidget):
    """The summary of the last run, with export, retry and history; it writes the export itself.

    Signals:
        sig_export_requested: True for failed rows only, False for all rows.
        sig_retry_requested: Send the failed rows again.
        sig_history_requested: Show past runs.
        sig_closed: The user hid the panel.
        sig_message: A status-bar line and how long it shows (ms).
        sig_error: A title and a message the window shows as a warning.
    """

    sig_export_requested = Signal(bool)
    sig_retry_requested = Signal()
    sig_history_requested = Signal()
    sig_closed = Signal()
    sig_message = Signal(str, int)
    sig_error = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source: Path | None = None
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
        per_destination: Sequence[str] = (),
    ) -> None:
        """Fill the panel from a finished (or stopped) run.

        ``per_destination`` has a routed run's counts, one line per campaign, shown under the totals;
        ``destination`` then names the campaigns in words ("3 campaigns by Region"), unquoted.
        """
        counts = summary_counts(summary)
        self.chart.set_counts(counts)
        sent_to = (destination if per_destination else f"'{destination}'") + (
            " (sandbox: nothing was really sent)" if sandbox else ""
        )
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
        if summary.updated:
            lines.append(f"{_rows(summary.updated)} updated in place (only the changed fields were sent).")
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
        text = " ".join(lines)
        if per_destination:  # one line each, under the totals: a sheet goes to a handful of campaigns
            bullets = "".join(f"\n• {line}" for line in per_destination)
            text = lines[0] + bullets + ("\n" + " ".join(lines[1:]) if lines[1:] else "")
        self.detail.setText(text)
        not_uploaded = summary.failed + summary.invalid + summary.pending
        self.export_failed_button.setEnabled(bool(not_uploaded))
        self.retry_button.setEnabled(bool(summary.failed))
        self.show()

    def set_source(self, path: Path | None) -> None:
        """The sheet the results are of: the export's suggested name sits next to it."""
        self._source = path
        self.hide()

    def export(
        self,
        frame: Any,
        outcomes: Mapping[int, RowOutcome],
        *,
        only_failed: bool = False,
        path: Path | None = None,
        destinations: Mapping[int, str] | None = None,
    ) -> int:
        """Save rows with status and reason (CSV or XLSX); returns rows written (0 when cancelled).

        ``destinations`` (a routed run's row -> campaign) adds the report's destination column.
        """
        if self._source is None:
            return 0
        from gui.core.report import export_results

        if path is None:
            suffix = "failed" if only_failed else "results"
            suggested = self._source.with_name(f"{self._source.stem} - {suffix}.xlsx")
            chosen, _ = QFileDialog.getSaveFileName(
                self.window(),
                "Export failed rows" if only_failed else "Export all rows",
                str(suggested),
                "Excel workbook (*.xlsx);;CSV (*.csv)",
            )
            if not chosen:
                return 0
            path = Path(chosen)
            if path.suffix.lower() not in (".csv", ".xlsx"):
                path = path.with_suffix(".xlsx")
        try:
            written = export_results(
                frame, dict(outcomes), path, only_failed=only_failed, destinations=destinations or None
            )
        except LeadLoaderError as exc:
            self.sig_error.emit("Cannot export", str(exc))
            return 0
        self.sig_message.emit(f"Saved {written:,} rows to {path}.", 10000)
        return written
