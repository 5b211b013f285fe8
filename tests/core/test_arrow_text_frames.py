"""A text file's sheet (arrow-backed ``str`` columns) reads, checks, fixes and exports like a workbook's.

The CSV/TSV/TXT loader gives pandas' arrow-backed string dtype (``ArrowStringArrayNumpySemantics``);
workbooks give ``object`` columns of ``str``; a cell edit may turn one column of a text sheet
into ``object``. Every consumer of a sheet's frame must give the same answer for all three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from gui.core.campaign_text import CampaignText, EmailStep
from gui.core.dnc import DncList
from gui.core.dnc_check import check_sheet
from gui.core.dnc_import import pick_column
from gui.core.domain import RowOutcome, Status
from gui.core.fixes import FIXES, FixStep, apply_fix, apply_steps, make_editable, preview_fix, set_cell
from gui.core.mapping.columns import ColumnMapping
from gui.core.mapping.payload import build_leads, clean_values, payload_preview
from gui.core.mapping.suggest import suggest_mapping
from gui.core.merge_tags import check_tags, render_row, row_values
from gui.core.providers import get_spec
from gui.core.report import export_results
from gui.core.routing import RouteTable, distinct_values, split_rows
from gui.core.routing_checks import check_routed
from gui.core.safety import CampaignRead, check_before_upload
from gui.core.validation.checker import validate

ARROW = pd.StringDtype("pyarrow", na_value=np.nan)
LEMLIST = get_spec("lemlist")

#: How each frame under test is built from the object-column sheet.
KINDS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "object": lambda frame: frame,
    "arrow": lambda frame: frame.astype(ARROW),
    # A text sheet after one cell edit: some columns arrow-backed, the edited ones object.
    "mixed": lambda frame: frame.astype(ARROW).astype({"Email": object, "Region": object}),
}


def object_frame() -> pd.DataFrame:
    """A small sheet with what real exports hold: padded, bad and repeated emails, accents, blanks."""
    return pd.DataFrame(
        {
            "Email": [
                "jane@acme.com",
                "  Bob@Example.COM ",
                "bad@",
                "jane@acme.com",
                "",
                "   ",
                "zoë@exämple.de",
                "carl@eu.optout.io",
            ],
            "Full name": [
                "Dr. Jane Doe",
                "Doe, Bob",
                "Renée  Ångström",
                "",
                " ",
                "Zoë van Dijk",
                "Cher",
                "José Núñez",
            ],
            "First Name": ["Jane", "Bob", "", "Jane", "", "", "Zoë", " Carl "],
            "Last Name": ["Doe", "", "Ångström", "Doe", "", "", "van Dijk", "Núñez"],
            "Phone": [
                "(212) 456-7890",
                "+44 20 7946 0958",
                "bad",
                "",
                "212.456.7891",
                "  ",
                "+1 415 823 4567",
                "",
            ],
            "LinkedIn": [
                "http://fr.linkedin.com/in/Jane-Doe/?trk=x",
                "https://www.linkedin.com/in/bob",
                "",
                "linkedin.com/in/jane-doe/",
                "https://www.linkedin.com/company/acme",
                "   ",
                "www.linkedin.com/in/zoë",
                "not a url",
            ],
            "Company": ["Acme", "Example", "Ångström AB", "Acme", "", "  ", "Exämple GmbH", "OptOut"],
            "Region": ["EMEA", " emea", "NA", "APAC", "", "  ", "Latam   North", "LATAM north"],
            "Zip": ["02134", "90210", "2134", "10001-1234", "", " ", "73301", "abcde"],
            "State": ["", "CA", "", "ny", "", "", "", "TX"],
            "Icebreaker": ["Loved your talk", "", "Nice post ✨", "Loved your talk", "", "  ", "Hallo", "Yo"],
            "Industry": ["SaaS", "Retail", "", "SaaS", " ", "", "Énergie", "Fintech"],
        },
        dtype=object,
    )


def sheet_frame(kind: str) -> pd.DataFrame:
    frame = KINDS[kind](object_frame())
    if kind != "object":
        assert type(frame["Phone"].array).__name__ == "ArrowStringArrayNumpySemantics"
    return frame


def sheet_text(frame: pd.DataFrame) -> dict[str, list[str]]:
    """The frame as a sheet shows it: every cell as text, whatever the dtypes."""
    return {str(c): [str(v) for v in frame[c].tolist()] for c in frame.columns}


MAPPING = ColumnMapping(
    fields={
        "email": "Email",
        "firstName": "First Name",
        "lastName": "Last Name",
        "phone": "Phone",
        "linkedinUrl": "LinkedIn",
        "companyName": "Company",
    },
    custom={"Icebreaker": "icebreaker", "Industry": "industry"},
)

CAMPAIGN = CampaignText(
    "lemlist",
    "cam_1",
    (
        EmailStep(1, "step 1", "Hi {{firstName}}", "<p>{{icebreaker}}</p><p>At {{companyName}}</p>"),
        EmailStep(2, "step 2", "", "{{industry}} and {{lastName}}"),
    ),
)

ROUTES = RouteTable.parse("Region", ["EMEA=cam_a", " na =cam_b", "latam north=cam_c"])

KIND_NAMES = [k for k in KINDS if k != "object"]


@pytest.fixture(params=KIND_NAMES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def dnc(tmp_path: Path) -> DncList:
    store = DncList(tmp_path / "dnc.sqlite3")
    store.add(["optout.io", "+1 212 456 7891", "https://www.linkedin.com/in/bob"], source="typed")
    store.replace_provider("lemlist", ["jane@acme.com"])
    yield store
    store.close()


# --------------------------------------------------------------------------------------------
# Reading: validation, mapping suggestion, leads
# --------------------------------------------------------------------------------------------


def _validation_outcome(frame: pd.DataFrame) -> dict[str, Any]:
    checked = validate(frame, MAPPING, LEMLIST)
    return {
        "errors": checked.error_rows.tolist(),
        "warnings": checked.warning_rows.tolist(),
        "issues": [dataclasses.astuple(i) for i in checked.issues()],
        "messages": [checked.row_messages(r) for r in range(len(frame))],
        "counts": checked.counts_by_field(),
        "cells": [[checked.cell(r, c) for c in frame.columns] for r in range(len(frame))],
    }


def test_validation_is_the_same(kind: str) -> None:
    expected = _validation_outcome(sheet_frame("object"))
    assert expected["errors"] == [False, False, True, True, True, True, False, True]
    assert expected["warnings"] == [False, False, True, False, False, False, False, False]
    assert expected["messages"][3] == ["Email: Duplicate of row 2 (same email)"]
    assert _validation_outcome(sheet_frame(kind)) == expected


def test_the_mapping_suggestion_is_the_same(kind: str) -> None:
    expected = suggest_mapping(sheet_frame("object"), LEMLIST)
    assert expected.mapping.fields["email"] == "Email"
    assert suggest_mapping(sheet_frame(kind), LEMLIST) == expected
    instantly = get_spec("instantly")
    assert suggest_mapping(sheet_frame(kind), instantly) == suggest_mapping(sheet_frame("object"), instantly)


def test_clean_values_gives_the_same_stripped_str(kind: str) -> None:
    frame = sheet_frame(kind)
    for column in frame.columns:
        values = clean_values(frame[column])
        assert values.dtype == object and all(type(v) is str for v in values)
        assert values.tolist() == clean_values(object_frame()[column]).tolist()
    assert clean_values(frame["Email"]).tolist()[:2] == ["jane@acme.com", "Bob@Example.COM"]


def test_leads_and_the_payload_preview_are_the_same(kind: str) -> None:
    expected = build_leads(sheet_frame("object"), MAPPING, LEMLIST)
    assert expected[1].fields["email"] == "Bob@Example.COM" and "lastName" not in expected[1].fields
    assert build_leads(sheet_frame(kind), MAPPING, LEMLIST) == expected
    assert build_leads(sheet_frame(kind), MAPPING, LEMLIST, rows=[6, 0]) == [expected[6], expected[0]]
    for row in (0, 6):
        preview = payload_preview(sheet_frame(kind), MAPPING, LEMLIST, row, "cam_1")
        assert preview == payload_preview(sheet_frame("object"), MAPPING, LEMLIST, row, "cam_1")


def test_the_dnc_import_picks_the_same_column(kind: str) -> None:
    frame = sheet_frame(kind)[["Company", "Email", "Phone"]]
    assert pick_column(frame) == pick_column(object_frame()[["Company", "Email", "Phone"]]) == "Phone"


# --------------------------------------------------------------------------------------------
# Safety checks: merge tags, do-not-contact list, routing
# --------------------------------------------------------------------------------------------


def test_merge_tag_checks_and_rendering_are_the_same(kind: str) -> None:
    vocab = LEMLIST.merge_tags
    assert vocab is not None
    expected = check_tags(sheet_frame("object"), MAPPING, CAMPAIGN, vocab)
    assert set(expected.reasons) == {1, 2, 4, 5}
    assert check_tags(sheet_frame(kind), MAPPING, CAMPAIGN, vocab) == expected
    frame, plain = sheet_frame(kind), sheet_frame("object")
    for row in range(len(plain)):
        assert row_values(frame, MAPPING, vocab, row) == row_values(plain, MAPPING, vocab, row)
        assert render_row(frame, MAPPING, CAMPAIGN, vocab, row) == render_row(
            plain, MAPPING, CAMPAIGN, vocab, row
        )
    assert row_values(frame, MAPPING, vocab, 1)["firstName"] == "Bob"


def test_dnc_checks_are_the_same(kind: str, dnc: DncList) -> None:
    expected = check_sheet(sheet_frame("object"), MAPPING, LEMLIST, dnc)
    assert expected.reasons == {
        0: "on the do-not-contact list: jane@acme.com, from lemlist unsubscribes",
        1: "on the do-not-contact list: https://www.linkedin.com/in/bob, typed in",
        3: "on the do-not-contact list: jane@acme.com, from lemlist unsubscribes",
        4: "on the do-not-contact list: +12124567891, typed in",
        7: "on the do-not-contact list: optout.io, typed in",
    }
    assert check_sheet(sheet_frame(kind), MAPPING, LEMLIST, dnc) == expected
    safety = check_before_upload(sheet_frame(kind), MAPPING, LEMLIST, CampaignRead(CAMPAIGN), dnc)
    assert safety == check_before_upload(sheet_frame("object"), MAPPING, LEMLIST, CampaignRead(CAMPAIGN), dnc)


def test_routing_splits_the_same(kind: str) -> None:
    expected = split_rows(sheet_frame("object"), ROUTES)
    assert expected.destinations == {0: "cam_a", 1: "cam_a", 2: "cam_b", 6: "cam_c", 7: "cam_c"}
    assert expected.skipped == {
        3: "no route for Region=APAC",
        4: "no route for Region=(empty)",
        5: "no route for Region=(empty)",
    }
    frame, plain = sheet_frame(kind), sheet_frame("object")
    assert split_rows(frame, ROUTES) == expected
    assert split_rows(frame, ROUTES, rows=[5, 2, 3]) == split_rows(plain, ROUTES, rows=[5, 2, 3])
    with_default = RouteTable.parse("Region", ["EMEA=cam_a", "*=cam_z"])
    assert split_rows(frame, with_default) == split_rows(plain, with_default)
    assert distinct_values(frame, "Region") == distinct_values(plain, "Region")


def test_routed_checks_are_the_same(kind: str, dnc: DncList) -> None:
    campaigns = {"cam_a": CampaignRead(CAMPAIGN), "cam_c": CampaignRead(CAMPAIGN)}

    def routed(frame: pd.DataFrame) -> Any:
        return check_routed(frame, MAPPING, LEMLIST, campaigns, split_rows(frame, ROUTES), dnc=dnc)

    expected = routed(sheet_frame("object"))
    assert set(expected.invalid) == {1} and set(expected.skipped) == {0, 1, 3, 4, 7}
    actual = routed(sheet_frame(kind))
    assert actual.invalid == expected.invalid and actual.skipped == expected.skipped
    assert actual.lines() == expected.lines()


# --------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------

OUTCOMES = {
    0: RowOutcome(0, Status.UPLOADED, provider_id="lea_1"),
    1: RowOutcome(1, Status.DUPLICATE, reason="already in the campaign"),
    2: RowOutcome(2, Status.FAILED, reason="=bad email", retryable=True),
}


@pytest.mark.parametrize("only_failed", [False, True])
def test_the_csv_report_is_byte_for_byte_the_same(kind: str, only_failed: bool, tmp_path: Path) -> None:
    destinations = split_rows(object_frame(), ROUTES).destinations
    options: dict[str, Any] = {"only_failed": only_failed, "destinations": destinations}
    expected, actual = tmp_path / "object.csv", tmp_path / "arrow.csv"
    written = export_results(object_frame(), OUTCOMES, expected, **options)
    assert (
        export_results(sheet_frame(kind), OUTCOMES, actual, **options) == written == (1 if only_failed else 8)
    )
    assert actual.read_bytes() == expected.read_bytes()
    assert ("zoë@exämple.de,".encode() in expected.read_bytes()) is not only_failed


def test_the_xlsx_report_has_the_same_cells(kind: str, tmp_path: Path) -> None:
    expected, actual = tmp_path / "object.xlsx", tmp_path / "arrow.xlsx"
    export_results(object_frame(), OUTCOMES, expected)
    export_results(sheet_frame(kind), OUTCOMES, actual)

    def cells(path: Path) -> list[list[Any]]:
        book = load_workbook(path, read_only=True)
        try:
            return [list(row) for row in book.active.iter_rows(values_only=True)]
        finally:
            book.close()

    got = cells(actual)
    assert got == cells(expected)
    assert got[0][:2] == ["Email", "Full name"] and got[7][0] == "zoë@exämple.de"


# --------------------------------------------------------------------------------------------
# Fixes: apply, undo, redo, preview, presets and cell edits
# --------------------------------------------------------------------------------------------

#: Every fix with parameters that make it change several cells of the sheet.
FIX_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("Full name", "trim", {}),
    ("Email", "trim", {}),
    ("Email", "lowercase_email", {}),
    ("State", "uppercase", {}),
    ("Phone", "phone_e164", {"region": "US"}),
    ("LinkedIn", "normalize_linkedin", {}),
    ("Industry", "fill_constant", {"value": "Other"}),
    ("Industry", "fill_constant", {"value": "All", "only_empty": False}),
    ("Full name", "split_full_name", {"first_column": "First Name", "last_column": "Last Name"}),
    ("Full name", "split_full_name", {"first_column": "First Name", "last_column": "Surname"}),
    (
        "Full name",
        "split_full_name",
        {"first_column": "First Name", "last_column": "Last Name", "only_empty": True},
    ),
    ("Zip", "zip_to_state", {"state_column": "State"}),
    ("Zip", "zip_to_state", {"state_column": "State", "overwrite": True}),
    ("Zip", "zip_to_state", {"state_column": "US state"}),
]


def test_every_fix_is_covered() -> None:
    assert {fix for _, fix, _ in FIX_CASES} == set(FIXES)


def _result_record(result: Any) -> list[tuple[str, list[int], list[str], list[str], tuple[str, ...]]]:
    parts = [result, *result.also]
    return [(p.column, p.rows.tolist(), p.before.tolist(), p.after.tolist(), p.created) for p in parts]


@pytest.mark.parametrize(("column", "fix", "params"), FIX_CASES, ids=[f"{c}-{f}" for c, f, _ in FIX_CASES])
def test_a_fix_applies_undoes_and_redoes_the_same(
    kind: str, column: str, fix: str, params: dict[str, Any]
) -> None:
    original = sheet_text(object_frame())
    expected_frame, frame = sheet_frame("object"), sheet_frame(kind)
    assert preview_fix(frame, column, fix, **params) == preview_fix(expected_frame, column, fix, **params)
    expected = apply_fix(expected_frame, column, fix, **params)
    result = apply_fix(frame, column, fix, **params)
    assert expected.changed >= 1
    assert _result_record(result) == _result_record(expected)
    assert sheet_text(frame) == sheet_text(expected_frame) != original
    assert list(frame.columns) == list(expected_frame.columns)
    result.undo(frame)
    expected.undo(expected_frame)
    assert sheet_text(frame) == sheet_text(expected_frame) == original
    result.redo(frame)
    expected.redo(expected_frame)
    assert sheet_text(frame) == sheet_text(expected_frame) != original
    # Whatever the fix wrote is plain str, never "nan" or a pandas missing value.
    assert all(type(v) is str for c in frame.columns for v in frame[c].tolist())


def test_a_preset_replays_the_same(kind: str) -> None:
    steps = [
        FixStep("Email", "lowercase_email", {}),
        FixStep("Email", "trim", {}),
        FixStep("Phone", "phone_e164", {"region": "US"}),
        FixStep("Not there", "trim", {}),
    ]
    expected_frame, frame = sheet_frame("object"), sheet_frame(kind)
    expected = apply_steps(expected_frame, steps)
    assert [r.changed for r in apply_steps(frame, steps)] == [r.changed for r in expected] == [1, 1, 5]
    assert sheet_text(frame) == sheet_text(expected_frame)
    assert validate(frame, MAPPING, LEMLIST).error_rows.tolist() == (
        validate(expected_frame, MAPPING, LEMLIST).error_rows.tolist()
    )


def test_cell_edits_undo_and_redo_the_same(kind: str) -> None:
    expected_frame, frame = sheet_frame("object"), sheet_frame(kind)
    edits = []
    for target in (expected_frame, frame):
        edits.append([set_cell(target, 2, "Email", "ann@acme.com"), set_cell(target, 0, "Zip", "")])
    assert edits[0] == edits[1]
    assert edits[1][0].before == "bad@" and edits[1][1].before == "02134"
    assert sheet_text(frame) == sheet_text(expected_frame)
    for edit_list, target in zip(edits, (expected_frame, frame), strict=True):
        for edit in reversed(edit_list):
            edit.undo(target)
    assert sheet_text(frame) == sheet_text(expected_frame) == sheet_text(object_frame())
    edits[1][0].redo(frame)
    assert frame["Email"].iat[2] == "ann@acme.com"
    assert validate(frame, MAPPING, LEMLIST).error_rows[2] == np.False_


def test_make_editable_turns_an_arrow_column_into_object_once() -> None:
    frame = sheet_frame("arrow")
    assert make_editable(frame, "Email") is True
    assert frame["Email"].dtype == object
    assert make_editable(frame, "Email") is False  # already editable: nothing to do
    assert frame["Email"].tolist() == object_frame()["Email"].tolist()
    assert all(type(v) is str for v in frame["Email"].tolist())
    assert list(frame.columns) == list(object_frame().columns)  # the column keeps its place
    assert frame["Phone"].dtype == ARROW  # only the column asked for
    plain = object_frame()
    assert make_editable(plain, "Email") is False
    na_semantics = pd.DataFrame({"A": ["a", None]}, dtype="string[pyarrow]")
    assert make_editable(na_semantics, "A") is False and na_semantics["A"].dtype == "string[pyarrow]"


def test_the_first_write_makes_an_arrow_column_editable_and_later_ones_write_in_place() -> None:
    frame = sheet_frame("arrow")
    set_cell(frame, 1, "Email", "bob@example.com")
    assert frame["Email"].dtype == object and frame["Phone"].dtype == ARROW
    cells = frame["Email"].to_numpy()
    edit = set_cell(frame, 3, "Email", "jo@acme.com")
    edit.undo(frame)
    edit.redo(frame)
    assert np.shares_memory(frame["Email"].to_numpy(), cells)  # written in place, not rebuilt per edit
    assert frame["Email"].tolist()[:4] == ["jane@acme.com", "bob@example.com", "bad@", "jo@acme.com"]


def test_a_big_fix_on_an_arrow_column_undoes_and_redoes_as_text() -> None:
    n = 30_000
    emails = [f"User{i}@X.COM" if i % 3 else f" user{i}@x.com" for i in range(n)]
    frame = pd.DataFrame({"E": pd.Series(emails, dtype=ARROW), "F": pd.Series(["x"] * n, dtype=ARROW)})
    result = apply_fix(frame, "E", "lowercase_email")
    assert result.changed == n
    assert frame["E"].dtype == object and frame["F"].dtype == ARROW
    assert frame["E"].iat[1] == "user1@x.com" and frame["E"].iat[3] == "user3@x.com"
    result.undo(frame)
    assert frame["E"].tolist() == emails
    result.redo(frame)
    assert frame["E"].iat[-1] == f"user{n - 1}@x.com"
    assert all(type(v) is str for v in frame["E"].tolist())


def test_a_missing_cell_reads_as_empty_in_exports_and_routing(tmp_path: Path) -> None:
    # The text loader never leaves a cell missing, but a frame built elsewhere may: NaN in an
    # arrow-backed column must read as the empty cell None reads as in an object column.
    plain = pd.DataFrame(
        {"Email": ["a@x.com", None, "c@x.com"], "Region": ["EMEA", None, "na"]}, dtype=object
    )
    frame = plain.astype(ARROW)
    assert frame["Region"].isna().tolist() == [False, True, False]
    expected, actual = tmp_path / "object.csv", tmp_path / "arrow.csv"
    export_results(plain, OUTCOMES, expected)
    export_results(frame, OUTCOMES, actual)
    assert actual.read_bytes() == expected.read_bytes()
    assert b"nan" not in actual.read_bytes()
    assert split_rows(frame, ROUTES) == split_rows(plain, ROUTES)
    assert split_rows(frame, ROUTES).skipped == {1: "no route for Region=(empty)"}
    assert distinct_values(frame, "Region") == distinct_values(plain, "Region")
    assert clean_values(frame["Email"]).tolist() == ["a@x.com", "", "c@x.com"]


def test_the_self_test_reads_the_sample_sheet_the_same_when_arrow_backed() -> None:
    from gui import selftest

    outcomes = []
    for kind in ("object", "arrow"):
        ctx = selftest._Context()
        selftest._check_resources(ctx)
        selftest._check_sheet(ctx)
        ctx.frame = KINDS[kind](ctx.frame.astype(object))
        words = selftest._check_mapping(ctx)
        outcomes.append((words, ctx.leads, ctx.job_parts))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0][0] == "12 columns mapped, 2 rows flagged, 24 leads ready"
