"""What an upload is asked to do (:class:`UploadJob`, :class:`Tuning`) and what it reports.

The engine that runs a job is :mod:`gui.core.upload`; these are the words the CLI, the GUI and
the tests speak to it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from gui.core.domain import Lead, RowOutcome, RunSummary
from gui.core.pacing import DEFAULT_429_WAIT

#: The reason a dry run gives each row it would send.
DRY_RUN_REASON = "dry run: would upload"
#: The reason a dry run gives a row whose earlier request was never answered.
DRY_RUN_REPLAY_REASON = "dry run: would resend (its earlier request was never answered)"
#: The summary note of a run stopped by the user.
CANCELLED_NOTE = "cancelled"
#: The summary note of a dry run.
DRY_RUN_NOTE = "dry run"


@dataclass(frozen=True)
class UploadJob:
    """Everything one upload needs, built by the mapping layer (CLI or GUI).

    Attributes:
        provider: Provider id.
        destination: Campaign id (or ``list:<id>`` for an Instantly lead list).
        destination_name: Its name, for the history.
        account: The account label (journaled; never the key).
        leads: The valid rows only.
        invalid: Rows that failed validation: row -> reason; recorded ``invalid``, never sent.
        skipped: Rows held back on purpose (the do-not-contact list): row -> reason; recorded
            ``skipped`` and never sent, whatever the other options say.
        total_rows: Rows in the sheet.
        options: Provider options for the run.
        mapping: Header -> field, journaled so a resume can offer the same.
        fingerprint: :func:`gui.core.identity.file_fingerprint` of the file.
        file_name: The file's name, for the history.
        dry_run: Do everything except the sends (and write nothing to the journal).
        resume: Continue the unfinished run of this file to this destination, if any;
            False abandons it and starts afresh.
        skip_already_uploaded: Skip rows an earlier run uploaded to the same destination.
        update_existing: Change leads that are already there (a duplicate answer, or created
            by an earlier run) whose values differ, sending only what changed (:mod:`gui.core.update`).
        routes: Row -> destination for a routed run (:mod:`gui.core.routing`); then
            ``destination`` is the run's label (``route:<column>``) and each lead goes to its
            row's campaign. Empty: every lead goes to ``destination``.
    """

    provider: str
    destination: str
    destination_name: str
    account: str
    leads: tuple[Lead, ...]
    invalid: Mapping[int, str]
    total_rows: int
    options: Mapping[str, bool | str]
    mapping: Mapping[str, str]
    fingerprint: str
    file_name: str
    dry_run: bool = False
    resume: bool = True
    skip_already_uploaded: bool = True
    skipped: Mapping[int, str] = field(default_factory=dict)
    update_existing: bool = False
    routes: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RunReport:
    """What a run did.

    Attributes:
        run_id: The journal's run id (0 for a dry run with nothing to resume).
        summary: The counts; ``note`` is ``cancelled``, ``dry run``, the fatal reason, or empty.
        outcomes: Every row with an outcome; rows absent here are pending.
        read_back: The provider's confirmation in words ("verified 400 of 400 uploaded..."), or "".
        fatal: The reason a 401/402/403 (or a vanished campaign) stopped the run, else "".
        requests: Write requests that got an answer.
        rate_limited: How many of them were answered 429.
        storage: When the run ended while the journal could not be written (disk full,
            read-only folder): "Stopped: disk full: the upload journal <path> cannot be
            written. ..." with what to do; else "". The run stays resumable; rows whose answer
            could not be recorded are replayed on resume in the form the provider deduplicates.
        destinations: For a routed run, destination -> its rows per status (with ``total``),
            in the JSON summary's order; empty otherwise.
        row_destinations: For a routed run, row -> the campaign it went (or goes) to: the
            report's destination column.
    """

    run_id: int
    summary: RunSummary
    outcomes: Mapping[int, RowOutcome]
    read_back: str = ""
    fatal: str = ""
    requests: int = 0
    rate_limited: int = 0
    storage: str = ""
    destinations: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    row_destinations: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Tuning:
    """Knobs of the engine; the defaults suit the real providers, tests shrink the waits.

    Attributes:
        max_attempts: Tries of a batch that fails transiently before its rows are ``failed``.
        max_rate_limited: 429 answers one batch may get before its rows are ``failed``.
        backoff_base: First retry wait in seconds; doubles per attempt, with jitter.
        backoff_cap: The longest retry wait.
        rate_limit_wait: First wait after a 429 that named none; doubles per 429 of a batch.
        progress_interval: Seconds between progress events (0.1: at most 10 per second).
        tick: How often waits look at the cancel token (well under a second).
        cancel_grace: Seconds an in-flight request may take to finish after a cancel before it
            is cut off (its rows then stay ``sending`` in the journal and are replayed on resume).
        seed: Seed of the jitter, for reproducible tests.
        storage_retry: Seconds between tries of a journal write refused by a full or read-only
            disk (the run is paused meanwhile).
        storage_wait: Seconds to stay paused that way before giving up (the run then stops with
            ``fatal``); None waits until the space is back or the user cancels.
    """

    max_attempts: int = 6
    max_rate_limited: int = 12
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    rate_limit_wait: float = DEFAULT_429_WAIT
    progress_interval: float = 0.1
    tick: float = 0.1
    cancel_grace: float = 2.0
    seed: int | None = None
    storage_retry: float = 2.0
    storage_wait: float | None = None
