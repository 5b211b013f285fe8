"""Benchmark: a 1,000,000-entry do-not-contact list checked against 100k rows in <= 1 s, under 300 MB.

Run: ``.venv/bin/pytest tests/benchmarks/test_bench_dnc.py -m benchmark -s``.
"""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import pandas as pd
import pytest

from gui.core.dnc import DncList
from gui.core.dnc_check import check_sheet
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec

ENTRIES = 1_000_000
ROWS = 100_000
TARGET_S = 1.0
TARGET_MB = 300.0

pytestmark = pytest.mark.benchmark


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_million_entries_against_100k_rows(tmp_path: Path) -> None:
    dnc = DncList(tmp_path / "dnc.sqlite3")
    seed = "INSERT INTO entries(value, kind, source, added) VALUES (?, ?, 'lemlist', '2026-12-01T00:00')"
    with dnc._tx() as db:  # bulk seed in the store's own transaction: add() would normalise each value
        db.executemany(
            seed,
            (
                (f"person{i}@company{i % 50_000}.com", "email") if i % 10 else (f"blocked{i}.com", "domain")
                for i in range(ENTRIES)
            ),
        )
    frame = pd.DataFrame(
        {
            "Email": [f"person{i * 7}@company{(i * 7) % 50_000}.com" for i in range(ROWS)],
            "Phone": [f"+1212555{i % 10_000:04d}" for i in range(ROWS)],
        }
    )
    mapping = ColumnMapping(fields={"email": "Email", "phone": "Phone"})
    spec = get_spec("lemlist")
    check_sheet(frame.head(10), mapping, spec, dnc)
    before = _rss_mb()
    start = time.perf_counter()
    check = check_sheet(frame, mapping, spec, dnc)
    seconds = time.perf_counter() - start
    peak = _rss_mb()
    print(
        f"\n[bench] do-not-contact check, {ENTRIES:,} entries x {ROWS:,} rows: {seconds:.2f} s "
        f"(target {TARGET_S} s, ratio {seconds / TARGET_S:.2f}); {check.count:,} rows on the list; "
        f"process peak {peak:.0f} MB with the sheet and the seeding (target {TARGET_MB:.0f} MB, "
        f"ratio {peak / TARGET_MB:.2f}), the check's own growth {peak - before:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    dnc.close()
    assert check.count > 0
