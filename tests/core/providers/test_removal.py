"""Taking an upload back (issue 17): the exact delete requests, and the two traps they avoid."""

from __future__ import annotations

import json

import httpx
import pytest

from gui.core.errors import AuthError, ProviderError, RateLimited
from gui.core.providers import get_spec, make_client
from gui.core.providers.base import Removal
from gui.core.providers.instantly import InstantlyClient
from gui.core.providers.instantly_answers import delete_body, target_of
from gui.core.providers.lemlist import LemlistClient
from tests.core.providers import openapi
from tests.core.providers.helpers import Script, run

UUIDS = [f"019ffad2-9c4c-7079-b87c-{n:012x}" for n in range(3)]


def _lemlist(script: Script, ids: list[str]) -> tuple[Removal, ...]:
    async def go() -> tuple[Removal, ...]:
        client = LemlistClient("sandbox-key", transport=script.transport)
        try:
            return await client.remove("cam_1", ids)
        finally:
            await client.aclose()

    return run(go())


def _instantly(script: Script, destination: str, ids: list[str]) -> tuple[Removal, ...]:
    async def go() -> tuple[Removal, ...]:
        client = InstantlyClient("sandbox-key", transport=script.transport)
        try:
            return await client.remove(destination, ids)
        finally:
            await client.aclose()

    return run(go())


def test_batch_sizes_say_who_can_remove() -> None:
    assert [get_spec(p).remove_batch_size for p in ("lemlist", "instantly", "aktify", "sendpilot")] == [
        1,
        1000,
        0,
        0,
    ]


def test_lemlist_delete_carries_action_remove_one_lead_per_request() -> None:
    path = "/api/campaigns/cam_1/leads/{}"
    script = Script(
        ("DELETE", path.format("lea_1"), httpx.Response(200, json={"_id": "lea_1"})),
        ("DELETE", path.format("lea_2"), httpx.Response(404, json={"message": "Lead not found"})),
    )
    removals = _lemlist(script, ["lea_1", "lea_2", "lea_1", ""])
    assert [(r.provider_id, r.outcome) for r in removals] == [("lea_1", "removed"), ("lea_2", "already_gone")]
    # Without action=remove lemlist unsubscribes the lead instead of deleting it.
    assert [dict(r.url.params) for r in script.requests] == [{"action": "remove"}, {"action": "remove"}]
    assert all(not r.content for r in script.requests)
    assert script.done()


def test_lemlist_action_remove_is_the_spec_s_force_delete() -> None:
    spec = openapi.load("lemlist_openapi.json")
    params = openapi.operation(spec, "DELETE", "/campaigns/{campaignId}/leads/{leadId}")["parameters"]
    action = next(p for p in params if p["name"] == "action")
    assert action["in"] == "query" and action["example"] == "remove"
    assert "delete" in action["description"].lower()


def test_lemlist_key_text_and_run_level_answers_raise() -> None:
    bad_key = Script(("DELETE", "/api/campaigns/cam_1/leads/lea_1", httpx.Response(404, text="Bad team")))
    with pytest.raises(AuthError):
        _lemlist(bad_key, ["lea_1"])
    slow = Script(
        ("DELETE", "/api/campaigns/cam_1/leads/lea_1", httpx.Response(429, headers={"Retry-After": "2"}))
    )
    with pytest.raises(RateLimited):
        _lemlist(slow, ["lea_1"])


def test_lemlist_other_4xx_is_failed_with_the_reason() -> None:
    script = Script(
        ("DELETE", "/api/campaigns/cam_1/leads/lea_1", httpx.Response(400, json={"message": "Nope"}))
    )
    (removal,) = _lemlist(script, ["lea_1"])
    assert removal.outcome == "failed" and "Nope" in removal.reason


def test_instantly_bulk_delete_always_names_the_ids_and_fits_the_spec() -> None:
    script = Script(("DELETE", "/api/v2/leads", httpx.Response(200, json={"count": 3})))
    removals = _instantly(script, "camp-1", [*UUIDS, UUIDS[0]])
    assert [(r.provider_id, r.outcome) for r in removals] == [(i, "removed") for i in UUIDS]
    body = script.body(0)
    assert body == {"campaign_id": "camp-1", "ids": UUIDS}
    spec = openapi.load("instantly_api_v2.json")
    assert openapi.problems(spec, openapi.request_schema(spec, "DELETE", "/api/v2/leads"), body) == []


def test_instantly_list_destination_and_batches_of_1000() -> None:
    ids = [f"id-{n}" for n in range(1001)]
    script = Script(
        ("DELETE", "/api/v2/leads", httpx.Response(200, json={"count": 1000})),
        ("DELETE", "/api/v2/leads", httpx.Response(200, json={"count": 0})),
    )
    removals = _instantly(script, "list:l-9", ids)
    assert [len(script.body(i)["ids"]) for i in range(2)] == [1000, 1]
    assert {tuple(sorted(script.body(i))) for i in range(2)} == {("ids", "list_id")}
    assert removals[-1].outcome == "removed" and "already gone" in removals[-1].reason
    assert "already gone" not in removals[0].reason


def test_instantly_empty_ids_send_nothing() -> None:
    script = Script()  # any request fails the test
    assert _instantly(script, "camp-1", []) == ()
    assert _instantly(script, "camp-1", ["", ""]) == ()
    assert script.requests == []


def test_instantly_delete_body_refuses_empty_ids() -> None:
    with pytest.raises(ValueError, match="empty the whole campaign"):
        delete_body(target_of("camp-1"), [])
    assert json.dumps(delete_body(target_of("list:l-1"), ["a"])) == '{"list_id": "l-1", "ids": ["a"]}'


def test_instantly_404_is_already_gone() -> None:
    script = Script(("DELETE", "/api/v2/leads", httpx.Response(404, json={"message": "Campaign not found"})))
    removals = _instantly(script, "camp-1", UUIDS[:2])
    assert {r.outcome for r in removals} == {"already_gone"}


@pytest.mark.parametrize("provider", ["aktify", "sendpilot"])
def test_providers_without_delete_refuse_without_a_request(provider: str) -> None:
    script = Script()

    async def go() -> None:
        client = make_client(provider, "sandbox-key", transport=script.transport)
        try:
            await client.remove("default", ["x"])
        finally:
            await client.aclose()

    with pytest.raises(ProviderError, match="web app"):
        run(go())
    assert script.requests == []
