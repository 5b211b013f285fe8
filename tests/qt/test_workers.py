"""The worker helper: results, failures, cancel and progress arrive as signals, and no thread is left."""

from __future__ import annotations

import threading

import pytest

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import Progress
from gui.core.errors import Cancelled
from gui.qt.workers import Worker, live_workers, start_worker


def _finish(qtbot, worker: Worker) -> None:
    qtbot.waitUntil(lambda: not worker.running, timeout=5000)
    assert live_workers() == 0


def test_success_delivers_the_return_value_then_finished(qtbot) -> None:
    seen: list[str] = []
    gui_thread = threading.get_ident()
    threads: list[int] = []

    def job(progress: ProgressCallback, cancel: CancelToken) -> int:
        threads.append(threading.get_ident())
        return 41 + 1

    worker = start_worker(job)
    slot_threads: list[int] = []
    worker.sig_succeeded.connect(
        lambda value: (seen.append(f"ok:{value}"), slot_threads.append(threading.get_ident()))
    )
    worker.sig_finished.connect(lambda: seen.append("finished"))
    with qtbot.waitSignal(worker.sig_finished, timeout=5000):
        pass
    assert seen == ["ok:42", "finished"]
    assert threads and threads[0] != gui_thread
    assert slot_threads == [gui_thread], "slots must run in the GUI thread"
    _finish(qtbot, worker)


def test_failure_delivers_the_exception(qtbot) -> None:
    def job(progress: ProgressCallback, cancel: CancelToken) -> None:
        raise ValueError("row 3: bad email")

    worker = start_worker(job)
    with qtbot.waitSignal(worker.sig_failed, timeout=5000) as blocker:
        pass
    (exc,) = blocker.args
    assert isinstance(exc, ValueError)
    assert "row 3" in str(exc)
    _finish(qtbot, worker)


def test_cancel_reaches_the_function_and_comes_back_as_cancelled(qtbot) -> None:
    started = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelToken) -> str:
        started.set()
        while True:
            cancel.raise_if_cancelled()
            cancel.wait_while_paused(0.01)

    worker = start_worker(job)
    failures: list[object] = []
    worker.sig_failed.connect(failures.append)
    assert started.wait(5)
    with qtbot.waitSignal(worker.sig_finished, timeout=5000):
        worker.cancel.cancel()
    assert len(failures) == 1 and isinstance(failures[0], Cancelled)
    _finish(qtbot, worker)


def test_stop_cancels_and_waits_for_the_thread(qtbot) -> None:
    started = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelToken) -> None:
        started.set()
        while not cancel.cancelled:
            cancel.wait_while_paused(0.01)
        cancel.raise_if_cancelled()

    worker = start_worker(job)
    assert started.wait(5)
    worker.stop(3000)
    assert not worker.running
    assert live_workers() == 0


def test_progress_is_throttled_and_the_last_event_arrives(qtbot) -> None:
    total = 200_000

    def job(progress: ProgressCallback, cancel: CancelToken) -> int:
        for i in range(1, total + 1):
            progress(Progress(done=i, total=total))
        return total

    events: list[Progress] = []
    worker = start_worker(job)
    worker.sig_progress.connect(events.append)
    with qtbot.waitSignal(worker.sig_finished, timeout=10000):
        pass
    assert events, "no progress arrived"
    assert events[-1].done == total
    # 200k reports in well under a few seconds: throttled to ~20/s it is a handful, never thousands.
    assert len(events) < 200
    assert [e.done for e in events] == sorted(e.done for e in events)
    _finish(qtbot, worker)


def test_dropping_the_reference_does_not_kill_the_thread(qtbot) -> None:
    done = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelToken) -> None:
        done.wait(5)

    start_worker(job)  # reference dropped on purpose
    assert live_workers() == 1
    done.set()
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=5000)


@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit])
def test_base_exceptions_are_caught_too(qtbot, exc_type: type[BaseException]) -> None:
    def job(progress: ProgressCallback, cancel: CancelToken) -> None:
        raise exc_type()

    worker = start_worker(job)
    with qtbot.waitSignal(worker.sig_failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], exc_type)
    _finish(qtbot, worker)


def test_parent_destroyed_cancels_the_job_and_cleans_up(qtbot) -> None:
    from PySide6.QtCore import QObject

    started = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelToken) -> None:
        started.set()
        while not cancel.cancelled:
            cancel.wait_while_paused(0.01)
        cancel.raise_if_cancelled()

    owner = QObject()
    worker = start_worker(job, parent=owner)
    assert started.wait(5)
    owner.deleteLater()
    qtbot.waitUntil(lambda: worker.cancel.cancelled, timeout=5000)
    _finish(qtbot, worker)
