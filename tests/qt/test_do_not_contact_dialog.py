"""The do-not-contact dialog, built alone on a list in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtWidgets import QMessageBox

from gui.core.dnc import DncList
from gui.qt.dialogs.do_not_contact import DoNotContactDialog, counts_line


@pytest.fixture
def dnc(tmp_path: Path):
    store = DncList(tmp_path / "dnc.sqlite3")
    yield store
    store.close()


@pytest.fixture
def dialog(qtbot, dnc: DncList) -> DoNotContactDialog:
    box = DoNotContactDialog(dnc)
    qtbot.addWidget(box)
    box.show()
    return box


def test_typed_values_are_added_and_counted(qtbot, dialog: DoNotContactDialog) -> None:
    with qtbot.waitSignal(dialog.sig_changed):
        report = dialog.add_values("jane@acme.com, competitor.com\n+1 212 555 0100\nnonsense")
    assert (report.added, len(report.bad)) == (3, 1)
    assert dialog.table.rowCount() == 3
    assert "3 entries" in dialog.counts.text() and "typed in" in dialog.counts.text()
    assert "1 not usable (‘nonsense’)" in dialog.message.text()


def test_search_narrows_the_table(qtbot, dialog: DoNotContactDialog) -> None:
    dialog.add_values("a@acme.com\nb@beta.io\nacme.org")
    dialog.search.setText("acme")
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2)
    assert {dialog.table.item(r, 0).text() for r in range(2)} == {"a@acme.com", "acme.org"}


def test_import_names_the_file_and_a_corrupt_one_adds_nothing(qtbot, dialog, tmp_path: Path) -> None:
    good = tmp_path / "optouts.csv"
    good.write_text("Who\nann@x.com\nbo@y.com\n", encoding="utf-8")
    with qtbot.waitSignal(dialog.sig_changed):
        dialog.import_file(good)
    assert "From column ‘Who’ of optouts.csv: Added 2" in dialog.message.text()
    assert dialog.table.item(0, 2).text() == "from optouts.csv"
    broken = tmp_path / "bad.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    assert dialog.import_file(broken) is None
    assert "bad.xlsx" in dialog.message.text() and "Nothing was added." in dialog.message.text()
    assert dialog.table.rowCount() == 2


def test_remove_selected_asks_first(qtbot, dialog: DoNotContactDialog, monkeypatch) -> None:
    dialog.add_values("a@x.com\nb@x.com")
    dialog.table.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert dialog.remove_selected() == 0
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.sig_changed):
        assert dialog.remove_selected() == 1
    assert dialog.table.rowCount() == 1


def test_without_a_provider_pull_and_push_are_off(dialog: DoNotContactDialog) -> None:
    assert not dialog.pull_button.isEnabled() and not dialog.push_button.isEnabled()


def test_counts_line_reads_per_kind_and_source() -> None:
    assert counts_line({}).startswith("The list is empty")
    line = counts_line({("email", "lemlist"): 1000, ("domain", "typed"): 4, ("email", "typed"): 200})
    assert line == "1,204 entries: 1,200 emails, 4 domains · 1,000 from lemlist unsubscribes, 204 typed in"


def test_tools_menu_opens_the_list_over_the_window(qtbot, window, monkeypatch) -> None:
    from gui.qt.dialogs import do_not_contact

    opened: list[DoNotContactDialog] = []

    def fake_exec(box: DoNotContactDialog) -> int:
        opened.append(box)
        box.add_values("someone@acme.com")
        return 0

    monkeypatch.setattr(do_not_contact.DoNotContactDialog, "exec", fake_exec)
    assert [a.text() for a in window.menuBar().actions()][-1] == "&Tools"
    assert window.action_dnc in window.menu_tools.actions()
    assert window.action_dnc.text() == "&Do-not-contact list…"
    window.action_dnc.trigger()
    assert len(opened) == 1 and opened[0].parent() is window
    assert opened[0].windowTitle() == "Do-not-contact list"
    assert DncList().counts() == {("email", "typed"): 1}  # the app's own list, in its home folder
