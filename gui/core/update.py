"""Pure Python: "update leads that are already there": the step after an upload's sends.

With ``UploadJob.update_existing``, a row the provider answered as a duplicate, or that an
earlier run created in the same destination, is compared with what that lead holds, and
only the fields that differ are sent (providers-next.md §4):

- what it holds is what the newest earlier run sent it (the journal's ``sent`` table), when
  that run created or updated it; otherwise the provider is asked (:meth:`find_existing`),
  which also gives the lead's id when the journal has none;
- an empty cell never clears a value (a blank in the sheet is no instruction), and the
  identity (the email) is never changed: it is how the lead was found;
- a row with no difference stays ``duplicate``; a changed one becomes ``updated`` with the
  fields named ("updated: jobTitle, firstName"); a field the provider refuses, or whose API
  cannot change it, is named in the reason and the rest of the row and run go on.

Each update is committed ``sending`` before it leaves and its answer once it is in
(:mod:`gui.core.update_journal`). After a crash the provider is asked what the lead holds
instead of trusting either: an update that had landed is then found equal and recorded
``updated`` without a second request. Requests are paced and retried like removals
(:class:`~gui.core.paced_calls.PacedCaller`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from gui.core.domain import Lead, RowOutcome, Status
from gui.core.errors import FatalProviderError, LeadLoaderError, ProviderError, TransientError
from gui.core.journal import Journal
from gui.core.paced_calls import PacedCaller
from gui.core.providers.base import Existing, FieldUpdate, LeadChange, ProviderClient, ProviderSpec
from gui.core.providers.client import update_refusal
from gui.core.update_journal import bases, lead_json, mark_updating, record_update, unanswered
from gui.core.upload_job import UploadJob

#: Added to the reason of a row whose lead already holds its values.
UNCHANGED = "nothing changed"
#: Added to the reason of a row whose lead is not (or no longer) in the destination.
GONE = "not found in this destination, so nothing was updated"
#: Said of an update found landed after its answer was lost.
LANDED = "our earlier attempt had reached the provider"


class UpdateRefused(LeadLoaderError):  # noqa: N818 - named for what the user meets, like UndoRefused
    """``--update-existing`` asked of a provider whose API offers no update; nothing was sent."""


#: Why a routed run does not update: the journal's record of what each lead holds is kept per
#: run destination, and a routed run's leads live in several campaigns.
ROUTED_REFUSAL = (
    "Updating leads that are already there works on one campaign or list at a time: "
    "upload to each campaign on its own to update its leads."
)


def check_updatable(spec: ProviderSpec, *, routed: bool = False) -> None:
    """Raise :class:`UpdateRefused` with the words for the user when this run cannot update leads."""
    refusal = update_refusal(spec) or (ROUTED_REFUSAL if routed else "")
    if refusal:
        raise UpdateRefused(refusal)


def diff(lead: Lead, held: Existing, spec: ProviderSpec) -> LeadChange:
    """The non-empty values of ``lead`` that differ from what ``held`` holds (identity fields left out).

    Values are compared as text with the outer spaces trimmed: a cell re-saved with a trailing
    space is no change worth a request.
    """
    identity = {spec.dedupe_field, *(f.name for f in spec.fields if f.concept == "email")}

    def changed(new: Mapping[str, str], old: Mapping[str, str], skip: set[str]) -> dict[str, str]:
        return {
            name: value
            for name, value in new.items()
            if name not in skip and value.strip() and value.strip() != str(old.get(name, "")).strip()
        }

    return LeadChange(
        held.provider_id,
        changed(lead.fields, held.fields, identity),
        changed(lead.custom, held.custom, set()),
        held.custom,
    )


def reason_of(answer: FieldUpdate, *, landed: bool = False) -> str:
    """The row's words: ``updated: a, b`` then, if any, what was not changed and why."""
    parts: list[str] = []
    if answer.changed:
        parts.append("updated: " + ", ".join(answer.changed) + (f" ({LANDED})" if landed else ""))
    grouped: dict[str, list[str]] = {}
    for name, why in {**answer.refused, **answer.unsupported}.items():
        grouped.setdefault(why, []).append(name)
    parts.extend(f"{', '.join(names)} not changed: {why}" for why, names in grouped.items())
    return "; ".join(parts)


class Updater:
    """The update step of one run; lives inside the engine's event loop.

    Args:
        leads: The job's leads by row.
        keys: Identity keys by row.
        provider: Provider id, as the journal has it.
        destination: The run's destination.
        journal: Where updates are committed.
        run_id: The run they belong to.
        caller: Paces and retries the requests (the user's cancel inside).
        on_outcomes: Gets each row's new outcome as it lands.
        on_progress: Gets (rows done, rows to check) after each row.
    """

    def __init__(
        self,
        leads: Mapping[int, Lead],
        keys: Mapping[int, str],
        *,
        provider: str,
        destination: str,
        journal: Journal,
        run_id: int,
        caller: PacedCaller,
        on_outcomes: Callable[[Sequence[RowOutcome]], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> None:
        self.leads = leads
        self.keys = keys
        self.provider = provider
        self.destination = destination
        self.journal = journal
        self.run_id = run_id
        self.caller = caller
        self.on_outcomes = on_outcomes
        self.on_progress = on_progress
        self.done = 0
        self.total = 0
        #: The provider's refusal (key, plan, access) when it stopped the step.
        self.fatal = ""

    async def run(
        self, client: ProviderClient, rows: Sequence[int], outcomes: Mapping[int, RowOutcome]
    ) -> None:
        """Update each row that changed, one lead at a time, until done, cancelled or refused."""
        keys = [self.keys[r] for r in rows]
        self.total = len(rows)
        known = bases(self.journal, self.provider, self.destination, keys)
        lost = unanswered(self.journal, self.provider, self.destination, keys)
        for row in rows:
            if not await self.caller.gate():
                return
            try:
                await self.one(
                    client, row, outcomes[row], known.get(self.keys[row]), lost.get(self.keys[row])
                )
            except FatalProviderError as exc:
                self.fatal = str(exc)
                return

    async def one(
        self,
        client: ProviderClient,
        row: int,
        before: RowOutcome,
        basis: Existing | None,
        in_flight: str | None,
    ) -> None:
        """Look up if need be, diff, send what changed, and commit the row's outcome.

        Args:
            client: The provider client.
            row: The row.
            before: Its outcome so far (duplicate, or skipped as created by an earlier run).
            basis: What the newest earlier run sent the lead, if the journal knows.
            in_flight: The fields (JSON list) of an update of this lead whose answer was lost.
        """
        lead, key = self.leads[row], self.keys[row]
        held = basis
        if in_flight is not None or basis is None or not basis.provider_id:
            try:
                held = await self.caller.call(lambda: client.find_existing(self.destination, lead))
            except FatalProviderError:
                raise
            except (TransientError, ProviderError) as exc:
                failed = RowOutcome(row, Status.FAILED, f"could not look the lead up to update it: {exc}")
                self.land(failed, key, settled=False)
                return
        if held is None or not held.provider_id:  # not there, or named without an id to change it by
            self.land(self.note(before, GONE), key)
            return
        change = diff(lead, held, client.spec)
        if not change.names:
            if in_flight:  # the lost update had landed: the provider holds the row's values
                landed = FieldUpdate(held.provider_id, tuple(json.loads(in_flight)), {})
                now = lead_json({**held.fields, **lead.fields}, {**held.custom, **lead.custom})
                reason = reason_of(landed, landed=True)
                self.land(RowOutcome(row, Status.UPDATED, reason, held.provider_id), key, now)
            else:
                self.land(self.same(before), key)
            return
        names = json.dumps(list(change.names))
        mark_updating(self.journal, self.run_id, row, key, provider_id=held.provider_id, names=names)
        try:
            answer = await self.caller.call(lambda: client.update_lead(self.destination, change))
        except TransientError as exc:
            # Left "sending": the next run asks the provider what the lead holds before sending again.
            failed = RowOutcome(row, Status.FAILED, f"could not update ({', '.join(change.names)}): {exc}")
            self.land(failed, key, settled=False)
            return
        outcome, values = self.answered(before, held, change, answer)
        self.land(outcome, key, values)

    @staticmethod
    def answered(
        before: RowOutcome, held: Existing, change: LeadChange, answer: FieldUpdate
    ) -> tuple[RowOutcome, str | None]:
        """The row's outcome after the provider's answer, and the values the lead holds now (if changed)."""
        if not answer.changed:
            # Nothing taken: failed when the provider refused, else (only fields no route changes) as it was.
            status = Status.FAILED if answer.refused else Status.DUPLICATE
            return RowOutcome(before.row, status, "not updated: " + reason_of(answer), held.provider_id), None
        fields = {**held.fields, **{k: v for k, v in change.fields.items() if k in answer.changed}}
        custom = {**held.custom, **{k: v for k, v in change.custom.items() if k in answer.changed}}
        outcome = RowOutcome(before.row, Status.UPDATED, reason_of(answer), held.provider_id)
        return outcome, lead_json(fields, custom)

    @staticmethod
    def note(before: RowOutcome, words: str) -> RowOutcome:
        """``before`` with ``words`` added to its reason (once: a resumed run may pass here again)."""
        if words in before.reason:
            return before
        reason = f"{before.reason}; {words}" if before.reason else words
        return RowOutcome(before.row, before.status, reason, before.provider_id)

    def same(self, before: RowOutcome) -> RowOutcome:
        """A lead already there holding the row's values: ``duplicate`` (also one an earlier run created)."""
        noted = self.note(before, UNCHANGED)
        return RowOutcome(noted.row, Status.DUPLICATE, noted.reason, noted.provider_id)

    def land(self, outcome: RowOutcome, key: str, values: str | None = None, *, settled: bool = True) -> None:
        """Commit a row's outcome (and the values the lead holds now, when known), then show it.

        ``settled`` is False when the outcome says nothing of what the lead holds (a lookup or
        an update that failed): an update of it left unanswered earlier stays so.
        """
        record_update(self.journal, self.run_id, outcome, key, values, settled=settled)
        self.on_outcomes([outcome])
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(self.done, self.total)


#: Statuses whose values the provider holds after the request (journaled as ``applied``).
APPLIED = frozenset({Status.UPLOADED.value, Status.UPDATED.value})


async def run_update_step(
    job: UploadJob,
    client: ProviderClient,
    *,
    journal: Journal,
    run_id: int,
    keys: Mapping[int, str],
    leads: Mapping[int, Lead],
    outcomes: Mapping[int, RowOutcome],
    caller: PacedCaller,
    show: Callable[[Sequence[RowOutcome]], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> str:
    """Update the run's leads that were already there; the provider's fatal refusal, or "".

    Called by the upload engine once every row has its upload outcome, inside its event loop
    and its run lock. ``show`` counts each new outcome in and passes it to the window or the
    terminal, as the upload's own outcomes are; ``on_progress`` gets (checked, to check).
    """
    updater = Updater(
        leads,
        keys,
        provider=job.provider,
        destination=job.destination,
        journal=journal,
        run_id=run_id,
        caller=caller,
        on_outcomes=show,
        on_progress=on_progress,
    )
    earlier = journal.already_uploaded(
        job.provider, job.destination, [keys[r] for r in leads if r in keys], exclude_run=run_id or None
    )
    rows = candidates(job, keys, outcomes, earlier)
    if rows:
        await updater.run(client, rows, dict(outcomes))
    return updater.fatal


def candidates(
    job: UploadJob, keys: Mapping[int, str], outcomes: Mapping[int, RowOutcome], earlier: Mapping[str, str]
) -> list[int]:
    """Rows to compare: answered duplicate, or skipped because an earlier run created them (``earlier``).

    Rows held back on purpose (the do-not-contact list, ``job.skipped``) are never touched.
    """
    rows: list[int] = []
    for row, outcome in sorted(outcomes.items()):
        if row in job.skipped or outcome.status not in (Status.DUPLICATE, Status.SKIPPED):
            continue
        if outcome.status is Status.DUPLICATE or keys.get(row, "") in earlier:
            rows.append(row)
    return [row for row in rows if row in keys]


def preview_updates(
    job: UploadJob,
    spec: ProviderSpec,
    journal: Journal,
    keys: Mapping[int, str],
    outcomes: Mapping[int, RowOutcome],
) -> dict[int, RowOutcome]:
    """What the update step would do, from the journal alone: a dry run asks the provider nothing.

    A row an earlier run created is ``pending`` "dry run: would update a, b" when its values
    differ from what that run sent, ``duplicate`` when they do not; one the journal cannot
    diff (no values kept, or an update left unanswered) would first be looked up.
    """
    earlier = journal.already_uploaded(job.provider, job.destination, list(keys.values()))
    rows = [r for r in candidates(job, keys, outcomes, earlier) if outcomes[r].status is Status.SKIPPED]
    wanted = [keys[r] for r in rows]
    known = bases(journal, job.provider, job.destination, wanted)
    lost = unanswered(journal, job.provider, job.destination, wanted)
    leads = {lead.row: lead for lead in job.leads}
    out: dict[int, RowOutcome] = {}
    for row in rows:
        basis = known.get(keys[row])
        if basis is None or keys[row] in lost or row not in leads:
            reason = f"dry run: would ask {spec.label} what the lead holds, then update what differs"
            out[row] = RowOutcome(row, Status.PENDING, reason)
            continue
        change = diff(leads[row], basis, spec)
        if change.names:
            out[row] = RowOutcome(row, Status.PENDING, "dry run: would update " + ", ".join(change.names))
        else:
            before = outcomes[row]
            out[row] = RowOutcome(row, Status.DUPLICATE, f"{before.reason}; {UNCHANGED}")
    return out
