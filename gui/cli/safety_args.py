"""``upload``'s checks before sending: the campaign's merge tags and the do-not-contact list.

The window and this command ask :mod:`gui.core.safety` the same questions, so a row the
window holds back is one the terminal holds back too. What is terminal-only lives here: the
two options that loosen the checks, the lines printed before anything is sent, and the
refusal to start when the provider's own do-not-contact list cannot be read.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from gui.cli.common import UsageError
from gui.cli.common import say as common_say

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.cancel import CancelToken
    from gui.core.dnc import DncList
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.providers.base import ProviderSpec
    from gui.core.routing import RouteSplit
    from gui.core.routing_checks import RoutedSafety
    from gui.core.safety import CampaignRead, Safety


class ListUnavailable(Exception):  # noqa: N818 - the state the user meets, as in the core
    """The provider's do-not-contact list could not be pulled: the upload must not start (exit 3)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--allow-empty-tags`` and ``--no-provider-list``."""
    parser.add_argument(
        "--allow-empty-tags",
        action="store_true",
        help="send rows whose emails would have an empty merge tag (default: they are invalid)",
    )
    parser.add_argument(
        "--no-provider-list",
        action="store_true",
        help="do not pull the provider's do-not-contact list first; check the local list and the "
        "last pulled copy only",
    )


def run_checks(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    destination: str,
    *,
    key: str,
    options: argparse.Namespace,
    cancel: CancelToken | None = None,
) -> Safety:
    """Pull the provider's list when stale, read the campaign, and check every row against both.

    Every finding is printed on stderr before anything is sent. ``key`` is empty for a dry run
    without one: then nothing is asked of the provider and the lines say what was not checked.

    Raises:
        ListUnavailable: The pull failed and ``--no-provider-list`` was not given (never in a
            dry run, which only says the upload would not start).
        UsageError: The local do-not-contact list cannot be opened.
        Cancelled: Ctrl-C during the pull or the check.
    """
    from gui.core.safety import check_before_upload

    with _fresh_list(spec, key, options, cancel) as dnc:
        campaign = _read(spec, destination, key)
        safety = check_before_upload(
            frame,
            mapping,
            spec,
            campaign,
            dnc,
            **_loosened(options),
            cancel=cancel,
        )
    return _said(safety)


@contextmanager
def _fresh_list(
    spec: ProviderSpec, key: str, options: argparse.Namespace, cancel: CancelToken | None
) -> Iterator[DncList]:
    """The do-not-contact list, with the provider's copy pulled first when stale; closed after."""
    from gui.core.dnc import DncError, DncList

    try:
        dnc = DncList()
    except DncError as exc:
        raise UsageError(f"{exc} Nothing was sent: every upload is checked against it.") from None
    try:
        _refresh(dnc, spec, key, options, cancel)
        yield dnc
    finally:
        dnc.close()


def run_routed_checks(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    split: RouteSplit,
    *,
    key: str,
    options: argparse.Namespace,
    cancel: CancelToken | None = None,
) -> RoutedSafety:
    """:func:`run_checks` for a routed sheet: each destination's emails read and checked on its rows.

    Raises:
        ListUnavailable: As :func:`run_checks`.
        UsageError: As :func:`run_checks`.
        Cancelled: Ctrl-C during the pull or the check.
    """
    from gui.core.routing_checks import check_routed

    with _fresh_list(spec, key, options, cancel) as dnc:
        campaigns = {d: _read(spec, d, key) for d in dict.fromkeys(split.destinations.values())}
        safety = check_routed(
            frame,
            mapping,
            spec,
            campaigns,
            split,
            dnc=dnc,
            **_loosened(options),
            cancel=cancel,
        )
    return _said(safety)


def _loosened(options: argparse.Namespace) -> dict[str, Any]:
    """The two things the command line may change about the checks: the phone region and empty tags."""
    return {"region": options.region, "allow_empty_tags": options.allow_empty_tags}


class _Said(Protocol):
    def lines(self) -> list[str]: ...


SaidT = TypeVar("SaidT", bound=_Said)


def _said(safety: SaidT) -> SaidT:
    """Print every finding on stderr before anything is sent, and pass the checks on."""
    for line in safety.lines():
        say(line)
    return safety


def say(line: str) -> None:
    """One line on stderr, named for the command as every upload message is."""
    common_say("upload", line)


def _refresh(
    dnc: DncList, spec: ProviderSpec, key: str, options: argparse.Namespace, cancel: CancelToken | None
) -> None:
    """Pull the provider's list when older than ten minutes; a failure stops a real upload."""
    from gui.core.dnc_sync import ProviderListUnavailable, age_words, has_list, refresh_before_upload
    from gui.core.providers import make_client

    if not has_list(spec):
        return
    if not key:
        say(
            f"No key for this dry run, so {spec.label}'s do-not-contact list was not pulled; rows are "
            f"checked against the local list ({spec.label}'s copy {age_words(dnc, spec.id)})."
        )
        return
    try:
        note = refresh_before_upload(
            dnc,
            spec,
            lambda: make_client(spec.id, key),
            use_provider_list=not options.no_provider_list,
            cancel=cancel,
        )
    except ProviderListUnavailable as exc:
        if not options.dry_run:
            raise ListUnavailable(f"{exc} (--no-provider-list)") from None
        say(f"{exc} A real upload would not start (see --no-provider-list).")
        return
    if note:
        say(note)


def _read(spec: ProviderSpec, destination: str, key: str) -> CampaignRead:
    """The campaign's emails; a dry run without a key reads nothing and says so."""
    from gui.core.providers import make_client
    from gui.core.safety import CampaignRead, publishes_emails, read_campaign

    if not key and publishes_emails(spec, destination):
        return CampaignRead(None, "No key for this dry run, so the campaign's merge tags were not checked.")
    return read_campaign(spec, destination, lambda: make_client(spec.id, key))
