"""lemlist conformance probes over real HTTP on 127.0.0.1 (providers.md §1, seeds/lemlist-*.md)."""

from __future__ import annotations

import asyncio
import base64
import time

import httpx

from gui.sandbox import seed
from tests.sandbox import helpers

CAMPAIGN_LEADS = f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/"


def test_missing_key_is_400_no_api_key_provided(sandbox):
    """§1.5: a request without credentials gets 400 text/plain "No API key provided"."""
    r = httpx.get(sandbox.base_urls["lemlist"] + "/team")
    assert r.status_code == 400
    assert r.text == "No API key provided"
    assert r.headers["content-type"].startswith("text/plain")


def test_key_before_colon_is_treated_as_no_key(sandbox):
    """§1.5: Basic auth is ``:KEY``; ``KEY:`` (login filled, password empty) reads as no key at all."""
    wrong = {"Authorization": "Basic " + base64.b64encode(b"sandbox-x:").decode()}
    r = httpx.get(sandbox.base_urls["lemlist"] + "/team", headers=wrong)
    assert (r.status_code, r.text) == (400, "No API key provided")


def test_wrong_key_is_401_text(sandbox):
    """§1.5 / seed create-lead 401: "The authentication you supplied is incorrect" as text/plain."""
    with helpers.lemlist(sandbox.base_urls["lemlist"], key="live-key-123") as client:
        r = client.get("/team")
    assert r.status_code == 401
    assert r.text == "The authentication you supplied is incorrect"
    assert r.headers["content-type"].startswith("text/plain")


def test_blocked_user_is_403(sandbox):
    """§1.5: 403 "User linked to this API key is blocked"."""
    with helpers.lemlist(sandbox.base_urls["lemlist"], key=seed.LEMLIST_BLOCKED_KEY) as client:
        r = client.get("/team")
    assert (r.status_code, r.text) == (403, "User linked to this API key is blocked")


def test_access_token_query_is_accepted(sandbox):
    """§1.1 (LEM-LEGACY): ``?access_token=KEY`` is an alternative to the header."""
    r = httpx.get(sandbox.base_urls["lemlist"] + "/team", params={"access_token": helpers.KEY})
    assert r.status_code == 200


def test_team_is_the_key_check(lem):
    """§1.1: ``GET /team`` answers the Team object; ``version=v2`` adds ``users[]``."""
    _, client = lem
    team = client.get("/team").json()
    assert team["_id"] == seed.LEMLIST_TEAM_ID and "users" not in team
    assert "users" in client.get("/team", params={"version": "v2"}).json()


def test_api_alias_serves_lemlist(sandbox):
    """common.md layout: lemlist is also reachable at ``/api``, like the real base path."""
    r = httpx.get(sandbox.url + "/api/team", headers=helpers.lemlist_auth())
    assert r.status_code == 200 and r.json()["_id"] == seed.LEMLIST_TEAM_ID


def test_campaigns_offset_paging_until_empty(lem):
    """§1.2: ``offset``/``limit`` (max 100) return plain arrays; paging stops on an empty array."""
    _, client = lem
    seen: list[dict] = []
    offset = 0
    pages = 0
    while True:
        page = client.get("/campaigns", params={"offset": offset, "limit": 100}).json()
        assert isinstance(page, list)
        if not page:
            break
        seen.extend(page)
        offset += 100
        pages += 1
    assert pages == 2
    assert len(seen) == seed.LEMLIST_CAMPAIGN_COUNT > 100
    assert len({c["_id"] for c in seen}) == len(seen)
    first = next(c for c in seen if c["_id"] == seed.LEMLIST_CAMPAIGN)
    assert first["name"] == seed.LEMLIST_CAMPAIGN_NAME and first["status"] == "running"
    assert {c["status"] for c in seen} >= {"running", "paused", "draft", "ended", "archived"}
    assert any(c["hasError"] and c["errors"] for c in seen)


def test_campaigns_limit_above_100_is_refused(lem):
    """§1.1: ``limit`` max 100 for campaigns; beyond it the API answers 400 (LEM-ERR "Bad params")."""
    _, client = lem
    r = client.get("/campaigns", params={"limit": 101})
    assert r.status_code == 400 and r.text == "Bad params"


def test_campaigns_v2_is_an_object_with_pagination(lem):
    """§1.2: with ``version=v2`` the answer is ``{campaigns, pagination{…totalPage}}`` paged by ``page``."""
    _, client = lem
    body = client.get("/campaigns", params={"version": "v2", "page": 1, "limit": 100}).json()
    pagination = body["pagination"]
    assert len(body["campaigns"]) == 100
    assert pagination["totalRecords"] == seed.LEMLIST_CAMPAIGN_COUNT
    assert pagination["totalPage"] == 2 and pagination["nextPage"] == 2 and pagination["currentPage"] == 1
    last = client.get("/campaigns", params={"version": "v2", "page": 2, "limit": 100}).json()
    assert len(last["campaigns"]) == seed.LEMLIST_CAMPAIGN_COUNT - 100
    assert last["pagination"]["nextPage"] is None


def test_campaigns_status_filter(lem):
    """§1.1: ``status`` filters campaigns (running, draft, archived, ended, paused, errors)."""
    _, client = lem
    paused = client.get("/campaigns", params={"status": "paused"}).json()
    assert paused and all(c["status"] == "paused" for c in paused)


def test_get_campaign_and_unknown_campaign(lem):
    """§1.1: ``GET /campaigns/{id}`` answers the campaign; an unknown id is 404 "Campaign not found"."""
    _, client = lem
    assert client.get(f"/campaigns/{seed.LEMLIST_CAMPAIGN}").json()["name"] == seed.LEMLIST_CAMPAIGN_NAME
    r = client.get("/campaigns/cam_doesNotExist0000")
    assert (r.status_code, r.text) == (404, "Campaign not found")


def test_create_lead_answers_lead_with_ids(lem):
    """Seed create-lead 200: campaignId, campaignName, the sent fields, ``_id`` lea_…, isPaused, contactId."""
    handle, client = lem
    body = {
        "email": "new.person@example.com",
        "firstName": "New",
        "companyName": "Acme",
        "companySize": "50-100",
    }
    r = client.post(CAMPAIGN_LEADS, json=body)
    assert r.status_code == 200
    lead = r.json()
    assert lead["_id"].startswith("lea_") and len(lead["_id"]) == 21
    assert lead["contactId"].startswith("ctc_")
    assert lead["campaignId"] == seed.LEMLIST_CAMPAIGN and lead["campaignName"] == seed.LEMLIST_CAMPAIGN_NAME
    assert lead["email"] == "new.person@example.com" and lead["isPaused"] is False
    # The ledger holds the exact payload, custom variable included (§1.3: extra keys are variables).
    assert handle.ledger.payloads("lemlist", seed.LEMLIST_CAMPAIGN) == [body]
    assert handle.ledger.attempts("lemlist", seed.LEMLIST_CAMPAIGN, "new.person@example.com") == 1


def test_same_email_again_is_400_already_in_campaign(lem):
    """§1.4: the same email (any case) in the same campaign answers 400 "Lead already in the campaign"."""
    handle, client = lem
    r = client.post(CAMPAIGN_LEADS, json={"email": seed.LEMLIST_DUPLICATE_EMAIL.upper()})
    assert (r.status_code, r.text) == (400, "Lead already in the campaign")
    assert r.headers["content-type"].startswith("text/plain")
    assert handle.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 0
    assert handle.ledger.attempts("lemlist", seed.LEMLIST_CAMPAIGN, seed.LEMLIST_DUPLICATE_EMAIL) == 1


def test_deduplicate_flag_refuses_lead_of_other_campaign_with_500(lem):
    """§1.4: ``deduplicate=true`` + email in another campaign: 500 "Lead already in other campaign"."""
    _, client = lem
    r = client.post(
        CAMPAIGN_LEADS, params={"deduplicate": "true"}, json={"email": seed.LEMLIST_OTHER_CAMPAIGN_EMAIL}
    )
    assert (r.status_code, r.text) == (500, "Lead already in other campaign")
    # Without the flag the same lead is simply added.
    assert client.post(CAMPAIGN_LEADS, json={"email": seed.LEMLIST_OTHER_CAMPAIGN_EMAIL}).status_code == 200


def test_unknown_campaign_on_create_is_404(lem):
    """Seed create-lead 404: "Campaign not found"."""
    _, client = lem
    r = client.post("/campaigns/cam_doesNotExist0000/leads/", json={"email": "a@example.com"})
    assert (r.status_code, r.text) == (404, "Campaign not found")


def test_lead_without_email_or_linkedin_is_400(lem):
    """§1.3 [I]: email is optional when linkedinUrl is given; a lead with neither is refused."""
    _, client = lem
    r = client.post(CAMPAIGN_LEADS, json={"firstName": "Nobody"})
    assert r.status_code == 400 and r.text.startswith("Bad params")
    assert (
        client.post(CAMPAIGN_LEADS, json={"linkedinUrl": "https://www.linkedin.com/in/only-li"}).status_code
        == 200
    )


def test_non_string_custom_value_is_refused(lem):
    """§1.3: the body schema is ``additionalProperties: {type: string}``; numbers must be sent as strings."""
    _, client = lem
    r = client.post(CAMPAIGN_LEADS, json={"email": "num@example.com", "employees": 50})
    assert r.status_code == 400 and "employees" in r.text
    assert (
        client.post(CAMPAIGN_LEADS, json={"email": "num@example.com", "employees": "50"}).status_code == 200
    )


def test_legacy_email_in_path_creates_the_lead(lem):
    """§1.1 (LEM-LEGACY, n8n): ``POST /campaigns/{id}/leads/{email}`` with an optional body."""
    handle, client = lem
    r = client.post(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/legacy@example.com")
    assert r.status_code == 200 and r.json()["email"] == "legacy@example.com"
    assert handle.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 1


def test_campaign_leads_newest_first_state_filter_and_limit(lem):
    """Seed get-campaign-leads: newest first, ``state`` filter, ``{_id, contactId, state}``, limit ≤ 500."""
    _, client = lem
    created = client.post(CAMPAIGN_LEADS, json={"email": "newest@example.com"}).json()
    items = client.get(CAMPAIGN_LEADS).json()
    assert items[0]["_id"] == created["_id"] and items[0]["contactId"] == created["contactId"]
    assert set(items[0]) == {"_id", "contactId", "state"}
    assert len(items) == len(seed.lemlist_leads()) - 1 + 1  # campaign 1's seeded leads plus the new one
    contacted = client.get(CAMPAIGN_LEADS, params={"state": "contacted"}).json()
    assert contacted and all(i["state"] == "contacted" for i in contacted)
    assert len(client.get(CAMPAIGN_LEADS, params={"limit": 2}).json()) == 2
    assert client.get(CAMPAIGN_LEADS, params={"limit": 501}).status_code == 400


def test_find_lead_by_email(lem):
    """§1.4: ``GET /leads/{email}?campaignId=`` pre-checks a lead; 404 "Lead not found" when absent."""
    _, client = lem
    found = client.get(f"/leads/{seed.LEMLIST_DUPLICATE_EMAIL}", params={"campaignId": seed.LEMLIST_CAMPAIGN})
    assert found.status_code == 200 and found.json()[0]["campaign"]["id"] == seed.LEMLIST_CAMPAIGN
    r = client.get("/leads/nobody@example.com")
    assert (r.status_code, r.text) == (404, "Lead not found")


def test_rate_limit_20_per_2s_with_headers_on_every_response(sandbox):
    """§1.5 / LEM-RL: 20 requests per 2 s per key; every answer has Retry-After and X-RateLimit-*."""

    async def burst() -> list[httpx.Response]:
        # Concurrent, so the 21 requests land well inside one 2 s window even on a busy machine.
        base = sandbox.base_urls["lemlist"]
        async with httpx.AsyncClient(base_url=base, headers=helpers.lemlist_auth()) as client:
            return list(await asyncio.gather(*(client.get("/team") for _ in range(21))))

    answers = asyncio.run(burst())
    ok = [a for a in answers if a.status_code == 200]
    throttled = [a for a in answers if a.status_code == 429]
    assert len(ok) == 20 and len(throttled) == 1
    assert sorted(int(a.headers["X-RateLimit-Remaining"]) for a in ok) == list(range(20))
    for a in answers:
        assert a.headers["X-RateLimit-Limit"] == "20"
        assert int(a.headers["Retry-After"]) >= 1
        # A JS Date string such as "Tue Feb 16 2021 09:02:42 GMT+0100 (Central European Standard Time)".
        reset = a.headers["X-RateLimit-Reset"]
        time.strptime(reset.split(" GMT")[0], "%a %b %d %Y %H:%M:%S")
        assert "GMT" in reset and reset.endswith(")")
    assert throttled[0].headers["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(throttled[0].headers["Retry-After"]) <= 2
    assert sandbox.ledger.throttled("lemlist") == 1
    with (
        helpers.lemlist(sandbox.base_urls["lemlist"]) as client,
        helpers.lemlist(sandbox.base_urls["lemlist"], key="sandbox-other-key") as other,
    ):
        assert other.get("/team").status_code == 200  # the limit is per key
        time.sleep(float(throttled[0].headers["Retry-After"]))
        assert client.get("/team").status_code == 200


def test_rate_limit_counts_unauthenticated_requests_too(sandbox_factory):
    """§1.5: "Rate limits are applied on all routes": a 401 answer also carries the rate headers."""
    handle = sandbox_factory(limits={"lemlist": (2, 5.0)})
    with helpers.lemlist(handle.base_urls["lemlist"], key="wrong") as client:
        codes = [client.get("/team").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
