"""One provider request at the provider's pace, retried by the upload's rules."""

from __future__ import annotations

import asyncio

import pytest

from gui.core.cancel import CancelToken
from gui.core.errors import AuthError, RateLimited, TransientError
from gui.core.paced_calls import ATTEMPTS, PacedCaller
from gui.core.providers.base import RatePolicy, RateWindow

RATE = RatePolicy(windows=(RateWindow(requests=2, seconds=1.0),))


class FakeClock:
    """Time that jumps a second at each reading, so every wait ends at its next check."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


class Script:
    """A request that answers with the next item: an exception to raise or a value to return."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def __call__(self) -> object:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def caller(cancel: CancelToken | None = None) -> PacedCaller:
    return PacedCaller(RATE, cancel=cancel, clock=FakeClock(), backoff_base=0.001)


def test_a_429_is_waited_out_and_sent_again() -> None:
    script = Script(RateLimited("lemlist", "slow down", retry_after=0.01), "ok")
    assert asyncio.run(caller().call(script)) == "ok"
    assert script.calls == 2


def test_transient_failures_are_retried_then_raised() -> None:
    script = Script(*[TransientError("lemlist", "502 bad gateway", 502)] * ATTEMPTS)
    with pytest.raises(TransientError, match="502"):
        asyncio.run(caller().call(script))
    assert script.calls == ATTEMPTS


def test_one_transient_failure_then_success() -> None:
    script = Script(TransientError("lemlist", "timeout"), "ok")
    assert asyncio.run(caller().call(script)) == "ok"


def test_a_refusal_is_never_retried() -> None:
    script = Script(AuthError("lemlist", "bad key", 401), "never")
    with pytest.raises(AuthError):
        asyncio.run(caller().call(script))
    assert script.calls == 1


def test_a_cancel_stops_the_retries() -> None:
    token = CancelToken()
    token.cancel()
    script = Script(TransientError("lemlist", "timeout"), "never")
    with pytest.raises(TransientError):
        asyncio.run(caller(token).call(script))
    assert script.calls == 1
