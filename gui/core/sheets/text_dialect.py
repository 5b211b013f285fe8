"""Pure Python: how a text file is written, judged on its bytes before any field is read.

Neither pandas engine sniffs a delimiter, and a wrong encoding silently turns ``é`` into ``Ã©``,
so the dialect is decided first: a byte-order mark, UTF-16 by its NUL bytes, UTF-8 when the
bytes decode, else the code page Excel wrote. The delimiter is the one that splits the first rows
most consistently; the first records (with their byte offsets) let the reader start right after
the header row, whatever sits above it.

The functions take the file's ``bytes``: a file is read whole rather than memory-mapped, since a
mapped file that another program truncates mid-load kills the process (SIGBUS), losing the sheet
already open in the window, to save a twentieth of a second on 150 MB.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t", "|")
#: Code pages Excel writes "CSV" in on Windows, by region; the detector only considers these.
EXCEL_CODEPAGES = [
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp874",
    "cp932",
    "gb18030",
    "big5",
    "cp949",
    "koi8_r",
    "mac_roman",
    "cp437",
    "cp850",
    "latin_1",
]
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_BYTES = 256 * 1024
_SNIFF_ROWS = 60


@dataclass(frozen=True)
class Dialect:
    """How a text file is written.

    Attributes:
        encoding: The codec name (``utf-8``, ``cp1252``, ``utf-16-le``...).
        delimiter: The field separator.
        bom: Bytes of a byte-order mark at the start, skipped when reading.
    """

    encoding: str
    delimiter: str
    bom: int = 0


class NotUtf8(Exception):  # noqa: N818 - a finding, handled inside the loader
    """A file taken for UTF-8 from its first bytes holds other bytes further on."""


def detect_encoding(data: bytes, *, whole: bool = True) -> tuple[str, int]:
    """The encoding of ``data`` and the length of its byte-order mark.

    A BOM is certain; otherwise UTF-16 without BOM shows as NUL bytes in every other place,
    valid UTF-8 is UTF-8 (a legacy code page almost never decodes as UTF-8 by chance), and the
    rest goes to charset-normalizer restricted to the code pages Excel writes. With
    ``whole=False`` only the first bytes are checked for UTF-8 (the fast reader validates the
    rest and raises :class:`NotUtf8`, and the caller asks again with ``whole=True``).
    """
    for bom, name in _BOMS:
        if data[: len(bom)] == bom:
            return name, len(bom)
    head = data[:4096]
    if len(head) >= 4:
        even_nuls = head[0::2].count(0)
        odd_nuls = head[1::2].count(0)
        half = len(head) // 2
        if odd_nuls > half * 0.4 and even_nuls < half * 0.05:
            return "utf-16-le", 0
        if even_nuls > half * 0.4 and odd_nuls < half * 0.05:
            return "utf-16-be", 0
    bad_at = _first_invalid_utf8(data if whole else data[:_SAMPLE_BYTES], final=whole)
    if bad_at < 0:
        return "utf-8", 0
    return _guess_codepage(data, bad_at), 0


def _first_invalid_utf8(data: bytes, *, final: bool = True) -> int:
    """Offset of the first byte that is not UTF-8, or -1 (scans in blocks: no whole-file copy).

    With ``final=False`` a character cut at the end of ``data`` (a sample) is not an error.
    """
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    view = memoryview(data)
    step = 4 * 1024 * 1024
    for start in range(0, len(data), step):
        try:
            decoder.decode(view[start : start + step], final=final and start + step >= len(data))
        except UnicodeDecodeError as error:
            return start + error.start
    return -1


_LATIN_CANDIDATES = ("cp1252", "cp1250", "cp1257", "cp1254", "mac_roman", "cp850")


def _guess_codepage(data: bytes, bad_at: int) -> str:
    """The code page of a file that is not UTF-8.

    charset-normalizer tells Cyrillic, Greek, Arabic or Asian code pages apart well, but on the
    short samples of a lead list it often takes French for Central European (``Crčme brűlée``)
    or the reverse. Between the Latin code pages the choice is made by :func:`_mojibake`, and a
    tie goes to Windows-1252, the code page of most Excel CSVs.
    """
    from charset_normalizer import from_bytes

    sample = data[:_SAMPLE_BYTES]
    if bad_at >= len(sample):
        sample += b"\n" + data[max(0, bad_at - 4096) : bad_at + 60_000]
    best = from_bytes(sample, cp_isolation=EXCEL_CODEPAGES).best()
    guess = codecs.lookup(best.encoding).name if best is not None else None
    latin = {codecs.lookup(name).name for name in (*_LATIN_CANDIDATES, "latin_1")}
    candidates: list[str] = []
    if guess is not None and guess not in latin:
        candidates.append(guess)
    else:
        scores = []
        for rank, name in enumerate(_LATIN_CANDIDATES):
            try:
                text = sample.decode(name)
            except UnicodeDecodeError:
                continue
            scores.append((_mojibake(text), rank, name))
        candidates.extend(name for _score, _rank, name in sorted(scores))
    for name in [*candidates, "cp1252", "latin_1"]:
        try:
            str(data, name)
        except (UnicodeDecodeError, LookupError):
            continue
        return name
    return "latin_1"


def _mojibake(text: str) -> int:
    """How much a decoded text looks like the wrong code page: symbols glued to letters.

    Polish read as cp1252 gives ``B¹k``, ``¯ó³ta``, ``£ódŸ``: symbols and digits inside words,
    which real text does not have. Control characters are never right in a lead list.
    """
    import unicodedata

    penalty = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        category = unicodedata.category(char)
        if category[0] == "C":
            penalty += 3
        elif category[0] in "SN" or char in "¿¡":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isalpha() or after.isalpha():
                penalty += 1
    return penalty


def to_utf8(data: bytes, encoding: str, bom: int) -> tuple[bytes, int]:
    """The file as UTF-8 bytes (the one encoding pyarrow parses natively) and where its text starts.

    A UTF-8 file is used as it is, its byte-order mark skipped by the offset rather than by a
    copy of the whole file (Excel's "CSV UTF-8" writes one); other encodings are transcoded.
    """
    if codecs.lookup(encoding).name == "utf-8":
        return data, bom
    return str(memoryview(data)[bom:], encoding, "replace").encode("utf-8"), 0


def sniff_delimiter(text: str, suffix: str) -> str:
    """The delimiter that splits the first rows into the most consistent number of fields.

    Title rows above the header have fewer fields, so the test is the most common field count
    and how many rows share it, not that every row agrees.
    """
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and len(text) >= _SAMPLE_BYTES // 2:
        lines = lines[:-1]  # the last line of a cut sample is incomplete
    sample = "".join(lines[: _SNIFF_ROWS * 4])
    best: tuple[float, int, int] = (0.0, 0, 0)
    chosen = "\t" if suffix == ".tsv" else ","
    for rank, delimiter in enumerate(DELIMITERS):
        counts = [len(row) for row in _rows(sample, delimiter, _SNIFF_ROWS) if row]
        if not counts:
            continue
        width, share = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        prefer = 1 if (suffix == ".tsv") == (delimiter == "\t") else 0
        score = (share / len(counts), prefer, width)
        if score > best or (score == best and rank == 0):
            best = score
            chosen = delimiter
    return chosen


def _rows(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def dialect_of(
    data: bytes, suffix: str, encoding: str | None, delimiter: str | None, *, whole: bool = True
) -> Dialect:
    """The dialect of a file, guessing what the caller did not fix (see :func:`detect_encoding`)."""
    if encoding is None:
        encoding, bom = detect_encoding(data, whole=whole)
    else:
        try:
            codecs.lookup(encoding)
        except LookupError as error:
            raise ValueError(f'"{encoding}" is not an encoding this app knows.') from error
        bom = next((len(b) for b, n in _BOMS if data[: len(b)] == b and _same_codec(n, encoding)), 0)
    if delimiter is None:
        sample = str(memoryview(data)[bom : bom + _SAMPLE_BYTES], encoding, "replace")
        # Excel's own hint line "sep=;" names the delimiter (the header finder skips the line).
        hint = sample[:6]
        if hint[:4].lower() == "sep=" and len(hint) > 4 and hint[4] not in "\r\n":
            delimiter = hint[4]
        else:
            delimiter = sniff_delimiter(sample, suffix)
    return Dialect(encoding, delimiter, bom)


def _same_codec(a: str, b: str) -> bool:
    first, second = codecs.lookup(a).name, codecs.lookup(b).name
    return first == second or {first, second} <= {"utf-16", "utf-16-le", "utf-16-be"}


def preview_records(utf8: bytes, delimiter: str, rows: int, start: int = 0) -> list[tuple[list[str], int]]:
    """The first records from byte ``start`` with the byte offset just after each one.

    Offsets let the fast reader start right after the header, whatever sits above it, even when
    quoted fields hold line breaks.
    """
    out: list[tuple[list[str], int]] = []
    consumed = start

    def lines() -> Iterator[str]:
        nonlocal consumed
        position = start
        while position < len(utf8):
            end = utf8.find(b"\n", position)
            end = len(utf8) if end < 0 else end + 1
            chunk = utf8[position:end]
            position = end
            consumed = end
            yield chunk.decode("utf-8", "replace")

    reader = csv.reader(lines(), delimiter=delimiter)
    try:
        for record in reader:
            out.append((record, consumed))
            if len(out) >= rows:
                break
    except csv.Error as error:
        if not out:
            raise ValueError(f"the text cannot be split into fields ({error}).") from error
    return out
