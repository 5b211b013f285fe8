"""Pure Python: the proactive rate limiter of the upload engine, one per provider key.

A burst-sized token bucket fills the provider's window in one go and then collides with
its rolling window: against lemlist (20 requests per rolling 2 s) it earns 24+ 429s per
200 leads (DESIGN §6). Steady pacing, a capacity-1 bucket that spaces requests
``window.seconds / window.requests`` apart, reaches 9.9/s with zero 429s when a few
requests are in flight. So the limiter hands out *slots* on a steady grid, checks every
window of the policy with a sliding log, and adapts to what the provider says:

- ``Retry-After`` on a 429 (or on any answer whose ``X-RateLimit-Remaining`` is 0) holds
  every slot until then and voids the slots already handed out (a "drain"), so requests
  queued behind the 429 do not walk into it too;
- an unannounced 429 slows the grid down multiplicatively and successes bring it back
  additively (AIMD), gently for documented limits and strongly for undocumented ones
  (Aktify, SendPilot), where the policy's numbers are only a polite guess.

The limiter's state is plain arithmetic behind a lock, with no asyncio object inside, so
one instance can serve several runs (event loops) of the same key in one process:
:func:`shared_pacer` keeps them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from gui.core.providers.base import RatePolicy

Clock = Callable[[], float]

#: Steady spacing is stretched by this much so that jitter between our send time and the
#: provider's arrival time cannot put one request too many into its rolling window: 2.5 % of
#: lemlist's 2 s is 50 ms of tolerance. One 429 costs a ``Retry-After`` of at least a second
#: (3 % of a 400-lead run), so the margin pays for itself on a busy machine or network.
DEFAULT_MARGIN = 0.025

#: Wait after a 429 that named no Retry-After (seconds); lemlist's documented value.
DEFAULT_429_WAIT = 2.0


class _Sent:
    """One request in the sliding log: when its slot was, and how late it probably arrived.

    The provider counts *arrivals*. A request that took longer than the fastest one seen
    (a fresh TCP connection, a slow write to the journal before it left) may have arrived up
    to that much later, and so stays in the provider's window that much longer.
    """

    __slots__ = ("at", "delay", "rtt")

    def __init__(self, at: float) -> None:
        self.at = at
        self.delay = 0.0
        self.rtt: float | None = None

    def arrival(self, best_rtt: float) -> float:
        if self.rtt is None:
            return self.at
        return self.at + self.delay + max(0.0, self.rtt - best_rtt)


@dataclass(frozen=True)
class Slot:
    """A permit to send at ``at`` (clock seconds), valid while the limiter's ``epoch`` is unchanged."""

    at: float
    epoch: int
    entry: _Sent | None = None


@dataclass(frozen=True)
class AdaptRule:
    """How strongly the limiter reacts to 429s it did not foresee.

    Attributes:
        decrease: The speed factor is multiplied by this on each 429.
        increase: Added to the speed factor on each success, up to 1.
        floor: The slowest the limiter goes, as a share of the policy's speed.
    """

    decrease: float
    increase: float
    floor: float


#: A documented limit was only broken because someone else shares the key: slow a little.
DOCUMENTED = AdaptRule(decrease=0.75, increase=0.05, floor=0.25)
#: An undocumented limit is a guess: halve on each 429 and win speed back slowly.
UNDOCUMENTED = AdaptRule(decrease=0.5, increase=0.01, floor=1 / 32)


class Pacer:
    """Steady-grid limiter honouring every window of a :class:`RatePolicy` at once.

    Args:
        policy: The provider's windows; the tightest one sets the grid.
        clock: Monotonic seconds; tests pass a fake one.
        margin: Share by which the grid spacing is stretched (see :data:`DEFAULT_MARGIN`).
    """

    def __init__(self, policy: RatePolicy, *, clock: Clock = time.monotonic, margin: float = DEFAULT_MARGIN):
        if not policy.windows:
            raise ValueError("A rate policy needs at least one window.")
        self.policy = policy
        self._clock = clock
        self._lock = threading.Lock()
        self._spacing = max(w.seconds / w.requests for w in policy.windows) * (1.0 + margin)
        self._logs: list[deque[_Sent]] = [deque(maxlen=w.requests) for w in policy.windows]
        self._best_rtt = float("inf")
        self._next_at = float("-inf")
        self._hold_until = float("-inf")
        self._epoch = 0
        self._speed = 1.0
        self._slowed_at = float("-inf")
        self._rule = DOCUMENTED if policy.documented else UNDOCUMENTED
        self._ceiling = 1.0
        self._answered: deque[float] = deque(maxlen=max(w.requests for w in policy.windows) * 4)
        self.rate_limited = 0

    @property
    def spacing(self) -> float:
        """Seconds between two slots at the current speed."""
        return self._spacing / self._speed

    @property
    def speed(self) -> float:
        """The adaptive factor in (0, 1]: 1 is the policy's full pace."""
        return self._speed

    @property
    def epoch(self) -> int:
        """Bumped by every drain; a slot from an older epoch must be asked for again."""
        return self._epoch

    def hold_until(self) -> float:
        """Clock time before which no slot is given (``-inf`` when not holding)."""
        return self._hold_until

    def reserve(self) -> Slot:
        """Take the earliest slot that keeps the grid, the hold and every window.

        The slot is recorded as used at once, so concurrent callers get distinct slots; a
        slot that ends up unused only makes the limiter slightly more careful.
        """
        with self._lock:
            now = self._clock()
            at = max(now, self._next_at, self._hold_until)
            for window, log in zip(self.policy.windows, self._logs, strict=True):
                if len(log) == window.requests:
                    # The oldest of the last ``requests`` sends must leave the window first.
                    oldest = log[0].arrival(self._best_rtt)
                    at = max(at, oldest + window.seconds * (1.0 + DEFAULT_MARGIN / 2))
            entry = _Sent(at)
            for log in self._logs:
                log.append(entry)
            self._next_at = at + self.spacing
            return Slot(at, self._epoch, entry)

    def on_answer(self, slot: Slot, sent_at: float, answered_at: float) -> None:
        """Learn how late a request left its slot and how long its round trip took."""
        if slot.entry is None:
            return
        with self._lock:
            rtt = max(0.0, answered_at - sent_at)
            slot.entry.delay = max(0.0, sent_at - slot.at)
            slot.entry.rtt = rtt
            self._best_rtt = min(self._best_rtt, rtt)

    def is_valid(self, slot: Slot) -> bool:
        """False when a drain happened after the slot was given."""
        return slot.epoch == self._epoch

    def on_success(self, remaining: int | None = None, retry_after: float | None = None) -> None:
        """An answer that was not a 429: recover speed, and notice someone else using the key.

        At full pace the provider's window is always nearly full, so ``X-RateLimit-Remaining:
        0`` is the normal steady state and the grid already waits for the oldest request to
        leave the window. It only means trouble when *our* requests in the window are well
        under the limit: then another app spends the same key, and we hold and slow down
        before the 429s start. lemlist sends ``Retry-After`` on every answer (DESIGN §4), so
        it is only a wait when no ``X-RateLimit-Remaining`` comes with it.
        """
        with self._lock:
            self._speed = min(self._ceiling, self._speed + self._rule.increase)
            now = self._clock()
            self._answered.append(now)
            if remaining is not None and remaining <= 0:
                window, log = self.policy.windows[0], self._logs[0]
                ours = sum(1 for e in log if now - window.seconds < e.at <= now)
                if ours < window.requests * 0.75:
                    self._speed = max(self._rule.floor, self._speed * self._rule.decrease)
                    self._slowed_at = now
                    self._hold(now + (retry_after if retry_after is not None else self._spacing))
            elif remaining is None and retry_after:
                self._hold(now + retry_after)

    def on_rate_limited(self, retry_after: float | None = None, *, sent_at: float | None = None) -> float:
        """A 429: hold everyone, void the slots given out, slow down; return the hold in seconds.

        Requests already on their way when we slowed down are answered 429 too; like TCP's
        congestion control, those (``sent_at`` before the last slowdown) hold but do not
        slow down again, or one burst would cut the pace to the floor.
        """
        with self._lock:
            self.rate_limited += 1
            if sent_at is None or sent_at >= self._slowed_at:
                self._speed = max(self._rule.floor, self._learned_speed())
                self._slowed_at = self._clock()
            wait = retry_after if retry_after is not None else max(DEFAULT_429_WAIT, self.spacing)
            self._hold(self._clock() + wait)
            return wait

    def _learned_speed(self) -> float:
        """The speed after an unforeseen 429.

        For a documented limit, a gentle multiplicative cut. For an undocumented one the
        answers say more than a blind halving: the requests that succeeded in the last
        window before the 429 are what the provider allows per window, so the grid goes
        straight to that pace and stays under it (the ceiling) instead of climbing back
        into the next 429. Halving is the fallback when no success is in the window.
        """
        cut = self._speed * self._rule.decrease
        if self.policy.documented:
            return cut
        window = min(self.policy.windows, key=lambda w: w.requests / w.seconds)
        now = self._clock()
        succeeded = sum(1 for at in self._answered if now - at <= window.seconds)
        learned = succeeded / window.requests
        if not succeeded or learned >= self._speed:  # no evidence, or someone else spends the key
            return cut
        self._ceiling = max(self._rule.floor, learned)
        return learned

    def _hold(self, until: float) -> None:
        self._hold_until = max(self._hold_until, until)
        # Slots handed out but not yet used are void: their holders ask again after the hold.
        self._next_at = max(self._next_at, self._hold_until)
        self._epoch += 1

    async def wait(self, should_stop: Callable[[], bool] | None = None, *, tick: float = 0.1) -> Slot | None:
        """Sleep until a valid slot is due and return it; None when ``should_stop`` turned true.

        Sleeps in ``tick`` slices so a cancel or pause is seen within a tick even during a
        long ``Retry-After``. Pass the slot to :meth:`on_answer` once the answer is in.
        """
        while True:
            slot = self.reserve()
            while True:
                if should_stop is not None and should_stop():
                    return None
                if not self.is_valid(slot):
                    break
                left = slot.at - self._clock()
                if left <= 0:
                    return slot
                await asyncio.sleep(min(left, tick))


_shared: dict[tuple[str, ...], Pacer] = {}
_shared_lock = threading.Lock()


def shared_pacer(key: tuple[str, ...], policy: RatePolicy, *, clock: Clock = time.monotonic) -> Pacer:
    """The one limiter of a provider key in this process (a new one if the policy changed).

    Two runs of the same key one after the other (or at once, from two windows) then share
    the provider's window instead of each believing it has it all.
    """
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None or pacer.policy != policy or pacer._clock is not clock:
            pacer = Pacer(policy, clock=clock)
            _shared[key] = pacer
        return pacer
