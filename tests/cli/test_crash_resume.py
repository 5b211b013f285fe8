"""kill -9 the real CLI mid-upload, run the same command again: nothing lost, nothing created twice."""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import gui.cli

CAMPAIGN = "cam_sandboxQ4Outbound1"
LEADS = 60
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.skipif(
        "upload" not in getattr(gui.cli, "SUBCOMMANDS", ()), reason="gui.cli has no upload command yet"
    ),
    pytest.mark.skipif(sys.platform == "win32", reason="kill -9 (SIGKILL) is POSIX"),
]


def write_sheet(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Last Name", "Company"])
        for i in range(LEADS):
            writer.writerow([f"crash.test{i}@example.com", f"Ann{i}", f"Lee{i}", "Crash Co"])


def cli_env(home: Path, urls: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLOADER_")}
    env.update(
        LEADLOADER_API_KEY="sandbox-1",
        LEADLOADER_HOME=str(home),
        LEADLOADER_LEMLIST_URL=urls["lemlist"],
        LEADLOADER_INSTANTLY_URL=urls["instantly"],
        LEADLOADER_AKTIFY_URL=urls["aktify"],
        LEADLOADER_SENDPILOT_URL=urls["sendpilot"],
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def kill_9_when(command: list[str], env: dict[str, str], cwd: Path, reached: Callable[[], bool]) -> None:
    """Start the command and ``kill -9`` it once ``reached()`` holds (it must still be running)."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    try:
        wait_for(lambda: reached() or process.poll() is not None, 60, "progress")
        assert process.poll() is None, process.communicate()
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            assert stream is not None
            stream.close()
    assert process.returncode == -signal.SIGKILL


def run_to_end(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the command to its end (two minutes at most), capturing its text output."""
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def journal_rows(home: Path) -> dict[int, str]:
    db = sqlite3.connect(home / "journal.sqlite3")
    try:
        return {int(r): str(s) for r, s in db.execute("SELECT row, status FROM rows")}
    finally:
        db.close()


def test_kill_9_mid_run_then_rerun_loses_nothing_and_creates_nothing_twice(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    box = sandbox_factory(latency_ms=150)
    sheet = tmp_path / "crash-leads.csv"
    write_sheet(sheet)
    home = tmp_path / "cli-home"
    home.mkdir()
    env = cli_env(home, box.base_urls)
    command = [
        sys.executable,
        "-m",
        "gui",
        "upload",
        str(sheet),
        "--provider",
        "lemlist",
        "--campaign",
        CAMPAIGN,
        "--allow-empty-tags",  # the demo campaign uses {{icebreaker}}, which these leads lack
    ]

    def created() -> int:
        return int(box.ledger.count("lemlist", CAMPAIGN))

    in_flight: set[int] = set()
    for threshold in (15, 35):  # two kills: early, and again in the middle of the resumed run
        # Kill once the provider holds a good part of the leads, while requests are in flight.
        kill_9_when(command, env, tmp_path, lambda: created() >= threshold)  # noqa: B023
        # Requests already on the wire may still commit on the sandbox after the kill (latency 150 ms).
        time.sleep(0.4)
        at_kill = created()
        assert threshold <= at_kill < LEADS
        states = journal_rows(home)
        sending = {row for row, status in states.items() if status == "sending"}
        done = {row for row, status in states.items() if status == "uploaded"}
        assert len(sending) <= 4  # lemlist's max_in_flight
        assert len(done) + len(sending) >= at_kill  # every lead the provider holds is known to the journal
        in_flight |= sending
        print(f"\ncrash: killed at {at_kill}/{LEADS} created, {len(sending)} in flight")

    second = run_to_end(command, env, tmp_path)
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout.strip().splitlines()[-1])
    assert summary["total"] == LEADS
    assert summary["uploaded"] == LEADS, summary
    assert summary["duplicate"] == summary["failed"] == summary["invalid"] == 0

    stored = box.ledger.leads("lemlist", CAMPAIGN, include_seeded=False)
    keys = [lead.key for lead in stored]
    assert len(keys) == LEADS and len(set(keys)) == LEADS  # nothing lost, nothing created twice
    attempts = {
        key: n
        for (container, key), n in box.ledger.attempts_by_key("lemlist").items()
        if container == CAMPAIGN
    }
    assert set(attempts) == set(keys)
    resent = {key for key, n in attempts.items() if n > 1}
    assert all(n <= 2 for n in attempts.values())
    # Only rows in flight at the kill went twice: at most the requests that were in flight.
    in_flight_keys = {f"crash.test{row}@example.com" for row in in_flight}
    assert resent <= in_flight_keys, (resent, in_flight_keys)
    assert sum(attempts.values()) - LEADS <= len(in_flight)
    print(
        f"crash: after the rerun {len(stored)} leads, each once; "
        f"resent {len(resent)} of {len(in_flight)} in flight"
    )
    final = journal_rows(home)
    assert set(final.values()) == {"uploaded"} and len(final) == LEADS
