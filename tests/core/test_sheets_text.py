"""Text files read from a mapping, and bad UTF-8 found by the conversion to ``str``."""

from __future__ import annotations

import mmap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gui.core.errors import SheetError
from gui.core.sheets import arrow_blocks, text_dialect
from gui.core.sheets import files as sheet_files
from gui.core.sheets.load import Sheet, load_sheet, preview_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "sheets"
TEXT_FILES = sorted(p.name for p in DATA.iterdir() if p.suffix in {".csv", ".tsv", ".txt"})


@pytest.fixture
def map_all(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[mmap.mmap]]:
    """From the call on, every text file is mapped (not only big ones); lists the mappings made."""

    def start() -> list[mmap.mmap]:
        made: list[mmap.mmap] = []
        real = mmap.mmap

        def spy(*args: Any, **kwargs: Any) -> mmap.mmap:
            made.append(real(*args, **kwargs))
            return made[-1]

        monkeypatch.setattr(sheet_files, "MAP_BYTES", 1)
        monkeypatch.setattr(sheet_files.mmap, "mmap", spy)
        return made

    return start


def outcome(path: Path, **options: Any) -> Sheet | str:
    try:
        return load_sheet(path, **options)
    except SheetError as error:
        return str(error)


def assert_same(read: Sheet | str, mapped_read: Sheet | str) -> None:
    if isinstance(read, str) or isinstance(mapped_read, str):
        assert read == mapped_read
        return
    pd.testing.assert_frame_equal(read.frame, mapped_read.frame)
    assert (read.encoding, read.delimiter, read.header_row, read.rows_dropped) == (
        mapped_read.encoding,
        mapped_read.delimiter,
        mapped_read.header_row,
        mapped_read.rows_dropped,
    )
    assert read.notes == mapped_read.notes
    assert np.array_equal(read.source_rows, mapped_read.source_rows)


@pytest.mark.parametrize("name", TEXT_FILES)
def test_a_mapped_file_reads_as_the_same_sheet(name: str, map_all: Callable[[], list[mmap.mmap]]) -> None:
    read = outcome(DATA / name)
    made = map_all()
    assert_same(read, outcome(DATA / name))
    assert len(made) == (1 if (DATA / name).stat().st_size else 0)  # an empty file is refused first
    assert all(mapping.closed for mapping in made)


def test_the_mapping_is_closed_after_a_late_encoding_switch(
    map_all: Callable[[], list[mmap.mmap]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first read gives up on a cp1252 byte far down and the file is judged again whole:
    # both passes use the one mapping, closed once the sheet is built.
    mapped = map_all()
    monkeypatch.setattr(text_dialect, "_SAMPLE_BYTES", 64)
    sheet = load_sheet(DATA / "late_cp1252.csv")
    assert sheet.encoding == "cp1252"
    assert sheet.frame.iloc[-1].tolist() == ["Renée", "renee@example.com"]
    assert len(mapped) == 1 and mapped[0].closed


def test_a_utf8_bom_is_skipped_by_offset_not_by_copy(
    tmp_path: Path, map_all: Callable[[], list[mmap.mmap]]
) -> None:
    mapped = map_all()
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
    assert len(mapped) == 1 and mapped[0].closed


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
    # pyarrow does not check UTF-8 here; the conversion of each cell (or distinct value) does,
    # in whichever block it sits.
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
    assert all(sheet.frame[c].dtype == object for c in sheet.frame.columns)


def test_utf8_chosen_by_the_user_shows_the_bad_byte_as_a_replacement(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    write_with_late_byte(path, repeated=True)
    sheet = load_sheet(path, encoding="utf-8")
    assert sheet.encoding == "utf-8"
    assert sheet.frame["City"].iloc[20_000] == "Orl\ufffdans"
    assert sheet.frame["City"].iloc[19_999] == "Paris"
    assert sheet.frame.shape == (30_000, 3)


def test_a_file_that_cannot_be_mapped_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read = load_sheet(DATA / "clean.csv")
    tried: list[int] = []

    def refuse(*_args: Any, **_kwargs: Any) -> mmap.mmap:
        tried.append(1)
        raise OSError(19, "No such device")  # what some network file systems answer

    monkeypatch.setattr(sheet_files, "MAP_BYTES", 1)
    monkeypatch.setattr(sheet_files.mmap, "mmap", refuse)
    assert_same(read, load_sheet(DATA / "clean.csv"))
    assert tried == [1]


def test_the_preview_of_a_utf8_bom_file_starts_after_the_mark() -> None:
    rows = preview_rows(DATA / "utf8_bom.csv", rows=2)
    assert not rows[0][0].startswith("\ufeff")
    assert rows[0] == load_sheet(DATA / "utf8_bom.csv").frame.columns.tolist()
