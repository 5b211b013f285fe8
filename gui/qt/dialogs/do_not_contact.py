"""Qt layer: the do-not-contact dialog: the list every upload is checked against, and its sources.

The list can hold a million entries, so the table shows one page of the search's matches
(the store searches with SQL); the counts per kind and source say what the whole list holds.
Pulling and pushing a provider's list run in a worker with progress and cancel; the list is
only changed when a pull has read the provider's list to its end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.core.dnc import AddReport, DncList
from gui.core.dnc_check import source_words
from gui.core.dnc_import import import_sheet
from gui.core.dnc_sync import PullReport, PushReport, has_list, pull, push
from gui.core.domain import Progress
from gui.core.errors import Cancelled, LeadLoaderError
from gui.core.providers.base import ProviderClient, ProviderSpec
from gui.qt.workers import Worker, start_worker

log = logging.getLogger(__name__)

#: Entries shown per search; the counts line covers the whole list.
PAGE = 1000
SEARCH_DELAY_MS = 200

ClientFactory = Callable[[], ProviderClient]


def counts_line(counts: dict[tuple[str, str], int]) -> str:
    """The summary line: "1,204 entries: 1,100 emails, 104 domains · 1,000 from lemlist unsubscribes"."""
    total = sum(counts.values())
    if not total:
        return "The list is empty. Rows on it are never sent, whatever the options."
    kinds: dict[str, int] = {}
    sources: dict[str, int] = {}
    for (kind, source), n in counts.items():
        kinds[kind] = kinds.get(kind, 0) + n
        sources[source] = sources.get(source, 0) + n
    plural = {"email": "emails", "domain": "domains", "phone": "phone numbers", "linkedin": "LinkedIn URLs"}
    by_kind = ", ".join(f"{n:,} {plural.get(k, k)}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    by_source = ", ".join(
        f"{n:,} {source_words(s)}" for s, n in sorted(sources.items(), key=lambda kv: -kv[1])
    )
    return f"{total:,} entries: {by_kind} · {by_source}"


class DoNotContactDialog(QDialog):
    """See, search, fill and sync the do-not-contact list.

    Args:
        dnc: The list.
        spec: The provider chosen in the window (pull and push act on it), or None.
        client_factory: Makes that provider's client with the chosen account's key, or None.
        region: How phone numbers without ``+`` are read.

    Signals:
        sig_changed: The list changed; the window checks the sheet again.
    """

    sig_changed = Signal()

    def __init__(
        self,
        dnc: DncList,
        spec: ProviderSpec | None = None,
        client_factory: ClientFactory | None = None,
        *,
        region: str = "US",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Do-not-contact list")
        self.resize(760, 560)
        self._dnc = dnc
        self._spec = spec
        self._client_factory = client_factory
        self._region = region
        self._worker: Worker | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search values and sources…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._search_timer.start)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Value", "Kind", "Source", "Added"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.shown = QLabel()
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.ask_add)
        self.import_button = QPushButton("Import a sheet…")
        self.import_button.clicked.connect(self.ask_import)
        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self.remove_selected)
        label = self._spec.label if self._spec is not None else "the provider"
        self.pull_button = QPushButton(f"Pull from {label}")
        self.pull_button.clicked.connect(self.start_pull)
        self.push_button = QPushButton(f"Push to {label}")
        self.push_button.clicked.connect(self.start_push)
        syncable = self._spec is not None and has_list(self._spec) and self._client_factory is not None
        for button in (self.pull_button, self.push_button):
            button.setEnabled(syncable)
            if self._spec is not None and not has_list(self._spec):
                button.setToolTip(
                    f"{self._spec.label} publishes no do-not-contact list: this list is its only guard."
                )
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self._cancel)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("dncMessage")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.import_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.pull_button)
        buttons.addWidget(self.push_button)
        busy = QHBoxLayout()
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.shown)
        layout.addLayout(buttons)
        layout.addLayout(busy)
        layout.addWidget(self.message)
        layout.addWidget(close)

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the counts and the search's first page of entries."""
        try:
            self.counts.setText(counts_line(self._dnc.counts()))
            entries = self._dnc.entries(self.search.text(), limit=PAGE)
        except LeadLoaderError as exc:
            self.message.setText(str(exc))
            return
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (entry.value, entry.kind, source_words(entry.source), entry.added.replace("T", " ")[:16])
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, entry.value)
                self.table.setItem(row, column, item)
        more = " (refine the search to see others)" if len(entries) == PAGE else ""
        self.shown.setText(f"Showing {len(entries):,} entr{'y' if len(entries) == 1 else 'ies'}{more}.")

    def _changed(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()
        self.sig_changed.emit()

    # -- filling -----------------------------------------------------------------------------

    def ask_add(self) -> None:
        """Ask for values (typed or pasted, one per line or separated by commas) and add them."""
        box = QDialog(self)
        box.setWindowTitle("Add to the do-not-contact list")
        text = QPlainTextEdit()
        text.setPlaceholderText("jane@acme.com\ncompetitor.com\n+1 212 555 0100\nlinkedin.com/in/someone")
        ok = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok.accepted.connect(box.accept)
        ok.rejected.connect(box.reject)
        layout = QVBoxLayout(box)
        layout.addWidget(QLabel("Emails, domains, phone numbers or LinkedIn URLs, one per line:"))
        layout.addWidget(text)
        layout.addWidget(ok)
        if box.exec() == QDialog.DialogCode.Accepted:
            self.add_values(text.toPlainText())

    def add_values(self, text: str) -> AddReport:
        """Add what the user typed; the message says what was added and what was not usable."""
        values = [v.strip() for line in text.splitlines() for v in line.split(",") if v.strip()]
        report = self._dnc.add(values, source="typed", region=self._region)
        self._changed(_added_words(report))
        return report

    def ask_import(self) -> None:
        """Pick a sheet and the column that holds the entries, then add them."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Import a do-not-contact sheet", "", "Sheets (*.csv *.tsv *.txt *.xlsx *.xlsm *.xls *.ods)"
        )
        if name:
            self.import_file(Path(name))

    def import_file(self, path: Path, column: str | None = None) -> AddReport | None:
        """Add one column of ``path``; a file that cannot be read adds nothing and says why."""
        try:
            chosen, report = import_sheet(self._dnc, path, column=column, region=self._region)
        except LeadLoaderError as exc:
            self.message.setText(f"{exc} Nothing was added.")
            return None
        self._changed(f"From column ‘{chosen}’ of {path.name}: {_added_words(report)}")
        return report

    def remove_selected(self) -> int:
        """Remove the selected entries after one confirmation."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        values = [str(self.table.item(r, 0).data(Qt.ItemDataRole.UserRole)) for r in rows]
        if not values:
            return 0
        answer = QMessageBox.question(
            self,
            "Remove entries",
            f"Remove {len(values):,} entr{'y' if len(values) == 1 else 'ies'} from the list?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        gone = self._dnc.remove(values, region=self._region)
        self._changed(f"Removed {gone:,}.")
        return gone

    # -- syncing -----------------------------------------------------------------------------

    def start_pull(self) -> None:
        """Read the provider's list to its end, then make it the local copy."""
        spec, factory = self._spec, self._client_factory
        if spec is None or factory is None:
            return
        self._run(
            lambda p, c: pull(self._dnc, spec, factory, progress=p, cancel=c), f"Pulling {spec.label}'s list…"
        )

    def start_push(self) -> None:
        """Send the entries the provider lacks to its list, each once."""
        spec, factory = self._spec, self._client_factory
        if spec is None or factory is None:
            return
        self._run(
            lambda p, c: push(self._dnc, spec, factory, progress=p, cancel=c), f"Pushing to {spec.label}…"
        )

    @property
    def busy(self) -> bool:
        """A pull or push is running."""
        return self._worker is not None and self._worker.running

    def _run(self, job: Callable[..., object], text: str) -> None:
        if self.busy:
            return
        self.message.setText(text)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        for button in (self.pull_button, self.push_button):
            button.setEnabled(False)
        worker = self._worker = start_worker(job, parent=self)
        worker.sig_progress.connect(self._on_progress)
        worker.sig_succeeded.connect(self._on_done)
        worker.sig_failed.connect(self._on_failed)
        worker.sig_finished.connect(self._idle)

    def _on_progress(self, event: Progress) -> None:
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.done)
        if event.message:
            self.message.setText(event.message)

    def _on_done(self, result: PullReport | PushReport | None) -> None:
        if isinstance(result, PullReport):
            self._changed(f"Pulled {self._label()}'s list: {result.entries:,} entries.")
        elif isinstance(result, PushReport):
            tail = f" Stopped: {result.error}" if result.error else ""
            self._changed(f"Pushed {result.pushed:,} entries to {self._label()}; {result.left:,} left.{tail}")

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.message.setText("Cancelled: the list is as it was.")
        else:
            self.message.setText(f"{exc} The list is as it was.")

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        enabled = self._spec is not None and has_list(self._spec) and self._client_factory is not None
        for button in (self.pull_button, self.push_button):
            button.setEnabled(enabled)

    def _cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel.cancel()

    def _label(self) -> str:
        return self._spec.label if self._spec is not None else "the provider"

    def reject(self) -> None:
        """Closing stops a running pull or push first (its partial work is never applied)."""
        if self._worker is not None and self._worker.running:
            self._worker.stop()
        super().reject()


def show_do_not_contact(
    parent: QWidget,
    spec: ProviderSpec | None,
    factory_source: Callable[[], ClientFactory],
    region: str = "US",
    on_changed: Callable[[], object] | None = None,
) -> DoNotContactDialog | None:
    """Open the list (Tools > Do-not-contact list…) over ``parent`` and wait until it is closed.

    The window's chosen provider and account drive pull and push; with no usable account
    (``factory_source`` refuses) the dialog still opens, for typing and importing, with sync off.

    Args:
        parent: The window.
        spec: The provider chosen in the window.
        factory_source: Returns a client factory for the chosen account, or raises
            :class:`LeadLoaderError` when there is none (the panel's ``client_factory``).
        region: How phone numbers without ``+`` are read.
        on_changed: Called each time the list changes, so the window checks the sheet again.

    Returns:
        The closed dialog (tests read it), or None when the list file cannot be opened (said in
        a message box).
    """
    try:
        factory: ClientFactory | None = factory_source()
    except LeadLoaderError as exc:
        log.info("Do-not-contact list opened without sync: %s", exc)
        factory = None
    try:
        dnc = DncList()
    except LeadLoaderError as exc:
        QMessageBox.warning(parent, "Do-not-contact list", str(exc))
        return None
    dialog = DoNotContactDialog(dnc, spec, factory, region=region, parent=parent)
    if on_changed is not None:
        dialog.sig_changed.connect(on_changed)
    try:
        dialog.exec()
    finally:
        dnc.close()
        dialog.deleteLater()
    return dialog


def _added_words(report: AddReport) -> str:
    text = f"added {report.added:,}; {report.already:,} already on the list"
    if report.bad:
        sample = ", ".join(f"‘{v}’" for v, _ in report.bad[:3])
        text += f"; {len(report.bad):,} not usable ({sample}{'…' if len(report.bad) > 3 else ''})"
    return text[0].upper() + text[1:] + "."
