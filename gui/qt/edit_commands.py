"""Qt layer: the table's edits as undo commands: one cell typed over, or a whole-column fix.

Both go on the window's one ``QUndoStack``, so Ctrl+Z takes back a typed cell and a column fix alike,
in the order they were made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from gui.qt.table_model import LeadTableModel


class CellEditCommand(QUndoCommand):
    """One cell edit on the undo stack."""

    def __init__(self, model: LeadTableModel, row: int, column: str, old: str, new: str) -> None:
        super().__init__(f"Edit {column}, row {row + model.row_number_base}")
        self._model = model
        self._row = row
        self._column = column
        self._old = old
        self._new = new

    def redo(self) -> None:
        """Write the new value."""
        self._model.set_cell(self._row, self._column, self._new)

    def undo(self) -> None:
        """Put the old value back."""
        self._model.set_cell(self._row, self._column, self._old)


class ColumnFixCommand(QUndoCommand):
    """A whole-column fix (``gui.core.fixes.FixResult``: ``undo(frame)``/``redo(frame)``) on the undo stack.

    The fix is already applied when the dialog returns, so the first redo only repaints. A fix may
    add columns (split full name); then the model is re-read and ``on_columns_changed`` runs.
    """

    def __init__(
        self,
        model: LeadTableModel,
        column: str,
        result: Any,
        label: str = "",
        on_columns_changed: Any = None,
    ) -> None:
        super().__init__(label or f"Fix column {column}")
        self._model = model
        self._result = result
        self._first = True
        self._on_columns_changed = on_columns_changed
        self._columns = _touched_columns(result) or [column]

    def redo(self) -> None:
        """Apply the fix (again)."""
        if not self._first:
            self._result.redo(self._model.frame)
        self._first = False
        self._refresh()

    def undo(self) -> None:
        """Put the columns back as they were before the fix."""
        self._result.undo(self._model.frame)
        self._refresh()

    def _refresh(self) -> None:
        model = self._model
        if [str(c) for c in model.frame.columns] != model.column_names:
            model.refresh_structure(self._columns)
            if self._on_columns_changed is not None:
                self._on_columns_changed()
        else:
            model.refresh_columns([c for c in self._columns if c in model.column_names])


def _touched_columns(result: Any) -> list[str]:
    out = [str(getattr(result, "column", ""))]
    for other in getattr(result, "also", ()):
        out.extend(_touched_columns(other))
    return [c for c in dict.fromkeys(out) if c]
