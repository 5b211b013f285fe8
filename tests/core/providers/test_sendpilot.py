"""SendPilot client: both listing envelopes, flat custom fields, and the duplicate-count rules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gui.core.domain import Status
from gui.core.errors import AuthError, NotFoundError, RateLimited, TransientError
from gui.core.providers import sendpilot
from gui.core.providers.sendpilot import SendPilotClient, attribute

from .helpers import Script, lead, recorded, reply, run

CAMPAIGN = "camp_a1"
LEADS = "/v1/leads"


def call(script: Script, fn: Callable[[SendPilotClient], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        client = SendPilotClient("sandbox-key", transport=script.transport)
        try:
            return await fn(client)
        finally:
            await client.aclose()

    return run(go())


def people(*slugs: str) -> list[Any]:
    return [lead(i, linkedinUrl=f"https://www.linkedin.com/in/{s}/") for i, s in enumerate(slugs)]


def test_list_follows_total_pages_and_lowercases_status() -> None:
    script = Script(
        ("GET", "/v1/campaigns", reply(200, "sendpilot_campaigns_page1.json")),
        ("GET", "/v1/campaigns", reply(200, "sendpilot_campaigns_page2.json")),
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert script.done()
    assert [(c.id, c.status) for c in campaigns] == [
        ("camp_a1", "started"),
        ("camp_a2", "paused"),
        ("camp_a3", "draft"),
    ]
    assert [r.url.params["page"] for r in script.requests] == ["1", "2"]


def test_list_accepts_the_docs_data_meta_envelope_and_upper_case_status() -> None:
    script = Script(("GET", "/v1/campaigns", reply(200, "sendpilot_campaigns_data_meta.json")))
    campaigns = call(script, lambda c: c.list_campaigns())
    assert [(c.id, c.status) for c in campaigns] == [("camp_b1", "started"), ("camp_b2", "paused")]


def test_list_without_page_count_stops_on_a_short_page() -> None:
    items = [{"id": f"c{i}", "name": f"n{i}", "status": "started"} for i in range(3)]
    script = Script(("GET", "/v1/campaigns", httpx.Response(200, json=items)))
    assert len(call(script, lambda c: c.list_campaigns())) == 3


def test_check_key_names_the_workspace_or_falls_back_on_campaigns() -> None:
    assert call(Script(("GET", "/v1/me", reply(200, "sendpilot_me.json"))), lambda c: c.check_key()) == (
        "Growth Team"
    )
    script = Script(
        ("GET", "/v1/me", reply(403, text="Key lacks workspace:read")),
        ("GET", "/v1/campaigns", reply(200, "sendpilot_campaigns_page2.json")),
    )
    assert call(script, lambda c: c.check_key()) == "SendPilot workspace"
    with pytest.raises(AuthError):
        call(Script(("GET", "/v1/me", reply(401, "sendpilot_401.json"))), lambda c: c.check_key())


def test_payload_is_flat_with_collisions_renamed() -> None:
    client = SendPilotClient("sandbox-key", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    body = client.payload(
        [lead(0, {"industry": "Tech", "Company": "dup", "score": "85"}, linkedinUrl="u", company="Acme")],
        CAMPAIGN,
        {},
    )
    assert body == {
        "campaignId": CAMPAIGN,
        "leads": [
            {
                "linkedinUrl": "u",
                "company": "Acme",
                "industry": "Tech",
                "custom_Company": "dup",
                "score": "85",
            }
        ],
    }
    run(client.aclose())


def test_clean_batch_is_uploaded_with_the_url_as_id_and_campaign_read_first() -> None:
    script = Script(
        ("GET", LEADS, reply(200, "sendpilot_leads_empty.json")),
        ("POST", LEADS, reply(200, "sendpilot_add_clean.json")),
    )
    result = call(script, lambda c: c.send(people("a", "b", "c"), CAMPAIGN, {}))
    assert [o.status for o in result.outcomes] == [Status.UPLOADED] * 3
    assert result.outcomes[0].provider_id == "https://www.linkedin.com/in/a/"
    assert script.requests[0].url.params["campaignId"] == CAMPAIGN


def test_errors_are_pinned_by_index_then_by_normalised_url() -> None:
    batch = [
        lead(0, linkedinUrl="https://linkedin.com/in/ok"),
        lead(1, linkedinUrl="linkedin.com/in/company-page"),
        lead(2, linkedinUrl="not-a-url"),
    ]
    outcomes = attribute(batch, recorded("sendpilot_add_errors.json"))
    assert [o.status for o in outcomes] == [Status.UPLOADED, Status.INVALID, Status.INVALID]
    assert outcomes[1].reason == "SendPilot: Company pages are not supported"
    assert outcomes[2].reason == "SendPilot: Invalid LinkedIn URL"


def test_duplicates_are_repeats_in_the_request_and_urls_already_in_the_campaign() -> None:
    batch = [*people("already-here", "new-one", "new-two"), lead(3, linkedinUrl="linkedin.com/in/NEW-ONE")]
    known = {"linkedin.com/in/already-here"}
    outcomes = attribute(batch, recorded("sendpilot_add_duplicates.json"), known)
    assert [o.status for o in outcomes] == [
        Status.DUPLICATE,
        Status.UPLOADED,
        Status.UPLOADED,
        Status.DUPLICATE,
    ]
    assert outcomes[0].reason.startswith("already in the campaign")
    assert outcomes[3].reason == (
        "the same LinkedIn URL is on an earlier row of this request (https://www.linkedin.com/in/new-one/)"
    )


def test_duplicates_that_only_the_count_explains_cover_all_other_rows() -> None:
    data = {"success": True, "leadsAdded": 0, "duplicatesSkipped": 2, "invalidEntries": 0}
    assert {o.status for o in attribute(people("x", "y"), data)} == {Status.DUPLICATE}
    replayed = attribute(people("x", "y"), data, set(), replay=True)
    assert {o.status for o in replayed} == {Status.UPLOADED}
    assert replayed[0].reason == sendpilot.REPLAY_REASON


def test_stale_knowledge_is_overruled_by_the_count() -> None:
    outcomes = attribute(people("a", "b"), recorded("sendpilot_add_clean.json"), {"linkedin.com/in/a"})
    assert [o.status for o in outcomes] == [Status.UPLOADED, Status.UPLOADED]


def test_unpinnable_duplicates_leave_rows_uploaded_with_a_reason_saying_so() -> None:
    outcomes = attribute(people("a", "b", "c"), recorded("sendpilot_add_unexplained.json"))
    assert {o.status for o in outcomes} == {Status.UPLOADED}
    assert "skipped 1 as duplicates without naming them" in outcomes[0].reason


def test_unnamed_invalid_entries_fail_the_uncertain_rows() -> None:
    outcomes = attribute(people("a", "b"), recorded("sendpilot_add_unnamed_invalid.json"))
    assert {o.status for o in outcomes} == {Status.FAILED}
    assert not outcomes[0].retryable and "1 more invalid" in outcomes[0].reason
    one = attribute(people("a"), {"leadsAdded": 0, "duplicatesSkipped": 0, "invalidEntries": 1})
    assert one[0].status is Status.INVALID


def test_known_urls_are_learned_once_and_kept_up_to_date() -> None:
    clean = {"success": True, "leadsAdded": 1, "duplicatesSkipped": 0, "invalidEntries": 0}
    again = {"success": True, "leadsAdded": 0, "duplicatesSkipped": 1, "invalidEntries": 0}
    script = Script(
        ("GET", LEADS, reply(200, "sendpilot_leads_page1.json")),
        ("POST", LEADS, httpx.Response(200, json=clean)),
        ("POST", LEADS, httpx.Response(200, json=again)),
        ("POST", LEADS, httpx.Response(200, json=again)),
    )

    async def three_sends(c: SendPilotClient) -> list[Any]:
        first = await c.send(people("fresh"), CAMPAIGN, {})
        second = await c.send(people("fresh"), CAMPAIGN, {})
        third = await c.send(people("already-here"), CAMPAIGN, {}, replay=True)
        return [first.outcomes[0].status, second.outcomes[0].status, third.outcomes[0].status]

    # the replayed lead was in the campaign before we started: a real duplicate, not our lost write
    assert call(script, three_sends) == [Status.UPLOADED, Status.DUPLICATE, Status.DUPLICATE]
    assert script.done()


def test_a_campaign_whose_leads_cannot_be_listed_falls_back_to_counts() -> None:
    data = {"success": True, "leadsAdded": 1, "duplicatesSkipped": 1, "invalidEntries": 0}
    script = Script(("GET", LEADS, reply(400, text="bad")), ("POST", LEADS, httpx.Response(200, json=data)))
    result = call(script, lambda c: c.send(people("a", "b"), CAMPAIGN, {}))
    assert {o.status for o in result.outcomes} == {Status.UPLOADED}
    assert "without naming them" in result.outcomes[0].reason


def test_400_naming_a_lead_and_run_level_errors() -> None:
    script = Script(
        ("GET", LEADS, reply(200, "sendpilot_leads_empty.json")),
        ("POST", LEADS, reply(400, "sendpilot_400_lead_index.json")),
    )
    result = call(script, lambda c: c.send(people("a", "b", "c"), CAMPAIGN, {}))
    assert [o.status for o in result.outcomes] == [Status.FAILED, Status.INVALID, Status.FAILED]
    assert result.outcomes[0].retryable and "must be a URL" in result.outcomes[1].reason
    for status, error in ((404, NotFoundError), (429, RateLimited), (502, TransientError), (401, AuthError)):
        script = Script(
            ("GET", LEADS, reply(200, "sendpilot_leads_empty.json")),
            ("POST", LEADS, reply(status, text="x", headers={"Retry-After": "3"})),
        )
        with pytest.raises(error) as caught:
            call(script, lambda c: c.send(people("a"), CAMPAIGN, {}))
        if status == 429:
            assert caught.value.retry_after == 3.0  # type: ignore[attr-defined]


def test_read_back_finds_uploaded_urls_in_the_campaign() -> None:
    script = Script(("GET", LEADS, reply(200, "sendpilot_leads_page1.json")))
    ids = ["https://linkedin.com/in/already-here", "https://www.linkedin.com/in/missing/"]
    result = call(script, lambda c: c.read_back(CAMPAIGN, ids))
    assert (result.checked, result.found, result.note) == (2, 1, "verified 1 of 2 in the campaign")
    assert call(Script(), lambda c: c.read_back(CAMPAIGN, [])) is None


def test_a_429_while_learning_the_campaign_resumes_at_the_same_page() -> None:
    first = {
        "leads": [{"linkedinUrl": "https://linkedin.com/in/p1"}],
        "pagination": {"page": 1, "totalPages": 2},
    }
    second = {
        "leads": [{"linkedinUrl": "https://linkedin.com/in/p2"}],
        "pagination": {"page": 2, "totalPages": 2},
    }
    dup = {"success": True, "leadsAdded": 0, "duplicatesSkipped": 1, "invalidEntries": 0}
    script = Script(
        ("GET", LEADS, httpx.Response(200, json=first)),
        ("GET", LEADS, reply(429, text="Rate limit exceeded", headers={"Retry-After": "0"})),
        ("GET", LEADS, httpx.Response(200, json=second)),
        ("POST", LEADS, httpx.Response(200, json=dup)),
    )
    result = call(script, lambda c: c.send(people("p2"), CAMPAIGN, {}))
    assert [r.url.params.get("page") for r in script.requests[:3]] == ["1", "2", "2"]
    assert result.outcomes[0].status is Status.DUPLICATE and script.done()
