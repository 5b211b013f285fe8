"""A planted key must appear in no exception text, traceback, outcome reason or log record.

Every client is driven through every call against answers that fail in every way we classify
(401, 400 and 500 bodies that echo the key back, timeouts, refused connections), with every
logger at DEBUG (httpx and httpcore included).
"""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from gui.core.errors import AuthError, LeadLoaderError, TransientError
from gui.core.providers import PROVIDER_IDS, make_client
from gui.core.providers.base import ProviderClient

from .helpers import lead, run

KEY = "sk_PLANTED_4f9c2a7e81d3b6"
FORMS = (KEY, base64.b64encode(f":{KEY}".encode()).decode(), base64.b64encode(KEY.encode()).decode())


def _timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout(f"read timed out on {request.url} {request.headers}", request=request)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError(f"connection refused {request.url} {request.headers}", request=request)


FAILURES: dict[str, tuple[Callable[[httpx.Request], httpx.Response], type[Exception] | None]] = {
    "401 echoing the key": (lambda r: httpx.Response(401, text=f"Invalid API key {KEY}"), AuthError),
    "401 json echoing the key": (
        lambda r: httpx.Response(401, json={"statusCode": 401, "message": f"key {KEY} revoked"}),
        AuthError,
    ),
    "400 echoing the key": (lambda r: httpx.Response(400, json={"message": f"bad lead for {KEY}"}), None),
    "500 echoing the key": (lambda r: httpx.Response(500, text=f"crash while serving {KEY}"), TransientError),
    "timeout": (_timeout, TransientError),
    "connection refused": (_refused, TransientError),
}

BATCHES = {
    "lemlist": [lead(0, {"note": "x"}, email="a@example.com")],
    "instantly": [lead(0, {"note": "x"}, email="a@example.com"), lead(1, email="b@example.com")],
    "aktify": [lead(0, {"note": "x"}, phoneNumber="+15095551234", region="CA")],
    "sendpilot": [lead(0, {"note": "x"}, linkedinUrl="https://linkedin.com/in/a")],
}


def _texts_of(exc: BaseException) -> list[str]:
    return [str(exc), repr(exc), "".join(traceback.format_exception(exc))]


async def _exercise(client: ProviderClient, provider: str) -> tuple[list[str], list[BaseException]]:
    texts: list[str] = []
    errors: list[BaseException] = []
    calls = {
        "check_key": client.check_key,
        "list_campaigns": client.list_campaigns,
        "send": lambda: client.send(BATCHES[provider], "cam_1", {}),
        "replay": lambda: client.send(BATCHES[provider], "cam_1", {}, replay=True),
        "read_back": lambda: client.read_back("cam_1", ["id_1"]),
    }
    for name, fn in calls.items():
        try:
            result: Any = await fn()
        except LeadLoaderError as exc:
            errors.append(exc)
            texts.extend(_texts_of(exc))
            continue
        texts.append(f"{name}: {result!r}")
    await client.aclose()
    return texts, errors


@pytest.mark.parametrize("provider", PROVIDER_IDS)
@pytest.mark.parametrize("failure", list(FAILURES))
def test_planted_key_never_leaks(provider: str, failure: str, caplog: pytest.LogCaptureFixture) -> None:
    handler, expected = FAILURES[failure]
    caplog.set_level(logging.DEBUG)
    client = make_client(provider, KEY, transport=httpx.MockTransport(handler))
    texts, errors = run(_exercise(client, provider))
    logged = [r.getMessage() for r in caplog.records]
    logged += ["".join(traceback.format_exception(*r.exc_info)) for r in caplog.records if r.exc_info]
    for text in texts + logged:
        for form in FORMS:
            assert form not in text, f"{provider}/{failure} leaked the key: {text[:300]}"
    if expected is not None:
        assert errors, f"{provider}/{failure}: no call failed"
        assert any(isinstance(e, expected) for e in errors)
    if failure.startswith("500") or failure in ("timeout", "connection refused"):
        # whatever was called (Aktify lists its campaign without a request), a failed call is transient
        assert all(isinstance(e, TransientError) for e in errors)
