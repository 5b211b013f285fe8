"""The in-process sandbox behind the app's demo mode: no key, no network, nothing sent.

A client built for the real API base (``https://api.lemlist.com/api``...) gets this transport,
which hands each request to one shared in-process emulator under that provider's path prefix.
So demo mode exercises exactly the client code a real account uses.
"""

from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

import httpx

from gui.sandbox.app import Sandbox, create_sandbox

#: The key demo clients send; the sandbox accepts any key that starts with "sandbox".
DEMO_KEY = "sandbox-demo"

#: Each provider's base path inside the sandbox app (see gui.sandbox.app).
SANDBOX_BASES = {
    "lemlist": "/lemlist/api",
    "instantly": "/instantly",
    "aktify": "/aktify",
    "sendpilot": "/sendpilot",
}

#: The public base-URL contract of DESIGN §3, as plain strings: the sandbox must not import our clients.
_BASE_ENV = {
    "lemlist": ("LEADLOADER_LEMLIST_URL", "https://api.lemlist.com/api"),
    "instantly": ("LEADLOADER_INSTANTLY_URL", "https://api.instantly.ai"),
    "aktify": ("LEADLOADER_AKTIFY_URL", "https://api.aktify.io"),
    "sendpilot": ("LEADLOADER_SENDPILOT_URL", "https://api.sendpilot.ai"),
}

_lock = threading.Lock()
_shared: Sandbox | None = None


def shared_sandbox() -> Sandbox:
    """The one emulator of this process, so campaigns keep what earlier demo uploads added."""
    global _shared  # noqa: PLW0603 - one emulator per process is the point
    with _lock:
        if _shared is None:
            _shared = create_sandbox(latency_ms=60, seed=7)
        return _shared


class DemoTransport(httpx.AsyncBaseTransport):
    """Routes a provider's requests into the shared sandbox under the provider's prefix."""

    def __init__(self, provider_id: str, sandbox: Sandbox | None = None) -> None:
        env, default = _BASE_ENV[provider_id]
        # The client's configured base path is swapped for the sandbox's, whatever the client was given.
        self._client_base = urlsplit(os.environ.get(env) or default).path.rstrip("/").encode()
        self._sandbox_base = SANDBOX_BASES[provider_id].encode()
        self._inner = httpx.ASGITransport(app=(sandbox or shared_sandbox()).asgi)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Rewrite ``https://api.example/<base>/...`` to ``http://sandbox/<sandbox base>/...``."""
        path = request.url.raw_path
        if self._client_base and path.startswith(self._client_base):
            path = path[len(self._client_base) :]
        request.url = request.url.copy_with(
            scheme="http", host="sandbox", port=None, raw_path=self._sandbox_base + path
        )
        request.headers["Host"] = "sandbox"
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to close: the shared sandbox outlives each client."""


def demo_transport(provider_id: str) -> httpx.AsyncBaseTransport:
    """A transport that serves ``provider_id``'s API from the in-process sandbox."""
    return DemoTransport(provider_id)


def reset_shared_sandbox() -> None:
    """Forget the shared emulator, so the next demo client meets a fresh one (tests start clean)."""
    global _shared  # noqa: PLW0603 - see shared_sandbox
    with _lock:
        _shared = None
