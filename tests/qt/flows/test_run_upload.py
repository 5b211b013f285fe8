"""The upload flow alone, against the sandbox on 127.0.0.1: plan, run, outcomes, pause, cancel, resume."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from PySide6.QtWidgets import QWidget

from gui.core.domain import Campaign, Status
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec, make_client
from gui.core.validation.checker import validate
from gui.qt.flows.run_upload import RunUpload, UploadInputs
from gui.qt.table_model import LeadTableModel
from gui.qt.workers import live_workers
from gui.sandbox import seed

SPEC = get_spec("lemlist")
MAPPING = ColumnMapping(fields={"email": "Email", "firstName": "First"})
RUN_TIMEOUT = 60_000


def _frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Email": [f"flow.person{i}@runflow-example.com" for i in range(rows)],
            "First": [f"Person{i}" for i in range(rows)],
        }
    )


class Window:
    """What the flow reads from a window, as plain attributes a test can change."""

    def __init__(self, frame: pd.DataFrame, campaign: str | None) -> None:
        self.frame = frame
        self.destination = Campaign(campaign, "Flow test") if campaign else None
        self.path = Path("flow leads.csv")
        self.validation = validate(frame, MAPPING, SPEC)

    def inputs(self) -> UploadInputs:
        return UploadInputs(
            path=self.path,
            fingerprint=f"{len(self.frame)}:flowtest",
            frame=self.frame,
            mapping=MAPPING,
            missing_required=(),
            spec=SPEC,
            destination=self.destination,
            validation=self.validation,
            sandbox=False,
            account="test",
            options={},
            client_factory=lambda: lambda: make_client("lemlist", seed.SANDBOX_KEY),
        )


@pytest.fixture
def make_flow(qtbot, sandbox):
    made: list[RunUpload] = []

    def make(frame: pd.DataFrame, campaign: str | None = seed.LEMLIST_CAMPAIGN_2) -> tuple[RunUpload, Window]:
        parent = QWidget()
        qtbot.addWidget(parent)
        model = LeadTableModel(parent)
        model.set_frame(frame)
        window = Window(frame, campaign)
        flow = RunUpload(model, window.inputs, parent)
        made.append(flow)
        return flow, window

    yield make
    for flow in made:
        flow.stop()
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def test_the_plan_says_what_is_missing_then_what_will_happen(make_flow) -> None:
    flow, window = make_flow(_frame(3), campaign=None)
    assert flow.plan() == (
        "Pick a lemlist campaign to upload",
        False,
        "See step 1 on the right: Where to send.",
    )
    window.destination = Campaign(seed.LEMLIST_CAMPAIGN_2, "Founders")
    assert flow.refresh_plan()
    assert flow.bar.upload_button.text() == "Upload 3 leads to ‘Founders’"


def test_a_run_lands_every_row_and_the_plan_then_has_nothing_left(qtbot, make_flow) -> None:
    flow, _window = make_flow(_frame(4))
    started: list[object] = []
    flow.sig_started.connect(started.append)
    with qtbot.waitSignal(flow.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        assert flow.start()
        assert flow.running() and flow.bar.running
    report = blocker.args[0]
    assert report is not None and report.summary.uploaded == 4
    assert list(started[0]) == [0, 1, 2, 3]
    assert {o.status for o in flow.outcomes.values()} == {Status.UPLOADED}
    assert flow.model.data(flow.model.index(0, 0)) == "Uploaded"
    qtbot.waitUntil(lambda: not flow.running())
    assert not flow.bar.running
    text, enabled, _hint = flow.plan()
    assert text == "All 4 valid leads are in ‘Flow test’" and not enabled
    with qtbot.waitSignal(flow.sig_message) as said:
        assert not flow.retry_failed()
    assert said.args[0] == "No failed rows to retry."


def test_pause_holds_requests_and_a_cancelled_run_is_resumable(qtbot, sandbox_factory, make_flow) -> None:
    sandbox_factory(latency_ms=150)  # slow answers, so the cancel lands before the last row
    flow, _window = make_flow(_frame(60), campaign=seed.LEMLIST_PAUSED_CAMPAIGN)
    assert flow.start()
    flow.bar.pause_button.click()
    assert flow.worker is not None and flow.worker.cancel.paused
    assert flow.bar.pause_button.text() == "Resume"
    flow.bar.pause_button.click()
    assert not flow.worker.cancel.paused
    resumable: list[object] = []
    flow.sig_resumable.connect(resumable.append)
    with qtbot.waitSignal(flow.sig_finished, timeout=RUN_TIMEOUT):
        flow.bar.cancel_button.click()
    report = flow.last_report
    if report.summary.pending == 0:
        pytest.skip("the sandbox took every row before the cancel landed")
    flow.check_resumable()
    assert resumable[-1] is not None and flow.resumable is not None
    assert flow.plan()[0].startswith("Resume the upload to ‘Flow test’")
    with qtbot.waitSignal(flow.sig_run_finished, timeout=RUN_TIMEOUT) as blocker:
        assert flow.start()
    assert blocker.args[0].summary.pending == 0
