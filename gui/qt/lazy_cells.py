"""Qt layer: the cells of an arrow-backed column, made into ``str`` as the table shows them.

A text file's columns stay in pyarrow's memory (:mod:`gui.core.sheets.text_columns`). Making
every cell a Python string for the table would cost the GUI thread about half a second per
million rows, and the memory the loader saved; the view only ever shows a few dozen rows, so
the rows are converted a block at a time when the view first asks for one of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

#: Rows converted together: a block serves a screenful and the next ones while scrolling, and a
#: jump across the sheet converts a block per column in about a fifth of a millisecond.
BLOCK_ROWS = 1024
#: Converted blocks kept (about a million cells per column); scrolling further drops the oldest.
KEPT_BLOCKS = 1024


class LazyCells:
    """Reads like an ``object`` array of ``str`` (``cells[row]``), converting on first read.

    Args:
        array: The column's arrow strings (a chunked array, as pandas holds them).
    """

    def __init__(self, array: pa.ChunkedArray) -> None:
        self._array = array
        self._blocks: dict[int, np.ndarray[Any, Any]] = {}

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, row: int) -> str:
        number, offset = divmod(int(row), BLOCK_ROWS)
        block = self._blocks.get(number)
        if block is None:
            block = self._convert(number)
        text: str = block[offset]
        return text

    def _convert(self, number: int) -> np.ndarray[Any, Any]:
        if len(self._blocks) >= KEPT_BLOCKS:
            del self._blocks[next(iter(self._blocks))]  # dicts keep insertion order: the oldest
        piece = self._array.slice(number * BLOCK_ROWS, BLOCK_ROWS)
        block: np.ndarray[Any, Any] = piece.to_numpy(zero_copy_only=False)
        self._blocks[number] = block
        return block

    @property
    def converted_blocks(self) -> int:
        """Blocks made into strings so far (tests check that the view converts only what it shows)."""
        return len(self._blocks)
