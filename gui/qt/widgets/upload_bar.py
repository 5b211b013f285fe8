"""Qt layer: the bottom bar: the Upload button that says what will happen, then the run's progress.

Before a run the button's text is the whole plan ("Upload 9,812 leads to 'Q4 Outbound' (188 rows
with problems will be skipped)"), or, disabled, the one thing still missing. During a run the bar
shows count, rate and time left with Pause/Resume and Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import Progress
from gui.qt.style import emphasise


def format_duration(seconds: float | None) -> str:
    """'about 3 min left' style words for an ETA; '' when unknown."""
    if seconds is None or seconds < 0:
        return ""
    if seconds < 60:
        return f"{max(1, round(seconds))} s left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    hours, rest = divmod(seconds, 3600)
    return f"about {int(hours)} h {round(rest / 60)} min left"


def progress_words(event: Progress) -> str:
    """'1,204 of 9,812 sent · 9.8 leads/s · about 15 min left' for the progress line."""
    parts = [f"{event.done:,} of {event.total:,} done" if event.total else f"{event.done:,} done"]
    if event.rate:
        parts.append(f"{event.rate:.1f} leads/s")
    eta = format_duration(event.eta_seconds)
    if eta:
        parts.append(eta)
    counts = {k: v for k, v in event.counts.items() if v and k != "pending"}
    if counts:
        parts.append(", ".join(f"{v:,} {k}" for k, v in counts.items()))
    return " · ".join(parts)


class UploadBar(QWidget):
    """The Upload button and, during a run, progress with Pause/Resume and Cancel.

    Signals:
        sig_upload_clicked: The user asked to start (the window builds the job).
        sig_pause_toggled: True to pause, False to resume.
        sig_cancel_clicked: The user asked to stop the run.
    """

    sig_upload_clicked = Signal()
    sig_pause_toggled = Signal(bool)
    sig_cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.upload_button = QPushButton("Open a sheet to start")
        self.upload_button.setAccessibleName("Upload")
        self.upload_button.setShortcut(QKeySequence("Ctrl+U"))
        self.upload_button.setMinimumHeight(36)
        self.upload_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.upload_button.setDefault(True)
        emphasise(self.upload_button)
        self.hint = QLabel()
        self.hint.setAccessibleName("Upload hint")
        self.hint.setWordWrap(True)

        idle = QWidget()
        idle_layout = QVBoxLayout(idle)
        idle_layout.setContentsMargins(0, 0, 0, 0)
        idle_layout.addWidget(self.upload_button)
        idle_layout.addWidget(self.hint)

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Upload progress")
        self.progress.setTextVisible(True)
        self.progress_label = QLabel()
        self.progress_label.setAccessibleName("Upload progress details")
        self.progress_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setAccessibleName("Pause upload")
        self.pause_button.setCheckable(True)
        self.pause_button.setShortcut(QKeySequence("Ctrl+P"))
        self.pause_button.setToolTip("Hold new requests; nothing is lost (Ctrl+P)")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel upload")
        self.cancel_button.setToolTip(
            "Stop sending. Rows already sent stay sent; you can resume later (Ctrl+Shift+X)"
        )
        self.cancel_button.setShortcut(QKeySequence("Ctrl+Shift+X"))

        running = QWidget()
        top = QHBoxLayout()
        top.addWidget(self.progress, 1)
        top.addWidget(self.pause_button)
        top.addWidget(self.cancel_button)
        running_layout = QVBoxLayout(running)
        running_layout.setContentsMargins(0, 0, 0, 0)
        running_layout.addLayout(top)
        running_layout.addWidget(self.progress_label)

        self._stack = QStackedWidget()
        self._stack.addWidget(idle)
        self._stack.addWidget(running)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self._stack)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.upload_button.clicked.connect(self.sig_upload_clicked)
        self.pause_button.toggled.connect(self._on_pause_toggled)
        self.cancel_button.clicked.connect(self._on_cancel)

    # ---- before a run

    def set_plan(self, text: str, *, enabled: bool, hint: str = "") -> None:
        """What the button says (the plan, or what is missing) and a second line of detail."""
        self.upload_button.setText(text)
        self.upload_button.setEnabled(enabled)
        self.upload_button.setToolTip(text)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))

    # ---- during a run

    @property
    def running(self) -> bool:
        """True while the progress page is shown."""
        return self._stack.currentIndex() == 1

    def start_run(self, total: int, what: str) -> None:
        """Switch to the progress page for a run of ``total`` rows."""
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(0)
        self.progress.setFormat(f"{what}: %v of %m")
        self.progress_label.setText("Starting…")
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(False)
        self.pause_button.setText("Pause")
        self.pause_button.blockSignals(False)
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self._stack.setCurrentIndex(1)

    def show_progress(self, event: Progress) -> None:
        """Show one progress event (already throttled by the worker)."""
        if event.total:
            self.progress.setMaximum(event.total)
        self.progress.setValue(min(event.done, self.progress.maximum()))
        line = progress_words(event)
        if self.pause_button.isChecked():
            line = "Paused · " + line
        self.progress_label.setText(line)

    def finish_run(self) -> None:
        """Back to the Upload button."""
        self._stack.setCurrentIndex(0)

    def _on_pause_toggled(self, paused: bool) -> None:
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setAccessibleName("Resume upload" if paused else "Pause upload")
        if paused:
            self.progress_label.setText("Paused · " + self.progress_label.text().removeprefix("Paused · "))
        self.sig_pause_toggled.emit(paused)

    def _on_cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.pause_button.setEnabled(False)
        self.progress_label.setText("Stopping… requests already on their way are allowed to finish.")
        self.sig_cancel_clicked.emit()
