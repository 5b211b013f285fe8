"""Pulling and pushing the providers' do-not-contact lists against the sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gui.core.cancel import CancelToken
from gui.core.dnc import DncList
from gui.core.dnc_sync import ProviderListUnavailable, is_stale, pull, push, refresh_before_upload
from gui.core.errors import AuthError, Cancelled
from gui.core.paced_calls import ATTEMPTS
from gui.core.providers import get_spec, make_client
from gui.core.providers.client import HttpClient
from gui.sandbox import seed
from gui.sandbox.faults import Fault, FaultConfig
from gui.sandbox.ledger import DncEntry

KEY = "sandbox-dnc"
ROOT = Path(__file__).resolve().parents[2]


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


def test_an_unreadable_list_stops_the_upload_and_names_the_copy_age(
    sandbox, dnc: DncList, monkeypatch
) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)  # the pull retries a 5xx, as uploads do
    spec = get_spec("lemlist")
    sandbox.sandbox.set_faults(
        FaultConfig(
            reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
        )
    )
    with pytest.raises(ProviderListUnavailable, match="never pulled"):
        refresh_before_upload(dnc, spec, lambda: make_client("lemlist", KEY))
    note = refresh_before_upload(dnc, spec, lambda: make_client("lemlist", KEY), use_provider_list=False)
    assert "local copy" in note and "never pulled" in note


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_a_refused_key_is_said_as_such_not_as_an_unreadable_list(
    sandbox, dnc: DncList, provider: str
) -> None:
    # Going on with the local copy (--no-provider-list) cannot help a key the provider refuses:
    # the first send would meet the same 401, so the refusal itself reaches the caller.
    spec = get_spec(provider)
    dnc.add(["kept@x.com"], source="typed")
    with pytest.raises(AuthError, match="rejected the API key"):
        refresh_before_upload(dnc, spec, lambda: make_client(provider, "wrong key, not a sandbox one"))
    assert [e.value for e in dnc.entries()] == ["kept@x.com"]


def test_an_interrupted_push_run_again_sends_only_the_rest(sandbox, dnc: DncList) -> None:
    # 2,500 emails are three bulk-creates of 1,000; the second fails on every try, so the push
    # stops with the first batch recorded. Run again, it sends the other 1,500 in two requests.
    spec = get_spec("instantly")
    values = [f"optout{i}@example.com" for i in range(2_500)]
    dnc.add(values, source="typed")
    seeded = {e.value for e in sandbox.ledger.dnc("instantly")}
    failing = (None,) + (Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
    sandbox.sandbox.set_faults(FaultConfig(providers=frozenset({"instantly"}), script=failing))
    first = push(dnc, spec, lambda: make_client("instantly", KEY), backoff_base=0.01)
    assert (first.pushed, first.left) == (1_000, 1_500) and first.error
    sandbox.sandbox.set_faults(FaultConfig())
    before = sandbox.ledger.requests("instantly")
    second = push(dnc, spec, lambda: make_client("instantly", KEY), backoff_base=0.01)
    assert (second.pushed, second.left, second.error) == (1_500, 0, "")
    assert sandbox.ledger.requests("instantly") - before == 2  # the first 1,000 were not sent again
    assert {e.value for e in sandbox.ledger.dnc("instantly")} - seeded == set(values)


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 (SIGKILL) is POSIX")
def test_a_kill_during_a_pull_keeps_the_previous_copy(sandbox_factory, tmp_path: Path) -> None:
    box = sandbox_factory(latency_ms=40)
    for i in range(3_000):  # 31 pages of 100: over a second at 40 ms each
        entry_id = seed.instantly_block_entry_id(i)
        box.ledger.dnc_add("instantly", DncEntry(entry_id, f"p{i}@pulled.com", "api", 1.7e9))
    home = tmp_path / "home"
    home.mkdir()
    before = DncList(home / "do_not_contact.sqlite3")
    before.replace_provider("instantly", ["kept@earlier-pull.com"])
    pulled_at = before.last_pull("instantly")
    before.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLOADER_")}
    env.update(LEADLOADER_HOME=str(home), LEADLOADER_API_KEY=KEY, PYTHONPATH=str(ROOT))
    env.update({f"LEADLOADER_{p.upper()}_URL": url for p, url in box.base_urls.items()})
    command = [sys.executable, "-m", "gui", "dnc", "pull", "--provider", "instantly"]
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while box.ledger.requests("instantly") < 8:  # a few pages in, well before the end
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the pull never started"
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        if child.stderr is not None:
            child.stderr.close()
    after = DncList(home / "do_not_contact.sqlite3")
    try:
        assert [e.value for e in after.entries()] == ["kept@earlier-pull.com"]
        assert after.last_pull("instantly") == pulled_at
        report = pull(after, get_spec("instantly"), lambda: make_client("instantly", KEY))
        assert report is not None and report.entries == 3_000
    finally:
        after.close()
