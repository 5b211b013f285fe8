"""Qt layer: the progress of taking an upload back, with Pause and Cancel.

The removal itself runs in a worker (:mod:`gui.qt.flows.run_history` starts it); this dialog
only shows how far it got and turns the two buttons into signals. Closing the dialog is a
cancel, never a way to lose track of a removal still running: the journal keeps every answer,
so running it again resumes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import Progress


class RemovalProgressDialog(QDialog):
    """The removal's progress ("Removing 18 leads from ‘Q4 outreach’…"), Pause/Resume and Cancel.

    Args:
        total: Leads the run created (the bar's end).
        destination: The campaign's or list's name, as the confirmation named it.
        parent: The history dialog or the window.

    Signals:
        sig_pause_toggled: True when the user paused, False when they resumed.
        sig_cancel_clicked: The user asked to stop (Cancel, Esc or the close box).
    """

    sig_pause_toggled = Signal(bool)
    sig_cancel_clicked = Signal()

    def __init__(self, total: int, destination: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Removing this upload's leads")
        self.setAccessibleName("Removal progress")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._total = total
        self._stopping = False
        self._running_text = f"Removing {total:,} lead{'s' if total != 1 else ''} from ‘{destination}’…"
        self.label = QLabel(self._running_text)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(0)
        self.bar.setAccessibleName("Leads removed")
        self.counts = QLabel("")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setAccessibleName("Pause the removal")
        self.pause_button.toggled.connect(self._on_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the removal")
        self.cancel_button.setToolTip("Stops after the request in flight. Running it again resumes.")
        self.cancel_button.clicked.connect(self.request_cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addLayout(buttons)
        self.resize(460, 150)

    def show_progress(self, event: Progress) -> None:
        """Move the bar and say how many are removed, gone already, or failed so far."""
        self.bar.setValue(min(event.done, self.bar.maximum()))
        counts = event.counts
        parts = [f"{counts.get('removed', 0):,} removed"]
        if counts.get("already_gone"):
            parts.append(f"{counts['already_gone']:,} already gone")
        if counts.get("failed"):
            parts.append(f"{counts['failed']:,} failed")
        self.counts.setText(f"{event.done:,} of {self._total:,}: " + ", ".join(parts))

    def _on_pause(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        paused_text = "Paused: no request is sent until you click Resume."
        self.label.setText(paused_text if paused else self._running_text)
        self.sig_pause_toggled.emit(paused)

    def request_cancel(self) -> None:
        """Ask the removal to stop; the buttons go quiet until the worker has ended."""
        if self._stopping:
            return
        self._stopping = True
        self.label.setText("Stopping after the request in flight… Running it again resumes.")
        self.pause_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.sig_cancel_clicked.emit()

    def reject(self) -> None:
        """Esc cancels the removal instead of hiding a job that is still running."""
        self.request_cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The close box cancels too; the flow closes the dialog itself when the worker ends."""
        self.request_cancel()
        event.ignore()

    def finish(self) -> None:
        """Close for good (the worker has ended)."""
        QDialog.done(self, QDialog.DialogCode.Accepted)
