"""The checks before an upload, as the CLI and the window both run them, against the sandbox."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gui.core.dnc import DncList
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec, make_client
from gui.core.safety import CampaignRead, check_before_upload, merge_reasons, read_campaign
from gui.sandbox import seed

KEY = "sandbox-safety"


def sheet() -> tuple[pd.DataFrame, ColumnMapping]:
    frame = pd.DataFrame(
        {
            "Email": ["ann@acme.com", "bob@optout.io", "cy@example.org"],
            "First": ["Ann", "Bob", ""],
            "Company": ["Acme", "Optout", "Example"],
            "Line": ["Loved your talk", "", "Saw your post"],
            "Title": ["CTO", "CEO", "VP Sales"],
            "Industry": ["SaaS", "Retail", "Health"],
        }
    )
    mapping = ColumnMapping(
        fields={"email": "Email", "firstName": "First", "companyName": "Company", "jobTitle": "Title"},
        custom={"Line": "icebreaker", "Industry": "industry"},
    )
    return frame, mapping


def test_rows_with_an_empty_tag_are_invalid_and_listed_rows_skipped(sandbox, tmp_path: Path) -> None:
    spec = get_spec("lemlist")
    read = read_campaign(spec, seed.LEMLIST_CAMPAIGN, lambda: make_client("lemlist", KEY))
    assert read.text is not None and read.note == "" and len(read.text.steps) >= 3
    dnc = DncList(tmp_path / "dnc.sqlite3")
    dnc.add(["optout.io"], "typed")
    frame, mapping = sheet()
    safety = check_before_upload(frame, mapping, spec, read, dnc)
    assert set(safety.invalid) == {1, 2}  # Bob's icebreaker is empty, Cy's first name
    assert "{{firstName}}" in safety.invalid[2] and "{{icebreaker}}" in safety.invalid[1]
    assert safety.skipped == {1: "on the do-not-contact list: optout.io, typed in"}
    assert "1 row on the do-not-contact list will be skipped." in safety.lines()
    allowed = check_before_upload(frame, mapping, spec, read, dnc, allow_empty_tags=True)
    assert allowed.invalid == {} and allowed.skipped == safety.skipped
    assert merge_reasons({1: "Email: bad"}, safety.skipped)[1].startswith("Email: bad; on the do-not-contact")
    dnc.close()


def test_a_campaign_that_cannot_be_read_is_a_note_and_nothing_is_held_back(sandbox) -> None:
    spec = get_spec("lemlist")
    read = read_campaign(spec, "cam_does_not_exist", lambda: make_client("lemlist", KEY))
    assert read.text is None and read.note.startswith("The campaign's emails could not be checked:")
    frame, mapping = sheet()
    safety = check_before_upload(frame, mapping, spec, read, None)
    assert not safety.tags.checked and safety.invalid == {} and safety.lines() == [read.note]


@pytest.mark.parametrize(
    ("provider", "destination", "words"),
    [
        ("aktify", "default", "does not publish"),
        ("sendpilot", "c1", "does not publish"),
        ("instantly", "list:x", "lead list"),
    ],
)
def test_destinations_without_emails_say_so_without_a_request(
    provider: str, destination: str, words: str
) -> None:
    def no_client() -> object:
        raise AssertionError("no request may be sent")

    read = read_campaign(get_spec(provider), destination, no_client)  # type: ignore[arg-type]
    assert read == CampaignRead(None, read.note) and words in read.note
