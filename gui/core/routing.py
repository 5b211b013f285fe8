"""Pure Python: one sheet, several campaigns: the route table and the split of rows by it.

A sales-ops sheet is rarely for one campaign: rows are split by region, language or owner.
A :class:`RouteTable` names a column and, for each of its values, a destination of the chosen
provider (a campaign id, or ``list:<id>`` for an Instantly lead list), with a default for the
values it does not list, or none: such rows are ``skipped`` ("no route for region=APAC").

Values match as a user reads them, not as bytes: surrounding spaces are dropped, runs of inner
spaces count as one, and case is ignored (``casefold``), so "EMEA", "emea " and "Emea" are one
value, the one a routing table shows once with their rows added up. A sheet whose "de" and "DE"
mean different things is rare enough that asking the user to type both is the worse default.

Everything here is vectorised with pandas: a 100k-row column with 5,000 distinct values is split
and counted in well under a second, which is what the window's routing table needs to stay live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gui.core.domain import FINAL_STATUSES, RowOutcome, Status
from gui.core.errors import LeadLoaderError
from gui.core.providers import list_campaigns

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.domain import Campaign
    from gui.core.providers.base import ProviderClient, ProviderSpec

#: The route value that stands for "every value not listed".
DEFAULT_VALUE = "*"

#: The run-level destination a routed run is journaled under (its rows carry their own campaigns).
ROUTED_PREFIX = "route:"

#: What the user can do about a route to an unknown id, in the terminal's words.
CLI_NEXT = "see: leadloader campaigns"

#: How an empty cell is named in a reason ("no route for region=(empty)").
EMPTY_WORDS = "(empty)"


class RoutingError(LeadLoaderError):
    """A route table that cannot be used.

    A bad ``VALUE=ID``, a value routed twice, a missing column, or a destination the provider's
    account does not have.
    """


def match_key(value: str) -> str:
    """The form two spellings of one value share: trimmed, inner spaces collapsed, case folded."""
    return " ".join(str(value).split()).casefold()


@dataclass(frozen=True)
class RouteTable:
    """Which destination each value of one column goes to.

    Attributes:
        column: The sheet's column (its header as loaded).
        routes: :func:`match_key` of a value -> destination id.
        default: Destination for values not in ``routes``; None skips those rows.
        spelling: :func:`match_key` -> the value as the user wrote it, for messages.
    """

    column: str
    routes: Mapping[str, str]
    default: str | None = None
    spelling: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, column: str, items: Iterable[str]) -> RouteTable:
        """Read ``VALUE=ID`` items (``*=ID`` for the default), as ``--route`` takes them.

        The split is at the *last* ``=``: campaign ids never contain one, a value may ("a=b=cam_1"
        routes the value "a=b").

        Raises:
            RoutingError: An item without ``=`` or an id, or one value given two destinations.
        """
        routes: dict[str, str] = {}
        spelling: dict[str, str] = {}
        default: str | None = None
        for item in items:
            value, sep, destination = item.rpartition("=")
            destination = destination.strip()
            if not sep or not destination:
                raise RoutingError(f"a route is VALUE=ID (or *=ID for the default), not {item!r}")
            if value.strip() == DEFAULT_VALUE:
                if default is not None and default != destination:
                    raise RoutingError(f"two defaults: *={default} and *={destination}")
                default = destination
                continue
            key = match_key(value)
            if key in routes and routes[key] != destination:
                raise RoutingError(
                    f"{spelling[key]!r} is routed twice: to {routes[key]} and to {destination}"
                    " (values match ignoring case and spaces)"
                )
            routes[key] = destination
            spelling.setdefault(key, value.strip())
        if not routes and default is None:
            raise RoutingError("no routes given")
        return cls(column, routes, default, spelling)

    def destinations(self) -> list[str]:
        """Each destination once, in the order the routes name them (the default last)."""
        out = list(dict.fromkeys(self.routes.values()))
        if self.default is not None and self.default not in out:
            out.append(self.default)
        return out

    def values_for(self, destination: str) -> list[str]:
        """The values (as written) routed to ``destination``; ``*`` when it is the default."""
        out = [self.spelling.get(k, k) for k, d in self.routes.items() if d == destination]
        if destination == self.default:
            out.append(DEFAULT_VALUE)
        return out

    @property
    def run_destination(self) -> str:
        """What the journal files the run under: one resumable run per file and route column."""
        return f"{ROUTED_PREFIX}{self.column}"


@dataclass(frozen=True)
class RouteSplit:
    """Each row's destination under a route table.

    Attributes:
        destinations: Row position -> destination, for every routed row.
        skipped: Row position -> "no route for region=APAC", for rows with no route and no default.
        counts: Destination -> rows routed there, in :meth:`RouteTable.destinations` order.
    """

    destinations: Mapping[int, str]
    skipped: Mapping[int, str]
    counts: Mapping[str, int]


@dataclass(frozen=True)
class ValueCount:
    """One distinct value of the route column, as a routing table lists it.

    Attributes:
        value: The first spelling the sheet uses ("" for empty cells).
        key: Its :func:`match_key`, the key of :attr:`RouteTable.routes`.
        rows: Rows with this value in any spelling.
    """

    value: str
    key: str
    rows: int


def _cells(frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as text (missing cells empty); raises :class:`RoutingError` when it is absent.

    A text file's column (pandas' string dtype) is text already and stays as it is: turning a
    million arrow-backed cells into Python strings would cost a pass over the column on the GUI
    thread, where the routed preview splits the sheet, and change no result.
    """
    import pandas as pd

    if column not in frame.columns:
        raise RoutingError(f"the sheet has no column {column!r} to route by")
    series = frame[column]
    if isinstance(series.dtype, pd.StringDtype):
        return series.fillna("") if series.hasnans else series
    cells: pd.Series = series.astype(object).where(series.notna(), "").astype(str)
    return cells


def _keys(cells: pd.Series) -> pd.Series:
    """:func:`match_key` of every cell, worked out once per distinct spelling (vectorised)."""
    import numpy as np
    import pandas as pd

    codes, spellings = pd.factorize(cells)
    folded = np.array([match_key(v) for v in spellings], dtype=object)
    return pd.Series(folded[codes] if len(codes) else [], index=cells.index, dtype=object)


def distinct_values(frame: pd.DataFrame, column: str) -> list[ValueCount]:
    """The column's distinct values with their row counts, most rows first (then by value).

    Raises:
        RoutingError: The sheet has no such column.
    """
    cells = _cells(frame, column)
    keys = _keys(cells)
    counts = keys.value_counts(sort=False)
    spelled = cells.str.strip().groupby(keys.to_numpy(), sort=False).first()
    table = counts.to_frame("rows").join(spelled.rename("value"))
    table = table.rename_axis("key").reset_index().sort_values(["rows", "key"], ascending=[False, True])
    return [
        ValueCount(str(value), str(key), int(rows))
        for key, rows, value in zip(table["key"], table["rows"], table["value"], strict=True)
    ]


def split_rows(frame: pd.DataFrame, table: RouteTable, rows: Sequence[int] | None = None) -> RouteSplit:
    """Give each row (or each of ``rows``) its destination, or a skip reason when it has none.

    Raises:
        RoutingError: The sheet has no column ``table.column`` (the message names it).
    """
    cells = _cells(frame, table.column)
    if rows is not None:
        positions = list(rows)
        cells = cells.iloc[positions]
    else:
        positions = list(range(len(frame)))
    keys = _keys(cells)
    targets = keys.map(dict(table.routes))
    if table.default is not None:
        targets = targets.fillna(table.default)
    routed = targets.notna().to_numpy()
    position_array = [p for p, ok in zip(positions, routed, strict=True) if ok]
    destinations = dict(zip(position_array, targets[routed].astype(str).tolist(), strict=True))
    skipped: dict[int, str] = {}
    if not routed.all():
        shown = cells[~routed].str.strip().replace("", EMPTY_WORDS)
        reasons = ("no route for " + table.column + "=" + shown).tolist()
        missing = [p for p, ok in zip(positions, routed, strict=True) if not ok]
        skipped = dict(zip(missing, reasons, strict=True))
    tally = targets[routed].value_counts()
    counts = {d: int(tally.get(d, 0)) for d in table.destinations()}
    return RouteSplit(destinations, skipped, counts)


def counts_by_destination(
    destinations: Mapping[int, str], outcomes: Mapping[int, RowOutcome]
) -> dict[str, dict[str, int]]:
    """Rows per destination and status (``total`` first, ``pending`` for rows without an outcome).

    Args:
        destinations: Row -> the campaign it goes (or went) to.
        outcomes: Row -> what happened to it so far.
    """
    names = ["total", *(s.value for s in FINAL_STATUSES), Status.PENDING.value]
    out: dict[str, dict[str, int]] = {}
    for row, destination in sorted(destinations.items()):
        counts = out.setdefault(destination, dict.fromkeys(names, 0))
        outcome = outcomes.get(row)
        counts["total"] += 1
        counts[outcome.status.value if outcome is not None else Status.PENDING.value] += 1
    return out


def run_name(table: RouteTable, counts: Mapping[str, int], names: Mapping[str, Campaign]) -> str:
    """The history's name for a routed run: ``Region: EMEA Outbound (cam_1) 40 rows, ...``.

    Args:
        table: The routes.
        counts: Rows per destination (:attr:`RouteSplit.counts`).
        names: Destination id -> its campaign, when the account's listing is known.
    """
    parts = []
    for destination in table.destinations():
        campaign = names.get(destination)
        label = f"{campaign.name} ({destination})" if campaign is not None and campaign.name else destination
        parts.append(f"{label} {counts.get(destination, 0)} rows")
    return f"{table.column}: " + ", ".join(parts)


def destination_lines(
    destinations: Mapping[str, Mapping[str, int]], names: Mapping[str, str] | None = None
) -> list[str]:
    """One line per destination: ``cam_1: 40 rows: 38 uploaded, 2 duplicate`` (zeros left out).

    Args:
        destinations: :func:`counts_by_destination`'s counts (``RunReport.destinations``).
        names: Destination id -> a name to show instead of the id (the window's words).
    """
    out = []
    for destination, counts in destinations.items():
        parts = [f"{n} {status}" for status, n in counts.items() if status != "total" and n]
        label = (names or {}).get(destination, destination)
        out.append(f"{label}: {counts.get('total', 0)} rows: {', '.join(parts) or 'none'}")
    return out


def destination_id(campaign: Campaign) -> str:
    """The id a route names a campaign or lead list by (as ``leadloader campaigns`` prints it)."""
    return campaign.id if campaign.kind == "campaign" else f"list:{campaign.id}"


def check_destinations(
    table: RouteTable, campaigns: Iterable[Campaign], label: str, *, what_next: str = CLI_NEXT
) -> dict[str, Campaign]:
    """Every destination of the table, looked up in the provider's campaigns; refuse an unknown one.

    Run before anything is sent: a route to a campaign of another account or provider, or a typo,
    would otherwise fail (or worse, land) only once the upload is under way.

    Args:
        table: The routes.
        campaigns: What the provider lists for this key (campaigns and, for Instantly, lists).
        label: The provider's name, for the message.
        what_next: What the user can do, in the front end's words (the CLI names its command).

    Returns:
        Destination id -> its campaign (for names in the history and the report).

    Raises:
        RoutingError: Naming each value whose destination the provider does not list, and the id.
    """
    known = {destination_id(c): c for c in campaigns}
    bad = [d for d in table.destinations() if d not in known]
    if bad:
        parts = [f"{table.column}={', '.join(table.values_for(d))} -> {d}" for d in bad]
        raise RoutingError(
            f"{label} has no campaign or list with the id routed to: {'; '.join(parts)}. "
            f"Nothing was sent ({what_next})."
        )
    return {d: known[d] for d in table.destinations()}


def verify_routes(
    table: RouteTable,
    spec: ProviderSpec,
    client_factory: Callable[[], ProviderClient],
    *,
    what_next: str = CLI_NEXT,
) -> dict[str, Campaign]:
    """List the account's campaigns through the client and check every route against them.

    ``what_next`` is :func:`check_destinations`'.

    Raises:
        RoutingError: The provider has no campaigns to choose from (Aktify: the key is the
            campaign), or a route names an id it does not list.
        ProviderError: The listing failed (a refused key is a :class:`FatalProviderError`).
    """
    if not spec.has_campaign_list:
        raise RoutingError(f"{spec.label} has no campaigns to route to: its key is its one campaign")

    return check_destinations(table, list_campaigns(client_factory), spec.label, what_next=what_next)
