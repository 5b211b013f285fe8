"""The main window end to end: drop, map, fix a cell, pick a sandbox campaign, upload, see statuses, export.

Everything runs against the in-process sandbox (the demo account), so nothing leaves the machine.
"""

from __future__ import annotations

import csv
import shutil
import sys
import threading
import time
import traceback
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from gui.core.credentials import CredentialStore
from gui.core.paths import resource
from gui.core.settings import Settings
from gui.qt.dialogs.run_history import HistoryDialog
from gui.qt.main_window import MainWindow
from gui.sandbox import seed

LOAD_TIMEOUT = 20_000
RUN_TIMEOUT = 60_000


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    target = tmp_path / "my leads.csv"
    shutil.copy(resource("sample_leads.csv"), target)
    return target


def _drop(window: MainWindow, path: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(
        QPoint(40, 40),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted(), "the window must accept a spreadsheet being dragged in"
    drop = QDropEvent(
        QPointF(40, 40),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    return drop


def _load(qtbot, window: MainWindow, path: Path) -> None:
    with qtbot.waitSignals([window.sig_loaded, window.sig_validated], timeout=LOAD_TIMEOUT):
        _drop(window, path)


def _pick_campaign(qtbot, window: MainWindow, campaign_id: str = seed.LEMLIST_CAMPAIGN) -> None:
    assert window.destination_panel.is_sandbox(), "with no account the sandbox is the destination"
    choose_campaign(qtbot, window, campaign_id)
    # The demo campaigns' emails use {{icebreaker}}, which the sample sheet has no column for: these
    # tests are about sending, so they send such rows (tests/qt/test_window_safety.py covers the check).
    window.preview.allow_empty.setChecked(True)
    qtbot.waitUntil(window.upload_bar.upload_button.isEnabled, timeout=LOAD_TIMEOUT)


def choose_campaign(qtbot, window: MainWindow, campaign_id: str) -> None:
    """Wait until the sandbox lists ``campaign_id`` and pick it."""
    panel = window.destination_panel
    # The in-process sandbox is shared by the tests of this process and enforces lemlist's 20 requests
    # per 2 s: a listing right after another test's upload may be answered 429. Ask again, at most
    # once a second, as a user would press Refresh.
    last_refresh = [time.monotonic()]

    def listed() -> bool:
        if any(c.id == campaign_id for c in panel.campaigns()):
            return True
        if "429" in panel.status_label.text() and time.monotonic() - last_refresh[0] > 1.0:
            last_refresh[0] = time.monotonic()
            panel.refresh()
        return False

    try:
        qtbot.waitUntil(listed, timeout=LOAD_TIMEOUT)
    except Exception as exc:
        raise AssertionError(f"campaigns not listed; the panel says: {panel.status_label.text()!r}") from exc
    if panel.destination() is None or panel.destination().id != campaign_id:
        assert panel.set_destination(campaign_id)


def test_dragging_a_non_spreadsheet_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    enter = QDragEnterEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    enter.setAccepted(False)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()
    assert window.upload_bar.upload_button.text() == "Open a sheet to start"
    assert not window.upload_bar.upload_button.isEnabled()


def test_the_whole_flow(qtbot, window: MainWindow, sample: Path, tmp_path: Path) -> None:
    # 1. Drop the file: it loads in the background and lands in the table.
    _load(qtbot, window, sample)
    model = window.model
    frame = model.frame
    assert model.rowCount() == len(frame) == 26
    assert window.opener.file_label.text() == sample.name
    assert "26 rows" in window.opener.source_label.text()
    assert str(sample.resolve()) == window.settings.recent_files[0]

    # 2. Map: the suggestion maps the email column.
    mapping = window.mapping_panel.mapping()
    assert mapping.fields.get("email") == "Email"
    assert not window.mapping_panel.missing_required()

    # 3. The broken email is flagged: coloured, with a tooltip that names the problem.
    validation = window.check.validation
    bad_rows = np.flatnonzero(validation.error_rows)
    assert len(bad_rows) >= 1
    bad = int(bad_rows[0])
    email_col = model.view_column("Email")
    idx = model.index(bad, email_col)
    assert model.data(idx, Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(idx, Qt.ItemDataRole.ToolTipRole)

    # "Problems only" shows just the flagged rows, mapped back to the right frame rows.
    window.view.filter_combo.setCurrentIndex(window.view.filter_combo.findData("problems"))
    shown = [model.frame_row(r) for r in range(model.rowCount())]
    assert bad in shown and len(shown) < len(frame)
    window.view.filter_combo.setCurrentIndex(window.view.filter_combo.findData("all"))
    assert model.rowCount() == len(frame)

    # 4. Fix the cell inline; validation follows; undo brings the problem back; redo fixes it again.
    old = model.data(idx)
    with qtbot.waitSignal(window.sig_validated, timeout=LOAD_TIMEOUT):
        assert model.setData(idx, "fixed.address@northwind.example.com")
    assert not window.check.validation.error_rows[bad] or window.check.validation.cell(bad, "Email") is None
    with qtbot.waitSignal(window.sig_validated, timeout=LOAD_TIMEOUT):
        window.action_undo.trigger()
    assert model.data(idx) == old
    assert window.check.validation.cell(bad, "Email") is not None
    with qtbot.waitSignal(window.sig_validated, timeout=LOAD_TIMEOUT):
        window.action_redo.trigger()
    assert frame.at[bad, "Email"] == "fixed.address@northwind.example.com"

    # 5. Pick the sandbox campaign: the button says exactly what will happen.
    _pick_campaign(qtbot, window)
    text = window.upload_bar.upload_button.text()
    invalid = int(np.count_nonzero(window.check.validation.error_rows))
    assert text.startswith(f"Upload {26 - invalid} leads to ‘{seed.LEMLIST_CAMPAIGN_NAME}’")
    if invalid:
        assert f"({invalid} row" in text and "will be skipped" in text
    assert window.sandbox_banner.isVisible()

    # 6. Upload to the in-process sandbox; statuses appear in the table as rows land.
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        window.upload_bar.upload_button.click()
        assert window.upload_bar.running
        assert not window.upload_bar.upload_button.isVisible()
    report = blocker.args[0]
    assert report is not None and not report.fatal
    assert model.status_shown
    statuses = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert statuses.count("Uploaded") + statuses.count("Duplicate") == 26 - invalid
    assert statuses.count("Invalid") == invalid
    assert window.results_panel.isVisible()
    assert "leads added" in window.results_panel.title.text()
    assert sum(window.results_panel.chart.counts().values()) == 26
    qtbot.waitUntil(lambda: not window.upload_bar.running)

    # A second upload to the same campaign would send nothing new: the button says so.
    button = window.upload_bar.upload_button
    assert button.text().startswith(f"All {26 - invalid} valid leads are in") and not button.isEnabled()

    # The status filter works on the new column.
    window.view.filter_combo.setCurrentIndex(window.view.filter_combo.findData("status:uploaded"))
    assert all(model.data(model.index(r, 0)) == "Uploaded" for r in range(model.rowCount()))

    # 7. Export every row with its status.
    out = tmp_path / "results.csv"
    assert window.export_results(only_failed=False, path=out) == 26
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 26
    assert {r["status"] for r in rows} <= {"uploaded", "duplicate", "invalid"}


def test_sort_by_clicking_a_header_is_done_in_numpy(qtbot, window: MainWindow, sample: Path) -> None:
    _load(qtbot, window, sample)
    model = window.model
    col = model.view_column("Last Name")
    window.view.table.horizontalHeader().sectionClicked.emit(col)
    names = [model.data(model.index(r, col)) for r in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold)
    window.view.table.horizontalHeader().sectionClicked.emit(col)
    names = [model.data(model.index(r, col)) for r in range(model.rowCount())]
    assert names == sorted(names, key=str.casefold, reverse=True)


def test_close_during_a_run_asks_and_stops_cleanly(
    qtbot, window: MainWindow, sample: Path, monkeypatch
) -> None:
    _load(qtbot, window, sample)
    _pick_campaign(qtbot, window, seed.LEMLIST_CAMPAIGN_2)
    asked: list[str] = []

    def no(*args, **kwargs):
        asked.append(args[1])
        return QMessageBox.StandardButton.No

    assert window.start_upload()
    monkeypatch.setattr(QMessageBox, "question", no)
    window.close()
    assert asked == ["Upload in progress"]
    assert window.isVisible() and window.run_in_progress()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.close()
    assert not window.isVisible()
    assert not window.run_in_progress()


def test_cancelled_run_is_offered_for_resume(qtbot, window: MainWindow, sample: Path) -> None:
    _load(qtbot, window, sample)
    _pick_campaign(qtbot, window, seed.LEMLIST_PAUSED_CAMPAIGN)
    assert window.start_upload()
    qtbot.waitUntil(lambda: window.upload_bar.progress.value() >= 1, timeout=RUN_TIMEOUT)
    window.upload_bar.pause_button.click()
    assert window._run_worker.cancel.paused
    window.upload_bar.pause_button.click()
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        window.upload_bar.cancel_button.click()
    report = blocker.args[0]
    if report.summary.pending == 0:
        pytest.skip("the sandbox took every row before the cancel landed")
    qtbot.waitUntil(window.resume_banner.isVisible, timeout=5000)
    assert "not sent yet" in window.resume_label.text()
    assert window.upload_bar.upload_button.text().startswith("Resume")
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        window.resume_button.click()
    assert blocker.args[0].summary.pending == 0
    assert not window.resume_banner.isVisible()


#: The normal suite checks that the GUI thread never *freezes* (work done on it instead of in a worker
#: would hold it for seconds at 150k rows). The 100 ms target of issue 8 is a timing figure, measured by
#: tests/benchmarks/test_bench_gui.py, where scheduling noise on a loaded machine cannot fail the build.
FREEZE_MS = 1000.0


def _heartbeat(qtbot, until, timeout_ms: int) -> tuple[float, str]:
    """Largest gap (ms) between ticks of a 10 ms GUI-thread timer while ``until()`` is false.

    A watchdog thread samples the GUI thread's stack whenever it is late, so a failure names the
    code that held it.
    """
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000)
        last[0] = now

    gui_thread = threading.get_ident()
    stacks: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.02):
            if time.perf_counter() - last[0] > 0.08:
                frame = sys._current_frames().get(gui_thread)
                if frame is not None:
                    stacks.append("".join(traceback.format_stack(frame)[-8:]))

    watchdog = threading.Thread(target=watch, name="heartbeat-watchdog")
    watchdog.start()
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    timer.start(10)
    try:
        qtbot.waitUntil(until, timeout=timeout_ms)
    finally:
        timer.stop()
        stop.set()
        watchdog.join()
    worst_stack = Counter(stacks).most_common(1)[0][0] if stacks else ""
    return max(gaps, default=0.0), worst_stack


def check_breathing_while_loading(
    qtbot, window: MainWindow, tmp_path: Path, limit_ms: float, rows: int = 150_000
) -> float:
    """Load and check ``rows`` under a heartbeat; the longest GUI-thread gap must stay under the limit."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Email", "First Name", "Last Name", "Company", "Phone", "ZIP"])
        for i in range(rows):
            writer.writerow(
                [f"user{i}@example.com", f"First{i}", f"Last{i}", f"Co {i % 977}", "", f"{i % 99999:05d}"]
            )
    loaded: list[object] = []
    validated: list[object] = []
    window.sig_loaded.connect(loaded.append)
    window.sig_validated.connect(validated.append)
    window.open_file(path)
    start = time.perf_counter()
    shown: list[float] = []
    window.sig_loaded.connect(lambda *_: shown.append(time.perf_counter() - start))
    worst, where = _heartbeat(qtbot, lambda: bool(loaded) and bool(validated), 60_000)
    checked = time.perf_counter() - start
    print(
        f"\n[heartbeat] loading and checking {rows:,} rows: longest GUI-thread gap {worst:.0f} ms; "
        f"table shown after {shown[0]:.2f} s, checked after {checked:.2f} s"
    )
    assert window.model.rowCount() == rows
    assert worst < limit_ms, f"GUI thread stalled {worst:.0f} ms while loading, mostly in:\n{where}"
    return worst


def test_gui_thread_never_freezes_while_a_big_csv_loads(qtbot, window: MainWindow, tmp_path: Path) -> None:
    check_breathing_while_loading(qtbot, window, tmp_path, FREEZE_MS)


def check_breathing_while_uploading(qtbot, window: MainWindow, sample: Path, limit_ms: float) -> float:
    """Upload the sample to the demo sandbox under a heartbeat; the longest gap must stay under the limit."""
    _load(qtbot, window, sample)
    _pick_campaign(qtbot, window, seed.LEMLIST_CAMPAIGN_2)
    finished: list[object] = []
    window.sig_run_finished.connect(finished.append)
    assert window.start_upload()
    worst, where = _heartbeat(qtbot, lambda: bool(finished), RUN_TIMEOUT)
    print(f"\n[heartbeat] uploading 26 rows to the sandbox: longest GUI-thread gap {worst:.0f} ms")
    assert worst < limit_ms, f"GUI thread stalled {worst:.0f} ms while uploading, mostly in:\n{where}"
    return worst


def test_gui_thread_never_freezes_while_uploading(qtbot, window: MainWindow, sample: Path) -> None:
    check_breathing_while_uploading(qtbot, window, sample, FREEZE_MS)


def test_history_dialog_lists_past_runs(qtbot, window: MainWindow, sample: Path, monkeypatch) -> None:

    _load(qtbot, window, sample)
    _pick_campaign(qtbot, window, seed.LEMLIST_CAMPAIGN_2)
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT):
        window.start_upload()
    shown: list[int] = []
    monkeypatch.setattr(HistoryDialog, "exec", lambda self: shown.append(self.table.rowCount()) or 0)
    window.history.show_history()
    assert shown and shown[0] >= 1


def test_retry_failed_rows_and_export_only_failed(
    qtbot, window: MainWindow, sample: Path, tmp_path: Path
) -> None:
    from gui.core.domain import RowOutcome, Status

    _load(qtbot, window, sample)
    _pick_campaign(qtbot, window, seed.LEMLIST_CAMPAIGN_2)
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT):
        window.start_upload()
    # Pretend the provider failed two rows (the demo sandbox injects no faults).
    failed_rows = [3, 4]
    for row in failed_rows:
        window._outcomes[row] = RowOutcome(row, Status.FAILED, "HTTP 503 from lemlist", retryable=True)
    window.model.update_outcomes([window._outcomes[r] for r in failed_rows])
    assert window.model.data(window.model.index(3, 0)) == "Failed"
    out = tmp_path / "failed.csv"
    assert window.export_results(only_failed=True, path=out) >= 2
    with qtbot.waitSignal(window.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        window.results_panel.retry_button.setEnabled(True)
        window.results_panel.retry_button.click()
    report = blocker.args[0]
    assert set(report.outcomes) == set(failed_rows)  # only the failed rows were sent again
    assert all(
        window.model.data(window.model.index(r, 0)) in ("Uploaded", "Duplicate", "Skipped")
        for r in failed_rows
    )
    assert window.results_panel.chart.counts().get("failed", 0) == 0


def test_start_offers_a_recent_file_whose_upload_stopped(qtbot, sample: Path) -> None:
    from gui.core.domain import RowOutcome, RunSummary, Status
    from gui.core.identity import file_fingerprint
    from gui.core.journal import Journal

    journal = Journal()
    try:
        run = journal.start_run(
            fingerprint=file_fingerprint(sample),
            provider="lemlist",
            account="Sandbox",
            destination=seed.LEMLIST_CAMPAIGN,
            destination_name="Q4 Outbound",
            file_name=sample.name,
            total=26,
            mapping={},
            options={},
        )
        journal.record(run.id, [RowOutcome(i, Status.UPLOADED) for i in range(10)])
        journal.finish_run(run.id, RunSummary(total=26, uploaded=10, pending=16), note="cancelled")
    finally:
        journal.close()
    settings = Settings(recent_files=[str(sample)])
    window = MainWindow(settings, CredentialStore(settings=settings))
    qtbot.addWidget(window)
    window.show()
    try:
        window.offer_interrupted_run()
        qtbot.waitUntil(window.resume_banner.isVisible, timeout=LOAD_TIMEOUT)
        assert "16 of 26 rows not sent" in window.resume_label.text()
        with qtbot.waitSignal(window.sig_loaded, timeout=LOAD_TIMEOUT):
            window.resume_button.click()
        assert window.opener.file_label.text() == sample.name
    finally:
        window.shutdown()
