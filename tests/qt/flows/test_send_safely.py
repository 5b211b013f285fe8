"""The checks before sending, built alone: the flow, the demo sandbox, a three-row sheet.

The window's tests (tests/qt/test_window_safety.py) check that an upload obeys what this flow finds;
these check the flow's own answers: what it reports, when it asks, and that cancel or stop send nothing.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from PySide6.QtWidgets import QWidget

from gui.core.mapping.columns import ColumnMapping
from gui.core.paced_calls import ATTEMPTS
from gui.core.providers import get_spec
from gui.core.providers.client import HttpClient
from gui.demo import demo_client
from gui.qt.flows.send_safely import SafetyInputs, SendSafely
from gui.sandbox import seed
from gui.sandbox.demo import shared_sandbox
from gui.sandbox.faults import Fault, FaultConfig
from gui.sandbox.ledger import DncEntry

TIMEOUT = 30_000
FRAME = pd.DataFrame(
    {
        "Email": ["ann@acme-flow.com", "bob@bobco-flow.com", "cy@optout-flow.io"],
        "First": ["Ann", "", "Cy"],
        "Company": ["Acme", "Bobco", "Optout"],
        "Title": ["CTO", "CEO", "VP"],
        "Industry": ["SaaS", "Retail", "Health"],
        "Line": ["Loved it", "Saw it", "Read it"],
    }
)
MAPPING = ColumnMapping(
    fields={"email": "Email", "firstName": "First", "companyName": "Company", "jobTitle": "Title"},
    custom={"Industry": "industry", "Line": "icebreaker"},
)
ANN, BOB, CY = 0, 1, 2


@pytest.fixture
def flow(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    checks = SendSafely(parent)
    yield checks
    checks.stop()


def _inputs(*, allow_empty: bool = False) -> SafetyInputs:
    return SafetyInputs(
        frame=FRAME,
        mapping=MAPPING,
        spec=get_spec("lemlist"),
        destination=seed.LEMLIST_CAMPAIGN,
        campaign=None,  # the flow reads the campaign's emails itself
        client_factory=lambda: demo_client("lemlist"),
        allow_empty_tags=allow_empty,
    )


def test_it_finds_the_empty_tag_and_the_listed_row_before_anything_is_sent(qtbot, flow: SendSafely) -> None:
    shared_sandbox().ledger.dnc_add(
        "lemlist", DncEntry("uns_flow1", "cy@optout-flow.io", "user", time.time())
    )
    said: list[str] = []
    flow.sig_message.connect(lambda text, _ms: said.append(text))
    with qtbot.waitSignal(flow.sig_passed, timeout=TIMEOUT) as blocker:
        flow.check(_inputs())
        assert flow.running()
    safety = blocker.args[0]
    assert set(safety.invalid) == {BOB} and "{{firstName}}" in safety.invalid[BOB]
    assert set(safety.skipped) == {CY} and "cy@optout-flow.io" in safety.skipped[CY]
    assert any("1 row on the do-not-contact list will be skipped." in line for line in said)
    assert not flow.running()
    assert shared_sandbox().ledger.created("lemlist") == 0


def test_sending_empty_tags_anyway_holds_nothing_back(qtbot, flow: SendSafely) -> None:
    with qtbot.waitSignal(flow.sig_passed, timeout=TIMEOUT) as blocker:
        flow.check(_inputs(allow_empty=True))
    safety = blocker.args[0]
    assert safety.tags.flagged == 1 and safety.invalid == {}


def test_an_unreadable_list_asks_and_going_on_uses_the_local_list(
    qtbot, flow: SendSafely, monkeypatch
) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)  # the pull retries a 5xx, as uploads do
    shared_sandbox().set_faults(
        FaultConfig(
            reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
        )
    )
    flow.check(_inputs())
    qtbot.waitUntil(lambda: flow.box is not None, timeout=TIMEOUT)
    assert flow.box is not None and flow.go_on_button is not None
    assert "could not be read" in flow.box.text()
    assert flow.go_on_button.text() == "Go on with the local list (never pulled)"
    assert flow.running()  # waiting for the answer counts as checking
    with qtbot.waitSignal(flow.sig_passed, timeout=TIMEOUT):
        flow.go_on_button.click()
    assert flow.box is None


def test_cancel_on_the_question_stops_with_no_reason(qtbot, flow: SendSafely, monkeypatch) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)
    shared_sandbox().set_faults(
        FaultConfig(
            reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
        )
    )
    flow.check(_inputs())
    qtbot.waitUntil(lambda: flow.box is not None, timeout=TIMEOUT)
    with qtbot.waitSignal(flow.sig_stopped, timeout=TIMEOUT) as blocker:
        flow.box.reject()
    assert blocker.args == [""]
    assert not flow.running()


def test_a_refused_client_stops_the_upload_and_says_nothing_was_sent(qtbot, flow: SendSafely) -> None:
    from gui.core.errors import CredentialError

    def refused():
        raise CredentialError("No key stored for lemlist account “Main”.")

    inputs = SafetyInputs(**{**_inputs().__dict__, "client_factory": refused})
    with qtbot.waitSignal(flow.sig_stopped, timeout=TIMEOUT) as blocker:
        flow.check(inputs)
    reason = blocker.args[0]
    assert "No key stored" in reason and "Nothing was sent" in reason
