"""Pure Python: the upload engine: batches, pacing, retries, pause/cancel, journal, read-back.

:func:`run_upload` is a plain synchronous function; it runs its own asyncio loop with the
provider's ``httpx.AsyncClient`` inside, so the caller (the CLI's main thread or a Qt
worker thread) decides the thread. Inside, up to ``spec.rate.max_in_flight`` workers take
batches from one queue; every request waits for a slot of the key's :class:`~gui.core.pacing.Pacer`,
so a provider's window is kept full with a few requests in flight but never overrun.

Safety rests on the journal (:mod:`gui.core.journal`): each request's rows are committed
as ``sending`` before it leaves and their outcomes are committed as soon as it answers.
An answer that never came (timeout, reset, 5xx after commit, a crash) is resent with
``replay=True``, the form the provider deduplicates, and the client reports a duplicate
answer to a replay as ``uploaded``. So no row is lost and none is created twice.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
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
from gui.core.providers import get_spec
from gui.core.providers.base import ProviderClient, ProviderSpec
from gui.core.routing import counts_by_destination
from gui.core.run_lock import hold_run
from gui.core.update import APPLIED, check_updatable, run_update_step
from gui.core.update_journal import sent_rows
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


def run_upload(
    job: UploadJob,
    client_factory: Callable[[], ProviderClient],
    *,
    journal: Journal | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    on_outcomes: Callable[[Sequence[RowOutcome]], None] | None = None,
    clock: Clock = time.monotonic,
    tuning: Tuning | None = None,
    front_end: str = "LeadLoader",
    on_storage: Callable[[str], None] | None = None,
) -> RunReport:
    """Upload a job's leads; blocks until done, stopped or cancelled.

    One run, one sender: a run being sent holds an OS file lock (:mod:`gui.core.run_lock`)
    for its file, provider and destination, so a second window or command that would send
    or resume the same run raises :class:`RunLocked` naming where it runs, before any request.

    Cancel (``cancel.cancel()``) raises nothing: no new request starts within ``tuning.tick``,
    requests in flight get ``tuning.cancel_grace`` seconds to answer, then the report comes
    back with ``summary.note == "cancelled"`` and the unsent rows counted ``pending``; the
    journal keeps the run resumable (the CLI exits 130 on it). A ``KeyboardInterrupt``
    arriving while the loop runs (Ctrl-C with no handler) propagates after the HTTP client
    is closed; the journal is just as consistent, since every write was already committed.
    Pause (``cancel.pause()``) holds new requests until ``resume()``.

    A fatal answer (401, 402, 403, or 404 for the destination) stops every worker; rows not
    sent stay pending and ``RunReport.fatal`` carries the reason.

    A full disk or a read-only home folder while sending (a journal write fails with
    :data:`~gui.core.journal.DISK_FULL` or :data:`~gui.core.journal.READ_ONLY`) pauses the
    run instead of breaking it: no new request leaves, progress says "Paused: disk full: the
    upload journal <path> cannot be written..." and ``on_storage`` gets the same words (then
    "" once writes work again). The failed write is retried every ``tuning.storage_retry``
    seconds and the run goes on by itself once it succeeds; answers that came in meanwhile
    are held in memory and journaled then, so nothing is sent twice. Cancelled while paused
    (or paused longer than ``tuning.storage_wait``: then ``fatal`` holds the words), the run
    ends with ``RunReport.storage`` set; rows whose answer could not be journaled are still
    ``sending`` in the journal (committed before their request left), so a resume replays
    them in the form the provider deduplicates instead of creating them again.

    A routed job (``job.routes``: row -> campaign, :mod:`gui.core.routing`) is one run and one
    journal: each campaign's leads go in requests of their own (a request never mixes two), all
    paced by the key's one pacer, since the providers limit a key, not a campaign. Each request's
    campaign is journaled with its rows, so a resume replays an unanswered row to the campaign it
    went to (whatever the routes say now) and undo removes each lead from its own campaign; the
    report counts rows per destination.

    Resume: with ``job.resume``, an unfinished run of the same file fingerprint, provider and
    destination continues: rows it recorded uploaded, duplicate or skipped are kept, and rows
    it left ``sending`` (no answer recorded: in flight at a crash) are replayed. Across runs,
    a row whose identity key an earlier run uploaded to the same destination is ``skipped``
    with "already uploaded on YYYY-MM-DD" unless ``job.skip_already_uploaded`` is False.

    A dry run prepares exactly what a run would (resume state, invalid and already-uploaded
    rows) and sends nothing and writes nothing: each row it would send gets a ``pending``
    outcome with :data:`DRY_RUN_REASON`; ``summary.note`` is ``"dry run"`` and
    ``summary.dry_run`` is True (so ``summary.ok`` holds when no row is invalid).

    Args:
        job: What to send where.
        client_factory: Makes the provider client; called inside the engine's event loop
            (an ``httpx.AsyncClient`` belongs to the loop that created it). Not called in a
            dry run.
        journal: The journal to use; default a fresh :class:`Journal` on ``paths.home()``,
            closed at the end.
        progress: Receives :class:`Progress` at most every ``tuning.progress_interval`` s.
        cancel: Cancel and pause switch.
        on_outcomes: Receives row outcomes as they land (first the ones known before any
            send: invalid, skipped, and done in an earlier part of a resumed run).
        on_storage: Called (from the engine's thread) with the pause message when the journal
            cannot be written, and with "" when the run goes on again; the window shows it.
        clock: Monotonic seconds for pacing, rate and timing; it must follow real time, since
            the waits themselves are ``asyncio.sleep``.
        tuning: Retry and timing knobs.
        front_end: Who holds the run's lock, as a second sender reads it ("the LeadLoader window").

    With ``job.update_existing``, leads already there whose values changed are updated after
    the sends (:mod:`gui.core.update`); their rows end ``updated``.

    Raises:
        UpdateRefused: ``job.update_existing`` for a provider that offers no update (nothing sent).
        RunLocked: Another process or window is sending this run (a dry run never locks).
        JournalError: The journal cannot be opened, or written before the first request (the
            run never starts; ``problem`` says disk full or read-only), or a write fails for
            another reason (the run stops; what was committed so far stays, so a later run
            resumes).
    """
    own = journal is None
    jrn = journal if journal is not None else Journal()
    try:
        engine = _Engine(
            job,
            journal=jrn,
            progress=progress,
            cancel=cancel,
            on_outcomes=on_outcomes,
            clock=clock,
            tuning=tuning or Tuning(),
            on_storage=on_storage,
        )
        if job.update_existing:
            check_updatable(get_spec(job.provider), routed=bool(job.routes))
        if job.dry_run:
            return engine.dry_run(get_spec(job.provider))
        with hold_run(job.fingerprint, job.provider, job.destination, front_end=front_end):
            asyncio.run(engine.run(client_factory))
        assert engine.report is not None
        return engine.report
    finally:
        if own:
            jrn.close()


class _Engine:
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
        self.random = random.Random(tuning.seed)
        self.tally = RunTally(
            job.total_rows, progress=progress, interval=tuning.progress_interval, clock=clock
        )
        self.keys: dict[int, str] = {}
        self.run_id = 0
        self.fatal = ""
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
            if self.job.update_existing and not self.stopping:
                self.fatal = await run_update_step(
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
            if spec.has_read_back and not self.fatal and not self.cancelled and self.upload_order:
                read_back, verified = await self.confirm(client)
        finally:
            await client.aclose()
        note = self.fatal or (CANCELLED_NOTE if self.cancelled else "")
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
            self.fatal,
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
                if self.cancelled and cancelled_at is None:
                    cancelled_at = self.clock()
                if cancelled_at is not None and self.clock() - cancelled_at >= self.tuning.cancel_grace:
                    for task in pending:
                        task.cancel()
        finally:
            for task in [*workers, ticker]:
                task.cancel()
            await asyncio.gather(*workers, ticker, return_exceptions=True)

    async def worker(self, client: ProviderClient) -> None:
        while self.batches and not self.stopping:
            await self.send_batch(client, self.batches.popleft())

    async def send_batch(self, client: ProviderClient, batch: _Batch) -> None:
        """Send one batch until every row has a final outcome, or the run stops."""
        assert self.pacer is not None
        tuning = self.tuning
        leads, replay = list(batch.leads), batch.replay
        attempts = limited = 0
        while leads:
            if not await self.gate():
                return
            slot = await self.pacer.wait(lambda: self.stopping or self.paused, tick=tuning.tick)
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
                self.fatal = self.fatal or str(exc)
                return
            except RateLimited as exc:
                await self.release(rows, replay)
                self.requests += 1
                self.rate_limited += 1
                limited += 1
                wait = exc.retry_after
                if wait is None:
                    wait = self.backoff(limited, base=tuning.rate_limit_wait)
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
                await self.sleep(self.backoff(attempts))
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
            await self.sleep(self.backoff(attempts))

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
            stopping=lambda: self.stopping,
            sleep=self.sleep,
            retry=self.tuning.storage_retry,
            wait=self.tuning.storage_wait,
            expire=self.expire,
        )

    def expire(self, words: str) -> None:
        """The storage pause lasted too long: the run stops with its words (unless already fatal)."""
        self.fatal = self.fatal or words

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
        if await self.pacer.wait(lambda: self.stopping, tick=self.tuning.tick) is None:
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

    # -- waiting ----------------------------------------------------------------------------

    @property
    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.cancelled

    @property
    def paused(self) -> bool:
        """Held by the user's pause or by a journal that cannot be written."""
        return bool(self.storage.message) or (self.cancel is not None and self.cancel.paused)

    @property
    def stopping(self) -> bool:
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

    # -- progress ---------------------------------------------------------------------------

    async def ticker(self) -> None:
        while True:
            await asyncio.sleep(self.tuning.progress_interval)
            self.emit()

    def emit(self, *, force: bool = False, message: str = "") -> None:
        """Send a progress event (:class:`~gui.core.upload_progress.RunTally` decides when)."""
        self.tally.emit(self.status_line, force=force, message=message)

    def status_line(self, now: float, done: int) -> str:
        """What the run is doing, for a progress event that names nothing else."""
        if self.cancelled:
            return "Cancelling: waiting for requests in flight..."
        if self.storage.message:
            return self.storage.message
        if self.paused:
            return "Paused"
        if self.waiting_until > now:
            return f"The provider asked us to slow down: waiting {self.waiting_until - now:.0f} s"
        return f"Uploading: {done} of {self.job.total_rows} rows"

    def final_message(self, summary: RunSummary) -> str:
        if self.storage.message and not self.fatal:
            return self.storage.stopped
        if self.fatal:
            return f"Stopped: {self.fatal}"
        if self.cancelled:
            return f"Cancelled: {summary.pending} rows not sent (they will be offered next time)"
        return f"Done: {summary.uploaded} uploaded, {summary.failed} failed"
