"""SendPilot conformance probes over real HTTP (providers.md §3, seeds/sendpilot-add-leads.md)."""

from __future__ import annotations

import httpx
import pytest

from gui.sandbox import seed
from tests.sandbox import helpers

LEADS = "/v1/leads"


@pytest.fixture
def sp(sandbox_factory):
    handle = sandbox_factory(limits={"sendpilot": None})
    with helpers.sendpilot(handle.base_urls["sendpilot"]) as client:
        yield handle, client


def test_auth_failures_are_json_401(sandbox):
    """§3.4: ``{"statusCode":401,"message":"Invalid API key","error":"Unauthorized"}``."""
    base = sandbox.base_urls["sendpilot"] + "/v1/me"
    missing = httpx.get(base)
    wrong = httpx.get(base, headers={"X-API-Key": "live-abc"})
    assert missing.status_code == wrong.status_code == 401
    assert wrong.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Invalid API key"}


def test_me_is_the_key_check(sp):
    """§3.1: ``GET /v1/me`` answers ``{apiKey, missingScopes, subscription, workspace}``."""
    _, client = sp
    me = client.get("/v1/me").json()
    assert set(me) == {"apiKey", "missingScopes", "subscription", "workspace"}
    assert me["missingScopes"] == []


def test_campaigns_page_limit_with_pagination(sp):
    """§3.2 emulator rule: ``{campaigns, pagination{page,limit,total,totalPages}}``, lowercase statuses."""
    _, client = sp
    first = client.get("/v1/campaigns").json()
    assert first["pagination"] == {
        "page": 1,
        "limit": 20,
        "total": seed.SENDPILOT_CAMPAIGN_COUNT,
        "totalPages": 3,
    }
    ids = []
    page = 1
    while True:
        body = client.get("/v1/campaigns", params={"page": page, "limit": 20}).json()
        ids += [c["id"] for c in body["campaigns"]]
        if page >= body["pagination"]["totalPages"]:
            break
        page += 1
    assert len(ids) == len(set(ids)) == seed.SENDPILOT_CAMPAIGN_COUNT and ids[0] == seed.SENDPILOT_CAMPAIGN
    statuses = {c["status"] for c in client.get("/v1/campaigns", params={"limit": 100}).json()["campaigns"]}
    assert statuses <= {"started", "paused", "draft", "finished"} and "started" in statuses


def test_campaign_status_filter_and_bad_limit(sp):
    """§3.1: ``status`` filter uses ``active`` for started campaigns; ``limit`` is 1..100."""
    _, client = sp
    active = client.get("/v1/campaigns", params={"status": "active", "limit": 100}).json()["campaigns"]
    assert active and all(c["status"] == "started" for c in active)
    r = client.get("/v1/campaigns", params={"limit": 101})
    assert r.status_code == 400 and r.json()["error"] == "Bad Request"


def test_add_leads_counts(sp):
    """Seed response: ``{success, leadsAdded, duplicatesSkipped, invalidEntries}``, no ``errors`` key."""
    handle, client = sp
    leads = [
        {"linkedinUrl": "https://www.linkedin.com/in/john-doe", "firstName": "John", "customScore": 85},
        {"linkedinUrl": "https://www.linkedin.com/in/jane-smith", "industry": "Technology"},
    ]
    r = client.post(LEADS, json={"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": leads})
    assert r.status_code == 200
    assert r.json() == {"success": True, "leadsAdded": 2, "duplicatesSkipped": 0, "invalidEntries": 0}
    assert handle.ledger.payloads("sendpilot", seed.SENDPILOT_CAMPAIGN) == leads


def test_duplicates_by_normalised_linkedin_url(sp):
    """Seed: "Duplicate detection is based on the LinkedIn URL"; §3.3 [I] normalisation (case, www, slash,
    query).
    """
    handle, client = sp
    leads = [
        {"linkedinUrl": seed.SENDPILOT_DUPLICATE_LINKEDIN.upper() + "/?utm=x"},  # already in the campaign
        {"linkedinUrl": "https://fr.linkedin.com/in/Paul-Martin/"},
        {"linkedinUrl": "linkedin.com/in/paul-martin"},  # same person within the batch
    ]
    body = client.post(LEADS, json={"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": leads}).json()
    assert body["leadsAdded"] == 1 and body["duplicatesSkipped"] == 2 and body["invalidEntries"] == 0
    assert handle.ledger.attempts("sendpilot", seed.SENDPILOT_CAMPAIGN, "linkedin.com/in/paul-martin") == 2


def test_invalid_entries_listed_in_errors(sp):
    """Seed/§3.3: ``invalidEntries`` counts bad leads; ``errors[]`` lists {index, linkedinUrl, reason}."""
    _, client = sp
    leads = [
        {"firstName": "No URL"},
        {"linkedinUrl": "https://example.com/in/x"},
        {"linkedinUrl": "https://linkedin.com/in/ok"},
    ]
    body = client.post(LEADS, json={"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": leads}).json()
    assert body["leadsAdded"] == 1 and body["invalidEntries"] == 2
    assert [e["index"] for e in body["errors"]] == [0, 1]
    assert body["errors"][1]["linkedinUrl"] == "https://example.com/in/x"
    assert all(set(e) == {"index", "linkedinUrl", "reason"} and e["reason"] for e in body["errors"])


def test_batch_limits_and_envelope(sp):
    """Seed: ``leads`` 1..100; §3.1: 400 "Invalid request data" in the NestJS envelope."""
    _, client = sp
    too_many = [{"linkedinUrl": f"https://linkedin.com/in/p{i}"} for i in range(101)]
    for body in (
        {"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": []},
        {"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": too_many},
        {"leads": too_many[:1]},
    ):
        r = client.post(LEADS, json=body)
        assert r.status_code == 400
        assert {k: r.json()[k] for k in ("statusCode", "message", "error")} == {
            "statusCode": 400,
            "message": "Invalid request data",
            "error": "Bad Request",
        }
    ok = client.post(LEADS, json={"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": too_many[:100]})
    assert ok.json()["leadsAdded"] == 100


def test_unknown_campaign_is_404(sp):
    """§3.1: 404 "Campaign not found"."""
    _, client = sp
    r = client.post(
        LEADS, json={"campaignId": "camp_nope", "leads": [{"linkedinUrl": "https://linkedin.com/in/a"}]}
    )
    assert r.status_code == 404 and r.json() == {
        "statusCode": 404,
        "error": "Not Found",
        "message": "Campaign not found",
    }
    assert client.get("/v1/campaigns/camp_nope").status_code == 404


def test_leads_read_back_and_campaign_total(sp):
    """§3.1: ``GET /v1/leads?campaignId=`` pages a campaign's leads; ``totalLeads`` follows."""
    _, client = sp
    client.post(
        LEADS,
        json={
            "campaignId": seed.SENDPILOT_CAMPAIGN,
            "leads": [{"linkedinUrl": "https://linkedin.com/in/rb"}],
        },
    )
    body = client.get(LEADS, params={"campaignId": seed.SENDPILOT_CAMPAIGN}).json()
    assert (
        body["pagination"]["total"] == 2 and body["leads"][-1]["linkedinUrl"] == "https://linkedin.com/in/rb"
    )
    assert client.get(f"/v1/campaigns/{seed.SENDPILOT_CAMPAIGN}").json()["totalLeads"] == 2


def test_configurable_rate_limit_429_with_retry_after(sandbox):
    """§3.4: 429 "Rate limit exceeded" (no documented number: default 2/s per key) with Retry-After."""
    with helpers.sendpilot(sandbox.base_urls["sendpilot"]) as client:
        answers = [client.get("/v1/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {
        "statusCode": 429,
        "error": "Too Many Requests",
        "message": "Rate limit exceeded",
    }
    assert answers[2].headers["Retry-After"] == "1"
