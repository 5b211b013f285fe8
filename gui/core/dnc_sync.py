"""Pure Python: the do-not-contact list kept in step with the providers' own lists.

A pull replaces the local copy of a provider's list in one swap once the whole list is read,
so a kill or a cancel mid-pull keeps the previous copy. Before every upload to a provider
that publishes a list, the copy is pulled again when older than :data:`MAX_AGE`; if that
fails the upload does not start, unless the user chooses to go on with the copy they have.

A push sends local entries to a provider's list in the provider's batch size, paced and
retried like uploads; each accepted batch is recorded before the next is sent, so a push
interrupted and run again sends nothing twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from gui.core.cancel import CancelToken, ProgressCallback, no_progress
from gui.core.dnc import DncList
from gui.core.domain import Progress
from gui.core.errors import AuthError, LeadLoaderError, ProviderError
from gui.core.paced_calls import PacedCaller
from gui.core.pacing import Clock
from gui.core.providers.base import ProviderClient, ProviderSpec

#: A provider's copy older than this is pulled again before an upload.
MAX_AGE = timedelta(minutes=10)


class ProviderListUnavailable(LeadLoaderError):  # noqa: N818 - named for the state the user meets
    """The provider's list could not be read; the upload waits for the user's word."""


@dataclass(frozen=True)
class PullReport:
    """What one pull brought.

    Attributes:
        provider: The provider id.
        entries: Entries in the provider's list now.
        bad: Values the provider holds that are no kind of entry here (skipped, counted).
    """

    provider: str
    entries: int
    bad: int = 0


@dataclass(frozen=True)
class PushReport:
    """What one push did.

    Attributes:
        provider: The provider id.
        pushed: Entries the provider accepted in this push.
        left: Entries still to push (a cancel or a failure stopped it first).
        error: Why it stopped early, empty when it finished.
    """

    provider: str
    pushed: int
    left: int
    error: str = ""


def has_list(spec: ProviderSpec) -> bool:
    """True when the provider publishes a do-not-contact list the app can read and fill."""
    return spec.dnc_push_batch > 0


def age_words(dnc: DncList, provider: str, *, now: datetime | None = None) -> str:
    """How old the provider's copy is, for the message that offers to go on without a pull."""
    pulled = dnc.last_pull(provider)
    if pulled is None:
        return "never pulled"
    minutes = int(((now or datetime.now(UTC)) - pulled).total_seconds() // 60)
    if minutes < 1:
        return "pulled just now"
    if minutes < 120:
        return f"pulled {minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    return f"pulled {hours} hours ago" if hours < 48 else f"pulled {hours // 24} days ago"


def is_stale(dnc: DncList, provider: str, *, now: datetime | None = None) -> bool:
    """True when the provider's copy is missing or older than :data:`MAX_AGE`."""
    pulled = dnc.last_pull(provider)
    return pulled is None or (now or datetime.now(UTC)) - pulled > MAX_AGE


def pull(
    dnc: DncList,
    spec: ProviderSpec,
    client_factory: Callable[[], ProviderClient],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> PullReport | None:
    """Read the provider's whole list and make it the local copy; None when it has no list.

    Raises:
        ProviderError: The list could not be read (the previous copy is kept).
        Cancelled: The user stopped it (the previous copy is kept).
    """

    async def read() -> tuple[str, ...] | None:
        client = client_factory()
        try:
            return await client.pull_do_not_contact(progress or no_progress, cancel)
        finally:
            await client.aclose()

    values = asyncio.run(read())
    if values is None:
        return None
    added = dnc.replace_provider(spec.id, values)
    return PullReport(spec.id, added.added + added.already, len(added.bad))


def refresh_before_upload(
    dnc: DncList,
    spec: ProviderSpec,
    client_factory: Callable[[], ProviderClient],
    *,
    use_provider_list: bool = True,
    cancel: CancelToken | None = None,
) -> str:
    """Pull the provider's list when stale; returns a line for the log, empty when nothing was done.

    Raises:
        AuthError: The provider refused the key (401). Not a list that could not be read:
            going on with the local copy would only meet the same refusal at the first send.
        ProviderListUnavailable: The pull failed otherwise; the message names the reason and
            the age of the copy the user may go on with (``--no-provider-list`` or the
            window's button).
    """
    if not has_list(spec) or not use_provider_list or not is_stale(dnc, spec.id):
        if has_list(spec) and not use_provider_list:
            return f"Using the local copy of {spec.label}'s list ({age_words(dnc, spec.id)})."
        return ""
    try:
        report = pull(dnc, spec, client_factory, cancel=cancel)
    except AuthError:
        raise
    except ProviderError as exc:
        raise ProviderListUnavailable(
            f"{spec.label}'s do-not-contact list could not be read, so the upload did not start: {exc} "
            f"You can go on with the local list and the last copy ({age_words(dnc, spec.id)})."
        ) from None
    return "" if report is None else f"Pulled {spec.label}'s do-not-contact list: {report.entries:,} entries."


def push(
    dnc: DncList,
    spec: ProviderSpec,
    client_factory: Callable[[], ProviderClient],
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    clock: Clock = time.monotonic,
    backoff_base: float = 1.0,
) -> PushReport:
    """Send every local entry the provider does not have yet to its list.

    Entries pulled from this provider are never sent back to it; kinds the provider does not
    take (Instantly: emails and domains only) stay local.
    """
    if not has_list(spec):
        return PushReport(spec.id, 0, 0, f"{spec.label} has no do-not-contact list to push to.")
    caller = PacedCaller(spec.rate, cancel=cancel, clock=clock, backoff_base=backoff_base)
    sink = progress or no_progress
    total = len(dnc.unpushed(spec.id, spec.dnc_push_kinds, limit=-1))

    async def run() -> PushReport:
        client = client_factory()
        pushed = 0
        try:
            while await caller.gate():
                batch = dnc.unpushed(spec.id, spec.dnc_push_kinds, limit=spec.dnc_push_batch)
                if not batch:
                    break
                try:
                    await caller.call(partial(client.push_do_not_contact, batch))
                except ProviderError as exc:
                    return PushReport(spec.id, pushed, total - pushed, str(exc))
                dnc.mark_pushed(spec.id, batch)
                pushed += len(batch)
                sink(Progress(pushed, total, f"{pushed:,} of {total:,} pushed to {spec.label}"))
        finally:
            await client.aclose()
        return PushReport(spec.id, pushed, total - pushed)

    return asyncio.run(run())
