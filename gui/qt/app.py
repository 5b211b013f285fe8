"""Qt layer: the desktop app's start: QApplication, logging, error dialog, first run, file to open.

``main(argv)`` is what ``leadloader [FILE]`` and ``python -m gui [FILE]`` call (argv without the
program name). ``LEADLOADER_QUIT_AFTER_SHOW=1`` quits as soon as the window has been shown and
painted and prints the milliseconds since the process started to stderr, so cold start can be
measured.

Start-up order (DESIGN §5: a usable window within 1.5 s): a small splash, then the main window
built without pandas or the mapping rules (the GUI modules import them lazily), shown and painted;
meanwhile a worker imports the data stack (pandas, the sheet readers, validation), and only then
the window fills the mapping panel and opens the sample sheet or the file asked for.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any


def _process_start() -> float:
    """The ``time.perf_counter()`` reading at the moment this process started.

    Linux gives the start time in /proc (10 ms resolution), which also counts the interpreter's own
    start-up; elsewhere the clock starts when the ``gui`` package was first imported.
    """
    try:
        with open("/proc/self/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        start_s = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22 of proc(5): starttime
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - start_s
        if 0 <= age < 60:
            return time.perf_counter() - age
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    import gui

    return float(getattr(gui, "IMPORTED_AT", time.perf_counter()))


_T0 = _process_start()

from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402 - the clock starts first
from PySide6.QtGui import QFileOpenEvent, QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QVBoxLayout, QWidget  # noqa: E402

if TYPE_CHECKING:
    from gui.core.settings import Settings
    from gui.qt.main_window import MainWindow

log = logging.getLogger(__name__)

ORG_NAME = "LeadLoader"
APP_NAME = "LeadLoader"


class _FileOpenFilter(QObject):
    """macOS delivers a file dropped on the dock icon (or double-clicked) as a QFileOpenEvent."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.window: object | None = None
        self.pending: list[Path] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Open the file in the window, or keep it until the window exists."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = Path(event.file())
            open_file = getattr(self.window, "open_file", None)
            if open_file is not None:
                open_file(path)
            else:
                self.pending.append(path)
            return True
        return super().eventFilter(watched, event)


def _install_excepthook() -> None:
    """An uncaught exception in a slot is logged and shown, instead of vanishing or killing the app."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("Unexpected error:\n%s", text)
        app = QApplication.instance()
        if app is None:
            sys.__excepthook__(exc_type, exc, tb)
            return
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Something went wrong",
            f"LeadLoader hit an unexpected error: {exc}\n\n"
            "Your data is safe: uploads already made are in the journal and can be resumed. "
            "The details are in the log file.",
        )
        box.setDetailedText(text)
        box.setAccessibleName("Unexpected error")
        box.exec()

    sys.excepthook = hook


def _first_run_file(settings: object, store: object, argv_file: Path | None) -> Path | None:
    """The sample sheet on a first run with no account and no file: the whole flow in a minute."""
    if argv_file is not None:
        return argv_file
    from gui.core.paths import resource

    has_account = False
    accounts = getattr(store, "list", None)
    if callable(accounts):
        try:
            has_account = bool(accounts())
        except Exception:
            log.warning("Could not list accounts", exc_info=True)
    if has_account or getattr(settings, "sample_shown", False):
        return None
    try:
        return resource("sample_leads.csv")
    except FileNotFoundError:
        return None


class Splash(QWidget):
    """The icon and a line of text within a few hundred ms, while the window is built.

    Not a QSplashScreen: Qt 6's waits up to a second in its show event for the window to be
    exposed, which it cannot be yet at that point, so every start paid that second.
    """

    def __init__(self) -> None:
        flags = Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint
        super().__init__(None, flags | Qt.WindowType.WindowStaysOnTopHint)
        from gui.qt.style import app_icon

        self.setAccessibleName("LeadLoader is starting")
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(160, 160))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel("Opening LeadLoader…")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(icon)
        layout.addWidget(self.message)
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.move(screen.availableGeometry().center() - self.rect().center())

    def show_now(self, timeout_ms: int = 300) -> None:
        """Show and paint at once (the event loop is not running yet), waiting briefly for the map."""
        self.show()
        deadline = time.perf_counter() + timeout_ms / 1000
        handle = self.windowHandle()
        QApplication.processEvents()
        while handle is not None and not handle.isExposed() and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        self.repaint()
        QApplication.processEvents()


def _show_splash() -> Splash:
    splash = Splash()
    splash.show_now()
    return splash


class _FirstPaint(QObject):
    """Calls back once the window has been painted (not just asked to show).

    A window that is never painted (started minimised, a screen that never exposes it) still gets
    its call after ``fallback_ms``, with ``painted=False``, so the app finishes starting anyway.
    """

    def __init__(self, window: QWidget, callback: Any, fallback_ms: int = 3000) -> None:
        super().__init__(window)
        self._callback = callback
        self._done = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, lambda: self._fire(window, painted=False))

    def _fire(self, window: QObject, *, painted: bool) -> None:
        if self._done:
            return
        self._done = True
        window.removeEventFilter(self)
        QTimer.singleShot(0, self, lambda: self._callback(painted))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the window's first paint, call back after the paint (and its flush) completes."""
        if not self._done and event.type() == QEvent.Type.Paint:
            self._fire(watched, painted=True)
        return False


def create_app(argv: Sequence[str]) -> QApplication:
    """The QApplication with names, icon and style (reused when one exists, as in tests)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0], *argv])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    from gui import __version__
    from gui.qt.style import app_icon, apply_app_style

    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    apply_app_style(app)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the desktop app; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    file_arg = next((Path(a) for a in args if not a.startswith("-")), None)
    app = create_app(args)
    file_filter = _FileOpenFilter(app)
    app.installEventFilter(file_filter)
    splash = _show_splash()
    splash_ms = (time.perf_counter() - _T0) * 1000

    from gui.core.logs import setup_logging

    setup_logging()
    _install_excepthook()

    from gui.core.credentials import CredentialStore
    from gui.core.settings import load_settings
    from gui.qt.main_window import MainWindow

    settings = load_settings()
    store = CredentialStore(settings=settings)
    window = MainWindow(settings, store, defer_data=True)
    file_filter.window = window
    timings: dict[str, float] = {}

    def data_ready() -> None:
        timings["ready"] = (time.perf_counter() - _T0) * 1000
        _prune_journal_later(window, settings.keep_runs_days)
        to_open = _first_run_file(settings, store, file_arg)
        if to_open is not None and file_arg is None:
            settings.sample_shown = True
        _open_first(window, settings, to_open, file_arg, file_filter)

    def painted(was_painted: bool) -> None:
        if was_painted:
            timings["window"] = (time.perf_counter() - _T0) * 1000
        else:
            log.warning("The window was not painted within 3 s of being shown; finishing the start anyway")
        splash.close()
        splash.deleteLater()
        window.finish_start(on_ready=data_ready)

    _FirstPaint(window, painted)
    window.show()

    if os.environ.get("LEADLOADER_QUIT_AFTER_SHOW") == "1":
        _quit_when_measured(app, window, splash_ms, timings)

    code = app.exec()
    window.shutdown()
    return int(code)


def _prune_journal_later(window: MainWindow, days: int) -> None:
    """Drop finished runs past the retention setting, off the GUI thread (compacting may take a while)."""
    from gui.core.journal import Journal
    from gui.qt.workers import start_worker

    def prune(_progress: object, _cancel: object) -> int:
        journal = Journal()
        try:
            return journal.prune(days)
        finally:
            journal.close()

    def pruned(gone: int) -> None:
        if gone:
            log.info("Pruned %d finished runs older than %d days", gone, days)

    worker = start_worker(prune, parent=window)
    worker.sig_succeeded.connect(pruned)
    worker.sig_failed.connect(lambda exc: log.warning("The journal could not be pruned: %s", exc))
    # Waited for at quit: a QThread destroyed while it still runs aborts the process.
    window.keep_until_quit(worker)


def _open_first(
    window: MainWindow,
    settings: Settings,
    to_open: Path | None,
    file_arg: Path | None,
    file_filter: _FileOpenFilter,
) -> None:
    """What the window opens on: the demo, the file asked for, or the offer to resume a run."""
    if to_open is not None and file_arg is None:
        window.start_demo()
    elif to_open is not None:
        window.open_file(to_open)
    else:
        window.offer_interrupted_run()
    for path in file_filter.pending:
        window.open_file(path)
    file_filter.pending.clear()
    if settings.note:
        window.statusBar().showMessage(settings.note, 15000)


def _quit_when_measured(
    app: QApplication, window: MainWindow, splash_ms: float, timings: dict[str, float]
) -> None:
    """``LEADLOADER_QUIT_AFTER_SHOW=1``: report once the window is painted and its data stack loaded.

    Also reports the longest pause of the event loop between the first paint and the end of the
    start (the window must stay responsive while the workers load pandas and list campaigns).
    """
    started = time.perf_counter()
    ticks = {"last": 0.0, "longest": 0.0}

    def check() -> None:
        now = time.perf_counter()
        if "window" in timings:
            if ticks["last"]:
                ticks["longest"] = max(ticks["longest"], now - ticks["last"])
            ticks["last"] = now
        if "ready" not in timings and now - started < 60:
            return
        timer.stop()
        window_ms = timings.get("window", float("nan"))
        ready_ms = timings.get("ready", float("nan"))
        print(
            f"leadloader: splash shown after {splash_ms:.0f} ms, window shown after {window_ms:.0f} ms, "
            f"data stack loaded after {ready_ms:.0f} ms (longest event-loop pause meanwhile "
            f"{ticks['longest'] * 1000:.0f} ms)",
            file=sys.stderr,
        )
        window.shutdown()
        app.quit()

    timer = QTimer(window)
    timer.setInterval(5)
    timer.timeout.connect(check)
    timer.start()
