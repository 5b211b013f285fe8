"""Pure Python: the local do-not-contact list, one SQLite file beside the journal.

Emailing or texting someone who opted out is the mistake with legal weight, so the list is
the one guard no option switches off. It holds four kinds of entry, each in the one form
rows are compared in: an email (lower case), a domain (lower case, no ``www.``; it covers its
sub-domains), a phone (E.164) and a LinkedIn profile URL (the normalised form the fixes use).

Every write is one transaction: a crash never leaves half an import, and a provider's list
is replaced in one swap, so a kill during a pull keeps the previous copy. Entries pushed to
a provider are remembered per provider, so an interrupted push run again sends nothing twice.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pyarrow as pa

from gui.core import paths
from gui.core.errors import LeadLoaderError
from gui.core.validation.linkedin import normalize_linkedin_urls
from gui.core.validation.phones import phones_e164

Kind = Literal["email", "domain", "phone", "linkedin"]
KINDS: tuple[Kind, ...] = ("email", "domain", "phone", "linkedin")

#: Sources that are a provider's own list (replaced whole by each pull).
PROVIDER_SOURCES = ("lemlist", "instantly")

_EMAIL = re.compile(r"^[^@\s]+@([a-z0-9-]+(\.[a-z0-9-]+)+)$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    value TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    added TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entries_kind_source ON entries(kind, source);
CREATE TABLE IF NOT EXISTS pulls (
    provider TEXT PRIMARY KEY,
    pulled TEXT NOT NULL,
    count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pushed (
    provider TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (provider, value)
) WITHOUT ROWID;
"""


class DncError(LeadLoaderError):
    """The list file could not be read or written; the message names the file."""

    def __init__(self, path: Path, action: str, cause: BaseException) -> None:
        super().__init__(f"The do-not-contact list {path} could not be {action}: {cause}")
        self.path = path


@dataclass(frozen=True)
class Entry:
    """One value nobody may contact.

    Attributes:
        value: The value in its comparison form.
        kind: email, domain, phone or linkedin.
        source: Where it came from: ``typed``, a file's name, ``lemlist``, ``instantly``.
        added: When it was added (UTC, ISO 8601).
    """

    value: str
    kind: Kind
    source: str
    added: str


@dataclass(frozen=True)
class AddReport:
    """What adding a batch of values did.

    Attributes:
        added: New entries.
        already: Values the list held already (their first source is kept).
        bad: ``(value as given, why)`` for values that are no kind of entry; nothing was added for them.
    """

    added: int
    already: int
    bad: tuple[tuple[str, str], ...] = ()


def normalize(value: str, region: str = "US") -> tuple[Kind, str] | None:
    """A value's kind and comparison form, None when it is no kind of entry.

    ``region`` reads phones written in national form (``(212) 555-0100`` in the US).
    """
    kinds, values = normalize_many([value], region)
    return None if kinds[0] is None else (kinds[0], values[0])


def normalize_many(values: Sequence[str], region: str = "US") -> tuple[list[Kind | None], list[str]]:
    """:func:`normalize` for many values, with phones and LinkedIn URLs done in bulk."""
    kinds: list[Kind | None] = [None] * len(values)
    out = [""] * len(values)
    text = [str(v).strip() for v in values]
    linkedin = normalize_linkedin_urls(pa.array(text, type=pa.string())).to_pylist()
    rest = []
    for i, raw in enumerate(text):
        low = raw.lower()
        if linkedin[i]:
            kinds[i], out[i] = "linkedin", linkedin[i]
        elif _EMAIL.match(low):
            kinds[i], out[i] = "email", low
        elif (domain := _domain_of(low)) is not None:
            kinds[i], out[i] = "domain", domain
        else:
            rest.append(i)
    phones = phones_e164(pa.array([text[i] for i in rest], type=pa.string()), region).to_pylist()
    for i, phone in zip(rest, phones, strict=True):
        if phone:
            kinds[i], out[i] = "phone", phone
    return kinds, out


def _domain_of(low: str) -> str | None:
    """``acme.com`` from ``acme.com``, ``@acme.com``, ``www.acme.com`` or ``https://acme.com/``."""
    text = re.sub(r"^[a-z]+://", "", low).lstrip("@").split("/")[0]
    text = text.removeprefix("www.")
    return text if _DOMAIN.match(text) else None


def why_bad(value: str) -> str:
    """Why a value was not added, in words the user can act on."""
    if not value.strip():
        return "empty"
    if "@" in value:
        return "not a valid email address"
    if any(c.isdigit() for c in value) and not any(c.isalpha() for c in value):
        return "not a valid phone number for the chosen region"
    return "not an email, domain, phone number or LinkedIn profile URL"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class DncList:
    """The do-not-contact list file (safe to share between the window's threads and the CLI).

    Args:
        path: The database file; default ``paths.home()/do_not_contact.sqlite3``.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else paths.home() / "do_not_contact.sqlite3"
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise DncError(self.path, "opened", exc) from None
        try:
            with self._guard("opened"):
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(_SCHEMA)
        except DncError:
            self._db.close()
            raise

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except sqlite3.Error as exc:
                raise DncError(self.path, action, exc) from None

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One committed transaction; anything raised inside leaves the file as it was."""
        with self._guard("written"):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the file (every write is already committed)."""
        with self._lock:
            self._db.close()

    def connection(self) -> sqlite3.Connection:
        """The open connection, for the sheet check's join (use under :meth:`reading`)."""
        return self._db

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection under the lock, for reads that span several statements."""
        with self._guard("read"):
            yield self._db

    def add(self, values: Iterable[str], source: str, region: str = "US") -> AddReport:
        """Add values of any kind; bad values are reported, never half-added."""
        given = [str(v) for v in values]
        kinds, normal = normalize_many(given, region)
        bad = tuple((g, why_bad(g)) for g, k in zip(given, kinds, strict=True) if k is None)
        rows = {n: k for n, k in zip(normal, kinds, strict=True) if k is not None}
        now = _now()
        with self._tx() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO entries(value, kind, source, added) VALUES (?, ?, ?, ?)",
                [(v, k, source, now) for v, k in rows.items()],
            )
            added = db.total_changes - before
        return AddReport(added=added, already=len(rows) - added, bad=bad)

    def remove(self, values: Iterable[str], region: str = "US") -> int:
        """Remove entries given in any form (``ACME.com`` removes ``acme.com``); returns how many."""
        kinds, normal = normalize_many([str(v) for v in values], region)
        keys = [(n,) for n, k in zip(normal, kinds, strict=True) if k is not None]
        with self._tx() as db:
            before = db.total_changes
            db.executemany("DELETE FROM entries WHERE value = ?", keys)
            removed = db.total_changes - before
            db.executemany("DELETE FROM pushed WHERE value = ?", keys)
        return removed

    def replace_provider(self, provider: str, values: Sequence[str], region: str = "US") -> AddReport:
        """Make the entries from ``provider`` exactly its list as just pulled, in one swap.

        A value the user also added by hand keeps its own source and stays when the provider
        drops it; values the provider no longer lists (a lead re-subscribed) leave the list.
        """
        kinds, normal = normalize_many([str(v) for v in values], region)
        rows = {n: k for n, k in zip(normal, kinds, strict=True) if k is not None}
        bad = tuple((str(v), why_bad(str(v))) for v, k in zip(values, kinds, strict=True) if k is None)
        now = _now()
        with self._tx() as db:
            db.execute("DELETE FROM entries WHERE source = ?", (provider,))
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO entries(value, kind, source, added) VALUES (?, ?, ?, ?)",
                [(v, k, provider, now) for v, k in rows.items()],
            )
            added = db.total_changes - before
            db.execute(
                "INSERT OR REPLACE INTO pulls(provider, pulled, count) VALUES (?, ?, ?)",
                (provider, now, len(rows)),
            )
        return AddReport(added=added, already=len(rows) - added, bad=bad)

    def last_pull(self, provider: str) -> datetime | None:
        """When the provider's list was last pulled in full, None when never."""
        with self._guard("read"):
            row = self._db.execute("SELECT pulled FROM pulls WHERE provider = ?", (provider,)).fetchone()
        return None if row is None else datetime.fromisoformat(row[0])

    def entries(self, search: str = "", limit: int = 1000, offset: int = 0) -> list[Entry]:
        """Entries whose value or source contains ``search``, newest first."""
        pattern = f"%{search.strip().lower()}%"
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT value, kind, source, added FROM entries WHERE value LIKE ? OR lower(source) LIKE ?"
                " ORDER BY added DESC, value LIMIT ? OFFSET ?",
                (pattern, pattern, limit, offset),
            ).fetchall()
        return [Entry(*row) for row in rows]

    def counts(self) -> dict[tuple[str, str], int]:
        """``(kind, source)`` to how many entries: the dialog's summary line."""
        with self._guard("read"):
            rows = self._db.execute(
                "SELECT kind, source, count(*) FROM entries GROUP BY kind, source"
            ).fetchall()
        return {(k, s): n for k, s, n in rows}

    def __len__(self) -> int:
        with self._guard("read"):
            return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def unpushed(self, provider: str, kinds: Sequence[str], limit: int) -> list[str]:
        """Up to ``limit`` entries of ``kinds`` not yet pushed to ``provider`` (nor pulled from it)."""
        marks = ",".join("?" * len(kinds))
        with self._guard("read"):
            rows = self._db.execute(
                f"SELECT e.value FROM entries e WHERE e.kind IN ({marks}) AND e.source != ?"
                " AND NOT EXISTS (SELECT 1 FROM pushed p WHERE p.provider = ? AND p.value = e.value)"
                " ORDER BY e.value LIMIT ?",
                (*kinds, provider, provider, limit),
            ).fetchall()
        return [r[0] for r in rows]

    def mark_pushed(self, provider: str, values: Sequence[str]) -> None:
        """Remember that the provider accepted these values, so they are never pushed again."""
        with self._tx() as db:
            db.executemany(
                "INSERT OR IGNORE INTO pushed(provider, value) VALUES (?, ?)", [(provider, v) for v in values]
            )
