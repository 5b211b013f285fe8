"""Qt layer: the routed upload's words and rows: one sheet to several campaigns, as the run flow sends it.

The run flow (``flows/run_upload.py``) sends a routed sheet as one run and one journal
(:mod:`gui.core.routing`): the journal files it under ``route:<column>``, so resume, "already
sent" and the history treat it as one destination; each row carries its own campaign. This module
turns the window's :class:`~gui.core.routing.RouteTable` into what the flow needs on the GUI
thread: the run's stand-in destination, the Upload button's words ("Upload 180 rows to 3
campaigns", skipped and held-back rows excluded), and the rows each campaign gets.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gui.core.domain import Campaign
from gui.core.routing import RouteTable, destination_id, match_key, run_name, split_rows

if TYPE_CHECKING:
    import numpy as np

#: Where the user sets the routing, for the hints.
WHERE = "See “Send to several campaigns by a column” on the right."


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def run_campaign(table: RouteTable) -> Campaign:
    """The run's stand-in destination: the journal's ``route:<column>``, named for the words."""
    count = len(table.destinations())
    return Campaign(
        id=table.run_destination, name=f"{count} campaign{'' if count == 1 else 's'} by {table.column}"
    )


@dataclass(frozen=True)
class RoutedRows:
    """The rows an upload sends, split by their campaigns.

    Attributes:
        routes: Row -> destination id, for every row that goes.
        no_route: Row -> "no route for Region=APAC", for rows no campaign takes (``skipped``).
        counts: Destination -> rows it gets (destinations that get none left out).
    """

    routes: Mapping[int, str]
    no_route: Mapping[int, str]
    counts: Mapping[str, int]

    def send_rows(self) -> np.ndarray:
        """The rows that go, in sheet order."""
        import numpy as np

        return np.fromiter(sorted(self.routes), dtype=np.int64, count=len(self.routes))


def split(frame: Any, table: RouteTable, rows: np.ndarray) -> RoutedRows:
    """Give each of ``rows`` its campaign, or the reason it is skipped."""
    found = split_rows(frame, table, rows.tolist())
    counts = {d: n for d, n in found.counts.items() if n}
    return RoutedRows(dict(found.destinations), dict(found.skipped), counts)


def names_of(campaigns: Sequence[Campaign]) -> dict[str, Campaign]:
    """Destination id -> campaign, for the names in the words and the history."""
    return {destination_id(c): c for c in campaigns}


def journal_campaign(table: RouteTable, rows: RoutedRows, campaigns: Sequence[Campaign]) -> Campaign:
    """The run's destination with the history's name ("Region: EMEA Outbound (cam_1) 40 rows, ...")."""
    return Campaign(id=table.run_destination, name=run_name(table, rows.counts, names_of(campaigns)))


def plan(
    frame: Any,
    table: RouteTable,
    campaigns: Sequence[Campaign],
    left: np.ndarray,
    *,
    problems: int,
    done: int,
) -> tuple[str, bool, str]:
    """The Upload button's words, whether it can start, and the hint, for a routed sheet.

    Args:
        frame: The sheet.
        table: The routing.
        campaigns: The account's campaigns (for names and to flag ids it does not list).
        left: Valid rows not held back and not sent yet.
        problems: Rows with problems (not sent).
        done: Rows earlier runs of this sheet already placed.
    """
    if not table.destinations():
        return "Pick a campaign for the values to upload", False, WHERE
    rows = split(frame, table, left)
    names = names_of(campaigns)
    sent = len(rows.routes)
    skipped = (
        f"{_rows(len(rows.no_route))} skipped: no campaign for their {table.column}." if rows.no_route else ""
    )
    if not sent:
        if done and not rows.no_route:
            return "All valid leads are in their campaigns", False, ""
        return "No row has a campaign to go to", False, f"{skipped} {WHERE}".strip()
    if len(rows.counts) == 1:
        only = next(iter(rows.counts))
        where = f"‘{names[only].name}’" if only in names else only
    else:
        where = f"{len(rows.counts)} campaigns"
    text = f"Upload {_rows(sent)} to {where}"
    if problems:
        text += f"  ({_rows(problems)} with problems will be skipped)"
    hints = [skipped] if skipped else []
    if done:
        hints.append(f"{_rows(done)} already added to their campaigns are not sent again.")
    unknown = [d for d in rows.counts if d not in names]
    if unknown:
        hints.append(f"⚠ Not a campaign of this account: {', '.join(unknown)} (the upload will be refused).")
    hints.append("Each campaign's emails are checked on its own rows before anything is sent.")
    return text, True, " ".join(hints)


def rows_by_campaign(frame: Any, table: RouteTable) -> dict[str, list[int]]:
    """Destination -> its rows, in sheet order: the split the preview reuses while the user moves.

    Raises:
        RoutingError: The sheet has no column ``table.column``.
    """
    by_campaign: dict[str, list[int]] = {}
    for row, destination in split_rows(frame, table).destinations.items():
        by_campaign.setdefault(destination, []).append(row)
    return by_campaign


def row_campaign(
    frame: Any,
    table: RouteTable,
    row: int,
    campaigns: Sequence[Campaign],
    by_campaign: Mapping[str, Sequence[int]],
) -> tuple[str, Sequence[int] | None, str] | None:
    """The campaign frame row ``row`` goes to, every row going there, and the preview's words for them.

    The email preview of a routed sheet shows the selected row's campaign and checks only its rows.
    ``by_campaign`` is :func:`rows_by_campaign` of the sheet as it is: the table's selection moves
    with every arrow key, so the whole-sheet split is not done again for each. A row whose value has
    no campaign (and no default) gives "" and why it is not sent; None when the row or the column is
    not in the sheet.
    """
    if not 0 <= row < len(frame) or table.column not in frame.columns:
        return None
    value = str(frame[table.column].iat[row])
    destination = table.routes.get(match_key(value), table.default)
    shown = value.strip() or "(empty)"
    if destination is None:
        return "", None, f"This row is not sent: no campaign for its {table.column} “{shown}”."
    rows = by_campaign.get(destination, ())  # not copied: the preview takes it only for a new campaign
    name = names_of(campaigns).get(destination)
    words = name.name if name is not None else destination
    return destination, rows, f"Rows going to ‘{words}’ ({len(rows):,}, like this row's {shown}):"
