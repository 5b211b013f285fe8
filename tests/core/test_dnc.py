"""The local do-not-contact list: kinds, sources, swaps, pushes and the sheet check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from gui.core.dnc import DncError, DncList, normalize
from gui.core.dnc_check import check_sheet
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec


@pytest.fixture
def dnc(tmp_path: Path) -> DncList:
    store = DncList(tmp_path / "dnc.sqlite3")
    yield store
    store.close()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Jane.Doe@ACME.com ", ("email", "jane.doe@acme.com")),
        ("ACME.com", ("domain", "acme.com")),
        ("@acme.com", ("domain", "acme.com")),
        ("https://www.Acme.com/about", ("domain", "acme.com")),
        ("(212) 555-0100", ("phone", "+12125550100")),
        ("+33 1 42 68 53 00", ("phone", "+33142685300")),
        ("http://fr.linkedin.com/in/Jane-Doe/?trk=x", ("linkedin", "https://www.linkedin.com/in/jane-doe")),
        ("not a value", None),
        ("jane@", None),
        ("", None),
    ],
)
def test_each_kind_is_detected_and_normalised(value: str, expected: tuple[str, str] | None) -> None:
    assert normalize(value) == expected


def test_a_national_phone_reads_with_the_region_option() -> None:
    assert normalize("01 42 68 53 00", region="FR") == ("phone", "+33142685300")
    assert normalize("01 42 68 53 00", region="US") is None


def test_add_counts_new_known_and_bad_values(dnc: DncList) -> None:
    first = dnc.add(["a@x.com", "acme.com", "nonsense", "A@X.COM "], source="typed")
    assert (first.added, first.already) == (2, 0)
    assert first.bad == (("nonsense", "not an email, domain, phone number or LinkedIn profile URL"),)
    again = dnc.add(["a@x.com"], source="leads.csv")
    assert (again.added, again.already) == (0, 1)
    assert [(e.value, e.source) for e in dnc.entries("a@x")] == [("a@x.com", "typed")]
    assert dnc.counts() == {("email", "typed"): 1, ("domain", "typed"): 1}


def test_remove_takes_any_spelling(dnc: DncList) -> None:
    dnc.add(["acme.com", "b@x.com"], source="typed")
    assert dnc.remove(["ACME.COM", "nobody@x.com"]) == 1
    assert [e.value for e in dnc.entries()] == ["b@x.com"]


def test_a_pull_replaces_the_providers_copy_and_keeps_hand_entries(dnc: DncList) -> None:
    dnc.add(["kept@x.com"], source="typed")
    dnc.replace_provider("lemlist", ["old@x.com", "kept@x.com", "gone.com"])
    assert dnc.last_pull("lemlist") is not None
    dnc.replace_provider("lemlist", ["old@x.com", "new@x.com"])
    values = {(e.value, e.source) for e in dnc.entries()}
    assert values == {("kept@x.com", "typed"), ("old@x.com", "lemlist"), ("new@x.com", "lemlist")}


def test_a_failed_write_leaves_the_list_as_it_was(dnc: DncList, monkeypatch: pytest.MonkeyPatch) -> None:
    dnc.replace_provider("instantly", ["a@x.com", "b@x.com"])

    def broken(*_: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(DncError, match=r"dnc\.sqlite3"), dnc._tx() as db:
        db.execute("DELETE FROM entries WHERE source = 'instantly'")
        broken()
    assert len(dnc) == 2


def test_the_list_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "dnc.sqlite3"
    first = DncList(path)
    first.add(["a@x.com"], source="typed")
    first.close()
    again = DncList(path)
    assert [e.value for e in again.entries()] == ["a@x.com"]
    again.close()


def test_push_remembers_what_each_provider_accepted(dnc: DncList) -> None:
    dnc.add(["a@x.com", "b@x.com", "acme.com", "+12125550100"], source="typed")
    dnc.replace_provider("lemlist", ["from-lemlist@x.com"])
    batch = dnc.unpushed("instantly", ("email", "domain"), limit=2)
    assert batch == ["a@x.com", "acme.com"]
    dnc.mark_pushed("instantly", batch)
    assert dnc.unpushed("instantly", ("email", "domain"), limit=10) == ["b@x.com", "from-lemlist@x.com"]
    assert "from-lemlist@x.com" not in dnc.unpushed("lemlist", ("email",), limit=10)


def _sheet() -> tuple[pd.DataFrame, ColumnMapping]:
    frame = pd.DataFrame(
        {
            "Email": ["jane@acme.com", "joe@eu.beta.io", " Ann@Gamma.org ", "free@ok.com", ""],
            "Phone": ["", "", "", "(212) 555-0100", ""],
            "LinkedIn": ["", "", "", "", "linkedin.com/in/Someone/"],
        }
    )
    mapping = ColumnMapping(fields={"email": "Email", "phone": "Phone", "linkedinUrl": "LinkedIn"})
    return frame, mapping


def test_rows_on_the_list_name_the_entry_and_its_source(dnc: DncList) -> None:
    dnc.add(
        ["beta.io", "ann@gamma.org", "+1 212 555 0100", "https://www.linkedin.com/in/someone"], source="typed"
    )
    dnc.replace_provider("lemlist", ["acme.com"])
    frame, mapping = _sheet()
    check = check_sheet(frame, mapping, get_spec("lemlist"), dnc)
    assert check.reasons == {
        0: "on the do-not-contact list: acme.com, from lemlist unsubscribes",
        1: "on the do-not-contact list: beta.io, typed in",
        2: "on the do-not-contact list: ann@gamma.org, typed in",
        3: "on the do-not-contact list: +12125550100, typed in",
        4: "on the do-not-contact list: https://www.linkedin.com/in/someone, typed in",
    }
    assert check.message() == "5 rows on the do-not-contact list will be skipped."


def test_the_most_specific_entry_names_the_row(dnc: DncList) -> None:
    dnc.add(["acme.com", "jane@acme.com"], source="typed")
    frame, mapping = _sheet()
    assert (
        check_sheet(frame, mapping, get_spec("lemlist"), dnc).reasons[0].endswith("jane@acme.com, typed in")
    )


def test_a_domain_does_not_cover_a_lookalike(dnc: DncList) -> None:
    dnc.add(["cme.com", "eu.beta.io.evil"], source="typed")
    frame, mapping = _sheet()
    assert check_sheet(frame, mapping, get_spec("lemlist"), dnc).reasons == {}


def test_the_list_changing_between_two_checks_is_seen(dnc: DncList) -> None:
    frame, mapping = _sheet()
    spec = get_spec("lemlist")
    assert check_sheet(frame, mapping, spec, dnc).count == 0
    dnc.replace_provider("lemlist", ["free@ok.com"])
    assert set(check_sheet(frame, mapping, spec, dnc).reasons) == {3}
    dnc.replace_provider("lemlist", [])
    assert check_sheet(frame, mapping, spec, dnc).count == 0
