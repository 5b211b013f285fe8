"""Pure Python: the upload engine's loop: batches, workers, pacing, retries, journal writes, read-back.

One :class:`UploadEngine` is one run inside one event loop (:func:`gui.core.upload.run_upload`
starts it), so its state needs no locks. Up to ``spec.rate.max_in_flight`` workers take
batches from one queue; every request waits for a slot of the key's
:class:`~gui.core.pacing.Pacer`, so a provider's window is kept full with a few requests in
flight but never overrun. Each request's rows are journaled ``sending`` before it leaves and
their outcomes as soon as it answers; an answer that never came is resent with
``replay=True``, the form the provider deduplicates.
"""

from __future__ import annotations

import asyncio
import functools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import BatchResult, Lead, RowOutcome, RunSummary, Status
from gui.core.errors import (
    FatalProviderError,
    NotFoundError,
    ProviderError,
    RateLimited,
    TransientError,
)
from gui.core.journal import Journal
from gui.core.paced_calls import PacedCaller
from gui.core.pacing import Clock, Pacer, Slot, shared_pacer
from gui.core.providers.base import ProviderClient, ProviderSpec
from gui.core.routing import counts_by_destination
from gui.core.update import APPLIED, run_update_step
from gui.core.update_journal import sent_rows
from gui.core.upload_control import RunControl
from gui.core.upload_job import (
    CANCELLED_NOTE,
    DRY_RUN_NOTE,
    RunReport,
    Tuning,
    UploadJob,
)
from gui.core.upload_prepare import Prepared, by_destination, dry_run_outcomes, prepare_run
from gui.core.upload_progress import RunTally
from gui.core.upload_storage import StoragePause


@dataclass
class _Batch:
    leads: list[Lead]
    replay: bool = False
    destination: str = ""


class UploadEngine:
    """State of one run; lives inside one event loop, so no locks."""

    def __init__(
        self,
        job: UploadJob,
        *,
        journal: Journal,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
        on_outcomes: Callable[[Sequence[RowOutcome]], None] | None,
        clock: Clock,
        tuning: Tuning,
        on_storage: Callable[[str], None] | None = None,
    ) -> None:
        self.job = job
        self.journal = journal
        self.progress = progress
        self.cancel = cancel
        self.on_outcomes = on_outcomes
        self.clock = clock
        self.tuning = tuning
        self.tally = RunTally(
            job.total_rows, progress=progress, interval=tuning.progress_interval, clock=clock
        )
        self.keys: dict[int, str] = {}
        self.run_id = 0
        self.requests = 0
        self.rate_limited = 0
        #: Destination -> provider ids uploaded there, in upload order (for the read-back).
        self.upload_order: dict[str, list[str]] = {}
        #: Row -> its campaign in a routed run (kept rows: the one the journal names).
        self.row_dest: dict[int, str] = dict(job.routes)
        self.batches: deque[_Batch] = deque()
        self.waiting_until = float("-inf")
        self.pacer: Pacer | None = None
        self.report: RunReport | None = None
        #: The pause while the journal cannot be written (a full disk, a read-only home).
        self.storage = StoragePause(clock, on_storage=on_storage, on_change=lambda: self.emit(force=True))
        #: Pause, cancel and a fatal answer, and the waits that obey them.
        self.control = RunControl(cancel, self.storage, tuning, clock)
        #: Rows whose outcome is known but could not be journaled (the run ended first).
        self.unjournaled = 0

    @functools.cached_property
    def leads_by_row(self) -> dict[int, Lead]:
        """The job's leads by row, for journaling what each row was sent."""
        return {lead.row: lead for lead in self.job.leads}

    # -- preparation ------------------------------------------------------------------------

    def prepare(self, spec: ProviderSpec, *, write: bool) -> Prepared:
        """Each row's starting state (:mod:`gui.core.upload_prepare`); rows keep the campaign it names."""
        prepared = prepare_run(self.job, self.journal, spec, write=write)
        self.row_dest = prepared.row_dest
        return prepared

    def dest(self, row: int) -> str:
        """The campaign a row goes to: its route in a routed run, else the job's destination."""
        return self.row_dest.get(row, self.job.destination)

    def by_destination(self, leads: Sequence[Lead]) -> dict[str, list[Lead]]:
        """Leads grouped by campaign, each group in sheet order: one request never mixes two."""
        return by_destination(leads, self.row_dest, self.job.destination)

    def destination_counts(self) -> dict[str, dict[str, int]]:
        """A routed run's rows per destination and status; {} when not routed."""
        return counts_by_destination(self.row_dest, self.tally.outcomes) if self.job.routes else {}

    def dry_run(self, spec: ProviderSpec) -> RunReport:
        """Everything but the sends, and no journal writes."""
        prepared = self.prepare(spec, write=False)
        outcomes = dry_run_outcomes(prepared, self.job, spec, self.journal)
        self.tally.set_outcomes(outcomes)
        if self.on_outcomes is not None and outcomes:
            self.on_outcomes([outcomes[r] for r in sorted(outcomes)])
        self.emit(force=True, message="Dry run: nothing sent")
        summary = replace(self.tally.summary(note=DRY_RUN_NOTE, mapping=dict(self.job.mapping)), dry_run=True)
        return RunReport(
            prepared.run_id,
            summary,
            outcomes,
            destinations=self.destination_counts(),
            row_destinations=dict(self.row_dest) if self.job.routes else {},
        )

    # -- the run ----------------------------------------------------------------------------

    async def run(self, client_factory: Callable[[], ProviderClient]) -> None:
        """The whole run; the report lands in ``self.report``.

        It is not the coroutine's result on purpose: on the way out, Python 3.11's
        ``asyncio.Runner`` formats the main task's repr (result included) into an error text
        it throws away, which for a million-row report costs many seconds.
        """
        client = client_factory()
        read_back = ""
        verified: int | None = None
        try:
            spec = client.spec
            prepared = self.prepare(spec, write=True)
            self.run_id = prepared.run_id
            self.keys = prepared.keys
            self.tally.set_outcomes(prepared.outcomes)
            self.upload_order = {d: list(ids) for d, ids in prepared.upload_order.items()}
            if prepared.new_records:
                self.journal.record(  # before any request: a failure here stops the run unsent
                    self.run_id,
                    prepared.new_records,
                    [self.keys.get(o.row, "") for o in prepared.new_records],
                )
            known = self.tally.outcomes
            if self.on_outcomes is not None and known:
                self.on_outcomes([known[r] for r in sorted(known)])
            size = max(1, spec.batch_size)
            for group, replay in ((prepared.replays, True), (prepared.fresh, False)):
                for destination, leads in self.by_destination(group).items():
                    for start in range(0, len(leads), size):
                        self.batches.append(_Batch(leads[start : start + size], replay, destination))
            self.pacer = shared_pacer(
                (spec.id, self.job.account, spec.base_url()), spec.rate, clock=self.clock
            )
            self.emit(force=True)
            await self.drive(client, spec)
            if self.job.update_existing and not self.control.stopping:
                self.control.fatal = await run_update_step(
                    self.job,
                    client,
                    journal=self.journal,
                    run_id=self.run_id,
                    keys=self.keys,
                    leads=self.leads_by_row,
                    outcomes=self.tally.outcomes,
                    caller=PacedCaller(
                        spec.rate,
                        cancel=self.cancel,
                        clock=self.clock,
                        backoff_base=self.tuning.backoff_base,
                        pacer=self.pacer,
                    ),
                    show=self.show,
                    on_progress=lambda done, total: self.emit(
                        force=done in (0, total), message=f"Updating leads already there: {done} of {total}"
                    ),
                )
            if (
                spec.has_read_back
                and not self.control.fatal
                and not self.control.cancelled
                and self.upload_order
            ):
                read_back, verified = await self.confirm(client)
        finally:
            await client.aclose()
        note = self.control.fatal or (CANCELLED_NOTE if self.control.cancelled else "")
        summary = self.tally.summary(note=note, verified=verified)
        if not self.unjournaled:
            # Not after a row's answer went unrecorded: the run must stay resumable ("running").
            await self.write(lambda: self.journal.finish_run(self.run_id, summary, note))
        self.emit(force=True, message=self.final_message(summary))
        self.report = RunReport(
            self.run_id,
            summary,
            dict(self.tally.outcomes),
            read_back,
            self.control.fatal,
            self.requests,
            self.rate_limited,
            storage=self.storage.stopped if self.storage.message else "",
            destinations=self.destination_counts(),
            row_destinations=dict(self.row_dest) if self.job.routes else {},
        )

    async def drive(self, client: ProviderClient, spec: ProviderSpec) -> None:
        """Run the workers and the progress ticker; cut off in-flight requests after a cancel."""
        workers = [
            asyncio.create_task(self.worker(client))
            for _ in range(min(spec.rate.max_in_flight, len(self.batches)))
        ]
        ticker = asyncio.create_task(self.ticker())
        cancelled_at: float | None = None
        try:
            pending = set(workers)
            while pending:
                done, pending = await asyncio.wait(pending, timeout=self.tuning.tick)
                for task in done:
                    error = None if task.cancelled() else task.exception()
                    if error is not None:
                        raise error
                if self.control.cancelled and cancelled_at is None:
                    cancelled_at = self.clock()
                if cancelled_at is not None and self.clock() - cancelled_at >= self.tuning.cancel_grace:
                    for task in pending:
                        task.cancel()
        finally:
            for task in [*workers, ticker]:
                task.cancel()
            await asyncio.gather(*workers, ticker, return_exceptions=True)

    async def worker(self, client: ProviderClient) -> None:
        """Take batches off the one queue until it is empty or the run stops."""
        while self.batches and not self.control.stopping:
            await self.send_batch(client, self.batches.popleft())

    async def send_batch(self, client: ProviderClient, batch: _Batch) -> None:
        """Send one batch until every row has a final outcome, or the run stops."""
        assert self.pacer is not None
        tuning = self.tuning
        leads, replay = list(batch.leads), batch.replay
        attempts = limited = 0
        while leads:
            if not await self.control.gate():
                return
            slot = await self.pacer.wait(
                lambda: self.control.stopping or self.control.paused, tick=tuning.tick
            )
            if slot is None:
                continue  # paused or stopping: the gate decides
            rows = [lead.row for lead in leads]
            keys = [self.keys.get(r, "") for r in rows]
            # A routed run journals each request's campaign: a resume and undo find it there.
            routed_to = batch.destination if self.job.routes else ""
            mark = functools.partial(self.journal.mark_sending, self.run_id, rows, keys, routed_to)
            if not await self.write(mark):
                return  # the run ended while the journal could not be written: these rows never left
            try:
                result = await self.timed_send(client, leads, replay, slot, batch.destination)
            except (FatalProviderError, NotFoundError) as exc:
                await self.release(rows, replay)
                self.control.fatal = self.control.fatal or str(exc)
                return
            except RateLimited as exc:
                await self.release(rows, replay)
                self.requests += 1
                self.rate_limited += 1
                limited += 1
                wait = exc.retry_after
                if wait is None:
                    wait = self.control.backoff(limited, base=tuning.rate_limit_wait)
                self.pacer.on_rate_limited(wait, sent_at=slot.at)
                self.waiting_until = max(self.waiting_until, self.clock() + wait)
                if limited > tuning.max_rate_limited:
                    reason = f"{exc} Gave up after {limited} tries."
                    await self.land(
                        [RowOutcome(r, Status.FAILED, reason, retryable=replay) for r in rows], keys
                    )
                    return
                continue
            except TransientError as exc:
                self.requests += 1
                attempts += 1
                replay = True  # the request may have landed: resend in the form the provider dedupes
                if attempts >= tuning.max_attempts:
                    reason = (
                        f"{exc} Gave up after {attempts} attempts; the last answer was lost, so the "
                        f"lead may be in {client.spec.label} anyway."
                    )
                    await self.land(
                        [RowOutcome(r, Status.FAILED, reason, retryable=True) for r in rows], keys
                    )
                    return
                await self.control.sleep(self.control.backoff(attempts))
                continue
            except ProviderError as exc:
                # A batch-level refusal that is not about the key, the pace or the server.
                self.requests += 1
                await self.land(
                    [RowOutcome(r, Status.FAILED, str(exc), retryable=replay) for r in rows], keys
                )
                return
            self.requests += 1
            self.pacer.on_success(result.remaining, result.retry_after)
            by_row = {o.row: o for o in result.outcomes}
            final: list[RowOutcome] = []
            retry: list[Lead] = []
            for lead in leads:
                outcome = by_row.get(lead.row)
                if outcome is None:
                    final.append(
                        RowOutcome(lead.row, Status.FAILED, "The provider's answer did not cover this row.")
                    )
                elif (
                    outcome.status is Status.FAILED
                    and outcome.retryable
                    and attempts + 1 < tuning.max_attempts
                ):
                    retry.append(lead)
                else:
                    final.append(outcome)
            await self.land(final, [self.keys.get(o.row, "") for o in final])
            if not retry:
                return
            await self.release([lead.row for lead in retry], replay)
            attempts += 1
            leads = retry
            await self.control.sleep(self.control.backoff(attempts))

    async def timed_send(
        self, client: ProviderClient, leads: Sequence[Lead], replay: bool, slot: Slot, destination: str
    ) -> BatchResult:
        """Send, and tell the limiter how late the request left and how long it took."""
        assert self.pacer is not None
        sent_at = self.clock()
        try:
            return await client.send(
                leads, destination or self.job.destination, self.job.options, replay=replay
            )
        finally:
            self.pacer.on_answer(slot, sent_at, self.clock())

    async def release(self, rows: Sequence[int], replay: bool) -> None:
        """Mark rows pending again after an answer that did nothing (429, 401, a retryable failure).

        Not after an earlier attempt whose answer was lost (``replay``): that one may have
        landed, so the rows stay ``sending`` and a resume replays them. If the journal cannot
        take it, they stay ``sending`` too: a replay of a request that did nothing is harmless.
        """
        if not replay:
            await self.write(lambda: self.journal.release(self.run_id, rows))

    async def land(self, outcomes: Sequence[RowOutcome], keys: Sequence[str]) -> None:
        """Journal outcomes (committed), then show them.

        While the journal cannot be written the outcomes wait here (the run is paused); if the
        run ends first they are still shown and reported (they are true), but the journal keeps
        their rows ``sending``, so a resume replays them in the form the provider deduplicates.
        """
        if not outcomes:
            return
        journaled = False
        try:
            sent = sent_rows(outcomes, keys, self.leads_by_row, APPLIED)
            journaled = await self.write(lambda: self.journal.record(self.run_id, outcomes, keys, sent=sent))
        finally:
            if not journaled:
                self.unjournaled += len(outcomes)
            self.show(outcomes)

    def show(self, outcomes: Sequence[RowOutcome]) -> None:
        """Count outcomes in and pass them on."""
        self.tally.count_in(outcomes)
        for outcome in outcomes:
            if outcome.status is Status.UPLOADED and outcome.provider_id:
                self.upload_order.setdefault(self.dest(outcome.row), []).append(outcome.provider_id)
        if self.on_outcomes is not None:
            self.on_outcomes(list(outcomes))

    # -- the journal on a full or read-only disk ---------------------------------------------

    async def write(self, action: Callable[[], None]) -> bool:
        """Run one journal write; on a full or read-only disk, pause the run and retry it.

        Returns True once the write is committed, False when the run ended (cancelled, fatal,
        or paused longer than ``tuning.storage_wait``) before it could be. Any other journal
        failure propagates and stops the run.
        """
        return await self.storage.write(
            action,
            stopping=lambda: self.control.stopping,
            sleep=self.control.sleep,
            retry=self.tuning.storage_retry,
            wait=self.tuning.storage_wait,
            expire=self.control.expire,
        )

    async def confirm(self, client: ProviderClient) -> tuple[str, int | None]:
        """Ask the provider which uploaded ids it lists, destination by destination."""
        notes: list[str] = []
        found: int | None = None
        for destination, ids in self.upload_order.items():
            note, count = await self.confirm_one(client, destination, ids)
            if note:
                notes.append(f"{destination}: {note}" if self.job.routes else note)
            if count is not None:
                found = (found or 0) + count
        return "; ".join(notes), found

    async def confirm_one(
        self, client: ProviderClient, destination: str, ids: Sequence[str]
    ) -> tuple[str, int | None]:
        """Ask the provider which of ``ids`` it lists in one destination."""
        assert self.pacer is not None
        if await self.pacer.wait(lambda: self.control.stopping, tick=self.tuning.tick) is None:
            return "", None
        self.emit(force=True, message="Checking the campaign...")
        try:
            # The read waits out 429s itself, page by page (http.patiently).
            result = await client.read_back(destination, list(ids))
        except ProviderError as exc:
            return f"could not verify: {exc}", None
        if result is None:
            return "", None
        return result.note, result.found

    # -- progress ---------------------------------------------------------------------------

    async def ticker(self) -> None:
        """A progress event every interval, so a quiet wait (a 429, a pause) still shows."""
        while True:
            await asyncio.sleep(self.tuning.progress_interval)
            self.emit()

    def emit(self, *, force: bool = False, message: str = "") -> None:
        """Send a progress event (:class:`~gui.core.upload_progress.RunTally` decides when)."""
        self.tally.emit(self.status_line, force=force, message=message)

    def status_line(self, now: float, done: int) -> str:
        """What the run is doing, for a progress event that names nothing else."""
        if self.control.cancelled:
            return "Cancelling: waiting for requests in flight..."
        if self.storage.message:
            return self.storage.message
        if self.control.paused:
            return "Paused"
        if self.waiting_until > now:
            return f"The provider asked us to slow down: waiting {self.waiting_until - now:.0f} s"
        return f"Uploading: {done} of {self.job.total_rows} rows"

    def final_message(self, summary: RunSummary) -> str:
        """The last progress line: how the run ended."""
        if self.storage.message and not self.control.fatal:
            return self.storage.stopped
        if self.control.fatal:
            return f"Stopped: {self.control.fatal}"
        if self.control.cancelled:
            return f"Cancelled: {summary.pending} rows not sent (they will be offered next time)"
        return f"Done: {summary.uploaded} uploaded, {summary.failed} failed"
