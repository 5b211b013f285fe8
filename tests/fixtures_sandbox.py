"""Sandbox fixtures (owned by the sandbox issue): the provider emulator served on a free 127.0.0.1 port.

``sandbox`` gives a fresh emulator per test with the documented rate limits; ``sandbox_factory(**kwargs)``
takes ``create_sandbox`` arguments (latency_ms, fault_rate, seed, limits, faults) for tests that need them.
Both point the four LEADLOADER_*_URL variables at the server and join its thread at teardown.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from gui.sandbox.app import Sandbox, create_sandbox
from gui.sandbox.ledger import Ledger
from gui.sandbox.server import RunningSandbox, serve_in_thread

URL_VARS = {
    "lemlist": "LEADLOADER_LEMLIST_URL",
    "instantly": "LEADLOADER_INSTANTLY_URL",
    "aktify": "LEADLOADER_AKTIFY_URL",
    "sendpilot": "LEADLOADER_SENDPILOT_URL",
}


@dataclass(frozen=True)
class SandboxHandle:
    """A running sandbox as tests see it."""

    sandbox: Sandbox
    running: RunningSandbox

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:41234``."""
        return self.running.url

    @property
    def base_urls(self) -> dict[str, str]:
        """Provider id → base URL (the values now in LEADLOADER_*_URL)."""
        return self.running.base_urls

    @property
    def ledger(self) -> Ledger:
        return self.sandbox.ledger


@pytest.fixture
def sandbox_factory(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., SandboxHandle]]:
    """Start sandboxes with custom settings; the last one started owns the LEADLOADER_*_URL variables."""
    with contextlib.ExitStack() as stack:

        def make(**kwargs: Any) -> SandboxHandle:
            sandbox = create_sandbox(**kwargs)
            running = stack.enter_context(serve_in_thread(sandbox))
            for provider, url in running.base_urls.items():
                monkeypatch.setenv(URL_VARS[provider], url)
            return SandboxHandle(sandbox, running)

        yield make


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., SandboxHandle]) -> SandboxHandle:
    """A fresh sandbox with default settings (documented rate limits, no faults, no latency)."""
    return sandbox_factory()
