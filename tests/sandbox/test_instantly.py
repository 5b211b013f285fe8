"""Instantly API v2 conformance probes over real HTTP (providers.md §2, seeds/instantly-add-leads-bulk.md)."""

from __future__ import annotations

import httpx
import pytest

from gui.sandbox import seed
from tests.sandbox import helpers

ADD = "/api/v2/leads/add"


def test_missing_authorization_is_401_json(sandbox):
    """Seed 401: ``{statusCode:401, error:"Unauthorized", message:"Missing Authorization header"}``."""
    r = httpx.get(sandbox.base_urls["instantly"] + "/api/v2/workspaces/current")
    assert r.status_code == 401
    assert r.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Missing Authorization header"}


def test_non_bearer_or_wrong_key_is_401(sandbox):
    """§2.1: the header is ``Authorization: Bearer KEY``; Basic or a foreign key is refused."""
    base = sandbox.base_urls["instantly"] + "/api/v2/workspaces/current"
    assert httpx.get(base, headers={"Authorization": f"Basic {helpers.KEY}"}).status_code == 401
    assert httpx.get(base, headers={"Authorization": "Bearer live-key"}).json()["error"] == "Unauthorized"


def test_unpaid_workspace_is_402(sandbox):
    """§2.5 / seed 402: "Workspace does not have an active paid plan" (fatal for the run)."""
    with helpers.instantly(sandbox.base_urls["instantly"], key=seed.INSTANTLY_UNPAID_KEY) as client:
        r = client.get("/api/v2/campaigns")
    assert r.status_code == 402
    assert r.json() == {
        "statusCode": 402,
        "error": "Payment Required",
        "message": "Workspace does not have an active paid plan",
    }


def test_workspace_current_is_the_key_check(ins):
    """§2.6: ``GET /api/v2/workspaces/current`` answers the Workspace ``{id, name, owner, plan_id, …}``."""
    _, client = ins
    ws = client.get("/api/v2/workspaces/current").json()
    assert ws["id"] == seed.INSTANTLY_WORKSPACE_ID and {
        "name",
        "owner",
        "plan_id",
        "timestamp_created",
    } <= set(ws)


def test_campaign_cursor_paging_carries_cursor_on_last_page(ins):
    """§2.2 (INS-CONV): the last page with data still carries a cursor; stop on empty."""
    _, client = ins
    ids: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 100, **({"starting_after": cursor} if cursor else {})}
        body = client.get("/api/v2/campaigns", params=params).json()
        if not body["items"]:
            assert "next_starting_after" not in body
            break
        pages += 1
        ids += [c["id"] for c in body["items"]]
        assert body["next_starting_after"] == body["items"][-1]["id"]
        cursor = body["next_starting_after"]
    assert pages == 3 and len(ids) == len(set(ids)) == seed.INSTANTLY_CAMPAIGN_COUNT
    assert seed.INSTANTLY_CAMPAIGN in ids


def test_campaign_fields_and_numeric_status(ins):
    """§2.2: required fields id, name, status (numeric), campaign_schedule, timestamp_created/updated."""
    _, client = ins
    items = client.get("/api/v2/campaigns", params={"limit": 100}).json()["items"]
    for c in items:
        assert {"id", "name", "status", "campaign_schedule", "timestamp_created", "timestamp_updated"} <= set(
            c
        )
        assert isinstance(c["status"], int)
    assert {c["status"] for c in items} >= {0, 1, 2, 3}
    active = client.get("/api/v2/campaigns", params={"status": 1, "limit": 100}).json()["items"]
    assert active and all(c["status"] == 1 for c in active)
    found = client.get("/api/v2/campaigns", params={"search": "q4 outbound"}).json()["items"]
    assert [c["id"] for c in found] == [seed.INSTANTLY_CAMPAIGN]


def test_campaign_limit_over_100_is_fastify_400(ins):
    """§2.1: ``limit`` is 1..100; schema errors come back Fastify-style."""
    _, client = ins
    r = client.get("/api/v2/campaigns", params={"limit": 101})
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "querystring/limit must be <= 100",
    }


def test_lead_lists_timestamp_cursor(ins):
    """§2.1: lead-lists page with a timestamp cursor (``timestamp_created`` of the last item)."""
    _, client = ins
    first = client.get("/api/v2/lead-lists", params={"limit": 100}).json()
    assert len(first["items"]) == 100
    cursor = first["next_starting_after"]
    assert cursor == first["items"][-1]["timestamp_created"] and cursor.endswith("Z")
    second = client.get("/api/v2/lead-lists", params={"limit": 100, "starting_after": cursor}).json()
    assert len(second["items"]) == seed.INSTANTLY_LIST_COUNT - 100 and second["next_starting_after"]
    empty = client.get(
        "/api/v2/lead-lists", params={"limit": 100, "starting_after": second["next_starting_after"]}
    )
    assert empty.json() == {"items": []}
    all_ids = {lst["id"] for lst in first["items"] + second["items"]}
    assert seed.INSTANTLY_LIST in all_ids


def test_add_leads_summary_counters_in_documented_order(ins):
    """§2.4: invalid email, in-payload duplicate, blocklist, already-in-campaign counters."""
    handle, client = ins
    leads = [
        {"email": "fresh.one@example.com", "first_name": "Fresh"},  # 0 created
        {"email": "not-an-email"},  # 1 invalid
        {"first_name": "No email"},  # 2 invalid (campaign needs email)
        {"email": "FRESH.ONE@example.com"},  # 3 duplicate within payload
        {"email": seed.INSTANTLY_BLOCKLISTED_EMAIL},  # 4 blocklist
        {"email": f"x@{seed.INSTANTLY_BLOCKLISTED_DOMAIN}"},  # 5 blocklisted domain
        {"email": seed.INSTANTLY_DUPLICATE_EMAIL},  # 6 already in this campaign
        {"email": "second@example.com", "custom_variables": {"score": 5, "vip": True, "note": None}},  # 7
    ]
    body = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": leads}).json()
    assert body["status"] == "success" and body["total_sent"] == 8
    assert body["invalid_email_count"] == 2
    assert body["duplicate_email_count"] == 1
    assert body["in_blocklist"] == 2
    assert body["duplicated_leads"] == 1
    assert body["skipped_count"] == 0 and body["incomplete_count"] == 0
    assert body["leads_uploaded"] == 2
    assert [c["index"] for c in body["created_leads"]] == [0, 7]
    assert all(len(c["id"]) == 36 for c in body["created_leads"])
    assert body["blocklist_used"] == seed.INSTANTLY_BLOCKLIST
    assert isinstance(body["remaining_in_plan"], int)
    assert handle.ledger.payloads("instantly", seed.INSTANTLY_CAMPAIGN) == [leads[0], leads[7]]
    assert handle.ledger.attempts("instantly", seed.INSTANTLY_CAMPAIGN, "fresh.one@example.com") == 2


def test_unknown_lead_key_rejects_whole_batch(ins):
    """§2.3: ``additionalProperties: false``: one flat custom column fails the whole batch."""
    handle, client = ins
    leads = [{"email": f"l{i}@example.com"} for i in range(5)]
    leads[3]["company_size"] = "50"
    r = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": leads})
    assert r.status_code == 400
    assert r.json() == {
        "statusCode": 400,
        "error": "Bad Request",
        "message": "body/leads/3 must NOT have additional properties",
    }
    assert handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN) == 0


@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ({"nested": {"a": 1}}, "body/leads/0/custom_variables/nested must be string,number,boolean,null"),
        ({"list": [1]}, "body/leads/0/custom_variables/list must be string,number,boolean,null"),
        ("flat", "body/leads/0/custom_variables must be object"),
    ],
)
def test_custom_variable_value_types(ins, custom, message):
    """§2.3: ``custom_variables`` values are string | number | boolean | null only."""
    _, client = ins
    r = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "leads": [{"email": "a@example.com", "custom_variables": custom}],
        },
    )
    assert r.status_code == 400 and r.json()["message"] == message


def test_lead_string_fields_and_interest_status(ins):
    """Seed lead schema: string fields are string|null; ``lt_interest_status`` is one of the enum numbers."""
    _, client = ins
    r = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "leads": [{"email": "a@example.com", "phone": 5551234}],
        },
    )
    assert r.json()["message"] == "body/leads/0/phone must be string,null"
    r = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "leads": [{"email": "a@example.com", "lt_interest_status": 7}],
        },
    )
    assert r.json()["message"] == "body/leads/0/lt_interest_status must be equal to one of the allowed values"
    ok = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "leads": [{"email": "a@example.com", "lt_interest_status": -1, "phone": None}],
        },
    )
    assert ok.status_code == 200 and ok.json()["leads_uploaded"] == 1


def test_batch_size_limits(ins):
    """§2.3: ``leads`` has minItems 1 and maxItems 1000."""
    _, client = ins
    empty = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": []})
    assert empty.json()["message"] == "body/leads must NOT have fewer than 1 items"
    big = [{"email": f"b{i}@example.com"} for i in range(1001)]
    too_many = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": big})
    assert too_many.json()["message"] == "body/leads must NOT have more than 1000 items"
    full = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": big[:1000]})
    assert full.status_code == 200 and full.json()["leads_uploaded"] == 1000


def test_campaign_xor_list(ins):
    """Seed: "You must provide a campaign_id or a list_id, but not both"."""
    _, client = ins
    both = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "list_id": seed.INSTANTLY_LIST,
            "leads": [{"email": "a@example.com"}],
        },
    )
    neither = client.post(ADD, json={"leads": [{"email": "a@example.com"}]})
    assert both.status_code == neither.status_code == 400
    missing = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN})
    assert missing.json()["message"] == "body must have required property 'leads'"
    not_uuid = client.post(ADD, json={"campaign_id": "cam_123", "leads": [{"email": "a@example.com"}]})
    assert not_uuid.json()["message"] == 'body/campaign_id must match format "uuid"'


def test_unknown_campaign_is_404(ins):
    """Seed 404: ``{statusCode:404, error:"Not Found", message:"Resource not found"}``."""
    _, client = ins
    r = client.post(
        ADD,
        json={"campaign_id": "01990000-ffff-7000-8000-5a0d0000ffff", "leads": [{"email": "a@example.com"}]},
    )
    assert r.status_code == 404 and r.json()["error"] == "Not Found"


def test_list_rules_incomplete_and_no_plan_count(ins):
    """§2.3/§2.4: list leads need email or a name (``incomplete_count``); no remaining_in_plan."""
    handle, client = ins
    leads = [
        {"first_name": "Only name"},
        {"website": "https://x.example"},
        {"email": seed.INSTANTLY_LIST_DUPLICATE_EMAIL},
    ]
    body = client.post(ADD, json={"list_id": seed.INSTANTLY_LIST, "leads": leads}).json()
    assert body["leads_uploaded"] == 1 and body["incomplete_count"] == 1 and body["duplicated_leads"] == 1
    assert body["remaining_in_plan"] is None
    assert [c["index"] for c in body["created_leads"]] == [0]
    assert handle.ledger.payloads("instantly", seed.INSTANTLY_LIST) == [leads[0]]


def test_skip_if_flags(ins):
    """§2.3: ``skip_if_in_campaign`` skips leads in any campaign (``skipped_count``)."""
    _, client = ins
    plain = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "leads": [{"email": seed.INSTANTLY_OTHER_CAMPAIGN_EMAIL}],
        },
    )
    assert plain.json()["leads_uploaded"] == 1  # another campaign does not block a plain add
    replay = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "skip_if_in_campaign": True,
            "leads": [{"email": seed.INSTANTLY_OTHER_CAMPAIGN_EMAIL}],
        },
    ).json()
    assert replay["skipped_count"] == 1 and replay["leads_uploaded"] == 0 and replay["created_leads"] == []
    in_list = client.post(
        ADD,
        json={
            "campaign_id": seed.INSTANTLY_CAMPAIGN,
            "skip_if_in_workspace": True,
            "leads": [{"email": seed.INSTANTLY_LIST_DUPLICATE_EMAIL}],
        },
    ).json()
    assert in_list["skipped_count"] == 1


def test_rate_limit_is_json_429_without_headers(sandbox_factory):
    """§2.5: over the per-second limit → 429 ``Rate limit exceeded`` JSON, and no X-RateLimit-* headers."""
    handle = sandbox_factory(limits={"instantly": [(3, 60.0), (100, 600.0)]})
    with (
        helpers.instantly(handle.base_urls["instantly"]) as client,
        helpers.instantly(handle.base_urls["instantly"], key="sandbox-second-key") as other,
    ):
        answers = [client.get("/api/v2/workspaces/current") for _ in range(3)]
        throttled = other.get("/api/v2/workspaces/current")  # same workspace: the limit is shared by all keys
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert throttled.status_code == 429
    assert throttled.json() == {
        "statusCode": 429,
        "error": "Too Many Requests",
        "message": "Rate limit exceeded",
    }
    assert not [
        h for h in throttled.headers if h.lower().startswith("x-ratelimit") or h.lower() == "retry-after"
    ]
    assert handle.ledger.throttled("instantly") == 1


def test_default_limits_are_100_per_second_and_6000_per_minute(sandbox):
    """§2.5: the documented numbers are the defaults (100 req/s, 6000 req/min per workspace)."""
    limiter = sandbox.sandbox.providers["instantly"].ctx.limiters["instantly"]
    assert [(w.requests, w.seconds) for w in limiter.windows] == [(100, 1.0), (6000, 60.0)]


def test_leads_list_reads_back_by_ids_with_body_cursor(ins):
    """§2.1 / INS-CONV: ``POST /api/v2/leads/list`` takes filters, limit and the cursor in the body."""
    _, client = ins
    leads = [{"email": f"rb{i}@example.com", "custom_variables": {"n": i}} for i in range(5)]
    created = client.post(ADD, json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": leads}).json()[
        "created_leads"
    ]
    ids = [c["id"] for c in created]
    page = client.post(
        "/api/v2/leads/list", json={"campaign": seed.INSTANTLY_CAMPAIGN, "ids": ids[:3], "limit": 2}
    )
    body = page.json()
    assert [item["id"] for item in body["items"]] == ids[:2]
    assert body["items"][0]["email"] == "rb0@example.com" and body["items"][0]["payload"] == {"n": 0}
    following = client.post(
        "/api/v2/leads/list",
        json={
            "campaign": seed.INSTANTLY_CAMPAIGN,
            "ids": ids[:3],
            "limit": 2,
            "starting_after": body["next_starting_after"],
        },
    ).json()
    assert [item["id"] for item in following["items"]] == ids[2:3]
    everything = client.post("/api/v2/leads/list", json={"campaign": seed.INSTANTLY_CAMPAIGN}).json()["items"]
    assert len(everything) == 6  # the seeded duplicate plus the five new ones
    assert client.post("/api/v2/leads/list", json={"limit": 101}).status_code == 400
