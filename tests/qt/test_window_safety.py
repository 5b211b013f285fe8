"""The window sends safely: empty merge tags held back, the do-not-contact list obeyed, a full disk shown.

Everything runs against the in-process demo sandbox (the window's sandbox account), as the other
window tests do. The lemlist demo campaign's emails use ``{{firstName}}``, ``{{companyName}}``,
``{{icebreaker}}``, ``{{jobTitle}}`` and (in a branch) ``{{industry}}``; the sheet below provides
all of them, except Bob's first name.
"""

from __future__ import annotations

import errno
import time
from pathlib import Path

import pytest

from gui.core.domain import Status
from gui.core.journal import Journal, JournalError
from gui.core.paced_calls import ATTEMPTS
from gui.core.providers.client import HttpClient
from gui.qt.main_window import MainWindow
from gui.sandbox import seed
from gui.sandbox.demo import shared_sandbox
from gui.sandbox.faults import Fault, FaultConfig
from gui.sandbox.ledger import DncEntry
from tests.qt.test_main_window import choose_campaign

TIMEOUT = 30_000
HEADER = "Email,First Name,Last Name,Company,Job Title,Industry,Icebreaker\n"
ROWS = (
    "ann@acme-safe.com,Ann,Archer,Acme,CTO,SaaS,Loved your talk\n"
    "bob@bobco-safe.com,,Baker,Bobco,CEO,Retail,Saw your post\n"  # no first name: "Hi ,"
    "cy@optout-safe.io,Cy,Cole,Optout,VP Sales,Health,Read your thread\n"
)
ANN, BOB, CY = 0, 1, 2


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def _ready(
    qtbot, window: MainWindow, path: Path, campaign: str = seed.LEMLIST_CAMPAIGN, *, allow_empty: bool = False
) -> None:
    """Open the sheet, pick the campaign, and wait until its emails are read and the sheet checked."""
    with qtbot.waitSignals([window.sig_loaded, window.sig_validated], timeout=TIMEOUT):
        window.open_file(path)
    choose_campaign(qtbot, window, campaign)
    qtbot.waitUntil(lambda: window.preview.check.checked, timeout=TIMEOUT)
    window.preview.allow_empty.setChecked(allow_empty)
    qtbot.waitUntil(window.upload_bar.upload_button.isEnabled, timeout=TIMEOUT)


def _upload(qtbot, window: MainWindow):
    with qtbot.waitSignal(window.sig_run_finished, timeout=TIMEOUT) as blocker:
        window.upload_bar.upload_button.click()
    report = blocker.args[0]
    assert report is not None and not report.fatal
    return report


def _status(window: MainWindow, row: int) -> str:
    return window.model.data(window.model.index(row, 0))


def _sent(email: str) -> bool:
    return shared_sandbox().ledger.has("lemlist", seed.LEMLIST_CAMPAIGN, email)


def test_a_row_with_an_empty_merge_tag_is_invalid_and_not_sent(
    qtbot, window: MainWindow, sheet: Path
) -> None:
    _ready(qtbot, window, sheet)
    assert window.preview.check.flagged == 1
    assert window.preview.allow_empty.isVisible() and not window.preview.allow_empty.isChecked()
    assert "1 row with an empty merge tag will not be sent" in window.upload_bar.hint.text()
    assert window.upload_bar.upload_button.text().startswith("Upload 2 leads")  # Bob is not counted

    report = _upload(qtbot, window)
    bob = report.outcomes[BOB]
    assert bob.status is Status.INVALID
    assert "{{firstName}}" in bob.reason and "step" in bob.reason
    assert _status(window, BOB) == "Invalid"
    assert report.outcomes[ANN].status is Status.UPLOADED
    assert _sent("ann@acme-safe.com") and not _sent("bob@bobco-safe.com")


def test_the_checkbox_sends_rows_with_empty_tags(qtbot, window: MainWindow, sheet: Path) -> None:
    _ready(qtbot, window, sheet)
    window.preview.allow_empty.setChecked(True)
    assert "will be sent anyway" in window.upload_bar.hint.text()
    report = _upload(qtbot, window)
    assert report.outcomes[BOB].status is Status.UPLOADED
    assert _sent("bob@bobco-safe.com")


def test_a_row_on_the_providers_list_is_skipped_and_counted_before_sending(
    qtbot, window: MainWindow, sheet: Path
) -> None:
    shared_sandbox().ledger.dnc_add(
        "lemlist", DncEntry("uns_safe1", "cy@optout-safe.io", "user", time.time())
    )
    _ready(qtbot, window, sheet)
    window.preview.allow_empty.setChecked(True)
    said: list[str] = []
    window.safety.sig_message.connect(lambda text, _ms: said.append(text))
    counted: list[object] = []
    window.safety.sig_passed.connect(counted.append)

    report = _upload(qtbot, window)
    assert counted, "the checks ran before the upload"
    assert any("1 row on the do-not-contact list will be skipped." in line for line in said)
    cy = report.outcomes[CY]
    assert cy.status is Status.SKIPPED
    assert "cy@optout-safe.io" in cy.reason and "from lemlist unsubscribes" in cy.reason
    assert _status(window, CY) == "Skipped"
    assert not _sent("cy@optout-safe.io")
    assert report.outcomes[ANN].status is Status.UPLOADED


def test_a_failed_pull_stops_the_upload_until_the_user_goes_on_with_the_local_list(
    qtbot, window: MainWindow, sheet: Path, monkeypatch
) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)  # the pull retries a 5xx, as uploads do
    _ready(qtbot, window, sheet)
    window.preview.allow_empty.setChecked(True)
    sandbox = shared_sandbox()
    sandbox.set_faults(
        FaultConfig(
            reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
        )
    )
    window.upload_bar.upload_button.click()
    qtbot.waitUntil(lambda: window.safety.box is not None, timeout=TIMEOUT)
    box, go_on = window.safety.box, window.safety.go_on_button
    assert box is not None and go_on is not None
    assert "do-not-contact list could not be read, so the upload did not start" in box.text()
    assert go_on.text() == "Go on with the local list (never pulled)"
    assert not window.run.running() and sandbox.ledger.created("lemlist") == 0

    with qtbot.waitSignal(window.sig_run_finished, timeout=TIMEOUT) as blocker:
        go_on.click()
    report = blocker.args[0]
    assert report is not None and report.outcomes[ANN].status is Status.UPLOADED
    assert _sent("ann@acme-safe.com")


def test_cancel_on_a_failed_pull_sends_nothing(qtbot, window: MainWindow, sheet: Path, monkeypatch) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)  # the pull retries a 5xx, as uploads do
    _ready(qtbot, window, sheet)
    shared_sandbox().set_faults(
        FaultConfig(
            reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
        )
    )
    window.upload_bar.upload_button.click()
    qtbot.waitUntil(lambda: window.safety.box is not None, timeout=TIMEOUT)
    window.safety.box.reject()
    qtbot.waitUntil(lambda: not window.run_in_progress(), timeout=TIMEOUT)
    assert window.upload_bar.upload_button.isEnabled() and not window.upload_bar.running
    assert not _sent("ann@acme-safe.com")


def test_the_preview_follows_the_selected_row_and_the_provider(
    qtbot, window: MainWindow, sheet: Path
) -> None:
    _ready(qtbot, window, sheet)
    assert window.emails_box.isVisible()
    qtbot.waitUntil(lambda: "Hi Ann," in window.preview.view.toPlainText(), timeout=TIMEOUT)
    table = window.view.table
    table.setCurrentIndex(window.model.index(BOB, 1))
    qtbot.waitUntil(lambda: "Hi Ann," not in window.preview.view.toPlainText(), timeout=TIMEOUT)
    assert "Would go out empty for this prospect: {{firstName}}" in window.preview.view.toPlainText()

    window.destination_panel.set_provider("aktify")
    qtbot.waitUntil(
        lambda: "does not publish a campaign's emails" in window.preview.status.text(), timeout=TIMEOUT
    )


def test_a_full_disk_pauses_the_run_with_a_banner(
    qtbot, window: MainWindow, sample_sheet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(qtbot, window, sample_sheet, seed.LEMLIST_CAMPAIGN_2, allow_empty=True)
    real = Journal.record
    state = {"calls": 0, "full": True}

    def record(self: Journal, *args, **kwargs) -> None:
        state["calls"] += 1
        if state["calls"] > 1 and state["full"]:  # the first answers land, then the disk is full
            raise JournalError(self.path, "written", OSError(errno.ENOSPC, "No space left on device"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(Journal, "record", record)
    with qtbot.waitSignal(window.sig_run_finished, timeout=TIMEOUT * 2) as blocker:
        window.upload_bar.upload_button.click()
        qtbot.waitUntil(window.storage_banner.isVisible, timeout=TIMEOUT)
        text = window.storage_label.text()
        assert "disk full" in text and "free some space" in text
        state["full"] = False
        qtbot.waitUntil(lambda: not window.storage_banner.isVisible(), timeout=TIMEOUT)
    report = blocker.args[0]
    assert report is not None and not report.storage and report.summary.pending == 0


def test_a_journal_that_cannot_be_opened_is_a_message_not_a_crash(
    qtbot, window: MainWindow, sheet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(qtbot, window, sheet)

    def full(self: Journal, *args, **kwargs) -> None:
        raise JournalError(Path("/home/x/journal.sqlite"), "opened", OSError(errno.ENOSPC, "No space left"))

    monkeypatch.setattr(Journal, "__init__", full)
    with qtbot.waitSignal(window.sig_run_finished, timeout=TIMEOUT) as blocker:
        window.upload_bar.upload_button.click()
    assert blocker.args[0] is None
    assert "could not be opened: disk full" in window._last_error
    assert "Nothing was sent" in window._last_error and "Free some space" in window._last_error
    assert not _sent("ann@acme-safe.com")


@pytest.fixture
def sample_sheet(tmp_path: Path) -> Path:
    """The app's 26-row sample: enough rows that the journal is written many times in one run."""
    from gui.core.paths import resource

    target = tmp_path / "sample.csv"
    target.write_bytes(resource("sample_leads.csv").read_bytes())
    return target
