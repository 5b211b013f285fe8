"""Flow: opening a sheet: drop, File > Open, Open recent, the sample, reading options, another sheet.

The load runs in a worker (:func:`gui.qt.workers.start_worker`) with its progress under the source
bar; only the newest load counts, and a cancelled one leaves the previous sheet in place.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from gui.core.domain import Progress
from gui.core.errors import Cancelled, LeadLoaderError
from gui.core.settings import Settings
from gui.qt.dialogs.source_dialog import SourceChoice, SourceDialog, delimiter_words, encoding_words
from gui.qt.style import emphasise, std_icon
from gui.qt.workers import Worker, start_worker

log = logging.getLogger(__name__)

#: File suffixes the loader reads (kept in step with gui.core.sheets.SUPPORTED_SUFFIXES).
FALLBACK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".txt")


def supported_suffixes() -> tuple[str, ...]:
    """What File > Open and drag-and-drop accept."""
    try:
        from gui.core.sheets.load import SUPPORTED_SUFFIXES

        return tuple(SUPPORTED_SUFFIXES)
    except ImportError:  # pragma: no cover - the core module ships with the app
        return FALLBACK_SUFFIXES


def is_supported(path: Path) -> bool:
    """Whether the loader reads a file of this kind (by its suffix)."""
    return path.suffix.lower() in supported_suffixes()


def dropped_path(event: Any) -> Path | None:
    """The first supported local file of a drag or drop event, if any."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if is_supported(path):
                return path
    return None


def loaded_message(sheet: Any) -> str:
    """The status line once a sheet is in: rows, empty rows left out, damaged columns."""
    parts = [f"Loaded {len(sheet.frame):,} rows"]
    dropped = getattr(sheet, "rows_dropped", 0)
    if dropped:
        parts.append(f"{dropped:,} empty rows left out")
    notes = getattr(sheet, "notes", ())
    if notes:
        parts.append(f"{len(notes)} column(s) may have been damaged by a spreadsheet app: see ⚠ headers")
    return "; ".join(parts) + "."


class OpenSheet(QWidget):
    """The source bar (what is open and how it was read) and the load progress under it.

    Signals:
        sig_opened: A load finished: (path, sheet, fingerprint).
        sig_load_failed: Loading failed (the message).
        sig_message: A status-bar line and how long it shows (ms; 0 until replaced).
        sig_error: A title and a message the window shows as a warning.
    """

    sig_opened = Signal(object, object, str)
    sig_load_failed = Signal(str)
    sig_message = Signal(str, int)
    sig_error = Signal(str, str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.path: Path | None = None
        self.sheet: Any = None
        self.fingerprint = ""
        self._choice = SourceChoice()
        self._locked = False
        self._worker: Worker | None = None
        self._ending: Worker | None = None  # a load whose result is in, its thread still ending

        self.open_button = QPushButton(std_icon(self, QStyle.StandardPixmap.SP_DialogOpenButton), "Open…")
        self.open_button.setAccessibleName("Open a spreadsheet")
        self.open_button.setToolTip("Open a spreadsheet (Ctrl+O), or drop one on the window")
        self.file_label = QLabel("No sheet open")
        self.file_label.setAccessibleName("Open file")
        emphasise(self.file_label)
        self.source_label = QLabel()
        self.source_label.setAccessibleName("How the file was read")
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A long one-line label must not widen the table side and squeeze the panels.
        self.source_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.source_label.setMinimumWidth(0)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("Worksheet")
        self.sheet_combo.setToolTip("This workbook has several sheets: pick the one with the leads")
        self.sheet_combo.hide()
        self.source_button = QPushButton("Reading options…")
        self.source_button.setAccessibleName("Reading options")
        self.source_button.setToolTip(
            "Header row, encoding and delimiter, with a live preview (Ctrl+Shift+O)"
        )
        source_bar = QHBoxLayout()
        source_bar.addWidget(self.open_button)
        source_bar.addWidget(self.file_label)
        source_bar.addWidget(self.sheet_combo)
        source_bar.addWidget(self.source_label, 1)
        source_bar.addWidget(self.source_button)

        self.load_progress = QProgressBar()
        self.load_progress.setAccessibleName("Loading progress")
        self.load_cancel = QPushButton("Cancel")
        self.load_cancel.setAccessibleName("Cancel loading")
        self.load_box = QWidget()
        load_layout = QHBoxLayout(self.load_box)
        load_layout.setContentsMargins(0, 0, 0, 0)
        load_layout.addWidget(QLabel("Loading…"))
        load_layout.addWidget(self.load_progress, 1)
        load_layout.addWidget(self.load_cancel)
        self.load_box.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(source_bar)
        layout.addWidget(self.load_box)

        self.action_open = QAction(std_icon(self, QStyle.StandardPixmap.SP_DialogOpenButton), "&Open…", self)
        self.action_open.setShortcut(QKeySequence.StandardKey.Open)
        self.action_open.triggered.connect(self.choose_file)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.action_reading = QAction("Reading &options…", self)
        self.action_reading.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.action_reading.triggered.connect(self.open_source_dialog)
        self.action_sample = QAction("Open the &sample sheet", self)
        self.action_sample.triggered.connect(self.open_sample)

        self.open_button.clicked.connect(self.choose_file)
        self.source_button.clicked.connect(self.open_source_dialog)
        self.sheet_combo.activated.connect(self._on_sheet_picked)
        self.load_cancel.clicked.connect(self.cancel_loading)
        self._sync_enabled()

    def loading(self) -> bool:
        """True while a load runs."""
        return self._worker is not None

    def set_locked(self, locked: bool) -> None:
        """During an upload no other sheet may be opened (the engine reads this one)."""
        self._locked = locked
        self._sync_enabled()

    def _sync_enabled(self) -> None:
        has_sheet = self.sheet is not None
        for widget in (self.open_button, self.sheet_combo, self.action_open, self.action_sample):
            widget.setEnabled(not self._locked)
        for widget in (self.source_button, self.action_reading):
            widget.setEnabled(has_sheet and not self._locked)

    def choose_file(self) -> None:
        """File > Open."""
        patterns = " ".join(f"*{s}" for s in supported_suffixes())
        start = str(Path(self.settings.recent_files[0]).parent) if self.settings.recent_files else ""
        path, _ = QFileDialog.getOpenFileName(
            self.window(), "Open a spreadsheet of leads", start, f"Spreadsheets ({patterns});;All files (*)"
        )
        if path:
            self.open_file(Path(path))

    def open_sample(self) -> None:
        """Open the sample sheet shipped in resources/ (first run and File menu)."""
        from gui.core.paths import resource

        self.open_file(resource("sample_leads.csv"))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        existing = [Path(p) for p in self.settings.recent_files if Path(p).exists()]
        if not existing:
            empty = self.recent_menu.addAction("No recent files")
            empty.setEnabled(False)
            return
        for i, path in enumerate(existing):
            action = self.recent_menu.addAction(f"&{i + 1} {path.name}   ({path.parent})")
            action.triggered.connect(lambda _c=False, p=path: self.open_file(p))

    def open_file(self, path: Path, choice: SourceChoice | None = None) -> None:
        """Load ``path`` in the background; :attr:`sig_opened` says when it is in."""
        path = Path(path)
        if self._locked:
            self.sig_message.emit(
                "Wait for the upload to finish (or cancel it) before opening another file.", 0
            )
            return
        if not path.is_file():
            self.sig_error.emit("Cannot open file", f"{path} does not exist or is not a file.")
            return
        if not is_supported(path):
            kinds = " ".join(supported_suffixes())
            self.sig_error.emit(
                "Cannot open file", f"{path.name} is not a spreadsheet LeadLoader reads ({kinds})."
            )
            return
        self.cancel_loading()
        choice = choice or SourceChoice()

        def job(progress: Any, cancel: Any) -> tuple[Any, str]:
            from gui.core.journal import file_fingerprint
            from gui.core.sheets.load import load_sheet

            sheet = load_sheet(
                path,
                sheet=choice.sheet,
                header_row=choice.header_row,
                encoding=choice.encoding,
                delimiter=choice.delimiter,
                progress=progress,
                cancel=cancel,
            )
            return sheet, file_fingerprint(path)

        self.load_progress.setRange(0, 0)
        self.load_box.show()
        self.sig_message.emit(f"Loading {path.name}…", 0)
        worker = start_worker(job, parent=self)
        worker.sig_progress.connect(self._on_progress)
        worker.sig_succeeded.connect(lambda result, w=worker: self._on_loaded(w, path, result))
        worker.sig_failed.connect(lambda exc, w=worker: self._on_failed(w, path, exc))
        worker.sig_finished.connect(lambda w=worker: self._on_finished(w))
        self._worker = worker

    def cancel_loading(self) -> None:
        """Stop a load in progress (the previous sheet stays)."""
        worker = self._worker
        if worker is not None:
            self._worker = None
            worker.stop(3000)
            self.load_box.hide()

    def _on_progress(self, event: Progress) -> None:
        if event.total:
            self.load_progress.setRange(0, 1000)
            self.load_progress.setValue(int(event.fraction * 1000))
        if event.message:
            self.sig_message.emit(event.message, 0)

    def _on_finished(self, worker: Worker) -> None:
        if self._worker is worker:
            self._worker = None
            self.load_box.hide()

    def _on_failed(self, worker: Worker, path: Path, exc: object) -> None:
        if self._worker is not worker:
            return
        if isinstance(exc, Cancelled):
            self.sig_message.emit(f"Stopped loading {path.name}.", 5000)
            return
        message = str(exc) if isinstance(exc, LeadLoaderError | OSError) else f"{path.name}: {exc!r}"
        log.warning("Load failed: %s", message)
        self.sig_message.emit(message, 10000)
        self.sig_load_failed.emit(message)
        self.sig_error.emit("Cannot open file", message)

    def _on_loaded(self, worker: Worker, path: Path, result: tuple[Any, str]) -> None:
        if self._worker is not worker:
            return
        # The load is over once its result is in: whoever reacts to the new sheet sees no load running
        # (the worker's own "finished" signal arrives a moment later; shutdown still waits for it).
        self._worker, self._ending = None, worker
        self.load_box.hide()
        sheet, fingerprint = result
        self.show_sheet(path, sheet, fingerprint)

    def show_sheet(self, path: Path, sheet: Any, fingerprint: str) -> None:
        """Take a loaded sheet as the open one: its name, how it was read, its worksheets."""
        self.path, self.sheet, self.fingerprint = path, sheet, fingerprint
        self._choice = SourceChoice(
            sheet=getattr(sheet, "sheet_name", None),
            header_row=getattr(sheet, "header_row", None),
            encoding=getattr(sheet, "encoding", None),
            delimiter=getattr(sheet, "delimiter", None),
        )
        self.file_label.setText(path.name)
        self._show_source_facts()
        self._sync_enabled()
        self.sig_opened.emit(path, sheet, fingerprint)

    def _show_source_facts(self) -> None:
        sheet = self.sheet
        facts = [f"{len(sheet.frame):,} rows × {len(sheet.frame.columns)} columns"]
        header_row = getattr(sheet, "header_row", 0) or 0
        facts.append(f"header on row {header_row + 1}")
        if getattr(sheet, "encoding", None):
            facts.append(encoding_words(sheet.encoding))
        if getattr(sheet, "delimiter", None):
            facts.append(f"{delimiter_words(sheet.delimiter)}-separated")
        self.source_label.setText(" · ".join(facts))
        names = list(getattr(sheet, "sheet_names", ()) or ())
        self.sheet_combo.blockSignals(True)
        self.sheet_combo.clear()
        for name in names:
            self.sheet_combo.addItem(f"Sheet: {name}", name)
        current = getattr(sheet, "sheet_name", None)
        if current is not None:
            self.sheet_combo.setCurrentIndex(max(0, self.sheet_combo.findData(current)))
        self.sheet_combo.blockSignals(False)
        self.sheet_combo.setVisible(len(names) > 1)

    def _on_sheet_picked(self, index: int) -> None:
        name = self.sheet_combo.itemData(index)
        if self.path is not None and name and name != getattr(self.sheet, "sheet_name", None):
            self.open_file(self.path, SourceChoice(sheet=name))

    def open_source_dialog(self) -> None:
        """Header row, encoding, delimiter (and sheet) with a live preview; reload on OK."""
        if self.path is None:
            self.sig_message.emit("Open a sheet first (Ctrl+O).", 5000)
            return
        dialog = SourceDialog(
            self.path,
            sheet_names=tuple(getattr(self.sheet, "sheet_names", ()) or ()),
            current=self._choice,
            parent=self.window(),
        )
        if dialog.exec():
            self.open_file(self.path, dialog.choice())
        dialog.deleteLater()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop a load in progress (and wait out the thread of one that just ended)."""
        for worker in (self._worker, self._ending):
            if worker is not None:
                worker.stop(timeout_ms)
        self._worker = self._ending = None
