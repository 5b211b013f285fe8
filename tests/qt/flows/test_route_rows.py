"""The routing flow alone: a column's values, a campaign each, a default, search, and 5,000 values."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from gui.core.domain import Campaign
from gui.core.routing import RouteTable, match_key, split_rows
from gui.qt.flows.route_rows import SKIP_CHOICE, RouteRowsFlow
from gui.qt.widgets.campaign_picker import CampaignPicker
from gui.qt.widgets.route_values import CAMPAIGN, LIKE_THE_REST, UNASSIGN_CHOICE, VALUE, not_listed_words

CAMPAIGNS = [
    Campaign("cam_emea", "EMEA Outbound", "running"),
    Campaign("cam_na", "NA Outbound", "running"),
    Campaign("cam_rest", "Everyone else", "paused"),
]
LIST = Campaign("lst_1", "Trade show", "", kind="list")


def sheet(regions: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Email": [f"p{i}@example.com" for i in range(len(regions))],
            "Region": regions,
        },
        dtype=object,
    )


@pytest.fixture
def flow(qtbot) -> Iterator[RouteRowsFlow]:
    widget = RouteRowsFlow()
    qtbot.addWidget(widget)
    widget.set_campaigns(CAMPAIGNS, provider="lemlist", label="lemlist", has_lists=False, can_route=True)
    widget.show()
    yield widget


def _on(flow: RouteRowsFlow, frame: pd.DataFrame) -> None:
    flow.set_frame(frame)
    flow.enabled_box.setChecked(True)


def test_off_by_default_it_routes_nothing(flow: RouteRowsFlow) -> None:
    flow.set_frame(sheet(["EMEA", "NA"]))
    assert not flow.enabled_box.isChecked() and not flow.body.isVisible()
    assert flow.route_table() is None
    assert flow.model.rowCount() == 0  # nothing is counted while off


def test_the_values_are_listed_once_with_their_rows_and_a_likely_column_is_offered(
    flow: RouteRowsFlow,
) -> None:
    _on(flow, sheet(["EMEA", " emea", "NA", "APAC", "EMEA"]))
    assert flow.column_combo.currentText() == "Region"  # not Email, the first column
    assert flow.body.isVisible()
    shown = [
        (flow.model.data(flow.model.index(r, VALUE)), flow.model.data(flow.model.index(r, 1)))
        for r in range(flow.model.rowCount())
    ]
    assert shown == [("EMEA", "3"), ("APAC", "1"), ("NA", "1")]
    assert flow.model.data(flow.model.index(0, CAMPAIGN)) == f"{LIKE_THE_REST}: skipped"
    flow.set_default("cam_rest")
    assert flow.model.data(flow.model.index(0, CAMPAIGN)) == f"{LIKE_THE_REST}: Everyone else"


def test_assigning_values_and_a_default_makes_the_route_table_and_says_so(qtbot, flow: RouteRowsFlow) -> None:
    frame = sheet(["EMEA", "EMEA", "NA", "APAC", "LatAm", "LatAm"])
    _on(flow, frame)
    with qtbot.waitSignal(flow.sig_routes_changed) as blocker:
        flow.assign("emea ", "cam_emea")
    table = blocker.args[0]
    assert isinstance(table, RouteTable)
    assert dict(table.routes) == {"emea": "cam_emea"} and table.default is None
    flow.assign("NA", "cam_na")
    assert flow.summary.text() == "2 values to 2 campaigns, 3 rows skipped: no campaign."

    assert flow.default_picker.itemText(0) == SKIP_CHOICE
    with qtbot.waitSignal(flow.sig_routes_changed) as blocker:
        assert flow.set_default("cam_rest")
    table = blocker.args[0]
    assert table.default == "cam_rest"
    assert flow.summary.text() == "2 values to 3 campaigns; every other value (3 rows) to ‘Everyone else’."
    split = split_rows(frame, table)
    assert dict(split.counts) == {"cam_emea": 2, "cam_na": 1, "cam_rest": 3}

    flow.assign("NA", "")  # back to "like every other value"
    assert dict(flow.route_table().routes) == {"emea": "cam_emea"}
    flow.enabled_box.setChecked(False)
    assert flow.route_table() is None


def test_the_campaign_cell_is_edited_with_one_picker_made_on_demand(qtbot, flow: RouteRowsFlow) -> None:
    _on(flow, sheet(["EMEA", "NA"]))
    assert not flow.view.findChildren(CampaignPicker), "no editor exists before a cell is edited"
    index = flow.proxy.index(0, CAMPAIGN)
    flow.view.setCurrentIndex(index)
    flow.view.edit(index)
    editors = flow.view.findChildren(CampaignPicker)
    assert len(editors) == 1
    editor = editors[0]
    assert editor.itemText(0) == UNASSIGN_CHOICE
    assert editor.select("cam_na")
    with qtbot.waitSignal(flow.sig_routes_changed) as blocker:
        editor.activated.emit(editor.currentIndex())
    assert dict(blocker.args[0].routes) == {"emea": "cam_na"}
    assert flow.proxy.index(0, CAMPAIGN).data() == "NA Outbound  ·  running"
    qtbot.waitUntil(lambda: not flow.view.findChildren(CampaignPicker))


def test_a_route_to_an_id_the_account_does_not_list_is_shown_as_such(flow: RouteRowsFlow) -> None:
    _on(flow, sheet(["EMEA"]))
    flow.assign("EMEA", "cam_gone")
    assert flow.model.data(flow.model.index(0, CAMPAIGN)) == not_listed_words("cam_gone")


def test_another_provider_starts_the_routing_over_and_aktify_cannot_route(flow: RouteRowsFlow) -> None:
    _on(flow, sheet(["EMEA", "NA"]))
    flow.assign("EMEA", "cam_emea")
    flow.set_campaigns(CAMPAIGNS, provider="lemlist", label="lemlist", has_lists=False, can_route=True)
    assert flow.model.assignments() == {"emea": "cam_emea"}  # a refresh of the same account keeps them
    flow.set_campaigns([LIST], provider="instantly", label="Instantly", has_lists=True, can_route=True)
    assert flow.model.assignments() == {}
    assert flow.set_default("list:lst_1")  # a lead list is a destination too
    flow.set_campaigns([], provider="aktify", label="Aktify", has_lists=False, can_route=False)
    assert not flow.enabled_box.isEnabled() and not flow.enabled_box.isChecked()
    assert "Aktify has no campaigns to route to" in flow.enabled_box.toolTip()
    assert flow.route_table() is None


def test_a_new_sheet_keeps_the_column_and_recounts(flow: RouteRowsFlow) -> None:
    _on(flow, sheet(["EMEA", "NA"]))
    flow.assign("EMEA", "cam_emea")
    frame = sheet(["EMEA", "EMEA", "DACH"])
    flow.set_frame(frame)
    assert flow.column_combo.currentText() == "Region"
    assert flow.model.assignments() == {"emea": "cam_emea"}
    frame.loc[2, "Region"] = "EMEA"  # an edit in the table: the window asks for a recount
    flow.refresh_values()
    assert [(v.value, v.rows) for v in flow.model.values()] == [("EMEA", 3)]


def test_five_thousand_values_build_search_and_assign_without_a_widget_per_row(
    qtbot, flow: RouteRowsFlow
) -> None:
    regions = [f"Territory {i:04d}" for i in range(5_000)] * 2
    _on(flow, sheet(regions))
    assert flow.model.rowCount() == 5_000 and flow.proxy.rowCount() == 5_000
    assert not flow.view.findChildren(QComboBox), "no combo box per value"

    flow.search.setText("territory 004")
    assert flow.proxy.rowCount() == 10  # 0040 to 0049
    assert all("0040" <= flow.proxy.index(r, VALUE).data()[-4:] <= "0049" for r in range(10))

    index = flow.proxy.index(3, CAMPAIGN)
    value = flow.proxy.index(3, VALUE).data()
    assert flow.proxy.setData(index, "cam_na", Qt.ItemDataRole.EditRole)
    flow.set_default("cam_rest")
    table = flow.route_table()
    assert table is not None and dict(table.routes) == {match_key(value): "cam_na"}
    assert flow.summary.text() == "1 value to 2 campaigns; every other value (9,998 rows) to ‘Everyone else’."
    flow.search.clear()
    assert flow.proxy.rowCount() == 5_000
