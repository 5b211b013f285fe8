"""The open-sheet flow alone: loading in a worker, the source facts, refusals, the lock during a run."""

from __future__ import annotations

from pathlib import Path

from gui.core.settings import Settings
from gui.qt.dialogs.source_dialog import SourceChoice
from gui.qt.flows.open_sheet import OpenSheet

TIMEOUT = 10_000


def _flow(qtbot) -> OpenSheet:
    flow = OpenSheet(Settings())
    qtbot.addWidget(flow)
    return flow


def test_a_csv_loads_and_says_how_it_was_read(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Title line\nEmail;First name\nann@x.com;Zoé\nbob@y.org;Bob\n".encode("cp1252"))
    flow = _flow(qtbot)
    assert not flow.action_reading.isEnabled()  # nothing open yet
    with qtbot.waitSignal(flow.sig_opened, timeout=TIMEOUT) as blocker:
        flow.open_file(path, SourceChoice(header_row=1, encoding="cp1252", delimiter=";"))
    opened_path, sheet, fingerprint = blocker.args
    assert opened_path == path and fingerprint
    assert list(sheet.frame.columns) == ["Email", "First name"]
    assert flow.file_label.text() == "export.csv"
    assert "2 rows × 2 columns" in flow.source_label.text()
    assert "semicolon" in flow.source_label.text()
    assert flow.action_reading.isEnabled()
    assert not flow.loading()


def test_an_unsupported_file_is_refused_with_a_reason(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF")
    flow = _flow(qtbot)
    with qtbot.waitSignal(flow.sig_error, timeout=1000) as blocker:
        flow.open_file(path)
    assert blocker.args[0] == "Cannot open file"
    assert "notes.pdf is not a spreadsheet" in blocker.args[1]


def test_an_unreadable_file_reports_the_failure(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip at all")
    flow = _flow(qtbot)
    with qtbot.waitSignal(flow.sig_load_failed, timeout=TIMEOUT) as blocker:
        flow.open_file(path)
    assert blocker.args[0]
    assert flow.sheet is None


def test_no_other_file_opens_while_locked(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Email\nann@x.com\n", encoding="utf-8")
    flow = _flow(qtbot)
    flow.set_locked(True)
    assert not flow.open_button.isEnabled() and not flow.action_open.isEnabled()
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as blocker:
        flow.open_file(path)
    assert blocker.args[0].startswith("Wait for the upload to finish")
    assert not flow.loading()
