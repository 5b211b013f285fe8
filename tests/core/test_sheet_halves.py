"""A big worksheet parsed as two halves gives exactly the rows of the whole parse."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from gui.core import sheet_halves
from gui.core.sheets import load_sheet
from tests.core.workbooks import without_cell_references

DATA = Path(__file__).resolve().parents[1] / "data" / "sheets"


def load_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch, *, cut: bool = True, **options: object
) -> tuple[object, object]:
    """The sheet parsed whole, then in halves (every sheet counts as big), checking halves were used."""
    whole = load_sheet(path, **options)  # type: ignore[arg-type]
    monkeypatch.setattr(sheet_halves, "SPLIT_ABOVE_BYTES", 0)
    calls: list[object] = []
    original = sheet_halves.read_rows

    def spy(*args: object) -> object:
        result = original(*args)  # type: ignore[arg-type]
        calls.append(result)
        return result

    monkeypatch.setattr(sheet_halves, "read_rows", spy)
    halves = load_sheet(path, **options)  # type: ignore[arg-type]
    assert calls, "the halves reader was not asked"
    if cut:
        assert calls[0] is not None, "the sheet was not read in halves"
    return whole, halves


def assert_same(whole: object, halves: object) -> None:
    pd.testing.assert_frame_equal(whole.frame, halves.frame)  # type: ignore[attr-defined]
    assert whole.source_rows.tolist() == halves.source_rows.tolist()  # type: ignore[attr-defined]
    assert whole.notes == halves.notes  # type: ignore[attr-defined]
    assert whole.rows_dropped == halves.rows_dropped  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "sheet"), [("leads.xlsx", None), ("leads.xlsx", "Second"), ("phone_formats.xlsx", None)]
)
def test_corpus_workbooks_read_the_same_in_halves(
    name: str, sheet: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, halves = load_both_ways(DATA / name, monkeypatch, sheet=sheet)
    assert_same(whole, halves)


def test_gap_rows_at_the_cut_and_a_second_half_starting_further_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Zip", "Notes"])
    sheet.append(["ann@example.com", "Ann"])
    # Most of the bytes: every other row from row 100, only in columns C and D, so the cut
    # lands among them and the second half starts after a blank row, in column C.
    for index in range(100):
        sheet.cell(row=100 + 2 * index, column=3, value=f"{index:05d}")
        sheet.cell(row=100 + 2 * index, column=4, value=f"note {index}")
    path = tmp_path / "gaps.xlsx"
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        part = archive.read("xl/worksheets/sheet1.xml")
    cut = sheet_halves._cut(part)
    assert cut is not None
    assert cut[2] > 100  # the second half starts among the sparse rows
    whole, halves = load_both_ways(path, monkeypatch)
    assert_same(whole, halves)
    assert halves.frame.shape == (101, 4)  # type: ignore[attr-defined]
    assert halves.frame.iloc[-1].tolist() == ["", "", "00099", "note 99"]  # type: ignore[attr-defined]
    assert halves.source_rows.tolist()[-2:] == [296, 298]  # type: ignore[attr-defined]


def test_join_pads_rows_and_columns() -> None:
    top: list[list[object]] = [["Email", "Zip"], ["a@x.io", 1.0]]
    rest: list[list[object]] = [["z", "w"], ["", "v"]]
    assert sheet_halves._join(top, rest, (3, 1), 3) == [
        ["Email", "Zip", ""],
        ["a@x.io", 1.0, ""],
        ["", "", ""],
        ["", "z", "w"],
        ["", "", "v"],
    ]
    assert sheet_halves._join(top, rest, (1, 0), 1) is None  # overlapping halves: read whole
    assert sheet_halves._join(top, [], None, 2) == top


def test_rows_without_numbers_are_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = without_cell_references(DATA / "phone_formats.xlsx", tmp_path / "no_refs.xlsx")
    monkeypatch.setattr(sheet_halves, "SPLIT_ABOVE_BYTES", 0)
    assert sheet_halves.read_rows(path, "xl/worksheets/sheet1.xml", "Phones") is None
    whole, halves = load_both_ways(path, monkeypatch, cut=False)
    assert_same(whole, halves)


def test_small_sheets_are_left_to_the_whole_parse() -> None:
    assert sheet_halves.read_rows(DATA / "leads.xlsx", "xl/worksheets/sheet1.xml", "Leads") is None


def test_cut_keeps_prefixed_markup() -> None:
    rows = b"".join(
        b'<x:row r="%d"><x:c r="A%d"><x:v>%d</x:v></x:c></x:row>' % (i, i, i) for i in range(1, 11)
    )
    xml = b'<x:worksheet xmlns:x="main"><x:sheetData>' + rows + b"</x:sheetData><x:mergeCells/></x:worksheet>"
    cut = sheet_halves._cut(xml)
    assert cut is not None
    first, second, row = cut
    assert first.startswith(b'<x:worksheet xmlns:x="main"><x:sheetData><x:row r="1">')
    assert second.startswith(b'<x:worksheet xmlns:x="main"><x:sheetData><x:row r="%d">' % (row + 1))
    assert first.endswith(b"</x:sheetData><x:mergeCells/></x:worksheet>")
    assert first.count(b"<x:row ") + second.count(b"<x:row ") == 10
