"""The Upload button's words from one snapshot of the window, without a window or a run."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd

from gui.core.domain import Campaign
from gui.core.providers import get_spec
from gui.qt.upload_plan import UploadInputs, upload_plan

FRAME = pd.DataFrame({"Email": [f"p{i}@x.com" for i in range(6)]})
CAMPAIGN = Campaign(id="cam_1", name="Q4 Outbound")


def _inputs(**changes) -> UploadInputs:
    base = {
        "path": Path("leads.csv"),
        "fingerprint": "f",
        "frame": FRAME,
        "mapping": object(),
        "missing_required": (),
        "spec": get_spec("lemlist"),
        "destination": CAMPAIGN,
        "validation": SimpleNamespace(error_rows=[False, True, False, False, False, False]),
        "sandbox": False,
        "account": "Main",
        "options": {},
        "client_factory": lambda: None,
    }
    return UploadInputs(**{**base, **changes})


def test_the_button_counts_what_will_be_sent_and_says_what_is_skipped() -> None:
    text, enabled, hint = upload_plan(
        _inputs(held_rows=frozenset({5}), tag_note="1 row held back."), done=set()
    )
    assert enabled
    assert text == "Upload 4 leads to ‘Q4 Outbound’  (2 rows with problems will be skipped)"
    assert hint.endswith("1 row held back.")


def test_rows_already_sent_are_not_counted_again() -> None:
    text, enabled, hint = upload_plan(_inputs(), done={0, 2})
    assert enabled and text.startswith("Upload 3 leads")
    assert "2 rows already added to this campaign are not sent again." in hint
    text, enabled, _hint = upload_plan(_inputs(), done={0, 2, 3, 4, 5})
    assert not enabled and text == "All 5 valid leads are in ‘Q4 Outbound’"


def test_what_is_missing_comes_first() -> None:
    assert upload_plan(_inputs(path=None), done=set())[:2] == ("Open a sheet to start", False)
    text, enabled, _ = upload_plan(_inputs(missing_required=("Email",)), done=set())
    assert (text, enabled) == ("Choose the column for Email to upload", False)
    assert upload_plan(_inputs(destination=None), done=set())[0] == "Pick a lemlist campaign to upload"
    assert upload_plan(_inputs(validation=None), done=set())[:2] == ("Checking rows…", False)


def test_an_interrupted_run_is_offered_to_resume() -> None:
    record = SimpleNamespace(total=6, counts={"pending": 2})
    text, enabled, hint = upload_plan(_inputs(), done=set(), resumable=record)
    assert enabled and text.startswith("Resume the upload to ‘Q4 Outbound’  (4 rows already done")
    assert hint == "Rows already added are never sent twice."
