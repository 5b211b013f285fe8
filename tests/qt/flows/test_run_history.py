"""The run-history flow alone: it lists every past run, and takes one back against the sandbox.

Questions to the user are answered by a subclass (:class:`Answering`), so no modal box opens.
"""

from __future__ import annotations

import asyncio
import csv
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from PySide6.QtWidgets import QLabel, QWidget

from gui.core.credentials import CredentialStore
from gui.core.domain import Lead, RunSummary
from gui.core.journal import Journal
from gui.core.providers import make_client
from gui.core.run_lock import hold_run
from gui.core.settings import Settings
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob
from gui.qt.dialogs.run_history import HistoryDialog
from gui.qt.flows.run_history import RunHistory
from gui.qt.workers import live_workers
from gui.sandbox import seed

KEY = "sandbox-history"
CAMPAIGN = seed.LEMLIST_CAMPAIGN


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

    def fake_exec(dialog: HistoryDialog) -> int:
        shown.append([dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())])
        return 0

    monkeypatch.setattr(HistoryDialog, "exec", fake_exec)
    with qtbot.waitSignal(flow.action_history.triggered, timeout=2000):
        flow.action_history.trigger()
    assert shown == [["april.csv", "march.csv"]]
    assert flow.action_history.shortcut().toString() == "Ctrl+H"


def test_an_empty_journal_says_no_uploads_yet(qtbot) -> None:
    dialog = HistoryDialog([])
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert any(label.text() == "No uploads yet." for label in dialog.findChildren(QLabel))
    assert not dialog.remove_button.isEnabled()


# -- taking a run back ------------------------------------------------------------------------------


class Answering(RunHistory):
    """The flow with its questions answered: Yes to the confirmation, a file for each save."""

    def __init__(self, parent: QWidget, store: CredentialStore | None = None, save_to: Path | None = None):
        super().__init__(parent, store)
        self.backoff_base = 0.01
        self.yes = True
        self.save_to = save_to
        self.confirmed: list[str] = []
        self.said: list[tuple[str, str]] = []

    def confirm(self, title: str, text: str) -> bool:
        self.confirmed.append(text)
        return self.yes

    def offer(self, title: str, text: str, action: str) -> bool:
        self.said.append((title, text))
        return self.save_to is not None

    def inform(self, title: str, text: str, *, warning: bool = False) -> None:
        self.said.append((title, text))

    def ask_save_path(self, title: str, suggested: str) -> Path | None:
        return self.save_to


def _upload(provider: str, leads: Sequence[Lead], destination: str, name: str, account: str) -> int:
    journal = Journal()
    try:
        job = UploadJob(
            provider=provider,
            destination=destination,
            destination_name=name,
            account=account,
            leads=tuple(leads),
            invalid={},
            total_rows=len(leads),
            options={},
            mapping={"Email": "email"},
            fingerprint=f"history-{provider}-{len(leads)}",
            file_name="q4.csv",
        )
        report = run_upload(job, lambda: make_client(provider, KEY), journal=journal)
    finally:
        journal.close()
    return report.run_id


def _lemlist_run(n: int = 18) -> int:
    leads = [Lead(i, {"email": f"hist{i}@example.com", "firstName": f"H{i}"}) for i in range(n)]
    # The last row is a lead the campaign already had: it must survive the removal.
    leads.append(Lead(n, {"email": seed.LEMLIST_DUPLICATE_EMAIL, "firstName": "Maya"}))
    return _upload("lemlist", leads, CAMPAIGN, "Q4 outreach", "Main")


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    yield widget
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def _ids(sandbox) -> set[str]:
    return {lead.id for lead in sandbox.ledger.leads("lemlist", CAMPAIGN)}


def _remove(qtbot, flow: RunHistory, run_id: int):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(flow.sig_removal_finished, timeout=30_000) as finished:
        assert flow.remove_leads(run_id)
    return finished.args[0]


def test_removal_leaves_the_campaign_with_exactly_the_leads_it_had(qtbot, sandbox, parent, tmp_path) -> None:
    before = _ids(sandbox)
    run_id = _lemlist_run()
    assert len(_ids(sandbox)) == len(before) + 18
    store = CredentialStore(settings=Settings())
    store.add("lemlist", "Main", KEY)  # the account the run was sent with, found by its label
    flow = Answering(parent, store, save_to=tmp_path / "report.csv")
    painted: dict[str, list[int]] = {}
    flow.sig_rows_removed.connect(
        lambda fp, words: [painted.setdefault(w, []).extend(r) for w, r in words.items()]
    )

    report = _remove(qtbot, flow, run_id)

    assert flow.confirmed == [
        "Remove the 18 leads this upload created from campaign ‘Q4 outreach’? "
        "Leads that were already there are not touched."
    ]
    assert (report.total, report.removed, report.failed, report.ok) == (18, 18, 0, True)
    assert _ids(sandbox) == before
    assert sandbox.ledger.in_state("lemlist", CAMPAIGN, "unsubscribed") == []
    assert {lead.key for lead in sandbox.ledger.leads("lemlist", CAMPAIGN)} >= {seed.LEMLIST_DUPLICATE_EMAIL}
    assert sorted(painted["Removed"]) == list(range(18)) and set(painted) == {"Removed"}
    title, text = flow.said[-1]
    assert title == "Upload taken back" and "Removed: 18" in text and "Failed: 0" in text
    with (tmp_path / "report.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 18 and {r["result"] for r in rows} == {"removed"}
    assert not flow.remove_leads(run_id)  # a second time: nothing left, nothing sent
    assert "already removed" in flow.said[-1][1] and len(flow.confirmed) == 1


def test_cancel_midway_keeps_it_resumable_and_running_again_finishes(qtbot, sandbox, parent) -> None:
    before = _ids(sandbox)
    run_id = _lemlist_run()
    flow = Answering(parent)
    fourth_sent, release = threading.Event(), threading.Event()
    asked: list[str] = []  # lead ids in the order first asked for (a 429 retry asks again)

    def holding_factory() -> object:
        client = make_client("lemlist", KEY)
        real = client.remove

        async def remove(destination: str, ids: Sequence[str]):  # type: ignore[no-untyped-def]
            asked.extend(i for i in ids if i not in asked)
            if len(asked) == 4 and not release.is_set():  # hold the 4th lead's request in flight
                fourth_sent.set()
                while not release.is_set():
                    await asyncio.sleep(0.01)
            return await real(destination, ids)

        client.remove = remove  # type: ignore[method-assign]
        return client

    flow.client_factory_for = lambda _record: holding_factory  # type: ignore[method-assign]
    with qtbot.waitSignal(flow.sig_removal_finished, timeout=30_000) as finished:
        assert flow.remove_leads(run_id)
        qtbot.waitUntil(fourth_sent.is_set, timeout=20_000)
        flow.pause(True)
        assert flow.worker is not None and flow.worker.cancel.paused
        assert flow._progress is not None and flow._progress.pause_button.text() == "Resume"
        flow.pause(False)
        assert flow._progress.label.text() == "Removing 18 leads from ‘Q4 outreach’…"
        flow.cancel()
        release.set()
    stopped = finished.args[0]
    assert stopped.cancelled and (stopped.removed, stopped.pending) == (4, 14)
    assert flow.said[-1][0] == "Removal stopped"
    assert len(_ids(sandbox)) == len(before) + 14

    flow.client_factory_for = lambda _record: lambda: make_client("lemlist", KEY)  # type: ignore[method-assign]
    done = _remove(qtbot, flow, run_id)
    assert "4 were removed by an earlier attempt; the other 14 are removed now." in flow.confirmed[-1]
    assert done.ok and done.removed == 18
    assert _ids(sandbox) == before
    assert len(sandbox.ledger.removed("lemlist")) == 18  # no lead was asked for twice


def test_a_key_that_lost_access_stops_at_once_and_says_so(qtbot, sandbox, parent) -> None:
    run_id = _lemlist_run(5)
    flow = Answering(parent)
    sent: list[int] = []

    def revoked() -> object:
        client = make_client("lemlist", "revoked-key")  # the sandbox answers 401 to any non-sandbox key
        real = client.remove

        async def remove(destination: str, ids: Sequence[str]):  # type: ignore[no-untyped-def]
            sent.append(len(ids))
            return await real(destination, ids)

        client.remove = remove  # type: ignore[method-assign]
        return client

    flow.client_factory_for = lambda _record: revoked  # type: ignore[method-assign]
    report = _remove(qtbot, flow, run_id)
    assert report.fatal and report.removed == 0 and report.pending == 5
    assert sent == [1]  # one refused request, nothing more
    title, text = flow.said[-1]
    assert title == "lemlist refused the key" and "Nothing more was sent." in text
    assert len(sandbox.ledger.removed("lemlist")) == 0


def test_aktify_offers_the_created_leads_as_a_csv(qtbot, sandbox, parent, tmp_path) -> None:
    leads = [Lead(i, {"phoneNumber": f"+1509555{i:04d}", "region": "WA"}) for i in range(4)]
    run_id = _upload("aktify", leads, "default", "Campaign of this key", "Aktify main")
    out = tmp_path / "created.csv"
    flow = Answering(parent, save_to=out)
    dialog = flow.build_dialog()
    qtbot.addWidget(dialog)
    dialog.select_run(run_id)
    assert dialog.remove_button.text() == "Save this upload's leads as CSV…"
    flow.client_factory_for = lambda _r: pytest.fail("no request may be sent")  # type: ignore[method-assign]
    assert flow.remove_leads(run_id)
    assert flow.confirmed == []
    _title, text = flow.said[0]
    assert "Aktify offers no way to delete leads through its API" in text and "4 leads" in text
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    # A cell starting with + would run as a formula in a spreadsheet app: the report's apostrophe guard.
    assert [r["value"] for r in rows] == [f"'+1509555{i:04d}" for i in range(4)]
    assert {r["kind"] for r in rows} == {"phone"} and [r["data_row"] for r in rows] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert flow.said[-1][0] == "Saved"


def test_a_run_still_being_sent_or_that_created_nothing_is_refused(qtbot, parent) -> None:
    _record_run("empty.csv", 0)
    flow = Answering(parent)
    journal = Journal()
    record = journal.history()[0]
    journal.close()
    with hold_run(record.fingerprint, record.provider, record.destination, front_end="leadloader upload"):
        assert not flow.remove_leads(record.id)
    assert "still being sent" in flow.said[-1][1] and "leadloader upload" in flow.said[-1][1]
    assert not flow.remove_leads(record.id)
    assert "created no leads" in flow.said[-1][1]
    assert flow.confirmed == [] and flow.worker is None


def test_the_dialog_button_asks_to_remove_the_selected_run(qtbot, parent) -> None:
    _record_run("march.csv", 3)
    flow = Answering(parent)
    asked: list[int] = []
    dialog = flow.build_dialog()
    qtbot.addWidget(dialog)
    dialog.sig_remove_requested.connect(asked.append)
    assert not dialog.remove_button.isEnabled()
    assert dialog.select_run(dialog.records[0].id)
    assert dialog.remove_button.isEnabled()
    assert dialog.remove_button.text() == "Remove this upload's leads…"
    dialog.remove_button.click()
    assert asked == [dialog.records[0].id]


def test_instantly_removal_takes_back_only_its_leads(qtbot, sandbox, parent) -> None:
    campaign = seed.INSTANTLY_CAMPAIGN
    before = {lead.id for lead in sandbox.ledger.leads("instantly", campaign)}
    leads = [Lead(i, {"email": f"inst{i}@example.com", "first_name": f"I{i}"}) for i in range(5)]
    run_id = _upload("instantly", leads, campaign, "Q4 outreach", "Client B")
    flow = Answering(parent)
    flow.client_factory_for = lambda _record: lambda: make_client("instantly", KEY)  # type: ignore[method-assign]
    report = _remove(qtbot, flow, run_id)
    assert report.ok and report.removed + report.already_gone == 5
    assert {lead.id for lead in sandbox.ledger.leads("instantly", campaign)} == before


def test_the_progress_dialog_turns_esc_and_the_close_box_into_one_cancel(qtbot) -> None:
    from gui.core.domain import Progress
    from gui.qt.dialogs.removal_progress import RemovalProgressDialog

    box = RemovalProgressDialog(18, "Q4 outreach")
    qtbot.addWidget(box)
    box.show()
    box.show_progress(Progress(5, 18, counts={"removed": 4, "already_gone": 1}))
    assert box.counts.text() == "5 of 18: 4 removed, 1 already gone" and box.bar.value() == 5
    with qtbot.waitSignal(box.sig_cancel_clicked):
        box.reject()
    box.close()  # the close box while stopping: no second cancel, the dialog stays until the end
    assert box.isVisible() and not box.cancel_button.isEnabled()
    box.finish()
    assert not box.isVisible()
