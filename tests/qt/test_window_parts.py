"""The window's parts: reading options with a live preview, sheet picker, damage notes, results chart,
upload bar words, and the remembered layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from gui.core.credentials import CredentialStore
from gui.core.domain import Progress, RunSummary
from gui.core.settings import Settings
from gui.qt import ui_state
from gui.qt.dialogs.run_history import HistoryDialog
from gui.qt.dialogs.source_dialog import SourceChoice, SourceDialog
from gui.qt.flows.review_results import ReviewResults as ResultsPanel
from gui.qt.main_window import MainWindow
from gui.qt.widgets.status_chart import StatusChart
from gui.qt.widgets.upload_bar import UploadBar, format_duration, progress_words

TIMEOUT = 20_000


def test_reading_options_preview_follows_the_delimiter_and_encoding(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Title line from the CRM\nE-mail;Prénom;Société\nann@x.com;Zoé;Müller AG\n".encode("cp1252")
    )
    dialog = SourceDialog(path, current=SourceChoice(encoding="utf-8", delimiter=","))
    qtbot.addWidget(dialog)
    assert dialog.preview.columnCount() == 1  # the wrong delimiter shows as one wide column
    dialog.delimiter_combo.setCurrentIndex(dialog.delimiter_combo.findData(";"))
    dialog.encoding_combo.setCurrentIndex(dialog.encoding_combo.findData("cp1252"))
    dialog.refresh_preview()
    assert dialog.preview.columnCount() == 3
    assert dialog.preview.item(1, 1).text() == "Prénom"
    dialog.header_spin.setValue(2)
    assert dialog.preview.item(1, 0).font().bold()
    assert dialog.choice() == SourceChoice(sheet=None, header_row=1, encoding="cp1252", delimiter=";")


def test_reloading_with_other_reading_options(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("Title line\nEmail;First name\nann@x.com;Zoé\nbob@y.org;Bob\n".encode("cp1252"))
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.open_file(path, SourceChoice(header_row=1, encoding="cp1252", delimiter=";"))
    assert window.model.column_names == ["Email", "First name"]
    assert window.model.data(window.model.index(0, 1)) == "Zoé"
    assert window.model.headerData(0, Qt.Orientation.Vertical) == "3"  # header on row 2: data starts on row 3
    assert "semicolon" in window.opener.source_label.text()


def test_workbook_with_two_sheets_offers_a_sheet_picker(qtbot, window: MainWindow, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Notes"
    first.append(["Note"])
    first.append(["nothing here"])
    leads = book.create_sheet("Leads")
    leads.append(["Email", "Name"])
    leads.append(["ann@x.com", "Ann"])
    leads.append(["bob@y.org", "Bob"])
    book.save(path)
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.open_file(path)
    assert window.opener.sheet_combo.isVisibleTo(window)
    assert [window.opener.sheet_combo.itemData(i) for i in range(window.opener.sheet_combo.count())] == [
        "Notes",
        "Leads",
    ]
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.opener.sheet_combo.setCurrentIndex(1)
        window.opener.sheet_combo.activated.emit(1)
    assert window.model.column_names == ["Email", "Name"]
    assert window.model.rowCount() == 2


def test_excel_damage_shows_on_the_column_header(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "damaged.csv"
    lines = ["Email,Phone"] + [f"p{i}@x.com,4.47E+11" for i in range(10)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.open_file(path)
    col = window.model.view_column("Phone")
    tip = window.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "scientific notation" in tip
    assert window.model.headerData(col, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole) is not None
    assert window.model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DecorationRole) is None


def test_unreadable_file_says_why(qtbot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook")
    with qtbot.waitSignal(window.sig_load_failed, timeout=TIMEOUT) as blocker:
        window.open_file(path)
    assert "broken.xlsx" in blocker.args[0]
    assert window.model.rowCount() == 0


def test_chart_and_summary_words(qtbot) -> None:
    panel = ResultsPanel()
    qtbot.addWidget(panel)
    summary = RunSummary(total=10, uploaded=6, duplicate=1, invalid=2, failed=1, seconds=3.2)
    panel.show_summary(summary, destination="Q4 Outbound", read_back="verified 6 of 6")
    assert panel.chart.counts() == {"uploaded": 6, "duplicate": 1, "invalid": 2, "failed": 1}
    assert "6 uploaded" in panel.chart.accessibleDescription()
    assert panel.title.text().startswith("Finished with problems: 6 leads added to 'Q4 Outbound'")
    assert "1 row failed" in panel.detail.text() and "Verified 6 of 6." in panel.detail.text()
    assert panel.retry_button.isEnabled() and panel.export_failed_button.isEnabled()
    image = panel.chart.grab().toImage()
    assert not image.isNull() and image.width() > 100
    panel.show_summary(RunSummary(total=3, uploaded=3, seconds=1), destination="X", sandbox=True)
    assert panel.title.text().startswith("Done: 3 leads added to 'X' (sandbox")
    assert not panel.retry_button.isEnabled() and not panel.export_failed_button.isEnabled()
    empty = StatusChart()
    qtbot.addWidget(empty)
    assert not empty.grab().isNull()


def test_history_dialog_shows_runs(qtbot) -> None:
    from gui.core.journal import RunRecord

    record = RunRecord(
        id=1,
        started_at="2026-11-22T10:00:00",
        finished_at=None,
        file_name="leads.csv",
        fingerprint="f",
        provider="lemlist",
        account="Main",
        destination="cam_1",
        destination_name="Q4",
        total=10,
        counts={"uploaded": 4, "failed": 1, "invalid": 1, "pending": 4},
        note="",
    )
    dialog = HistoryDialog([record])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 2).text() == "lemlist: Q4"
    assert dialog.table.item(0, 6).text() == "2"
    assert dialog.table.item(0, 7).text() == "not finished"


def test_upload_bar_words_and_pause(qtbot) -> None:
    assert format_duration(None) == ""
    assert format_duration(12) == "12 s left"
    assert format_duration(600) == "about 10 min left"
    words = progress_words(
        Progress(done=1204, total=9812, rate=9.8, eta_seconds=880, counts={"uploaded": 1200})
    )
    assert words.startswith("1,204 of 9,812 done · 9.8 leads/s · about 15 min left")
    bar = UploadBar()
    qtbot.addWidget(bar)
    bar.set_plan("Upload 3 leads to ‘Q4’", enabled=True)
    assert bar.upload_button.isEnabled()
    bar.start_run(3, "Sending")
    assert bar.running
    with qtbot.waitSignal(bar.sig_pause_toggled) as blocker:
        bar.pause_button.click()
    assert blocker.args == [True] and bar.pause_button.text() == "Resume"
    bar.show_progress(Progress(done=2, total=3))
    assert bar.progress.value() == 2 and bar.progress_label.text().startswith("Paused")
    with qtbot.waitSignal(bar.sig_cancel_clicked):
        bar.cancel_button.click()
    assert not bar.cancel_button.isEnabled()
    bar.finish_run()
    assert not bar.running


def test_layout_is_remembered(qtbot) -> None:
    settings = Settings()
    first = MainWindow(settings, CredentialStore(settings=settings))
    qtbot.addWidget(first)
    first.resize(700, 500)
    first.main_split.setSizes([700, 300])
    ui_state.save_window(first, first._splitters())
    saved = first.main_split.sizes()
    first.shutdown()
    second = MainWindow(settings, CredentialStore(settings=settings))
    qtbot.addWidget(second)
    assert second.size().width() == 700
    assert second.main_split.sizes() == saved
    second.shutdown()


def test_every_action_has_a_shortcut_and_controls_have_names(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox

    for action in (
        window.opener.action_open,
        window.opener.action_reading,
        window.action_undo,
        window.action_redo,
        window.check.action_fix,
        window.view.action_problems,
        window.view.action_next_problem,
        window.action_upload,
        window.action_quit,
        window.action_accounts,
    ):
        assert not action.shortcut().isEmpty(), action.text()
    unnamed = [
        f"{type(w).__name__} in {type(w.parent()).__name__}"
        for w in window.findChildren(QAbstractButton) + window.findChildren(QComboBox)
        if w.isVisibleTo(window)
        and not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text().strip("&…. "))
    ]
    assert not unnamed, unnamed


def test_column_fixes_go_on_the_undo_stack(qtbot, window: MainWindow, tmp_path: Path) -> None:
    from gui.core.fixes import apply_fix

    path = tmp_path / "names.csv"
    path.write_text("Full name,Email\nAnn Lee,ANN@X.COM\nBob Stone,Bob@Y.org\n", encoding="utf-8")
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.open_file(path)
    model = window.model
    frame = model.frame
    email = model.view_column("Email")
    window.check.push_fix("Email", apply_fix(frame, "Email", "lowercase_email"))
    assert model.data(model.index(0, email)) == "ann@x.com"
    window.action_undo.trigger()
    assert model.data(model.index(0, email)) == "ANN@X.COM"
    window.action_redo.trigger()
    assert model.data(model.index(1, email)) == "bob@y.org"

    columns = model.columnCount()
    window.check.push_fix("Full name", apply_fix(frame, "Full name", "split_full_name"))
    assert model.columnCount() == columns + 2
    added = model.column_names[-2:]
    assert [model.data(model.index(0, model.view_column(c))) for c in added] == ["Ann", "Lee"]
    window.action_undo.trigger()
    assert model.columnCount() == columns
    window.action_redo.trigger()
    assert model.columnCount() == columns + 2


def test_fix_dialog_opens_from_the_column(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    from gui.core.fixes import apply_fix
    from gui.qt.dialogs import fix_dialog

    path = tmp_path / "emails.csv"
    path.write_text("Email\nANN@X.COM\n", encoding="utf-8")
    with qtbot.waitSignal(window.sig_loaded, timeout=TIMEOUT):
        window.open_file(path)
    seen: list[str] = []

    def fake_exec(self) -> int:
        seen.append(self.windowTitle())
        self._result = apply_fix(window.model.frame, "Email", "lowercase_email")
        return 1

    monkeypatch.setattr(fix_dialog.FixDialog, "exec", fake_exec)
    window.view.table.setCurrentIndex(window.model.index(0, 0))
    window.check.action_fix.trigger()
    assert seen
    assert window.model.data(window.model.index(0, 0)) == "ann@x.com"
    assert window.undo_stack.count() == 1


def test_wrong_encoding_is_pointed_out(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("Email;Prénom\nann@x.com;Zoé\n".encode("cp1252"))
    dialog = SourceDialog(path, current=SourceChoice(encoding="utf-8", delimiter=";"))
    qtbot.addWidget(dialog)
    assert "wrong encoding" in dialog.message.text()
    dialog.encoding_combo.setCurrentIndex(dialog.encoding_combo.findData("cp1252"))
    dialog.refresh_preview()
    assert "wrong encoding" not in dialog.message.text()
