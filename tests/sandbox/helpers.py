"""Small helpers for the conformance probes: one httpx client per provider with its auth format."""

from __future__ import annotations

import base64

import httpx

KEY = "sandbox-conformance"


def lemlist_auth(key: str = KEY) -> dict[str, str]:
    """Basic auth with an empty login and the key as password (providers.md §1.5)."""
    return {"Authorization": "Basic " + base64.b64encode(f":{key}".encode()).decode()}


def lemlist(base: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=base, headers=lemlist_auth(key), timeout=10)


def instantly(base: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def aktify(base: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"x-api-key": key}, timeout=10)


def sendpilot(base: str, key: str = KEY) -> httpx.Client:
    return httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=10)
