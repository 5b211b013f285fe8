"""Pure Python: what Instantly's bodies mean, without HTTP: targets, add answers, campaign emails.

Where a batch goes (a campaign, or ``list:<id>`` for a lead list), the one delete body that is
safe to send, which row each part of a ``leads/add`` answer speaks of (Instantly gives exact
indexes only for created leads, counters for the rest), a campaign's email steps, and its
numeric status in words. The client (:mod:`gui.core.providers.instantly`) sends and reads;
these functions only read what came back, so they are tested on recorded bodies.

Sources: ``shared/seeds/instantly-add-leads-bulk.md`` (authoritative) and ``shared/providers.md`` §2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gui.core.campaign_text import EmailStep
from gui.core.domain import Lead, RowOutcome, Status
from gui.core.errors import ProviderError
from gui.core.providers.attribution import count_of, email_key, plausible_email
from gui.core.providers.base import LIST_PREFIX

#: The provider id, for errors (the spec itself lives with the client).
PROVIDER = "instantly"

#: Numeric campaign statuses in words (providers.md §2.2).
STATUS_WORDS: dict[int, str] = {
    0: "Draft",
    1: "Active",
    2: "Paused",
    3: "Completed",
    4: "Running Subsequences",
    -1: "Accounts Unhealthy",
    -2: "Bounce Protect",
    -99: "Account Suspended",
}

#: The 200 summary's counters of leads that were not created (providers.md §2.4).
COUNTERS = (
    "invalid_email_count",
    "incomplete_count",
    "duplicate_email_count",
    "in_blocklist",
    "skipped_count",
    "duplicated_leads",
)
REPLAY_REASON = "created by an earlier attempt (Instantly skipped it on replay)"


@dataclass(frozen=True)
class Target:
    """Where a batch goes: ``campaign_id`` or ``list_id``, and the id."""

    key: str
    id: str

    @property
    def is_list(self) -> bool:
        """True for a lead list."""
        return self.key == "list_id"

    @property
    def noun(self) -> str:
        """``campaign`` or ``list``, for messages."""
        return "list" if self.is_list else "campaign"


def target_of(destination: str, *, strict: bool = True) -> Target:
    """Parse a destination: a campaign id, or ``list:<id>`` for a lead list.

    Args:
        destination: What the user picked.
        strict: Raise when no id is given; the payload preview passes False because it is shown
            before a campaign is chosen.
    """
    if destination.startswith(LIST_PREFIX):
        target = Target("list_id", destination[len(LIST_PREFIX) :].strip())
    else:
        target = Target("campaign_id", destination.strip())
    if strict and not target.id:
        raise ProviderError(PROVIDER, "Choose an Instantly campaign or lead list first.")
    return target


def delete_body(target: Target, ids: Sequence[str]) -> dict[str, object]:
    """The body of ``DELETE /api/v2/leads``: always with ``ids``.

    Without ``ids`` Instantly deletes every lead of the campaign or list (providers-next.md §3),
    so an empty list is refused here rather than sent.
    """
    if not ids:
        raise ValueError("an Instantly delete without ids would empty the whole campaign or list")
    return {target.key: target.id, "ids": list(ids)}


def attribute(
    batch: Sequence[Lead], data: Mapping[str, Any], target: Target, *, replay: bool = False
) -> tuple[RowOutcome, ...]:
    """One outcome per lead from a ``leads/add`` summary.

    ``created_leads[].index`` names the created rows exactly. For the rest Instantly gives only
    counters, so the rows are matched to them in this order, and a counter is used only when
    the rows it could describe are exactly as many as it counts:

    1. ``invalid_email_count``: rows whose email is missing (campaign) or malformed -> invalid;
    2. ``incomplete_count`` (lists): rows with no email and no name -> invalid;
    3. ``duplicate_email_count``: rows repeating an earlier row's email in this request -> duplicate.

    The rows left are explained by what is left of the counters: ``duplicated_leads`` alone ->
    duplicate; ``skipped_count`` and/or ``in_blocklist`` alone -> skipped; an invalid counter
    alone -> invalid. On a replay (sent with ``skip_if_in_*``), rows that only the duplicate and
    skip counters explain were most likely created by the lost first attempt -> uploaded. Any
    other mix cannot be pinned to rows: each such row is failed (not retryable: resending would
    not say more) with a reason listing the counters.
    """
    size = len(batch)
    outcomes: dict[int, RowOutcome] = {}
    if not isinstance(data.get("created_leads"), list):
        created_total = count_of(data, "leads_uploaded")
        if created_total == size:
            return tuple(RowOutcome(lead.row, Status.UPLOADED) for lead in batch)
        reason = f"Instantly's answer did not list the created leads ({created_total} of {size} created)"
        return tuple(RowOutcome(lead.row, Status.FAILED, reason) for lead in batch)
    for item in data["created_leads"]:
        if not isinstance(item, dict):
            continue
        index = item.get("index")
        if isinstance(index, int) and 0 <= index < size and index not in outcomes:
            lead_id = item.get("id")
            outcomes[index] = RowOutcome(
                batch[index].row, Status.UPLOADED, provider_id=str(lead_id) if lead_id else ""
            )
    missing = [i for i in range(size) if i not in outcomes]
    counts = {key: count_of(data, key) for key in COUNTERS}

    def pin(key: str, rows: list[int], status: Status, reason: str) -> None:
        if rows and counts[key] == len(rows):
            for i in rows:
                outcomes[i] = RowOutcome(batch[i].row, status, reason)
            missing[:] = [i for i in missing if i not in outcomes]
            counts[key] = 0

    def email(i: int) -> str:
        return batch[i].fields.get("email", "").strip()

    pin(
        "invalid_email_count",
        [i for i in missing if (email(i) or not target.is_list) and not plausible_email(email(i))],
        Status.INVALID,
        "Instantly: invalid or missing email",
    )
    if target.is_list:
        pin(
            "incomplete_count",
            [
                i
                for i in missing
                if not any(batch[i].fields.get(k, "").strip() for k in ("email", "first_name", "last_name"))
            ],
            Status.INVALID,
            "Instantly: a lead in a list needs an email, a first name or a last name",
        )
    first_seen: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for i in range(size):
        key = email_key(email(i))
        if key and key in first_seen:
            repeats[i] = first_seen[key]
        first_seen.setdefault(key, i)
    repeated = [i for i in missing if i in repeats]
    if repeated and counts["duplicate_email_count"] == len(repeated):
        for i in repeated:
            reason = f"the same email is on an earlier row of this request ({email(repeats[i])})"
            outcomes[i] = RowOutcome(batch[i].row, Status.DUPLICATE, reason)
        missing[:] = [i for i in missing if i not in outcomes]
        counts["duplicate_email_count"] = 0
    if missing:
        for i, outcome in zip(missing, _explain(batch, missing, counts, target, replay=replay), strict=True):
            outcomes[i] = outcome
    return tuple(outcomes[i] for i in range(size))


def _explain(
    batch: Sequence[Lead], missing: list[int], counts: Mapping[str, int], target: Target, *, replay: bool
) -> list[RowOutcome]:
    """Outcomes for rows that only the leftover counters can explain (see :func:`attribute`)."""
    dup = counts["duplicated_leads"] + counts["duplicate_email_count"]
    skip = counts["skipped_count"]
    block = counts["in_blocklist"]
    bad = counts["invalid_email_count"] + counts["incomplete_count"]
    rows = [batch[i].row for i in missing]
    enough = dup + skip + block + bad >= len(rows)
    status: Status | None = None
    reason = ""
    if enough and replay and not block and not bad and (dup or skip):
        status, reason = Status.UPLOADED, REPLAY_REASON
    elif enough and dup and not (skip or block or bad):
        status, reason = Status.DUPLICATE, f"already in this {target.noun} (Instantly did not add it again)"
    elif enough and (skip or block) and not (dup or bad):
        parts = []
        if skip:
            parts.append("skipped because of a skip_if_in_... option (already in the workspace)")
        if block:
            parts.append("on the blocklist")
        status, reason = Status.SKIPPED, "Instantly: " + " or ".join(parts)
    elif enough and bad and not (dup or skip or block):
        status, reason = Status.INVALID, "Instantly: invalid or missing email, or no email and no name"
    if status is not None:
        return [RowOutcome(row, status, reason) for row in rows]
    named = ", ".join(f"{key}={counts[key]}" for key in COUNTERS if counts[key]) or "every counter 0"
    reason = (
        f"not created; Instantly gives only counts for these {len(rows)} rows ({named}), "
        "so which reason applies to which row is unknown"
    )
    return [RowOutcome(row, Status.FAILED, reason) for row in rows]


def campaign_steps(data: Any, unknown: Callable[[str], ProviderError]) -> tuple[EmailStep, ...]:
    """The email steps of a ``GET /api/v2/campaigns/{id}`` answer, disabled variants left out.

    Instantly uses only the first sequence (its schema says so). Variants are lettered in
    the order Instantly stores them, disabled ones included, so "variant B" is the B the
    user sees in the app.

    Raises:
        ProviderError: ``unknown(what)``: the answer is not in a shape we know.
    """
    if not isinstance(data, dict):
        raise unknown("not a campaign object")
    sequences = data.get("sequences") or []
    if not isinstance(sequences, list) or (sequences and not isinstance(sequences[0], dict)):
        raise unknown("sequences is not a list of objects")
    items = (sequences[0].get("steps") or []) if sequences else []
    if not isinstance(items, list):
        raise unknown("the sequence's steps are not a list")
    steps: list[EmailStep] = []
    for number, item in enumerate(items, start=1):
        variants = item.get("variants") if isinstance(item, dict) else None
        if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
            raise unknown(f"step {number} has no list of variants")
        for letter, variant in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", variants, strict=False):
            if variant.get("v_disabled") is True:
                continue
            subject, body = variant.get("subject") or "", variant.get("body") or ""
            if not isinstance(subject, str) or not isinstance(body, str):
                raise unknown(f"step {number}'s subject or body is not text")
            label = f"step {number}, variant {letter}" if len(variants) > 1 else f"step {number}"
            steps.append(EmailStep(number, label, subject, body))
    return tuple(steps)


def status_words(status: object) -> str:
    """A campaign status in words (:data:`STATUS_WORDS`); an unknown number says its number."""
    if isinstance(status, bool):
        return str(status)
    if isinstance(status, int):
        return STATUS_WORDS.get(status, f"status {status}")
    return str(status or "")
