"""Aktify client: the key's own campaign, metadata of strings, 201/409/400, the unverified key check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gui.core.domain import Status
from gui.core.errors import AuthError, NotFoundError, ProviderError, RateLimited, TransientError
from gui.core.providers import aktify
from gui.core.providers.aktify import AktifyClient

from .helpers import Script, lead, reply, run

PATH = "/api/v1/leads"


def call(script: Script, fn: Callable[[AktifyClient], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        client = AktifyClient("sandbox-key", transport=script.transport)
        try:
            return await fn(client)
        finally:
            await client.aclose()

    return run(go())


def post(answer: httpx.Response, *, replay: bool = False) -> Any:
    """Send John once against one scripted answer."""
    return call(Script(("POST", PATH, answer)), lambda c: c.send(john(), "x", {}, replay=replay))


def john() -> list[Any]:
    return [lead(3, {"customField1": "value1", "score": "12"}, phoneNumber="+15095551234", region="CA")]


def test_list_campaigns_is_the_key_campaign_without_a_request() -> None:
    campaigns = call(Script(), lambda c: c.list_campaigns())
    assert [(c.id, c.name, c.kind) for c in campaigns] == [("default", "Campaign of this key", "campaign")]


def test_check_key_posts_an_empty_lead_and_reads_400_as_a_good_key() -> None:
    script = Script(("POST", PATH, reply(400, text="phoneNumber should not be empty")))
    assert call(script, lambda c: c.check_key()) == "Aktify campaign of this key"
    assert script.body(0) == {} and script.requests[0].headers["x-api-key"] == "sandbox-key"
    with pytest.raises(AuthError):
        call(Script(("POST", PATH, reply(401, text="Unauthorized"))), lambda c: c.check_key())
    with pytest.raises(NotFoundError):
        call(Script(("POST", PATH, reply(404, text="Cannot POST"))), lambda c: c.check_key())
    with pytest.raises(ProviderError):
        call(Script(("POST", PATH, reply(418, text="teapot"))), lambda c: c.check_key())


def test_payload_puts_custom_columns_in_metadata_as_strings_and_ignores_destination() -> None:
    client = AktifyClient("sandbox-key", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert client.payload(john(), "anything", {}) == {
        "phoneNumber": "+15095551234",
        "region": "CA",
        "metadata": {"customField1": "value1", "score": "12"},
    }
    assert "metadata" not in client.payload([lead(0, phoneNumber="1", zipCode="90210")], "default", {})
    run(client.aclose())


def test_201_is_uploaded_409_duplicate_or_uploaded_on_replay_400_invalid_with_reason() -> None:
    created = call(
        Script(("POST", PATH, reply(201, "aktify_created.json"))), lambda c: c.send(john(), "x", {})
    )
    assert created.outcomes[0].status is Status.UPLOADED and created.outcomes[0].row == 3
    dup = call(
        Script(("POST", PATH, reply(409, text="Lead already exists"))), lambda c: c.send(john(), "x", {})
    )
    assert (dup.outcomes[0].status, dup.outcomes[0].reason) == (
        Status.DUPLICATE,
        "Aktify: Lead already exists",
    )
    replayed = call(
        Script(("POST", PATH, reply(409, text="Lead already exists"))),
        lambda c: c.send(john(), "x", {}, replay=True),
    )
    assert (replayed.outcomes[0].status, replayed.outcomes[0].reason) == (
        Status.UPLOADED,
        aktify.REPLAY_REASON,
    )
    body = {"statusCode": 400, "message": ["region must be a valid US state code"], "error": "Bad Request"}
    bad = call(Script(("POST", PATH, httpx.Response(400, json=body))), lambda c: c.send(john(), "x", {}))
    assert bad.outcomes[0].status is Status.INVALID
    assert bad.outcomes[0].reason == "Aktify: region must be a valid US state code"
    empty = post(reply(400))
    assert empty.outcomes[0].reason == "Aktify: rejected (400) without a reason"


def test_run_level_answers() -> None:
    for status, error in ((401, AuthError), (429, RateLimited), (503, TransientError), (404, NotFoundError)):
        with pytest.raises(error):
            post(reply(status, text="x"))


def test_read_back_is_none_because_aktify_has_no_read_endpoint() -> None:
    assert call(Script(), lambda c: c.read_back("default", ["a"])) is None
    assert not aktify.SPEC.has_read_back and not aktify.SPEC.has_campaign_list
