"""The "map columns" flow built alone: a small sheet, a provider spec, and what its signals say."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest

from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec
from gui.qt.flows.map_columns import MapColumnsFlow


def _sheet() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Work email": ["ana@acme.example", "ben@globex.example", "cy@initech.example"],
            "Given name": ["Ana", "Ben", "Cy"],
            "Family name": ["Ames", "Berg", "Cruz"],
            "Acct": ["Acme", "Globex", "Initech"],
            "Industry": ["SaaS", "Retail", "Health"],
        }
    )


def _new_flow(qtbot, provider: str = "lemlist") -> MapColumnsFlow:
    flow = MapColumnsFlow()
    qtbot.addWidget(flow)
    flow.set_spec(get_spec(provider))
    return flow


@pytest.fixture
def flow(qtbot) -> Iterator[MapColumnsFlow]:
    """A lemlist flow with the sheet loaded and its first (suggested) mapping already announced."""
    widget = _new_flow(qtbot)
    with qtbot.waitSignal(widget.sig_mapping_changed, timeout=2000):
        widget.set_frame(_sheet())
    yield widget
    widget.shutdown()


def test_a_new_sheet_announces_the_suggested_mapping(qtbot) -> None:
    widget = _new_flow(qtbot)
    with qtbot.waitSignal(widget.sig_mapping_changed, timeout=2000) as blocker:
        widget.set_frame(_sheet())
    mapping = blocker.args[0]
    assert isinstance(mapping, ColumnMapping)
    assert mapping.fields["email"] == "Work email"
    assert widget.missing_required() == []
    widget.shutdown()


def test_choosing_a_column_for_a_field_emits_the_new_mapping(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_field_column("companyName", "Acct")
    mapping = blocker.args[0]
    assert mapping.fields["companyName"] == "Acct"
    assert "Acct" not in mapping.custom  # a mapped column never also goes as a variable
    assert mapping == flow.mapping()


def test_a_column_moved_to_another_field_leaves_the_first(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_field_column("companyName", "Given name")
    fields = blocker.args[0].fields
    assert fields["companyName"] == "Given name"
    assert "firstName" not in fields
    assert "moved" in flow.hint("firstName")


def test_unmapping_the_only_required_column_is_reported(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_field_column("email", None)
    assert "email" not in blocker.args[0].fields
    assert flow.missing_required() == ["Email or LinkedIn URL"]
    assert flow.status_label.text().startswith("⚠")


def test_ticking_a_column_sends_it_as_a_custom_variable(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_custom_column("Industry", False)
    assert "Industry" not in blocker.args[0].custom
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_custom_column("Industry", True)
    assert blocker.args[0].custom["Industry"] == "industry"
    assert flow.custom_columns() == ["Acct", "Industry"]


def test_the_users_mapping_is_applied_again_for_the_same_headers(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000):
        flow.set_field_column("companyName", "Acct")
        flow.set_field_column("jobTitle", "Industry")
    # Next week's export: same headers, another order, other rows.
    again = _sheet().iloc[::-1][list(reversed(_sheet().columns))]
    second = _new_flow(qtbot)
    with qtbot.waitSignal(second.sig_mapping_changed, timeout=2000) as blocker:
        second.set_frame(again)
    fields = blocker.args[0].fields
    assert fields["companyName"] == "Acct"
    assert fields["jobTitle"] == "Industry"
    assert "last time" in second.hint("jobTitle")
    assert second.recall_label.isVisibleTo(second)
    second.shutdown()


def test_other_headers_get_a_fresh_suggestion(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000):
        flow.set_field_column("jobTitle", "Industry")
    other = pd.DataFrame({"Email": ["a@b.example"], "Industry": ["SaaS"]})
    second = _new_flow(qtbot)
    with qtbot.waitSignal(second.sig_mapping_changed, timeout=2000) as blocker:
        second.set_frame(other)
    assert "jobTitle" not in blocker.args[0].fields
    assert not second.recall_label.isVisibleTo(second)
    second.shutdown()


def test_a_saved_mapping_that_fits_a_new_sheet_is_applied_and_announced(qtbot, flow: MapColumnsFlow) -> None:
    from gui.core.presets import presets_dir

    flow.set_field_column("jobTitle", "Industry")
    assert flow.save_preset("Weekly") is not None
    (presets_dir() / "remembered.json").unlink(missing_ok=True)  # only the named mapping can match
    second = MapColumnsFlow()
    qtbot.addWidget(second)
    second.set_spec(get_spec("lemlist"))
    with qtbot.waitSignal(second.sig_preset_applied, timeout=2000) as applied:
        second.set_frame(_sheet())
    assert applied.args[0].name == "Weekly"
    assert second.field_column("jobTitle") == "Industry"
    second.shutdown()


def test_switching_provider_keeps_the_columns_by_meaning(qtbot, flow: MapColumnsFlow) -> None:
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000):
        flow.set_field_column("companyName", "Acct")
    with qtbot.waitSignal(flow.sig_mapping_changed, timeout=2000) as blocker:
        flow.set_spec(get_spec("instantly"))
    fields = blocker.args[0].fields
    assert fields["email"] == "Work email"
    assert fields["company_name"] == "Acct"


def test_the_preview_shows_what_the_selected_row_sends(qtbot, flow: MapColumnsFlow) -> None:
    flow.set_destination("cam_1", {})
    flow.set_selected_row(1)
    qtbot.waitUntil(lambda: "ben@globex" in flow.preview.toPlainText(), timeout=2000)
    body = json.loads(flow.preview.toPlainText())
    assert body["email"] == "ben@globex.example"
    assert body["firstName"] == "Ben"


def test_without_a_provider_the_flow_waits(qtbot) -> None:
    widget = MapColumnsFlow(populate=False)
    qtbot.addWidget(widget)
    assert widget.status_label.text() == "Loading the provider's fields…"
    assert not widget.save_preset_button.isEnabled()
    widget.set_spec(get_spec("aktify"))
    assert widget.status_label.text() == "Open a sheet to match its columns."
    assert "Aktify" in widget.title.text()
