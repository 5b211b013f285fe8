"""Clients the sandbox probes share: one per provider with its auth, against a fresh sandbox."""

from __future__ import annotations

import pytest

from tests.sandbox import helpers


@pytest.fixture
def lem(sandbox_factory):
    """A sandbox without lemlist's rate limit, so probes can send many requests with one key."""
    handle = sandbox_factory(limits={"lemlist": None})
    with helpers.lemlist(handle.base_urls["lemlist"]) as client:
        yield handle, client


@pytest.fixture
def ins(sandbox):
    with helpers.instantly(sandbox.base_urls["instantly"]) as client:
        yield sandbox, client
