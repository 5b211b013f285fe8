"""The request pipeline every emulated provider shares: count, delay, authenticate, throttle, fault."""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from gui.sandbox.faults import Fault, FaultPlan
from gui.sandbox.ledger import Ledger
from gui.sandbox.limits import Decision, RollingLimiter
from gui.sandbox.seed import KEY_PREFIX, SeedLead


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised by the app to end a request without an answer when it cannot close the socket itself.

    In-process (``httpx.ASGITransport``) the client sees this transport error directly.
    """


class DropResponse(Response):
    """Closes the connection without a byte of answer, like a provider timing out or a proxy resetting.

    Over uvicorn the request's transport is reachable from ``receive`` and is aborted; the client sees a
    reset or "server disconnected". Anywhere else the response starts and the app raises, which the server
    turns into an abrupt close (and ``httpx.ASGITransport`` into ``DroppedConnection``).
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(receive, "__self__", None), "transport", None)
        abort = getattr(transport, "abort", None)
        if callable(abort):
            abort()
            await asyncio.sleep(0)  # let the server see the connection is gone, so it sends nothing
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")],
            }
        )
        raise DroppedConnection("sandbox closed the connection without an answer (injected fault)")


class Ids:
    """Provider-looking ids from a seeded RNG, so runs with the same seed give the same ids."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"ids-{seed}")
        self._lock = threading.Lock()

    def token(self, length: int = 17) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        with self._lock:
            return "".join(self._rng.choice(alphabet) for _ in range(length))

    def uuid(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))


@dataclass
class Context:
    """What every provider shares inside one sandbox."""

    ledger: Ledger
    limiters: dict[str, RollingLimiter | None]
    faults: FaultPlan
    latency_s: float
    ids: Ids


def key_ok(key: str | None) -> bool:
    """Sandbox rule (common.md): keys that start with ``sandbox`` are accepted, all others are not."""
    return bool(key) and key.startswith(KEY_PREFIX)  # type: ignore[union-attr]


class BadJsonError(ValueError):
    """The request body is not JSON."""


async def read_json(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadJsonError(str(exc)) from exc


def seconds_header(seconds: float) -> str:
    """Whole seconds, rounded up and at least 1: what ``Retry-After`` carries."""
    return str(max(1, math.ceil(seconds)))


Handler = Callable[[Request, str], Awaitable[Response]]


class Provider:
    """Base of the four emulators; subclasses give the provider's auth, error shapes and routes."""

    name = ""
    limit_before_auth = False

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def seed_leads(
        self,
        leads: Iterable[SeedLead],
        lead_id: Callable[[int, SeedLead], str],
        key: Callable[[dict[str, Any]], str | None],
    ) -> None:
        """Put the seeded leads in the ledger: there before any upload, never counted as ours."""
        for index, lead in enumerate(leads):
            self.ctx.ledger.add(
                self.name,
                lead.container,
                lead_id(index, lead),
                key(lead.payload),
                lead.payload,
                state=lead.state,
                seeded=True,
                created_at=lead.created_at.timestamp(),
            )

    # Hooks -----------------------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> str | Response:
        """The key, or the provider's refusal."""
        raise NotImplementedError

    def presented_key(self, request: Request) -> str:
        """Whatever key the request carries, for the per-key limiter before authentication."""
        return ""

    def bucket(self, key: str) -> str:
        """Rate-limit bucket: per key unless the provider limits per workspace."""
        return key

    def throttled(self, decision: Decision) -> Response:
        raise NotImplementedError

    def server_error(self) -> Response:
        raise NotImplementedError

    def decorate(self, response: Response, decision: Decision | None) -> Response:
        """Add headers every answer carries (lemlist's rate headers)."""
        return response

    # Pipeline --------------------------------------------------------------------------------------------
    async def run(self, request: Request, handler: Handler, *, write: bool) -> Response:
        """Answer one request the way the provider would, counting it in the ledger."""
        ledger = self.ctx.ledger
        ledger.count_request(self.name)
        if self.ctx.latency_s > 0:
            await asyncio.sleep(self.ctx.latency_s)
        limiter = self.ctx.limiters.get(self.name)
        decision: Decision | None = None
        if self.limit_before_auth and limiter is not None:
            decision = limiter.hit(self.bucket(self.presented_key(request)))
            if not decision.allowed:
                ledger.count_throttled(self.name)
                return self.decorate(self.throttled(decision), decision)
        auth = self.authenticate(request)
        if isinstance(auth, Response):
            return self.decorate(auth, decision)
        if not self.limit_before_auth and limiter is not None:
            decision = limiter.hit(self.bucket(auth))
            if not decision.allowed:
                ledger.count_throttled(self.name)
                return self.decorate(self.throttled(decision), decision)
        if not write:
            fault = self.ctx.faults.draw(self.name, write=False)
            if fault is not None:
                ledger.count_fault(self.name, fault.value)
                if fault is Fault.SLOW:
                    await asyncio.sleep(self.ctx.faults.config.slow_ms / 1000)
                elif fault in (Fault.DROP_BEFORE_COMMIT, Fault.DROP_AFTER_COMMIT):
                    return DropResponse()
                else:
                    return self.decorate(self.server_error(), decision)
        response = await handler(request, auth)
        if isinstance(response, DropResponse):
            return response
        return self.decorate(response, decision)

    async def write(self, commit: Callable[[], Response]) -> Response:
        """Run a write's validation and commit with the fault plan around it."""
        fault = self.ctx.faults.draw(self.name, write=True)
        if fault is not None:
            self.ctx.ledger.count_fault(self.name, fault.value)
        if fault is Fault.SLOW:
            await asyncio.sleep(self.ctx.faults.config.slow_ms / 1000)
        if fault is Fault.ERROR_BEFORE_COMMIT:
            return self.server_error()
        if fault is Fault.DROP_BEFORE_COMMIT:
            return DropResponse()
        response = commit()
        if fault is Fault.ERROR_AFTER_COMMIT:
            return self.server_error()
        if fault is Fault.DROP_AFTER_COMMIT:
            return DropResponse()
        return response


def route(provider: Provider, path: str, handler: Handler, method: str, *, write: bool = False) -> Route:
    """A Starlette route that sends the request through ``provider``'s pipeline."""

    async def endpoint(request: Request) -> Response:
        return await provider.run(request, handler, write=write)

    return Route(path, endpoint, methods=[method])


def text(status: int, body: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status, headers=headers)


def envelope(status: int, error: str, message: Any, **extra: Any) -> JSONResponse:
    """The ``{statusCode, error, message}`` JSON error body Instantly, SendPilot and Aktify use."""
    body: dict[str, Any] = {"statusCode": status, "error": error, "message": message}
    body.update(extra)
    return JSONResponse(body, status_code=status)
