"""The request pipeline every emulated provider shares: count, delay, authenticate, throttle, fault."""

from __future__ import annotations

import asyncio
import json
import math
import random
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from gui.sandbox.faults import Fault, FaultPlan
from gui.sandbox.ledger import Ledger
from gui.sandbox.limits import Decision, RollingLimiter
from gui.sandbox.seed import KEY_PREFIX, Seed


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


async def read_body(request: Request, refuse: Callable[[str], Response]) -> Any:
    """The JSON body, or the provider's refusal when it is not JSON (``refuse`` gets the parser's text)."""
    try:
        return await read_json(request)
    except BadJsonError as exc:
        return refuse(str(exc))


def int_param(request: Request, name: str, default: int, low: int, high: int | None) -> int | None:
    """An integer query parameter within ``low..high`` (``default`` when absent), None when it is not one."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        return None
    return value if value >= low and (high is None or value <= high) else None


def header_key(request: Request, name: str = "x-api-key") -> str:
    """The key a header carries, stripped ('' when absent)."""
    return request.headers.get(name, "").strip()


def seconds_header(seconds: float) -> str:
    """Whole seconds, rounded up and at least 1: what ``Retry-After`` carries."""
    return str(max(1, math.ceil(seconds)))


Handler = Callable[[Request, str], Awaitable[Response]]


@dataclass(frozen=True)
class At:
    """One route of a provider's table: ``At("GET", "/v1/me", "me")`` sends GET /v1/me to ``self.me``.

    Attributes:
        method: HTTP method.
        path: Starlette path under the provider's prefix.
        handler: Name of the ``async (request, key) -> Response`` method that answers.
        write: True when the handler commits through ``Provider.write`` (reads draw their faults up front).
        slash: Also answer the path with a trailing slash (lemlist takes both).
    """

    method: str
    path: str
    handler: str
    write: bool = False
    slash: bool = False


class Provider:
    """Base of the emulators: a fifth provider is one subclass that fills in the class attributes and hooks.

    Class attributes:
        name: Provider id (ledger and limiter key).
        prefix: Where ``app.create_sandbox`` mounts the routes (default ``/<name>``); ``aliases`` are
            further mounts.
        plain_not_found: Unknown routes answer a text 404 (lemlist) instead of the Fastify/Nest JSON one.
        limit_before_auth: The rate limiter counts a request before its key is checked.
        ROUTES: The provider's route table.
        campaign_id_field: The id field of the seeded campaigns, for ``by_id``.
    """

    name: ClassVar[str] = ""
    prefix: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    plain_not_found: ClassVar[bool] = False
    limit_before_auth: ClassVar[bool] = False
    ROUTES: ClassVar[tuple[At, ...]] = ()
    campaign_id_field: ClassVar[str] = "id"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.name and not cls.prefix:
            cls.prefix = f"/{cls.name}"  # common.md "Sandbox URL layout": each provider under its id

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        start = self.seeded()
        self.campaigns = start.campaigns
        self.by_id = {c[self.campaign_id_field]: c for c in self.campaigns}
        for lead in start.leads:
            # There before any upload, never counted as ours.
            ctx.ledger.add(
                self.name,
                lead.container,
                lead.id,
                self.lead_key(lead.payload),
                lead.payload,
                state=lead.state,
                seeded=True,
                created_at=lead.created_at.timestamp(),
            )

    def routes(self) -> list[BaseRoute]:
        """Starlette routes for ``ROUTES``, each sent through this provider's pipeline."""
        out: list[BaseRoute] = []
        for at in self.ROUTES:
            handler = getattr(self, at.handler)
            for path in (at.path + "/", at.path) if at.slash else (at.path,):
                out.append(route(self, path, handler, at.method, write=at.write))
        return out

    # Hooks -----------------------------------------------------------------------------------------------
    def seeded(self) -> Seed:
        """What the provider starts with."""
        raise NotImplementedError

    def lead_key(self, payload: dict[str, Any]) -> str | None:
        """The duplicate key of a lead payload (None: the lead has none)."""
        raise NotImplementedError

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
