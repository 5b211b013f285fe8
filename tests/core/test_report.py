from __future__ import annotations

import csv
import errno
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from gui.core import report
from gui.core.domain import RowOutcome, Status
from gui.core.report import ReportError, export_results, neutralise


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Email": ["a@example.com", "b@example.com", "c@example.com", "d@example.com"],
            "Company": ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3", "@SUM(A1)"],
            "Phone": ["+1 617-555-0142", "\tTabbed", "\rCR", "02134"],
        },
        dtype=object,
    )


@pytest.fixture
def outcomes() -> dict[int, RowOutcome]:
    return {
        0: RowOutcome(0, Status.UPLOADED, provider_id="lea_1"),
        1: RowOutcome(1, Status.DUPLICATE, reason="already in the campaign"),
        2: RowOutcome(2, Status.FAILED, reason="=cmd|' /C calc'!A0", retryable=True),
        # row 3 was never sent
    }


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+33 6 12", "'+33 6 12"),
        ("-5", "'-5"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        ("", ""),
        ("02134", "02134"),
    ],
)
def test_neutralise(value: str, expected: str) -> None:
    assert neutralise(value) == expected


def test_csv_neutralises_every_formula_start(tmp_path: Path, frame, outcomes) -> None:
    path = tmp_path / "out.csv"
    assert export_results(frame, outcomes, path) == 4
    rows = read_csv(path)
    assert rows[0] == ["Email", "Company", "Phone", "status", "reason", "provider_id"]
    assert rows[1] == [
        "a@example.com",
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1 617-555-0142",
        "uploaded",
        "",
        "lea_1",
    ]
    assert rows[2][1:3] == ["'+1+2", "'\tTabbed"]
    assert rows[3][1:3] == ["'-3", "'\rCR"]
    assert rows[3][3:5] == ["failed", "'=cmd|' /C calc'!A0"]
    assert rows[4] == ["d@example.com", "'@SUM(A1)", "02134", "pending", "not sent", ""]
    for row in rows:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r"


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path, frame, outcomes) -> None:
    path = tmp_path / "out.xlsx"
    assert export_results(frame, outcomes, path) == 4
    sheet = load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    types = {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None}
    assert types == {"s"}
    assert values[1][1] == '=HYPERLINK("http://evil.example","x")'  # kept verbatim, as text
    assert values[1][2] == "+1 617-555-0142"
    assert values[4][2] == "02134"
    assert values[3][4] == "=cmd|' /C calc'!A0"
    # the raw XML holds no formula element at all
    import zipfile

    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_only_failed_keeps_failed_and_invalid(tmp_path: Path, frame, outcomes) -> None:
    outcomes[3] = RowOutcome(3, Status.INVALID, reason="Email: not an address")
    path = tmp_path / "failed.csv"
    assert export_results(frame, outcomes, path, only_failed=True) == 2
    rows = read_csv(path)
    assert [r[0] for r in rows[1:]] == ["c@example.com", "d@example.com"]
    assert [r[3] for r in rows[1:]] == ["failed", "invalid"]


def test_existing_result_columns_are_not_overwritten(tmp_path: Path) -> None:
    frame = pd.DataFrame({"email": ["a@example.com"], "status": ["VIP"]}, dtype=object)
    path = tmp_path / "out.csv"
    export_results(frame, {0: RowOutcome(0, Status.UPLOADED)}, path)
    rows = read_csv(path)
    assert rows[0] == ["email", "status", "leadloader_status", "reason", "provider_id"]
    assert rows[1][:3] == ["a@example.com", "VIP", "uploaded"]


def test_missing_values_become_empty_cells(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["x", None, float("nan")]}, dtype=object)
    path = tmp_path / "out.csv"
    export_results(frame, {}, path)
    assert [r[0] for r in read_csv(path)[1:]] == ["x", "", ""]


def test_unknown_suffix_and_missing_folder(tmp_path: Path, frame) -> None:
    with pytest.raises(ReportError, match=r"out\.txt.*\.csv or \.xlsx"):
        export_results(frame, {}, tmp_path / "out.txt")
    with pytest.raises(ReportError, match="does not exist"):
        export_results(frame, {}, tmp_path / "nope" / "out.csv")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_full_disk_leaves_no_half_file_and_keeps_the_old_report(
    tmp_path: Path, frame, outcomes, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    path = folder / f"out{suffix}"
    path.write_bytes(b"previous report")
    real = report._WRITERS[suffix]

    def half_then_full(rows, out_path: Path) -> None:
        real(rows, out_path)  # a complete temp file...
        with out_path.open("ab") as handle:
            handle.write(b"x" * 10)
        raise OSError(errno.ENOSPC, "No space left on device")  # ...and then the disk fills up

    monkeypatch.setitem(report._WRITERS, suffix, half_then_full)
    with pytest.raises(ReportError) as caught:
        export_results(frame, outcomes, path)
    message = str(caught.value)
    assert str(path) in message and "No space left on device" in message
    assert path.read_bytes() == b"previous report"
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


def test_unwritable_folder_names_the_file(tmp_path: Path, frame, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(report.tempfile, "mkstemp", refuse)
    with pytest.raises(ReportError, match=r"out\.csv: Permission denied"):
        export_results(frame, {}, tmp_path / "out.csv")


def test_illegal_xml_characters_do_not_break_xlsx(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": ["bell\x07here", "x" * 40_000]}, dtype=object)
    path = tmp_path / "out.xlsx"
    export_results(frame, {}, path)
    values = [c.value for c in load_workbook(path).active["A"]]
    assert values[1] == "bellhere"
    assert len(values[2]) == 32_767
