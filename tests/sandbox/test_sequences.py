"""The campaigns' emails (providers-next.md §1): lemlist sequences and Instantly steps, against the specs."""

from __future__ import annotations

import re

from gui.sandbox import seed
from tests.sandbox import spec

TAG = re.compile(r"\{\{\s*([^}|]+?)\s*(?:\|[^}]*)?\}\}")


def _tags(*texts: str) -> set[str]:
    return {m.group(1) for text in texts for m in TAG.finditer(text)}


def _read(client, name: str, url: str, documented: str):
    """GET ``url``; the answer must be a 200 that conforms to the spec's schema for ``documented``."""
    r = client.get(url)
    assert r.status_code == 200
    spec.assert_conforms(name, spec.response_schema(name, documented, "get"), r.json())
    return r.json()


def test_lemlist_sequences_match_the_spec_and_hold_a_conditional_branch(lem):
    url = f"/campaigns/{seed.LEMLIST_CAMPAIGN}/sequences"
    body = _read(lem[1], spec.LEMLIST, url, "/campaigns/{campaignId}/sequences")
    main = [s for s in body.values() if s["level"] == 0]
    branches = [s for s in body.values() if s["level"] >= 1]
    assert len(main) == 1 and len(branches) == 1
    assert all(key == sequence["_id"] for key, sequence in body.items())
    branch = branches[0]
    assert branch["parentId"] == main[0]["_id"]
    conditional = main[0]["steps"][branch["conditionalStepIndex"]]
    assert conditional["type"] == "conditional"
    emails = [s for s in main[0]["steps"] if s["type"] == "email"]
    assert len(emails) >= 2 and all("subject" in s and "message" in s for s in emails)
    assert all("subject" not in s for s in main[0]["steps"] if s["type"] != "email")
    texts = [s.get(k, "") for seq in body.values() for s in seq["steps"] for k in ("subject", "message")]
    assert {"firstName", "companyName", "icebreaker", "industry", "signature", "unsubscribe"} <= _tags(*texts)


def test_lemlist_sequence_of_campaign_matches_its_sequence_id_and_unknown_is_404(lem):
    _handle, lem = lem
    campaign = lem.get(f"/campaigns/{seed.LEMLIST_PAUSED_CAMPAIGN}").json()
    body = lem.get(f"/campaigns/{seed.LEMLIST_PAUSED_CAMPAIGN}/sequences").json()
    assert list(body) == [campaign["sequenceId"]]
    r = lem.get("/campaigns/cam_doesNotExist000/sequences")
    assert (r.status_code, r.text) == (404, "Campaign not found")


def test_instantly_campaign_sequences_match_the_spec(ins):
    url = f"/api/v2/campaigns/{seed.INSTANTLY_CAMPAIGN}"
    body = _read(ins[1], spec.INSTANTLY, url, "/api/v2/campaigns/{id}")
    steps = body["sequences"][0]["steps"]
    assert len(steps) >= 3 and all(step["type"] == "email" for step in steps)
    variants = [v for step in steps for v in step["variants"]]
    disabled = [v for v in variants if v.get("v_disabled")]
    assert len(disabled) == 1
    sent = [v for v in variants if not v.get("v_disabled")]
    texts = [v[k] for v in sent for k in ("subject", "body")]
    assert any("{{RANDOM | Hi | Hello}}" in t for t in texts)
    assert {"firstName", "companyName", "icebreaker", "accountSignature", "sendingAccountFirstName"} <= _tags(
        *texts
    )
    assert "legacyField" not in _tags(*texts)  # only the disabled variant uses it
    assert "legacyField" in _tags(disabled[0]["body"])


def test_instantly_other_campaigns_carry_a_short_sequence(ins):
    _handle, ins = ins
    items = ins.get("/api/v2/campaigns", params={"limit": 100}).json()["items"]
    schema = spec.response_schema(spec.INSTANTLY, "/api/v2/campaigns", "get")
    spec.assert_conforms(spec.INSTANTLY, schema, {"items": items})
    assert all(len(c["sequences"]) == 1 and c["sequences"][0]["steps"] for c in items)
