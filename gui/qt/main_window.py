"""Qt layer: the main window: open a sheet, see and fix it, map it, pick a campaign, upload, see results.

Wiring only: every rule lives in :mod:`gui.core`; long work (loading, big validations, the
upload) runs through :func:`gui.qt.workers.start_worker`, so the GUI thread never waits on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QGroupBox,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QStyle,
    QWidget,
)

from gui.core.credentials import CredentialStore
from gui.core.domain import RowOutcome
from gui.core.errors import LeadLoaderError
from gui.core.settings import Settings, save_settings
from gui.qt import ui_state
from gui.qt.dialogs.source_dialog import SourceChoice
from gui.qt.flows.check_and_fix import CheckAndFix
from gui.qt.flows.choose_destination import DestinationPanel
from gui.qt.flows.map_columns import MapColumnsFlow
from gui.qt.flows.open_sheet import OpenSheet, dropped_path, loaded_message
from gui.qt.flows.preview_emails import PreviewEmailsFlow
from gui.qt.flows.resume_run import ResumeRun
from gui.qt.flows.review_results import ReviewResults
from gui.qt.flows.route_rows import RouteRowsFlow
from gui.qt.flows.run_history import RunHistory
from gui.qt.flows.run_upload import RunEnded, RunUpload, UploadInputs
from gui.qt.flows.send_safely import SafetyInputs, SendSafely
from gui.qt.flows.view_table import QUEUED, ViewTable
from gui.qt.menus import build_menu_bar
from gui.qt.routed_upload import row_campaign, rows_by_campaign, run_campaign
from gui.qt.style import std_icon
from gui.qt.table_model import STATUS_WORDS, LeadTableModel
from gui.qt.widgets.banners import SandboxBanner, StorageBanner
from gui.qt.window_layout import lay_out
from gui.qt.workers import Worker, start_worker, tune_gil_for_gui

if TYPE_CHECKING:
    import numpy as np

    from gui.core.providers.base import ProviderClient

log = logging.getLogger(__name__)

#: What :meth:`MainWindow.finish_start` imports after the window is shown: every module a sheet
#: needs from loading to validation, heaviest first (pandas, pyarrow).
DATA_STACK = (
    "pandas",
    "gui.core.sheets.load",
    "gui.core.mapping.suggest",
    "gui.core.validation.checker",
    "gui.core.fixes",
    "gui.core.presets",
    "gui.core.journal",
)


class MainWindow(QMainWindow):
    """LeadLoader's one window.

    Signals (for tests and scripting; the UI itself reacts directly):
        sig_loaded: A sheet finished loading (the Sheet).
        sig_load_failed: Loading failed (the message).
        sig_validated: A validation result was applied (the Validation).
        sig_run_finished: An upload ended (the RunReport), also after cancel.
    """

    sig_loaded = Signal(object)
    sig_load_failed = Signal(str)
    sig_validated = Signal(object)
    sig_run_finished = Signal(object)

    # The window's own actions, made with its menu bar (gui.qt.menus).
    action_export: QAction
    action_quit: QAction
    action_undo: QAction
    action_redo: QAction
    action_dest_tab: QAction
    action_map_tab: QAction
    action_upload: QAction
    action_accounts: QAction
    action_dnc: QAction
    menu_tools: QMenu
    # Its frames, made by gui.qt.window_layout.
    emails_box: QGroupBox
    destination_box: QGroupBox
    mapping_box: QGroupBox
    left_split: QSplitter
    side_split: QSplitter
    main_split: QSplitter
    side_scroll: QScrollArea

    def __init__(
        self,
        settings: Settings,
        store: CredentialStore | None = None,
        parent: QWidget | None = None,
        *,
        defer_data: bool = False,
    ) -> None:
        """Build the window.

        Args:
            settings: The app's settings (saved as the user changes things).
            store: Where the API keys are; a default store on ``settings`` when None.
            parent: Qt parent (None for the app's window).
            defer_data: Build without the data stack (pandas, the mapping rules) and without
                asking the keyring: the accounts and the mapping panel stay empty until
                :meth:`finish_start` has loaded them in workers. The app starts this way so the
                window shows within DESIGN §5's 1.5 s.
        """
        super().__init__(parent)
        self._defer_data = defer_data
        self._data_worker: Worker | None = None
        tune_gil_for_gui()
        self.settings = settings
        self.store = store or CredentialStore(settings=settings)
        self.setWindowTitle("LeadLoader")
        self.setAcceptDrops(True)
        self.setAccessibleName("LeadLoader")

        self._sheet_generation = 0

        self.model = LeadTableModel(self)
        from PySide6.QtGui import QUndoStack

        self.undo_stack = QUndoStack(self)
        self.model.undo_stack = self.undo_stack
        self.model.set_note_icon(std_icon(self, QStyle.StandardPixmap.SP_MessageBoxWarning))
        self.check = CheckAndFix(
            self.model, self.undo_stack, self._check_inputs, lambda: self.settings.phone_region or "US", self
        )
        self.preview = PreviewEmailsFlow()
        self.safety = SendSafely(self)
        self.run = RunUpload(self.model, self._upload_inputs, self, guard=self._check_before_sending)
        self._preview_row = 0  # the table's selected frame row, whose emails the preview shows
        self._routed_rows: dict[str, list[int]] | None = None  # campaign -> rows, while routed
        self._until_quit: list[Worker] = []

        self._build_ui()
        build_menu_bar(self)
        self._connect()
        ui_state.restore_window(self, self._splitters())
        self._refresh_everything()

    # ------------------------------------------------------------------ UI

    def _build_ui(self) -> None:
        """Build the flows the window holds, then lay them out (:func:`gui.qt.window_layout.lay_out`)."""
        # Across the top: the sandbox notice, the resume offer, a disk problem that pauses the run.
        self.sandbox_banner = SandboxBanner()
        self.resume = ResumeRun(lambda: self.opener.sheet is not None or self.opener.loading())
        # The banner's parts, by the names the window's tests and scripts have always used.
        self.resume_banner = self.resume
        self.resume_label = self.resume.label
        self.resume_button = self.resume.resume_button
        self.start_over_button = self.resume.start_over_button
        self.storage_banner = StorageBanner()
        self.storage_label = self.storage_banner.label

        self.opener = OpenSheet(self.settings)
        self.view = ViewTable(self.model)
        self.results_panel = ReviewResults()
        self.results_panel.hide()
        self.history = RunHistory(self)
        self.destination_panel = DestinationPanel(self.store, self.settings, defer=self._defer_data)
        self.routing = RouteRowsFlow()
        self.mapping_panel = MapColumnsFlow(populate=not self._defer_data)
        if not self._defer_data:
            self.mapping_panel.set_spec(self.destination_panel.spec())
        self.upload_bar = self.run.bar
        lay_out(self)

    def _splitters(self) -> dict[str, QSplitter]:
        return {"main": self.main_split, "left": self.left_split, "side": self.side_split}

    def open_do_not_contact(self) -> None:
        """Tools > Do-not-contact list…: the list every upload is checked against; a change re-checks."""
        from gui.qt.dialogs.do_not_contact import show_do_not_contact

        panel, region = self.destination_panel, self.settings.phone_region or "US"
        show_do_not_contact(self, panel.spec(), panel.client_factory, region, self.check.schedule)

    def _on_rows_removed(self, fingerprint: str, words: dict[str, list[int]]) -> None:
        """Taking a run back paints each row's result in the Status column when its sheet is open."""
        if fingerprint and fingerprint == self.opener.fingerprint:
            if not self.model.status_shown:
                self.model.set_outcomes({})
            for word, rows in words.items():
                self.model.mark_rows(rows, word)

    def _connect(self) -> None:
        self.history.set_accounts(self.store)
        self.history.sig_rows_removed.connect(self._on_rows_removed)
        self.opener.sig_opened.connect(self.set_sheet)
        self.opener.sig_load_failed.connect(self.sig_load_failed)
        self.opener.sig_message.connect(self._show_message)
        self.opener.sig_error.connect(self._show_error)
        self.view.sig_row_selected.connect(self.mapping_panel.set_selected_row)
        self.view.sig_row_selected.connect(self.preview.set_row)
        self.view.sig_row_selected.connect(self._on_row_selected)
        self.check.sig_validated.connect(lambda _v: self._feed_preview())
        self.preview.sig_checked.connect(lambda _c: self._refresh_upload_plan())
        self.preview.sig_allow_empty_changed.connect(lambda _on: self._refresh_upload_plan())
        self.safety.sig_passed.connect(self.run.go_on)
        self.safety.sig_stopped.connect(self.run.not_started)
        self.safety.sig_message.connect(self._show_message)
        self.run.sig_checking.connect(lambda checking: self._set_editing_enabled(not checking))
        self.run.sig_storage.connect(self._show_storage)
        self.run.sig_cancel_checks.connect(self._cancel_checks)
        self.view.sig_fix_requested.connect(self.check.fix_column)
        self.check.sig_message.connect(self._show_message)
        self.check.sig_columns_changed.connect(self._on_columns_changed)
        self.check.sig_checked.connect(lambda _v: self.view.on_validated())
        self.check.sig_checked.connect(lambda _v: self._refresh_upload_plan())
        self.check.sig_validated.connect(self.mapping_panel.set_validation)
        self.check.sig_validated.connect(self.sig_validated)
        self.view.sig_message.connect(self._show_message)

        self.mapping_panel.sig_mapping_changed.connect(lambda _m: self._on_mapping_changed())
        self.destination_panel.sig_provider_changed.connect(self._on_provider_changed)
        self.destination_panel.sig_destination_changed.connect(lambda _d: self._on_destination_changed())
        self.destination_panel.account_combo.currentIndexChanged.connect(lambda _i: self._refresh_banners())
        self.destination_panel.sig_campaigns_loaded.connect(lambda _ok: self._feed_routing())
        self.destination_panel.sig_update_existing_changed.connect(lambda _on: self._refresh_upload_plan())
        self.routing.sig_routes_changed.connect(self._on_routes_changed)
        self.check.sig_validated.connect(
            lambda _v: self.routing.refresh_values() if self.routing.is_on() else None
        )

        self.run.sig_started.connect(self._on_run_started)
        self.run.sig_succeeded.connect(self._on_run_succeeded)
        self.run.sig_run_finished.connect(self.sig_run_finished)
        self.run.sig_finished.connect(self._on_run_finished)
        self.run.sig_resumable.connect(self._show_resumable)
        self.run.sig_message.connect(self._show_message)
        self.run.sig_error.connect(self._show_error)
        self.results_panel.sig_export_requested.connect(
            lambda failed: self.export_results(only_failed=failed)
        )
        self.results_panel.sig_retry_requested.connect(self.retry_failed)
        self.results_panel.sig_history_requested.connect(self.history.show_history)
        self.results_panel.sig_message.connect(self.statusBar().showMessage)
        self.results_panel.sig_error.connect(self._show_error)
        self.resume.sig_open_file.connect(self.open_file)
        self.resume.sig_resume.connect(self.start_upload)
        self.resume.sig_start_over.connect(self.run.start_over)

    # ------------------------------------------------------------------ opening files

    def finish_start(self, on_ready: Callable[[], None] | None = None) -> None:
        """The start-up work a window built with ``defer_data`` left for after its first paint.

        In the background: the keyring's backend is found, then the accounts are read and the
        campaigns listed; then pandas, the sheet readers and the mapping rules are imported and the
        mapping panel shows the provider's fields. The window stays responsive throughout.
        ``on_ready`` runs on the GUI thread at the end (also when an import failed: the error then
        surfaces where the module is used, with its own message).
        """

        def find_keyring(_progress: Any, _cancel: Any) -> None:
            self.store.available()  # keyring caches the backend it finds; the panel then reads fast

        def import_data_stack(_progress: Any, _cancel: Any) -> None:
            import importlib

            for name in DATA_STACK:
                importlib.import_module(name)

        def accounts_found() -> None:
            if self._data_worker is not keyring_worker:  # shut down meanwhile
                return
            self.destination_panel.start()
            self._refresh_everything()
            self._data_worker = worker = start_worker(import_data_stack, parent=self)
            worker.sig_failed.connect(lambda exc: log.warning("Loading the data stack failed: %r", exc))
            worker.sig_finished.connect(lambda: data_loaded(worker))

        def data_loaded(worker: Worker) -> None:
            if self._data_worker is not worker:
                return
            self._data_worker = None
            if self._defer_data:
                self._defer_data = False
                self.mapping_panel.set_spec(self.destination_panel.spec())
                self._read_emails()
                self._refresh_everything()
            if on_ready is not None:  # a later event-loop turn: no single long step on the GUI thread
                QTimer.singleShot(0, self, on_ready)

        self._data_worker = keyring_worker = start_worker(find_keyring, parent=self)
        keyring_worker.sig_failed.connect(lambda exc: log.warning("Finding the keyring failed: %r", exc))
        keyring_worker.sig_finished.connect(accounts_found)

    def start_demo(self) -> None:
        """First run with no account: the sample sheet and a sandbox campaign, ready to upload."""
        self.opener.open_sample()
        self.destination_panel.pick_a_sandbox_campaign()

    def open_file(self, path: Path, choice: SourceChoice | None = None) -> None:
        """Load ``path`` in the background (app.py and the resume offer open files this way)."""
        self.opener.open_file(path, choice)

    def set_sheet(self, path: Path, sheet: Any, fingerprint: str) -> None:
        """A sheet is open: table, mapping, validation, resume offer start over from it."""
        self.run.forget()
        self.check.forget()
        self.check.set_active(not self.run_in_progress())
        self.undo_stack.clear()
        self.results_panel.set_source(path)
        notes = tuple(getattr(sheet, "notes", ()) or ())
        header_row = getattr(sheet, "header_row", 0) or 0
        self.model.set_frame(sheet.frame, notes, row_number_base=header_row + 2)
        self.view.show_sheet()
        self.setWindowTitle(f"{path.name} — LeadLoader")
        # The rest in later turns of the event loop: the table paints first, and no single step
        # holds the GUI thread long (the heartbeat test allows 100 ms).
        self._sheet_generation += 1
        generation = self._sheet_generation
        QTimer.singleShot(0, self, lambda: self._set_sheet_mapping(generation, sheet, notes))

    def _set_sheet_mapping(self, generation: int, sheet: Any, notes: tuple[Any, ...]) -> None:
        if generation != self._sheet_generation:
            return
        self.mapping_panel.set_frame(sheet.frame, notes)
        self.routing.set_frame(sheet.frame)
        self._push_destination_to_mapping()
        self._feed_preview()
        self.preview.set_row(0)  # the first prospect's emails until the user picks another row
        QTimer.singleShot(0, self, lambda: self._set_sheet_done(generation, sheet))

    def _set_sheet_done(self, generation: int, sheet: Any) -> None:
        if generation != self._sheet_generation or self.opener.path is None:
            return
        self.settings.add_recent_file(self.opener.path)
        self._save_settings()
        self.statusBar().showMessage(loaded_message(sheet), 8000)
        self.check.schedule(immediately=True)
        self._check_resumable()
        self._refresh_everything()
        self.sig_loaded.emit(sheet)

    # ------------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept one supported file."""
        if dropped_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: Any) -> None:
        """Keep accepting while the file is over the window."""
        if dropped_path(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open the dropped file."""
        path = dropped_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.open_file(path)

    # ------------------------------------------------------------------ table: sort, filter, fixes

    def _on_columns_changed(self) -> None:
        """A fix added or removed columns: the mapping panel must offer them (keeping its choices)."""
        self.mapping_panel.refresh_frame(self.model.column_names)
        self.view.fit_columns()

    # ------------------------------------------------------------------ mapping and validation

    def _on_provider_changed(self, _provider: str) -> None:
        self.mapping_panel.set_spec(self.destination_panel.spec())
        self._push_destination_to_mapping()
        self._on_destination_changed()

    def _on_destination_changed(self) -> None:
        self._read_emails()
        self._push_destination_to_mapping()
        self.check.schedule()
        self._check_resumable()
        self._refresh_everything()

    def _push_destination_to_mapping(self) -> None:
        destination = self.destination_panel.destination()
        self.mapping_panel.set_destination(
            destination.id if destination else "", self.destination_panel.options()
        )

    def _on_mapping_changed(self) -> None:
        self._feed_preview()
        self.check.schedule()
        self._refresh_upload_plan()

    def _destination_kind(self) -> str:
        destination = self.destination_panel.destination()
        return destination.kind if destination is not None else "campaign"

    # ------------------------------------------------------------------ emails, checks before sending

    def _read_emails(self) -> None:
        """Show the campaign the preview follows: step 1's, or the selected row's when routed."""
        if self._defer_data:
            return  # the core's merge-tag code loads with the data stack (finish_start)
        panel = self.destination_panel
        self.preview.follow(panel.spec(), panel.account_label(), self._preview_target(), panel.client_factory)

    def _preview_target(self) -> tuple[str, Sequence[int] | None, str] | None:
        """The campaign the preview shows, the rows its check covers (None: all) and a note.

        None when no campaign is chosen. A routed row with no campaign gives "" and why.
        """
        routes = self.routing.route_table() if self.opener.sheet is not None else None
        if routes is None:
            destination = self.destination_panel.destination()
            return (destination.id, None, "") if destination is not None else None
        frame = self.model.frame
        if self._routed_rows is None:
            if routes.column not in frame.columns:
                return None
            self._routed_rows = rows_by_campaign(frame, routes)
        return row_campaign(
            frame, routes, self._preview_row, self.destination_panel.campaigns(), self._routed_rows
        )

    def _on_row_selected(self, row: int) -> None:
        self._preview_row = row
        if self.routing.is_on():
            self._read_emails()  # the selected row may go to another campaign

    def _feed_preview(self) -> None:
        """The cells or the mapping changed: the pane renders and checks the sheet as it is now."""
        self._routed_rows = None  # a routed value may have changed with the cells
        if self.opener.sheet is not None and not self._defer_data:
            self.preview.set_sheet(self.model.frame, self.mapping_panel.mapping())

    def _check_before_sending(self, inputs: UploadInputs, factory: Callable[[], ProviderClient]) -> None:
        """The upload flow's guard: the merge tags and the do-not-contact list, in a worker."""
        assert inputs.destination is not None
        self.safety.check(
            SafetyInputs(
                frame=inputs.frame,
                mapping=inputs.mapping,
                spec=inputs.spec,
                destination=inputs.destination.id,
                campaign=self.preview.campaign_read if inputs.routes is None else None,
                client_factory=factory,
                allow_empty_tags=self.preview.allows_empty_tags,
                region=self.settings.phone_region or "US",
                routes=inputs.routes,
            )
        )

    def _feed_routing(self) -> None:
        """The routing table offers the campaigns step 1 listed (Aktify has none to route to)."""
        panel = self.destination_panel
        spec = panel.spec()
        self.routing.set_campaigns(
            panel.campaigns(),
            provider=spec.id,
            label=spec.label,
            has_lists=spec.has_lists,
            can_route=spec.has_campaign_list,
        )

    def _on_routes_changed(self, routes: object) -> None:
        """Routing on or off: updating is not offered while on; the Upload button names the campaigns."""
        self.destination_panel.set_routed(routes is not None)
        self._routed_rows = None
        self.preview.forget_campaign()  # it now follows the row's campaign (or step 1's again)
        self._read_emails()
        self._check_resumable()
        self._refresh_everything()

    def _cancel_checks(self) -> None:
        """Cancel pressed while the checks ran: stop them; nothing was sent."""
        self.safety.stop()
        self.run.not_started("")

    def _show_storage(self, message: str) -> None:
        """The journal cannot be written (the run waits), or "" when it can again."""
        self.storage_banner.show_message(message)

    def keep_until_quit(self, worker: Worker) -> None:
        """Stop and wait for ``worker`` when the window shuts down (start-up chores such as pruning)."""
        self._until_quit.append(worker)
        worker.sig_finished.connect(lambda: self._forget_worker(worker))

    def _forget_worker(self, worker: Worker) -> None:
        if worker in self._until_quit:
            self._until_quit.remove(worker)

    def _check_inputs(self) -> tuple[Any, Any, str]:
        return self.mapping_panel.mapping(), self.destination_panel.spec(), self._destination_kind()

    # ------------------------------------------------------------------ the upload plan

    def _refresh_everything(self) -> None:
        self._refresh_banners()
        self._refresh_upload_plan()
        has_sheet = self.opener.sheet is not None
        self.view.set_has_sheet(has_sheet)

    def _refresh_banners(self) -> None:
        self.sandbox_banner.setVisible(self.destination_panel.is_sandbox())

    def _upload_inputs(self) -> UploadInputs:
        """What the upload flow reads from the window, on the GUI thread."""
        panel = self.destination_panel
        has_sheet = self.opener.sheet is not None
        routes = self.routing.route_table() if has_sheet else None
        if routes is not None:  # the campaigns are the routes'; each campaign's tags are checked at send
            return replace(
                self._single_inputs(panel, has_sheet),
                destination=run_campaign(routes),
                tag_note="",
                held_rows=frozenset(),
                routes=routes,
            )
        return self._single_inputs(panel, has_sheet)

    def _single_inputs(self, panel: DestinationPanel, has_sheet: bool) -> UploadInputs:
        return UploadInputs(
            path=self.opener.path if has_sheet else None,
            fingerprint=self.opener.fingerprint or "",
            frame=self.model.frame if has_sheet else None,
            mapping=self.mapping_panel.mapping() if has_sheet else None,
            missing_required=tuple(self.mapping_panel.missing_required()) if has_sheet else (),
            spec=panel.spec(),
            destination=panel.destination(),
            validation=self.check.validation,
            sandbox=panel.is_sandbox(),
            account=panel.account_label(),
            options=panel.options(),
            client_factory=panel.client_factory,
            tag_note=self.preview.upload_note() if has_sheet else "",
            held_rows=self.preview.held_rows() if has_sheet else frozenset(),
            campaigns=tuple(panel.campaigns()),
            update_existing=panel.update_existing(),
        )

    def valid_rows(self) -> np.ndarray:
        """Frame rows that pass validation (the ones an upload sends)."""
        return self.run.valid_rows()

    def upload_plan(self) -> tuple[str, bool, str]:
        """The Upload button's words, whether it can start, and a hint line."""
        return self.run.plan()

    def _refresh_upload_plan(self) -> None:
        if self.run.running():
            return
        self.action_upload.setEnabled(self.run.refresh_plan())

    # ------------------------------------------------------------------ resume

    def offer_interrupted_run(self) -> None:
        """On start: offer to open a recent file whose upload stopped midway (see :mod:`resume_run`)."""
        self.resume.offer_interrupted(self.settings.recent_files)

    def _check_resumable(self) -> None:
        self.run.check_resumable()

    def _show_resumable(self, record: Any) -> None:
        routes = self.routing.route_table()  # a routed run is resumed under its route column
        destination = run_campaign(routes) if routes is not None else self.destination_panel.destination()
        self.resume.show_resumable(
            record if destination is not None else None, destination.name if destination else ""
        )

    # ------------------------------------------------------------------ the upload

    def run_in_progress(self) -> bool:
        """True while an upload runs or its checks before sending do."""
        return self.run.running() or self.run.checking()

    @property
    def _run_worker(self) -> Worker | None:
        """The running upload's worker (tests pause and cancel through it)."""
        return self.run.worker

    @property
    def _outcomes(self) -> dict[int, RowOutcome]:
        """Every row's latest outcome in this sheet's runs."""
        return self.run.outcomes

    def start_upload(self, *, rows: Sequence[int] | None = None, retry: bool = False) -> bool:
        """Build the job from what the window shows and run it; False when something is missing."""
        return self.run.start(rows=rows, retry=retry)

    def _on_run_started(self, send_rows: np.ndarray) -> None:
        if not self.model.status_shown:
            self.model.set_outcomes({})
            self.view.refresh_filter_items()
            self.view.fit_status_column()
        self.model.mark_rows(send_rows, QUEUED)
        self.results_panel.hide()
        self.resume_banner.hide()
        self._set_editing_enabled(False)

    def _set_editing_enabled(self, enabled: bool) -> None:
        self.view.set_editing_enabled(enabled)
        self.side_split.setEnabled(enabled)
        self.opener.set_locked(not enabled)
        self.check.set_active(enabled and self.opener.sheet is not None)
        self.check.action_fix.setEnabled(enabled)
        self.undo_stack.setActive(enabled)
        self.action_undo.setEnabled(enabled and self.undo_stack.canUndo())
        self.action_redo.setEnabled(enabled and self.undo_stack.canRedo())

    def cancel_upload(self) -> None:
        """Ask the engine to stop; it lets requests in flight finish and keeps the run resumable."""
        self.run.cancel()

    def _on_run_succeeded(self, ended: RunEnded) -> None:
        report = ended.report
        self.results_panel.show_summary(
            ended.summary,
            destination=ended.destination,
            read_back=report.read_back,
            fatal=report.fatal,
            sandbox=ended.sandbox,
            per_destination=ended.per_destination,
        )
        routed = len(ended.per_destination)
        height = 190 + 24 * (routed + 1) if routed else 190  # a routed run: a line per campaign
        self.left_split.setSizes([max(200, self.left_split.height() - height), height])
        self.statusBar().showMessage(self.results_panel.title.text(), 10000)

    def _on_run_finished(self) -> None:
        import numpy as np

        status = self.model.status_array()
        if status is not None:
            self.model.mark_rows(np.flatnonzero(status == QUEUED), STATUS_WORDS["pending"])
        self._set_editing_enabled(True)
        self.view.refresh_filter_items()
        self._check_resumable()
        self._refresh_everything()

    def retry_failed(self) -> None:
        """Send the failed rows again (uploaded rows are never sent twice)."""
        self.run.retry_failed()

    # ------------------------------------------------------------------ results

    def export_results(self, only_failed: bool = False, path: Path | None = None) -> int:
        """Save rows with status and reason (CSV or XLSX); returns rows written (0 when cancelled)."""
        report = self.run.last_report
        routed = getattr(report, "row_destinations", None) or None  # a routed run: each row's campaign
        return self.results_panel.export(
            self.model.frame, self._outcomes, only_failed=only_failed, path=path, destinations=routed
        )

    # ------------------------------------------------------------------ errors, settings, closing

    def _show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self)
        box.setAccessibleName(title)
        box.open()
        self._last_error = message

    def _show_message(self, text: str, timeout_ms: int) -> None:
        if text:
            self.statusBar().showMessage(text, timeout_ms)
        else:
            self.statusBar().clearMessage()

    def _save_settings(self) -> None:
        try:
            save_settings(self.settings)
        except (OSError, LeadLoaderError) as exc:
            log.warning("Settings not saved: %s", exc)

    def confirm_close(self) -> bool:
        """Ask before closing during a run; True when the window may close."""
        if not self.run_in_progress():
            return True
        answer = QMessageBox.question(
            self,
            "Upload in progress",
            "An upload is still running. Stop it and quit?\n\n"
            "Rows already sent stay in the campaign; next time LeadLoader offers to resume the rest.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        """Confirm during a run, stop every worker cleanly, remember the layout."""
        if not self.confirm_close():
            event.ignore()
            return
        self.shutdown()
        ui_state.save_window(self, self._splitters())
        self._save_settings()
        event.accept()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the upload, the loader and the checks (close, tests)."""
        self.check.shutdown(timeout_ms)
        self.opener.shutdown(timeout_ms)
        self.safety.stop(timeout_ms)
        self.run.stop(timeout_ms)
        self.preview.shutdown(timeout_ms)
        self.history.shutdown(timeout_ms)
        self.resume.shutdown(timeout_ms)
        for worker in (self._data_worker, *self._until_quit):
            if worker is not None:
                worker.stop(timeout_ms)
        self._data_worker = None
        self._until_quit.clear()
        self.destination_panel.shutdown()
        shutdown_panel: Callable[[], None] | None = getattr(self.mapping_panel, "shutdown", None)
        if shutdown_panel is not None:
            shutdown_panel()
