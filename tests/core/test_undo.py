"""Taking an upload back against the sandbox: exactly the run's leads go, none is unsubscribed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from gui.core.domain import Lead
from gui.core.journal import Journal
from gui.core.providers import make_client
from gui.core.undo import UndoRefused, remove_run, undo_target
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob
from gui.sandbox import seed
from gui.sandbox.faults import FaultConfig
from tests.sandbox import spec

KEY = "sandbox-undo"
LEM_DELETE = "/campaigns/{campaignId}/leads/{leadId}"
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


class _Recording(httpx.AsyncBaseTransport):
    """Forwards to the sandbox over 127.0.0.1 and keeps every request, to check it against the spec."""

    def __init__(self, seen: list[httpx.Request]) -> None:
        self.inner = httpx.AsyncHTTPTransport()  # one per client: each attempt runs in its own event loop
        self.seen = seen

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Killed(Exception):
    """Stands for the process dying after the provider answered and before the journal wrote it."""


def _assert_deletes_conform(provider: str, requests: list[httpx.Request]) -> None:
    deletes = [r for r in requests if r.method == "DELETE"]
    assert deletes
    for request in deletes:
        if provider == "lemlist":
            assert re.fullmatch(r".*/campaigns/[^/]+/leads/lea_[^/]+", request.url.path)
            assert dict(request.url.params) == {"action": "remove"}  # without it lemlist unsubscribes
            assert set(request.url.params) <= spec.query_names(spec.LEMLIST, LEM_DELETE, "delete")
        else:
            body = json.loads(request.content)
            assert body["ids"] and len(body["ids"]) <= 1000  # never without ids: that empties the campaign
            spec.assert_conforms(
                spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, "/api/v2/leads", "delete"), body
            )


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_a_kill_mid_removal_with_faults_on_resumes_and_the_campaign_ends_as_before(
    sandbox_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    handle = sandbox_factory(seed=7)
    journal = Journal(tmp_path / "journal.sqlite3")
    before = {lead.id for lead in handle.ledger.leads(provider, TARGETS[provider])}
    n = 12 if provider == "lemlist" else 2500  # Instantly: three requests of at most 1,000 ids
    run_id = _upload(journal, provider, n)
    created = undo_target(journal, run_id)[1]
    assert len(created) == n
    handle.sandbox.set_faults(FaultConfig.spread(0.2))  # faults on for the removal only
    seen: list[httpx.Request] = []

    def client() -> object:
        return make_client(provider, KEY, transport=_Recording(seen))

    real = journal.record_removals
    calls = {"n": 0}

    def dies_on_the_second_write(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise _Killed
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(journal, "record_removals", dies_on_the_second_write)
    with pytest.raises(_Killed):
        remove_run(run_id, client, journal=journal, backoff_base=0.01)  # type: ignore[arg-type]
    # (no monkeypatch.undo(): it would also drop the sandbox URLs; the new Journal below is unpatched)
    journal.close()
    journal = Journal(tmp_path / "journal.sqlite3")  # as the next process finds it
    report = remove_run(run_id, client, journal=journal, backoff_base=0.01)  # type: ignore[arg-type]
    for _ in range(5):  # faults may fail a request after its retries: the user runs it again
        if report.ok:
            break
        report = remove_run(run_id, client, journal=journal, backoff_base=0.01)  # type: ignore[arg-type]
    assert report.ok
    outcomes = [outcome for outcome, _reason in dict(journal.removals(run_id)).values()]
    assert len(outcomes) == len(created) and set(outcomes) <= {"removed", "already_gone"}
    if provider == "lemlist":  # Instantly's bulk delete answers a count, not which ids it found
        assert "already_gone" in outcomes  # the answers the kill lost: found gone, not deleted twice
    assert {lead.id for lead in handle.ledger.leads(provider, TARGETS[provider])} == before
    if provider == "lemlist":
        assert handle.ledger.in_state("lemlist", TARGETS[provider], "unsubscribed") == []
    _assert_deletes_conform(provider, seen)
    journal.close()
