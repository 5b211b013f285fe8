"""The checks before an upload, built alone: a key the provider refuses is said as such."""

from __future__ import annotations

import pandas as pd
import pytest

from PySide6.QtWidgets import QWidget

from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec, make_client
from gui.core.safety import CampaignRead
from gui.qt.flows.send_safely import SafetyInputs, SendSafely
from gui.qt.workers import live_workers
from gui.sandbox import seed

FRAME = pd.DataFrame({"Email": ["ann@acme-safe.com"], "First": ["Ann"]})
MAPPING = ColumnMapping(fields={"email": "Email", "firstName": "First"})


@pytest.fixture
def flow(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    checks = SendSafely(parent)
    yield checks
    checks.stop()
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def test_a_refused_key_stops_the_upload_without_offering_the_local_list(
    qtbot, flow: SendSafely, sandbox
) -> None:
    # The pull is the first request; a 401 is no unreadable list, so no "go on" question.
    inputs = SafetyInputs(
        frame=FRAME,
        mapping=MAPPING,
        spec=get_spec("lemlist"),
        destination=seed.LEMLIST_CAMPAIGN,
        campaign=CampaignRead(None, "not read"),
        client_factory=lambda: make_client("lemlist", "wrong key, not a sandbox one"),
        allow_empty_tags=True,
    )
    with qtbot.waitSignal(flow.sig_stopped, timeout=10_000) as stopped:
        flow.check(inputs)
    reason = stopped.args[0]
    assert "rejected the API key (401)" in reason
    assert "Nothing was sent" in reason
    assert flow.box is None
    assert sandbox.ledger.created() == 0
