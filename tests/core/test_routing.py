"""The route table and the split of a sheet's rows by it (issue 19): matching, skips, counts, speed."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest

from gui.core.domain import Campaign, RowOutcome, Status
from gui.core.journal import Journal
from gui.core.routing import RouteTable, RoutingError, check_destinations, distinct_values, split_rows
from gui.core.safety import CampaignRead
from tests.core.test_journal import start

FRAME = pd.DataFrame(
    {
        "Email": [f"r{i}@x.com" for i in range(7)],
        "Region": ["EMEA", " emea", "NA", "APAC", "", "Latam   North", "LATAM north"],
    }
)


def test_values_match_ignoring_case_and_spaces_and_unrouted_rows_are_skipped_with_the_value() -> None:
    table = RouteTable.parse("Region", ["EMEA=cam_a", " na =cam_b", "latam north=cam_c"])
    split = split_rows(FRAME, table)
    assert split.destinations == {0: "cam_a", 1: "cam_a", 2: "cam_b", 5: "cam_c", 6: "cam_c"}
    assert split.skipped == {3: "no route for Region=APAC", 4: "no route for Region=(empty)"}
    assert split.counts == {"cam_a": 2, "cam_b": 1, "cam_c": 2}


def test_the_default_takes_every_value_not_listed() -> None:
    split = split_rows(FRAME, RouteTable.parse("Region", ["EMEA=cam_a", "*=cam_z"]))
    assert split.skipped == {}
    assert [split.destinations[r] for r in range(7)] == ["cam_a", "cam_a", *["cam_z"] * 5]
    assert split.counts == {"cam_a": 2, "cam_z": 5}


def test_a_split_of_some_rows_keeps_the_sheets_positions() -> None:
    split = split_rows(FRAME, RouteTable.parse("Region", ["NA=cam_b"]), rows=[2, 3])
    assert split.destinations == {2: "cam_b"}
    assert split.skipped == {3: "no route for Region=APAC"}


@pytest.mark.parametrize(
    ("items", "words"),
    [
        (["EMEA"], "VALUE=ID"),
        (["EMEA="], "VALUE=ID"),
        (["EMEA=cam_a", "emea =cam_b"], "routed twice"),
        (["*=cam_a", "*=cam_b"], "two defaults"),
        ([], "no routes"),
    ],
)
def test_a_bad_table_is_refused_with_a_reason(items: list[str], words: str) -> None:
    with pytest.raises(RoutingError, match=words):
        RouteTable.parse("Region", items)


def test_a_value_may_contain_an_equals_sign() -> None:
    table = RouteTable.parse("Code", ["a=b=cam_1", "EMEA=cam_1"])
    assert table.routes == {"a=b": "cam_1", "emea": "cam_1"}
    assert table.destinations() == ["cam_1"]
    assert table.values_for("cam_1") == ["a=b", "EMEA"]


def test_a_column_the_sheet_lacks_is_named() -> None:
    with pytest.raises(RoutingError, match="no column 'Territory'"):
        split_rows(FRAME, RouteTable.parse("Territory", ["EMEA=cam_a"]))


def test_distinct_values_come_with_row_counts_most_first_one_line_per_spelling_family() -> None:
    values = distinct_values(FRAME, "Region")
    assert [(v.value, v.key, v.rows) for v in values] == [
        ("EMEA", "emea", 2),
        ("Latam   North", "latam north", 2),
        ("", "", 1),
        ("APAC", "apac", 1),
        ("NA", "na", 1),
    ]


def test_five_thousand_distinct_values_in_100k_rows_are_counted_and_split_fast() -> None:
    frame = pd.DataFrame({"Owner": [f"owner {i % 5000}" for i in range(100_000)]})
    routes = [f"OWNER {i}=cam_{i % 3}" for i in range(4000)]
    table = RouteTable.parse("Owner", [*routes, "*=cam_rest"])
    began = time.perf_counter()
    values = distinct_values(frame, "Owner")
    split = split_rows(frame, table)
    took = time.perf_counter() - began
    assert len(values) == 5000 and all(v.rows == 20 for v in values)
    assert split.counts["cam_rest"] == 1000 * 20
    assert sum(split.counts.values()) == 100_000
    assert took < 1.0, f"{took:.2f} s"  # vectorised: about 0.1 s here


def test_every_destination_must_be_one_of_the_providers_campaigns() -> None:
    table = RouteTable.parse("Region", ["EMEA=cam_a", "NA=cam_gone", "*=list:l1"])
    listed = [Campaign("cam_a", "EMEA Q4"), Campaign("l1", "Leads", kind="list")]
    with pytest.raises(RoutingError) as caught:
        check_destinations(table, listed, "lemlist")
    assert "Region=NA -> cam_gone" in str(caught.value) and "Nothing was sent" in str(caught.value)
    ok = RouteTable.parse("Region", ["EMEA=cam_a", "*=list:l1"])
    assert set(check_destinations(ok, listed, "lemlist")) == {"cam_a", "list:l1"}
    with pytest.raises(RoutingError, match=r"Region=\* -> cam_a"):
        check_destinations(RouteTable.parse("Region", ["*=cam_a"]), [], "lemlist")


def test_the_journal_keeps_each_rows_campaign_for_already_uploaded_and_undo(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    routed = start(journal, destination="route:Region")
    journal.mark_sending(routed, [0], ["email:a"], "cam_a")
    journal.mark_sending(routed, [1], ["email:b"], "cam_b")
    journal.record(routed, [RowOutcome(0, Status.UPLOADED, provider_id="l0"), RowOutcome(1, Status.UPLOADED)])
    assert journal.row_destinations(routed) == {0: "cam_a", 1: "cam_b"}
    assert journal.run_rows(routed).destinations == {0: "cam_a", 1: "cam_b"}
    # A later upload to cam_a alone knows what the routed run put there, and only that.
    assert list(journal.already_uploaded("lemlist", "cam_a", ["email:a", "email:b"])) == ["email:a"]
    assert list(journal.already_uploaded("lemlist", "cam_b", ["email:a", "email:b"])) == ["email:b"]
    assert journal.already_uploaded("lemlist", "route:Region", ["email:a", "email:b"]) == {}
    journal.close()


def test_an_older_journal_gains_the_destination_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite3"
    journal = Journal(path)
    run = start(journal)
    journal.record(run, [RowOutcome(0, Status.UPLOADED)], ["email:a"])
    journal.close()
    db = sqlite3.connect(path)
    db.execute("ALTER TABLE rows DROP COLUMN destination")
    db.execute("PRAGMA user_version=1")
    db.commit()
    db.close()
    again = Journal(path)
    assert again.row_destinations(run) == {}
    assert list(again.already_uploaded("lemlist", "cam_1", ["email:a"])) == ["email:a"]
    again.close()


def test_tags_are_checked_per_destination_and_the_list_over_the_whole_sheet(tmp_path: Path) -> None:
    from gui.core.campaign_text import CampaignText, EmailStep
    from gui.core.dnc import DncList
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.providers import get_spec
    from gui.core.routing_checks import check_routed

    frame = pd.DataFrame(
        {
            "Email": ["a@x.com", "b@x.com", "c@optout.io", "d@x.com"],
            "First": ["Ann", "", "Cy", ""],
            "Line": ["", "Hi", "Yo", ""],
            "Region": ["DE", "DE", "EN", "EN"],
        }
    )
    mapping = ColumnMapping(fields={"email": "Email", "firstName": "First"}, custom={"Line": "icebreaker"})
    german = CampaignText("lemlist", "cam_de", (EmailStep(1, "step 1", "Hallo", "{{icebreaker}}"),))
    english = CampaignText("lemlist", "cam_en", (EmailStep(1, "step 1", "Hi {{firstName}}", "x"),))
    split = split_rows(frame, RouteTable.parse("Region", ["DE=cam_de", "EN=cam_en"]))
    dnc = DncList(tmp_path / "dnc.sqlite3")
    dnc.add(["optout.io"], "typed")
    spec = get_spec("lemlist")
    campaigns = {"cam_de": CampaignRead(german), "cam_en": CampaignRead(english)}
    safety = check_routed(frame, mapping, spec, campaigns, split, dnc=dnc)
    # Row 0 lacks the German campaign's icebreaker; row 3 the English one's first name. Row 1 has no
    # first name, but its German email does not use one; row 2 is on the list (of no campaign).
    assert set(safety.invalid) == {0, 3}
    assert "{{icebreaker}}" in safety.invalid[0] and "{{firstName}}" in safety.invalid[3]
    assert set(safety.skipped) == {2}
    assert any(line.startswith("cam_de: ") for line in safety.lines())
    assert check_routed(frame, mapping, spec, campaigns, split, dnc=dnc, allow_empty_tags=True).invalid == {}
    unread = check_routed(frame, mapping, spec, {}, split, dnc=None)
    assert unread.invalid == {} and not unread.tags["cam_de"].checked
    dnc.close()
