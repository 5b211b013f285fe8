"""Pure Python: the SQLite record of every upload run and every row's state in it.

The journal is what makes an upload safe to interrupt. The engine writes ``sending`` for
a request's rows (committed) before the request leaves, and the outcome (committed) once
the answer is in, so a crash or a ``kill -9`` at any instant leaves each row in one of
three truthful states: done (with its outcome), never sent (pending), or *unanswered*
(``sending``: the request may or may not have reached the provider, so a resume sends it
again in the form the provider deduplicates).

It also answers "was this lead already uploaded to this campaign in an earlier run?"
(by a normalised identity key, :func:`gui.core.identity.lead_key`) and gives the GUI its run
history. The file itself (schema, locking, transactions, disk errors) is :mod:`gui.core.journal_file`.

What is stored: file name and fingerprint, provider id, account *label*, destination id
and name, the mapping, the provider options, timestamps, per-row status, reason and
provider id; and, for each row the provider created, updated or called a duplicate, the
field values it was sent (table ``sent``), so that a later run with "update leads that are
already there" can send only what changed (:mod:`gui.core.update`). Never an API key.

SQLite runs in WAL mode with ``synchronous=NORMAL``: a committed write survives the
process being killed (the OS holds it); only a power cut can lose the last commits, and
then the provider's own deduplication turns the resend into a ``duplicate`` answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gui.core.domain import RowOutcome, RunSummary, Status

# JournalError (and the two problems it names) is what every caller of Journal catches: it is
# this module's API, whichever file defines it. So is RunRecord, what find_resumable returns.
from gui.core.journal_file import DISK_FULL, READ_ONLY, JournalError, key_chunks, now_iso
from gui.core.journal_history import RunHistory, RunRecord

__all__ = [
    "DISK_FULL",
    "READ_ONLY",
    "SENDING",
    "UNANSWERED_REASON",
    "Journal",
    "JournalError",
    "RunRecord",
    "RunRows",
]

#: The journal's own row state for "the request left, no answer recorded yet".
SENDING = "sending"

#: What :meth:`Journal.row_states` says of a row whose request was unanswered.
UNANSWERED_REASON = "sent when the run stopped; no answer recorded"

#: A row's campaign in SQL: its own (a routed run, :mod:`gui.core.routing`) or else the run's.
_ROW_DESTINATION = "COALESCE(NULLIF(r.destination, ''), u.destination)"


@dataclass(frozen=True)
class RunRows:
    """The rows a run touched, as a resume needs them.

    Attributes:
        states: Final outcomes, and ``pending`` for unanswered or released rows.
        keys: The identity key recorded for each row.
        unanswered: Rows whose request left without a recorded answer.
        destinations: The campaign each row was sent to, where that is not the run's own (a
            routed run); rows never sent are absent.
    """

    states: dict[int, RowOutcome]
    keys: dict[int, str]
    unanswered: set[int]
    destinations: dict[int, str] = field(default_factory=dict)


class Journal(RunHistory):
    """The upload journal (one SQLite file, safe to open from several threads and processes).

    Args:
        path: The database file; default ``paths.home()/journal.sqlite3``.
    """

    # -- runs -------------------------------------------------------------------------------

    def start_run(
        self,
        *,
        fingerprint: str,
        file_name: str,
        provider: str,
        account: str,
        destination: str,
        destination_name: str,
        mapping: Mapping[str, str],
        options: Mapping[str, bool | str],
        total: int,
    ) -> RunRecord:
        """Record a new run and return it."""
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, file_name, fingerprint, provider, account, destination,"
                " destination_name, mapping, options, total) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    now_iso(),
                    file_name,
                    fingerprint,
                    provider,
                    account,
                    destination,
                    destination_name,
                    json.dumps(dict(mapping), ensure_ascii=False),
                    json.dumps(dict(options), ensure_ascii=False),
                    total,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
        record = self.run(run_id)
        assert record is not None
        return record

    def find_resumable(self, fingerprint: str, provider: str, destination: str) -> RunRecord | None:
        """The newest run of this file to this destination that stopped before its end.

        A run is resumable after a crash (never finished), a cancel or a fatal answer; not
        after it ended with every row done, nor once a newer run replaced it.
        """
        with self._guard("read"):
            found = self._db.execute(
                "SELECT id FROM runs WHERE fingerprint=? AND provider=? AND destination=?"
                " AND state IN ('running','stopped') ORDER BY id DESC LIMIT 1",
                (fingerprint, provider, destination),
            ).fetchone()
        return self.run(int(found[0])) if found else None

    def abandon(self, run_id: int) -> None:
        """Take a stopped run out of the resume offer (the user chose to start afresh)."""
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET state='abandoned', note=CASE WHEN note='' THEN 'abandoned' ELSE note END,"
                " finished_at=COALESCE(finished_at, ?) WHERE id=?",
                (now_iso(), run_id),
            )

    def finish_run(self, run_id: int, summary: RunSummary, note: str = "") -> None:
        """Record the end of a run; one with rows still pending stays resumable."""
        state = "stopped" if summary.pending else "done"
        payload = {
            "total": summary.total,
            "uploaded": summary.uploaded,
            "updated": summary.updated,
            "duplicate": summary.duplicate,
            "skipped": summary.skipped,
            "invalid": summary.invalid,
            "failed": summary.failed,
            "pending": summary.pending,
            "seconds": summary.seconds,
            "verified": summary.verified,
        }
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET finished_at=?, state=?, summary=?, note=? WHERE id=?",
                (now_iso(), state, json.dumps(payload), note, run_id),
            )

    # -- rows -------------------------------------------------------------------------------

    def mark_sending(
        self, run_id: int, rows: Sequence[int], keys: Sequence[str] | None = None, destination: str = ""
    ) -> None:
        """Record, before a request leaves, that its rows are on their way (committed on return).

        ``destination`` is the campaign the request goes to when it is not the run's own (a
        routed run): a resume must resend an unanswered row there, and undo remove it there.
        """
        now = now_iso()
        params = [(run_id, row, keys[i] if keys else "", now, destination) for i, row in enumerate(rows)]
        with self._tx() as db:
            db.executemany(
                "INSERT INTO rows (run_id, row, key, status, attempts, updated_at, destination)"
                " VALUES (?,?,?,'sending',1,?,?) ON CONFLICT (run_id, row) DO UPDATE SET status='sending',"
                " attempts=attempts+1, key=CASE WHEN excluded.key='' THEN key ELSE excluded.key END,"
                " destination=excluded.destination, updated_at=excluded.updated_at",
                params,
            )

    def release(self, run_id: int, rows: Sequence[int]) -> None:
        """Put rows back to pending: their request was answered without doing anything (429, 401)."""
        with self._tx() as db:
            db.executemany(
                "UPDATE rows SET status='pending', updated_at=?"
                " WHERE run_id=? AND row=? AND status='sending'",
                [(now_iso(), run_id, row) for row in rows],
            )

    def record(
        self,
        run_id: int,
        outcomes: Sequence[RowOutcome],
        keys: Sequence[str] | None = None,
        *,
        sent: Sequence[tuple[int, str, bool, str]] = (),
    ) -> None:
        """Record final outcomes (committed on return); ``keys`` align with ``outcomes`` when given.

        ``sent`` holds ``(row, key, applied, lead JSON)`` of rows whose values a later update
        diffs against (:mod:`gui.core.update`), written in the same transaction as the outcomes.
        """
        now = now_iso()
        params = [
            (
                run_id,
                o.row,
                keys[i] if keys else "",
                o.status.value,
                o.reason,
                o.provider_id,
                int(o.retryable),
                now,
            )
            for i, o in enumerate(outcomes)
        ]
        with self._tx() as db:
            if sent:
                db.executemany(
                    "INSERT INTO sent (run_id, row, key, applied, lead) VALUES (?,?,?,?,?)"
                    " ON CONFLICT (run_id, row) DO UPDATE SET key=excluded.key, applied=excluded.applied,"
                    " lead=excluded.lead",
                    [(run_id, row, key, int(applied), lead) for row, key, applied, lead in sent],
                )
            db.executemany(
                "INSERT INTO rows (run_id, row, key, status, reason, provider_id, retryable, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (run_id, row) DO UPDATE SET status=excluded.status,"
                " reason=excluded.reason, provider_id=excluded.provider_id, retryable=excluded.retryable,"
                " key=CASE WHEN excluded.key='' THEN key ELSE excluded.key END,"
                " updated_at=excluded.updated_at",
                params,
            )

    def run_rows(self, run_id: int) -> RunRows:
        """Every row the run touched, read in one pass: what a resume starts from."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT row, key, status, reason, provider_id, retryable, destination"
                " FROM rows WHERE run_id=?",
                (run_id,),
            ).fetchall()
        found = RunRows({}, {}, set())
        for row, key, status, reason, provider_id, retryable, destination in rows:
            number = int(row)
            found.keys[number] = str(key)
            if destination:
                found.destinations[number] = str(destination)
            if status == SENDING:
                found.unanswered.add(number)
                found.states[number] = RowOutcome(number, Status.PENDING, UNANSWERED_REASON)
            else:
                found.states[number] = RowOutcome(
                    number, Status(status), str(reason), str(provider_id), bool(retryable)
                )
        return found

    def row_states(self, run_id: int) -> dict[int, RowOutcome]:
        """Final outcomes, and ``pending`` for unanswered (:data:`UNANSWERED_REASON`) or released rows."""
        return self.run_rows(run_id).states

    def row_keys(self, run_id: int) -> dict[int, str]:
        """The identity key recorded for each row the run touched."""
        return self.run_rows(run_id).keys

    def unanswered(self, run_id: int) -> set[int]:
        """Rows whose request left without a recorded answer (in flight at a crash or kill)."""
        return self.run_rows(run_id).unanswered

    def unconfirmed(
        self, provider: str, destination: str, keys: Sequence[str], *, exclude_run: int | None = None
    ) -> set[str]:
        """Keys whose request to this destination in another run may have landed without an answer.

        That is: left ``sending`` by a crash, or ``failed`` after a lost answer (retryable). Such
        a lead is sent again in the form the provider deduplicates, so a duplicate answer can be
        read as "our earlier attempt landed" instead of "someone else's lead".
        """
        found: set[str] = set()
        with self._guard("read"):
            for chunk, marks in key_chunks(keys):
                query = (
                    "SELECT DISTINCT r.key FROM rows r JOIN runs u ON u.id = r.run_id"
                    f" WHERE u.provider=? AND {_ROW_DESTINATION}=? AND r.run_id != ?"
                    " AND (r.status='sending' OR (r.status='failed' AND r.retryable=1))"
                    f" AND r.key IN ({marks})"
                )
                params = (provider, destination, exclude_run or -1, *chunk)
                found.update(str(k[0]) for k in self._db.execute(query, params))
        return found

    def already_uploaded(
        self, provider: str, destination: str, keys: Sequence[str], *, exclude_run: int | None = None
    ) -> dict[str, str]:
        """Keys uploaded to this destination by an earlier run: key -> date (``YYYY-MM-DD``, UTC).

        Only ``uploaded`` counts: a ``duplicate`` answer may mean "in *another* campaign". A lead
        that was taken back since (``leadloader undo``) is no longer there, so it does not count.
        """
        found: dict[str, str] = {}
        with self._guard("read"):
            for chunk, marks in key_chunks(keys):
                query = (
                    "SELECT r.key, MIN(r.updated_at) FROM rows r JOIN runs u ON u.id = r.run_id"
                    f" WHERE u.provider=? AND {_ROW_DESTINATION}=? AND r.status='uploaded' AND r.run_id != ?"
                    f" AND r.key IN ({marks})"
                    " AND NOT EXISTS (SELECT 1 FROM removals m WHERE m.run_id = r.run_id AND m.row = r.row"
                    " AND m.outcome IN ('removed', 'already_gone'))"
                    " GROUP BY r.key"
                )
                for key, when in self._db.execute(query, (provider, destination, exclude_run or -1, *chunk)):
                    found[str(key)] = str(when)[:10]
        return found
