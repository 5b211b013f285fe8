"""The one way the GUI runs a long core function off the GUI thread.

A core function never creates a thread; it takes ``progress`` and ``cancel``. Here it runs in its
own :class:`QThread` (the moveToThread pattern) and talks back only through queued signals, so no
widget is ever touched from the worker and the GUI thread never blocks on it.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

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
    """Lives in the worker thread and calls the function there.

    It emits its own signals, which the :class:`Worker` (in the GUI thread) re-emits: they are
    connected before the thread starts, so a fast job cannot finish before the caller of
    :func:`start_worker` has connected its slots (a signal with no receiver yet would be lost).
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, cancel: CancelToken, fn: Callable[[ProgressCallback, CancelToken], Any]) -> None:
        super().__init__()
        self._cancel = cancel
        self._fn = fn
        self._last_emit = 0.0
        self._pending: Progress | None = None

    def _progress(self, event: Progress) -> None:
        # Called from the core on the worker thread, maybe for every row: keep it to a clock read.
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL:
            self._last_emit = now
            self._pending = None
            self.progressed.emit(event)
        else:
            self._pending = event

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self._progress, self._cancel)
        except BaseException as exc:  # every failure must reach the GUI as a signal
            self._flush()
            if not isinstance(exc, Exception):
                log.error("Worker stopped by %s", type(exc).__name__)
            self.failed.emit(exc)
        else:
            self._flush()
            self.succeeded.emit(result)
        finally:
            self.finished.emit()
            self.thread().quit()

    def _flush(self) -> None:
        if self._pending is not None:
            self.progressed.emit(self._pending)
            self._pending = None


class Worker(QObject):
    """A running core function: its signals, its cancel token and a clean stop.

    The worker object itself stays in the GUI thread (so ``stop()`` and the cleanup run there);
    only its runner moves to the thread. The runner's signals are re-emitted here, in the GUI
    thread, so every slot runs in the GUI thread and none is missed.

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
        # Not a Qt child of ``parent``: Qt would delete the worker with its parent while the thread
        # may still run and emit on it. Instead the job is cancelled when the parent goes away.
        super().__init__(None)
        self.cancel = CancelToken()
        if parent is not None:
            parent.destroyed.connect(self.cancel.cancel)
        self._thread: QThread | None = QThread()
        self._thread.setObjectName(f"leadloader-worker-{getattr(fn, '__name__', 'job')}")
        self._runner: _Runner | None = _Runner(self.cancel, fn)
        queued = Qt.ConnectionType.QueuedConnection
        self._runner.progressed.connect(self.sig_progress, queued)
        self._runner.succeeded.connect(self.sig_succeeded, queued)
        self._runner.failed.connect(self.sig_failed, queued)
        self._runner.finished.connect(self.sig_finished, queued)
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
    signals are re-emitted by the GUI event loop, so none is missed before control returns to it.
    """
    worker = Worker(fn, parent)
    worker.start()
    return worker


#: CPython hands the GIL to a waiting thread only every ``switchinterval`` (5 ms by default). The GUI
#: thread makes hundreds of short Python calls per repaint (one per cell and role), each of which may
#: wait that long behind a busy worker, so a repaint can take far over 100 ms. 1 ms keeps the GUI
#: responsive and costs the workers little (they spend most of their time in C: pyarrow, sqlite, I/O).
GUI_SWITCH_INTERVAL = 0.001


def tune_gil_for_gui() -> None:
    """Shorten the GIL switch interval while a GUI runs (see :data:`GUI_SWITCH_INTERVAL`)."""
    if sys.getswitchinterval() > GUI_SWITCH_INTERVAL:
        sys.setswitchinterval(GUI_SWITCH_INTERVAL)


def live_workers() -> int:
    """How many workers still have a thread (tests assert this drops to zero)."""
    return len(_LIVE)
