"""kill -9 a routed upload (3 values + a default to 3 campaigns) twice, run it again, then take it back.

Each lead must end in its own campaign exactly once, the journal must name each row's campaign, and
``leadloader undo`` must remove every lead from the campaign it is in.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gui.core.journal import Journal
from gui.sandbox import seed
from tests.cli.test_crash_resume import cli_env, journal_rows, kill_9_when, run_to_end

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="kill -9 (SIGKILL) is POSIX")

A, B, C = seed.LEMLIST_CAMPAIGN, seed.LEMLIST_CAMPAIGN_2, seed.LEMLIST_PAUSED_CAMPAIGN
REGIONS = ("EMEA", "NA", "DACH", "APAC", "emea ", "LatAm")
#: EMEA -> A, NA -> B, DACH -> C, and every other value (APAC, LatAm) -> C by default.
ROUTED = {"EMEA": A, "NA": B, "DACH": C}
LEADS = 60


def expected(region: str) -> str:
    return ROUTED.get(region.strip().upper(), C)


def write_sheet(path: Path) -> dict[str, str]:
    """The sheet; returns email -> the campaign it must end in."""
    out: dict[str, str] = {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Company", "Region"])
        for i in range(LEADS):
            region = REGIONS[i % len(REGIONS)]
            email = f"routed.crash{i}@example.com"
            writer.writerow([email, f"Ann{i}", "Crash Co", region])
            out[email] = expected(region)
    return out


def test_kill_9_twice_then_rerun_puts_each_lead_once_in_its_campaign_and_undo_takes_all_back(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    box = sandbox_factory(latency_ms=150)
    sheet = tmp_path / "routed-leads.csv"
    want = write_sheet(sheet)
    home = tmp_path / "cli-home"
    home.mkdir()
    env = cli_env(home, box.base_urls)
    routes = [arg for value, cid in ROUTED.items() for arg in ("--route", f"{value}={cid}")]
    command = [
        sys.executable, "-m", "gui", "upload", str(sheet), "--provider", "lemlist",
        "--route-by", "Region", *routes, "--route", f"*={C}", "--allow-empty-tags",
    ]  # fmt: skip

    def created() -> int:
        return sum(int(box.ledger.count("lemlist", c)) for c in (A, B, C))

    in_flight: set[int] = set()
    for threshold in (12, 35):
        kill_9_when(command, env, tmp_path, lambda: created() >= threshold)  # noqa: B023
        time.sleep(0.4)  # requests on the wire may still land (latency 150 ms)
        assert threshold <= created() < LEADS
        in_flight |= {row for row, status in journal_rows(home).items() if status == "sending"}

    second = run_to_end(command, env, tmp_path)
    assert second.returncode == 0, second.stderr
    summary = json.loads(second.stdout.strip().splitlines()[-1])
    assert summary["uploaded"] == LEADS and summary["failed"] == summary["duplicate"] == 0, summary
    counts = {c: sum(1 for d in want.values() if d == c) for c in (A, B, C)}
    assert {d: n["total"] for d, n in summary["destinations"].items()} == counts
    assert all(n["uploaded"] == n["total"] for n in summary["destinations"].values())

    attempts = box.ledger.attempts_by_key("lemlist")
    for campaign in (A, B, C):
        emails = [str(p["email"]) for p in box.ledger.payloads("lemlist", campaign)]
        assert sorted(emails) == sorted(e for e, d in want.items() if d == campaign), campaign
        assert len(set(emails)) == len(emails)  # each lead once
    tried = {key: n for (container, key), n in attempts.items() if container in (A, B, C)}
    assert all(n <= 2 for n in tried.values())
    resent = {key for key, n in tried.items() if n > 1}
    assert resent <= {f"routed.crash{row}@example.com" for row in in_flight}
    # Nothing went to a campaign it was not routed to.
    assert {container for (container, _key) in attempts} <= {A, B, C}
    final = journal_rows(home)
    assert set(final.values()) == {"uploaded"} and len(final) == LEADS
    journal = Journal(home / "journal.sqlite3")
    try:
        campaign_of = journal.row_destinations(int(summary["run"]))
        with_id = journal.created(int(summary["run"]))
    finally:
        journal.close()
    emails = list(want)
    assert campaign_of == {row: want[email] for row, email in enumerate(emails)}  # the journal knows where

    undo = run_to_end([sys.executable, "-m", "gui", "undo", summary["run"], "--yes"], env, tmp_path)
    assert undo.returncode == 0, undo.stderr
    taken = json.loads(undo.stdout.strip().splitlines()[-1])
    assert (taken["total"], taken["removed"], taken["failed"]) == (len(with_id), len(with_id), 0)
    # A replay that lemlist answered "already in the campaign" carries no lead id (the client does not
    # look it up), so undo cannot name it; every lead with an id is gone from its own campaign.
    no_id = {f"routed.crash{row}@example.com" for row in range(LEADS) if row not in with_id}
    assert no_id <= {f"routed.crash{row}@example.com" for row in in_flight}
    for campaign in (A, B, C):
        left = {lead.key for lead in box.ledger.leads("lemlist", campaign, include_seeded=False)}
        assert left == {e for e in no_id if want[e] == campaign}, campaign
