"""The one door from the app to the sandbox: a client wired to the in-process emulator.

The sandbox is a separate program (it answers as the providers do, from their specs), so the
window and the core never import it; when the user picks the sandbox account, the window asks
this module for a client instead. Imported lazily, inside the worker that builds the client:
the sandbox (Starlette) is not worth loading before the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gui.core.providers import make_client
from gui.sandbox.demo import DEMO_KEY, demo_transport

if TYPE_CHECKING:
    from gui.core.providers.base import ProviderClient


def demo_client(provider: str) -> ProviderClient:
    """A client for ``provider`` that talks to the shared in-process sandbox (no key, no network)."""
    return make_client(provider, DEMO_KEY, transport=demo_transport(provider))
