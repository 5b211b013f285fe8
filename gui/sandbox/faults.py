"""Seeded fault injection: the failures a real provider shows, on demand and reproducibly."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Fault(StrEnum):
    """What goes wrong with one request.

    ``ERROR_AFTER_COMMIT`` and ``DROP_AFTER_COMMIT`` are the ambiguous cases: the leads were stored but the
    client cannot know it, exactly like a timeout after the provider processed the call.
    """

    SLOW = "slow"
    ERROR_BEFORE_COMMIT = "error_before_commit"
    ERROR_AFTER_COMMIT = "error_after_commit"
    DROP_BEFORE_COMMIT = "drop_before_commit"
    DROP_AFTER_COMMIT = "drop_after_commit"


_ORDER = (
    Fault.ERROR_BEFORE_COMMIT,
    Fault.ERROR_AFTER_COMMIT,
    Fault.DROP_BEFORE_COMMIT,
    Fault.DROP_AFTER_COMMIT,
    Fault.SLOW,
)


@dataclass(frozen=True)
class FaultConfig:
    """Probabilities per request of each fault; they apply to writes unless ``reads`` is set.

    Attributes:
        error_before_commit: 500 and nothing stored.
        error_after_commit: Stored, then 500.
        drop_before_commit: Connection closed without an answer, nothing stored.
        drop_after_commit: Stored, then the connection is closed without an answer.
        slow: The answer comes ``slow_ms`` late (on top of the sandbox latency).
        slow_ms: How late a slow answer is.
        reads: Also inject errors, drops and slowness into reads (key checks, listings).
        providers: Limit faults to these provider ids (None: all).
        script: Faults for the next requests in order (None = no fault for that one), used before the
            random draw; makes a retry test deterministic.
    """

    error_before_commit: float = 0.0
    error_after_commit: float = 0.0
    drop_before_commit: float = 0.0
    drop_after_commit: float = 0.0
    slow: float = 0.0
    slow_ms: float = 1500.0
    reads: bool = False
    providers: frozenset[str] | None = None
    script: tuple[Fault | None, ...] = field(default_factory=tuple)

    @classmethod
    def spread(cls, rate: float, **overrides: object) -> FaultConfig:
        """Spread a total ``rate`` evenly over the five write faults (what ``--fault-rate`` means)."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, got {rate}")
        share = rate / len(_ORDER)
        values: dict[str, object] = {f.value: share for f in _ORDER}
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def probability(self, fault: Fault) -> float:
        return float(getattr(self, fault.value))


class FaultPlan:
    """Draws faults from a seeded RNG so a failing run can be replayed with the same ``--seed``."""

    def __init__(self, config: FaultConfig | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.config = config or FaultConfig()
        self._script: deque[Fault | None] = deque(self.config.script)

    def configure(self, config: FaultConfig) -> None:
        """Swap the fault settings while the sandbox runs (the RNG keeps its sequence)."""
        with self._lock:
            self.config = config
            self._script = deque(config.script)

    def push(self, faults: Iterable[Fault | None]) -> None:
        """Queue faults for the next matching requests, ahead of the random draw."""
        with self._lock:
            self._script.extend(faults)

    def draw(self, provider: str, *, write: bool) -> Fault | None:
        """The fault for one request of ``provider`` (None: answer normally)."""
        with self._lock:
            config = self.config
            if config.providers is not None and provider not in config.providers:
                return None
            if not write and not config.reads:
                return None
            if self._script:
                return self._script.popleft()
            roll = self._rng.random()
            for fault in _ORDER:
                p = config.probability(fault)
                if roll < p:
                    return fault
                roll -= p
            return None
