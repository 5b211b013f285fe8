"""Pure Python: the SQLite record of every upload run and every row's state in it.

The journal is what makes an upload safe to interrupt. The engine writes ``sending`` for
a request's rows (committed) before the request leaves, and the outcome (committed) once
the answer is in, so a crash or a ``kill -9`` at any instant leaves each row in one of
three truthful states: done (with its outcome), never sent (pending), or *unanswered*
(``sending``: the request may or may not have reached the provider, so a resume sends it
again in the form the provider deduplicates).

It also answers "was this lead already uploaded to this campaign in an earlier run?"
(by a normalised identity key, :func:`lead_key`) and gives the GUI its run history.

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

import contextlib
import errno
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gui.core import paths
from gui.core.domain import FINAL_STATUSES, FieldKind, Lead, RowOutcome, RunSummary, Status
from gui.core.errors import LeadLoaderError
from gui.core.providers.attribution import email_key, linkedin_key
from gui.core.providers.base import ProviderSpec

#: The journal's own row state for "the request left, no answer recorded yet".
SENDING = "sending"

#: What :meth:`Journal.row_states` says of a row whose request was unanswered.
UNANSWERED_REASON = "sent when the run stopped; no answer recorded"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL DEFAULT 'running',
    file_name TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    provider TEXT NOT NULL,
    account TEXT NOT NULL,
    destination TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    mapping TEXT NOT NULL,
    options TEXT NOT NULL,
    total INTEGER NOT NULL,
    summary TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS runs_resume ON runs (fingerprint, provider, destination, state);
CREATE TABLE IF NOT EXISTS rows (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    key TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    provider_id TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    retryable INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rows_key ON rows (key, status);
CREATE TABLE IF NOT EXISTS removals (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, row)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sent (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    key TEXT NOT NULL,
    applied INTEGER NOT NULL,
    lead TEXT NOT NULL,
    PRIMARY KEY (run_id, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS sent_key ON sent (key);
CREATE TABLE IF NOT EXISTS updates (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    key TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    state TEXT NOT NULL,
    names TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (run_id, row)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS updates_key ON updates (key, state);
"""

#: How long a finished run is kept before :meth:`Journal.prune` drops it (a setting can change it).
KEEP_DAYS = 180

#: Bumped when a column is added; :meth:`Journal._migrate` adds what an older file lacks.
SCHEMA_VERSION = 2

#: A row's campaign in SQL: its own (a routed run, :mod:`gui.core.routing`) or else the run's.
_ROW_DESTINATION = "COALESCE(NULLIF(r.destination, ''), u.destination)"


#: :attr:`JournalError.problem` of a write refused for want of space (ENOSPC, EDQUOT, SQLITE_FULL).
DISK_FULL = "disk full"
#: :attr:`JournalError.problem` of a write refused by a read-only disk or folder (EROFS, EACCES,
#: SQLITE_READONLY).
READ_ONLY = "read-only"

_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_SQLITE_READONLY = 8
_SQLITE_FULL = 13


def storage_problem(cause: BaseException) -> str:
    """:data:`DISK_FULL`, :data:`READ_ONLY`, or "" when ``cause`` is some other failure.

    Reads an ``OSError``'s errno and an ``sqlite3.Error``'s (extended) result code, and falls
    back on SQLite's own words ("database or disk is full", "readonly database").
    """
    if isinstance(cause, OSError) and cause.errno is not None:
        if cause.errno in _FULL_ERRNOS:
            return DISK_FULL
        if cause.errno in _READ_ONLY_ERRNOS:
            return READ_ONLY
    code = getattr(cause, "sqlite_errorcode", None)
    if isinstance(code, int):
        if code & 0xFF == _SQLITE_FULL:
            return DISK_FULL
        if code & 0xFF == _SQLITE_READONLY:
            return READ_ONLY
    text = str(cause).lower()
    if "disk is full" in text or "no space left" in text:
        return DISK_FULL
    if "readonly" in text or "read-only" in text:
        return READ_ONLY
    return ""


class JournalError(LeadLoaderError):
    """The journal file cannot be opened, read or written (a full disk, a read-only folder...).

    Attributes:
        path: The journal file.
        problem: :data:`DISK_FULL`, :data:`READ_ONLY`, or "" for any other failure. The upload
            engine pauses on the first two (the user can fix them) and stops on the rest.
    """

    def __init__(self, path: Path, action: str, cause: BaseException) -> None:
        self.path = path
        self.problem = storage_problem(cause)
        detail = f"{self.problem} ({cause})" if self.problem else str(cause)
        super().__init__(f"The upload journal {path} could not be {action}: {detail}")


#: SQLite's default limit on bound parameters is 999 in old builds; stay under it.
_CHUNK = 900


def _key_chunks(keys: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    """Distinct non-empty keys in chunks SQLite can bind at once, each with its ``?,?,...`` marks."""
    unique = sorted({k for k in keys if k})
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def file_fingerprint(path: Path) -> str:
    """The content identity of a file: its size and SHA-256 (about 0.2 s for 100 MB).

    Content, not name or mtime, so a renamed or re-saved-but-identical file still resumes,
    and an edited file never resumes a run it does not match.
    """
    digest = hashlib.sha256()
    size = 0
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return f"{size}:{digest.hexdigest()}"


def _norm_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    return ("+" + digits) if value.strip().startswith("+") else digits


_NORMALISERS: dict[FieldKind, tuple[str, Callable[[str], str]]] = {
    # The same keys the clients attribute provider answers by, so "already uploaded" agrees.
    FieldKind.EMAIL: ("email", email_key),
    FieldKind.PHONE: ("phone", _norm_phone),
    FieldKind.LINKEDIN: ("linkedin", linkedin_key),
}


_Identity = tuple[tuple[str, str, Callable[[str], str]], ...]
#: Per spec object (held alive here, so its id stays unique); hashing a whole spec per lead is slow.
_identity_cache: dict[int, tuple[ProviderSpec, _Identity]] = {}


def _identity_fields(spec: ProviderSpec) -> _Identity:
    """The fields that can name a lead, the provider's dedupe field first (worked out once per spec)."""
    cached = _identity_cache.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    kinds = {f.name: f.kind for f in spec.fields}
    names = [spec.dedupe_field] + [f.name for f in spec.fields if f.name != spec.dedupe_field]
    fields = tuple((n, *_NORMALISERS[kinds[n]]) for n in names if kinds.get(n) in _NORMALISERS)
    if len(_identity_cache) > 64:
        _identity_cache.clear()
    _identity_cache[id(spec)] = (spec, fields)
    return fields


def lead_key(lead: Lead, spec: ProviderSpec) -> str:
    """The identity of a lead for "already uploaded" and resume checks.

    The provider's own dedupe field comes first (lemlist and Instantly: email; Aktify:
    phone; SendPilot: LinkedIn URL), then any email, LinkedIn or phone field, each
    normalised the way providers compare them; a lead with none of those is known by a hash
    of all its values.
    """
    for name, label, normalise in _identity_fields(spec):
        value = lead.fields.get(name)
        if value:
            normalised = normalise(value)
            if normalised:
                return f"{label}:{normalised}"
    blob = json.dumps([sorted(lead.fields.items()), sorted(lead.custom.items())], ensure_ascii=False)
    return "hash:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


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


@dataclass(frozen=True)
class RunRecord:
    """One run as the history and the resume offer show it.

    Attributes:
        id: The journal's run id.
        started_at: ISO 8601 UTC.
        finished_at: ISO 8601 UTC; None while running or after a crash.
        file_name: The sheet's file name (no folder).
        fingerprint: :func:`file_fingerprint` of the file.
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


class Journal:
    """The upload journal (one SQLite file, safe to open from several threads and processes).

    Args:
        path: The database file; default ``paths.home()/journal.sqlite3``.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.home() / "journal.sqlite3"
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise JournalError(self.path, "opened", exc) from None
        try:
            with self._guard("opened"):
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.execute("PRAGMA foreign_keys=ON")
                self._db.executescript(_SCHEMA)
                self._migrate()
        except JournalError:
            self._db.close()
            raise

    def _migrate(self) -> None:
        """Bring a journal written by an older version up to this schema (additive only)."""
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version < SCHEMA_VERSION:
            columns = {row[1] for row in self._db.execute("PRAGMA table_info(rows)")}
            if "retryable" not in columns:
                self._db.execute("ALTER TABLE rows ADD COLUMN retryable INTEGER NOT NULL DEFAULT 0")
            if "destination" not in columns:
                self._db.execute("ALTER TABLE rows ADD COLUMN destination TEXT NOT NULL DEFAULT ''")
            self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Hold the lock and turn a database failure into a :class:`JournalError` naming the file."""
        with self._lock:
            try:
                yield
            except (sqlite3.Error, OSError) as exc:
                raise JournalError(self.path, action, exc) from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction (``BEGIN IMMEDIATE`` so two writers queue instead of failing).

        All or nothing: a failed ``COMMIT`` (a full disk) is rolled back too, so the file keeps
        the last committed state and the next write starts clean.
        """
        with self._guard("written"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        """Roll back an open transaction; SQLite may already have done so after an I/O error."""
        if self._db.in_transaction:
            # The transaction may have ended by itself (SQLite rolls back on some I/O errors).
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def integrity(self) -> str:
        """SQLite's own ``PRAGMA integrity_check`` of the file: ``"ok"`` when it is sound."""
        with self._guard("read"):
            rows = self._db.execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(r[0]) for r in rows)

    def close(self) -> None:
        """Close the database (every write is already committed)."""
        with self._lock:
            self._db.close()

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
                    _now(),
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
                (_now(), run_id),
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
                (_now(), state, json.dumps(payload), note, run_id),
            )

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

    # -- rows -------------------------------------------------------------------------------

    def mark_sending(
        self, run_id: int, rows: Sequence[int], keys: Sequence[str] | None = None, destination: str = ""
    ) -> None:
        """Record, before a request leaves, that its rows are on their way (committed on return).

        ``destination`` is the campaign the request goes to when it is not the run's own (a
        routed run): a resume must resend an unanswered row there, and undo remove it there.
        """
        now = _now()
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
                [(_now(), run_id, row) for row in rows],
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
        now = _now()
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
            for chunk, marks in _key_chunks(keys):
                query = (
                    "SELECT DISTINCT r.key FROM rows r JOIN runs u ON u.id = r.run_id"
                    f" WHERE u.provider=? AND {_ROW_DESTINATION}=? AND r.run_id != ?"
                    " AND (r.status='sending' OR (r.status='failed' AND r.retryable=1))"
                    f" AND r.key IN ({marks})"
                )
                params = (provider, destination, exclude_run or -1, *chunk)
                found.update(str(k[0]) for k in self._db.execute(query, params))
        return found

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
        now = _now()
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

    def already_uploaded(
        self, provider: str, destination: str, keys: Sequence[str], *, exclude_run: int | None = None
    ) -> dict[str, str]:
        """Keys uploaded to this destination by an earlier run: key -> date (``YYYY-MM-DD``, UTC).

        Only ``uploaded`` counts: a ``duplicate`` answer may mean "in *another* campaign". A lead
        that was taken back since (``leadloader undo``) is no longer there, so it does not count.
        """
        found: dict[str, str] = {}
        with self._guard("read"):
            for chunk, marks in _key_chunks(keys):
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
