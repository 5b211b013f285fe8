"""Pure Python: the journal's SQLite file: its schema, opening, locking, transactions, and disk errors.

:class:`JournalFile` is what every journal table shares: one connection in WAL mode behind a
lock (safe from several threads and processes), transactions that are all or nothing, and a
failure of the disk turned into a :class:`JournalError` that says which file and whether the
user can fix it (:data:`DISK_FULL`, :data:`READ_ONLY`). What the tables hold and how runs and
rows are written and read is :class:`gui.core.journal.Journal`.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from gui.core import paths
from gui.core.errors import LeadLoaderError

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

#: Bumped when a column is added; :meth:`JournalFile._migrate` adds what an older file lacks.
SCHEMA_VERSION = 2


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


def key_chunks(keys: Sequence[str]) -> Iterator[tuple[list[str], str]]:
    """Distinct non-empty keys in chunks SQLite can bind at once, each with its ``?,?,...`` marks."""
    unique = sorted({k for k in keys if k})
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def now_iso() -> str:
    """Now in UTC as the journal stores times: ISO 8601 to the millisecond, ``Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JournalFile:
    """The journal's database file, opened and brought up to :data:`SCHEMA_VERSION`.

    Args:
        path: The database file; default ``paths.home()/journal.sqlite3``.

    Raises:
        JournalError: The file cannot be created, opened or migrated.
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
