"""Qt layer: the desktop app's start: QApplication, logging, error dialog, first run, file to open.

``main(argv)`` is what ``leadloader [FILE]`` and ``python -m gui [FILE]`` call (argv without the
program name). ``LEADLOADER_QUIT_AFTER_SHOW=1`` quits as soon as the window is shown and prints
the milliseconds it took to stderr, so cold start can be measured.
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

_T0 = time.perf_counter()

from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402 - the clock starts first
from PySide6.QtGui import QFileOpenEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen  # noqa: E402

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


def _show_splash() -> QSplashScreen:
    """The icon and a line of text within a few hundred ms, while pandas and the panels load."""
    from gui.qt.style import app_icon

    pixmap = app_icon().pixmap(160, 160)
    splash = QSplashScreen(pixmap)
    splash.setAccessibleName("LeadLoader is starting")
    splash.showMessage("Opening LeadLoader…", Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter)
    splash.show()
    QApplication.processEvents()
    return splash


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
    window = MainWindow(settings, store)
    file_filter.window = window
    to_open = _first_run_file(settings, store, file_arg)
    if to_open is not None and file_arg is None:
        settings.sample_shown = True
    window.show()
    splash.finish(window)
    if to_open is not None and file_arg is None:
        window.start_demo()
    elif to_open is not None:
        window.open_file(to_open)
    else:
        window.offer_interrupted_run()
    for path in file_filter.pending:
        window.open_file(path)
    if settings.note:
        window.statusBar().showMessage(settings.note, 15000)

    if os.environ.get("LEADLOADER_QUIT_AFTER_SHOW") == "1":

        def report_and_quit() -> None:
            elapsed = (time.perf_counter() - _T0) * 1000
            print(
                f"leadloader: splash shown after {splash_ms:.0f} ms, window shown after {elapsed:.0f} ms",
                file=sys.stderr,
            )
            window.shutdown()
            app.quit()

        QTimer.singleShot(0, window, report_and_quit)

    code = app.exec()
    window.shutdown()
    return int(code)
