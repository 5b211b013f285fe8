"""Pure Python: the columns of a sheet read from a text file, kept in pyarrow's memory.

A million-row CSV holds about five million distinct strings. Made into Python ``str`` objects
they were most of a load (one object each, created on one thread under the GIL) and doubled
its memory. pandas' arrow-backed ``str`` dtype (the default string dtype of pandas 3) keeps the
buffers pyarrow parsed; a cell becomes a ``str`` only when something reads it: the table reads
the rows on screen, the checks run on the arrow arrays themselves.

Writing is the one thing such a column does badly (pandas rebuilds the whole column on every
write), so a column turns into an ``object`` column on its first edit
(:func:`gui.core.fixes.make_editable`). A frame can therefore hold both kinds; everything that
reads a sheet takes either.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from gui.core.sheets.cell_text import Column, Mask

#: The dtype of a text file's columns: arrow-backed, with NaN (never used: cells are "") as the
#: missing value so comparisons give plain numpy booleans, as they do on ``object`` columns.
TEXT_DTYPE = pd.StringDtype("pyarrow", na_value=np.nan)

#: A sheet column: an ``object`` array of ``str`` (workbooks, edited columns) or an arrow-backed
#: string array (text files).
SheetColumn = Column | pd.api.extensions.ExtensionArray


def text_column(values: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """An arrow string array as a sheet column, without copying pyarrow's buffers.

    ``large_string`` is what pandas keeps; a ``string`` array is cast to it (one copy).
    """
    if not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.large_string())
    array: pd.api.extensions.ExtensionArray = pd.array(values, dtype=TEXT_DTYPE)  # the chunks as they are
    return array


def text_from_objects(values: Column) -> pd.api.extensions.ExtensionArray:
    """An ``object`` column of ``str`` as a sheet column (the csv module's rows, for one dtype)."""
    return text_column(pa.array(values, type=pa.large_string()))


def is_arrow_text(values: Any) -> bool:
    """Whether a column (array or Series) is pandas' arrow-backed text rather than ``object``."""
    dtype = getattr(values, "dtype", None)
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def arrow_of(values: Any) -> pa.ChunkedArray:
    """The arrow array under an arrow-backed column (array or Series), without a copy."""
    array = pa.array(values)  # pandas hands over its chunked array as it is
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def filled_cells(values: SheetColumn) -> Mask:
    """Cells that hold something other than nothing or spaces, for either kind of column."""
    if is_arrow_text(values):
        text = arrow_of(values)
        empty = pc.or_(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
        result: Mask = ~np.asarray(pc.fill_null(empty, True).to_numpy(), dtype=bool)
        return result
    filled = np.asarray(values != "", dtype=bool)
    spots = np.flatnonzero(filled)
    if len(spots):
        spaces = np.fromiter(map(str.isspace, values[spots]), dtype=bool, count=len(spots))
        filled[spots[spaces]] = False
    return filled
