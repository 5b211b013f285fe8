"""Qt layer: the table model, a thin adapter over the loaded DataFrame (never a copy of it).

At 1M rows a frame asks for about 300 visible cells x 7 roles, so :meth:`LeadTableModel.data`
is the hottest Python in the app: it returns early for roles it does not serve, compares the role
against cached ints and reads values from cached per-column numpy object arrays (``df.iat`` is
about twice as slow), or for a text file's arrow-backed columns from :class:`LazyCells`, which
make strings only of the rows shown. Sorting and filtering happen in pandas/numpy and reach the model as one
row-index array (:meth:`set_row_order`), never through a QSortFilterProxyModel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QUndoStack

from gui.core.domain import RowOutcome, Status
from gui.qt.edit_commands import CellEditCommand
from gui.qt.style import STATUS_COLOURS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
#: The roles data() answers; every other role returns None at the first comparison.
_SERVED = frozenset({_DISPLAY, _EDIT, _TOOLTIP, _BACKGROUND})

# Built once: combining enum flags costs ~10 us in Python, and flags() runs for every painted cell.
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable

#: Header text of the status column that appears after an upload.
STATUS_HEADER = "Status"

# Tints, not solid colours: drawn under the palette's own text colour, a translucent tint keeps
# the text readable in light and dark mode alike.
_ERROR_BRUSH = QBrush(QColor(229, 57, 53, 90))
_WARNING_BRUSH = QBrush(QColor(251, 192, 45, 90))
#: Words shown in the status column (the enum values are the report contract; these are for people).
STATUS_WORDS: dict[str, str] = {
    Status.PENDING.value: "Not sent",
    Status.UPLOADED.value: "Uploaded",
    Status.UPDATED.value: "Updated",
    Status.DUPLICATE.value: "Duplicate",
    Status.SKIPPED.value: "Skipped",
    Status.INVALID.value: "Invalid",
    Status.FAILED.value: "Failed",
}


def _tint(colour: QColor) -> QBrush:
    tinted = QColor(colour)
    tinted.setAlpha(90)
    return QBrush(tinted)


#: The tint of each status word, in the results chart's colours (style.STATUS_COLOURS).
_STATUS_BRUSHES: dict[str, QBrush] = {
    STATUS_WORDS[status]: _tint(colour)
    for status, colour in STATUS_COLOURS.items()
    if status != Status.PENDING.value
}


class LeadTableModel(QAbstractTableModel):
    """The sheet as Qt sees it: frame columns, plus a Status column once a run has outcomes.

    Rows the view shows are ``row_order[view_row]`` of the frame when an order is set (sort or
    filter), the frame's own rows otherwise. Every public method that takes a row takes a *frame*
    row unless its name says ``view``.
    """

    #: Frame column names whose cells changed (edit, undo, fix): the window re-validates.
    sig_cells_changed = Signal(object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # Created on first use: an empty window must not wait for pandas to load.
        self._frame_obj: pd.DataFrame | None = None
        self._names: list[str] = []
        self._cols: list[np.ndarray] = []  # status array first when shown, then frame columns
        self._status: np.ndarray | None = None
        self._reasons: dict[int, str] = {}
        self._offset = 0  # 1 when the status column is shown
        self._order: np.ndarray | None = None
        self._rows = 0
        self._validation: Any = None
        self._notes: dict[str, list[str]] = {}
        self._note_icon: QIcon | None = None
        self._row_number_base = 2
        self._fast: tuple[list[np.ndarray], np.ndarray | None] = (self._cols, None)
        self.undo_stack: QUndoStack | None = None

    # ---- loading

    def set_frame(
        self,
        frame: pd.DataFrame,
        notes: Iterable[Any] = (),
        *,
        row_number_base: int = 2,
    ) -> None:
        """Show ``frame`` (kept by reference) with Excel-damage notes on its column headers.

        Args:
            frame: The loaded sheet; edits write back into it.
            notes: ``ColumnNote``-like objects with ``column`` and ``message``.
            row_number_base: The sheet row number of frame row 0 (2 when the header is row 1),
                so the row numbers match what the user sees in Excel and in error messages.
        """
        self.beginResetModel()
        self._frame = frame
        self._names = [str(c) for c in frame.columns]
        self._status = None
        self._reasons = {}
        self._offset = 0
        self._order = None
        self._validation = None
        self._row_number_base = row_number_base
        self._notes = {}
        for note in notes:
            self._notes.setdefault(str(note.column), []).append(str(note.message))
        self._cache_columns()
        self.endResetModel()

    def _cache_columns(self) -> None:
        arrays = [self._cells(i) for i in range(len(self._names))]
        self._cols = ([self._status] if self._status is not None else []) + arrays
        self._rows = len(self._frame) if self._order is None else len(self._order)
        self._fast = (self._cols, self._order)

    def _cells(self, position: int) -> Any:
        """What data() reads a column's cells from: its ``object`` array, or lazy arrow cells."""
        from gui.core.sheets.text_columns import arrow_of, is_arrow_text
        from gui.qt.lazy_cells import LazyCells

        column = self._frame.iloc[:, position]
        if is_arrow_text(column):
            return LazyCells(arrow_of(column))
        return column.to_numpy(dtype=object, copy=False)

    @property
    def _frame(self) -> pd.DataFrame:
        if self._frame_obj is None:
            import pandas as pd

            self._frame_obj = pd.DataFrame()
        return self._frame_obj

    @_frame.setter
    def _frame(self, frame: pd.DataFrame) -> None:
        self._frame_obj = frame

    @property
    def frame(self) -> pd.DataFrame:
        """The frame shown (the same object that was given, edits included)."""
        return self._frame

    def frame_row_count(self) -> int:
        """Rows in the frame (0 before any sheet, without loading pandas for it)."""
        return 0 if self._frame_obj is None else len(self._frame_obj)

    @property
    def column_names(self) -> list[str]:
        """The frame's column names, as text."""
        return list(self._names)

    @property
    def row_number_base(self) -> int:
        """The sheet row number of frame row 0 (2 when the header is on row 1)."""
        return self._row_number_base

    @property
    def status_shown(self) -> bool:
        """True once outcomes were set and the Status column is the first column."""
        return self._offset == 1

    def set_note_icon(self, icon: QIcon) -> None:
        """The icon drawn on headers that have a note (the window picks it from the style)."""
        self._note_icon = icon

    # ---- mapping between view and frame

    def frame_row(self, view_row: int) -> int:
        """The frame row shown at ``view_row``."""
        return int(self._order[view_row]) if self._order is not None else view_row

    def view_row(self, frame_row: int) -> int | None:
        """Where ``frame_row`` is shown, None when filtered out."""
        import numpy as np

        if self._order is None:
            return frame_row if 0 <= frame_row < len(self._frame) else None
        hits = np.flatnonzero(self._order == frame_row)
        return int(hits[0]) if hits.size else None

    def frame_column(self, view_column: int) -> str | None:
        """The frame column at ``view_column``, None for the Status column."""
        c = view_column - self._offset
        return self._names[c] if 0 <= c < len(self._names) else None

    def view_column(self, name: str) -> int | None:
        """Where frame column ``name`` is shown."""
        try:
            return self._names.index(name) + self._offset
        except ValueError:
            return None

    def set_row_order(self, order: np.ndarray | None) -> None:
        """Show only these frame rows, in this order (sort/filter result); None shows all."""
        import numpy as np

        self.beginResetModel()
        self._order = None if order is None else np.asarray(order, dtype=np.int64)
        self._rows = len(self._frame) if self._order is None else len(self._order)
        self._fast = (self._cols, self._order)
        self.endResetModel()

    @property
    def row_order(self) -> np.ndarray | None:
        """The current frame-row order, None when every row is shown in file order."""
        return self._order

    # ---- validation and outcomes

    def set_validation(self, validation: Any) -> None:
        """Colour cells from a ``Validation`` (``.cell(row, column) -> (severity, message) | None``)."""
        self._validation = validation
        self._emit_all((_BACKGROUND, _TOOLTIP))

    @property
    def validation(self) -> Any:
        """The validation the colours come from (None before the first one)."""
        return self._validation

    def clear_outcomes(self) -> None:
        """Drop the Status column (a new file or a new mapping makes old outcomes meaningless)."""
        if self._status is None:
            return
        self.beginRemoveColumns(QModelIndex(), 0, 0)
        self._status = None
        self._reasons = {}
        self._offset = 0
        self._cols = self._cols[1:]
        self._fast = (self._cols, self._order)
        self.endRemoveColumns()

    def set_outcomes(self, outcomes: Mapping[int, RowOutcome] | Iterable[RowOutcome]) -> None:
        """Show the Status column (first) and fill in these outcomes; other rows show nothing."""
        import numpy as np

        if self._status is None:
            self.beginInsertColumns(QModelIndex(), 0, 0)
            self._status = np.full(len(self._frame), "", dtype=object)
            self._offset = 1
            self._cols = [self._status, *self._cols]
            self._fast = (self._cols, self._order)
            self.endInsertColumns()
        self.update_outcomes(outcomes.values() if isinstance(outcomes, Mapping) else outcomes)

    def update_outcomes(self, outcomes: Iterable[RowOutcome]) -> None:
        """Paint the status of these rows only (called live during a run)."""
        if self._status is None:
            self.set_outcomes(list(outcomes))
            return
        status = self._status
        rows: list[int] = []
        n = len(status)
        for outcome in outcomes:
            if 0 <= outcome.row < n:
                status[outcome.row] = STATUS_WORDS.get(outcome.status.value, outcome.status.value)
                if outcome.reason:
                    self._reasons[outcome.row] = outcome.reason
                else:
                    self._reasons.pop(outcome.row, None)
                rows.append(outcome.row)
        if not rows:
            return
        if self._order is None:
            top, bottom = min(rows), max(rows)
        else:  # sorted or filtered: the whole column (the view repaints only what it shows)
            top, bottom = 0, max(0, self._rows - 1)
        self.dataChanged.emit(self.index(top, 0), self.index(bottom, 0), [_DISPLAY, _TOOLTIP, _BACKGROUND])

    def mark_rows(self, rows: Sequence[int] | np.ndarray, word: str, *, only_if: str | None = None) -> None:
        """Write a status word on rows without an outcome yet ("Queued" at the start of a run...).

        Args:
            rows: Frame rows.
            word: The text shown.
            only_if: Change only rows that currently show this word.
        """
        import numpy as np

        status = self._status
        if status is None:
            return
        index = np.asarray(rows, dtype=np.int64)
        if only_if is not None:
            index = index[status[index] == only_if]
        if not index.size:
            return
        status[index] = word
        if self._rows:  # one signal for the whole column beats one per scattered row
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, 0), [_DISPLAY, _BACKGROUND])

    def status_array(self) -> np.ndarray | None:
        """Per frame row status words ("" for rows without an outcome), for the status filter."""
        return self._status

    # ---- edits

    def set_cell(self, frame_row: int, column: str, value: str) -> None:
        """Write one cell into the frame and the cache and repaint it (undo commands call this)."""
        from gui.core.fixes import make_editable

        c = self._names.index(column)
        if make_editable(self._frame, column):  # the first edit of an arrow-backed column
            self._cols[c + self._offset] = self._cells(c)
            self._fast = (self._cols, self._order)
        self._frame.iat[frame_row, c] = value
        array = self._cols[c + self._offset]
        if array[frame_row] != value:  # the cached array is a copy when pandas gave one
            array[frame_row] = value
        view = self.view_row(frame_row)
        if view is not None:
            idx = self.index(view, c + self._offset)
            self.dataChanged.emit(idx, idx, [_DISPLAY, _EDIT])
        self.sig_cells_changed.emit([column])

    def refresh_columns(self, columns: Sequence[str]) -> None:
        """Re-read whole columns after a fix changed them in the frame."""
        self._cache_columns()
        for name in columns:
            view_col = self.view_column(name)
            if view_col is not None and self._rows:
                self.dataChanged.emit(
                    self.index(0, view_col), self.index(self._rows - 1, view_col), [_DISPLAY, _EDIT]
                )
        self.sig_cells_changed.emit(list(columns))

    def refresh_structure(self, changed: Sequence[str] = ()) -> None:
        """Re-read the frame after columns were added or removed (a fix that splits a column)."""
        self.beginResetModel()
        self._names = [str(c) for c in self._frame.columns]
        self._cache_columns()
        self.endResetModel()
        self.sig_cells_changed.emit([c for c in changed if c in self._names])

    def _emit_all(self, roles: Sequence[int]) -> None:
        if self._rows and self._cols:
            self.dataChanged.emit(
                self.index(0, 0), self.index(self._rows - 1, len(self._cols) - 1), list(roles)
            )

    # ---- Qt model interface

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown; 0 under a valid parent, as a flat table must."""
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Columns shown (Status first when there are outcomes)."""
        return 0 if parent.isValid() else len(self._cols)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        """The hot path: display text from the cached arrays, tints and tooltips from validation."""
        if role == _DISPLAY or role == _EDIT:  # noqa: PLR1714, SIM109 - two int compares beat a tuple here
            # One attribute read: every ``self.x`` on a Shiboken object costs ~0.3 us, more than the rest.
            cols, order = self._fast
            if order is None:
                return cols[index.column()][index.row()]
            return cols[index.column()][order[index.row()]]
        if role != _BACKGROUND and role != _TOOLTIP:  # noqa: PLR1714
            return None
        r = index.row()
        if self._order is not None:
            r = int(self._order[r])
        c = index.column() - self._offset
        if c < 0:  # the Status column
            if role == _TOOLTIP:
                return self._reasons.get(r) or None
            return _STATUS_BRUSHES.get(self._status[r]) if self._status is not None else None
        validation = self._validation
        if validation is None:
            return None
        if role == _TOOLTIP:
            hit = validation.cell(r, self._names[c])
            return hit[1] if hit is not None else None
        severity = validation.severity(r, self._names[c])
        if severity is None:
            return None
        return _ERROR_BRUSH if severity == "error" else _WARNING_BRUSH

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        """Column names with a warning icon and tooltip where loading found Excel damage."""
        if orientation == Qt.Orientation.Vertical:
            if role == _DISPLAY:
                if not 0 <= section < self._rows:
                    return None
                return str(self.frame_row(section) + self._row_number_base)
            if role == _TOOLTIP:
                return "Row number in the sheet"
            return None
        c = section - self._offset
        if not 0 <= section < len(self._cols):
            return None
        if c < 0:
            if role == _DISPLAY:
                return STATUS_HEADER
            if role == _TOOLTIP:
                return "What the provider did with each row; hover a cell for the reason."
            return None
        name = self._names[c]
        if role == _DISPLAY:
            return f"⚠ {name}" if name in self._notes and self._note_icon is None else name
        if role == _DECORATION:
            return self._note_icon if name in self._notes else None
        if role == _TOOLTIP:
            notes = self._notes.get(name)
            tip = "Right-click for column fixes (trim, lowercase, phone format...)"
            return "\n".join([*notes, "", tip]) if notes else f"{name}\n{tip}"
        if role == _ACCESSIBLE:
            return f"{name}: " + " ".join(self._notes[name]) if name in self._notes else name
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Frame cells are editable; the Status column is not."""
        if not index.isValid():
            return _NO_FLAGS
        return _EDITABLE if index.column() >= self._offset else _READ_ONLY

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = _EDIT) -> bool:
        """An inline edit: goes through the undo stack when there is one."""
        if role != _EDIT or not index.isValid():
            return False
        column = self.frame_column(index.column())
        if column is None:
            return False
        row = self.frame_row(index.row())
        new = "" if value is None else str(value)
        old = str(self._cols[index.column()][row])
        if new == old:
            return False
        if self.undo_stack is not None:
            self.undo_stack.push(CellEditCommand(self, row, column, old, new))
        else:
            self.set_cell(row, column, new)
        return True


# ---- sort and filter, in numpy


def sort_order(frame: pd.DataFrame, column: str, *, descending: bool = False) -> np.ndarray:
    """Frame rows ordered by ``column`` (case-insensitive text, stable), as an int64 array.

    Arrow's sort of lower-cased strings: about 0.7 s for 1M distinct emails here, where
    ``pd.factorize(sort=True)`` takes over 3 s and a numpy ``U`` argsort over 1 s.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from gui.core.sheets.text_columns import arrow_of, is_arrow_text

    series = frame[column]
    if is_arrow_text(series):
        keys = pc.utf8_lower(arrow_of(series))
    else:
        values = series.to_numpy(dtype=object, copy=False)
        keys = pc.utf8_lower(pa.array(values, type=pa.string(), from_pandas=True))
    order = pc.array_sort_indices(keys, order="descending" if descending else "ascending")
    return np.asarray(order.to_numpy(zero_copy_only=False), dtype=np.int64)


def filter_order(order: np.ndarray | None, mask: np.ndarray | None, n_rows: int) -> np.ndarray | None:
    """Keep the rows of ``order`` (all rows when None) where ``mask`` is True; None means no change."""
    import numpy as np

    if mask is None:
        return order
    if order is None:
        return np.flatnonzero(mask).astype(np.int64, copy=False)
    return np.asarray(order[mask[order]], dtype=np.int64)
