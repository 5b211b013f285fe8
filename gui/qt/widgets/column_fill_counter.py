"""Qt layer: how many cells of each column hold something, counted without freezing the window.

The fill bars under the field pickers need one count per mapped column. A small sheet is counted
on the spot; a big one in one background worker, and the bars are told when the counts arrive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from gui.qt.workers import Worker, start_worker

if TYPE_CHECKING:
    import pandas as pd

#: Up to this many rows the fill of a column is counted on the spot (a few ms); beyond, in a worker.
SYNC_COUNT_ROWS = 50_000


def count_filled(series: pd.Series) -> int:
    """Cells that hold something other than blanks: what build_leads would send.

    One pass over the values without building new strings (``str.strip`` on a million cells
    costs about two seconds; this is a tenth of that).
    """
    import numpy as np

    from gui.core.sheets.text_columns import filled_cells, is_arrow_text

    if is_arrow_text(series):  # pyarrow's kernels, no string made
        return int(filled_cells(series.array).sum())
    values = series.to_numpy(dtype=object, copy=False)
    return int(
        np.fromiter(
            (type(v) is str and bool(v) and not v.isspace() for v in values), dtype=bool, count=len(values)
        ).sum()
    )


class ColumnFillCounter(QObject):
    """Fill counts of one frame's columns, cached until the frame or a column changes.

    Signals:
        sig_counted: Background counts arrived; ask :meth:`filled` again.
    """

    sig_counted = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frame: pd.DataFrame | None = None
        self._filled: dict[str, int] = {}
        self._counting: set[str] = set()
        self._workers: set[Worker] = set()
        self._generation = 0

    def set_frame(self, frame: pd.DataFrame | None) -> None:
        """Count ``frame`` from now on; counts of the previous frame still running are dropped."""
        self._frame = frame
        self._generation += 1
        self._filled = {}
        self._counting = set()

    def forget(self, columns: Sequence[str]) -> None:
        """These columns changed (an edit, a fix) or left the frame: count them again when asked."""
        for column in columns:
            self._filled.pop(str(column), None)

    def filled(self, column: str) -> int | None:
        """Non-blank cells of a column; None while a big column is still being counted."""
        if column in self._filled or self._frame is None:
            return self._filled.get(column, 0)
        if len(self._frame) <= SYNC_COUNT_ROWS:
            self._filled[column] = count_filled(self._frame[column])
            return self._filled[column]
        return None

    def count_soon(self, columns: Sequence[str]) -> None:
        """Count ``columns`` in the background once the current burst of GUI work is done."""
        if columns:
            QTimer.singleShot(0, self, lambda cols=tuple(columns): self._count_in_background(cols))

    def _count_in_background(self, columns: Sequence[str]) -> None:
        """Count big columns in one worker, one after the other, so the window never freezes.

        One worker, not one per column: Python threads share one interpreter lock, and eight
        counting threads would leave the GUI thread a ninth of it.
        """
        todo = [c for c in dict.fromkeys(columns) if c not in self._counting and c not in self._filled]
        if not todo or self._frame is None:
            return
        self._counting.update(todo)
        frame, generation = self._frame, self._generation

        def job(_progress: Any, cancel: Any) -> dict[str, int]:
            counts = {}
            for column in todo:
                cancel.raise_if_cancelled()
                counts[column] = count_filled(frame[column])
            return counts

        worker = start_worker(job, parent=self)
        self._workers.add(worker)
        worker.sig_succeeded.connect(lambda counts, g=generation: self._on_counted(g, counts))
        worker.sig_finished.connect(lambda w=worker, cols=tuple(todo): self._on_finished(w, cols))

    def _on_counted(self, generation: int, counts: object) -> None:
        if generation == self._generation and isinstance(counts, dict):
            self._filled.update(counts)
            self.sig_counted.emit()

    def _on_finished(self, worker: Worker, columns: Sequence[str]) -> None:
        self._workers.discard(worker)
        self._counting.difference_update(columns)

    def counting(self) -> bool:
        """True while a big column's fill is being counted."""
        return any(w.running for w in self._workers)

    def shutdown(self) -> None:
        """Stop the background counts (window closing)."""
        self._generation += 1
        for worker in list(self._workers):
            worker.stop(timeout_ms=5000)
        self._workers.clear()
        self._counting.clear()
