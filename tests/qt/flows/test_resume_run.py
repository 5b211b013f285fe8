"""The resume banner alone: the start-time offer (file unchanged) and the per-sheet resume / start over."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.domain import RowOutcome, RunSummary, Status
from gui.core.journal import Journal, RunRecord, file_fingerprint
from gui.qt.flows.resume_run import ResumeRun


def _interrupted_run(path: Path, *, total: int = 26, sent: int = 10) -> RunRecord:
    journal = Journal()
    try:
        run = journal.start_run(
            fingerprint=file_fingerprint(path),
            provider="lemlist",
            account="Main",
            destination="cam_q4",
            destination_name="Q4 Outbound",
            file_name=path.name,
            total=total,
            mapping={},
            options={},
        )
        journal.record(run.id, [RowOutcome(i, Status.UPLOADED) for i in range(sent)])
        summary = RunSummary(total=total, uploaded=sent, pending=total - sent)
        journal.finish_run(run.id, summary, note="cancelled")
        record = next(r for r in journal.history(5) if r.id == run.id)
    finally:
        journal.close()
    return record


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("email\n" + "".join(f"p{i}@example.com\n" for i in range(26)), encoding="utf-8")
    return path


@pytest.fixture
def make_banner(qtbot):
    made: list[ResumeRun] = []

    def make(sheet_open: bool = False) -> ResumeRun:
        banner = ResumeRun(lambda: sheet_open)
        qtbot.addWidget(banner)  # hidden until it has something to offer
        made.append(banner)
        return banner

    yield make
    for banner in made:
        banner.shutdown()


def test_start_offers_an_unchanged_recent_file_and_asks_to_open_it(qtbot, make_banner, sheet: Path) -> None:
    _interrupted_run(sheet)
    banner = make_banner()
    banner.offer_interrupted([str(sheet)])
    qtbot.waitUntil(banner.isVisible, timeout=5000)
    assert "16 of 26 rows not sent" in banner.label.text()
    assert "Q4 Outbound" in banner.label.text()
    assert banner.resume_button.text() == "Open it to resume"
    assert not banner.start_over_button.isVisible()
    with qtbot.waitSignal(banner.sig_open_file, timeout=2000) as opened:
        banner.resume_button.click()
    assert opened.args == [sheet]
    assert not banner.isVisible()


def test_an_edited_file_is_never_offered(qtbot, make_banner, sheet: Path) -> None:
    _interrupted_run(sheet)
    sheet.write_text(sheet.read_text(encoding="utf-8") + "late@example.com\n", encoding="utf-8")
    banner = make_banner()
    banner.offer_interrupted([str(sheet)])
    assert banner.worker is not None
    with qtbot.waitSignal(banner.worker.sig_succeeded, timeout=5000) as checked:
        pass
    assert checked.args == [None]
    assert not banner.isVisible()


def test_no_offer_while_a_sheet_is_open_or_for_a_file_not_recent(qtbot, make_banner, sheet: Path) -> None:
    _interrupted_run(sheet)
    banner = make_banner(sheet_open=True)
    banner.offer_interrupted([str(sheet)])
    assert banner.worker is not None
    with qtbot.waitSignal(banner.worker.sig_succeeded, timeout=5000):
        pass
    assert not banner.isVisible()
    other = make_banner()
    other.offer_interrupted([])
    assert other.worker is None and not other.isVisible()


def test_the_open_sheets_run_offers_resume_and_start_over(qtbot, make_banner, sheet: Path) -> None:
    record = _interrupted_run(sheet, total=40, sent=15)
    banner = make_banner(sheet_open=True)
    banner.show_resumable(record, "Q4 Outbound")
    assert banner.isVisible() and banner.start_over_button.isVisible()
    assert banner.resume_button.text() == "Resume upload"
    assert "25 of 40 rows not sent yet" in banner.label.text()
    with qtbot.waitSignal(banner.sig_resume, timeout=2000):
        banner.resume_button.click()
    with qtbot.waitSignal(banner.sig_start_over, timeout=2000):
        banner.start_over_button.click()
    banner.show_resumable(None)
    assert not banner.isVisible()
