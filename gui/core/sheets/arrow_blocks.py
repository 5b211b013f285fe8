"""Pure Python: the fast reader of a delimited file, pyarrow's parser beside the conversion.

pyarrow parses blocks of the file with every column typed as string; a second thread keeps a few
parsed blocks ahead, finds blank rows and dictionary-encodes the columns that repeat their values,
while the caller's thread turns each block into object columns of ``str``. That part holds the
GIL and is most of a load: on a 1M-row file about 0.3 s of the caller's time, two thirds of it
the kernel handing out fresh pages for five million new string objects. UTF-8 is checked there
too, by the conversion itself: every cell becomes a Python string, which cannot be made of bad
bytes, so pyarrow's own check of the same bytes (a fifth of its parse) is skipped.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Progress
from gui.core.sheets.cell_text import Column, Mask

#: Bytes pyarrow parses per block. Small blocks let the parse of the next block run beside the
#: conversion of this one from the start, and let cancel act within a fraction of a second.
_BLOCK_BYTES = 2 * 1024 * 1024
#: Blocks parsed ahead of the conversion (memory: a few blocks, not the file).
_READ_AHEAD = 4
#: A column whose first block has fewer distinct values than this share of its rows is built
#: from its distinct values (one Python string each); encoding costs the parse thread, not us.
_REPEAT_SHARE = 0.5


def read_arrow(
    utf8: bytes,
    start: int,
    delimiter: str,
    width: int,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[Column], Mask]:
    """Every record from byte ``start`` as ``width`` text columns, and the blank rows.

    Blocks are cut at every line break first, carefully only when that fails: a quoted field
    that spans lines and falls on a block edge leaves pyarrow "out of sync with chunker" (it
    checks that each block parses to its exact end), and only such a file is read again with
    the quote-aware cutting, which costs more. Files with quotes but no line break inside them
    (most exports: ``"Acme, Inc."``) keep the fast cutting.

    Raises:
        pyarrow.ArrowException: Rows of another length than ``width`` (ArrowInvalid), or bytes
            that are not UTF-8 (the conversion of the cell fails); the caller reads such a file
            with the csv module.
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
        check_utf8=False,  # the conversion to str checks every byte (module docstring)
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
    cannot have a quoted line break. With quotes, :func:`read_arrow` still tries the parallel
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
    Errors of the parser (ragged rows) come out of the iteration in the caller's thread.
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
