"""Taking leads back (providers-next.md §3): the real semantics and the traps, in the ledger and the specs."""

from __future__ import annotations

import pytest

from gui.sandbox import seed
from tests.sandbox import spec

LEM_DELETE = "/campaigns/{campaignId}/leads/{leadId}"
LEM_DELETE_EMAIL = "/campaigns/{campaignId}/leads/{email}"


def _lemlist_lead(client, email: str) -> str:
    r = client.post(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/", json={"email": email, "firstName": "Ada"})
    assert r.status_code == 200
    return str(r.json()["_id"])


def test_lemlist_delete_by_id_with_action_remove_deletes(lem):
    handle, client = lem
    lead_id = _lemlist_lead(client, "ada@remove-sandbox.com")
    r = client.delete(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}", params={"action": "remove"})
    assert r.status_code == 200
    assert set(spec.query_names(spec.LEMLIST, LEM_DELETE, "delete")) == {"action"}
    spec.assert_conforms(spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_DELETE, "delete"), r.json())
    assert r.json()["_id"] == lead_id
    ledger = handle.ledger
    assert ledger.by_id("lemlist", seed.LEMLIST_CAMPAIGN, lead_id) is None
    assert [lead.id for lead in ledger.removed("lemlist")] == [lead_id]
    again = client.delete(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}", params={"action": "remove"})
    assert (again.status_code, again.text) == (404, "Lead not found")


def test_lemlist_delete_without_action_only_unsubscribes(lem):
    """The trap: the lead stays in the campaign, unsubscribed for good."""
    handle, client = lem
    lead_id = _lemlist_lead(client, "bob@trap-sandbox.com")
    r = client.delete(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{lead_id}")
    assert r.status_code == 200
    spec.assert_conforms(spec.LEMLIST, spec.response_schema(spec.LEMLIST, LEM_DELETE, "delete"), r.json())
    lead = handle.ledger.by_id("lemlist", seed.LEMLIST_CAMPAIGN, lead_id)
    assert lead is not None and lead.state == "unsubscribed"
    assert handle.ledger.removed("lemlist") == []
    states = client.get(f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/", params={"state": "unsubscribed"}).json()
    assert [item["_id"] for item in states] == [lead_id]


def test_lemlist_delete_by_email_unsubscribes_even_with_action_remove(lem):
    handle, client = lem
    r = client.delete(
        f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/{seed.LEMLIST_DUPLICATE_EMAIL.upper()}",
        params={"action": "remove"},
    )
    assert r.status_code == 200
    schema = spec.response_schema(spec.LEMLIST, LEM_DELETE_EMAIL, "delete")
    spec.assert_conforms(spec.LEMLIST, schema, r.json())
    lead = handle.ledger.find("lemlist", seed.LEMLIST_CAMPAIGN, seed.LEMLIST_DUPLICATE_EMAIL)
    assert lead is not None and lead.state == "unsubscribed" and lead.id == r.json()["_id"]
    assert handle.ledger.removed("lemlist") == []


@pytest.mark.parametrize(
    ("campaign", "lead", "message"),
    [
        (seed.LEMLIST_CAMPAIGN, "lea_notThere00000000", "Lead not found"),
        (seed.LEMLIST_CAMPAIGN, "nobody@nowhere-sandbox.com", "Lead not found"),
        ("cam_notThere000000", "lea_notThere00000000", "Campaign not found"),
    ],
)
def test_lemlist_unknown_lead_or_campaign_is_404_text(lem, campaign, lead, message):
    _handle, client = lem
    r = client.delete(f"/campaigns/{campaign}/leads/{lead}", params={"action": "remove"})
    assert (r.status_code, r.text) == (404, message)


def _instantly_leads(client, emails: list[str]) -> list[str]:
    r = client.post(
        "/api/v2/leads/add",
        json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": [{"email": e} for e in emails]},
    )
    assert r.status_code == 200
    return [lead["id"] for lead in r.json()["created_leads"]]


def _delete(client, body):
    spec.assert_conforms(spec.INSTANTLY, spec.request_schema(spec.INSTANTLY, "/api/v2/leads", "delete"), body)
    return client.request("DELETE", "/api/v2/leads", json=body)


def test_instantly_bulk_delete_with_ids_deletes_only_those(ins):
    handle, client = ins
    before = {lead.id for lead in handle.ledger.leads("instantly", seed.INSTANTLY_CAMPAIGN)}
    ids = _instantly_leads(client, ["a@take-sandbox.com", "b@take-sandbox.com", "c@take-sandbox.com"])
    r = _delete(client, {"campaign_id": seed.INSTANTLY_CAMPAIGN, "ids": ids[:2]})
    assert r.status_code == 200
    spec.assert_conforms(
        spec.INSTANTLY, spec.response_schema(spec.INSTANTLY, "/api/v2/leads", "delete"), r.json()
    )
    assert r.json() == {"count": 2}
    after = {lead.id for lead in handle.ledger.leads("instantly", seed.INSTANTLY_CAMPAIGN)}
    assert after == before | {ids[2]}
    assert sorted(lead.id for lead in handle.ledger.removed("instantly")) == sorted(ids[:2])


def test_instantly_bulk_delete_without_ids_empties_the_campaign(ins):
    """The trap: no ``ids`` deletes every lead of the campaign, seeded ones included."""
    handle, client = ins
    _instantly_leads(client, ["d@take-sandbox.com"])
    held = handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN, include_seeded=True)
    r = _delete(client, {"campaign_id": seed.INSTANTLY_CAMPAIGN})
    assert r.json() == {"count": held} and held >= 2
    assert handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN, include_seeded=True) == 0
    assert handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN_2, include_seeded=True) == 1


def test_instantly_bulk_delete_limit_and_unknown_ids(ins):
    _handle, client = ins
    _instantly_leads(client, ["e@take-sandbox.com", "f@take-sandbox.com"])
    r = _delete(client, {"campaign_id": seed.INSTANTLY_CAMPAIGN, "ids": [seed.instantly_campaign_id(4242)]})
    assert r.json() == {"count": 0}
    r = _delete(client, {"campaign_id": seed.INSTANTLY_CAMPAIGN, "limit": 1})
    assert r.json() == {"count": 1}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"campaign_id": "not-a-uuid"}, 400),
        ({"campaign_id": seed.INSTANTLY_CAMPAIGN, "ids": ["x"]}, 400),
        ({"campaign_id": seed.INSTANTLY_CAMPAIGN, "limit": 10_001}, 400),
        ({"campaign_id": seed.instantly_campaign_id(4242)}, 404),
    ],
)
def test_instantly_bulk_delete_refusals_delete_nothing(ins, body, status):
    handle, client = ins
    held = handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN, include_seeded=True)
    r = client.request("DELETE", "/api/v2/leads", json=body)
    assert r.status_code == status and r.json()["statusCode"] == status
    assert handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN, include_seeded=True) == held


def test_instantly_delete_one_and_unknown_is_404(ins):
    handle, client = ins
    (lead_id,) = _instantly_leads(client, ["g@take-sandbox.com"])
    r = client.delete(f"/api/v2/leads/{lead_id}")
    assert r.status_code == 200 and r.json()["id"] == lead_id
    schema = spec.response_schema(spec.INSTANTLY, "/api/v2/leads/{id}", "delete")
    spec.assert_conforms(spec.INSTANTLY, schema, r.json())
    assert handle.ledger.removed("instantly")[0].id == lead_id
    r = client.delete(f"/api/v2/leads/{lead_id}")
    assert r.status_code == 404 and r.json()["statusCode"] == 404
