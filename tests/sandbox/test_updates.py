"""Updating a lead already there (providers-next.md §4): field rules, answers checked against the specs."""

from __future__ import annotations

from gui.sandbox import seed
from tests.sandbox import spec

LEM_PATCH = "/campaigns/{campaignId}/leads/{leadId}"
LEM_VARIABLES = "/leads/{leadId}/variables"
LEM_FIND = "/leads/{email}"
INST_PATCH = "/api/v2/leads/{id}"
INST_LIST = "/api/v2/leads/list"


def _lemlist_lead(client, email: str) -> str:
    body = {"email": email, "firstName": "Ada", "jobTitle": "CTO", "region": "EMEA"}
    r = client.post(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/", json=body)
    assert r.status_code == 200
    return str(r.json()["_id"])


def test_lemlist_patch_changes_the_fields_it_accepts_and_answers_the_documented_shape(lem):
    handle, client = lem
    lead_id = _lemlist_lead(client, "ada@patch-sandbox.com")
    body = {"firstName": "Adele", "jobTitle": "CEO"}
    spec.assert_conforms(spec.LEMLIST, spec.request_schema(spec.LEMLIST, LEM_PATCH, "patch"), body)
    r = client.patch(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}", json=body)
    assert r.status_code == 200
    spec.assert_conforms(spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_PATCH, "patch"), r.json())
    assert (r.json()["_id"], r.json()["firstName"], r.json()["jobTitle"]) == (lead_id, "Adele", "CEO")
    stored = handle.ledger.by_id("lemlist", seed.LEMLIST_CAMPAIGN, lead_id)
    assert (
        stored is not None and stored.payload["firstName"] == "Adele" and stored.payload["region"] == "EMEA"
    )
    assert handle.ledger.patches("lemlist") == [(lead_id, body)]


def test_lemlist_patch_refuses_a_field_outside_the_documented_set(lem):
    handle, client = lem
    lead_id = _lemlist_lead(client, "ada@refuse-sandbox.com")
    r = client.patch(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}", json={"phone": "+33612345678"})
    assert (r.status_code, r.text) == (400, "Bad params: phone cannot be updated on a campaign lead")
    r = client.patch(
        f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}", json={"preferredContactMethod": "fax"}
    )
    assert r.status_code == 400
    missing = client.patch(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/lea_nobody", json={"jobTitle": "x"})
    assert (missing.status_code, missing.text) == (404, "Lead not found")
    assert handle.ledger.patches("lemlist") == []


def test_lemlist_variables_change_existing_ones_and_add_new_ones_from_the_query(lem):
    handle, client = lem
    lead_id = _lemlist_lead(client, "ada@vars-sandbox.com")
    r = client.patch(f"/leads/{lead_id}/variables", params={"region": "APAC"})
    assert r.status_code == 200
    spec.assert_conforms(spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_VARIABLES, "patch"), r.json())
    unknown = client.patch(f"/leads/{lead_id}/variables", params={"tier": "gold"})
    assert (unknown.status_code, unknown.text) == (400, "Variable not found")  # PATCH changes, POST adds
    added = client.post(f"/leads/{lead_id}/variables", params={"tier": "gold"})
    assert added.status_code == 200
    spec.assert_conforms(
        spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_VARIABLES, "post"), added.json()
    )
    field = client.patch(f"/leads/{lead_id}/variables", params={"phone": "+1"})
    assert field.status_code == 400 and "not a custom variable" in field.text
    stored = handle.ledger.by_id("lemlist", seed.LEMLIST_CAMPAIGN, lead_id)
    assert stored is not None and (stored.payload["region"], stored.payload["tier"]) == ("APAC", "gold")
    found = client.get("/leads/ada@vars-sandbox.com", params={"campaignId": seed.LEMLIST_CAMPAIGN})
    assert found.status_code == 200
    spec.assert_conforms(spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_FIND, "get"), found.json())
    assert found.json()[0]["variables"]["tier"] == "gold"


def _instantly_lead(client, email: str) -> str:
    lead = {"email": email, "first_name": "Ada", "custom_variables": {"region": "EMEA", "size": "50"}}
    r = client.post("/api/v2/leads/add", json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": [lead]})
    assert r.status_code == 200
    return str(r.json()["created_leads"][0]["id"])


def test_instantly_patch_merges_and_answers_the_lead(ins):
    _handle, client = ins
    lead_id = _instantly_lead(client, "ada@patch-instantly.com")
    body = {"job_title": "CEO", "custom_variables": {"region": "APAC"}}
    spec.assert_conforms(spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, INST_PATCH, "patch"), body)
    r = client.patch(f"/api/v2/leads/{lead_id}", json=body)
    assert r.status_code == 200
    spec.assert_conforms(spec.INSTANTLY, spec.response_schema(spec.INSTANTLY, INST_PATCH, "patch"), r.json())
    assert r.json()["job_title"] == "CEO" and r.json()["payload"] == {"region": "APAC", "size": "50"}


def test_instantly_patch_keeps_to_the_schema(ins):
    handle, client = ins
    lead_id = _instantly_lead(client, "ada@schema-instantly.com")
    extra = client.patch(f"/api/v2/leads/{lead_id}", json={"email": "new@example.com"})
    assert extra.status_code == 400 and "additional properties" in extra.json()["message"]
    empty = client.patch(f"/api/v2/leads/{lead_id}", json={})
    assert empty.status_code == 400 and "fewer than 1" in empty.json()["message"]
    wrong = client.patch(f"/api/v2/leads/{lead_id}", json={"first_name": 5})
    assert wrong.status_code == 400
    gone = client.patch("/api/v2/leads/019ffad2-90b0-7d6d-b877-e246e5ba5796", json={"first_name": "x"})
    assert gone.status_code == 404
    assert handle.ledger.patches("instantly") == []


def test_instantly_list_finds_a_lead_by_search(ins):
    _handle, client = ins
    lead_id = _instantly_lead(client, "ada@search-instantly.com")
    body = {"campaign": seed.INSTANTLY_CAMPAIGN, "search": "ADA@search-instantly.com", "limit": 10}
    spec.assert_conforms(spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, INST_LIST, "post"), body)
    r = client.post(INST_LIST, json=body)
    assert r.status_code == 200
    spec.assert_conforms(spec.INSTANTLY, spec.response_schema(spec.INSTANTLY, INST_LIST, "post"), r.json())
    assert [item["id"] for item in r.json()["items"]] == [lead_id]
