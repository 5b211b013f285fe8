"""Text files: a UTF-8 mark skipped by offset, and bad UTF-8 found by the conversion to ``str``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui.core.sheets import arrow_blocks, text_dialect
from gui.core.sheets.load import load_sheet, preview_rows

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


def test_the_preview_of_a_utf8_bom_file_starts_after_the_mark() -> None:
    rows = preview_rows(DATA / "utf8_bom.csv", rows=2)
    assert not rows[0][0].startswith("\ufeff")
    assert rows[0] == load_sheet(DATA / "utf8_bom.csv").frame.columns.tolist()
