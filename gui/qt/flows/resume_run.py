"""Resuming an upload that stopped midway: the banner that offers it, at start and per sheet.

Two moments lead here. At start, a recent file may hold a run that a crash or a closed window cut
short: the banner offers to open it (only if the file is unchanged: its fingerprint is checked in a
worker, as hashing a big file takes a moment). With a sheet open, the run flow looks up the journal
for this file and destination and the banner offers to resume it or start over. The banner only
asks; the window opens the file, and the run flow resumes or forgets the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from gui.core.errors import LeadLoaderError
from gui.qt.widgets.banners import Banner
from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    from gui.core.journal import RunRecord

log = logging.getLogger(__name__)


def _when(record: RunRecord) -> str:
    """The run's start as the banner says it (minutes are enough to recognise a run)."""
    return str(record.started_at).replace("T", " ")[:16]


def _find_interrupted(
    records: Sequence[RunRecord], recent_files: Sequence[str]
) -> list[tuple[RunRecord, Path]]:
    """The unfinished runs whose file is still among the recent files, by name (content checked later)."""
    return [
        (record, Path(p))
        for record in records
        for p in recent_files
        if Path(p).name == record.file_name and Path(p).is_file()
    ]


class ResumeRun(Banner):
    """The resume banner.

    Signals:
        sig_open_file: The user wants the interrupted run's file opened (a Path).
        sig_resume: The user wants the open sheet's interrupted run resumed.
        sig_start_over: The user wants that run forgotten (rows it added stay never-sent-twice).
    """

    sig_open_file = Signal(object)
    sig_resume = Signal()
    sig_start_over = Signal()

    def __init__(self, sheet_open: Callable[[], bool], parent: QWidget | None = None) -> None:
        """``sheet_open`` says whether a sheet is open or loading: then the start-time offer stays quiet."""
        super().__init__("info", "Resume offer", "", parent)
        self._sheet_open = sheet_open
        self._interrupted_path: Path | None = None
        self.worker: Worker | None = None
        self.resume_button = QPushButton("Resume upload")
        self.resume_button.setAccessibleName("Resume interrupted upload")
        self.start_over_button = QPushButton("Start over")
        self.start_over_button.setAccessibleName("Start the upload over")
        self.start_over_button.setToolTip(
            "Forget the interrupted run. Leads it already added are still skipped, never sent twice."
        )
        layout = self.layout()
        assert layout is not None  # the banner's row, its label first
        layout.addWidget(self.resume_button)
        layout.addWidget(self.start_over_button)
        self.hide()
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.start_over_button.clicked.connect(self.sig_start_over)

    def offer_interrupted(self, recent_files: Sequence[str]) -> None:
        """On start: if a recent file has an upload that stopped midway, offer to open it.

        The file must still be the same, so an edited file is never resumed by mistake.
        """
        from gui.core.journal import Journal

        try:
            journal = Journal()
            try:
                records = [r for r in journal.history(20) if r.resumable]
            finally:
                journal.close()
        except LeadLoaderError as exc:
            log.warning("Journal not readable: %s", exc)
            return
        candidates = _find_interrupted(records, recent_files)
        if not candidates:
            return

        def job(_progress: Any, cancel: Any) -> tuple[RunRecord, Path] | None:
            from gui.core.identity import file_fingerprint

            for record, path in candidates:
                cancel.raise_if_cancelled()
                if file_fingerprint(path) == record.fingerprint:
                    return record, path
            return None

        self.worker = start_worker(job, parent=self)
        self.worker.sig_succeeded.connect(self._show_interrupted)

    def show_resumable(self, record: RunRecord | None, destination_name: str = "") -> None:
        """Offer to resume ``record``, the open sheet's unfinished run (None hides the banner)."""
        if record is None:
            self.hide()
            return
        self._interrupted_path = None
        self.resume_button.setText("Resume upload")
        self.start_over_button.show()
        pending = record.counts.get("pending", 0)
        self.label.setText(
            f"An upload of <b>{record.file_name}</b> to ‘{record.destination_name or destination_name}’ "
            f"stopped on {_when(record)} UTC with {pending:,} of {record.total:,} rows not sent yet. "
            "Resume sends only those; rows already added are never sent twice."
        )
        self.show()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the fingerprint check if it still runs (window closing)."""
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop(timeout_ms)

    def _show_interrupted(self, found: tuple[RunRecord, Path] | None) -> None:
        if found is None or self._sheet_open():
            return
        record, path = found
        pending = record.counts.get("pending", 0)
        self._interrupted_path = path
        self.label.setText(
            f"The upload of <b>{record.file_name}</b> to ‘{record.destination_name or record.destination}’ "
            f"({record.provider}) stopped on {_when(record)} UTC "
            f"with {pending:,} of {record.total:,} rows not sent yet."
        )
        self.resume_button.setText("Open it to resume")
        self.start_over_button.hide()
        self.show()

    def _on_resume_clicked(self) -> None:
        path = self._interrupted_path
        if path is not None and not self._sheet_open():
            self._interrupted_path = None
            self.hide()
            self.sig_open_file.emit(path)
            return
        self.sig_resume.emit()
