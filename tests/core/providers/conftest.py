"""Provider unit tests talk to httpx.MockTransport only, at made-up bases under .test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def provider_bases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point each client at a fixed base so scripted paths read like the documented ones."""
    monkeypatch.setenv("LEADLOADER_LEMLIST_URL", "https://lemlist.test/api")
    monkeypatch.setenv("LEADLOADER_INSTANTLY_URL", "https://instantly.test")
    monkeypatch.setenv("LEADLOADER_AKTIFY_URL", "https://aktify.test")
    monkeypatch.setenv("LEADLOADER_SENDPILOT_URL", "https://sendpilot.test")
