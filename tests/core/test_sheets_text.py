"""Text files: pyarrow reads them into arrow-backed columns; a UTF-8 mark, bad UTF-8 found late."""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from gui.core.domain import Progress
from gui.core.sheets import arrow_blocks, delimited, files, text_dialect
from gui.core.sheets.load import load_sheet, preview_rows
from gui.core.sheets.text_columns import TEXT_DTYPE

DATA = Path(__file__).resolve().parents[1] / "data" / "sheets"


def test_a_late_cp1252_byte_switches_the_whole_file_to_cp1252(monkeypatch: pytest.MonkeyPatch) -> None:
    # The first read gives up on a cp1252 byte far down and the file is judged again whole.
    monkeypatch.setattr(text_dialect, "_SAMPLE_BYTES", 64)
    sheet = load_sheet(DATA / "late_cp1252.csv")
    assert sheet.encoding == "cp1252"
    assert sheet.frame.iloc[-1].tolist() == ["Renée", "renee@example.com"]


def test_a_utf8_bom_is_skipped_by_offset_not_by_copy(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    rows = [f"lead{i}@example.com,Zoë {i % 9},{i % 1000:05d}" for i in range(5000)]
    path.write_bytes(b"\xef\xbb\xbf" + ("Email,Name,Zip\r\n" + "\r\n".join(rows) + "\r\n").encode())
    sheet = load_sheet(path)
    assert list(sheet.frame.columns) == ["Email", "Name", "Zip"]
    assert sheet.frame.iloc[4999].tolist() == ["lead4999@example.com", "Zoë 4", "00999"]
    assert sheet.encoding == "utf-8"
    data = path.read_bytes()
    utf8, start = text_dialect.to_utf8(data, "utf-8", 3)
    assert utf8 is data and start == 3


def write_with_late_byte(path: Path, *, repeated: bool) -> None:
    """30,000 rows, UTF-8 but for one cp1252 "é" at row 20,000, in a repeated or a unique column."""
    lines = [b"Email,City,Zip"]
    for i in range(30_000):
        city = b"Orl\xe9ans" if i == 20_000 and repeated else b"Paris" if i % 2 else b"Lyon"
        email = b"ren\xe9e@example.com" if i == 20_000 and not repeated else f"lead{i}@example.com".encode()
        lines.append(email + b"," + city + b"," + f"{i:05d}".encode())
    path.write_bytes(b"\n".join(lines) + b"\n")


@pytest.mark.parametrize("repeated", [True, False], ids=["repeated column", "unique column"])
def test_a_late_non_utf8_byte_is_found_in_either_kind_of_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repeated: bool
) -> None:
    # pyarrow checks the UTF-8 of every block it reads, in whichever column the byte sits.
    monkeypatch.setattr(text_dialect, "_SAMPLE_BYTES", 4096)
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", 64 * 1024)
    path = tmp_path / "late.csv"
    write_with_late_byte(path, repeated=repeated)
    sheet = load_sheet(path)
    assert sheet.encoding == "cp1252"
    row = sheet.frame.iloc[20_000].tolist()
    assert row == (
        ["lead20000@example.com", "Orléans", "20000"] if repeated else ["renée@example.com", "Lyon", "20000"]
    )
    assert sheet.frame.shape == (30_000, 3)
    assert all(sheet.frame[c].dtype == TEXT_DTYPE for c in sheet.frame.columns)


def test_utf8_chosen_by_the_user_shows_the_bad_byte_as_a_replacement(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    write_with_late_byte(path, repeated=True)
    sheet = load_sheet(path, encoding="utf-8")
    assert sheet.encoding == "utf-8"
    assert sheet.frame["City"].iloc[20_000] == "Orl\ufffdans"
    assert sheet.frame["City"].iloc[19_999] == "Paris"
    assert sheet.frame.shape == (30_000, 3)


def test_the_preview_of_a_utf8_bom_file_starts_after_the_mark() -> None:
    rows = preview_rows(DATA / "utf8_bom.csv", rows=2)
    assert not rows[0][0].startswith("\ufeff")
    assert rows[0] == load_sheet(DATA / "utf8_bom.csv").frame.columns.tolist()


def write_leads(path: Path, rows: int) -> None:
    lines = ["Email,Name,Zip"] + [f'lead{i}@example.com,"Zoë, {i % 9}",{i % 1000:05d}' for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_text_file_loads_into_arrow_backed_columns_a_workbook_into_objects(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    write_leads(path, 50)
    sheet = load_sheet(path)
    assert [str(sheet.frame[c].dtype) for c in sheet.frame.columns] == [str(TEXT_DTYPE)] * 3
    assert sheet.frame["Name"].iat[3] == "Zoë, 3"
    assert type(sheet.frame["Zip"].iat[7]) is str and sheet.frame["Zip"].iat[7] == "00007"
    assert (sheet.frame["Email"] == "lead1@example.com").dtype == bool  # numpy booleans, as for objects
    workbook = load_sheet(DATA / "leads.xlsx")
    assert all(workbook.frame[c].dtype == object for c in workbook.frame.columns)


def test_a_big_utf8_file_is_read_by_pyarrow_not_copied_whole_into_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "leads.csv"
    write_leads(path, 30_000)
    expected = load_sheet(path).frame
    monkeypatch.setattr(delimited, "_PREVIEW_BYTES", 4096)
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", 64 * 1024)
    limits: list[int] = []
    read = files.read_bytes

    def spy(file: Path, limit: int = -1) -> bytes:
        limits.append(limit)
        return read(file, limit)

    monkeypatch.setattr(delimited, "read_bytes", spy)
    events: list[Progress] = []
    sheet = load_sheet(path, progress=events.append)
    assert limits == [4096]  # the head only: pyarrow read the rest from the file
    pd.testing.assert_frame_equal(sheet.frame, expected)
    during = [e for e in events if e.message.startswith("Read about ")]
    assert len(during) > 5 and all(0 < e.done <= e.total for e in during)
    assert 27_000 < during[-1].done < 33_000  # estimated from the bytes read and the first rows' length
    assert (events[-1].done, events[-1].total) == (30_000, 30_000)


def test_a_late_bad_byte_past_the_first_megabyte_switches_the_file_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delimited, "_PREVIEW_BYTES", 8192)
    monkeypatch.setattr(text_dialect, "_SAMPLE_BYTES", 4096)
    path = tmp_path / "late.csv"
    write_with_late_byte(path, repeated=True)
    sheet = load_sheet(path)
    assert sheet.encoding == "cp1252"
    assert sheet.frame.iloc[20_000].tolist() == ["lead20000@example.com", "Orléans", "20000"]
    assert sheet.frame.shape == (30_000, 3)


@pytest.mark.parametrize("head", [40, 200], ids=["head inside the header", "head inside the rows scanned"])
def test_rows_scanned_past_the_head_are_read_from_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: int
) -> None:
    # A head that ends inside the rows the header search reads must not cut a record short.
    path = tmp_path / "leads.csv"
    path.write_text(
        "Exported by CRM on 2026-12-07\n\nEmail,Name,Notes\n"
        + "".join(f'lead{i}@example.com,Name {i},"note {i}\nsecond line"\n' for i in range(40)),
        encoding="utf-8",
    )
    expected = load_sheet(path)
    monkeypatch.setattr(delimited, "_PREVIEW_BYTES", head)
    sheet = load_sheet(path)
    assert sheet.header_row == expected.header_row == 2
    pd.testing.assert_frame_equal(sheet.frame, expected.frame)
    assert sheet.frame["Notes"].iat[39] == "note 39\nsecond line"


def test_a_file_that_ends_early_gives_the_rows_it_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another program truncating the file during the load gives fewer rows, never a crash:
    # the file is read, not memory-mapped.
    path = tmp_path / "leads.csv"
    write_leads(path, 20_000)
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", 64 * 1024)
    full = path.stat().st_size
    cut: list[Any] = []

    def truncate_once(event: Progress) -> None:
        if not cut and event.message.startswith("Read about "):
            cut.append(event.done)
            with path.open("r+b") as handle:
                handle.truncate(full // 2)

    sheet = load_sheet(path, progress=truncate_once)
    assert cut
    assert 0 < len(sheet.frame) < 20_000
    assert sheet.frame["Email"].iat[0] == "lead0@example.com"


def test_a_read_error_in_the_middle_names_the_file_and_the_app_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "leads.csv"
    write_leads(path, 20_000)
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", 64 * 1024)
    read = arrow_blocks._WatchedReads.read_buffer
    calls: list[int] = []

    def failing(self: Any, size: int = -1) -> Any:
        calls.append(size)
        if len(calls) == 3:
            raise OSError(5, "Input/output error")
        return read(self, size)

    monkeypatch.setattr(arrow_blocks._WatchedReads, "read_buffer", failing)
    with pytest.raises(files.SheetError) as caught:
        load_sheet(path)
    assert caught.value.path == path
    assert "cannot be read (Input/output error)" in str(caught.value)
    monkeypatch.setattr(arrow_blocks._WatchedReads, "read_buffer", read)
    assert len(load_sheet(path).frame) == 20_000


def test_a_quoted_crlf_on_a_block_edge_keeps_its_line_feed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pyarrow's quote-aware cutting returns "first\rsecond" for a quoted "first\r\nsecond" that
    # straddles a block edge; such a file is read by the csv module instead, which keeps every
    # character. The fast cutting is made to give up, as it does on most such files.
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", 1024)
    parse = arrow_blocks._parse_arrow
    careful: list[bool] = []

    def fast_gives_up(*args: Any) -> Any:
        if not args[4]:
            raise pa.ArrowInvalid("CSV parser got out of sync with chunker")
        careful.append(True)
        return parse(*args)

    monkeypatch.setattr(arrow_blocks, "_parse_arrow", fast_gives_up)
    rows = [
        [f"lead{i}@example.com", "first\r\nsecond" if i % 2 else "one\nline", f"{i:05d}"] for i in range(3000)
    ]
    path = tmp_path / "crlf.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([["Email", "Notes", "Zip"], *rows])
    sheet = load_sheet(path)
    assert careful == [True]
    assert sheet.frame.astype(object).values.tolist() == rows


@pytest.mark.parametrize("seed", range(40))
def test_random_quoted_files_read_exactly_as_the_csv_module_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    # Commas, quotes, LF and CRLF inside quoted cells, on small blocks so they fall on edges.
    rng = random.Random(seed)
    monkeypatch.setattr(arrow_blocks, "_BLOCK_BYTES", rng.choice([1024, 2048, 4096]))
    notes = ["plain", "with, comma", "two\nlines", "three\nli\nnes", 'quote "x" in', "", "a\r\nb", " "]
    rows = [[f"lead{i}@ex.com", rng.choice(notes), f"{i:05d}"] for i in range(rng.randint(500, 3000))]
    path = tmp_path / "random.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator=rng.choice(["\n", "\r\n"]))
        writer.writerows([["Email", "Notes", "Zip"], *rows])
    with path.open(encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))[1:]
    assert load_sheet(path).frame.astype(object).values.tolist() == expected
