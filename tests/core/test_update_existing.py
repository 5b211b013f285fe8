"""Updating leads that are already there, against the sandbox on 127.0.0.1 (issue 19, providers-next.md §4).

Each test uploads a sheet, changes some cells, and uploads it again with ``update_existing``:
only the changed leads are PATCHed, with only the changed fields, and nothing is created.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from gui.core import update
from gui.core.domain import Lead, RowOutcome, Status
from gui.core.journal import Journal
from gui.core.providers import get_spec, make_client
from gui.core.update import UpdateRefused
from gui.core.upload import run_upload
from gui.core.upload_job import RunReport, Tuning, UploadJob
from gui.sandbox import seed
from gui.sandbox.faults import FaultConfig
from tests.core.test_undo import _Killed, _Recording
from tests.core.test_upload import make_job
from tests.sandbox import spec

KEY = "sandbox-update"
TARGETS = {
    "lemlist": seed.LEMLIST_CAMPAIGN,
    "instantly": seed.INSTANTLY_CAMPAIGN,
    "sendpilot": seed.SENDPILOT_CAMPAIGN,
    "aktify": "default",
}
#: Our names for the same concepts, per provider.
NAMES = {
    "lemlist": {"first": "firstName", "title": "jobTitle", "company": "companyName", "phone": "phone"},
    "instantly": {"first": "first_name", "title": "job_title", "company": "company_name", "phone": "phone"},
}
LEM_PATCH = "/campaigns/{campaignId}/leads/{leadId}"
LEM_VARIABLES = "/leads/{leadId}/variables"
LEM_FIND = "/leads/{email}"
INST_PATCH = "/api/v2/leads/{id}"
#: Retries that wait milliseconds, not seconds.
QUICK = Tuning(backoff_base=0.01)


def _sheet(provider: str, n: int = 20, *, changed: Sequence[int] = (), tag: str = "") -> tuple[Lead, ...]:
    """``n`` rows; the ``changed`` ones have a new first name and job title."""
    names = NAMES[provider]
    leads = []
    for i in range(n):
        new = i in changed
        fields = {
            "email": f"update{tag}{i}@example.com",
            names["first"]: f"New{i}" if new else f"Ann{i}",
            names["title"]: "Head of Sales" if new else "Sales lead",
            names["company"]: "Acme",
        }
        leads.append(Lead(i, fields, {"region": "EMEA"}))
    return tuple(leads)


def _job(provider: str, leads: tuple[Lead, ...], *, update: bool, fingerprint: str) -> UploadJob:
    return make_job(
        len(leads),
        provider=provider,
        account="demo",  # one account: the upload and the update runs share its pacer
        leads=leads,
        destination=TARGETS[provider],
        options={},
        fingerprint=fingerprint,
        update_existing=update,
    )


def _client(provider: str, seen: list[httpx.Request]) -> Callable[[], object]:
    return lambda: make_client(provider, KEY, transport=_Recording(seen))


def _run(journal: Journal, job: UploadJob, seen: list[httpx.Request] | None = None) -> RunReport:
    factory = _client(job.provider, seen if seen is not None else [])
    return run_upload(job, factory, journal=journal, tuning=QUICK)  # type: ignore[arg-type]


@pytest.fixture
def journal(tmp_path: Path):
    store = Journal(tmp_path / "journal.sqlite3")
    yield store
    store.close()


def _patches(provider: str, seen: list[httpx.Request]) -> list[httpx.Request]:
    return [r for r in seen if r.method == "PATCH" or (r.method == "POST" and "/variables" in r.url.path)]


def _assert_conform(provider: str, seen: list[httpx.Request]) -> None:
    """Every update and lookup request matches the provider's OpenAPI file."""
    for request in seen:
        path = request.url.path
        if provider == "lemlist":
            if request.method == "PATCH" and re.fullmatch(r".*/campaigns/[^/]+/leads/lea_[^/]+", path):
                body = json.loads(request.content)
                spec.assert_conforms(
                    spec.LEMLIST, spec.request_schema(spec.LEMLIST, LEM_PATCH, "patch"), body
                )
                assert set(body) <= {
                    "firstName",
                    "lastName",
                    "companyName",
                    "jobTitle",
                    "preferredContactMethod",
                }
            elif "/variables" in path:
                assert re.fullmatch(r".*/leads/lea_[^/]+/variables", path)
                assert request.content == b""  # lemlist takes the values in the query string (§4)
            elif request.method == "GET" and re.fullmatch(r".*/leads/[^/]+@[^/]+", path):
                # ``campaignId`` is providers-next.md §4's filter; the OpenAPI lists only ``version``.
                assert set(request.url.params) <= spec.query_names(spec.LEMLIST, LEM_FIND, "get") | {
                    "campaignId"
                }
        elif request.method == "PATCH":
            body = json.loads(request.content)
            spec.assert_conforms(
                spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, INST_PATCH, "patch"), body
            )
            assert body  # minProperties: 1
        elif path.endswith("/api/v2/leads/list"):
            body = json.loads(request.content)
            spec.assert_conforms(
                spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, "/api/v2/leads/list", "post"), body
            )


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_two_fields_changed_in_five_rows_patch_exactly_those(
    sandbox, journal: Journal, provider: str
) -> None:
    first = _run(journal, _job(provider, _sheet(provider), update=False, fingerprint=f"{provider}-v1"))
    assert first.summary.uploaded == 20
    created = sandbox.ledger.created(provider)
    changed = [2, 5, 7, 11, 19]
    seen: list[httpx.Request] = []
    report = _run(
        journal,
        _job(provider, _sheet(provider, changed=changed), update=True, fingerprint=f"{provider}-v2"),
        seen,
    )

    assert sandbox.ledger.created(provider) == created  # nothing created
    assert report.summary.updated == 5 and report.summary.uploaded == 0
    assert report.summary.duplicate == 15 and report.summary.failed == 0
    names = NAMES[provider]
    for row, outcome in report.outcomes.items():
        if row in changed:
            assert outcome.status is Status.UPDATED
            assert outcome.reason == f"updated: {names['first']}, {names['title']}"
        else:
            assert outcome.status is Status.DUPLICATE, outcome
    patches = sandbox.ledger.patches(provider)
    assert len(patches) == 5
    ids = {lead.payload["email"]: lead.id for lead in sandbox.ledger.leads(provider, TARGETS[provider])}
    assert {lead_id for lead_id, _ in patches} == {ids[f"update{i}@example.com"] for i in changed}
    for _lead_id, change in patches:
        assert set(change) == {names["first"], names["title"]}
    assert len(_patches(provider, seen)) == 5
    assert not [r for r in seen if r.method == "POST" and r.url.path.endswith(("/leads/", "/leads/add"))]
    for i in changed:
        lead = sandbox.ledger.find(provider, TARGETS[provider], f"update{i}@example.com")
        assert lead is not None
        assert lead.payload[names["first"]] == f"New{i}" and lead.payload[names["title"]] == "Head of Sales"
    _assert_conform(provider, seen)

    again: list[httpx.Request] = []  # the same sheet once more: nothing left to change
    third = _run(
        journal,
        _job(provider, _sheet(provider, changed=changed), update=True, fingerprint=f"{provider}-v3"),
        again,
    )
    assert third.summary.updated == 0 and third.summary.duplicate == 20
    assert _patches(provider, again) == []


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_a_lead_the_journal_does_not_know_is_looked_up(sandbox, journal: Journal, provider: str) -> None:
    # Uploaded from another machine: this journal has no record of it, the provider answers duplicate.
    other = Journal(journal.path.parent / "other.sqlite3")
    try:
        _run(
            other,
            _job(provider, _sheet(provider, 3, tag="x"), update=False, fingerprint=f"{provider}-elsewhere"),
        )
    finally:
        other.close()
    seen: list[httpx.Request] = []
    report = _run(
        journal,
        _job(
            provider, _sheet(provider, 3, changed=[1], tag="x"), update=True, fingerprint=f"{provider}-here"
        ),
        seen,
    )
    assert [report.outcomes[r].status for r in range(3)] == [
        Status.DUPLICATE,
        Status.UPDATED,
        Status.DUPLICATE,
    ]
    assert "nothing changed" in report.outcomes[0].reason
    lookups = [
        r
        for r in seen
        if (r.method == "GET" and "@" in r.url.path) or r.url.path.endswith("/api/v2/leads/list")
    ]
    assert len(lookups) == 3  # every duplicate: the provider says what it holds and the lead's id
    assert len(sandbox.ledger.patches(provider)) == 1
    _assert_conform(provider, seen)


def test_a_field_lemlist_cannot_change_is_named_and_the_rest_goes(sandbox, journal: Journal) -> None:
    leads = _sheet("lemlist", 4)
    _run(journal, _job("lemlist", leads, update=False, fingerprint="lem-phone-v1"))
    edited = list(leads)
    edited[1] = Lead(1, {**leads[1].fields, "phone": "+33612345678", "jobTitle": "CEO"}, leads[1].custom)
    edited[2] = Lead(2, {**leads[2].fields, "phone": "+33600000000"}, leads[2].custom)
    edited[3] = Lead(3, leads[3].fields, {"region": "APAC", "tier": "gold"})
    report = _run(journal, _job("lemlist", tuple(edited), update=True, fingerprint="lem-phone-v2"))
    one, two, three = (report.outcomes[r] for r in (1, 2, 3))
    assert one.status is Status.UPDATED
    assert one.reason.startswith("updated: jobTitle; phone not changed: lemlist's API cannot change phone")
    assert two.status is Status.DUPLICATE and "phone not changed" in two.reason  # nothing it could change
    assert three.status is Status.UPDATED and three.reason == "updated: region, tier"
    lead_three = sandbox.ledger.find("lemlist", TARGETS["lemlist"], "update3@example.com")
    assert lead_three is not None and (lead_three.payload["region"], lead_three.payload["tier"]) == (
        "APAC",
        "gold",
    )
    assert report.summary.failed == 0  # the run went on


def test_a_field_the_provider_refuses_is_named_and_the_run_goes_on(sandbox, journal: Journal) -> None:
    leads = _sheet("lemlist", 3)
    first = _run(journal, _job("lemlist", leads, update=False, fingerprint="lem-refuse-v1"))
    # Someone deleted the lead's "region" variable in lemlist: changing it is refused (400).
    lead_id = first.outcomes[0].provider_id
    stored = sandbox.ledger.by_id("lemlist", TARGETS["lemlist"], lead_id)
    box = {k: v for k, v in stored.payload.items() if k != "region"}
    sandbox.ledger.remove("lemlist", TARGETS["lemlist"], lead_id)
    sandbox.ledger.add("lemlist", TARGETS["lemlist"], lead_id, stored.key, box)
    edited = (
        Lead(0, {**leads[0].fields, "jobTitle": "CTO"}, {"region": "LATAM"}),
        Lead(1, {**leads[1].fields, "jobTitle": "CFO"}, leads[1].custom),
        leads[2],
    )
    report = _run(journal, _job("lemlist", edited, update=True, fingerprint="lem-refuse-v2"))
    zero, one = report.outcomes[0], report.outcomes[1]
    assert zero.status is Status.UPDATED
    assert zero.reason == "updated: jobTitle; region not changed: lemlist refused (400): Variable not found"
    assert one.status is Status.UPDATED and one.reason == "updated: jobTitle"
    assert report.outcomes[2].status is Status.DUPLICATE


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_a_kill_mid_update_resumes_without_patching_twice(
    sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    _run(journal, _job(provider, _sheet(provider, 8), update=False, fingerprint=f"{provider}-kill-v1"))
    changed = [1, 3, 4, 6]
    job = _job(provider, _sheet(provider, 8, changed=changed), update=True, fingerprint=f"{provider}-kill-v2")
    real = update.record_update
    updated: list[int] = []

    def dies_recording_the_third_update(
        journal: Journal, run_id: int, outcome: RowOutcome, key: str, values: str | None, **kw: bool
    ) -> None:
        updated.extend([outcome.row] if outcome.status is Status.UPDATED else [])
        if len(updated) == 3:
            raise _Killed  # after the provider's answer, before the journal has it
        real(journal, run_id, outcome, key, values, **kw)

    monkeypatch.setattr(update, "record_update", dies_recording_the_third_update)
    with pytest.raises(_Killed):
        _run(journal, job)
    assert len(sandbox.ledger.patches(provider)) == 3  # the third landed; the journal never heard
    monkeypatch.setattr(update, "record_update", real)
    journal.close()
    journal = Journal(tmp_path / "journal.sqlite3")  # as the next process finds it
    seen: list[httpx.Request] = []
    report = _run(journal, job, seen)
    assert len(sandbox.ledger.patches(provider)) == 4  # the fourth only: none sent twice
    assert sorted(r for r, o in report.outcomes.items() if o.status is Status.UPDATED) == changed
    landed = [o for o in report.outcomes.values() if "earlier attempt" in o.reason]
    assert len(landed) == 1  # found in place by asking the provider, not sent again
    assert report.summary.updated == 4 and report.summary.duplicate == 4
    _assert_conform(provider, seen)
    journal.close()


@pytest.mark.parametrize("provider", ["sendpilot", "aktify"])
def test_providers_without_an_update_say_so_and_send_nothing(
    sandbox, journal: Journal, provider: str
) -> None:
    job = _job(provider, (Lead(0, {"email": "x@example.com"}),), update=True, fingerprint=f"{provider}-none")
    with pytest.raises(UpdateRefused, match="offers no way to update a lead"):
        run_upload(job, lambda: make_client(provider, KEY), journal=journal)
    assert sandbox.ledger.requests(provider) == 0
    assert journal.history() == []


def test_updates_lost_to_server_errors_are_checked_and_sent_by_the_next_run(
    sandbox, journal: Journal
) -> None:
    _run(journal, _job("lemlist", _sheet("lemlist", 6), update=False, fingerprint="lem-500-v1"))
    changed = [0, 3]
    job = _job("lemlist", _sheet("lemlist", 6, changed=changed), update=True, fingerprint="lem-500-v2")
    sandbox.sandbox.set_faults(FaultConfig(error_before_commit=1.0, providers=frozenset({"lemlist"})))
    failed = _run(journal, job)
    assert [r for r, o in failed.outcomes.items() if o.status is Status.FAILED] == changed
    assert failed.outcomes[0].reason.startswith(
        "could not update (firstName, jobTitle): lemlist had a server error"
    )
    assert not failed.summary.ok and sandbox.ledger.patches("lemlist") == []
    sandbox.sandbox.set_faults(FaultConfig())
    seen: list[httpx.Request] = []
    again = _run(journal, job, seen)  # the same command again
    assert sorted(r for r, o in again.outcomes.items() if o.status is Status.UPDATED) == changed
    assert len(sandbox.ledger.patches("lemlist")) == 2
    assert sum(1 for r in seen if r.method == "GET" and "@" in r.url.path) == 2  # asked what each lead holds
    assert again.summary.ok and again.summary.updated == 2


def test_a_dry_run_says_which_fields_it_would_update_and_sends_nothing(sandbox, journal: Journal) -> None:
    _run(journal, _job("instantly", _sheet("instantly", 6), update=False, fingerprint="inst-dry-v1"))
    requests = sandbox.ledger.requests("instantly")
    job = _job("instantly", _sheet("instantly", 6, changed=[2]), update=True, fingerprint="inst-dry-v2")
    report = run_upload(replace(job, dry_run=True), lambda: make_client("instantly", KEY), journal=journal)
    assert report.outcomes[2] == RowOutcome(2, Status.PENDING, "dry run: would update first_name, job_title")
    assert {report.outcomes[r].status for r in (0, 1, 3, 4, 5)} == {Status.DUPLICATE}
    assert report.summary.dry_run and report.summary.ok
    assert sandbox.ledger.requests("instantly") == requests


def test_a_lead_deleted_in_the_provider_since_fails_alone_naming_why(sandbox, journal: Journal) -> None:
    first = _run(journal, _job("instantly", _sheet("instantly", 3), update=False, fingerprint="inst-gone-v1"))
    sandbox.ledger.remove("instantly", TARGETS["instantly"], first.outcomes[1].provider_id)  # deleted by hand
    report = _run(
        journal, _job("instantly", _sheet("instantly", 3, changed=[1, 2]), update=True, fingerprint="g2")
    )
    gone, fine = report.outcomes[1], report.outcomes[2]
    assert gone.status is Status.FAILED
    assert (
        gone.reason
        == "not updated: first_name, job_title not changed: Instantly refused (404): Lead not found"
    )
    assert fine.status is Status.UPDATED and fine.reason == "updated: first_name, job_title"
    assert sandbox.ledger.created("instantly") == 2  # nothing created again


def test_a_routed_run_does_not_update_and_says_why() -> None:
    from gui.core.update import ROUTED_REFUSAL, UpdateRefused, check_updatable

    with pytest.raises(UpdateRefused, match="one campaign or list at a time"):
        check_updatable(get_spec("lemlist"), routed=True)
    check_updatable(get_spec("lemlist"))  # one campaign: allowed
    assert "upload to each campaign on its own" in ROUTED_REFUSAL
