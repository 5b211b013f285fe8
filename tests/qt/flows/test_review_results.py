"""The results flow alone: a run's summary, its buttons' requests, and the export it writes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from gui.core.domain import RowOutcome, RunSummary, Status
from gui.qt.flows.review_results import ReviewResults


def _flow(qtbot) -> ReviewResults:
    flow = ReviewResults()
    qtbot.addWidget(flow)
    return flow


def test_a_run_with_failures_offers_retry_and_export_of_failed_rows(qtbot) -> None:
    flow = _flow(qtbot)
    flow.show_summary(RunSummary(total=5, uploaded=3, failed=2), destination="Spring")
    assert flow.title.text() == "Finished with problems: 3 leads added to 'Spring'"
    assert flow.chart.counts() == {"uploaded": 3, "failed": 2}
    assert flow.retry_button.isEnabled()
    with qtbot.waitSignal(flow.sig_export_requested, timeout=1000) as blocker:
        flow.export_failed_button.click()
    assert blocker.args == [True]
    with qtbot.waitSignal(flow.sig_retry_requested, timeout=1000):
        flow.retry_button.click()


def test_a_clean_run_has_nothing_to_retry(qtbot) -> None:
    flow = _flow(qtbot)
    flow.show_summary(RunSummary(total=4, uploaded=4), destination="Spring", sandbox=True)
    assert flow.title.text().startswith("Done: 4 leads added to 'Spring' (sandbox")
    assert not flow.retry_button.isEnabled()
    assert not flow.export_failed_button.isEnabled()


def test_export_writes_the_rows_with_their_status(qtbot, tmp_path: Path) -> None:
    flow = _flow(qtbot)
    frame = pd.DataFrame({"Email": ["a@example.org", "b@example.org", "c@example.org"]})
    outcomes = {0: RowOutcome(0, Status.UPLOADED), 1: RowOutcome(1, Status.FAILED, "HTTP 503")}
    assert flow.export(frame, outcomes, path=tmp_path / "x.csv") == 0  # no sheet yet: nothing to export
    flow.set_source(tmp_path / "leads.csv")
    out = tmp_path / "failed.csv"
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as blocker:
        written = flow.export(frame, outcomes, only_failed=True, path=out)
    assert written == 1  # only the failed row: the uploaded one stays out
    assert str(out) in blocker.args[0]
    assert "HTTP 503" in out.read_text(encoding="utf-8-sig")


def test_an_unwritable_export_reports_an_error(qtbot, tmp_path: Path) -> None:
    flow = _flow(qtbot)
    flow.set_source(tmp_path / "leads.csv")
    frame = pd.DataFrame({"Email": ["a@example.org"]})
    with qtbot.waitSignal(flow.sig_error, timeout=1000) as blocker:
        assert flow.export(frame, {}, path=tmp_path / "missing" / "dir" / "out.csv") == 0
    assert blocker.args[0] == "Cannot export"
