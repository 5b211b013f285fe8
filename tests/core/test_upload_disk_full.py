"""A full disk or a read-only home folder during an upload: the run pauses, the journal stays sound,
and a resume sends each remaining lead once (a batch accepted but not journaled is replayed, not re-created).

The fault is injected where the journal commits (an ``OSError`` with ENOSPC or EROFS at ``COMMIT``,
which the journal rolls back), and once for real (SQLite's own SQLITE_FULL through ``max_page_count``).
"""

from __future__ import annotations

import dataclasses
import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gui.core.cancel import CancelToken
from gui.core.domain import Progress, RowOutcome, Status
from gui.core.journal import DISK_FULL, READ_ONLY, Journal, JournalError
from gui.core.journal_file import storage_problem
from gui.core.report import ReportError, export_results
from gui.core.upload import run_upload
from gui.core.upload_job import Tuning
from tests.core.test_upload import (
    NO_SERVER_LIMITS,
    TUNING,
    FakeProvider,
    fast_factory,
    key_of,
    make_job,
    sandbox_leads,
)

PAUSING = dataclasses.replace(TUNING, storage_retry=0.02)
ERRORS = {
    DISK_FULL: (errno.ENOSPC, "No space left on device"),
    READ_ONLY: (errno.EROFS, "Read-only file system"),
}


class FailingDisk:
    """Stands in for the journal's connection: makes chosen commits fail as a full or read-only disk would.

    ``arm(after=n, only="record")`` lets ``n`` more commits through, then fails every commit (of
    ``record`` writes only, when given) until :meth:`free` is called. The failed transaction is
    really open in SQLite, so the journal's rollback is exercised too.
    """

    def __init__(self, journal: Journal, problem: str) -> None:
        self.real = journal._db
        self.path = journal.path
        self.problem = problem
        self.armed = False
        self.left = 0
        self.only = ""
        self.kind = ""
        self.failures = 0
        journal._db = self  # type: ignore[assignment]

    def arm(self, *, after: int = 0, only: str = "") -> None:
        self.armed, self.left, self.only = True, after, only

    def free(self) -> None:
        self.armed = False

    def executemany(self, sql: str, params: Any) -> sqlite3.Cursor:
        if sql.startswith("INSERT INTO rows (run_id, row, key, status, reason"):
            self.kind = "record"
        elif "'sending'" in sql:
            self.kind = "sending"
        else:
            self.kind = "other"
        return self.real.executemany(sql, params)

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        if sql == "COMMIT" and self.armed and (not self.only or self.kind == self.only):
            if self.left > 0:
                self.left -= 1
            else:
                self.failures += 1
                code, text = ERRORS[self.problem]
                raise OSError(code, text, str(self.path))
        if sql == "BEGIN IMMEDIATE":
            self.kind = "other"
        return self.real.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def pause_watcher(
    disk: FailingDisk, then: Callable[[], None]
) -> tuple[list[str], Callable[[Progress], None]]:
    """A progress sink that records pause messages and calls ``then`` at the first one."""
    messages: list[str] = []

    def progress(event: Progress) -> None:
        if event.message.startswith("Paused: ") and not messages:
            messages.append(event.message)
            then()

    return messages, progress


def sound(path: Path) -> None:
    """The journal file opens afresh and SQLite finds nothing wrong in it."""
    fresh = Journal(path)
    try:
        assert fresh.integrity() == "ok"
    finally:
        fresh.close()


@pytest.mark.parametrize("problem", [DISK_FULL, READ_ONLY])
def test_an_unwritable_journal_pauses_the_run_and_it_goes_on_by_itself_once_writable(problem: str) -> None:
    provider = FakeProvider(latency=0.002)
    journal = Journal()
    disk = FailingDisk(journal, problem)
    disk.arm(after=6)  # a few commits go through, then every write fails: mark_sending and record alike
    storage: list[str] = []
    messages, progress = pause_watcher(disk, disk.free)
    job = make_job(30)
    report = run_upload(
        job, provider.client, journal=journal, progress=progress, on_storage=storage.append, tuning=PAUSING
    )
    assert disk.failures >= 1
    assert messages and problem in messages[0] and str(journal.path) in messages[0]
    assert storage[0] == messages[0] and storage[-1] == ""  # paused, then going again
    assert report.summary.uploaded == 30 and report.storage == "" and report.fatal == ""
    assert all(n == 1 for n in provider.attempts.values()) and len(provider.held) == 30
    assert journal.integrity() == "ok"
    record = journal.run(report.run_id)
    assert record is not None and record.counts["uploaded"] == 30 and not record.resumable
    journal.close()
    sound(journal.path)


def test_a_batch_accepted_but_not_journaled_is_replayed_on_resume_not_created_twice() -> None:
    provider = FakeProvider(latency=0.002)
    journal = Journal()
    disk = FailingDisk(journal, DISK_FULL)
    disk.arm(after=3, only="record")  # the 4th answer's outcome cannot be recorded
    cancel = CancelToken()
    messages, progress = pause_watcher(disk, cancel.cancel)  # the user gives up while paused
    job = make_job(20)
    first = run_upload(
        job, provider.client, journal=journal, progress=progress, cancel=cancel, tuning=PAUSING
    )
    assert messages and "disk full" in messages[0] and str(journal.path) in messages[0]
    assert first.storage.startswith("Stopped: disk full: the upload journal ") and first.fatal == ""
    assert str(journal.path) in first.storage and "resumes" in first.storage
    # The provider took the batch whose answer the journal lost: it is still "sending" there.
    unanswered = journal.unanswered(first.run_id)
    assert unanswered and all(key_of(r) in provider.held for r in unanswered)
    landed_before = set(provider.held)
    assert journal.integrity() == "ok"
    record = journal.find_resumable(job.fingerprint, "lemlist", "cam_1")
    assert record is not None and record.id == first.run_id
    journal.close()
    sound(journal.path)

    # Space freed: the same job resumes in a fresh journal object, as after a restart.
    second = run_upload(job, provider.client, tuning=TUNING)
    assert second.run_id == first.run_id and second.summary.uploaded == 20 and second.storage == ""
    assert len(provider.held) == 20  # nobody created twice
    for i in range(20):
        key = key_of(i)
        if i in unanswered:
            # Resent once, in the form the provider deduplicates; its first create stands.
            assert provider.attempts[key] == 2 and provider.replays[key] == 1
            assert second.outcomes[i].status is Status.UPLOADED
        elif key in landed_before:
            assert provider.attempts[key] == 1  # journaled before the pause: not resent
        else:
            assert provider.attempts[key] == 1 and provider.replays[key] == 0  # the rest: once
    assert Journal().find_resumable(job.fingerprint, "lemlist", "cam_1") is None


@pytest.mark.parametrize("problem", [DISK_FULL, READ_ONLY])
def test_against_the_sandbox_a_paused_then_resumed_run_stores_each_lead_once(
    sandbox_factory, problem: str
) -> None:
    box = sandbox_factory(limits=NO_SERVER_LIMITS)
    destination, n = "01990000-0007-7000-8000-5a0d00000007", 120
    leads = sandbox_leads("instantly", n)
    job = make_job(n, provider="instantly", destination=destination, leads=leads, options={})
    journal = Journal()
    disk = FailingDisk(journal, problem)
    disk.arm(after=4)
    cancel = CancelToken()
    messages, progress = pause_watcher(disk, cancel.cancel)
    first = run_upload(
        job,
        fast_factory("instantly", batch_size=10),
        journal=journal,
        progress=progress,
        cancel=cancel,
        tuning=PAUSING,
    )
    assert messages and problem in messages[0] and str(journal.path) in messages[0]
    assert first.storage and first.summary.pending > 0
    journal.close()
    sound(journal.path)
    second = run_upload(job, fast_factory("instantly", batch_size=10), tuning=TUNING)
    assert second.run_id == first.run_id
    assert second.summary.uploaded == n, second.summary
    stored = box.ledger.leads("instantly", destination, include_seeded=False)
    assert len(stored) == n and len({s.key for s in stored}) == n  # each email stored exactly once


def test_a_pause_longer_than_storage_wait_stops_the_run_with_the_reason() -> None:
    provider = FakeProvider()
    journal = Journal()
    disk = FailingDisk(journal, READ_ONLY)
    disk.arm(after=2)
    tuning = dataclasses.replace(PAUSING, storage_wait=0.1)
    job = make_job(10)
    report = run_upload(job, provider.client, journal=journal, tuning=tuning)
    assert (
        report.fatal.startswith("Stopped: read-only: the upload journal ")
        and str(journal.path) in report.fatal
    )
    assert report.summary.pending > 0 and report.storage == report.fatal
    assert "writable, then start the same upload again" in report.fatal
    disk.free()
    assert journal.integrity() == "ok"
    journal.close()
    again = run_upload(job, provider.client, tuning=TUNING)
    assert again.run_id == report.run_id and again.summary.uploaded == 10
    assert len(provider.held) == 10


def test_a_journal_full_before_the_first_request_stops_unsent_with_the_words() -> None:
    provider = FakeProvider()
    journal = Journal()
    disk = FailingDisk(journal, DISK_FULL)
    disk.arm()
    with pytest.raises(JournalError) as caught:
        run_upload(make_job(5), provider.client, journal=journal, tuning=TUNING)
    assert caught.value.problem == DISK_FULL and "disk full" in str(caught.value)
    assert str(journal.path) in str(caught.value)
    assert not provider.attempts
    disk.free()
    assert journal.integrity() == "ok"


def test_sqlite_s_own_disk_full_is_classified_and_rolled_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    run = journal.start_run(
        fingerprint="f",
        file_name="a.csv",
        provider="lemlist",
        account="a",
        destination="cam_1",
        destination_name="Q4",
        mapping={},
        options={},
        total=50_000,
    )
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count={pages + 1}")
    outcomes = [RowOutcome(i, Status.UPLOADED, provider_id=f"lea_{i:040d}") for i in range(50_000)]
    with pytest.raises(JournalError) as caught:
        journal.record(run.id, outcomes, [key_of(i) for i in range(50_000)])
    assert caught.value.problem == DISK_FULL and "disk full" in str(caught.value)
    assert not journal._db.in_transaction and journal.row_states(run.id) == {}  # all or nothing
    journal._db.execute("PRAGMA max_page_count=1073741823")
    journal.record(run.id, outcomes[:10], [key_of(i) for i in range(10)])
    assert len(journal.row_states(run.id)) == 10 and journal.integrity() == "ok"
    journal.close()


def test_storage_problem_reads_errno_sqlite_codes_and_words() -> None:
    assert storage_problem(OSError(errno.ENOSPC, "No space left on device")) == DISK_FULL
    assert storage_problem(OSError(errno.EDQUOT, "Disk quota exceeded")) == DISK_FULL
    assert storage_problem(OSError(errno.EROFS, "Read-only file system")) == READ_ONLY
    assert storage_problem(OSError(errno.EACCES, "Permission denied")) == READ_ONLY
    assert storage_problem(sqlite3.OperationalError("attempt to write a readonly database")) == READ_ONLY
    assert storage_problem(sqlite3.OperationalError("database or disk is full")) == DISK_FULL
    assert storage_problem(sqlite3.OperationalError("database is locked")) == ""
    assert storage_problem(OSError(errno.EIO, "Input/output error")) == ""


@pytest.mark.parametrize("problem", [DISK_FULL, READ_ONLY])
def test_a_report_that_cannot_be_written_names_the_file_and_the_problem_and_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    (tmp_path / "reports").mkdir()
    target = tmp_path / "reports" / "out.csv"
    target.write_text("the previous report\n", encoding="utf-8")
    frame = pd.DataFrame({"Email": ["a@example.com", "b@example.com"]})
    code, text = ERRORS[problem]

    def refuse(src: object, dst: object) -> None:
        raise OSError(code, text, str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ReportError) as caught:
        export_results(frame, {0: RowOutcome(0, Status.UPLOADED)}, target)
    assert str(target) in str(caught.value) and problem in str(caught.value)
    assert target.read_text(encoding="utf-8") == "the previous report\n"
    assert [p.name for p in target.parent.iterdir()] == ["out.csv"]  # no temporary left behind


def test_tuning_defaults_wait_for_space_until_cancelled() -> None:
    assert Tuning().storage_wait is None and Tuning().storage_retry > 0
