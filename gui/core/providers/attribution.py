"""Pure Python: turning a bulk answer back into one outcome per row.

Bulk providers (Instantly, SendPilot) answer with counters and a few indexes rather than a
status per lead. These helpers hold the rules both of them share: which row a whole-request
400 names, and the keys rows are compared on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from gui.core.domain import Lead, RowOutcome, Status

# "body/leads/3 must NOT have additional properties" (AJV, Instantly), "leads.3.linkedinUrl must
# be a URL" (class-validator, SendPilot), "leads[3]" (other validators).
_LEAD_INDEX = re.compile(r"leads(?:/|\.|\[)(\d+)")


def index_named(message: str, size: int) -> int | None:
    """The position of the lead a validation message names, when it names exactly one in range."""
    found = {int(m) for m in _LEAD_INDEX.findall(message)}
    if len(found) != 1:
        return None
    (index,) = found
    return index if 0 <= index < size else None


def whole_request_rejected(batch: Sequence[Lead], label: str, reason: str) -> tuple[RowOutcome, ...]:
    """Outcomes for a 400 that rejected the whole request.

    When the message names one lead (``body/leads/3``), that row is invalid and the others
    failed *retryable*: nothing of the request was applied, so the engine can resend them
    without the bad one. Otherwise the request as a whole is malformed and every row is
    invalid with the provider's words.
    """
    reason = reason or "Bad request"
    bad = index_named(reason, len(batch))
    if bad is None:
        return tuple(RowOutcome(lead.row, Status.INVALID, f"{label}: {reason}") for lead in batch)
    return tuple(
        RowOutcome(lead.row, Status.INVALID, f"{label}: {reason}")
        if i == bad
        else RowOutcome(
            lead.row,
            Status.FAILED,
            f"not sent: {label} refused the whole request because of another row in it",
            retryable=True,
        )
        for i, lead in enumerate(batch)
    )


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def count_of(data: Mapping[str, Any], key: str) -> int:
    """A counter of a bulk answer (``duplicated_leads``...): a positive int, else 0."""
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def email_key(value: str) -> str:
    """An email as providers compare it: trimmed and lower-cased."""
    return value.strip().lower()


def plausible_email(value: str) -> bool:
    """A loose syntax check (something@domain.tld): what any provider will at least require."""
    return bool(_EMAIL.fullmatch(value.strip()))


def linkedin_key(url: str) -> str:
    """A LinkedIn profile URL reduced to what identifies the profile.

    ``https://www.linkedin.com/in/John-Doe/?trk=x``, ``uk.linkedin.com/in/john-doe`` and
    ``linkedin.com/in/john-doe`` all give ``linkedin.com/in/john-doe``: scheme, ``www.`` or a
    country subdomain, query, fragment and trailing slashes go, case is folded, escapes are
    decoded. SendPilot does not document its own normalisation (providers.md §3.3).
    """
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if host.endswith("linkedin.com"):
        host = "linkedin.com"
    path = unquote(parts.path).rstrip("/")
    return f"{host}{path}".lower()
