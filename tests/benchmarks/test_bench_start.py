"""Cold start of the desktop app: DESIGN §5 asks for a visible window within 1.5 s, issue 9 under 2 s.

Run on demand: ``pytest tests/benchmarks/test_bench_start.py -m benchmark -s``. Each run is a fresh
``python -m gui`` with its own empty home (a first run: the window opens on the sample sheet and the
sandbox) and ``LEADLOADER_QUIT_AFTER_SHOW=1``, which prints the milliseconds from the process start
to the splash, to the window's first paint, and to the data stack (pandas, the mapping rules) being
loaded, after which the window maps the sample sheet.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.benchmark

RUNS = 5
TARGET_MS = 1500.0  # DESIGN §5
LIMIT_MS = 2000.0  # issue 9
_LINE = re.compile(
    r"splash shown after (\d+) ms, window shown after (\d+) ms, data stack loaded after (\d+) ms "
    r"\(longest event-loop pause meanwhile (\d+) ms\)"
)


def _start_once(home: Path) -> tuple[int, int, int, int]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": os.environ.get("LEADLOADER_BENCH_QPA", "offscreen"),
        "LEADLOADER_HOME": str(home),
        "LEADLOADER_QUIT_AFTER_SHOW": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    done = subprocess.run(
        [sys.executable, "-m", "gui"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    match = _LINE.search(done.stderr)
    assert match, done.stderr
    splash, window, ready, pause = (int(g) for g in match.groups())
    return splash, window, ready, pause


def test_cold_start_to_a_painted_window(tmp_path: Path) -> None:
    _start_once(tmp_path / "warm-up")  # the OS file cache, as on a user's second start of the day
    runs = [_start_once(tmp_path / f"home{i}") for i in range(RUNS)]
    splash, window, ready, pause = (statistics.median(r[i] for r in runs) for i in range(4))
    load = os.getloadavg()[0]
    print(
        f"\n[bench] cold start, median of {RUNS} (python -m gui, first run, "
        f"{os.environ.get('LEADLOADER_BENCH_QPA', 'offscreen')}): splash {splash:.0f} ms, "
        f"window painted {window:.0f} ms (target {TARGET_MS:.0f} ms, ratio {window / TARGET_MS:.2f}), "
        f"data stack loaded {ready:.0f} ms, longest event-loop pause after the paint {pause:.0f} ms; "
        f"each run (splash, window, data, pause) {runs}; "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    assert window <= LIMIT_MS, f"the window took {window:.0f} ms (median) to show"
