"""Qt layer: window geometry and splitter positions, the only state kept in QSettings.

The file lives in the LeadLoader home folder (``LEADLOADER_HOME`` in tests), never in the
user's global Qt settings, so tests cannot touch a real user's layout.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from gui.core.paths import home

FILE_NAME = "window.ini"


def ui_settings() -> QSettings:
    """The QSettings file of the window layout."""
    return QSettings(str(home() / FILE_NAME), QSettings.Format.IniFormat)


def save_window(window: QMainWindow, splitters: dict[str, QSplitter]) -> None:
    """Remember the window's geometry, toolbars/docks and each named splitter."""
    settings = ui_settings()
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    for name, splitter in splitters.items():
        settings.setValue(f"splitters/{name}", splitter.saveState())
    settings.sync()


def restore_window(window: QMainWindow, splitters: dict[str, QSplitter]) -> bool:
    """Put the window back as it was; False when nothing was saved (first run)."""
    settings = ui_settings()
    geometry = settings.value("window/geometry")
    if not isinstance(geometry, QByteArray | bytes) or not geometry:
        return False
    window.restoreGeometry(QByteArray(geometry))
    state = settings.value("window/state")
    if isinstance(state, QByteArray | bytes) and state:
        window.restoreState(QByteArray(state))
    for name, splitter in splitters.items():
        value = settings.value(f"splitters/{name}")
        if isinstance(value, QByteArray | bytes) and value:
            splitter.restoreState(QByteArray(value))
    return True
