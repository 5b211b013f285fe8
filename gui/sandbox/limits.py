"""Rolling-window rate limits, one limiter per provider, one bucket per key or workspace."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Window:
    """At most ``requests`` accepted requests in any rolling ``seconds`` span."""

    requests: int
    seconds: float


@dataclass(frozen=True)
class Decision:
    """The limiter's answer for one request.

    Attributes:
        allowed: False means the caller must answer 429.
        limit: Requests allowed in the first (primary) window, for ``X-RateLimit-Limit``.
        remaining: Requests still allowed in the tightest window after this one.
        retry_after: Seconds until a slot frees up (0 when one is free now).
        reset_at: Wall-clock epoch seconds when the primary window is empty again.
    """

    allowed: bool
    limit: int
    remaining: int
    retry_after: float
    reset_at: float


# lemlist and Instantly numbers are documented (providers.md §1.5, §2.5); Aktify and SendPilot publish none,
# so these are "a few per second" choices the tests and the benchmark can override.
DEFAULT_LIMITS: dict[str, tuple[Window, ...]] = {
    "lemlist": (Window(20, 2.0),),
    "instantly": (Window(100, 1.0), Window(6000, 60.0)),
    "aktify": (Window(5, 1.0),),
    "sendpilot": (Window(2, 1.0),),
}


#: The providers the limits name, in menu order.
PROVIDERS = tuple(DEFAULT_LIMITS)


class RollingLimiter:
    """Counts accepted requests per bucket in every window; rejected ones do not use up the window.

    Rejected requests are not recorded so a client that waits ``Retry-After`` gets through, which is
    what a rolling window of accepted calls does.
    """

    def __init__(self, windows: Sequence[Window], clock: Callable[[], float] = time.monotonic) -> None:
        if not windows:
            raise ValueError("a limiter needs at least one window")
        self.windows = tuple(windows)
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, list[deque[float]]] = {}

    def hit(self, bucket: str) -> Decision:
        """Record one request for ``bucket`` if a slot is free, and say what to answer."""
        with self._lock:
            now = self._clock()
            queues = self._hits.setdefault(bucket, [deque() for _ in self.windows])
            waits: list[float] = []
            for window, queue in zip(self.windows, queues, strict=True):
                while queue and queue[0] <= now - window.seconds:
                    queue.popleft()
                if len(queue) >= window.requests:
                    waits.append(queue[0] + window.seconds - now)
            allowed = not waits
            if allowed:
                for queue in queues:
                    queue.append(now)
            remaining = min(w.requests - len(q) for w, q in zip(self.windows, queues, strict=True))
            primary, first = self.windows[0], queues[0]
            until_reset = (first[-1] + primary.seconds - now) if first else 0.0
            return Decision(
                allowed=allowed,
                limit=primary.requests,
                remaining=max(0, remaining),
                retry_after=max(waits) if waits else 0.0,
                reset_at=time.time() + max(0.0, until_reset),
            )


LimitSpec = Window | tuple[int, float] | Sequence[Window | tuple[int, float]] | None


def _windows(spec: LimitSpec) -> tuple[Window, ...] | None:
    if spec is None:
        return None
    if isinstance(spec, Window):
        return (spec,)
    items: list[Any] = list(spec)
    if len(items) == 2 and all(isinstance(v, int | float) for v in items):
        return (Window(int(items[0]), float(items[1])),)
    out: list[Window] = []
    for item in items:
        if isinstance(item, Window):
            out.append(item)
        else:
            requests, seconds = item
            out.append(Window(int(requests), float(seconds)))
    return tuple(out)


def build_limiters(limits: Mapping[str, LimitSpec] | None) -> dict[str, RollingLimiter | None]:
    """One limiter per provider from the defaults, with ``limits`` overriding by provider id.

    A value may be a ``Window``, an ``(requests, seconds)`` pair, a list of those (all must hold), or
    None to switch that provider's limit off.
    """
    merged: dict[str, tuple[Window, ...] | None] = dict(DEFAULT_LIMITS)
    for provider, spec in (limits or {}).items():
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider in limits: {provider!r} (expected one of {PROVIDERS})")
        merged[provider] = _windows(spec)
    return {p: (RollingLimiter(w) if w else None) for p, w in merged.items()}
