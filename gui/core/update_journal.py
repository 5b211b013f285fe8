"""Pure Python: what the journal knows for updating leads that are already there.

Two tables of :mod:`gui.core.journal` serve the update step (:mod:`gui.core.update`):
``sent`` keeps the values each created, updated or duplicate row was sent (``applied`` is 1
when the provider holds them: it created or updated the lead; 0 for a duplicate answer,
which left the provider's own values in place), and ``updates`` keeps each update request's
fate. An update is committed ``sending`` before it leaves and ``done`` with its outcome once
answered; one left ``sending`` by a crash is not trusted to have landed or not: the next run
asks the provider what it holds instead, so it never sends the same change twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from gui.core.domain import Lead, RowOutcome
from gui.core.journal import Journal
from gui.core.journal_file import key_chunks, now_iso
from gui.core.providers.base import Existing

SENDING = "sending"
DONE = "done"


def lead_json(fields: Mapping[str, str], custom: Mapping[str, str]) -> str:
    """The ``sent.lead`` text of a lead's values."""
    return json.dumps({"fields": dict(fields), "custom": dict(custom)}, ensure_ascii=False, sort_keys=True)


def sent_rows(
    outcomes: Sequence[RowOutcome], keys: Sequence[str], leads: Mapping[int, Lead], applied: frozenset[str]
) -> list[tuple[int, str, bool, str]]:
    """``Journal.record``'s ``sent`` for the outcomes of an upload request.

    Args:
        outcomes: The request's outcomes.
        keys: Their identity keys, aligned.
        leads: The job's leads by row.
        applied: Status values whose values the provider holds now (``uploaded``); rows with
            ``duplicate`` are kept too, as not applied.
    """
    rows: list[tuple[int, str, bool, str]] = []
    for outcome, key in zip(outcomes, keys, strict=True):
        lead = leads.get(outcome.row)
        if lead is None or not key:
            continue
        if outcome.status.value in applied:
            rows.append((outcome.row, key, True, lead_json(lead.fields, lead.custom)))
        elif outcome.status.value == "duplicate":
            rows.append((outcome.row, key, False, lead_json(lead.fields, lead.custom)))
    return rows


def _by_keys(journal: Journal, select: str, params: Sequence[object], keys: Sequence[str]) -> list[Any]:
    """The rows of ``select`` (whose ``{marks}`` stand for the keys) for every chunk of ``keys``."""
    found: list[Any] = []
    with journal._guard("read"):
        for chunk, marks in key_chunks(keys):
            found += journal._db.execute(select.format(marks=marks), (*params, *chunk)).fetchall()
    return found


def bases(journal: Journal, provider: str, destination: str, keys: Sequence[str]) -> dict[str, Existing]:
    """Key -> the values the newest run that created or updated it sent there (leads taken back excluded)."""
    select = (
        "SELECT s.key, s.lead, r.provider_id FROM sent s JOIN runs u ON u.id = s.run_id"
        " JOIN rows r ON r.run_id = s.run_id AND r.row = s.row"
        " WHERE u.provider=? AND u.destination=? AND s.applied=1"
        " AND NOT EXISTS (SELECT 1 FROM removals m WHERE m.run_id = s.run_id AND m.row = s.row"
        " AND m.outcome IN ('removed', 'already_gone'))"
        " AND s.key IN ({marks}) ORDER BY s.run_id, r.updated_at"
    )
    found: dict[str, Existing] = {}
    for key, lead, provider_id in _by_keys(journal, select, (provider, destination), keys):
        values = json.loads(lead)
        earlier = found.get(str(key))
        found[str(key)] = Existing(
            str(provider_id) or (earlier.provider_id if earlier else ""),
            dict(values.get("fields") or {}),
            dict(values.get("custom") or {}),
        )
    return found


def unanswered(journal: Journal, provider: str, destination: str, keys: Sequence[str]) -> dict[str, str]:
    """Key -> the fields of an update to this destination that left without a recorded answer."""
    select = (
        "SELECT p.key, p.names FROM updates p JOIN runs u ON u.id = p.run_id"
        " WHERE u.provider=? AND u.destination=? AND p.state=? AND p.key IN ({marks})"
    )
    return {str(k): str(n) for k, n in _by_keys(journal, select, (provider, destination, SENDING), keys)}


def mark_updating(journal: Journal, run_id: int, row: int, key: str, *, provider_id: str, names: str) -> None:
    """Commit, before the request leaves, that this row's lead is being changed."""
    with journal._tx() as db:
        db.execute(
            "INSERT INTO updates (run_id, row, key, provider_id, state, names, updated_at)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT (run_id, row) DO UPDATE SET state=excluded.state,"
            " provider_id=excluded.provider_id, names=excluded.names, updated_at=excluded.updated_at",
            (run_id, row, key, provider_id, SENDING, names, now_iso()),
        )


def record_update(
    journal: Journal, run_id: int, outcome: RowOutcome, key: str, values: str | None, *, settled: bool = True
) -> None:
    """Commit an update's outcome; ``values`` (the lead's values now) when the provider took some.

    When ``settled``, every update of this key to this destination left ``sending`` is closed
    too: the answer (or the provider's values, read back) now says what the lead holds. A
    failed lookup or update settles nothing, so those stay open for the next run to check.
    """
    with journal._tx() as db:
        db.execute(
            "INSERT INTO rows (run_id, row, key, status, reason, provider_id, retryable, updated_at)"
            " VALUES (?,?,?,?,?,?,0,?) ON CONFLICT (run_id, row) DO UPDATE SET status=excluded.status,"
            " reason=excluded.reason, provider_id=excluded.provider_id, retryable=0, key=excluded.key,"
            " updated_at=excluded.updated_at",
            (run_id, outcome.row, key, outcome.status.value, outcome.reason, outcome.provider_id, now_iso()),
        )
        if values is not None:
            db.execute(
                "INSERT INTO sent (run_id, row, key, applied, lead) VALUES (?,?,?,1,?)"
                " ON CONFLICT (run_id, row) DO UPDATE SET applied=1, lead=excluded.lead, key=excluded.key",
                (run_id, outcome.row, key, values),
            )
        if not settled:
            return
        db.execute(
            "UPDATE updates SET state=?, updated_at=? WHERE key=? AND state=? AND run_id IN"
            " (SELECT id FROM runs WHERE provider=(SELECT provider FROM runs WHERE id=?)"
            " AND destination=(SELECT destination FROM runs WHERE id=?))",
            (DONE, now_iso(), key, SENDING, run_id, run_id),
        )
