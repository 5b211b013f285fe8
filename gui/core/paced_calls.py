"""Pure Python: one provider request at the provider's pace, retried by the upload's rules.

Taking a run back and pushing the do-not-contact list both write to a provider outside the
upload engine; they share these rules so all three behave the same way under a 429 or a
5xx: wait for the slot the pacer gives, slow down on a 429 (honouring ``Retry-After``),
back off exponentially on a transient failure, give up after :data:`ATTEMPTS`, and stop
waiting the moment the user cancels.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from gui.core.cancel import CancelToken
from gui.core.errors import RateLimited, TransientError
from gui.core.pacing import Clock, Pacer
from gui.core.providers.base import RatePolicy

#: Attempts for one request answered 5xx or lost on the network before it counts failed.
ATTEMPTS = 5

T = TypeVar("T")


class PacedCaller:
    """Makes requests to one endpoint no faster than its rate policy allows.

    Args:
        rate: The endpoint's limits.
        cancel: Cancel and pause switch; a pause holds before the next request.
        clock: Monotonic seconds (tests pass a fake one).
        backoff_base: First wait after a transient failure; doubles each attempt.
        pacer: The pacer to draw slots from, when the caller shares one (the upload's, so an
            update step after the sends keeps to the same window); default a new one.
    """

    def __init__(
        self,
        rate: RatePolicy,
        *,
        cancel: CancelToken | None = None,
        clock: Clock = time.monotonic,
        backoff_base: float = 1.0,
        pacer: Pacer | None = None,
    ) -> None:
        self.pacer = pacer if pacer is not None else Pacer(rate, clock=clock)
        self.cancel = cancel
        self.clock = clock
        self.backoff_base = backoff_base

    @property
    def cancelled(self) -> bool:
        """True once the user cancelled."""
        return self.cancel is not None and self.cancel.cancelled

    async def gate(self) -> bool:
        """Hold while paused; False when the user cancelled."""
        while self.cancel is not None and self.cancel.paused and not self.cancel.cancelled:
            await asyncio.sleep(0.05)
        return not self.cancelled

    async def wait_until(self, at: float) -> None:
        """Sleep until the clock reads ``at``, in short steps so a fake clock can drive it."""
        while (left := at - self.clock()) > 0:
            await asyncio.sleep(min(left, 0.05))

    async def call(self, request: Callable[[], Awaitable[T]]) -> T:
        """``request()``'s answer, after waiting for a slot and retrying 429s and transient failures.

        Raises:
            TransientError: Still failing after :data:`ATTEMPTS`, or the user cancelled during
                the backoff; the request may or may not have reached the provider.
            FatalProviderError: The provider refused (key, plan, access); never retried.
        """
        attempt = 0
        while True:
            slot = self.pacer.reserve()
            await self.wait_until(slot.at)
            sent = self.clock()
            try:
                answer = await request()
            except RateLimited as exc:
                await self.wait_until(
                    self.clock() + self.pacer.on_rate_limited(exc.retry_after, sent_at=sent)
                )
                continue
            except TransientError:
                attempt += 1
                if attempt >= ATTEMPTS or not await self.gate():
                    raise
                await self.wait_until(self.clock() + self.backoff_base * 2.0 ** (attempt - 1))
                continue
            self.pacer.on_answer(slot, sent, self.clock())
            self.pacer.on_success()
            return answer
