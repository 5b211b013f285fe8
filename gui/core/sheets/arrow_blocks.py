"""Pure Python: the fast reader of a delimited file, pyarrow's parser straight into sheet columns.

pyarrow parses the rows below the header in blocks, on every core, with every column typed as
string, and the columns stay in pyarrow's memory (:mod:`.text_columns`): no Python string is
made for a cell until something reads it. pyarrow reads the file itself, through a file object
that reports progress and checks cancel at each block it asks for, so a UTF-8 file is never
copied whole into Python memory (a plain ``read()``, not a memory map: a file another program
truncates during the load gives fewer rows, not a crash).
"""

from __future__ import annotations

import math
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Progress
from gui.core.sheets.cell_text import Mask
from gui.core.sheets.text_columns import SheetColumn, arrow_of, text_column

#: Bytes pyarrow reads and parses per block (one block per core at a time): small enough that
#: progress moves and cancel acts within a fraction of a second, big enough to cost nothing.
_BLOCK_BYTES = 4 << 20


def read_arrow(
    source: Path | bytes,
    start: int,
    delimiter: str,
    width: int,
    row_bytes: float,
    *,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[SheetColumn], Mask]:
    """Every record from byte ``start`` as ``width`` text columns, and the blank rows.

    Blocks are cut at every line break first, carefully only when that fails: a quoted field
    that spans lines and falls on a block edge leaves pyarrow "out of sync with chunker" (it
    checks that each block parses to its exact end), and only such a file is read again with
    the quote-aware cutting, which costs more. Files with quotes but no line break inside them
    (most exports: ``"Acme, Inc."``) keep the fast cutting.

    Args:
        source: The UTF-8 file itself, or a file's text already transcoded to UTF-8.
        start: Byte offset of the first record below the header.
        delimiter: The field separator.
        width: Columns of the header row.
        row_bytes: Bytes per record in the rows seen above, to tell progress in rows.
        progress: Told at each block, possibly from pyarrow's reading thread.
        cancel: Checked at each block.

    Raises:
        pyarrow.ArrowException: Rows of another length than ``width`` (ArrowInvalid), or bytes
            that are not UTF-8 in a file read as UTF-8; the caller reads such a file with the
            csv module.
        LineBreakLost: The quote-aware cutting may have lost a character; the same.
        OSError: The file could not be read to its end.
    """
    import pyarrow as pa

    try:
        return _parse_arrow(source, start, delimiter, width, False, row_bytes, progress, cancel)
    except pa.ArrowInvalid as error:
        if _CHUNKER_OUT_OF_SYNC not in str(error):
            raise
    check(cancel)
    columns, blank = _parse_arrow(source, start, delimiter, width, True, row_bytes, progress, cancel)
    if any(_lone_carriage_return(column) for column in columns):
        raise LineBreakLost("a cell holds a carriage return without its line feed")
    return columns, blank


#: What pyarrow says when a block edge fell inside a quoted field (arrow/csv/reader.cc).
_CHUNKER_OUT_OF_SYNC = "out of sync with chunker"


class LineBreakLost(Exception):  # noqa: N818 - it names what happened, as pyarrow's errors do
    r"""pyarrow's quote-aware cutting may have dropped the line feed of a quoted CRLF.

    Seen with pyarrow 26: a quoted ``"a\r\nb"`` that falls on a block edge comes back as
    ``"a\rb"``. A lone carriage return in a cell is otherwise rare (old Mac text), so any cell
    holding one sends the file to the csv module, which keeps every character.
    """


def _lone_carriage_return(column: SheetColumn) -> bool:
    import pyarrow.compute as pc

    found = pc.match_substring_regex(arrow_of(column), "\r([^\n]|$)")
    return bool(pc.any(found).as_py())


def _parse_arrow(  # noqa: PLR0917 - one private call site with the reader's options
    source: Path | bytes,
    start: int,
    delimiter: str,
    width: int,
    newlines_in_values: bool,
    row_bytes: float,
    progress: ProgressCallback | None,
    cancel: CancelToken | None,
) -> tuple[list[SheetColumn], Mask]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(width)]
    read_options = pacsv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES, use_threads=True)
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"',
        double_quote=True,
        newlines_in_values=newlines_in_values,
        ignore_empty_lines=False,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.large_string() for name in names},
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        null_values=[],
        true_values=[],
        false_values=[],
        # Text this app transcoded is UTF-8 by construction; a file read as it is may not be.
        check_utf8=isinstance(source, Path),
    )
    check(cancel)
    with _WatchedReads(source, start, row_bytes, progress, cancel) as reads:
        table = pacsv.read_csv(
            pa.PythonFile(reads, mode="r"),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )
    check(cancel)
    blank = _blank_rows(table, width)
    columns: list[SheetColumn] = [text_column(table.column(i)) for i in range(width)]
    if progress is not None:
        progress(Progress(table.num_rows, table.num_rows, f"Read {table.num_rows:,} rows"))
    return columns, blank


class _WatchedReads:
    """The file as pyarrow reads it, a block at a time, with progress and cancel at each block.

    pyarrow asks a Python file for :meth:`read_buffer` when it has one: the block then comes
    from pyarrow's own file reader, in memory from pyarrow's pool (reused from block to block,
    where a ``bytes`` per block would be fresh pages each time). pyarrow calls it from its own
    thread; the :class:`~gui.core.errors.Cancelled` raised there stops ``read_csv`` and comes out
    of it in the caller's thread unchanged.
    """

    def __init__(
        self,
        source: Path | bytes,
        start: int,
        row_bytes: float,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        self._source = source
        self._start = start
        self._position = start
        self._row_bytes = max(1.0, row_bytes)
        self._progress = progress
        self._cancel = cancel
        self._size = len(source) if isinstance(source, bytes) else source.stat().st_size
        self._native: Any = None
        self.closed = False

    def __enter__(self) -> _WatchedReads:
        import pyarrow as pa

        if isinstance(self._source, bytes):
            self._native = pa.BufferReader(pa.py_buffer(self._source))
        else:
            self._native = pa.OSFile(str(self._source))
        self._native.seek(self._start)
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def read_buffer(self, size: int = -1) -> Any:
        """The next ``size`` bytes (all that is left for -1) as a pyarrow buffer, after a cancel check."""
        check(self._cancel)
        block = self._native.read_buffer(None if size < 0 else size)
        self._position += block.size
        if self._progress is not None and block.size:
            rows = int((self._position - self._start) / self._row_bytes)
            expected = max(rows, math.ceil((self._size - self._start) / self._row_bytes))
            self._progress(Progress(rows, expected, f"Read about {rows:,} rows"))
        return block

    def close(self) -> None:
        """Close the file (pyarrow closes its wrapper, then the ``with`` block closes us)."""
        if self._native is not None:
            self._native.close()
            self._native = None
        self.closed = True


def _blank_rows(table: Any, width: int) -> Mask:
    """Rows whose cells are all empty or spaces; stops at the first column with none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = None
    for index in range(width):
        array = table.column(index)
        if blank is not None:
            array = array.filter(blank)
        empty = pc.or_(pc.equal(pc.binary_length(array), 0), pc.utf8_is_space(array))
        if blank is None:
            blank = empty
        else:
            # Narrow the full-length mask to the rows still blank after this column.
            positions = np.flatnonzero(_numpy_mask(blank))
            full = np.zeros(table.num_rows, dtype=bool)
            full[positions[_numpy_mask(empty)]] = True
            blank = pa.array(full, type=pa.bool_())
        if not pc.any(blank).as_py():
            return np.zeros(table.num_rows, dtype=bool)
    if blank is None:
        return np.zeros(table.num_rows, dtype=bool)
    return _numpy_mask(blank)


def _numpy_mask(mask: Any) -> Mask:
    """An arrow boolean array (chunked or not) as a numpy mask."""
    result: Mask = np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)
    return result
