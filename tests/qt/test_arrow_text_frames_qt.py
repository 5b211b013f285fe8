"""The window's own readers of a sheet give a text file's arrow-backed frame the same answers as a workbook's.

The sheet and the checks of the core are in ``tests/core/test_arrow_text_frames.py``; these are
the pieces of the Qt layer that read frame columns themselves: the fix dialog's dry run and Apply,
the routed upload's words and rows, and the field pickers' samples.
"""

from __future__ import annotations

import numpy as np
import pytest

from gui.core.domain import Campaign
from gui.qt.dialogs.fix_dialog import FixDialog, dry_run
from gui.qt.routed_upload import plan, row_campaign, rows_by_campaign
from gui.qt.widgets.field_picker import column_samples
from tests.core.test_arrow_text_frames import KIND_NAMES, ROUTES, sheet_frame, sheet_text


@pytest.fixture(params=KIND_NAMES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.mark.parametrize(
    ("column", "fix", "params"),
    [
        ("Email", "lowercase_email", {}),
        ("Phone", "phone_e164", {"region": "US"}),
        ("Full name", "split_full_name", {"first_column": "First Name", "last_column": "Last Name"}),
        ("Zip", "zip_to_state", {"state_column": "State"}),
    ],
)
def test_a_dry_run_previews_records_and_applies_the_same(
    kind: str, column: str, fix: str, params: dict[str, str]
) -> None:
    plain, frame = sheet_frame("object"), sheet_frame(kind)
    before = sheet_text(frame)
    rows, record = dry_run(frame, column, fix, params)
    expected_rows, expected = dry_run(plain, column, fix, params)
    assert rows == expected_rows and rows
    assert record.changed == expected.changed >= 1
    assert sheet_text(frame) == before  # a dry run leaves the sheet alone...
    assert frame[column].dtype == sheet_frame(kind)[column].dtype  # ...its dtypes too
    record.redo(frame)
    expected.redo(plain)
    assert sheet_text(frame) == sheet_text(plain) != before
    record.undo(frame)
    assert sheet_text(frame) == before


def test_the_dialog_applies_and_undoes_the_same(qtbot, kind: str) -> None:
    texts = []
    for frame in (sheet_frame("object"), sheet_frame(kind)):
        dialog = FixDialog(frame, "Email", fix="lowercase_email")
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda d=dialog: d.changed_count() is not None and not d.busy(), timeout=10_000)
        assert dialog.changed_count() == 1
        dialog.apply_button.click()
        result = dialog.fix_result()
        assert result is not None
        texts.append(sheet_text(frame))
        assert frame["Email"].iat[1] == "bob@example.com"
        result.undo(frame)
        assert frame["Email"].iat[1] == "  Bob@Example.COM "
    assert texts[0] == texts[1]


def test_the_routed_upload_words_and_rows_are_the_same(kind: str) -> None:
    campaigns = [Campaign(id="cam_a", name="EMEA Outbound"), Campaign(id="cam_b", name="NA Outbound")]
    plain, frame = sheet_frame("object"), sheet_frame(kind)
    left = np.arange(len(plain))
    expected = plan(plain, ROUTES, campaigns, left, problems=1, done=0)
    assert expected[0] == "Upload 5 rows to 3 campaigns  (1 row with problems will be skipped)"
    assert plan(frame, ROUTES, campaigns, left, problems=1, done=0) == expected
    by_campaign = rows_by_campaign(frame, ROUTES)
    assert by_campaign == rows_by_campaign(plain, ROUTES) == {"cam_a": [0, 1], "cam_b": [2], "cam_c": [6, 7]}
    for row in range(len(plain)):
        got = row_campaign(frame, ROUTES, row, campaigns, by_campaign)
        assert got == row_campaign(plain, ROUTES, row, campaigns, by_campaign)
    assert row_campaign(frame, ROUTES, 5, campaigns, by_campaign) == (
        "",
        None,
        "This row is not sent: no campaign for its Region “(empty)”.",
    )


def test_the_field_pickers_show_the_same_samples(kind: str) -> None:
    plain, frame = sheet_frame("object"), sheet_frame(kind)
    columns = [str(c) for c in plain.columns]
    samples = column_samples(frame, columns)
    assert samples == column_samples(plain, columns)
    assert samples["Email"] == "jane@acme.com" and samples["State"] == "CA"
