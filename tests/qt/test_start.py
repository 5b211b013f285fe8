"""The app's fast start: a window built with ``defer_data`` asks neither the keyring nor pandas until
it is painted, then ``finish_start`` fills it exactly as an eager window would be filled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from PySide6.QtWidgets import QApplication

import gui
from gui.core.credentials import Account, CredentialStore
from gui.core.demo_account import SANDBOX_LABEL
from gui.core.paths import resource
from gui.core.settings import Settings
from gui.qt import app as app_module
from gui.qt.main_window import MainWindow
from gui.qt.workers import live_workers

LOAD_TIMEOUT = 20_000


class CountingStore(CredentialStore):
    """Counts the keyring reads, so a test can tell the window did not ask before it was shown."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings=settings)
        self.asked = 0

    def list(self, provider: str | None = None) -> list[Account]:
        self.asked += 1
        return super().list(provider)


@pytest.fixture
def deferred(qtbot):
    settings = Settings()
    store = CountingStore(settings)
    w = MainWindow(settings, store, defer_data=True)
    qtbot.addWidget(w)
    w.show()
    yield w, store
    w.shutdown()
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def _finish(qtbot, window: MainWindow) -> None:
    with qtbot.waitCallback(timeout=LOAD_TIMEOUT) as ready:
        window.finish_start(on_ready=ready)


def test_a_deferred_window_asks_the_keyring_only_in_finish_start(qtbot, deferred) -> None:
    window, store = deferred
    panel = window.destination_panel
    assert store.asked == 0
    assert panel.account_combo.count() == 0 and not panel.account_combo.isEnabled()
    assert window.mapping_panel.title.text() == "Match your columns"  # no provider fields yet
    assert window.mapping_panel.status_label.text() == "Loading the provider's fields…"
    assert not window.mapping_panel.save_preset_button.isEnabled()
    assert window.upload_bar.isVisible()

    _finish(qtbot, window)

    assert store.asked >= 1
    assert panel.account_combo.isEnabled()
    assert panel.account_combo.itemText(panel.account_combo.count() - 1) == SANDBOX_LABEL
    assert panel.is_sandbox()  # no saved account: the demo account, as an eager window picks
    assert window.mapping_panel.title.text() == f"Match your columns to {panel.spec().label} fields"
    assert window.mapping_panel.status_label.text() == "Open a sheet to match its columns."
    assert window.sandbox_banner.isVisible()
    qtbot.waitUntil(lambda: bool(panel.campaigns()), timeout=LOAD_TIMEOUT)


def test_a_saved_account_is_preselected_after_finish_start(qtbot) -> None:
    settings = Settings()
    store = CredentialStore(settings=settings)
    store.add("lemlist", "Main", "sandbox-main")
    window = MainWindow(settings, store, defer_data=True)
    qtbot.addWidget(window)
    try:
        _finish(qtbot, window)
        account = window.destination_panel.account()
        assert account is not None and account.label == "Main"
        assert not window.sandbox_banner.isVisible()
    finally:
        window.shutdown()
        qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def test_a_file_opened_before_the_data_stack_is_mapped_once_it_loads(qtbot, deferred, tmp_path: Path) -> None:
    window, _store = deferred
    sheet = tmp_path / "leads.csv"
    shutil.copy(resource("sample_leads.csv"), sheet)
    with qtbot.waitSignal(window.sig_loaded, timeout=LOAD_TIMEOUT):
        window.open_file(sheet)
    assert window.model.rowCount() > 0  # the table shows the sheet even before the rules load

    _finish(qtbot, window)

    assert window.mapping_panel.missing_required() == []  # Email was matched once the rules loaded
    assert window.upload_bar.isVisible()


def test_the_splash_shows_at_once() -> None:
    # Qt's QSplashScreen spent a whole second in its show event waiting for an exposure that
    # cannot come yet; the app's own splash must not.
    started = time.perf_counter()
    splash = app_module.Splash()
    splash.show_now()
    elapsed = time.perf_counter() - started
    try:
        assert splash.isVisible()
        assert splash.accessibleName() == "LeadLoader is starting"
        assert elapsed < 0.9, f"the splash took {elapsed * 1000:.0f} ms to show"
    finally:
        splash.close()
        splash.deleteLater()
        QApplication.processEvents()


def test_the_start_clock_begins_no_later_than_the_first_gui_import() -> None:
    assert app_module._process_start() <= gui.IMPORTED_AT + 1e-6


def test_a_window_never_painted_still_finishes_starting(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    hidden = QWidget()  # never shown: no paint event will come
    qtbot.addWidget(hidden)
    calls: list[bool] = []
    app_module._FirstPaint(hidden, calls.append, fallback_ms=50)
    qtbot.waitUntil(lambda: calls == [False], timeout=2000)


def test_a_painted_window_is_reported_once(qtbot) -> None:
    from PySide6.QtWidgets import QWidget

    shown = QWidget()
    qtbot.addWidget(shown)
    calls: list[bool] = []
    first_paint = app_module._FirstPaint(shown, calls.append, fallback_ms=60_000)
    shown.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=2000)
    shown.repaint()
    first_paint._fire(shown, painted=False)  # what the fallback timer would do later
    QApplication.processEvents()
    assert calls == [True]


def test_managing_accounts_before_the_start_finishes_reads_them(qtbot, deferred) -> None:
    window, store = deferred
    store.add("lemlist", "Main", "sandbox-main")
    window.destination_panel.reload_accounts()  # what the accounts dialog does when it closes
    account = window.destination_panel.account()
    assert account is not None and account.label == "Main"
    assert window.destination_panel.account_combo.isEnabled()


_FIRST_WINDOW = """
import sys
from gui.qt.app import create_app
app = create_app([])
from gui.core.credentials import CredentialStore
from gui.core.settings import load_settings
from gui.qt.main_window import MainWindow
settings = load_settings()
window = MainWindow(settings, CredentialStore(settings=settings), defer_data=True)
window.show()
app.processEvents()
heavy = ("pandas", "numpy", "pyarrow", "httpx", "gui.core.mapping", "gui.core.sheets", "gui.sandbox.app")
print("LOADED", sorted(name for name in heavy if name in sys.modules))
"""


def test_the_first_window_loads_neither_pandas_nor_httpx(tmp_path: Path) -> None:
    # aesthetics.md §5: no pandas at the top of GUI modules; the start-up budget (DESIGN §5) has
    # no room for pandas, pyarrow or httpx before the window is painted.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "LEADLOADER_HOME": str(tmp_path / "home"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    command = [sys.executable, "-c", _FIRST_WINDOW]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stdout, done.stdout
