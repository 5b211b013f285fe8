"""A big worksheet parsed in pieces gives exactly the rows of the whole parse."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from gui.core.sheets import pieces as sheet_pieces
from gui.core.sheets.load import load_sheet
from tests.core.workbooks import without_cell_references

DATA = Path(__file__).resolve().parents[1] / "data" / "sheets"


def load_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch, *, cut: bool = True, **options: object
) -> tuple[object, object]:
    """The sheet parsed whole, then in pieces (every sheet counts as big), checking pieces were used."""
    whole = load_sheet(path, **options)  # type: ignore[arg-type]
    monkeypatch.setattr(sheet_pieces, "SPLIT_ABOVE_BYTES", 0)
    calls: list[object] = []
    original = sheet_pieces.read_rows

    def spy(*args: object) -> object:
        result = original(*args)  # type: ignore[arg-type]
        calls.append(result)
        return result

    monkeypatch.setattr(sheet_pieces, "read_rows", spy)
    pieces = load_sheet(path, **options)  # type: ignore[arg-type]
    assert calls, "the pieces reader was not asked"
    if cut:
        assert calls[0] is not None, "the sheet was not read in pieces"
    return whole, pieces


def assert_same(whole: object, pieces: object) -> None:
    pd.testing.assert_frame_equal(whole.frame, pieces.frame)  # type: ignore[attr-defined]
    assert whole.source_rows.tolist() == pieces.source_rows.tolist()  # type: ignore[attr-defined]
    assert whole.notes == pieces.notes  # type: ignore[attr-defined]
    assert whole.rows_dropped == pieces.rows_dropped  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "sheet"), [("leads.xlsx", None), ("leads.xlsx", "Second"), ("phone_formats.xlsx", None)]
)
def test_corpus_workbooks_read_the_same_in_pieces(
    name: str, sheet: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, pieces = load_both_ways(DATA / name, monkeypatch, sheet=sheet)
    assert_same(whole, pieces)


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
    pieces = sheet_pieces.cut(part, sheet_pieces.PIECES)
    assert pieces is not None and len(pieces) > 2
    assert pieces[-1].first_row > 100  # later pieces start among the sparse rows
    whole, pieces = load_both_ways(path, monkeypatch)
    assert_same(whole, pieces)
    assert pieces.frame.shape == (101, 4)  # type: ignore[attr-defined]
    assert pieces.frame.iloc[-1].tolist() == ["", "", "00099", "note 99"]  # type: ignore[attr-defined]
    assert pieces.source_rows.tolist()[-2:] == [296, 298]  # type: ignore[attr-defined]


def test_join_pads_rows_and_columns() -> None:
    top: list[list[object]] = [["Email", "Zip"], ["a@x.io", 1.0]]
    rest: list[list[object]] = [["z", "w"], ["", "v"]]
    last: list[list[object]] = [["q"]]
    joined = sheet_pieces._join([(top, (0, 0)), (rest, (3, 1)), (last, (6, 0))], [0, 3, 5])
    assert joined == [
        ["Email", "Zip", ""],
        ["a@x.io", 1.0, ""],
        ["", "", ""],
        ["", "z", "w"],
        ["", "", "v"],
        ["", "", ""],
        ["q", "", ""],
    ]
    assert sheet_pieces._join([(top, (0, 0)), (rest, (1, 0))], [0, 1]) is None  # overlap: read whole
    assert sheet_pieces._join([(top, (0, 0)), ([], None)], [0, 2]) == top


@pytest.mark.parametrize(("pieces", "threads"), [(2, 2), (3, 1), (7, 2)])
def test_any_number_of_pieces_and_threads_gives_the_same_rows(
    pieces: int, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheet_pieces, "PIECES", pieces)
    monkeypatch.setattr(sheet_pieces, "THREADS", threads)
    whole, split = load_both_ways(DATA / "leads.xlsx", monkeypatch)
    assert_same(whole, split)


def test_rows_without_numbers_are_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = without_cell_references(DATA / "phone_formats.xlsx", tmp_path / "no_refs.xlsx")
    monkeypatch.setattr(sheet_pieces, "SPLIT_ABOVE_BYTES", 0)
    assert sheet_pieces.read_rows(path, "xl/worksheets/sheet1.xml", "Phones") is None
    whole, pieces = load_both_ways(path, monkeypatch, cut=False)
    assert_same(whole, pieces)


def test_small_sheets_are_left_to_the_whole_parse() -> None:
    assert sheet_pieces.read_rows(DATA / "leads.xlsx", "xl/worksheets/sheet1.xml", "Leads") is None


def test_cut_keeps_prefixed_markup() -> None:
    rows = b"".join(
        b'<x:row r="%d"><x:c r="A%d"><x:v>%d</x:v></x:c></x:row>' % (i, i, i) for i in range(1, 11)
    )
    xml = b'<x:worksheet xmlns:x="main"><x:sheetData>' + rows + b"</x:sheetData><x:mergeCells/></x:worksheet>"
    pieces = sheet_pieces.cut(xml, 2)
    assert pieces is not None and len(pieces) == 2
    first, second = pieces
    assert first.first_row == 0
    assert first.xml.startswith(b'<x:worksheet xmlns:x="main"><x:sheetData><x:row r="1">')
    start = b'<x:worksheet xmlns:x="main"><x:sheetData><x:row r="%d">' % (second.first_row + 1)
    assert second.xml.startswith(start)
    assert first.xml.endswith(b"</x:sheetData><x:mergeCells/></x:worksheet>")
    assert first.xml.count(b"<x:row ") + second.xml.count(b"<x:row ") == 10
    four = sheet_pieces.cut(xml, 4)
    assert four is not None and len(four) == 4
    assert [p.first_row for p in four] == sorted({p.first_row for p in four})
    assert sum(p.xml.count(b"<x:row ") for p in four) == 10


def test_1904_dates_and_inline_text_survive_the_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = Workbook()
    book.epoch = CALENDAR_MAC_1904  # old Mac workbooks count days from 1904: the copy must keep it
    sheet = book.active
    sheet.append(["Email", "Signed up", "Zip"])
    for index in range(60):
        sheet.append(
            [f"lead{index}@example.com", dt.date(2024, 1, 1) + dt.timedelta(days=index), 501 + index]
        )
        sheet.cell(row=sheet.max_row, column=3).number_format = "00000"
    path = tmp_path / "mac.xlsx"
    book.save(path)
    whole, split = load_both_ways(path, monkeypatch)
    assert_same(whole, split)
    assert split.frame.iloc[0].tolist() == ["lead0@example.com", "2024-01-01", "00501"]  # type: ignore[attr-defined]
    assert split.frame.iloc[-1, 1] == "2024-02-29"  # type: ignore[attr-defined]
