"""What the sandbox holds and what it was asked: the store the providers write to, readable by tests.

Every provider keeps its leads here, keyed by (provider, container): a lemlist/Instantly/SendPilot campaign
id, an Instantly list id, or an Aktify key label (the Aktify key *is* the campaign). Readers on other
threads (a test reading while the server thread writes) go through the same lock.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import Counter
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

    # -- reads ----------------------------------------------------------------------------------------
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
