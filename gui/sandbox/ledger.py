"""What the sandbox holds and what it was asked: the store the providers write to, readable by tests.

Every provider keeps its leads here, keyed by (provider, container): a lemlist/Instantly/SendPilot campaign
id, an Instantly list id, or an Aktify key label (the Aktify key *is* the campaign). Readers on other
threads (a test reading while the server thread writes) go through the same lock.
"""

from __future__ import annotations

import bisect
import copy
import dataclasses
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LedgerLead:
    """One stored lead.

    Attributes:
        provider: Provider id.
        container: Campaign id, list id, or Aktify key label.
        id: The id the provider answered with.
        key: The duplicate key (lower-cased email, normalised LinkedIn URL, phone digits) or None.
        payload: The lead exactly as received (a deep copy).
        created_at: Epoch seconds.
        state: Provider state (lemlist ``scanned`` etc.).
        seeded: True for leads the sandbox started with.
    """

    provider: str
    container: str
    id: str
    key: str | None
    payload: dict[str, Any]
    created_at: float
    state: str = "scanned"
    seeded: bool = False


@dataclass(frozen=True)
class DncEntry:
    """One value on a provider's do-not-contact list (lemlist unsubscribes, Instantly block list).

    Attributes:
        id: The provider's id for the entry.
        value: As stored: a lower-cased email or domain (lemlist also phones and LinkedIn URLs).
        source: lemlist's ``source`` (api, bounced, lead, user, abuse); ``api`` for Instantly.
        created_at: Epoch seconds.
    """

    id: str
    value: str
    source: str
    created_at: float


@dataclass
class _Box:
    leads: list[LedgerLead] = field(default_factory=list)
    by_key: dict[str, LedgerLead] = field(default_factory=dict)


class Ledger:
    """Thread-safe store and counters; every read returns a copy."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._boxes: dict[tuple[str, str], _Box] = {}
        self._requests: Counter[str] = Counter()
        self._throttled: Counter[str] = Counter()
        self._faults: Counter[tuple[str, str]] = Counter()
        self._attempts: Counter[tuple[str, str, str]] = Counter()
        self._removed: list[LedgerLead] = []
        self._patches: list[tuple[str, str, dict[str, Any]]] = []
        self._dnc: dict[str, dict[str, DncEntry]] = {}
        self._dnc_order: dict[str, list[DncEntry]] = {}

    # -- writes (server side) -------------------------------------------------------------------------
    def count_request(self, provider: str) -> None:
        with self._lock:
            self._requests[provider] += 1

    def count_throttled(self, provider: str) -> None:
        with self._lock:
            self._throttled[provider] += 1

    def count_fault(self, provider: str, fault: str) -> None:
        with self._lock:
            self._faults[(provider, fault)] += 1

    def count_attempt(self, provider: str, container: str, key: str) -> None:
        with self._lock:
            self._attempts[(provider, container, key)] += 1

    def add(
        self,
        provider: str,
        container: str,
        lead_id: str,
        key: str | None,
        payload: dict[str, Any],
        *,
        state: str = "scanned",
        seeded: bool = False,
        created_at: float | None = None,
    ) -> LedgerLead | None:
        """Store a lead unless its key is already in the container (then None, nothing stored)."""
        with self._lock:
            box = self._boxes.setdefault((provider, container), _Box())
            if key is not None and key in box.by_key:
                return None
            lead = LedgerLead(
                provider=provider,
                container=container,
                id=lead_id,
                key=key,
                payload=copy.deepcopy(payload),
                created_at=time.time() if created_at is None else created_at,
                state=state,
                seeded=seeded,
            )
            box.leads.append(lead)
            if key is not None:
                box.by_key[key] = lead
            return lead

    def remove(self, provider: str, container: str, lead_id: str) -> LedgerLead | None:
        """Delete a lead by its provider id (None: not there); kept in ``removed()`` for tests."""
        with self._lock:
            box = self._boxes.get((provider, container))
            lead = next((item for item in box.leads if item.id == lead_id), None) if box else None
            if box is None or lead is None:
                return None
            box.leads.remove(lead)
            if lead.key is not None:
                box.by_key.pop(lead.key, None)
            self._removed.append(lead)
            return lead

    def set_state(self, provider: str, container: str, lead_id: str, state: str) -> LedgerLead | None:
        """Change a lead's provider state in place (lemlist's unsubscribe); None when it is not there."""
        return self._replace(
            provider, container, lead_id, lambda lead: dataclasses.replace(lead, state=state)
        )

    def patch(
        self, provider: str, container: str, lead_id: str, changes: dict[str, Any]
    ) -> LedgerLead | None:
        """Merge ``changes`` into a stored lead's payload (an update route); None when it is not there.

        A nested object (Instantly's ``custom_variables``) is merged key by key. Each accepted
        change is kept in ``patches()`` so tests can see exactly what was changed.
        """

        def merged(lead: LedgerLead) -> LedgerLead:
            payload = copy.deepcopy(lead.payload)
            for name, value in changes.items():
                if isinstance(value, dict) and isinstance(payload.get(name), dict):
                    payload[name] = {**payload[name], **value}
                else:
                    payload[name] = value
            return dataclasses.replace(lead, payload=payload)

        with self._lock:
            changed = self._replace(provider, container, lead_id, merged)
            if changed is not None:
                self._patches.append((provider, lead_id, copy.deepcopy(changes)))
            return changed

    def _replace(
        self, provider: str, container: str, lead_id: str, change: Callable[[LedgerLead], LedgerLead]
    ) -> LedgerLead | None:
        """Put ``change(lead)`` in the stored lead's place; None when it is not there."""
        with self._lock:
            box = self._boxes.get((provider, container))
            if box is None:
                return None
            for i, lead in enumerate(box.leads):
                if lead.id == lead_id:
                    changed = change(lead)
                    box.leads[i] = changed
                    if lead.key is not None:
                        box.by_key[lead.key] = changed
                    return changed
            return None

    def patches(self, provider: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """``(lead id, changes)`` of every accepted update, oldest first."""
        with self._lock:
            return [(lid, copy.deepcopy(c)) for p, lid, c in self._patches if provider in (None, p)]

    def dnc_add(self, provider: str, entry: DncEntry) -> bool:
        """Put a value on the provider's do-not-contact list; False when it is there already."""
        with self._lock:
            entries = self._dnc.setdefault(provider, {})
            if entry.value in entries:
                return False
            entries[entry.value] = entry
            self._dnc_order.setdefault(provider, []).append(entry)
            return True

    # -- reads ----------------------------------------------------------------------------------------
    def dnc(self, provider: str) -> list[DncEntry]:
        """The provider's do-not-contact list, oldest first."""
        with self._lock:
            return list(self._dnc_order.get(provider, []))

    def dnc_count(self, provider: str) -> int:
        with self._lock:
            return len(self._dnc.get(provider, {}))

    def dnc_page(self, provider: str, limit: int, *, offset: int = 0, after_id: str = "") -> list[DncEntry]:
        """``limit`` entries in creation order from ``offset``, or after the entry ``after_id``.

        A listing page must not copy the whole list: a 200,000-entry pull is 2,000 pages, and
        the benchmark measures the client's pace, not the emulator's. Ids sort in creation
        order (``seed.instantly_block_entry_id``), so ``after_id`` is found by bisection.
        """
        with self._lock:
            order = self._dnc_order.get(provider, [])
            if after_id:
                offset = bisect.bisect_right(order, after_id, key=lambda entry: entry.id)
            return order[offset : offset + limit]

    def on_dnc(self, provider: str, value: str) -> bool:
        with self._lock:
            return value in self._dnc.get(provider, {})

    def by_id(self, provider: str, container: str, lead_id: str) -> LedgerLead | None:
        with self._lock:
            box = self._boxes.get((provider, container))
            return next((lead for lead in box.leads if lead.id == lead_id), None) if box else None

    def removed(self, provider: str | None = None) -> list[LedgerLead]:
        """Leads deleted through the API, oldest first (what a take-back removed)."""
        with self._lock:
            return [lead for lead in self._removed if provider in (None, lead.provider)]

    def in_state(self, provider: str, container: str, state: str) -> list[LedgerLead]:
        """Leads of a container in one state (``unsubscribed`` after a lemlist delete without ``action``)."""
        return [lead for lead in self.leads(provider, container) if lead.state == state]

    def has(self, provider: str, container: str, key: str) -> bool:
        with self._lock:
            box = self._boxes.get((provider, container))
            return box is not None and key in box.by_key

    def find(self, provider: str, container: str, key: str) -> LedgerLead | None:
        with self._lock:
            box = self._boxes.get((provider, container))
            return box.by_key.get(key) if box else None

    def containers_with(self, provider: str, key: str) -> list[str]:
        """Containers of ``provider`` that hold ``key`` (lemlist ``deduplicate``, Instantly ``skip_if_*``)."""
        with self._lock:
            return [c for (p, c), box in self._boxes.items() if p == provider and key in box.by_key]

    def leads(self, provider: str, container: str, *, include_seeded: bool = True) -> list[LedgerLead]:
        """Leads in a container, oldest first."""
        with self._lock:
            box = self._boxes.get((provider, container))
            items = list(box.leads) if box else []
        return [lead for lead in items if include_seeded or not lead.seeded]

    def payloads(
        self, provider: str, container: str, *, include_seeded: bool = False
    ) -> list[dict[str, Any]]:
        """The exact received payloads (copies), oldest first; seeded leads left out by default."""
        return [
            copy.deepcopy(lead.payload)
            for lead in self.leads(provider, container, include_seeded=include_seeded)
        ]

    def count(self, provider: str, container: str, *, include_seeded: bool = False) -> int:
        return len(self.leads(provider, container, include_seeded=include_seeded))

    def created(self, provider: str | None = None) -> int:
        """Leads created through the API (not seeded), for one provider or all."""
        with self._lock:
            return sum(
                1
                for (p, _), box in self._boxes.items()
                if provider in (None, p)
                for lead in box.leads
                if not lead.seeded
            )

    def containers(self, provider: str) -> list[str]:
        with self._lock:
            return [c for (p, c) in self._boxes if p == provider]

    def attempts(self, provider: str, container: str, key: str) -> int:
        """How many create requests carried this lead key for this container (retries included)."""
        with self._lock:
            return self._attempts[(provider, container, key)]

    def attempts_by_key(self, provider: str) -> dict[tuple[str, str], int]:
        """``{(container, key): attempts}`` for one provider."""
        with self._lock:
            return {(c, k): n for (p, c, k), n in self._attempts.items() if p == provider}

    def requests(self, provider: str | None = None) -> int:
        """Requests received (all answers, 429s included)."""
        with self._lock:
            return sum(self._requests.values()) if provider is None else self._requests[provider]

    def throttled(self, provider: str | None = None) -> int:
        """Requests answered 429."""
        with self._lock:
            return sum(self._throttled.values()) if provider is None else self._throttled[provider]

    def faults(self, provider: str | None = None) -> dict[str, int]:
        """Injected faults by kind."""
        out: Counter[str] = Counter()
        with self._lock:
            for (p, kind), n in self._faults.items():
                if provider in (None, p):
                    out[kind] += n
        return dict(out)

    def snapshot(self) -> dict[str, Any]:
        """A JSON-able summary (used by the benchmark's printout and for debugging)."""
        with self._lock:
            providers = sorted({p for p, _ in self._boxes} | set(self._requests))
            return {
                p: {
                    "requests": self._requests[p],
                    "throttled": self._throttled[p],
                    "created": self.created(p),
                    "faults": self.faults(p),
                }
                for p in providers
            }
