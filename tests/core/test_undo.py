"""Taking an upload back against the sandbox: exactly the run's leads go, none is unsubscribed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.domain import Lead
from gui.core.journal import Journal
from gui.core.providers import make_client
from gui.core.undo import UndoRefused, remove_run, undo_target
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob
from gui.sandbox import seed

KEY = "sandbox-undo"
TARGETS = {"lemlist": seed.LEMLIST_CAMPAIGN, "instantly": seed.INSTANTLY_CAMPAIGN}


def _upload(journal: Journal, provider: str, n: int) -> int:
    first = "first_name" if provider == "instantly" else "firstName"
    leads = tuple(Lead(i, {"email": f"undo{i}@example.com", first: f"U{i}"}) for i in range(n))
    job = UploadJob(
        provider=provider,
        destination=TARGETS[provider],
        destination_name="Demo",
        account="demo",
        leads=leads,
        invalid={},
        total_rows=n,
        options={},
        mapping={"Email": "email"},
        fingerprint=f"undo-{provider}-{n}",
        file_name="undo.csv",
    )
    report = run_upload(job, lambda: make_client(provider, KEY), journal=journal)
    assert report.summary.uploaded == n
    return report.run_id


@pytest.fixture
def journal(tmp_path: Path):
    store = Journal(tmp_path / "journal.sqlite3")
    yield store
    store.close()


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_the_campaign_ends_with_exactly_the_leads_it_had_before(
    sandbox, journal: Journal, provider: str
) -> None:
    before = {lead.id for lead in sandbox.ledger.leads(provider, TARGETS[provider])}
    run_id = _upload(journal, provider, 6)
    assert len(sandbox.ledger.leads(provider, TARGETS[provider])) == len(before) + 6
    report = remove_run(run_id, lambda: make_client(provider, KEY), journal=journal, backoff_base=0.01)
    assert (report.total, report.removed + report.already_gone, report.failed) == (6, 6, 0)
    assert report.ok
    assert {lead.id for lead in sandbox.ledger.leads(provider, TARGETS[provider])} == before
    if provider == "lemlist":
        assert sandbox.ledger.in_state("lemlist", TARGETS[provider], "unsubscribed") == []


def test_running_it_again_deletes_nothing_twice(sandbox, journal: Journal) -> None:
    run_id = _upload(journal, "lemlist", 3)
    remove_run(run_id, lambda: make_client("lemlist", KEY), journal=journal, backoff_base=0.01)
    again = remove_run(run_id, lambda: make_client("lemlist", KEY), journal=journal, backoff_base=0.01)
    assert again.ok and again.removed == 3  # from the journal: no lead is asked for a second time
    assert len(sandbox.ledger.removed("lemlist")) == 3


def test_unknown_runs_and_providers_without_delete_are_refused(sandbox, journal: Journal) -> None:
    with pytest.raises(UndoRefused, match="no run 999"):
        undo_target(journal, 999)
