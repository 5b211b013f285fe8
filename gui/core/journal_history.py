"""Pure Python: the journal looking back: past runs, what each created, its removals, retention.

The window's history list, ``leadloader runs`` and undo read runs after the fact; they never
write a row's state. :class:`RunHistory` holds those reads (and the two writes that belong to
them: the removals undo records, and pruning). :class:`gui.core.journal.Journal` adds what a
run being sent writes and asks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gui.core.domain import FINAL_STATUSES, Status
from gui.core.journal_file import JournalFile, now_iso

#: How long a finished run is kept before :meth:`Journal.prune` drops it (a setting can change it).
KEEP_DAYS = 180


@dataclass(frozen=True)
class RunRecord:
    """One run as the history and the resume offer show it.

    Attributes:
        id: The journal's run id.
        started_at: ISO 8601 UTC.
        finished_at: ISO 8601 UTC; None while running or after a crash.
        file_name: The sheet's file name (no folder).
        fingerprint: :func:`~gui.core.identity.file_fingerprint` of the file.
        provider: Provider id.
        account: The account label (never the key).
        destination: Campaign or list id.
        destination_name: Its name when the run started.
        total: Rows in the sheet.
        counts: Rows per status (``pending`` for rows with no final outcome yet).
        note: ``cancelled``, a fatal reason, ``abandoned``... or empty.
    """

    id: int
    started_at: str
    finished_at: str | None
    file_name: str
    fingerprint: str
    provider: str
    account: str
    destination: str
    destination_name: str
    total: int
    counts: dict[str, int]
    note: str

    @property
    def resumable(self) -> bool:
        """True when rows are left to send."""
        return self.counts.get(Status.PENDING.value, 0) > 0


class RunHistory(JournalFile):
    """Past runs, their created leads and removals, and the pruning of old ones."""

    def run(self, run_id: int) -> RunRecord | None:
        """One run by id, with its per-status counts."""
        with self._guard("read"):
            row = self._db.execute(
                "SELECT id, started_at, finished_at, file_name, fingerprint, provider, account, destination,"
                " destination_name, total, note FROM runs WHERE id=?",
                (run_id,),
            ).fetchone()
            if row is None:
                return None
            counts = self._counts(run_id, int(row[9]))
        return RunRecord(
            id=int(row[0]),
            started_at=str(row[1]),
            finished_at=row[2],
            file_name=str(row[3]),
            fingerprint=str(row[4]),
            provider=str(row[5]),
            account=str(row[6]),
            destination=str(row[7]),
            destination_name=str(row[8]),
            total=int(row[9]),
            counts=counts,
            note=str(row[10]),
        )

    def run_settings(self, run_id: int) -> tuple[dict[str, str], dict[str, bool | str]]:
        """The mapping and options a run was started with (to offer the same on resume)."""
        with self._guard("read"):
            row = self._db.execute("SELECT mapping, options FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            return {}, {}
        return dict(json.loads(row[0])), dict(json.loads(row[1]))

    def _counts(self, run_id: int, total: int) -> dict[str, int]:
        counts = {s.value: 0 for s in FINAL_STATUSES}
        for status, n in self._db.execute(
            "SELECT status, COUNT(*) FROM rows WHERE run_id=? GROUP BY status", (run_id,)
        ):
            if status in counts:
                counts[status] = int(n)
        counts[Status.PENDING.value] = max(0, total - sum(counts.values()))
        return counts

    def history(self, limit: int = 50) -> list[RunRecord]:
        """The newest runs first, for the GUI's history list."""
        with self._guard("read"):
            query = "SELECT id FROM runs ORDER BY id DESC LIMIT ?"
            ids = [int(r[0]) for r in self._db.execute(query, (limit,))]
        return [r for r in (self.run(i) for i in ids) if r is not None]

    # -- taking a run back ------------------------------------------------------------------

    def created(self, run_id: int) -> dict[int, str]:
        """Row -> provider id for every lead this run created (never duplicates or earlier leads)."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT row, provider_id FROM rows WHERE run_id=? AND status='uploaded' AND provider_id != ''"
                " ORDER BY row",
                (run_id,),
            ).fetchall()
        return {int(row): str(pid) for row, pid in rows}

    def row_destinations(self, run_id: int) -> dict[int, str]:
        """Row -> campaign for the rows a routed run sent elsewhere than its own destination."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT row, destination FROM rows WHERE run_id=? AND destination != ''", (run_id,)
            ).fetchall()
        return {int(row): str(destination) for row, destination in rows}

    def removals(self, run_id: int) -> dict[int, tuple[str, str]]:
        """Row -> (outcome, reason) of every removal recorded for this run, so a rerun resumes."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT row, outcome, reason FROM removals WHERE run_id=?", (run_id,)
            ).fetchall()
        return {int(row): (str(outcome), str(reason)) for row, outcome, reason in rows}

    def record_removals(self, run_id: int, removed: Sequence[tuple[int, str, str, str]]) -> None:
        """Record ``(row, provider_id, outcome, reason)`` answers (committed on return)."""
        now = now_iso()
        with self._tx() as db:
            db.executemany(
                "INSERT INTO removals (run_id, row, provider_id, outcome, reason, updated_at)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT (run_id, row) DO UPDATE SET outcome=excluded.outcome,"
                " reason=excluded.reason, updated_at=excluded.updated_at",
                [(run_id, row, pid, outcome, reason, now) for row, pid, outcome, reason in removed],
            )

    # -- retention --------------------------------------------------------------------------

    def prune(self, older_than_days: float = KEEP_DAYS, *, now: datetime | None = None) -> int:
        """Drop finished runs older than the limit with their rows; return how many went.

        Runs that can still be resumed (``running`` after a crash, ``stopped``) are never
        dropped, whatever their age: their rows are what stops a resume sending a lead twice.
        The file is compacted afterwards, so a year of runs does not keep its size forever.
        """
        cutoff = (now or datetime.now(UTC)) - timedelta(days=older_than_days)
        stamp = cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        with self._tx() as db:
            gone = db.execute(
                "DELETE FROM runs WHERE state IN ('done','abandoned') AND finished_at IS NOT NULL"
                " AND finished_at < ?",
                (stamp,),
            ).rowcount
        if gone:
            with self._guard("compacted"):
                self._db.execute("VACUUM")
        return int(gone)
