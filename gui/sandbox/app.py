"""The sandbox as one ASGI app: the four emulated providers under their path prefixes, one ledger."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import BaseRoute, Mount, Router
from starlette.types import Receive, Scope, Send

from gui.sandbox.aktify import Aktify
from gui.sandbox.common import Context, Ids, Provider
from gui.sandbox.faults import FaultConfig, FaultPlan
from gui.sandbox.instantly import Instantly
from gui.sandbox.ledger import Ledger
from gui.sandbox.lemlist import Lemlist
from gui.sandbox.limits import LimitSpec, build_limiters
from gui.sandbox.sendpilot import SendPilot

PROVIDERS: tuple[type[Provider], ...] = (Lemlist, Instantly, Aktify, SendPilot)
"""The emulated providers; a new one is its module and its class added here."""
# Provider id → path prefix (common.md "Sandbox URL layout"); lemlist is also reachable at /api.
PREFIXES: dict[str, str] = {p.name: p.prefix for p in PROVIDERS}


async def _plain_not_found(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)


async def _json_not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """Fastify and Nest answer an unknown route with a JSON 404."""
    request = Request(scope, receive)
    path = request.url.path.removeprefix(scope.get("root_path", ""))
    message = f"Route {request.method}:{path} not found"
    body = {"statusCode": 404, "error": "Not Found", "message": message}
    await JSONResponse(body, status_code=404)(scope, receive, send)


@dataclass
class Sandbox:
    """One emulator instance.

    Attributes:
        asgi: The Starlette app (serve it with uvicorn or use it with ``httpx.ASGITransport``).
        ledger: What the providers hold and were asked; safe to read from another thread.
        providers: The emulators by provider id (their seeded campaigns are readable for tests).
        fault_plan: The seeded fault source; ``configure()`` changes faults while running.
    """

    asgi: Starlette
    ledger: Ledger
    providers: dict[str, Provider]
    fault_plan: FaultPlan

    def base_urls(self, root: str) -> dict[str, str]:
        """Provider id → base URL under ``root`` (``http://127.0.0.1:8765``), for LEADLOADER_*_URL."""
        root = root.rstrip("/")
        return {provider: root + prefix for provider, prefix in PREFIXES.items()}

    def set_faults(self, config: FaultConfig) -> None:
        """Change the injected faults from now on (tests flip them between phases)."""
        self.fault_plan.configure(config)


def create_sandbox(
    *,
    latency_ms: float = 0,
    fault_rate: float = 0.0,
    seed: int = 0,
    limits: Mapping[str, LimitSpec] | None = None,
    faults: FaultConfig | None = None,
) -> Sandbox:
    """A fresh sandbox with seeded data.

    Args:
        latency_ms: Delay added to every request (reads and writes).
        fault_rate: Share of writes that fail, spread evenly over the write faults (``--fault-rate``);
            ignored when ``faults`` is given.
        seed: Seeds the fault draws and the generated ids, so a run can be replayed.
        limits: Rate-limit overrides by provider id: ``(requests, seconds)``, a list of those, a ``Window``,
            or None to switch a provider's limit off. Defaults: lemlist 20/2 s per key, Instantly 100/s and
            6000/min per workspace, Aktify 5/s per key, SendPilot 2/s per key.
        faults: Full fault settings (wins over ``fault_rate``).
    """
    if latency_ms < 0:
        raise ValueError("latency_ms must not be negative")
    ledger = Ledger()
    plan = FaultPlan(faults if faults is not None else FaultConfig.spread(fault_rate), seed=seed)
    ctx = Context(
        ledger=ledger,
        limiters=build_limiters(limits),
        faults=plan,
        latency_s=latency_ms / 1000,
        ids=Ids(seed),
    )
    providers: dict[str, Provider] = {cls.name: cls(ctx) for cls in PROVIDERS}
    mounts: list[BaseRoute] = []
    for provider in providers.values():
        router = Router(
            routes=provider.routes(),
            default=_plain_not_found if provider.plain_not_found else _json_not_found,
        )
        mounts.extend(Mount(path, app=router) for path in (provider.prefix, *provider.aliases))
    return Sandbox(asgi=Starlette(routes=mounts), ledger=ledger, providers=providers, fault_plan=plan)
