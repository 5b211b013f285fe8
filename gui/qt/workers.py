"""The one way the GUI runs a long core function off the GUI thread.

A core function never creates a thread; it takes ``progress`` and ``cancel``. Here it runs in its
own :class:`QThread` (the moveToThread pattern) and talks back only through queued signals, so no
widget is ever touched from the worker and the GUI thread never blocks on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import Progress

T = TypeVar("T")

log = logging.getLogger(__name__)

#: Minimum seconds between two progress signals: 20 per second is smooth for a bar and cheap for the
#: GUI thread even when the core reports every row.
PROGRESS_INTERVAL = 0.05

#: Workers whose thread has not finished yet. Holding them here keeps Python from collecting a
#: running QThread (which would abort the process) when the caller drops its reference.
_LIVE: set[Worker] = set()


class _Runner(QObject):
    """Lives in the worker thread and calls the function there."""

    def __init__(self, worker: Worker, fn: Callable[[ProgressCallback, CancelToken], Any]) -> None:
        super().__init__()
        self._worker = worker
        self._fn = fn
        self._last_emit = 0.0
        self._pending: Progress | None = None

    def _progress(self, event: Progress) -> None:
        # Called from the core on the worker thread, maybe for every row: keep it to a clock read.
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL:
            self._last_emit = now
            self._pending = None
            self._worker.sig_progress.emit(event)
        else:
            self._pending = event

    @Slot()
    def run(self) -> None:
        worker = self._worker
        try:
            result = self._fn(self._progress, worker.cancel)
        except BaseException as exc:
            self._flush()
            if not isinstance(exc, Exception):
                log.error("Worker stopped by %s", type(exc).__name__)
            worker.sig_failed.emit(exc)
        else:
            self._flush()
            worker.sig_succeeded.emit(result)
        finally:
            worker.sig_finished.emit()
            thread = self.thread()
            thread.quit()

    def _flush(self) -> None:
        if self._pending is not None:
            self._worker.sig_progress.emit(self._pending)
            self._pending = None


class Worker(QObject):
    """A running core function: its signals, its cancel token and a clean stop.

    The worker object itself stays in the GUI thread (so ``stop()`` and the cleanup run there);
    only its runner moves to the thread. Signals are emitted from the worker thread and reach
    slots of GUI objects queued.

    Attributes:
        cancel: The token handed to the function; ``pause()``/``resume()``/``cancel()`` it freely.
    """

    sig_progress = Signal(object)  # gui.core.domain.Progress, at most ~20 per second
    sig_succeeded = Signal(object)  # the function's return value
    sig_failed = Signal(object)  # the exception (Cancelled included, so callers can tell)
    sig_finished = Signal()  # always last

    def __init__(
        self, fn: Callable[[ProgressCallback, CancelToken], Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.cancel = CancelToken()
        self._thread: QThread | None = QThread()
        self._thread.setObjectName(f"leadloader-worker-{getattr(fn, '__name__', 'job')}")
        self._runner: _Runner | None = _Runner(self, fn)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._thread.finished.connect(self._on_thread_finished)
        self._done = False

    def start(self) -> None:
        """Start the thread; :func:`start_worker` does this for you."""
        assert self._thread is not None
        _LIVE.add(self)
        self._thread.start()

    @property
    def running(self) -> bool:
        """True until the thread has finished and been cleaned up."""
        return not self._done

    def stop(self, timeout_ms: int = 3000) -> None:
        """Cancel the function and wait up to ``timeout_ms`` for its thread to end.

        Used when the window closes: the core checks the token at least once a second, so a
        few seconds are plenty; if it still runs, the thread is left to finish on its own
        (kept alive in ``_LIVE``) rather than destroyed under its feet.
        """
        self.cancel.cancel()
        thread = self._thread
        if thread is None:
            return
        if thread.wait(timeout_ms):
            self._on_thread_finished()
        else:
            log.warning("A background job did not stop within %d ms", timeout_ms)

    def wait(self, timeout_ms: int = 3000) -> bool:
        """Block until the thread ends, without cancelling (tests and shutdown)."""
        thread = self._thread
        if thread is None:
            return True
        if thread.wait(timeout_ms):
            self._on_thread_finished()
            return True
        return False

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._done:
            return
        thread = self._thread
        if thread is not None and thread.isRunning():
            # finished() is emitted just before the thread really ends; wait out the last instants.
            thread.wait()
        self._done = True
        self._runner = None
        self._thread = None
        _LIVE.discard(self)


def start_worker(
    fn: Callable[[ProgressCallback, CancelToken], T], *, parent: QObject | None = None
) -> Worker:
    """Run ``fn(progress, cancel)`` in a new thread and return its :class:`Worker`.

    Connect to the worker's signals right after this call: the thread starts now, but its
    signals are delivered through the GUI event loop, so none is missed before control returns
    to it.
    """
    worker = Worker(fn, parent)
    worker.start()
    return worker


def live_workers() -> int:
    """How many workers still have a thread (tests assert this drops to zero)."""
    return len(_LIVE)
