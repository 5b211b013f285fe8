"""Pure Python: the value types every layer passes around.

They are frozen so a worker thread can hand one to the GUI thread without a copy and
without anyone changing it on the way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    """Where a row stands. The names are the contract of reports and the JSON summary."""

    PENDING = "pending"
    UPLOADED = "uploaded"
    #: Already there, and changed in place (``--update-existing``); the reason names the fields.
    UPDATED = "updated"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    INVALID = "invalid"
    FAILED = "failed"


#: The statuses a finished row can have, in the order reports and charts show them.
FINAL_STATUSES: tuple[Status, ...] = (
    Status.UPLOADED,
    Status.UPDATED,
    Status.DUPLICATE,
    Status.SKIPPED,
    Status.INVALID,
    Status.FAILED,
)


class FieldKind(StrEnum):
    """What a lead field holds; validation and value sniffing key on it."""

    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    LINKEDIN = "linkedin"
    US_STATE = "us_state"
    ZIP = "zip"
    TIMEZONE = "timezone"
    DATETIME = "datetime"


@dataclass(frozen=True)
class LeadField:
    """One field a provider accepts for a lead.

    Attributes:
        name: The provider's JSON key (``firstName``, ``first_name``...).
        label: What the user reads in the mapping panel.
        kind: Drives validation and value sniffing.
        required: True when the field alone is required; "one of" rules live on the provider.
        concept: The provider-neutral meaning (``email``, ``first_name``...) so a mapping made
            for one provider carries over to another.
    """

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    concept: str = ""


@dataclass(frozen=True)
class Lead:
    """One row ready to send: provider field values plus custom variables, all text.

    Attributes:
        row: The row's position in the loaded sheet (0-based), so outcomes land on the right row.
        fields: Provider field name to value; empty values are left out.
        custom: Custom-variable name (already sanitised for the provider) to value.
    """

    row: int
    fields: Mapping[str, str]
    custom: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowOutcome:
    """What the provider did with one row.

    Attributes:
        row: The sheet row (as in :class:`Lead`).
        status: Uploaded, duplicate, invalid or failed (never pending).
        reason: Words for the user: the provider's own message where it gave one.
        provider_id: The id the provider gave the new lead, when it returned one.
        retryable: For failed rows, whether sending again may succeed.
    """

    row: int
    status: Status
    reason: str = ""
    provider_id: str = ""
    retryable: bool = False


@dataclass(frozen=True)
class BatchResult:
    """One outcome per input row of a request, in input order."""

    outcomes: tuple[RowOutcome, ...]
    #: Seconds the provider asked us to wait before the next request, if it said so.
    retry_after: float | None = None
    #: Requests left in the provider's window, when it tells (lemlist ``X-RateLimit-Remaining``).
    remaining: int | None = None


@dataclass(frozen=True)
class Campaign:
    """A destination the user can pick: a campaign, or an Instantly lead list.

    Attributes:
        id: The provider's id.
        name: The name the user gave it in the provider's app.
        status: The provider's status in words (``running``, ``paused``, ``Active``...).
        kind: ``campaign`` or ``list``.
        warning: A problem the provider reports on it (lemlist ``errors[0]``), shown next to the name.
    """

    id: str
    name: str
    status: str = ""
    kind: str = "campaign"
    warning: str = ""


@dataclass(frozen=True)
class Progress:
    """A progress event of a long job (loading, validating, uploading).

    Attributes:
        done: Units finished (rows, bytes...).
        total: Units in all, 0 when unknown.
        message: One short line for a status bar.
        counts: Per-status counts during an upload.
        rate: Units per second over the recent past.
        eta_seconds: Time left at that rate, None when unknown.
    """

    done: int
    total: int = 0
    message: str = ""
    counts: Mapping[str, int] = field(default_factory=dict)
    rate: float = 0.0
    eta_seconds: float | None = None

    @property
    def fraction(self) -> float:
        """Share done in 0..1 (0 when the total is unknown)."""
        return min(1.0, self.done / self.total) if self.total else 0.0


@dataclass(frozen=True)
class RunSummary:
    """The counts of a finished (or stopped) run: what the CLI prints as one JSON line."""

    total: int = 0
    uploaded: int = 0
    duplicate: int = 0
    skipped: int = 0
    invalid: int = 0
    failed: int = 0
    seconds: float = 0.0
    #: Leads that were already there and changed in place; always in the JSON line (0 without updates).
    updated: int = 0
    pending: int = 0
    verified: int | None = None
    mapping: Mapping[str, str] | None = None
    note: str = ""
    #: A dry run: ``pending`` counts the rows it would send, which is no failure.
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when every row ended uploaded, updated, duplicate or skipped (exit code 0).

        For a dry run: when no row is invalid or failed, so every row would go.
        """
        return self.invalid == 0 and self.failed == 0 and (self.pending == 0 or self.dry_run)

    def to_json(self) -> str:
        """The one-line JSON summary of DESIGN §3, with the optional keys only when set."""
        out: dict[str, object] = {
            "total": self.total,
            "uploaded": self.uploaded,
            "updated": self.updated,
            "duplicate": self.duplicate,
            "skipped": self.skipped,
            "invalid": self.invalid,
            "failed": self.failed,
            "seconds": round(self.seconds, 3),
        }
        if self.pending:
            out["pending"] = self.pending
        if self.verified is not None:
            out["verified"] = self.verified
        if self.mapping is not None:
            out["mapping"] = dict(self.mapping)
        if self.note:
            out["note"] = self.note
        return json.dumps(out, ensure_ascii=False, separators=(",", ":"))
