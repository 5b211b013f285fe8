"""Benchmark: a provider's do-not-contact list pulled at the provider's rate limit, not slower (issue 16).

Run: ``.venv/bin/pytest tests/benchmarks/test_bench_dnc_pull.py -m benchmark -s``.

The sandbox enforces the documented limits (Instantly 100 requests/s and 6,000/min per workspace;
lemlist 20 per 2 s per key) and pages like the providers (100 entries a page). The fastest a
client can pull is then ``pages / limit`` seconds; the figure printed is how close the pull comes
to it (pace, as a share of the limit) and how many requests the sandbox answered 429.

Instantly's 200,000 entries are 2,000 pages, 20 s at its limit. lemlist allows a tenth of that,
so its list is 20,000 entries (200 pages, 20 s too): the pace, not the size, is what is measured.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gui.core.dnc import DncList
from gui.core.dnc_sync import pull
from gui.core.providers import get_spec, make_client
from gui.sandbox import seed
from gui.sandbox.ledger import DncEntry

pytestmark = pytest.mark.benchmark

KEY = "sandbox-bench-dnc"
PAGE = 100
# provider: (entries, pages per second the sandbox allows)
PLAN = {"instantly": (200_000, 100.0), "lemlist": (20_000, 10.0)}
TARGET_PACE = 0.9


def _seed(ledger, provider: str, entries: int) -> None:
    for i in range(entries):
        entry_id = seed.instantly_block_entry_id(i) if provider == "instantly" else f"unsub_{i:08d}"
        ledger.dnc_add(provider, DncEntry(entry_id, f"person{i}@company{i % 5_000}.com", "api", 1.7e9))


@pytest.mark.parametrize("provider", list(PLAN))
def test_a_large_provider_list_is_pulled_at_the_rate_limit(sandbox, tmp_path: Path, provider: str) -> None:
    entries, per_second = PLAN[provider]
    _seed(sandbox.ledger, provider, entries)
    dnc = DncList(tmp_path / "dnc.sqlite3")
    spec = get_spec(provider)
    before_requests = sandbox.ledger.requests(provider)
    start = time.perf_counter()
    report = pull(dnc, spec, lambda: make_client(provider, KEY))
    seconds = time.perf_counter() - start
    requests = sandbox.ledger.requests(provider) - before_requests
    throttled = sandbox.ledger.throttled(provider)
    pages = entries // PAGE + 1  # the last, short or empty, page tells the client it is done
    fastest = pages / per_second
    pace = fastest / seconds
    print(
        f"\n[bench] {provider} do-not-contact pull, {entries:,} entries in {pages:,} pages: {seconds:.1f} s "
        f"(fastest the limit allows {fastest:.1f} s; pace {pace:.0%} of the limit, target "
        f"{TARGET_PACE:.0%}); {requests:,} requests, {throttled:,} answered 429 "
        f"({throttled / max(requests, 1):.1%}); {len(dnc.entries(limit=-1)):,} entries stored; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    assert report is not None and report.entries == entries
    assert pace >= TARGET_PACE, f"{provider}'s list pulled at {pace:.0%} of its limit"
    dnc.close()
