"""Pure Python: when an upload may send: the user's pause and cancel, a storage pause, a fatal answer.

Every worker of the engine (:mod:`gui.core.upload_engine`) asks the same questions between
requests: hold (paused), stop (cancelled, or a fatal answer such as a refused key), or go on;
and it waits the same way, in short ticks that end early when the run stops, with backoff
that is jittered so retries do not march in step. :class:`RunControl` answers them.
"""

from __future__ import annotations

import asyncio
import random

from gui.core.cancel import CancelToken
from gui.core.pacing import Clock
from gui.core.upload_job import Tuning
from gui.core.upload_storage import StoragePause


class RunControl:
    """The switches of one run and the waits that obey them.

    Attributes:
        fatal: Why the run stops (a fatal answer, a storage pause that lasted too long), else "".
    """

    def __init__(
        self, cancel: CancelToken | None, storage: StoragePause, tuning: Tuning, clock: Clock
    ) -> None:
        """Keep the user's switch, the storage pause and the timing knobs; seed the jitter."""
        self.cancel = cancel
        self.storage = storage
        self.tuning = tuning
        self.clock = clock
        self.random = random.Random(tuning.seed)
        self.fatal = ""

    @property
    def cancelled(self) -> bool:
        """The user cancelled: no new request starts."""
        return self.cancel is not None and self.cancel.cancelled

    @property
    def paused(self) -> bool:
        """Held by the user's pause or by a journal that cannot be written."""
        return bool(self.storage.message) or (self.cancel is not None and self.cancel.paused)

    @property
    def stopping(self) -> bool:
        """A fatal answer or a cancel: the workers end."""
        return bool(self.fatal) or self.cancelled

    async def gate(self) -> bool:
        """Hold while paused; False when the run must stop."""
        while self.paused and not self.stopping:
            await asyncio.sleep(self.tuning.tick)
        return not self.stopping

    async def sleep(self, seconds: float) -> None:
        """Sleep in ticks, ending early when the run stops."""
        end = self.clock() + seconds
        while not self.stopping:
            left = end - self.clock()
            if left <= 0:
                return
            await asyncio.sleep(min(left, self.tuning.tick))

    def backoff(self, attempt: int, *, base: float | None = None) -> float:
        """Exponential backoff with jitter (half fixed, half random) so retries do not march in step."""
        first = self.tuning.backoff_base if base is None else base
        ceiling: float = min(self.tuning.backoff_cap, first * 2.0 ** max(0, attempt - 1))
        return ceiling * (0.5 + 0.5 * self.random.random())

    def expire(self, words: str) -> None:
        """The storage pause lasted too long: the run stops with its words (unless already fatal)."""
        self.fatal = self.fatal or words
