"""Do-not-contact lists (providers-next.md §2): lemlist unsubscribes and the Instantly block list, paged."""

from __future__ import annotations

import pytest

from gui.sandbox import seed
from tests.sandbox import spec

LEM_DNC = "/v2/unsubscribes/variables"
INS_DNC = "/api/v2/block-lists-entries"
INS_BULK = "/api/v2/block-lists-entries/bulk-create"


def _lem_add(client, values):
    body = {"values": values}
    spec.assert_conforms(spec.LEMLIST, spec.request_schema(spec.LEMLIST, LEM_DNC, "post"), body)
    return client.post(LEM_DNC, json=body)


def test_lemlist_add_then_page_to_the_end_by_offset(lem):
    handle, client = lem
    values = [f"person{i}@dnc-sandbox.com" for i in range(230)] + ["@blocked-sandbox.org", "+14155550100"]
    r = _lem_add(client, values)
    assert r.status_code == 200 and r.json() == "Variables unsubscribed"
    schema = spec.response_schema(spec.LEMLIST, LEM_DNC, "get")
    assert spec.query_names(spec.LEMLIST, LEM_DNC, "get") == {"offset", "limit"}
    seen: list[str] = []
    offset = 0
    while True:
        page = client.get(LEM_DNC, params={"offset": offset, "limit": 100})
        assert page.status_code == 200
        spec.assert_conforms(spec.LEMLIST, schema, page.json())
        if not page.json():
            break
        assert len(page.json()) <= 100
        seen += [item["value"] for item in page.json()]
        offset += len(page.json())
    assert seen == values
    assert {item.source for item in handle.ledger.dnc("lemlist")} == {"api"}


def test_lemlist_values_are_stored_once_and_lower_cased(lem):
    handle, client = lem
    _lem_add(client, ["Ada@DNC-sandbox.com", "ada@dnc-sandbox.com"])
    assert [e.value for e in handle.ledger.dnc("lemlist")] == ["ada@dnc-sandbox.com"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"values": ["x@y.com"] * 10_001}, "Maximum 10000 values allowed"),
        ({"values": "x@y.com"}, "values must be an array of strings"),
        ({}, "values must be an array of strings"),
    ],
)
def test_lemlist_refusals_add_nothing(lem, body, message):
    handle, client = lem
    r = client.post(LEM_DNC, json=body)
    assert (r.status_code, r.text) == (400, message)
    assert handle.ledger.dnc("lemlist") == []


def test_lemlist_limit_over_100_is_refused(lem):
    _handle, client = lem
    assert client.get(LEM_DNC, params={"limit": 101}).status_code == 400


def _ins_add(client, values):
    body = {"bl_values": values}
    spec.assert_conforms(spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, INS_BULK, "post"), body)
    r = client.post(INS_BULK, json=body)
    assert r.status_code == 200
    spec.assert_conforms(spec.INSTANTLY, spec.response_schema(spec.INSTANTLY, INS_BULK, "post"), r.json())
    return r.json()


def test_instantly_bulk_create_counts_invalid_values(ins):
    _handle, client = ins
    body = _ins_add(client, ["new@dnc-sandbox.com", "dnc-sandbox.org", "not a value", "+14155550100"])
    assert (body["valid_count"], body["invalid_count"]) == (2, 2)
    assert [(i["bl_value"], i["is_domain"]) for i in body["items"]] == [
        ("new@dnc-sandbox.com", False),
        ("dnc-sandbox.org", True),
    ]


def test_instantly_cursor_pages_to_the_end(ins):
    _handle, client = ins
    _ins_add(client, [f"p{i}@dnc-sandbox.com" for i in range(250)])
    schema = spec.response_schema(spec.INSTANTLY, INS_DNC, "get")
    values: list[str] = []
    after = None
    while True:
        params = {"limit": 100} | ({"starting_after": after} if after else {})
        page = client.get(INS_DNC, params=params).json()
        spec.assert_conforms(spec.INSTANTLY, schema, page)
        if not page["items"]:
            break
        values += [item["bl_value"] for item in page["items"]]
        after = page["next_starting_after"]
    seeded = [seed.INSTANTLY_BLOCKLISTED_EMAIL, seed.INSTANTLY_BLOCKLISTED_DOMAIN]
    assert values == seeded + [f"p{i}@dnc-sandbox.com" for i in range(250)]
    domains = client.get(INS_DNC, params={"domains_only": "true"}).json()["items"]
    assert [d["bl_value"] for d in domains] == [seed.INSTANTLY_BLOCKLISTED_DOMAIN]
    assert client.get(INS_DNC, params={"limit": 101}).status_code == 400


def test_instantly_upload_counts_block_listed_leads_in_blocklist(ins):
    """§2.4: a lead whose email or domain was just block-listed is not created, counted ``in_blocklist``."""
    handle, client = ins
    _ins_add(client, ["late@dnc-sandbox.com", "blocked-co-sandbox.com"])
    leads = [
        {"email": "late@dnc-sandbox.com"},
        {"email": "ceo@blocked-co-sandbox.com"},
        {"email": "ok@fine.com"},
    ]
    r = client.post("/api/v2/leads/add", json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": leads})
    assert (r.json()["in_blocklist"], r.json()["leads_uploaded"]) == (2, 1)
    assert handle.ledger.find("instantly", seed.INSTANTLY_CAMPAIGN, "late@dnc-sandbox.com") is None


@pytest.mark.parametrize(
    "body", [{}, {"bl_values": []}, {"bl_values": ["a@b.com"] * 1001}, {"bl_values": [1]}]
)
def test_instantly_bulk_create_refusals_add_nothing(ins, body):
    handle, client = ins
    held = len(handle.ledger.dnc("instantly"))
    r = client.post(INS_BULK, json=body)
    assert r.status_code == 400 and r.json()["statusCode"] == 400
    assert len(handle.ledger.dnc("instantly")) == held
