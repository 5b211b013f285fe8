"""Pure Python: delimited text files (.csv .tsv .txt) read as the exact text of every cell.

The dialect (encoding, delimiter) is decided on the bytes first, because neither pandas engine
sniffs a delimiter and a wrong encoding silently turns ``é`` into ``Ã©``. Once it is known, the
file goes through pyarrow's multi-threaded parser with every column typed as string; rows of a
different length (which pyarrow refuses) fall back to the csv module, which keeps every field.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import queue
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Progress
from gui.core.errors import SheetError

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
#: Bytes pyarrow parses per block. Small blocks let the parse of the next block run beside the
#: conversion of this one from the start, and let cancel act within a fraction of a second.
_BLOCK_BYTES = 2 * 1024 * 1024
#: Blocks parsed ahead of the conversion (memory: a few blocks, not the file).
_READ_AHEAD = 4
#: A column whose first block has fewer distinct values than this share of its rows is built
#: from its distinct values (one Python string each); encoding costs the parse thread, not us.
_REPEAT_SHARE = 0.5

Column = np.ndarray[Any, Any]
Mask = np.ndarray[Any, np.dtype[np.bool_]]


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
        if data.startswith(bom):
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
            data.decode(name)
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


def to_utf8(data: bytes, encoding: str, bom: int) -> bytes:
    """The file as UTF-8 bytes, the one encoding pyarrow parses natively."""
    body = memoryview(data)[bom:]
    if codecs.lookup(encoding).name == "utf-8":
        return bytes(body) if bom else data
    return str(body, encoding, "replace").encode("utf-8")


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
        bom = next((len(b) for b, n in _BOMS if data.startswith(b) and _same_codec(n, encoding)), 0)
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


def preview_records(utf8: bytes, delimiter: str, rows: int) -> list[tuple[list[str], int]]:
    """The first records with the byte offset just after each one.

    Offsets let the fast reader start right after the header, whatever sits above it, even when
    quoted fields hold line breaks.
    """
    out: list[tuple[list[str], int]] = []
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        start = 0
        while start < len(utf8):
            end = utf8.find(b"\n", start)
            end = len(utf8) if end < 0 else end + 1
            chunk = utf8[start:end]
            start = end
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


def read_columns(
    path: Path,
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    *,
    strict: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[Column], Mask]:
    """Every record from byte ``start`` as text columns (at least ``width``), and the blank rows.

    pyarrow first; rows longer or shorter than the first one make it give up, and then the csv
    module reads the rest, padding short rows with "" (the caller names the extra columns).

    Raises:
        NotUtf8: ``strict`` is set and the bytes are not all UTF-8.
    """
    import pyarrow as pa

    try:
        return _read_arrow(utf8, start, delimiter, width, progress=progress, cancel=cancel)
    except pa.ArrowInvalid as error:
        if strict and ("UTF8" in str(error) or "UTF-8" in str(error)):
            raise NotUtf8(str(error)) from error
        check(cancel)
    columns = _read_python(
        path, utf8, start, delimiter, width, strict=strict, progress=progress, cancel=cancel
    )
    return columns, blank_mask(columns)


def _read_arrow(
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[Column], Mask]:
    """The fast reader: blocks cut at every line break first, carefully only when that fails.

    Cutting blocks at any line break lets pyarrow split the file on all cores; a quoted field
    that spans lines and falls on a block edge then leaves pyarrow "out of sync with chunker"
    (it checks that each block parses to its exact end), and only such a file is read again
    with the serial, quote-aware cutting. Files with quotes but no line break inside them (most
    exports: ``"Acme, Inc."``) keep the parallel parse.
    """
    import pyarrow as pa

    if quoted_newlines(utf8, start):
        try:
            return _parse_arrow(utf8, start, delimiter, width, False, progress, cancel)
        except pa.ArrowInvalid as error:
            if _CHUNKER_OUT_OF_SYNC not in str(error):
                raise
        check(cancel)
        return _parse_arrow(utf8, start, delimiter, width, True, progress, cancel)
    return _parse_arrow(utf8, start, delimiter, width, False, progress, cancel)


#: What pyarrow says when a block edge fell inside a quoted field (arrow/csv/reader.cc).
_CHUNKER_OUT_OF_SYNC = "out of sync with chunker"


def _parse_arrow(  # noqa: PLR0917 - one private call site with the reader's options
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    newlines_in_values: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[Column], Mask]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    buffer = pa.py_buffer(utf8)[start:]
    names = [f"f{i}" for i in range(width)]
    read_options = pacsv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES)
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"',
        double_quote=True,
        newlines_in_values=newlines_in_values,
        ignore_empty_lines=False,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
        true_values=[],
        false_values=[],
    )
    check(cancel)
    reader = pacsv.open_csv(
        pa.BufferReader(buffer),
        read_options=read_options,
        parse_options=parse_options,
        convert_options=convert_options,
    )
    with _ReadAhead(reader, width) as blocks:
        return _convert_blocks(blocks, width, len(buffer), progress, cancel)


def quoted_newlines(utf8: bytes, start: int) -> bool:
    """Whether a quoted field may hold a line break, so the fast parse may need a second go.

    Proving that no quoted field spans lines costs more than it saves (two passes over the
    bytes with numpy, ~0.3 s on 150 MB), so the test is the cheap one: a file without any quote
    cannot have a quoted line break. With quotes, :func:`_read_arrow` still tries the parallel
    cutting first and lets pyarrow's own check say when it was wrong.
    """
    return utf8.find(b'"', start) >= 0


@dataclass(frozen=True)
class _Block:
    """One parsed block of rows, prepared off the caller's thread.

    Attributes:
        arrays: One arrow string array per column, dictionary-encoded when the parser had time.
        repeated: Per column, whether it repeats its values enough to build each distinct
            string once (decided on the first block and kept).
        blank: Rows whose cells are all empty or spaces.
    """

    arrays: tuple[Any, ...]
    repeated: tuple[bool, ...]
    blank: Mask

    @property
    def rows(self) -> int:
        return len(self.blank)


class _ReadAhead:
    """Parses the blocks of a CSV reader on a second thread, a few blocks ahead of the caller.

    Turning arrow strings into Python strings holds the GIL and is most of a load; pyarrow's
    parsing and compute functions release it. Parsing the next block while the caller converts
    this one keeps both cores busy. Dictionary-encoding the repeated columns is done by
    whichever side is free: the parser when it is ahead (blocks are waiting), else the caller.
    Errors of the parser (ragged rows, bad UTF-8) come out of the iteration in the caller's
    thread.
    """

    def __init__(self, reader: Any, width: int) -> None:
        self._reader = reader
        self._width = width
        self._queue: queue.Queue[_Block | BaseException | None] = queue.Queue(maxsize=_READ_AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="csv-read-ahead", daemon=True)

    def __enter__(self) -> Iterator[_Block]:
        self._thread.start()
        return self._blocks()

    def __exit__(self, *_exc: object) -> None:
        """Stops the parser and waits for it, so no thread outlives the load (cancel, errors)."""
        self._stop.set()
        while self._thread.is_alive():
            try:
                while True:
                    self._queue.get_nowait()  # unblock a parser waiting to hand over a block
            except queue.Empty:
                self._thread.join(0.01)

    def _blocks(self) -> Iterator[_Block]:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def _run(self) -> None:
        repeated: list[bool | None] = [None] * self._width
        try:
            for batch in self._reader:
                if self._stop.is_set():
                    return
                ahead = self._queue.qsize() > 0
                self._queue.put(_prepare(batch, self._width, repeated, encode=ahead))
            self._queue.put(None)
        except BaseException as error:  # handed to the caller's thread, raised there
            self._queue.put(error)


def _prepare(batch: Any, width: int, repeated: list[bool | None], *, encode: bool) -> _Block:
    """The arrow side of converting a block (no GIL needed): blank rows, maybe encodings.

    Whether a column repeats its values is decided on its first block and kept.
    """
    import pyarrow.compute as pc

    arrays = []
    for index in range(width):
        array = batch.column(index)
        if repeated[index] is None:
            repeated[index] = _mostly_repeated(array)
        arrays.append(pc.dictionary_encode(array) if encode and repeated[index] else array)
    return _Block(tuple(arrays), tuple(bool(r) for r in repeated), _blank_rows(batch, width))


def _convert_blocks(
    blocks: Iterator[_Block],
    width: int,
    size: int,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[Column], Mask]:
    """Blocks into object columns, checking cancel and reporting between blocks.

    The columns are allocated once for the row count the first block predicts (blocks are
    ``_BLOCK_BYTES`` long) and filled in place, growing only if the guess was short: joining
    a million-row column from pieces would copy it again.
    """
    columns: list[Column] = []
    blanks: list[Mask] = []
    done = 0
    expected = 0
    for block in blocks:
        check(cancel)
        rows = block.rows
        if not columns:
            expected = max(rows, math.ceil(rows * size / _BLOCK_BYTES * 1.05))
            columns = [np.empty(expected, dtype=object) for _ in range(width)]
        elif done + rows > len(columns[0]):
            extra = max(rows, len(columns[0]) // 2)  # grow by half: a bad guess costs a few copies
            columns = [np.concatenate([c, np.empty(extra, dtype=object)]) for c in columns]
        blanks.append(block.blank)
        for index, array in enumerate(block.arrays):
            columns[index][done : done + rows] = arrow_to_object(array, repeated=block.repeated[index])
        done += rows
        if progress is not None:
            progress(Progress(done, max(expected, done), f"Read {done:,} rows"))
    if progress is not None:
        progress(Progress(done, done, f"Read {done:,} rows"))
    mask = np.concatenate(blanks) if blanks else np.zeros(0, dtype=bool)
    if not columns:
        return [np.empty(0, dtype=object) for _ in range(width)], mask
    return [c[:done] for c in columns], mask


def _blank_rows(batch: Any, width: int) -> Mask:
    """Rows of a batch whose cells are all empty or spaces; stops at the first column with none."""
    import pyarrow.compute as pc

    blank = None
    for index in range(width):
        array = batch.column(index)
        if blank is not None:
            array = array.filter(blank)
        empty = pc.or_(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
        if blank is None:
            blank = empty
        else:
            # Narrow the full-length mask to the rows still blank after this column.
            positions = np.flatnonzero(blank.to_numpy(zero_copy_only=False))
            keep = empty.to_numpy(zero_copy_only=False)
            full = np.zeros(len(batch), dtype=bool)
            full[positions[keep]] = True
            blank = _pa_bool(full)
        if not pc.any(blank).as_py():
            return np.zeros(len(batch), dtype=bool)
    if blank is None:
        return np.zeros(len(batch), dtype=bool)
    result: Mask = blank.to_numpy(zero_copy_only=False)
    return result


def _pa_bool(values: Mask) -> Any:
    """A numpy bool mask as an arrow array (for filtering)."""
    import pyarrow as pa

    return pa.array(values, type=pa.bool_())


def _mostly_repeated(array: Any) -> bool:
    """Whether a column repeats its values enough to build each distinct string once."""
    import pyarrow.compute as pc

    sample = array.slice(0, min(len(array), 20_000))
    return len(sample) >= 1000 and len(pc.unique(sample)) < len(sample) * _REPEAT_SHARE


def arrow_to_object(array: Any, *, repeated: bool = False) -> Column:
    """An arrow string array as an object array of ``str``.

    Building one Python string per cell is the cost of loading; a ``repeated`` column (cities,
    countries, titles) or a dictionary-encoded one builds each distinct string once and repeats
    the reference.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if repeated and not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    if pa.types.is_dictionary(array.type):
        values = array.dictionary.to_numpy(zero_copy_only=False)
        indices = array.indices.to_numpy(zero_copy_only=False)
        return values[indices] if len(values) else np.full(len(array), "", dtype=object)
    result: Column = array.to_numpy(zero_copy_only=False)
    return result


def _read_python(
    path: Path,
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    *,
    strict: bool,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> list[Column]:
    try:
        body = str(memoryview(utf8)[start:], "utf-8", "strict" if strict else "replace")
    except UnicodeDecodeError as error:
        raise NotUtf8(str(error)) from error
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    widest = width
    append = records.append
    try:
        for count, record in enumerate(reader, 1):
            append(record)
            widest = max(widest, len(record))
            if count % 50_000 == 0:
                check(cancel)
                if progress is not None:
                    progress(Progress(count, 0, f"Read {count:,} rows"))
    except csv.Error as error:
        problem = f"row {len(records) + 1} after the header cannot be read ({error})."
        raise SheetError(path, problem) from error
    columns: list[Column] = []
    for index in range(widest):
        column = np.empty(len(records), dtype=object)
        column[:] = [r[index] if index < len(r) else "" for r in records]
        columns.append(column)
    return columns


def blank_mask(columns: list[Column]) -> Mask:
    """Rows where every cell is empty or only spaces.

    Each column only looks at the rows still blank so far, so a full column is scanned once.
    """
    if not columns:
        return np.zeros(0, dtype=bool)
    mask = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            break
        values = column[candidates]
        filled = values != ""
        spots = np.flatnonzero(filled)
        if len(spots):
            spaces = np.fromiter(map(str.isspace, values[spots]), dtype=bool, count=len(spots))
            filled[spots[spaces]] = False
        mask[candidates[filled]] = False
    return mask
