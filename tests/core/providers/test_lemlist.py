"""lemlist client: both campaign shapes, key texts, duplicate texts, read-back and the state glance."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gui.core.domain import Status
from gui.core.errors import AuthError, ForbiddenError, NotFoundError, RateLimited, TransientError
from gui.core.providers.lemlist import LemlistClient

from .helpers import Script, lead, recorded, reply, run

CAMPAIGN = "cam_A1B2C3D4E5F6G7H8I"
LEADS = f"/api/campaigns/{CAMPAIGN}/leads/"


def call(script: Script, fn: Callable[[LemlistClient], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        client = LemlistClient("sandbox-key", transport=script.transport)
        try:
            return await fn(client)
        finally:
            await client.aclose()

    return run(go())


def post(answer: httpx.Response, *, replay: bool = False) -> Any:
    """Send Ada once against one scripted answer."""
    return call(Script(("POST", LEADS, answer)), lambda c: c.send(ada(), CAMPAIGN, {}, replay=replay))


def ada() -> list[Any]:
    return [lead(7, {"companySize": "50-100", "email": "shadow@x.io"}, email="ada@example.com")]


def test_array_pages_by_offset_until_a_short_page_and_keeps_warnings() -> None:
    full = [{"_id": f"cam_{i:017d}", "name": f"c{i}", "status": "running"} for i in range(100)]
    script = Script(
        ("GET", "/api/campaigns", httpx.Response(200, json=full)),
        ("GET", "/api/campaigns", reply(200, "lemlist_campaigns_array.json")),
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert len(campaigns) == 102 and script.done()
    assert [r.url.params["offset"] for r in script.requests] == ["0", "100"]
    assert campaigns[-1].warning == "Your campaign does not have sender."
    assert campaigns[-2].warning == "" and campaigns[-2].status == "running"


def test_array_of_exactly_one_full_page_stops_on_the_empty_page() -> None:
    full = [{"_id": f"cam_{i:017d}", "name": f"c{i}", "status": "running"} for i in range(100)]
    script = Script(
        ("GET", "/api/campaigns", httpx.Response(200, json=full)),
        ("GET", "/api/campaigns", httpx.Response(200, json=[])),
    )
    assert len(call(script, lambda c: c.list_campaigns())) == 100


def test_v2_object_shape_is_followed_by_its_pagination() -> None:
    script = Script(
        ("GET", "/api/campaigns", reply(200, "lemlist_campaigns_v2_page1.json")),
        ("GET", "/api/campaigns", reply(200, "lemlist_campaigns_v2_page2.json")),
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert [c.name for c in campaigns] == ["v2 first", "v2 second", "v2 third"]
    assert script.requests[1].url.params["page"] == "2"


def test_check_key_uses_basic_auth_with_empty_login() -> None:
    script = Script(("GET", "/api/team", reply(200, "lemlist_team.json")))
    assert call(script, lambda c: c.check_key()) == "Acme Growth"
    expected = "Basic " + base64.b64encode(b":sandbox-key").decode()
    assert script.requests[0].headers["Authorization"] == expected
    assert script.requests[0].headers["User-Agent"].startswith("LeadLoader/")


@pytest.mark.parametrize(
    ("status", "text", "error"),
    [
        (401, "The authentication you supplied is incorrect", AuthError),
        (400, "No API key provided", AuthError),
        (404, "No user found for this API key", AuthError),
        (403, "User linked to this API key is blocked", ForbiddenError),
    ],
)
def test_key_problems_are_fatal_whatever_the_status(status: int, text: str, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        call(Script(("GET", "/api/team", reply(status, text=text))), lambda c: c.check_key())
    assert text in str(caught.value)
    with pytest.raises(error):
        call(Script(("POST", LEADS, reply(status, text=text))), lambda c: c.send(ada(), CAMPAIGN, {}))


def test_payload_is_flat_strings_and_a_custom_name_cannot_overwrite_email() -> None:
    client = LemlistClient("sandbox-key", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert client.payload(ada(), CAMPAIGN, {}) == {
        "email": "ada@example.com",
        "companySize": "50-100",
        "custom_email": "shadow@x.io",
    }
    run(client.aclose())


def test_created_lead_is_uploaded_with_its_id_and_rate_headers() -> None:
    headers = {"Retry-After": "2", "X-RateLimit-Remaining": "7"}
    script = Script(("POST", LEADS, reply(200, "lemlist_lead_created.json", headers=headers)))
    result = call(script, lambda c: c.send(ada(), CAMPAIGN, {"deduplicate": True, "findEmail": "false"}))
    assert result.outcomes[0].status is Status.UPLOADED
    assert result.outcomes[0].provider_id == "lea_fiDpiGV585wy3Oii2"
    assert (result.retry_after, result.remaining) == (2.0, 7)
    assert dict(script.requests[0].url.params) == {"deduplicate": "true"}


@pytest.mark.parametrize(
    ("status", "text", "replay", "expected"),
    [
        (400, "Lead already in the campaign", False, Status.DUPLICATE),
        (400, "Lead already in the campaign", True, Status.UPLOADED),
        (500, "Lead already in other campaign", False, Status.DUPLICATE),
        (500, "Lead already in other campaign", True, Status.DUPLICATE),
        (400, "Lead already exists", False, Status.DUPLICATE),
    ],
)
def test_duplicate_texts_are_outcomes_never_errors(
    status: int, text: str, replay: bool, expected: Status
) -> None:
    script = Script(("POST", LEADS, reply(status, text=text)))
    result = call(script, lambda c: c.send(ada(), CAMPAIGN, {}, replay=replay))
    assert result.outcomes[0].status is expected and not result.outcomes[0].retryable
    assert text in result.outcomes[0].reason


def test_other_answers_to_a_lead() -> None:
    result = call(
        Script(("POST", LEADS, reply(400, text="Bad params"))), lambda c: c.send(ada(), CAMPAIGN, {})
    )
    assert (result.outcomes[0].status, result.outcomes[0].reason) == (Status.INVALID, "Bad params")
    with pytest.raises(NotFoundError):
        call(
            Script(("POST", LEADS, reply(404, text="Campaign not found"))),
            lambda c: c.send(ada(), CAMPAIGN, {}),
        )
    with pytest.raises(TransientError):
        call(
            Script(("POST", LEADS, reply(500, text="Internal error"))), lambda c: c.send(ada(), CAMPAIGN, {})
        )
    with pytest.raises(RateLimited):
        call(
            Script(("POST", LEADS, reply(429, text="Too Many Requests"))),
            lambda c: c.send(ada(), CAMPAIGN, {}),
        )
    created_without_body = call(Script(("POST", LEADS, reply(200))), lambda c: c.send(ada(), CAMPAIGN, {}))
    assert created_without_body.outcomes[0].status is Status.UPLOADED


def test_read_back_and_lead_states_use_the_newest_500() -> None:
    script = Script(
        ("GET", LEADS, reply(200, "lemlist_campaign_leads.json")),
        ("GET", LEADS, reply(200, "lemlist_campaign_leads.json")),
    )

    async def both(c: LemlistClient) -> Any:
        states = await c.lead_states(CAMPAIGN)
        back = await c.read_back(CAMPAIGN, ["lea_new00000000000002", "lea_new00000000000003", "lea_gone"])
        return states, back

    states, back = call(script, both)
    assert states == {"scanned": 2, "contacted": 1}
    assert (back.checked, back.found, back.note) == (3, 2, "verified 2 of 3 uploaded in the campaign")
    assert script.requests[0].url.params["limit"] == "500"
    assert recorded("lemlist_campaign_leads.json")[0]["_id"] == "lea_new00000000000003"


def test_read_back_checks_only_the_last_500_ids_and_raises_when_it_cannot_read() -> None:
    ids = [f"lea_{i}" for i in range(600)]
    script = Script(("GET", LEADS, httpx.Response(200, json=[{"_id": f"lea_{i}"} for i in range(100, 600)])))
    back = call(script, lambda c: c.read_back(CAMPAIGN, ids))
    assert (back.checked, back.found) == (500, 500) and "newest" in back.note
    failing = Script(("GET", LEADS, reply(503, text="down")))
    with pytest.raises(TransientError):  # the engine reports "could not verify", never "0 found"
        call(failing, lambda c: c.read_back(CAMPAIGN, ["lea_1"]))


def test_a_read_waits_out_429s_but_not_forever() -> None:
    """A campaign list refreshed right after an upload meets a full window: wait (Retry-After), then read."""
    busy = reply(429, text="Too Many Requests", headers={"Retry-After": "0"})
    page = httpx.Response(200, json=[{"_id": "cam_1", "name": "Q4", "status": "running"}])
    script = Script(
        ("GET", "/api/campaigns", busy), ("GET", "/api/campaigns", busy), ("GET", "/api/campaigns", page)
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert [c.id for c in campaigns] == ["cam_1"] and script.done()
    always_busy = Script(*[("GET", "/api/team", busy)] * 5)
    with pytest.raises(RateLimited):
        call(always_busy, lambda c: c.check_key())
    assert always_busy.done()
