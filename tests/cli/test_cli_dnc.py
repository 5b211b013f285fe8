"""``leadloader dnc``: fill, list and empty the do-not-contact list from a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.cli import main


def _list(capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
    capsys.readouterr()
    assert main(["dnc", "list"]) == 0
    return [line.split("\t") for line in capsys.readouterr().out.splitlines()]


def test_add_detects_each_kind_and_list_prints_four_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["dnc", "add", "Jane@Acme.com", "competitor.com", "(212) 555-0100", "linkedin.com/in/Bob/"])
    assert code == 0
    rows = _list(capsys)
    assert sorted((value, kind, source) for value, kind, source, _added in rows) == [
        ("+12125550100", "phone", "typed"),
        ("competitor.com", "domain", "typed"),
        ("https://www.linkedin.com/in/bob", "linkedin", "typed"),
        ("jane@acme.com", "email", "typed"),
    ]
    assert all(added.endswith("+00:00") for *_, added in rows)


def test_bad_values_are_named_and_not_added(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dnc", "add", "ok@x.com", "what?"]) == 1
    err = capsys.readouterr().err
    assert "Added 1; 0 already on the list; 1 not usable." in err
    assert "'what?'" in err
    assert [r[0] for r in _list(capsys)] == ["ok@x.com"]


def test_a_national_phone_reads_with_the_region(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dnc", "--region", "FR", "add", "01 42 68 53 00"]) == 0
    assert _list(capsys)[0][:2] == ["+33142685300", "phone"]


def test_import_reads_the_column_and_names_the_file_as_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "optouts.csv"
    sheet.write_text("Name,Contact\nAnn,ann@x.com\nBo,bo@y.com\nCy,not-an-email@\n", encoding="utf-8")
    assert main(["dnc", "import", str(sheet)]) == 1  # one value is not usable
    err = capsys.readouterr().err
    assert "Read column ‘Contact’ of optouts.csv." in err
    assert "1 not usable" in err
    assert {(r[0], r[2]) for r in _list(capsys)} == {
        ("ann@x.com", "optouts.csv"),
        ("bo@y.com", "optouts.csv"),
    }


def test_import_of_a_corrupt_file_adds_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "optouts.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    assert main(["dnc", "import", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "optouts.xlsx" in err and "Nothing was added." in err
    assert _list(capsys) == []


def test_import_of_a_missing_column_names_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "optouts.csv"
    sheet.write_text("Email\nann@x.com\n", encoding="utf-8")
    assert main(["dnc", "import", str(sheet), "--column", "Mail"]) == 2
    assert "has no column ‘Mail’ (its columns: Email)" in capsys.readouterr().err


def test_remove_takes_any_spelling(capsys: pytest.CaptureFixture[str]) -> None:
    main(["dnc", "add", "acme.com", "b@x.com"])
    assert main(["dnc", "remove", "ACME.COM"]) == 0
    assert [r[0] for r in _list(capsys)] == ["b@x.com"]
    assert main(["dnc", "remove", "nobody@x.com"]) == 1


def test_a_provider_without_a_list_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dnc", "pull", "--provider", "aktify"]) == 2
    assert "Aktify publishes no do-not-contact list" in capsys.readouterr().err
