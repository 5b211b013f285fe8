"""Pulling and pushing the providers' do-not-contact lists against the sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.cancel import CancelToken
from gui.core.dnc import DncList
from gui.core.dnc_sync import ProviderListUnavailable, is_stale, pull, push, refresh_before_upload
from gui.core.errors import Cancelled
from gui.core.providers import get_spec, make_client

KEY = "sandbox-dnc"


@pytest.fixture
def dnc(tmp_path: Path):
    store = DncList(tmp_path / "dnc.sqlite3")
    yield store
    store.close()


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_push_then_pull_round_trips_and_pushes_each_entry_once(sandbox, dnc: DncList, provider: str) -> None:
    spec = get_spec(provider)
    dnc.add(["gone@acme.com", "competitor.io", "+12125550100"], source="typed")
    first = push(dnc, spec, lambda: make_client(provider, KEY), backoff_base=0.01)
    kinds = 3 if provider == "lemlist" else 2  # Instantly's list takes emails and domains only
    assert (first.pushed, first.left, first.error) == (kinds, 0, "")
    listed = {e.value for e in sandbox.ledger.dnc(provider)}
    assert {"gone@acme.com", "competitor.io"} <= listed
    again = push(dnc, spec, lambda: make_client(provider, KEY), backoff_base=0.01)
    assert again.pushed == 0  # an interrupted or repeated push sends nothing twice
    report = pull(dnc, spec, lambda: make_client(provider, KEY))
    assert report is not None and report.entries >= 2
    assert not is_stale(dnc, provider)
    sources = {e.value: e.source for e in dnc.entries()}
    assert sources["gone@acme.com"] == "typed"  # a hand entry keeps its own source


def test_a_cancelled_pull_keeps_the_previous_copy(sandbox, dnc: DncList) -> None:
    spec = get_spec("instantly")
    dnc.replace_provider("instantly", ["kept@x.com"])
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        pull(dnc, spec, lambda: make_client("instantly", KEY), cancel=token)
    assert [e.value for e in dnc.entries()] == ["kept@x.com"]


def test_an_unreadable_list_stops_the_upload_and_names_the_copy_age(sandbox, dnc: DncList) -> None:
    spec = get_spec("lemlist")
    with pytest.raises(ProviderListUnavailable, match="never pulled"):
        refresh_before_upload(dnc, spec, lambda: make_client("lemlist", "wrong key, not a sandbox one"))
    note = refresh_before_upload(dnc, spec, lambda: make_client("lemlist", KEY), use_provider_list=False)
    assert "local copy" in note and "never pulled" in note
