"""Pruning old runs and recording the removal of a run's leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from gui.core.domain import RowOutcome, RunSummary, Status
from gui.core.journal import Journal
from tests.core.test_journal import start


def _age(journal: Journal, run_id: int, days: float) -> None:
    """Pretend a run finished ``days`` ago (the journal stamps real times)."""
    when = datetime.now(UTC) - timedelta(days=days)
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    journal._db.execute("UPDATE runs SET finished_at=? WHERE id=?", (stamp, run_id))


def test_prune_drops_old_finished_runs_and_their_rows_only(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    old_done = start(journal, destination="cam_old")
    journal.record(old_done, [RowOutcome(0, Status.UPLOADED, provider_id="lea_1")], ["a@x.com"])
    journal.finish_run(old_done, RunSummary(total=1, uploaded=1))
    _age(journal, old_done, 200)
    old_stopped = start(journal, destination="cam_stopped")
    journal.finish_run(old_stopped, RunSummary(total=5, uploaded=1, pending=4), "cancelled")
    _age(journal, old_stopped, 400)
    old_crashed = start(journal, destination="cam_crashed")
    recent = start(journal, destination="cam_new")
    journal.finish_run(recent, RunSummary(total=5, uploaded=5))
    _age(journal, recent, 10)

    assert journal.prune(180) == 1

    kept = {r.id for r in journal.history()}
    assert kept == {old_stopped, old_crashed, recent}
    assert journal.run_rows(old_done).states == {}
    assert journal.already_uploaded("lemlist", "cam_old", ["a@x.com"]) == {}
    # A tighter limit reaches the recent run; unfinished ones still stay.
    assert journal.prune(5) == 1
    assert {r.id for r in journal.history()} == {old_stopped, old_crashed}
    journal.close()


def test_prune_compacts_the_file(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    run = start(journal, total=20_000)
    journal.record(run, [RowOutcome(i, Status.UPLOADED, "x" * 50, f"lea_{i}") for i in range(20_000)])
    journal.finish_run(run, RunSummary(total=20_000, uploaded=20_000))
    _age(journal, run, 365)
    journal._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = path.stat().st_size
    assert journal.prune() == 1
    journal._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert path.stat().st_size < before / 4
    journal.close()


def test_created_lists_only_leads_this_run_made_and_removals_resume(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    run = start(journal)
    journal.record(
        run,
        [
            RowOutcome(0, Status.UPLOADED, provider_id="lea_0"),
            RowOutcome(1, Status.DUPLICATE, "already in the campaign", "lea_old"),
            RowOutcome(2, Status.UPLOADED, provider_id="lea_2"),
            RowOutcome(3, Status.FAILED, "500"),
        ],
    )
    assert journal.created(run) == {0: "lea_0", 2: "lea_2"}
    assert journal.removals(run) == {}
    journal.record_removals(run, [(0, "lea_0", "removed", "")])
    journal.record_removals(run, [(2, "lea_2", "failed", "500"), (0, "lea_0", "removed", "")])
    assert journal.removals(run) == {0: ("removed", ""), 2: ("failed", "500")}
    reopened = Journal(tmp_path / "j.sqlite3")
    assert reopened.removals(run)[2] == ("failed", "500")
    reopened.close()
    journal.close()
