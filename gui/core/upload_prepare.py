"""Pure Python: a run's starting state, worked out before its first request.

Each row starts in one of four states: held back (invalid, skipped), done in an earlier part
of a resumed run (kept as the journal has it), to replay (its answer was lost, so it is sent
in the form the provider deduplicates), or fresh. A dry run asks exactly this and stops, so
what it shows is what the real run would do; the engine (:mod:`gui.core.upload`) sends the
rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from gui.core.domain import Lead, RowOutcome, Status
from gui.core.identity import lead_key
from gui.core.journal import Journal
from gui.core.providers.base import ProviderSpec
from gui.core.update import preview_updates
from gui.core.upload_job import DRY_RUN_REASON, DRY_RUN_REPLAY_REASON, UploadJob

#: Outcomes an earlier part of a resumed run leaves standing.
KEPT = (Status.UPLOADED, Status.UPDATED, Status.DUPLICATE, Status.SKIPPED)


@dataclass
class Prepared:
    """One run's starting state.

    Attributes:
        run_id: The journal's run (0 in a dry run with nothing to resume).
        outcomes: Rows whose outcome is known before any send.
        fresh: Leads to send for the first time.
        replays: Leads whose earlier answer was lost: sent in the form the provider dedupes.
        keys: Each lead's identity key (:func:`~gui.core.identity.lead_key`).
        new_records: Outcomes the journal does not hold yet (written before the first request).
        upload_order: Destination -> provider ids uploaded there before, in upload order.
        row_dest: Row -> its campaign in a routed run (a row sent before keeps the one it went to).
    """

    run_id: int
    outcomes: dict[int, RowOutcome]
    fresh: list[Lead]
    replays: list[Lead]
    keys: dict[int, str] = field(default_factory=dict)
    new_records: list[RowOutcome] = field(default_factory=list)
    upload_order: dict[str, list[str]] = field(default_factory=dict)
    row_dest: dict[int, str] = field(default_factory=dict)


def by_destination(leads: Sequence[Lead], row_dest: Mapping[int, str], default: str) -> dict[str, list[Lead]]:
    """Leads grouped by campaign, each group in sheet order: one request never mixes two."""
    groups: dict[str, list[Lead]] = {}
    for lead in leads:
        groups.setdefault(row_dest.get(lead.row, default), []).append(lead)
    return groups


def prepare_run(job: UploadJob, journal: Journal, spec: ProviderSpec, *, write: bool) -> Prepared:
    """Work out each row's starting state: invalid, done before, already uploaded, or to send.

    With ``write`` (a real run) a new run is started in the journal (abandoning an unfinished
    one the job does not resume); without it (a dry run) nothing is written.
    """
    keys = {lead.row: lead_key(lead, spec) for lead in job.leads}
    prior: dict[int, RowOutcome] = {}
    prior_keys: dict[int, str] = {}
    unanswered: set[int] = set()
    prior_dest: dict[int, str] = {}
    run_id = 0
    record = journal.find_resumable(job.fingerprint, job.provider, job.destination)
    if record is not None and job.resume:
        run_id = record.id
        known = journal.run_rows(run_id)
        prior, prior_keys, unanswered = known.states, known.keys, known.unanswered
        prior_dest = known.destinations
    elif write:
        if record is not None:
            journal.abandon(record.id)
        run_id = journal.start_run(
            fingerprint=job.fingerprint,
            file_name=job.file_name,
            provider=job.provider,
            account=job.account,
            destination=job.destination,
            destination_name=job.destination_name,
            mapping=job.mapping,
            options=job.options,
            total=job.total_rows,
        ).id

    outcomes: dict[int, RowOutcome] = {}
    new_records: list[RowOutcome] = []
    for row, reason in job.invalid.items():
        outcome = RowOutcome(row, Status.INVALID, reason)
        outcomes[row] = outcome
        if prior.get(row) != outcome:
            new_records.append(outcome)
    # A row sent before (done, or unanswered) belongs to the campaign its request went to,
    # whatever the route table says now: a resume must replay it there, and only there.
    answered_elsewhere = {r for r, o in prior.items() if o.status in KEPT}
    pinned = unanswered | {r for r, o in prior.items() if o.status is Status.FAILED and o.retryable}
    row_dest = dict(job.routes)
    row_dest.update({r: d for r, d in prior_dest.items() if r in pinned or r in answered_elsewhere})

    def dest(row: int) -> str:
        return row_dest.get(row, job.destination)

    candidates: list[Lead] = []
    upload_order: dict[str, list[str]] = {}
    for lead in job.leads:
        before = prior.get(lead.row)
        if (
            before is not None
            and before.status in KEPT
            and prior_keys.get(lead.row, "") in ("", keys[lead.row])
        ):
            outcomes[lead.row] = before
            if before.status is Status.UPLOADED and before.provider_id:
                upload_order.setdefault(dest(lead.row), []).append(before.provider_id)
        elif lead.row not in job.skipped:
            candidates.append(lead)
    for row, reason in job.skipped.items():
        if row in outcomes and outcomes[row].status is not Status.INVALID:
            continue  # sent (or held back) before it was listed: its outcome stands
        outcome = RowOutcome(row, Status.SKIPPED, reason)
        outcomes[row] = outcome
        if prior.get(row) != outcome:
            new_records.append(outcome)
    if job.skip_already_uploaded and candidates:
        earlier = {
            (destination, key): when
            for destination, group in by_destination(candidates, row_dest, job.destination).items()
            for key, when in journal.already_uploaded(
                job.provider, destination, [keys[c.row] for c in group], exclude_run=run_id or None
            ).items()
        }
        if earlier:
            remaining: list[Lead] = []
            for lead in candidates:
                when = earlier.get((dest(lead.row), keys[lead.row]))
                if when is None:
                    remaining.append(lead)
                    continue
                outcome = RowOutcome(lead.row, Status.SKIPPED, f"already uploaded on {when}")
                outcomes[lead.row] = outcome
                new_records.append(outcome)
            candidates = remaining
    # A row that failed after its answer was lost (retryable failure) may have landed too,
    # in this run or an earlier one to the same destination.
    unanswered |= {r for r, o in prior.items() if o.status is Status.FAILED and o.retryable}
    for destination, group in by_destination(candidates, row_dest, job.destination).items():
        maybe = journal.unconfirmed(
            job.provider, destination, [keys[c.row] for c in group], exclude_run=run_id or None
        )
        unanswered |= {c.row for c in group if keys[c.row] in maybe}
    fresh = [c for c in candidates if c.row not in unanswered]
    replays = [c for c in candidates if c.row in unanswered]
    return Prepared(run_id, outcomes, fresh, replays, keys, new_records, upload_order, row_dest)


def dry_run_outcomes(
    prepared: Prepared, job: UploadJob, spec: ProviderSpec, journal: Journal
) -> dict[int, RowOutcome]:
    """What a dry run says of each row: its known outcome, or ``pending`` with what would be sent.

    A row to replay says so (:data:`~gui.core.upload_job.DRY_RUN_REPLAY_REASON`); with
    ``update_existing`` the leads already there say which fields would change.
    """
    outcomes = dict(prepared.outcomes)
    for lead in prepared.replays:
        outcomes[lead.row] = RowOutcome(lead.row, Status.PENDING, DRY_RUN_REPLAY_REASON)
    for lead in prepared.fresh:
        outcomes[lead.row] = RowOutcome(lead.row, Status.PENDING, DRY_RUN_REASON)
    if job.update_existing:
        outcomes.update(preview_updates(job, spec, journal, prepared.keys, outcomes))
    return outcomes
