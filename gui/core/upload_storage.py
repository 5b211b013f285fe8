"""Pure Python: the pause a run takes when its journal cannot be written (full disk, read-only home).

Sending on without a journal could send a lead twice after a crash, and stopping at once
would break a long run over a few megabytes: so the run pauses, says what to free or make
writable, and goes on by itself once a write succeeds. This module holds that state and its
words; the engine (:mod:`gui.core.upload`) retries the write and holds new requests meanwhile.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gui.core.journal import DISK_FULL, JournalError
from gui.core.pacing import Clock


class StoragePause:
    """Whether the run is paused on storage, since when, and what to tell the user.

    Attributes:
        message: The pause line while the journal cannot be written, else "".
        stopped: What the report says when the run ended in that pause.
        since: When the pause began (``clock`` seconds).
    """

    def __init__(
        self,
        clock: Clock,
        *,
        on_storage: Callable[[str], None] | None,
        on_change: Callable[[], None],
    ) -> None:
        """Keep the words for ``on_storage`` (the window's banner) and ``on_change`` (a progress event)."""
        self.clock = clock
        self.on_storage = on_storage
        self.on_change = on_change
        self.message = ""
        self.stopped = ""
        self.since = 0.0

    def enter(self, exc: JournalError) -> None:
        """Enter (or stay in) the pause a failed journal write calls for, and say so once."""
        if self.message:
            return
        if exc.problem == DISK_FULL:
            fix = f"free some space on the disk that holds {exc.path.parent}"
        else:
            fix = f"make {exc.path.parent} writable"
        what = f"{exc.problem}: the upload journal {exc.path} cannot be written"
        self.message = (
            f"Paused: {what}. To go on, {fix}; the upload continues by itself "
            "(cancel to stop: it resumes next time)."
        )
        self.stopped = (
            f"Stopped: {what}. {fix[0].upper()}{fix[1:]}, then start the same upload again: "
            "it resumes where it stopped and sends nothing twice."
        )
        self.since = self.clock()
        if self.on_storage is not None:
            self.on_storage(self.message)
        self.on_change()

    def leave(self) -> None:
        """A write worked again: the run goes on."""
        self.message = ""
        if self.on_storage is not None:
            self.on_storage("")
        self.on_change()

    async def write(
        self,
        action: Callable[[], None],
        *,
        stopping: Callable[[], bool],
        sleep: Callable[[float], Awaitable[None]],
        retry: float,
        wait: float | None,
        expire: Callable[[str], None],
    ) -> bool:
        """Run one journal write; on a full or read-only disk, pause and retry it every ``retry`` s.

        Returns True once the write is committed, False when the run ended (``stopping``) before
        it could be; a pause longer than ``wait`` seconds calls ``expire`` with :attr:`stopped`,
        which ends the run. Any other journal failure propagates and stops the run.
        """
        while True:
            try:
                action()
            except JournalError as exc:
                if not exc.problem:
                    raise
                self.enter(exc)
            else:
                if self.message:
                    self.leave()
                return True
            if wait is not None and self.clock() - self.since >= wait:
                expire(self.stopped)
            if stopping():
                return False
            await sleep(retry)
            if stopping():
                return False
