"""Fixtures shared by the Qt tests."""

from __future__ import annotations

import pytest

from gui.core.credentials import CredentialStore
from gui.core.settings import Settings
from gui.qt.main_window import MainWindow
from gui.qt.workers import live_workers


@pytest.fixture
def window(qtbot):
    """A shown main window on fresh settings; at teardown it shuts down and its workers finish."""
    settings = Settings()
    w = MainWindow(settings, CredentialStore(settings=settings))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.shutdown()
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)
