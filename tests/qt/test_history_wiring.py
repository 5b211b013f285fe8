"""The window's few lines of history wiring: removal results land in the open sheet's Status column."""

from __future__ import annotations

import shutil
from pathlib import Path

from gui.core.paths import resource


def test_removed_rows_are_painted_only_when_their_sheet_is_open(qtbot, window, tmp_path: Path) -> None:
    sheet = tmp_path / "leads.csv"
    shutil.copy(resource("sample_leads.csv"), sheet)
    with qtbot.waitSignal(window.sig_loaded, timeout=20_000):
        window.open_file(sheet)
    model = window.model
    window.history.sig_rows_removed.emit("another file's fingerprint", {"Removed": [0]})
    assert not model.status_shown
    words = {"Removed": [0, 2], "Removal failed": [1]}
    window.history.sig_rows_removed.emit(window.opener.fingerprint, words)
    assert model.status_shown
    assert list(model.status_array()[:4]) == ["Removed", "Removal failed", "Removed", ""]
    assert window.history._store is window.store  # removals use the window's accounts
