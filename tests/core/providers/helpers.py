"""Shared helpers for the provider client tests: recorded answers and a scripted MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx

from gui.core.domain import Lead

RESPONSES = Path(__file__).parent / "responses"
T = TypeVar("T")

Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


def recorded(name: str) -> Any:
    """A recorded JSON answer from tests/core/providers/responses/."""
    return json.loads((RESPONSES / name).read_text(encoding="utf-8"))


def reply(status: int, name: str | None = None, *, text: str | None = None, **kwargs: Any) -> httpx.Response:
    """A response holding a recorded JSON file, a plain text or nothing."""
    if name is not None:
        return httpx.Response(status, json=recorded(name), **kwargs)
    if text is not None:
        return httpx.Response(status, text=text, **kwargs)
    return httpx.Response(status, **kwargs)


class Script:
    """A MockTransport that expects requests in order and answers each with its reply.

    Attributes:
        requests: Every request received, for assertions on paths, params and bodies.
    """

    def __init__(self, *steps: tuple[str, str, Reply]) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert self.steps, f"unexpected request {request.method} {request.url}"
        method, path, answer = self.steps.pop(0)
        assert (request.method, request.url.path) == (method, path), (
            f"expected {method} {path}, got {request.method} {request.url.path}"
        )
        return answer(request) if callable(answer) else answer

    def body(self, index: int) -> Any:
        """The JSON body of the index-th request."""
        return json.loads(self.requests[index].content)

    def done(self) -> bool:
        """True when every scripted step was used."""
        return not self.steps


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to the end (the suite has no async plugin)."""
    return asyncio.run(coro)


def lead(row: int, custom: dict[str, str] | None = None, **fields: str) -> Lead:
    """A lead with the given provider fields and custom variables."""
    return Lead(row=row, fields=fields, custom=custom or {})
