"""The limiter: steady grid, every window at once, holds and drains, AIMD on unannounced 429s."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random

import pytest

from gui.core.pacing import DEFAULT_MARGIN, Pacer, shared_pacer
from gui.core.providers import get_spec
from gui.core.providers.base import RatePolicy, RateWindow


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def max_in_window(times: list[float], seconds: float) -> int:
    """The most sends any rolling window of ``seconds`` saw (half-open, like a server's log)."""
    ordered = sorted(times)
    return max(bisect.bisect_left(ordered, t + seconds) - i for i, t in enumerate(ordered))


def test_lemlist_grid_spaces_requests_a_tenth_of_a_second_apart() -> None:
    clock = FakeClock()
    pacer = Pacer(get_spec("lemlist").rate, clock=clock)
    slots = [pacer.reserve().at for _ in range(5)]
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert slots[0] == clock.now  # the first request goes at once
    assert gaps == pytest.approx([0.1 * (1 + DEFAULT_MARGIN)] * 4)


def test_steady_pace_reaches_the_ceiling_without_breaking_the_rolling_window() -> None:
    clock = FakeClock()
    pacer = Pacer(RatePolicy((RateWindow(20, 2.0),), max_in_flight=4), clock=clock)
    sends = [pacer.reserve().at for _ in range(400)]
    # Arrival jitter of up to +-5 ms (the network) must not put 21 requests into any 2 s window.
    rng = random.Random(7)
    arrivals = [t + rng.uniform(-0.005, 0.005) for t in sends]
    assert max_in_window(arrivals, 2.0) <= 20
    rate = (len(sends) - 1) / (sends[-1] - sends[0])
    assert rate >= 0.97 * 10.0


def test_every_window_of_the_policy_holds_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer(RatePolicy((RateWindow(100, 1.0), RateWindow(600, 60.0)), max_in_flight=2), clock=clock)
    sends = []
    for _ in range(1300):
        slot = pacer.reserve()
        clock.now = max(clock.now, slot.at)
        sends.append(slot.at)
    assert max_in_window(sends, 1.0) <= 100
    assert max_in_window(sends, 60.0) <= 600
    # The minute budget, not the per-second one, sets the long-run pace.
    assert sends[-1] - sends[0] >= 120.0


def test_a_429_holds_every_slot_and_voids_the_ones_handed_out() -> None:
    clock = FakeClock()
    pacer = Pacer(get_spec("lemlist").rate, clock=clock)
    early = [pacer.reserve() for _ in range(3)]
    assert all(pacer.is_valid(s) for s in early)
    waited = pacer.on_rate_limited(retry_after=2.0)
    assert waited == 2.0
    assert not any(pacer.is_valid(s) for s in early)  # drained
    assert pacer.reserve().at >= clock.now + 2.0
    assert pacer.rate_limited == 1


def test_a_429_without_retry_after_still_holds() -> None:
    clock = FakeClock()
    pacer = Pacer(get_spec("lemlist").rate, clock=clock)
    pacer.on_rate_limited(None)
    assert pacer.reserve().at >= clock.now + 2.0


def test_retry_after_on_an_ordinary_answer_is_ignored_while_the_window_has_room() -> None:
    # lemlist sends Retry-After: 2 on every answer; it is no reason to wait.
    clock = FakeClock()
    pacer = Pacer(get_spec("lemlist").rate, clock=clock)
    pacer.reserve()
    pacer.on_success(remaining=7, retry_after=2.0)
    assert pacer.reserve().at < clock.now + 0.25


def test_an_empty_window_at_full_pace_is_normal_but_with_few_of_ours_means_a_shared_key() -> None:
    clock = FakeClock()
    pacer = Pacer(get_spec("lemlist").rate, clock=clock)
    for _ in range(20):  # our own full window: Remaining 0 is what steady pacing looks like
        clock.now = pacer.reserve().at
    pacer.on_success(remaining=0, retry_after=2.0)
    assert pacer.reserve().at <= clock.now + 0.25 and pacer.speed == 1.0
    # Only a few of ours in the window yet none left: another app spends this key.
    other = Pacer(get_spec("lemlist").rate, clock=clock)
    other.reserve()
    other.on_success(remaining=0, retry_after=2.0)
    assert other.reserve().at >= clock.now + 2.0 and other.speed < 1.0


def test_undocumented_limits_halve_on_429_and_recover_slowly() -> None:
    clock = FakeClock()
    policy = RatePolicy((RateWindow(1, 1.0),), documented=False)
    pacer = Pacer(policy, clock=clock)
    base = pacer.spacing
    pacer.on_rate_limited(1.0)
    assert pacer.spacing == pytest.approx(base * 2)
    pacer.on_rate_limited(1.0)
    assert pacer.spacing == pytest.approx(base * 4)
    for _ in range(10):
        pacer.on_success()
    assert 0.25 < pacer.speed < 0.5  # additive: 10 successes win back 0.1
    for _ in range(200):
        pacer.on_success()
    assert pacer.speed == 1.0  # never faster than the policy
    for _ in range(50):
        pacer.on_rate_limited(0.0)
    assert pacer.speed == pytest.approx(1 / 32)  # floor


def test_an_undocumented_limit_is_learned_from_the_successes_before_the_first_429() -> None:
    """Our guess is 5/s, the provider allows 2/s: one 429 sets the pace to 2/s and it stays there."""
    clock = FakeClock()
    pacer = Pacer(RatePolicy((RateWindow(5, 1.0),), documented=False), clock=clock)
    for _ in range(2):
        clock.advance(0.2)
        pacer.on_success()
    clock.advance(0.2)
    pacer.on_rate_limited(1.0)
    assert pacer.speed == pytest.approx(2 / 5)
    assert pacer.spacing == pytest.approx(0.5 * (1 + DEFAULT_MARGIN))
    for _ in range(500):
        clock.advance(0.5)
        pacer.on_success()
    assert pacer.speed == pytest.approx(2 / 5)  # the learned ceiling holds: no climb into the next 429


def test_a_429_at_a_pace_that_was_fine_cuts_instead() -> None:
    """Many successes in the window and still a 429: someone else spends the key, so halve."""
    clock = FakeClock()
    pacer = Pacer(RatePolicy((RateWindow(5, 1.0),), documented=False), clock=clock)
    for _ in range(5):
        clock.advance(0.19)
        pacer.on_success()
    pacer.on_rate_limited(1.0)
    assert pacer.speed == pytest.approx(0.5)


def test_documented_limits_slow_only_a_little_on_a_stray_429() -> None:
    pacer = Pacer(get_spec("lemlist").rate, clock=FakeClock())
    pacer.on_rate_limited(2.0)
    assert pacer.speed == pytest.approx(0.75)
    for _ in range(5):
        pacer.on_success(remaining=10)
    assert pacer.speed == 1.0


def test_wait_sleeps_until_the_slot_and_stops_when_asked() -> None:
    pacer = Pacer(RatePolicy((RateWindow(10, 1.0),)))

    async def go() -> tuple[bool, bool]:
        assert await pacer.wait()
        loop = asyncio.get_running_loop()
        start = loop.time()
        second = await pacer.wait()
        elapsed = loop.time() - start
        assert 0.08 <= elapsed <= 0.3
        pacer.on_rate_limited(30.0)
        stopped = await pacer.wait(lambda: loop.time() - start > 0.3, tick=0.05)
        assert loop.time() - start < 1.0  # a long Retry-After does not block a stop
        return second is not None, stopped is None

    assert asyncio.run(go()) == (True, True)


def test_shared_pacer_is_one_per_key_and_policy() -> None:
    policy = get_spec("lemlist").rate
    a = shared_pacer(("lemlist", "acct-a", "http://x"), policy)
    assert shared_pacer(("lemlist", "acct-a", "http://x"), policy) is a
    assert shared_pacer(("lemlist", "acct-b", "http://x"), policy) is not a
    other = RatePolicy((RateWindow(5, 1.0),))
    assert shared_pacer(("lemlist", "acct-a", "http://x"), other) is not a


def test_a_policy_without_windows_is_refused() -> None:
    with pytest.raises(ValueError, match="window"):
        Pacer(RatePolicy(()))


def test_429s_for_requests_sent_before_a_slowdown_do_not_slow_down_again() -> None:
    clock = FakeClock()
    pacer = Pacer(RatePolicy((RateWindow(10, 1.0),), documented=False), clock=clock)
    sent = [pacer.reserve().at for _ in range(3)]
    clock.advance(0.3)
    pacer.on_rate_limited(0.1, sent_at=sent[0])
    pacer.on_rate_limited(0.1, sent_at=sent[1])
    pacer.on_rate_limited(0.1, sent_at=sent[2])
    assert pacer.speed == 0.5 and pacer.rate_limited == 3
    clock.advance(0.2)
    later = pacer.reserve().at
    clock.now = later + 0.05
    pacer.on_rate_limited(0.1, sent_at=later)  # sent after the slowdown: the pace is still too high
    assert pacer.speed == 0.25


def test_a_request_that_arrived_late_stays_in_the_window_longer() -> None:
    # The first request of a run opens the connection: it took 220 ms where the others take 150 ms,
    # so it probably reached the provider 70 ms after its slot, and the 21st must wait for that.
    clock = FakeClock(0.0)
    pacer = Pacer(RatePolicy((RateWindow(20, 2.0),), max_in_flight=4), clock=clock)
    slots = [pacer.reserve() for _ in range(20)]
    pacer.on_answer(slots[0], sent_at=slots[0].at, answered_at=slots[0].at + 0.22)
    for slot in slots[1:]:
        pacer.on_answer(slot, sent_at=slot.at, answered_at=slot.at + 0.15)
    twenty_first = pacer.reserve().at
    assert twenty_first >= slots[0].at + 0.07 + 2.0
    # A slot that left late (a slow journal write) counts as late as well.
    other = Pacer(RatePolicy((RateWindow(2, 1.0),)), clock=FakeClock(0.0))
    first = other.reserve()
    other.on_answer(first, sent_at=first.at + 0.05, answered_at=first.at + 0.2)
    other.reserve()
    assert other.reserve().at >= first.at + 0.05 + 1.0
