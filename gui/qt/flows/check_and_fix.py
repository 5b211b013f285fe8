"""Flow: checking every row against the provider's rules, and fixing a column in place.

A check runs 150 ms after the last change (an edit, a fix, another mapping or campaign), on the GUI
thread for small sheets and in a worker above :data:`VALIDATE_IN_WORKER_ROWS`; an older check that
finishes after a newer one started is dropped. Fixes go on the undo stack, so Ctrl+Z takes them back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from gui.core.errors import Cancelled, LeadLoaderError
from gui.qt.edit_commands import ColumnFixCommand
from gui.qt.table_model import LeadTableModel
from gui.qt.workers import Worker, start_worker

#: Above this many rows, validation runs in a worker instead of on the GUI thread.
VALIDATE_IN_WORKER_ROWS = 20_000

#: What a check needs besides the frame: the column mapping, the provider spec, the destination kind.
CheckInputs = Callable[[], tuple[Any, Any, str]]


class CheckAndFix(QObject):
    """Schedules the checks of the shared model's frame and applies column fixes.

    Signals:
        sig_checked: A check's result is on the model (the Validation); the table repaints next.
        sig_validated: The same result, one event-loop turn later (for the panels and the tests).
        sig_columns_changed: A fix added or removed columns.
        sig_message: A status-bar line and how long it shows (ms; 0 until replaced).
    """

    sig_checked = Signal(object)
    sig_validated = Signal(object)
    sig_columns_changed = Signal()
    sig_message = Signal(str, int)

    def __init__(
        self,
        model: LeadTableModel,
        undo_stack: QUndoStack,
        inputs: CheckInputs,
        region: Callable[[], str],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self.model = model
        self.undo_stack = undo_stack
        self._inputs = inputs
        self._region = region
        self._active = False
        self._worker: Worker | None = None
        self._generation = 0
        self.validation: Any = None
        self.action_fix = QAction("&Fix this column…", parent)
        self.action_fix.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.validate_now)
        model.sig_cells_changed.connect(lambda _cols: self.schedule())

    def set_active(self, active: bool) -> None:
        """Checks run only with a sheet open and no upload running (a run locks sheet and mapping)."""
        self._active = active

    def forget(self) -> None:
        """A new sheet: the last check described the old one."""
        self.validation = None
        self._generation += 1

    def schedule(self, immediately: bool = False) -> None:
        """Check soon (150 ms after the last change) or in the next event-loop turn."""
        if not self._active:
            return
        self._timer.start(0 if immediately else 150)

    def validate_now(self) -> None:
        """Check every row against the provider's rules (in a worker for big sheets)."""
        if not self._active:
            return
        from gui.core.validation.checker import validate

        frame = self.model.frame
        mapping, spec, kind = self._inputs()
        region = self._region()
        self._generation += 1
        generation = self._generation
        base = self.model.row_number_base

        def row_label(row: int) -> str:
            return str(row + base)

        if len(frame) <= VALIDATE_IN_WORKER_ROWS:
            try:
                result = validate(
                    frame, mapping, spec, destination_kind=kind, default_region=region, row_label=row_label
                )
            except LeadLoaderError as exc:
                self.sig_message.emit(str(exc), 8000)
                return
            self._apply(generation, result)
            return
        if self._worker is not None:
            self._worker.cancel.cancel()

        def job(progress: Any, cancel: Any) -> Any:
            return validate(
                frame,
                mapping,
                spec,
                destination_kind=kind,
                default_region=region,
                row_label=row_label,
                progress=progress,
                cancel=cancel,
            )

        self.sig_message.emit(f"Checking {len(frame):,} rows…", 0)
        worker = start_worker(job, parent=self)
        worker.sig_succeeded.connect(lambda result, g=generation: self._apply(g, result))
        worker.sig_failed.connect(self._on_failed)
        worker.sig_finished.connect(lambda w=worker: self._on_finished(w))
        self._worker = worker

    def _on_failed(self, exc: object) -> None:
        if not isinstance(exc, Cancelled):
            self.sig_message.emit(f"Could not check the rows: {exc}", 8000)

    def _on_finished(self, worker: Worker) -> None:
        if self._worker is worker:
            self._worker = None

    def _apply(self, generation: int, validation: Any) -> None:
        if generation != self._generation:
            return  # an older check finished after a newer one started
        self.validation = validation
        self.model.set_validation(validation)
        self.sig_checked.emit(validation)
        # The panels in the next turn of the event loop: the table repaints in between.
        QTimer.singleShot(0, self, lambda: self._announce(generation, validation))

    def _announce(self, generation: int, validation: Any) -> None:
        if generation == self._generation:
            self.sig_validated.emit(validation)

    def fix_column(self, column: str) -> None:
        """Open the fix dialog for a column; an applied fix goes on the undo stack."""
        from gui.qt.dialogs.fix_dialog import FixDialog

        dialog = FixDialog(self.model.frame, column, self._parent)
        accepted = dialog.exec()
        result = dialog.fix_result() if accepted else None
        dialog.deleteLater()
        if result is not None:
            self.push_fix(column, result)

    def push_fix(self, column: str, result: Any) -> None:
        """Record an applied column fix so Ctrl+Z can take it back."""
        label = f"Fix column ‘{column}’"
        self.undo_stack.push(
            ColumnFixCommand(self.model, column, result, label, on_columns_changed=self._on_columns_changed)
        )
        changed = getattr(result, "changed", None)
        if changed is not None:
            self.sig_message.emit(f"{label}: {int(changed):,} cells changed (Ctrl+Z to undo).", 8000)

    def _on_columns_changed(self) -> None:
        self.sig_columns_changed.emit()
        self.schedule()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop a check in a worker and the pending one."""
        self._timer.stop()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(timeout_ms)
