"""The four provider clients against the sandbox on 127.0.0.1 (issue 4 acceptance, client layer).

For each provider: listing returns every seeded campaign across pages; a clean 50-row set uploads
fully with custom fields in the provider's shape (checked on the sandbox's ledger); pre-seeded
duplicates come back duplicate; invalid rows come back invalid with the provider's reason; a wrong
key is an AuthError. The upload tests switch the per-key limits of the one-lead providers off so
the suite stays fast; one test keeps lemlist's documented limit and honours its 429s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import pytest

from gui.core.domain import Lead, RowOutcome, Status
from gui.core.errors import AuthError, ForbiddenError, PlanError, RateLimited
from gui.core.providers import make_client
from gui.core.providers.base import ProviderClient, destination_of
from gui.sandbox import seed

KEY = seed.SANDBOX_KEY
ROWS = 50


def run(provider: str, fn: Callable[[ProviderClient], Awaitable[Any]], key: str = KEY) -> Any:
    async def go() -> Any:
        client = make_client(provider, key)
        try:
            return await fn(client)
        finally:
            await client.aclose()

    return asyncio.run(go())


async def send_all(
    client: ProviderClient,
    leads: Sequence[Lead],
    destination: str,
    options: dict[str, bool | str] | None = None,
    in_flight: int = 8,
) -> list[RowOutcome]:
    """Send in the provider's batch size, a few in flight, waiting out 429s the way the engine would."""
    size = client.spec.batch_size
    gate = asyncio.Semaphore(in_flight)

    async def one(batch: Sequence[Lead]) -> Sequence[RowOutcome]:
        for _ in range(50):
            try:
                async with gate:
                    result = await client.send(batch, destination, options or {})
                assert [o.row for o in result.outcomes] == [lead.row for lead in batch]
                return result.outcomes
            except RateLimited as exc:
                await asyncio.sleep(exc.retry_after if exc.retry_after is not None else 0.2)
        pytest.fail("still rate-limited after 50 tries")

    batches = [leads[start : start + size] for start in range(0, len(leads), size)]
    results = await asyncio.gather(*(one(b) for b in batches))
    return [outcome for outcomes in results for outcome in outcomes]


def statuses(outcomes: Sequence[RowOutcome]) -> list[Status]:
    return [o.status for o in outcomes]


@pytest.fixture
def unthrottled(sandbox_factory: Callable[..., Any]) -> Any:
    """A sandbox without per-key limits (the 429 path is tested on its own)."""
    return sandbox_factory(limits={"lemlist": None, "aktify": None, "sendpilot": None})


# -- listing ------------------------------------------------------------------------------------------------


def test_every_seeded_campaign_is_listed_across_pages(sandbox: Any) -> None:
    lemlist = run("lemlist", lambda c: c.list_campaigns())
    assert [c.id for c in lemlist] == [c["_id"] for c in seed.lemlist_campaigns()]
    assert len(lemlist) == seed.LEMLIST_CAMPAIGN_COUNT > 100
    error = next(c for c in lemlist if c.id == seed.LEMLIST_ERROR_CAMPAIGN)
    assert error.warning == "Your campaign does not have sender."

    instantly = run("instantly", lambda c: c.list_campaigns())
    campaigns = [c for c in instantly if c.kind == "campaign"]
    lists = [c for c in instantly if c.kind == "list"]
    assert [c.id for c in campaigns] == [c["id"] for c in seed.instantly_campaigns()]
    assert [c.id for c in lists] == [c["id"] for c in seed.instantly_lists()]
    assert next(c for c in campaigns if c.id == seed.INSTANTLY_CAMPAIGN).status == "Active"
    assert all(c.status and not c.status.lstrip("-").isdigit() for c in campaigns)

    sendpilot = run("sendpilot", lambda c: c.list_campaigns())
    assert [c.id for c in sendpilot] == [c["id"] for c in seed.sendpilot_campaigns()]

    aktify = run("aktify", lambda c: c.list_campaigns())
    assert [(c.id, c.name) for c in aktify] == [("default", "Campaign of this key")]


def test_check_key_and_wrong_keys(sandbox: Any) -> None:
    for provider in ("lemlist", "instantly", "aktify", "sendpilot"):
        assert run(provider, lambda c: c.check_key())
        with pytest.raises(AuthError):
            run(provider, lambda c: c.check_key(), key="wrong-key")
    with pytest.raises(PlanError):
        run("instantly", lambda c: c.check_key(), key=seed.INSTANTLY_UNPAID_KEY)
    with pytest.raises(ForbiddenError, match="blocked"):
        run("lemlist", lambda c: c.check_key(), key=seed.LEMLIST_BLOCKED_KEY)


# -- lemlist ------------------------------------------------------------------------------------------------


def test_lemlist_clean_upload_duplicates_invalid_and_read_back(unthrottled: Any) -> None:
    leads = [
        Lead(
            i,
            {"email": f"lead{i:02d}@acme-sandbox.com", "firstName": f"F{i}"},
            {"industry": "SaaS", "rank": str(i)},
        )
        for i in range(ROWS)
    ]
    outcomes = run("lemlist", lambda c: send_all(c, leads, seed.LEMLIST_CAMPAIGN))
    assert statuses(outcomes) == [Status.UPLOADED] * ROWS
    assert all(o.provider_id.startswith("lea_") for o in outcomes)
    payloads = unthrottled.ledger.payloads("lemlist", seed.LEMLIST_CAMPAIGN)
    assert len(payloads) == ROWS
    assert next(p for p in payloads if p["email"] == "lead07@acme-sandbox.com") == {
        "email": "lead07@acme-sandbox.com",
        "firstName": "F7",
        "industry": "SaaS",
        "rank": "7",
    }

    back = run("lemlist", lambda c: c.read_back(seed.LEMLIST_CAMPAIGN, [o.provider_id for o in outcomes]))
    assert (back.checked, back.found) == (ROWS, ROWS)
    states = run("lemlist", lambda c: c.lead_states(seed.LEMLIST_CAMPAIGN))  # type: ignore[attr-defined]
    assert sum(states.values()) >= ROWS

    tricky = [
        Lead(100, {"email": seed.LEMLIST_DUPLICATE_EMAIL}),
        Lead(101, {"email": seed.LEMLIST_OTHER_CAMPAIGN_EMAIL}),
        Lead(102, {"email": "not-an-email"}),
        Lead(103, {"firstName": "No contact"}),
    ]
    outcomes = run("lemlist", lambda c: send_all(c, tricky, seed.LEMLIST_CAMPAIGN, {"deduplicate": True}))
    assert statuses(outcomes) == [Status.DUPLICATE, Status.DUPLICATE, Status.INVALID, Status.INVALID]
    assert outcomes[0].reason == "Lead already in the campaign"
    assert outcomes[1].reason == "Lead already in other campaign"
    assert outcomes[2].reason == "Bad params: email is not valid"
    assert unthrottled.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == ROWS


def test_lemlist_at_its_documented_limit_answers_429_with_retry_after(sandbox: Any) -> None:
    leads = [Lead(i, {"email": f"fast{i:02d}@acme-sandbox.com"}) for i in range(30)]
    outcomes = run("lemlist", lambda c: send_all(c, leads, seed.LEMLIST_CAMPAIGN))
    assert statuses(outcomes) == [Status.UPLOADED] * 30
    assert sandbox.ledger.throttled("lemlist") > 0  # we went too fast on purpose, and recovered
    assert sandbox.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 30


# -- Instantly ----------------------------------------------------------------------------------------------


def test_instantly_clean_upload_in_custom_variables(sandbox: Any) -> None:
    leads = [
        Lead(
            i,
            {"email": f"lead{i:02d}@acme-sandbox.com", "first_name": f"F{i}"},
            {"Plan": "Pro", "seats": str(i)},
        )
        for i in range(ROWS)
    ]
    outcomes = run("instantly", lambda c: send_all(c, leads, seed.INSTANTLY_CAMPAIGN))
    assert statuses(outcomes) == [Status.UPLOADED] * ROWS
    assert len({o.provider_id for o in outcomes}) == ROWS
    payloads = sandbox.ledger.payloads("instantly", seed.INSTANTLY_CAMPAIGN)
    assert payloads[3] == {
        "email": "lead03@acme-sandbox.com",
        "first_name": "F3",
        "custom_variables": {"Plan": "Pro", "seats": "3"},
    }
    typed = [Lead(0, {"email": "typed@acme-sandbox.com"}, {"seats": "12", "zip": "02134", "vip": "TRUE"})]
    run("instantly", lambda c: send_all(c, typed, seed.INSTANTLY_CAMPAIGN, {"typed_custom_variables": True}))
    stored = sandbox.ledger.payloads("instantly", seed.INSTANTLY_CAMPAIGN)[-1]
    assert stored["custom_variables"] == {"seats": 12, "zip": "02134", "vip": True}


def test_instantly_duplicates_skips_and_invalid_rows_in_one_batch(sandbox: Any) -> None:
    batch = [
        Lead(0, {"email": "fresh@acme-sandbox.com"}),
        Lead(1, {"email": seed.INSTANTLY_DUPLICATE_EMAIL}),
        Lead(2, {"email": "bad-address"}),
        Lead(3, {"email": "FRESH@acme-sandbox.com"}),
        Lead(4, {"email": "second@acme-sandbox.com"}),
    ]
    outcomes = run("instantly", lambda c: send_all(c, batch, seed.INSTANTLY_CAMPAIGN))
    assert statuses(outcomes) == [
        Status.UPLOADED,
        Status.DUPLICATE,
        Status.INVALID,
        Status.DUPLICATE,
        Status.UPLOADED,
    ]
    assert outcomes[3].reason.startswith("the same email is on an earlier row")
    assert outcomes[2].reason == "Instantly: invalid or missing email"

    skipped = [
        Lead(0, {"email": seed.INSTANTLY_OTHER_CAMPAIGN_EMAIL}),
        Lead(1, {"email": seed.INSTANTLY_BLOCKLISTED_EMAIL}),
        Lead(2, {"email": "third@acme-sandbox.com"}),
    ]
    outcomes = run(
        "instantly", lambda c: send_all(c, skipped, seed.INSTANTLY_CAMPAIGN, {"skip_if_in_campaign": True})
    )
    assert statuses(outcomes) == [Status.SKIPPED, Status.SKIPPED, Status.UPLOADED]


def test_instantly_list_destination_and_replay(sandbox: Any) -> None:
    lists = [c for c in run("instantly", lambda c: c.list_campaigns()) if c.id == seed.INSTANTLY_LIST]
    destination = destination_of(lists[0])
    batch = [
        Lead(0, {"first_name": "Only a name"}),
        Lead(1, {"email": seed.INSTANTLY_LIST_DUPLICATE_EMAIL}),
        Lead(2, {"company_name": "Nobody"}),
    ]
    outcomes = run("instantly", lambda c: send_all(c, batch, destination))
    assert statuses(outcomes) == [Status.UPLOADED, Status.DUPLICATE, Status.INVALID]

    fresh = [Lead(0, {"email": "replayed@acme-sandbox.com"}), Lead(1, {"email": "new@acme-sandbox.com"})]
    run("instantly", lambda c: send_all(c, fresh[:1], seed.INSTANTLY_CAMPAIGN))  # the "lost" first attempt

    async def replay(c: ProviderClient) -> Any:
        return await c.send(fresh, seed.INSTANTLY_CAMPAIGN, {}, replay=True)

    result = run("instantly", replay)
    assert statuses(result.outcomes) == [Status.UPLOADED, Status.UPLOADED]
    assert "earlier attempt" in result.outcomes[0].reason
    emails = [p["email"] for p in sandbox.ledger.payloads("instantly", seed.INSTANTLY_CAMPAIGN)]
    assert emails.count("replayed@acme-sandbox.com") == 1


def test_instantly_400_naming_a_lead_fails_only_that_row(sandbox: Any) -> None:
    batch = [
        Lead(0, {"email": "a@acme-sandbox.com"}),
        Lead(1, {"email": "b@acme-sandbox.com", "not_a_field": "x"}),
        Lead(2, {"email": "c@acme-sandbox.com"}),
    ]
    outcomes = run("instantly", lambda c: send_all(c, batch, seed.INSTANTLY_CAMPAIGN))
    assert statuses(outcomes) == [Status.FAILED, Status.INVALID, Status.FAILED]
    assert outcomes[0].retryable and "leads/1" in outcomes[1].reason
    again = run("instantly", lambda c: send_all(c, [batch[0], batch[2]], seed.INSTANTLY_CAMPAIGN))
    assert statuses(again) == [Status.UPLOADED, Status.UPLOADED]


# -- Aktify -------------------------------------------------------------------------------------------------


def test_aktify_clean_upload_duplicate_and_invalid(unthrottled: Any) -> None:
    leads = [
        Lead(
            i,
            {"phoneNumber": f"+1509555{i:04d}", "region": "CA", "firstName": f"F{i}"},
            {"batch": "B1", "n": str(i)},
        )
        for i in range(ROWS)
    ]
    outcomes = run("aktify", lambda c: send_all(c, leads, "default"), key=seed.AKTIFY_KEY)
    assert statuses(outcomes) == [Status.UPLOADED] * ROWS
    payloads = unthrottled.ledger.payloads("aktify", seed.AKTIFY_KEY)
    assert len(payloads) == ROWS
    fifth = next(p for p in payloads if p["phoneNumber"] == "+15095550005")
    assert fifth["metadata"] == {"batch": "B1", "n": "5"} and fifth["region"] == "CA"

    tricky = [
        Lead(0, {"phoneNumber": seed.AKTIFY_DUPLICATE_PHONE, "region": "WA"}),
        Lead(1, {"phoneNumber": "+15095559999", "region": "ZZ"}),
        Lead(2, {"phoneNumber": "12", "zipCode": "90210"}),
    ]
    outcomes = run("aktify", lambda c: send_all(c, tricky, "default"), key=seed.AKTIFY_KEY)
    assert statuses(outcomes) == [Status.DUPLICATE, Status.INVALID, Status.INVALID]
    assert outcomes[1].reason == "Aktify: region must be a US state code"
    assert "phoneNumber must be a valid US phone number" in outcomes[2].reason
    assert run("aktify", lambda c: c.read_back("default", ["x"]), key=seed.AKTIFY_KEY) is None


# -- SendPilot ----------------------------------------------------------------------------------------------


def test_sendpilot_clean_upload_flat_fields_duplicates_invalid_and_read_back(unthrottled: Any) -> None:
    leads = [
        Lead(
            i,
            {"linkedinUrl": f"https://www.linkedin.com/in/sandbox-lead-{i}", "firstName": f"F{i}"},
            {"industry": "SaaS"},
        )
        for i in range(ROWS)
    ]
    outcomes = run("sendpilot", lambda c: send_all(c, leads, seed.SENDPILOT_CAMPAIGN))
    assert statuses(outcomes) == [Status.UPLOADED] * ROWS
    payloads = unthrottled.ledger.payloads("sendpilot", seed.SENDPILOT_CAMPAIGN)
    assert payloads[9] == {
        "linkedinUrl": "https://www.linkedin.com/in/sandbox-lead-9",
        "firstName": "F9",
        "industry": "SaaS",
    }
    back = run("sendpilot", lambda c: c.read_back(seed.SENDPILOT_CAMPAIGN, [o.provider_id for o in outcomes]))
    assert (back.checked, back.found) == (ROWS, ROWS)

    tricky = [
        Lead(0, {"linkedinUrl": "https://linkedin.com/in/brand-new-person"}),
        Lead(1, {"linkedinUrl": seed.SENDPILOT_DUPLICATE_LINKEDIN + "/"}),
        Lead(2, {"linkedinUrl": "https://example.com/not-linkedin"}),
        Lead(3, {"linkedinUrl": "https://www.linkedin.com/in/sandbox-lead-3"}),
        Lead(4, {"linkedinUrl": "https://uk.linkedin.com/in/Brand-New-Person"}),
    ]
    outcomes = run("sendpilot", lambda c: send_all(c, tricky, seed.SENDPILOT_CAMPAIGN))
    assert statuses(outcomes) == [
        Status.UPLOADED,
        Status.DUPLICATE,
        Status.INVALID,
        Status.DUPLICATE,
        Status.DUPLICATE,
    ]
    assert outcomes[2].reason == "SendPilot: Invalid LinkedIn profile URL"
    assert outcomes[4].reason.startswith("the same LinkedIn URL is on an earlier row")


# -- a write whose answer is lost --------------------------------------------------------------------------


LOST = {
    "lemlist": ([Lead(0, {"email": "lost@acme-sandbox.com"})], seed.LEMLIST_CAMPAIGN, KEY),
    "instantly": (
        [Lead(0, {"email": "lost@acme-sandbox.com"}), Lead(1, {"email": "lost2@acme-sandbox.com"})],
        seed.INSTANTLY_CAMPAIGN,
        KEY,
    ),
    "aktify": ([Lead(0, {"phoneNumber": "+15095550777", "region": "CA"})], "default", seed.AKTIFY_KEY),
    "sendpilot": (
        [
            Lead(0, {"linkedinUrl": "https://linkedin.com/in/lost-one"}),
            Lead(1, {"linkedinUrl": "linkedin.com/in/lost-2"}),
        ],
        seed.SENDPILOT_CAMPAIGN,
        KEY,
    ),
}


@pytest.mark.parametrize("provider", list(LOST))
def test_a_write_applied_but_unanswered_is_replayed_as_uploaded_not_created_twice(
    provider: str, sandbox_factory: Callable[..., Any]
) -> None:
    from gui.core.errors import TransientError
    from gui.sandbox.faults import Fault, FaultConfig

    unlimited = {"lemlist": None, "aktify": None, "sendpilot": None}
    sandbox = sandbox_factory(faults=FaultConfig(script=(Fault.DROP_AFTER_COMMIT,)), limits=unlimited)
    batch, destination, key = LOST[provider]
    container = key if provider == "aktify" else destination
    before = sandbox.ledger.count(provider, container)

    async def lost_then_replayed(client: ProviderClient) -> Any:
        with pytest.raises(TransientError):
            await client.send(batch, destination, {})
        assert sandbox.ledger.count(provider, container) == before + len(batch)  # it did land
        return await client.send(batch, destination, {}, replay=True)

    result = run(provider, lost_then_replayed, key=key)
    assert statuses(result.outcomes) == [Status.UPLOADED] * len(batch)
    assert all(o.reason for o in result.outcomes)  # each says it was created by the earlier attempt
    assert sandbox.ledger.count(provider, container) == before + len(batch)
