"""``upload``'s routing options: ``--route-by COLUMN --route "VALUE=ID" ... [--route "*=ID"]``.

One sheet, several campaigns (issue 19): each value of the column goes to its campaign (or, on
Instantly, ``list:<id>``), ``*`` names the default, and a value with neither is skipped with
"no route for COLUMN=VALUE". Values match ignoring case and surrounding spaces
(:mod:`gui.core.routing`). Every routed id is checked against the account's campaigns before
anything is sent.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from gui.cli.common import UsageError

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.domain import Campaign
    from gui.core.providers.base import ProviderSpec
    from gui.core.routing import RouteSplit, RouteTable

EXAMPLE = (
    'leadloader upload leads.csv --provider lemlist --route-by Region --route "EMEA=cam_1" '
    '--route "NA=cam_2" --route "*=cam_3"'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--route-by`` and ``--route``."""
    parser.add_argument(
        "--route-by",
        metavar="COLUMN",
        help="send each row to the campaign its value in COLUMN is routed to (with --route; "
        "not with --campaign or --list)",
    )
    parser.add_argument(
        "--route",
        action="append",
        default=[],
        metavar="VALUE=ID",
        help='route rows whose COLUMN is VALUE (case and spaces ignored) to campaign ID ("list:ID" '
        'for an Instantly list); "*=ID" routes every other value; without it they are skipped',
    )


def table(options: argparse.Namespace) -> RouteTable | None:
    """The route table the options ask for, or None when the upload is not routed.

    Raises:
        UsageError: ``--route`` without ``--route-by`` (or the other way round), routing with
            ``--campaign``/``--list``, or a malformed route.
    """
    from gui.core.routing import RouteTable, RoutingError

    if not options.route_by and not options.route:
        return None
    if options.campaign or options.lead_list:
        raise UsageError(
            "--route-by/--route and --campaign/--list are exclusive: a routed sheet names its "
            "campaigns in the routes"
        )
    if not options.route_by:
        raise UsageError("--route needs --route-by COLUMN (the column whose values are routed)")
    if not options.route:
        raise UsageError(f'--route-by {options.route_by} needs at least one --route "VALUE=ID"')
    try:
        return RouteTable.parse(options.route_by, options.route)
    except RoutingError as exc:
        raise UsageError(str(exc)) from None


def split(frame: pd.DataFrame, routes: RouteTable) -> RouteSplit:
    """Each row's destination; a column the sheet lacks is a usage error naming it."""
    from gui.core.routing import RoutingError, split_rows

    try:
        return split_rows(frame, routes)
    except RoutingError as exc:
        columns = ", ".join(str(c) for c in frame.columns)
        raise UsageError(f"--route-by: {exc} (its columns: {columns})") from None


class RoutesUnchecked(Exception):  # noqa: N818 - the state the user meets, as ListUnavailable
    """The account's campaigns could not be listed to check the routes: nothing is sent (exit 3)."""


def checked_name(routes: RouteTable, found: RouteSplit, spec: ProviderSpec, key: str) -> str:
    """Check the routes against the account (before anything is sent) and name the run for the history.

    A dry run without a key checks nothing and says so.

    Raises:
        UsageError: A routed id the account does not have (naming the value and the id).
        RoutesUnchecked: The campaigns could not be listed (a refused key, the network, a 5xx).
    """
    from gui.core.errors import ProviderError

    if not spec.has_campaign_list:
        raise UsageError(f"{spec.label} has no campaigns to route to: its key is its one campaign")
    if not key:
        print(
            "leadloader upload: no key for this dry run, so the routed ids were not checked.", file=sys.stderr
        )
        return describe(routes, found, {})
    try:
        names = verify(routes, spec, key)
    except ProviderError as exc:
        raise RoutesUnchecked(f"the campaigns could not be listed to check the routes: {exc}") from None
    return describe(routes, found, names)


def verify(routes: RouteTable, spec: ProviderSpec, key: str) -> dict[str, Campaign]:
    """Check every routed id against the account's campaigns; a bad one is a usage error.

    Raises:
        UsageError: The provider has no campaign lists, or does not list a routed id (the
            message names the value and the id; nothing was sent).
        ProviderError: The campaigns could not be listed.
    """
    from gui.core.providers import make_client
    from gui.core.routing import RoutingError, verify_routes

    try:
        return verify_routes(routes, spec, lambda: make_client(spec.id, key))
    except RoutingError as exc:
        raise UsageError(str(exc)) from None


def describe(routes: RouteTable, found: RouteSplit, names: dict[str, Campaign]) -> str:
    """The history's name for a routed run: ``Region: EMEA Outbound (cam_1) 40 rows, ...``."""
    from gui.core.routing import run_name

    return run_name(routes, found.counts, names)


def summary_lines(destinations: Mapping[str, Mapping[str, int]]) -> list[str]:
    """One stderr line per destination: ``cam_1: 40 rows: 38 uploaded, 2 duplicate`` (zeros left out)."""
    from gui.core.routing import destination_lines

    return destination_lines(destinations)
