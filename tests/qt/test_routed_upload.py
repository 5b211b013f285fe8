"""The routed upload's words and rows, without a window: which campaign a row goes to."""

from __future__ import annotations

import pandas as pd

from gui.core.domain import Campaign
from gui.core.routing import RouteTable
from gui.qt.routed_upload import row_campaign, rows_by_campaign, run_campaign

FRAME = pd.DataFrame(
    {"Email": [f"p{i}@x.com" for i in range(5)], "Region": ["EMEA", " emea", "NA", "", "APAC"]}
)
CAMPAIGNS = [Campaign(id="cam_eu", name="Europe"), Campaign(id="lst_na", name="North America", kind="list")]


def test_a_row_goes_where_its_value_goes_with_every_spelling_of_it() -> None:
    table = RouteTable("Region", {"emea": "cam_eu", "na": "list:lst_na"})
    assert row_campaign(FRAME, table, 1, CAMPAIGNS, rows_by_campaign(FRAME, table)) == (
        "cam_eu",
        [0, 1],
        "Rows going to ‘Europe’ (2, like this row's emea):",
    )
    destination, rows, words = row_campaign(FRAME, table, 2, CAMPAIGNS, rows_by_campaign(FRAME, table))
    assert (destination, rows) == ("list:lst_na", [2]) and "‘North America’" in words


def test_a_row_without_a_campaign_says_why_and_the_default_takes_the_rest() -> None:
    table = RouteTable("Region", {"emea": "cam_eu"})
    assert row_campaign(FRAME, table, 3, CAMPAIGNS, rows_by_campaign(FRAME, table)) == (
        "",
        None,
        "This row is not sent: no campaign for its Region “(empty)”.",
    )
    with_default = RouteTable("Region", {"emea": "cam_eu"}, default="cam_other")
    destination, rows, words = row_campaign(
        FRAME, with_default, 4, CAMPAIGNS, rows_by_campaign(FRAME, with_default)
    )
    assert (destination, rows) == ("cam_other", [2, 3, 4])
    assert "‘cam_other’" in words  # not listed: the id stands for its name


def test_a_row_or_column_not_in_the_sheet_gives_nothing() -> None:
    table = RouteTable("Region", {"emea": "cam_eu"})
    assert row_campaign(FRAME, table, 9, CAMPAIGNS, rows_by_campaign(FRAME, table)) is None
    assert row_campaign(FRAME, RouteTable("Owner", {"x": "cam_eu"}), 0, CAMPAIGNS, {}) is None
    assert run_campaign(table).id == "route:Region"
