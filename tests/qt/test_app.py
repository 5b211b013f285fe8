"""The app's start: ``python -m gui`` opens the window (first run: sample + sandbox) and can report its
cold-start time; the error hook shows and logs instead of crashing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gui.qt import app as app_module


def _run_app(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "LEADLOADER_HOME": str(home),
        "LEADLOADER_QUIT_AFTER_SHOW": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    return subprocess.run(
        [sys.executable, "-m", "gui", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_quit_after_show_reports_the_cold_start(tmp_path: Path) -> None:
    done = _run_app(tmp_path / "home")
    assert done.returncode == 0, done.stderr
    match = re.search(r"splash shown after (\d+) ms, window shown after (\d+) ms", done.stderr)
    assert match, done.stderr
    splash_ms, window_ms = match.groups()
    print(f"\n[cold start] python -m gui: splash after {splash_ms} ms, main window after {window_ms} ms")
    assert (tmp_path / "home" / "settings.json").exists()  # first run remembered (sample shown)


def test_a_file_on_the_command_line_opens_it(tmp_path: Path) -> None:
    sheet = tmp_path / "leads.csv"
    sheet.write_text("Email\nann@x.com\n", encoding="utf-8")
    done = _run_app(tmp_path / "home", str(sheet))
    assert done.returncode == 0, done.stderr


def test_first_run_offers_the_sample_only_without_accounts(monkeypatch) -> None:
    from gui.core.settings import Settings

    class Store:
        def __init__(self, accounts: list[str]) -> None:
            self._accounts = accounts

        def list(self) -> list[str]:
            return self._accounts

    sample = app_module._first_run_file(Settings(), Store([]), None)
    assert sample is not None and sample.name == "sample_leads.csv"
    assert app_module._first_run_file(Settings(), Store(["lemlist: Main"]), None) is None
    assert app_module._first_run_file(Settings(sample_shown=True), Store([]), None) is None
    given = Path("mine.xlsx")
    assert app_module._first_run_file(Settings(), Store([]), given) == given


def test_file_open_event_reaches_the_window(qtbot, tmp_path: Path) -> None:
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    opened: list[Path] = []

    class Window:
        def open_file(self, path: Path) -> None:
            opened.append(path)

    app = QApplication.instance()
    file_filter = app_module._FileOpenFilter(app)
    early = QFileOpenEvent(str(tmp_path / "early.csv"))
    assert file_filter.eventFilter(app, early)
    assert file_filter.pending == [tmp_path / "early.csv"]
    file_filter.window = Window()
    assert file_filter.eventFilter(app, QFileOpenEvent(str(tmp_path / "dock.xlsx")))
    assert opened == [tmp_path / "dock.xlsx"]
    file_filter.deleteLater()


def test_excepthook_logs_and_shows_a_dialog(qtbot, monkeypatch, caplog) -> None:
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(self.text()) or 0)
    previous = sys.excepthook
    try:
        app_module._install_excepthook()
        try:
            raise RuntimeError("boom in a slot")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    assert shown and "boom in a slot" in shown[0]
    assert "boom in a slot" in caplog.text


@pytest.mark.parametrize("name", ["icons/app.svg", "icons/app.png"])
def test_app_icon_is_found(name: str) -> None:
    from gui.core.paths import resource

    if not resource(name).exists():
        pytest.skip(f"{name} not shipped")
    from gui.qt.style import app_icon

    assert not app_icon().isNull()


def test_quit_waits_for_the_journal_prune(qtbot, window, monkeypatch) -> None:
    # A prune still compacting at quit used to abort the app ("QThread: Destroyed while thread
    # 'leadloader-worker-prune' is still running"): the window's shutdown now waits for it.
    import threading

    from gui.core.journal import Journal

    entered, release = threading.Event(), threading.Event()

    def slow_prune(self: Journal, days: int) -> int:
        entered.set()
        release.wait(10)  # the compaction: blocked until the window is shutting down
        return 0

    monkeypatch.setattr(Journal, "prune", slow_prune)
    app_module._prune_journal_later(window, 30)
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    worker = window._until_quit[0]
    assert worker.running
    threading.Timer(0.2, release.set).start()  # the prune ends while shutdown waits for it
    window.shutdown()
    assert not worker.running
