"""Flow: looking back at past uploads, and taking one back (Upload > Upload history).

The journal is the record; this flow reads it, shows it newest first, and can remove exactly
the leads one run created (:func:`gui.core.undo.remove_run`, in the worker, with Pause and
Cancel). Leads that were already in the campaign are never in that list, so they are never
touched. For providers with no delete route (SendPilot, Aktify) it says so plainly and offers
the run's created leads as a CSV, for removing them by hand in the provider's web app.

Every question to the user goes through :meth:`RunHistory.confirm`, :meth:`RunHistory.offer`,
:meth:`RunHistory.inform` and :meth:`RunHistory.ask_save_path`, so tests (and scripts) can
answer them without a modal box.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from gui.core.errors import CredentialError, LeadLoaderError
from gui.qt.dialogs.removal_progress import RemovalProgressDialog
from gui.qt.dialogs.run_history import HistoryDialog
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    from gui.core.credentials import CredentialStore
    from gui.core.journal import RunRecord
    from gui.core.providers.base import ProviderClient
    from gui.core.undo import UndoReport

log = logging.getLogger(__name__)

ClientFactory = Callable[[], "ProviderClient"]

#: The status word each removal outcome paints in the table's Status column.
REMOVAL_WORDS: Mapping[str, str] = {
    "removed": "Removed",
    "already_gone": "Already gone",
    "failed": "Removal failed",
}

#: Who holds the run's lock meanwhile, as another window or terminal reads it.
FRONT_END = "the LeadLoader window (removing an upload's leads)"


def destination_words(record: RunRecord) -> str:
    """The destination as the confirmation names it: campaign ‘Q4 outreach’, list ‘Trade show’."""
    kind = "list" if record.destination.startswith("list:") else "campaign"
    return f"{kind} ‘{record.destination_name or record.destination}’"


def removal_note(removals: Mapping[int, tuple[str, str]], created: int) -> str:
    """The history's note for a run someone started taking back ("12 of 18 removed")."""
    if not removals:
        return ""
    gone = sum(1 for outcome, _ in removals.values() if outcome in ("removed", "already_gone"))
    return f"all {gone:,} removed" if gone >= created else f"{gone:,} of {created:,} removed"


def summary_text(report: UndoReport, record: RunRecord, label: str) -> tuple[str, str]:
    """The title and words of the summary at the end: removed / already gone / failed / left."""
    where = destination_words(record)
    lines = [
        f"Removed: {report.removed:,}",
        f"Already gone: {report.already_gone:,}",
        f"Failed: {report.failed:,}",
    ]
    if report.pending:
        lines.append(f"Not tried yet: {report.pending:,}")
    counts = "\n".join(lines)
    if report.fatal:
        return (
            f"{label} refused the key",
            f"{label} refused the request: {report.fatal}\n\nNothing more was sent. {counts}\n\n"
            "Check the account's key in Manage accounts, then remove this upload's leads again: "
            "it goes on with the rest.",
        )
    if report.cancelled:
        return (
            "Removal stopped",
            f"Stopped before the end, from {where}.\n\n{counts}\n\n"
            "Remove this upload's leads again to finish: leads already removed are not asked for twice.",
        )
    if report.failed:
        return (
            "Some leads were not removed",
            f"From {where}:\n\n{counts}\n\nRemove this upload's leads again to retry the failed ones.",
        )
    return "Upload taken back", f"Every lead this upload created is gone from {where}.\n\n{counts}"


class _Relay(QObject):
    """Lives in the GUI thread: ``remove_run``'s ``on_removed`` (worker thread) emits here, queued."""

    sig_rows = Signal(str, object)


class RunHistory(QObject):
    """Owns the Upload history action, its dialog, and taking one run's leads back.

    Args:
        parent: The window (dialogs open over it).
        store: Where the accounts' keys are; a run is removed with the key of the account
            it was sent with (:meth:`set_accounts` can give it later).

    Attributes:
        backoff_base: First wait after a 5xx during a removal (tests make it tiny).
        worker: The removal running now, or None.
        last_report: How the last removal ended (None before one ended).

    Signals:
        sig_rows_removed: ``(fingerprint, {status word: [frame rows]})`` as answers land, so the
            window can paint them in the table when that sheet is the one loaded.
        sig_removal_finished: The :class:`UndoReport` at the end (None when it failed to run).
    """

    sig_rows_removed = Signal(str, object)
    sig_removal_finished = Signal(object)

    def __init__(self, parent: QWidget, store: CredentialStore | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._store = store
        self._dialog: HistoryDialog | None = None
        self._progress: RemovalProgressDialog | None = None
        self._running: tuple[RunRecord, dict[int, str]] | None = None
        self.backoff_base = 1.0
        self.worker: Worker | None = None
        self.last_report: UndoReport | None = None
        self._outcome: UndoReport | BaseException | None = None
        self._relay = _Relay(self)
        self._relay.sig_rows.connect(self._on_rows)
        self.action_history = QAction("Upload &history…", parent)
        self.action_history.setShortcut(QKeySequence("Ctrl+H"))
        self.action_history.triggered.connect(self.show_history)

    def set_accounts(self, store: CredentialStore) -> None:
        """The keys to remove leads with (the window's store)."""
        self._store = store

    # -- the list ----------------------------------------------------------------------------

    def _read(self) -> tuple[list[RunRecord], dict[int, str]]:
        from gui.core.journal import Journal

        journal = Journal()
        try:
            records = journal.history()
            notes = {}
            for record in records:
                removals = journal.removals(record.id)
                if removals:
                    notes[record.id] = removal_note(removals, len(journal.created(record.id)))
        finally:
            journal.close()
        return records, notes

    def build_dialog(self) -> HistoryDialog:
        """The history dialog over the window, wired to the removal (not shown yet)."""
        records, notes = self._read()
        dialog = HistoryDialog(records, self._parent, notes)
        dialog.sig_remove_requested.connect(self.remove_leads)
        dialog.set_busy(self.busy)
        self._dialog = dialog
        return dialog

    def show_history(self) -> None:
        """Past uploads from the journal, in a modal dialog."""
        try:
            dialog = self.build_dialog()
        except LeadLoaderError as exc:
            self.inform("Upload history", str(exc), warning=True)
            return
        dialog.exec()
        if self.busy:
            return  # the progress dialog lives over it; the end of the removal lets it go
        if self._dialog is dialog:
            self._dialog = None
        dialog.deleteLater()

    def _refresh_dialog(self) -> None:
        if self._dialog is None:
            return
        try:
            records, notes = self._read()
        except LeadLoaderError as exc:
            log.warning("History not refreshed: %s", exc)
            return
        self._dialog.set_records(records, notes)
        self._dialog.set_busy(self.busy)

    # -- questions (overridable) ---------------------------------------------------------------

    def _owner(self) -> QWidget:
        return self._progress or self._dialog or self._parent

    def confirm(self, title: str, text: str) -> bool:
        """Ask Yes/No (No is the default: removing leads is not something to do by Enter)."""
        answer = QMessageBox.question(
            self._owner(),
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def offer(self, title: str, text: str, action: str) -> bool:
        """Say ``text`` with a button ``action`` beside Close; True when the user clicked it."""
        box = QMessageBox(
            QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Close, self._owner()
        )
        button = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.setAccessibleName(title)
        box.exec()
        return box.clickedButton() is button

    def inform(self, title: str, text: str, *, warning: bool = False) -> None:
        """Say something with one OK button."""
        icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._owner())
        box.setAccessibleName(title)
        box.exec()

    def ask_save_path(self, title: str, suggested: str) -> Path | None:
        """Where to save a CSV; None when the user cancelled."""
        name, _ = QFileDialog.getSaveFileName(self._owner(), title, suggested, "CSV (*.csv)")
        return Path(name) if name else None

    # -- taking a run back ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A removal is running."""
        return self.worker is not None

    def client_factory_for(self, record: RunRecord) -> ClientFactory:
        """A client for the account the run was sent with (its key read when the worker calls it).

        Raises:
            CredentialError: That account is no longer in Manage accounts.
        """
        from gui.core.demo_account import SANDBOX_LABEL
        from gui.core.providers import get_spec, make_client

        provider = record.provider
        if record.account == SANDBOX_LABEL:

            def build_demo() -> ProviderClient:
                from gui.demo import demo_client  # in the worker: the sandbox is not worth loading before

                return demo_client(provider)

            return build_demo
        store = self._store
        accounts = store.list(provider) if store is not None else []
        account = next((a for a in accounts if a.label == record.account), None)
        if store is None or account is None:
            raise CredentialError(
                f"The {get_spec(provider).label} account “{record.account}” this upload was sent with is "
                "not in Manage accounts any more. Add its key again (same name) to remove these leads."
            )

        def build() -> ProviderClient:
            return make_client(provider, store.get_key(account))

        return build

    def remove_leads(self, run_id: int) -> bool:
        """Take back run ``run_id``: check, confirm, then remove in the worker; True when it started.

        Refuses, saying why and sending nothing: a removal already running, a run still being
        sent (its lock is held), a run that created nothing. For a provider without a delete
        route it offers the created leads as a CSV instead.
        """
        from gui.core.journal import Journal
        from gui.core.providers import get_spec
        from gui.core.run_lock import RunLocked, hold_run
        from gui.core.undo_files import created_by_run

        if self.busy:
            self.inform("Remove this upload's leads", "A removal is already running.", warning=True)
            return False
        title = "Remove this upload's leads"
        try:
            journal = Journal()
            try:
                record = journal.run(run_id)
                created = journal.created(run_id)
                removals = journal.removals(run_id)
                rows = journal.run_rows(run_id) if record is not None else None
            finally:
                journal.close()
        except LeadLoaderError as exc:
            self.inform(title, str(exc), warning=True)
            return False
        if record is None or rows is None:
            self.inform(title, f"Run {run_id} is no longer in the journal.", warning=True)
            return False
        spec = get_spec(record.provider)
        where = destination_words(record)
        try:
            with hold_run(record.fingerprint, record.provider, record.destination, front_end=FRONT_END):
                pass
        except RunLocked as exc:
            self.inform(
                title,
                f"This upload to {where} is still being sent ({exc}). Wait for it to end, or cancel it, "
                "then remove its leads.",
                warning=True,
            )
            return False
        if spec.remove_batch_size <= 0:
            return self._offer_export(record, created_by_run(rows))
        if not created:
            self.inform(
                title,
                f"This upload created no leads in {where}: there is nothing to remove. "
                "Leads that were already there are never touched.",
            )
            return False
        done = sum(1 for row in created if removals.get(row, ("",))[0] in ("removed", "already_gone"))
        n = len(created)
        if done == n:
            self.inform(title, f"The {n:,} leads this upload created are already removed from {where}.")
            return False
        text = (
            f"Remove the {n:,} lead{'s' if n != 1 else ''} this upload created from {where}? "
            "Leads that were already there are not touched."
        )
        if done:
            text += (
                f"\n\n{done:,} were removed by an earlier attempt; the other {n - done:,} are removed now."
            )
        if record.resumable:
            text += "\n\nThis upload stopped before its end; after this it is no longer offered for resuming."
        if not self.confirm(title, text):
            return False
        try:
            factory = self.client_factory_for(record)
        except LeadLoaderError as exc:
            self.inform(title, str(exc), warning=True)
            return False
        self._start(record, created, factory)
        return True

    def _start(self, record: RunRecord, created: dict[int, str], factory: ClientFactory) -> None:
        from gui.core.journal import Journal
        from gui.core.undo import remove_run

        relay, fingerprint, backoff = self._relay, record.fingerprint, self.backoff_base

        def on_removed(landed: Mapping[int, tuple[str, str]]) -> None:
            words: dict[str, list[int]] = {}
            for row, (outcome, _reason) in landed.items():
                words.setdefault(REMOVAL_WORDS.get(outcome, outcome), []).append(row)
            relay.sig_rows.emit(fingerprint, words)

        def job(progress: Any, cancel: Any) -> UndoReport:
            journal = Journal()
            try:
                return remove_run(
                    record.id,
                    factory,
                    journal=journal,
                    progress=progress,
                    cancel=cancel,
                    on_removed=on_removed,
                    front_end=FRONT_END,
                    backoff_base=backoff,
                )
            finally:
                journal.close()

        self._running = (record, created)
        progress = self._progress = RemovalProgressDialog(
            len(created), record.destination_name or record.destination, self._dialog or self._parent
        )
        worker = self.worker = start_worker(job, parent=self)
        progress.sig_pause_toggled.connect(lambda paused: self._on_pause(worker, paused))
        progress.sig_cancel_clicked.connect(worker.cancel.cancel)
        worker.sig_progress.connect(progress.show_progress)
        worker.sig_succeeded.connect(self._on_done)
        worker.sig_failed.connect(self._on_failed)
        worker.sig_finished.connect(lambda: self._on_finished(worker))
        if self._dialog is not None:
            self._dialog.set_busy(True)
        progress.show()

    @staticmethod
    def _on_pause(worker: Worker, paused: bool) -> None:
        if paused:
            worker.cancel.pause()
        else:
            worker.cancel.resume()

    def pause(self, paused: bool = True) -> None:
        """Press Pause (or Resume) on the progress dialog."""
        if self._progress is not None:
            self._progress.pause_button.setChecked(paused)

    def cancel(self) -> None:
        """Press Cancel on the progress dialog: it stops after the request in flight, resumable."""
        if self._progress is not None:
            self._progress.request_cancel()

    def _on_rows(self, fingerprint: str, words: object) -> None:
        self.sig_rows_removed.emit(fingerprint, words)

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.finish()
            self._progress.deleteLater()
            self._progress = None

    def _on_done(self, report: UndoReport) -> None:
        self.last_report = self._outcome = report

    def _on_failed(self, exc: object) -> None:
        self._outcome = exc

    def _on_finished(self, worker: Worker) -> None:
        """The worker has ended: close the progress, refresh the list, then say how it went."""
        from gui.core.providers import get_spec

        if self.worker is not worker:
            return
        self.worker = None
        running, self._running = self._running, None
        outcome, self._outcome = self._outcome, None
        self._close_progress()
        self._refresh_dialog()
        if self._dialog is not None and not self._dialog.isVisible():
            self._dialog.deleteLater()  # closed while the removal ran (show_history kept it)
            self._dialog = None
        if running is None:
            return
        record, created = running
        if isinstance(outcome, BaseException) or outcome is None:
            exc = outcome
            message = str(exc) if isinstance(exc, LeadLoaderError) else f"Unexpected error: {exc!r}"
            log.warning("Removal did not run: %s", message)
            self.inform(
                "Leads not removed", f"{message}\n\nWhat was already removed stays recorded.", warning=True
            )
            self.sig_removal_finished.emit(None)
            return
        title, text = summary_text(outcome, record, get_spec(record.provider).label)
        if self.offer(title, text, "Save report…"):
            self._save_report(outcome, record, created)
        self.sig_removal_finished.emit(outcome)

    def _save_report(self, report: UndoReport, record: RunRecord, created: Mapping[int, str]) -> None:
        stem = Path(record.file_name).stem or "upload"
        path = self.ask_save_path("Save the removal report", f"{stem}-removal-report.csv")
        if path is None:
            return
        from gui.core.undo_files import write_removal_report

        try:
            write_removal_report(path, report, created)
        except OSError as exc:
            self.inform("Report not saved", f"{path} could not be written: {exc}", warning=True)

    def shutdown(self, timeout_ms: int = 3000) -> None:
        """Stop a running removal (the window closes); every answer so far is journaled."""
        if self.worker is not None:
            self.worker.stop(timeout_ms)
            self.worker = None
        self._close_progress()

    # -- providers without delete --------------------------------------------------------------

    def _offer_export(self, record: RunRecord, keys: Mapping[int, tuple[str, str]]) -> bool:
        from gui.core.providers import get_spec
        from gui.core.undo_files import write_created_leads

        label = get_spec(record.provider).label
        title = "Remove this upload's leads"
        if not keys:
            self.inform(
                title,
                f"{label} offers no way to delete leads through its API, and this upload created no leads "
                "there anyway: there is nothing to remove.",
            )
            return False
        n = len(keys)
        text = (
            f"{label} offers no way to delete leads through its API, so LeadLoader cannot remove them.\n\n"
            f"Save the {n:,} lead{'s' if n != 1 else ''} this upload created to a CSV file, "
            f"to find and remove them in {label}'s own web app?"
        )
        if not self.offer(title, text, "Save as CSV…"):
            return False
        stem = Path(record.file_name).stem or "upload"
        path = self.ask_save_path(
            f"Save the leads this upload created in {label}", f"{stem}-created-leads.csv"
        )
        if path is None:
            return False
        try:
            written = write_created_leads(path, keys)
        except OSError as exc:
            self.inform("Not saved", f"{path} could not be written: {exc}", warning=True)
            return False
        self.inform("Saved", f"Saved {written:,} leads to {path}. Remove them in {label}'s web app.")
        return True
