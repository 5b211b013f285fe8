"""Pure Python: take one upload run back, removing exactly the leads it created.

The journal knows, row by row, which leads a run created and the id the provider gave each
(``Journal.created``): duplicates and leads that were already there are never in that list,
so they are never touched. Each removal answer is committed before the next request, so a
crash, a kill or a cancel resumes where it stopped; a lead removed already answers 404 on
the second try, which counts as removed, so nothing is deleted twice in effect.

The provider clients hold the dangerous details (lemlist's ``action=remove``, Instantly's
``ids``); this module only paces, retries and records.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import Progress
from gui.core.errors import FatalProviderError, LeadLoaderError, TransientError
from gui.core.journal import Journal, RunRecord
from gui.core.paced_calls import PacedCaller
from gui.core.pacing import Clock
from gui.core.providers import get_spec
from gui.core.providers.base import ProviderClient, Removal
from gui.core.run_lock import RunLocked, hold_run

#: The outcomes a removal can end with; "removed" and "already_gone" both mean "not there now".
DONE_OUTCOMES = ("removed", "already_gone")


class UndoRefused(LeadLoaderError):  # noqa: N818 - named for what the user meets, like RunLocked
    """The run cannot be taken back; nothing was sent. The message says why, in plain words."""


@dataclass(frozen=True)
class UndoReport:
    """How taking a run back ended.

    Attributes:
        run_id: The run.
        total: Leads the run created.
        removed: Removed now or by an earlier attempt.
        already_gone: The provider no longer had them (deleted by hand, or a lost answer).
        failed: Still there after the retries; running it again tries them again.
        seconds: Wall time of this attempt.
        cancelled: True when the user stopped it; the rest is pending.
        fatal: The provider's refusal (key, plan, access) when it stopped the removal.
        outcomes: Row -> (outcome, reason), for the table and the report.
    """

    run_id: int
    total: int
    removed: int
    already_gone: int
    failed: int
    seconds: float
    cancelled: bool = False
    fatal: str = ""
    outcomes: Mapping[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def pending(self) -> int:
        """Leads not tried yet (a cancel or a fatal answer stopped the removal first)."""
        return self.total - self.removed - self.already_gone - self.failed

    @property
    def ok(self) -> bool:
        """Every created lead is gone from the provider."""
        return self.removed + self.already_gone == self.total

    def as_json(self) -> dict[str, object]:
        """The CLI's one-line summary."""
        return {
            "run": str(self.run_id),
            "total": self.total,
            "removed": self.removed,
            "already_gone": self.already_gone,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
        }


def undo_target(journal: Journal, run_id: int) -> tuple[RunRecord, dict[int, str]]:
    """The run and its created leads (row -> provider id), or :class:`UndoRefused` saying why.

    Checked before any request: an unknown run, a provider with no delete route, a run that
    created nothing.
    """
    record = journal.run(run_id)
    if record is None:
        raise UndoRefused(f"There is no run {run_id} in the journal ({journal.path}).")
    spec = get_spec(record.provider)
    created = journal.created(run_id)
    if spec.remove_batch_size <= 0:
        raise UndoRefused(
            f"{spec.label} offers no way to delete leads through its API. Export this run's created "
            f"leads and remove them in {spec.label}'s own app."
        )
    if not created:
        raise UndoRefused(
            f"Run {run_id} created no leads in {record.destination_name or record.destination}."
        )
    return record, created


def remove_run(
    run_id: int,
    client_factory: Callable[[], ProviderClient],
    *,
    journal: Journal,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_removed: Callable[[Mapping[int, tuple[str, str]]], None] | None = None,
    front_end: str = "LeadLoader",
    clock: Clock = time.monotonic,
    backoff_base: float = 1.0,
) -> UndoReport:
    """Remove the leads a run created; blocks until done, stopped or cancelled.

    The run's lock is held meanwhile, so a window or command still sending that run refuses
    this and the other way round. Taking a stopped run back also takes it out of the resume
    offer: a resume would create the leads again.

    Args:
        run_id: The run, as ``leadloader runs`` lists it.
        client_factory: Makes the provider client inside this call's event loop.
        journal: Where the run and its removals are recorded.
        progress: Receives a :class:`Progress` after each answer.
        cancel: Cancel and pause switch; a cancel ends after the request in flight.
        on_removed: Receives the outcomes of each answered request as they land.
        front_end: Who holds the lock, as another sender will read it.
        clock: Monotonic seconds for pacing.
        backoff_base: First wait after a 5xx or a network failure (tests make it tiny).

    Raises:
        UndoRefused: Unknown run, nothing created, no delete route, or the run is being sent.
        JournalError: The journal cannot be written (what was committed stays; run it again).
    """
    record, created = undo_target(journal, run_id)
    try:
        with hold_run(record.fingerprint, record.provider, record.destination, front_end=front_end):
            if record.resumable:
                journal.abandon(run_id)
            removal = _Removal(
                record,
                created,
                journal,
                progress=progress,
                cancel=cancel,
                on_removed=on_removed,
                clock=clock,
                backoff_base=backoff_base,
            )
            return asyncio.run(removal.run(client_factory))
    except RunLocked as exc:
        raise UndoRefused(f"Run {run_id} is still being sent: {exc}") from None


class _Removal:
    """One attempt at taking a run back; lives inside one event loop."""

    def __init__(
        self,
        record: RunRecord,
        created: dict[int, str],
        journal: Journal,
        *,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        on_removed: Callable[[Mapping[int, tuple[str, str]]], None] | None,
        clock: Clock,
        backoff_base: float,
    ) -> None:
        self.record = record
        self.created = created
        self.journal = journal
        self.progress = progress
        self.cancel = cancel
        self.on_removed = on_removed
        self.clock = clock
        self.spec = get_spec(record.provider)
        self.caller = PacedCaller(self.spec.rate, cancel=cancel, clock=clock, backoff_base=backoff_base)
        self.outcomes: dict[int, tuple[str, str]] = dict(journal.removals(record.id))
        #: A routed run's rows went to several campaigns; each is removed from its own.
        self.destinations = journal.row_destinations(record.id)
        self.started = clock()
        self.fatal = ""

    def todo(self) -> list[int]:
        """Rows still to remove: never answered, or failed last time."""
        return [row for row in self.created if self.outcomes.get(row, ("",))[0] not in DONE_OUTCOMES]

    async def run(self, client_factory: Callable[[], ProviderClient]) -> UndoReport:
        todo = self.todo()
        if todo:
            client = client_factory()
            try:
                size = self.spec.remove_batch_size
                groups: dict[str, list[int]] = {}
                for row in todo:
                    groups.setdefault(self.destinations.get(row, self.record.destination), []).append(row)
                batches = [
                    (destination, rows[start : start + size])
                    for destination, rows in groups.items()
                    for start in range(0, len(rows), size)
                ]
                for destination, rows in batches:
                    if not await self.caller.gate():
                        break
                    await self.remove(client, destination, rows)
                    if self.fatal:
                        break
            finally:
                await client.aclose()
        return self.report()

    async def remove(self, client: ProviderClient, destination: str, rows: Sequence[int]) -> None:
        """One request for ``rows`` of one campaign, retried on 429 and 5xx; answers committed first."""
        ids = [self.created[row] for row in rows]
        try:
            answers = await self.caller.call(lambda: client.remove(destination, ids))
        except TransientError as exc:
            self.land(rows, [Removal(pid, "failed", str(exc)) for pid in ids])
            return
        except FatalProviderError as exc:
            self.fatal = str(exc)
            return
        by_id = {answer.provider_id: answer for answer in answers}
        missing = Removal("", "failed", "the provider's answer did not mention this lead")
        self.land(rows, [by_id.get(pid, missing) for pid in ids])

    def land(self, rows: Sequence[int], answers: Sequence[Removal]) -> None:
        recorded = [
            (row, self.created[row], answer.outcome, answer.reason)
            for row, answer in zip(rows, answers, strict=True)
        ]
        self.journal.record_removals(self.record.id, recorded)
        landed = {row: (outcome, reason) for row, _pid, outcome, reason in recorded}
        self.outcomes.update(landed)
        if self.on_removed is not None:
            self.on_removed(landed)
        if self.progress is not None:
            tally = self.tally()
            done = tally["removed"] + tally["already_gone"] + tally["failed"]
            self.progress(
                Progress(done, len(self.created), f"{done:,} of {len(self.created):,}", dict(tally))
            )

    def tally(self) -> Counter[str]:
        return Counter(self.outcomes[row][0] for row in self.created if row in self.outcomes)

    def report(self) -> UndoReport:
        tally = self.tally()
        cancelled = self.cancel is not None and self.cancel.cancelled and bool(self.todo())
        return UndoReport(
            run_id=self.record.id,
            total=len(self.created),
            removed=tally["removed"],
            already_gone=tally["already_gone"],
            failed=tally["failed"],
            seconds=self.clock() - self.started,
            cancelled=cancelled,
            fatal=self.fatal,
            outcomes={row: self.outcomes[row] for row in self.created if row in self.outcomes},
        )
