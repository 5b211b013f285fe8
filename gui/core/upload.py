"""Pure Python: one upload run, start to finish: what the window, the CLI and the self-test call.

:func:`run_upload` is a plain synchronous function; it runs its own asyncio loop with the
provider's ``httpx.AsyncClient`` inside, so the caller (the CLI's main thread or a Qt
worker thread) decides the thread. The loop itself is :mod:`gui.core.upload_engine`; each
row's starting state is :mod:`gui.core.upload_prepare`, what the run tells while it runs is
:mod:`gui.core.upload_progress`, its pause, cancel and waits :mod:`gui.core.upload_control`, and
its pause on a full disk :mod:`gui.core.upload_storage`.

Safety rests on the journal (:mod:`gui.core.journal`): each request's rows are committed
as ``sending`` before it leaves and their outcomes are committed as soon as it answers.
An answer that never came (timeout, reset, 5xx after commit, a crash) is resent with
``replay=True``, the form the provider deduplicates, and the client reports a duplicate
answer to a replay as ``uploaded``. So no row is lost and none is created twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import RowOutcome
from gui.core.journal import Journal
from gui.core.pacing import Clock
from gui.core.providers import get_spec
from gui.core.providers.base import ProviderClient
from gui.core.run_lock import hold_run
from gui.core.update import check_updatable
from gui.core.upload_engine import UploadEngine
from gui.core.upload_job import RunReport, Tuning, UploadJob


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
        engine = UploadEngine(
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
