"""Pure Python: cooperative cancel and pause for long core functions.

A long function takes ``progress`` and ``cancel`` arguments and never creates a thread;
the caller (the CLI or a Qt worker) decides where it runs and flips the token.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gui.core.domain import Progress
from gui.core.errors import Cancelled

#: The callback a long function reports to. It must be cheap: it is called from the worker.
ProgressCallback = Callable[[Progress], None]


def no_progress(_event: Progress) -> None:
    """Progress sink for callers that do not watch."""


class CancelToken:
    """A thread-safe cancel flag with a pause switch.

    Pause lives here too because the upload must stop sending within a second of either,
    and one object is simpler to thread through than two.
    """

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def cancel(self) -> None:
        """Ask the job to stop at its next check; also releases a paused job."""
        self._cancelled.set()
        self._running.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def raise_if_cancelled(self) -> None:
        """Raise :class:`Cancelled` if the job should stop."""
        if self._cancelled.is_set():
            raise Cancelled()

    def pause(self) -> None:
        """Ask the job to hold before its next unit of work."""
        if not self._cancelled.is_set():
            self._running.clear()

    def resume(self) -> None:
        """Let a paused job go on."""
        self._running.set()

    @property
    def paused(self) -> bool:
        """True while paused."""
        return not self._running.is_set()

    def wait_while_paused(self, timeout: float | None = None) -> bool:
        """Block while paused, up to ``timeout`` seconds; True when free to go on."""
        return self._running.wait(timeout)


def check(cancel: CancelToken | None) -> None:
    """Raise :class:`Cancelled` when a (possibly absent) token is cancelled."""
    if cancel is not None:
        cancel.raise_if_cancelled()
