"""Do-not-contact lists (issue 16): pulled to the end with progress and cancel, pushed in batches."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gui.core.cancel import CancelToken
from gui.core.domain import Progress
from gui.core.errors import Cancelled, ProviderError
from gui.core.providers import get_spec, make_client
from tests.core.providers import openapi
from tests.core.providers.helpers import Script, run


def _call(provider: str, script: Script, method: str, *args: Any) -> Any:
    async def go() -> Any:
        client = make_client(provider, "sandbox-key", transport=script.transport)
        try:
            return await getattr(client, method)(*args)
        finally:
            await client.aclose()

    return run(go())


def _unsubscribes(start: int, count: int) -> list[dict[str, str]]:
    return [
        {
            "_id": f"uns_{n}",
            "value": f"p{n}@acme.com",
            "source": "user",
            "createdAt": "2026-08-01T00:00:00.000Z",
        }
        for n in range(start, start + count)
    ]


def _entries(start: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"019ffad2-9c4c-7079-b87c-{n:012x}",
            "bl_value": f"d{n}.com",
            "is_domain": True,
            "timestamp_created": "2026-08-01T00:00:00.000Z",
            "organization_id": "019ffad2-9c4c-7079-b87c-ef3272fbbda1",
        }
        for n in range(start, start + count)
    ]


def test_push_batches_come_from_the_providers_limits() -> None:
    assert [get_spec(p).dnc_push_batch for p in ("lemlist", "instantly", "aktify", "sendpilot")] == [
        10_000,
        1000,
        0,
        0,
    ]


def test_lemlist_pull_pages_the_v2_route_by_offset_with_progress() -> None:
    path = "/api/v2/unsubscribes/variables"
    first, second = _unsubscribes(0, 100), _unsubscribes(100, 3)
    spec = openapi.load("lemlist_openapi.json")
    schema = openapi.response_schema(spec, "GET", "/v2/unsubscribes/variables")
    assert openapi.problems(spec, schema, first) == []
    script = Script(
        ("GET", path, httpx.Response(200, json=first)), ("GET", path, httpx.Response(200, json=second))
    )
    seen: list[Progress] = []
    values = _call("lemlist", script, "pull_do_not_contact", seen.append, None)
    assert values == tuple(f"p{n}@acme.com" for n in range(103))
    assert [dict(r.url.params) for r in script.requests] == [
        {"offset": "0", "limit": "100"},
        {"offset": "100", "limit": "100"},
    ]
    assert [p.done for p in seen] == [100, 103]


def test_a_cancelled_pull_stops_between_pages() -> None:
    path = "/api/v2/unsubscribes/variables"
    script = Script(("GET", path, httpx.Response(200, json=_unsubscribes(0, 100))))
    token = CancelToken()
    with pytest.raises(Cancelled):
        _call("lemlist", script, "pull_do_not_contact", lambda _p: token.cancel(), token)
    assert len(script.requests) == 1


def test_lemlist_unknown_unsubscribe_shape_is_a_provider_error() -> None:
    script = Script(("GET", "/api/v2/unsubscribes/variables", httpx.Response(200, json={"items": []})))
    with pytest.raises(ProviderError, match="shape we do not know"):
        _call("lemlist", script, "pull_do_not_contact", None, None)


def test_instantly_pull_follows_the_cursor() -> None:
    path = "/api/v2/block-lists-entries"
    first = {"items": _entries(0, 100), "next_starting_after": _entries(99, 1)[0]["id"]}
    spec = openapi.load("instantly_api_v2.json")
    assert openapi.problems(spec, openapi.response_schema(spec, "GET", path), first) == []
    script = Script(
        ("GET", path, httpx.Response(200, json=first)),
        ("GET", path, httpx.Response(200, json={"items": _entries(100, 2)})),
    )
    values = _call("instantly", script, "pull_do_not_contact", None, None)
    assert values == tuple(f"d{n}.com" for n in range(102))
    assert script.requests[1].url.params["starting_after"] == first["next_starting_after"]


def test_lemlist_push_sends_values_in_batches_of_10000() -> None:
    path = "/api/v2/unsubscribes/variables"
    values = [f"p{n}@acme.com" for n in range(10_001)]
    script = Script(
        ("POST", path, httpx.Response(200, json="Variables unsubscribed")),
        ("POST", path, httpx.Response(200, json="Variables unsubscribed")),
    )
    assert _call("lemlist", script, "push_do_not_contact", [*values, values[0], " "]) == 10_001
    assert [len(script.body(i)["values"]) for i in range(2)] == [10_000, 1]
    spec = openapi.load("lemlist_openapi.json")
    schema = openapi.request_schema(spec, "POST", "/v2/unsubscribes/variables")
    assert openapi.problems(spec, schema, script.body(1)) == []


def test_instantly_push_sends_emails_and_domains_only_and_counts_valid() -> None:
    path = "/api/v2/block-lists-entries/bulk-create"
    answer = {"items": [], "valid_count": 2, "invalid_count": 0}
    script = Script(("POST", path, httpx.Response(200, json=answer)))
    accepted = _call(
        "instantly",
        script,
        "push_do_not_contact",
        ["a@acme.com", "acme.org", "+15555550100", "linkedin.com/in/x"],
    )
    assert accepted == 2
    body = script.body(0)
    assert body == {"bl_values": ["a@acme.com", "acme.org"]}
    spec = openapi.load("instantly_api_v2.json")
    assert openapi.problems(spec, openapi.request_schema(spec, "POST", path), body) == []


def test_instantly_push_of_nothing_sends_nothing() -> None:
    script = Script()
    assert _call("instantly", script, "push_do_not_contact", ["+15555550100"]) == 0
    assert script.requests == []


def test_a_refused_push_raises() -> None:
    script = Script(
        ("POST", "/api/v2/unsubscribes/variables", httpx.Response(400, text="Maximum 10000 values allowed"))
    )
    with pytest.raises(ProviderError, match="Maximum 10000"):
        _call("lemlist", script, "push_do_not_contact", ["a@acme.com"])


@pytest.mark.parametrize("provider", ["aktify", "sendpilot"])
def test_providers_without_a_list(provider: str) -> None:
    script = Script()
    assert _call(provider, script, "pull_do_not_contact", None, None) is None
    with pytest.raises(ProviderError, match="no do-not-contact list"):
        _call(provider, script, "push_do_not_contact", ["a@acme.com"])
    assert script.requests == []
