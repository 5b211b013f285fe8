"""Pure Python: the provider registry.

Each provider module exposes ``SPEC`` (a :class:`ProviderSpec`) and ``Client`` (a class
satisfying :class:`ProviderClient` whose constructor takes the key and an optional httpx
transport). Adding a provider means adding its module name to ``_MODULES``.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from gui.core.providers.base import ProviderClient, ProviderSpec

if TYPE_CHECKING:
    import httpx

    from gui.core.domain import Campaign

_MODULES = ("lemlist", "instantly", "aktify", "sendpilot")

PROVIDER_IDS: tuple[str, ...] = _MODULES


def _module(provider_id: str) -> ModuleType:
    if provider_id not in _MODULES:
        raise KeyError(f"Unknown provider {provider_id!r}; choose one of {', '.join(_MODULES)}.")
    return importlib.import_module(f"gui.core.providers.{provider_id}")


def get_spec(provider_id: str) -> ProviderSpec:
    """The spec of a provider id (``lemlist``, ``instantly``, ``aktify``, ``sendpilot``)."""
    spec: ProviderSpec = _module(provider_id).SPEC
    return spec


def all_specs() -> list[ProviderSpec]:
    """Every provider's spec, in menu order."""
    return [get_spec(p) for p in _MODULES]


def make_client(
    provider_id: str, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None
) -> ProviderClient:
    """A client for a provider; ``transport`` reaches the in-process sandbox or a MockTransport."""
    client: ProviderClient = _module(provider_id).Client(api_key, transport=transport)
    return client


def list_campaigns(client_factory: Callable[[], ProviderClient]) -> list[Campaign]:
    """The account's campaigns (and lead lists), read through a fresh client that is always closed.

    Blocking (one event loop of its own): callers run it in a worker or in the terminal.
    """

    async def listing() -> list[Campaign]:
        client = client_factory()
        try:
            return await client.list_campaigns()
        finally:
            await client.aclose()

    return asyncio.run(listing())
