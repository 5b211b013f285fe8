"""Terminal plumbing for a long run: progress lines on stderr and a Ctrl-C that cancels cleanly."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable
from types import FrameType
from typing import TextIO


class StderrProgress:
    """Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr  # looked up now: a caller (or a test) may have replaced it
        self._tty = self._stream.isatty()
        self._last = 0.0

    def __call__(self, event: object) -> None:
        """Write the event, throttled so a fast upload does not flood the terminal or a log file."""
        from gui.core.domain import Progress

        if not isinstance(event, Progress):
            return
        now = time.monotonic()
        final = event.total and event.done >= event.total
        if not final and now - self._last < (0.2 if self._tty else 3.0):
            return
        self._last = now
        eta = f", {event.eta_seconds:.0f} s left" if event.eta_seconds else ""
        line = f"{event.done}/{event.total} {event.message}".strip() + (
            f" ({event.rate:.1f}/s{eta})" if event.rate else ""
        )
        if self._tty:
            self._stream.write("\r" + line[:120].ljust(120))
            if final:
                self._stream.write("\n")
        else:
            self._stream.write(line + "\n")
        self._stream.flush()


def install_sigint(on_interrupt: Callable[[], None]) -> Callable[[], None]:
    """First Ctrl-C cancels cleanly; a second one stops at once. Returns the undo."""
    previous = signal.getsignal(signal.SIGINT)

    def handler(_signum: int, _frame: FrameType | None) -> None:
        print("\nleadloader: cancelling (Ctrl-C again to stop at once)...", file=sys.stderr)
        on_interrupt()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    def restore() -> None:
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, handler)
    return restore
