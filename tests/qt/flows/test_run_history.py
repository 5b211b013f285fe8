"""The run-history flow alone: its action reads the journal and lists every past run."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from gui.core.domain import RunSummary
from gui.core.journal import Journal
from gui.qt.flows import run_history
from gui.qt.flows.run_history import RunHistory


def _record_run(file_name: str, uploaded: int) -> None:
    journal = Journal()
    try:
        record = journal.start_run(
            fingerprint=f"fp-{file_name}",
            file_name=file_name,
            provider="lemlist",
            account="Sandbox",
            destination="cam_1",
            destination_name="Spring",
            mapping={"Email": "email"},
            options={},
            total=uploaded,
        )
        journal.finish_run(record.id, RunSummary(total=uploaded, uploaded=uploaded))
    finally:
        journal.close()


def test_the_action_lists_each_past_run_newest_first(qtbot, monkeypatch) -> None:
    _record_run("march.csv", 3)
    _record_run("april.csv", 5)
    parent = QWidget()
    qtbot.addWidget(parent)
    flow = RunHistory(parent)
    shown: list[list[str]] = []

    def fake_exec(dialog: run_history.HistoryDialog) -> int:
        shown.append([dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())])
        return 0

    monkeypatch.setattr(run_history.HistoryDialog, "exec", fake_exec)
    with qtbot.waitSignal(flow.action_history.triggered, timeout=2000):
        flow.action_history.trigger()
    assert shown == [["april.csv", "march.csv"]]
    assert flow.action_history.shortcut().toString() == "Ctrl+H"


def test_an_empty_journal_says_no_uploads_yet(qtbot) -> None:
    dialog = run_history.HistoryDialog([])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert any(label.text() == "No uploads yet." for label in dialog.findChildren(run_history.QLabel))
