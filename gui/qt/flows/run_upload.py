"""Flow: running an upload: the plan on the button, then start, pause, cancel, resume and progress.

The flow owns the Upload bar, the running worker, the outcomes of this sheet's runs and the
journal's resumable record. It reads what the window shows through one ``inputs`` callable
(an :class:`UploadInputs` snapshot taken on the GUI thread), so the job the worker builds never
touches a widget. It tells the window what happened through signals: the window locks the
editors, marks the queued rows and shows the results panel.

Between the click and the first request the window may put a ``guard``: the checks before
sending (the merge tags, the do-not-contact list; ``flows/send_safely.py``), run in a worker.
The flow waits for the window's answer: :meth:`RunUpload.go_on` with what the checks found
(those rows are held back), or :meth:`RunUpload.not_started`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from gui.core.domain import Campaign, RowOutcome, RunSummary, Status
from gui.core.errors import LeadLoaderError
from gui.core.routing import destination_lines
from gui.qt import routed_upload
from gui.qt.table_model import LeadTableModel
from gui.qt.upload_plan import RunEnded, UploadInputs, upload_plan, valid_rows
from gui.qt.upload_worker import held_back, journal_fix, upload_job_fn
from gui.qt.widgets.upload_bar import UploadBar
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    import numpy as np

    from gui.core.providers.base import ProviderClient
    from gui.core.routing_checks import RoutedSafety
    from gui.core.safety import Safety

log = logging.getLogger(__name__)

#: Starts the checks before sending for these inputs and this account's client factory; the
#: window answers later with :meth:`RunUpload.go_on` or :meth:`RunUpload.not_started`.
Guard = Callable[["UploadInputs", "Callable[[], ProviderClient]"], None]


class _Relay(QObject):
    """Lives in the GUI thread: the engine's on_outcomes callback emits here, queued."""

    sig_outcomes = Signal(object)
    sig_storage = Signal(str)


class RunUpload(QObject):
    """The upload: its plan, its worker, pause/cancel, the outcomes and the resumable run.

    Signals:
        sig_started: A run is starting (the frame rows it sends, an int array): lock the editors.
        sig_succeeded: A run ended with a report (a :class:`RunEnded`).
        sig_run_finished: A run ended: the report, or None when it failed.
        sig_finished: The worker is gone: unlock the editors and refresh (always last).
        sig_resumable: The journal's unfinished run for this file and destination, or None.
        sig_checking: True while the checks before sending run (lock the editors), then False.
        sig_storage: The journal cannot be written: the pause message ("" once it works again).
        sig_cancel_checks: Cancel was pressed while the checks before sending ran: stop them.
        sig_message: A status-bar line and how long it shows (ms; 0 until replaced).
        sig_error: A title and a message the window shows as a warning.
    """

    sig_started = Signal(object)
    sig_succeeded = Signal(object)
    sig_run_finished = Signal(object)
    sig_finished = Signal()
    sig_resumable = Signal(object)
    sig_checking = Signal(bool)
    sig_storage = Signal(str)
    sig_cancel_checks = Signal()
    sig_message = Signal(str, int)
    sig_error = Signal(str, str)

    def __init__(
        self,
        model: LeadTableModel,
        inputs: Callable[[], UploadInputs],
        parent: QWidget,
        guard: Guard | None = None,
    ) -> None:
        """Build the flow and its Upload bar.

        Args:
            model: The table's model (statuses land on it as rows are answered).
            inputs: Reads what the window shows (GUI thread only).
            parent: The window (message boxes open over it; workers are cancelled with it).
            guard: The checks before sending; None sends straight away (flow tests).
        """
        super().__init__(parent)
        self._parent = parent
        self.model = model
        self._inputs = inputs
        self.bar = UploadBar()
        self.worker: Worker | None = None
        self._ending: Worker | None = None  # a run whose answer is in, its thread still ending
        self.outcomes: dict[int, RowOutcome] = {}
        self.last_report: Any = None
        self.resumable: Any = None
        self._target: tuple[str, str] | None = None
        self._run_destination: Campaign | None = None
        self._run_names: dict[str, str] = {}
        self._run_sandbox = False
        self._run_started = 0.0
        self._relay = _Relay(self)
        self._relay.sig_outcomes.connect(self._on_outcomes)
        self._relay.sig_storage.connect(self.sig_storage)
        self._guard = guard
        #: The start waiting for the checks: (rows, retry); None when none waits.
        self._pending: tuple[Sequence[int] | None, bool] | None = None
        self.bar.sig_upload_clicked.connect(self.start)
        self.bar.sig_pause_toggled.connect(self.pause)
        self.bar.sig_cancel_clicked.connect(self.cancel)

    # ------------------------------------------------------------------ the sheet

    def forget(self) -> None:
        """A new sheet: outcomes and reports of the old one no longer apply."""
        self.outcomes = {}
        self._target = None
        self.last_report = None

    def running(self) -> bool:
        """True while an upload worker runs."""
        return self.worker is not None

    def checking(self) -> bool:
        """True while the checks before sending run (nothing is sent yet)."""
        return self._pending is not None

    # ------------------------------------------------------------------ the plan

    def valid_rows(self, inputs: UploadInputs | None = None) -> np.ndarray:
        """Frame rows that pass validation (the ones an upload sends)."""
        return valid_rows(inputs or self._inputs())

    def done_rows(self, inputs: UploadInputs | None = None) -> set[int]:
        """Rows the last runs already placed in the chosen destination (not to be sent again).

        Empty when updating: every row goes again, so the ones whose values changed are updated.
        """
        inputs = inputs or self._inputs()
        destination = inputs.destination
        if destination is None or self._target != (inputs.spec.id, destination.id) or inputs.update_existing:
            return set()
        landed = (Status.UPLOADED, Status.UPDATED, Status.DUPLICATE, Status.SKIPPED)
        return {row for row, outcome in self.outcomes.items() if outcome.status in landed}

    def plan(self) -> tuple[str, bool, str]:
        """The Upload button's words, whether it can start, and a hint line."""
        inputs = self._inputs()
        done = self.done_rows(inputs) if inputs.has_sheet else set()
        return upload_plan(inputs, done=done, resumable=self.resumable)

    def refresh_plan(self) -> bool:
        """Show the plan on the bar (not during a run); returns whether Upload is possible."""
        if self.running() or self.checking():
            return False
        text, enabled, hint = self.plan()
        self.bar.set_plan(text, enabled=enabled, hint=hint)
        return enabled

    # ------------------------------------------------------------------ resume

    def check_resumable(self) -> None:
        """Look up the journal's unfinished run of this file to this destination; emit it (or None)."""
        self.resumable = None
        inputs = self._inputs()
        destination = inputs.destination
        if inputs.path is None or not inputs.fingerprint or destination is None:
            self.sig_resumable.emit(None)
            return
        from gui.core.journal import Journal

        try:
            journal = Journal()
            try:
                record = journal.find_resumable(inputs.fingerprint, inputs.spec.id, destination.id)
            finally:
                journal.close()
        except LeadLoaderError as exc:
            log.warning("Journal not readable: %s", exc)
            record = None
        if record is not None and record.resumable:
            self.resumable = record
        self.sig_resumable.emit(self.resumable)

    def start_over(self) -> None:
        """Forget the interrupted run; rows it added are still skipped, never sent twice."""
        record = self.resumable
        if record is None:
            return
        from gui.core.journal import Journal

        try:
            journal = Journal()
            try:
                journal.abandon(record.id)
            finally:
                journal.close()
        except LeadLoaderError as exc:
            self.sig_error.emit("Cannot start over", str(exc))
            return
        self.resumable = None
        self.sig_resumable.emit(None)
        self.refresh_plan()

    # ------------------------------------------------------------------ the run

    def start(
        self,
        *,
        rows: Sequence[int] | None = None,
        retry: bool = False,
        safety: Safety | RoutedSafety | None = None,
    ) -> bool:
        """Build the job from what the window shows and run it; False when something is missing.

        With a guard and no ``safety`` yet, the checks before sending start instead and the run
        waits for :meth:`go_on`.

        Args:
            rows: Send exactly these frame rows (a retry); None sends every valid row not yet sent.
            retry: Keep the earlier outcomes (the run adds to them).
            safety: What the checks before sending found: its rows are held back, not sent.
        """
        import numpy as np

        inputs = self._inputs()
        if self.running() or self.checking() or not inputs.has_sheet or inputs.loading:
            return False
        if rows is None:
            text, enabled, _hint = self.plan()
            if not enabled:
                self.sig_message.emit(text, 6000)
                return False
        destination = inputs.destination
        if destination is None:
            return False
        try:
            factory = inputs.client_factory()
        except LeadLoaderError as exc:
            self.sig_error.emit("Cannot upload", str(exc))
            return False
        if self._guard is not None and safety is None:
            self._pending = (rows, retry)
            self.bar.start_run(len(inputs.frame) if rows is None else len(rows), "Checking before sending")
            self.bar.pause_button.setEnabled(False)  # nothing to pause: no request is sent yet
            self.bar.progress_label.setText(
                f"Checking the rows against the campaign's emails and the do-not-contact list "
                f"before anything is sent to {inputs.spec.label}…"
            )
            self.sig_checking.emit(True)
            self._guard(inputs, factory)
            return True
        done = self.done_rows(inputs) if not retry else set()
        if rows is None and done:
            # A second upload to the same campaign sends only what is left (fixed rows included).
            valid = self.valid_rows(inputs)
            rows = valid[~np.isin(valid, np.fromiter(done, dtype=np.int64, count=len(done)))]
            retry = True
        no_rows = np.empty(0, dtype=np.int64)
        validation = inputs.validation
        if rows is None:
            send_rows = self.valid_rows(inputs)
            skipped = (
                no_rows
                if validation is None
                else np.flatnonzero(np.asarray(validation.error_rows, dtype=bool))
            )
            total_rows = len(inputs.frame)
        else:
            send_rows = np.asarray(rows, dtype=np.int64)
            skipped = no_rows
            total_rows = len(send_rows)
        held, listed = held_back(safety, None if rows is None else send_rows)
        if held or listed:
            send_rows = send_rows[~np.isin(send_rows, np.fromiter(held.keys() | listed.keys(), np.int64))]
        routed: routed_upload.RoutedRows | None = None
        if inputs.routes is not None:
            # Each row to its value's campaign; a row no campaign takes is skipped with the reason.
            routed = routed_upload.split(inputs.frame, inputs.routes, send_rows)
            listed = {**listed, **routed.no_route}
            send_rows = routed.send_rows()
        job_fn = self._job(
            inputs,
            factory,
            send_rows,
            skipped,
            total_rows,
            resume=not retry,
            safety=(held, listed),
            routed=routed,
        )

        self._run_destination = destination
        self._run_names = {d: f"‘{c.name}’" for d, c in routed_upload.names_of(inputs.campaigns).items()}
        self._run_sandbox = inputs.sandbox
        self._run_started = time.monotonic()
        if not retry:
            self.outcomes = {}
        self._target = (inputs.spec.id, destination.id)
        self.sig_started.emit(send_rows)
        what = "Sending (sandbox)" if inputs.sandbox else "Sending"
        self.bar.start_run(total_rows, what)
        if safety is not None and safety.lines():
            self.bar.progress_label.setText(" ".join(safety.lines()))
        else:
            self.sig_message.emit(f"Uploading to ‘{destination.name}’…", 0)
        worker = start_worker(job_fn, parent=self._parent)
        worker.sig_progress.connect(self.bar.show_progress)
        worker.sig_succeeded.connect(self._on_succeeded)
        worker.sig_failed.connect(self._on_failed)
        worker.sig_finished.connect(lambda w=worker: self._on_finished(w))
        self.worker = worker
        return True

    def _job(
        self,
        inputs: UploadInputs,
        factory: Callable[[], ProviderClient],
        send_rows: np.ndarray,
        invalid_rows: np.ndarray,
        total_rows: int,
        *,
        resume: bool,
        safety: tuple[Mapping[int, str], Mapping[int, str]] = ({}, {}),
        routed: routed_upload.RoutedRows | None = None,
    ) -> Callable[[Any, Any], Any]:
        """The worker body: plain values only (the sheet cannot change: editing is off during a run)."""
        destination = inputs.destination
        assert destination is not None
        if routed is not None and inputs.routes is not None:
            destination = routed_upload.journal_campaign(inputs.routes, routed, inputs.campaigns)
        relay = self._relay
        return upload_job_fn(
            frame=inputs.frame,
            mapping=inputs.mapping,
            spec=inputs.spec,
            validation=inputs.validation,
            destination=destination,
            account=inputs.account,
            options=dict(inputs.options),
            fingerprint=inputs.fingerprint,
            file_name=inputs.path.name if inputs.path is not None else "",
            factory=factory,
            rows=(send_rows, invalid_rows, total_rows),
            resume=resume,
            held_back=safety,
            routes=routed.routes if routed is not None else {},
            update_existing=inputs.update_existing,
            on_outcomes=lambda outcomes: relay.sig_outcomes.emit(list(outcomes)),
            on_storage=relay.sig_storage.emit,
        )

    def go_on(self, safety: Safety) -> None:
        """The checks passed: start the waiting run, holding back the rows they found."""
        pending, self._pending = self._pending, None
        self.sig_checking.emit(False)
        if pending is not None:
            rows, retry = pending
            self.start(rows=rows, retry=retry, safety=safety)

    def not_started(self, reason: str) -> None:
        """The checks stopped the run (``reason`` empty: the user chose not to go on)."""
        self._pending = None
        self.bar.finish_run()
        self.sig_checking.emit(False)
        if reason:
            self.sig_error.emit("Upload not started", reason)
        self.sig_message.emit("Nothing was sent.", 6000)
        self.refresh_plan()

    def pause(self, paused: bool) -> None:
        """Hold new requests (True) or send again (False); nothing is lost either way."""
        worker = self.worker
        if worker is None:
            return
        if paused:
            worker.cancel.pause()
            self.sig_message.emit("Paused: no new requests are sent. Click Resume to go on.", 0)
        else:
            worker.cancel.resume()
            self.sig_message.emit("Sending again…", 3000)

    def cancel(self) -> None:
        """Ask the engine to stop; it lets requests in flight finish and keeps the run resumable."""
        if self.worker is not None:
            self.worker.cancel.cancel()
        elif self.checking():
            self.sig_cancel_checks.emit()

    def retry_failed(self) -> bool:
        """Send the failed rows again (uploaded rows are never sent twice)."""
        failed = sorted(r for r, o in self.outcomes.items() if o.status is Status.FAILED)
        if not failed:
            self.sig_message.emit("No failed rows to retry.", 4000)
            return False
        return self.start(rows=failed, retry=True)

    def stop(self, timeout_ms: int = 5000) -> None:
        """Stop the run (window closing, tests)."""
        self._pending = None  # a run waiting for its checks never starts now
        for worker in (self.worker, self._ending):
            if worker is not None:
                worker.stop(timeout_ms)
        self.worker = self._ending = None

    # ------------------------------------------------------------------ answers

    def _on_outcomes(self, outcomes: list[RowOutcome]) -> None:
        for outcome in outcomes:
            self.outcomes[outcome.row] = outcome
        self.model.update_outcomes(outcomes)

    def _on_succeeded(self, report: Any) -> None:
        self.last_report = report
        # Every outcome already arrived through sig_outcomes (queued before this signal).
        summary = report.summary
        if self.outcomes and len(self.outcomes) > len(report.outcomes):
            summary = self._merged_summary(summary)
        destination = self._run_destination.name if self._run_destination else ""
        lines = tuple(destination_lines(report.destinations, self._run_names)) if report.destinations else ()
        self.sig_succeeded.emit(
            RunEnded(report, summary, destination, self._run_sandbox, per_destination=lines)
        )
        # Ended while the journal could not be written: the banner keeps what to do next.
        self.sig_storage.emit(report.storage or "")
        if report.fatal:
            self.sig_error.emit("Upload stopped", report.fatal)
        self._end()
        self.sig_run_finished.emit(report)

    def _merged_summary(self, summary: RunSummary) -> RunSummary:
        """A retry's summary is of the retried rows; the panel shows the whole sheet again."""
        counts = {s.value: 0 for s in Status}
        for outcome in self.outcomes.values():
            counts[outcome.status.value] += 1
        total = len(self.model.frame)
        counted = sum(counts.values())
        return RunSummary(
            total=total,
            uploaded=counts["uploaded"],
            updated=counts["updated"],
            duplicate=counts["duplicate"],
            skipped=counts["skipped"],
            invalid=counts["invalid"],
            failed=counts["failed"],
            pending=counts["pending"] + max(0, total - counted),
            seconds=summary.seconds,
            note=summary.note,
        )

    def _on_failed(self, exc: object) -> None:
        from gui.core.journal import JournalError

        message = str(exc) if isinstance(exc, LeadLoaderError) else f"Unexpected error: {exc!r}"
        log.error("Upload failed: %s", message)
        if isinstance(exc, JournalError):
            # Opening or first writing the journal failed: the engine sends nothing without it.
            self.sig_error.emit("Upload not started", f"{message}\n\n{journal_fix(exc)}")
        else:
            self.sig_error.emit(
                "Upload failed", f"{message}\n\nRows already sent are kept; Upload again resumes."
            )
        self._end()
        self.sig_run_finished.emit(None)

    def _end(self) -> None:
        """The run is over once its answer is in, before anyone hears "finished".

        So whoever reacts to :attr:`sig_run_finished` (a retry, a new upload) finds no run going;
        the worker's thread ends a moment later, and :meth:`stop` still waits for it.
        """
        worker, self.worker = self.worker, None
        if worker is None:
            return
        self._ending = worker
        self.bar.finish_run()
        self.sig_finished.emit()

    def _on_finished(self, worker: Worker) -> None:
        if self._ending is worker:
            self._ending = None
        elif self.worker is worker:  # ended with no answer (it always gives one, but never hang)
            self._end()
            self._ending = None
