"""The table model: qtmodeltester, edits with undo, outcomes, sort and filter in numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QUndoStack

from gui.core.domain import RowOutcome, Status
from gui.core.sheets.text_columns import TEXT_DTYPE
from gui.qt.lazy_cells import BLOCK_ROWS, LazyCells
from gui.qt.table_model import STATUS_HEADER, LeadTableModel, filter_order, sort_order


class FakeValidation:
    """The part of gui.core.validation.result.Validation the model reads."""

    def __init__(self, bad: dict[tuple[int, str], tuple[str, str]]) -> None:
        self._bad = bad

    def cell(self, row: int, column: str) -> tuple[str, str] | None:
        return self._bad.get((row, column))

    def severity(self, row: int, column: str) -> str | None:
        hit = self._bad.get((row, column))
        return hit[0] if hit is not None else None


class Note:
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        self.kind = "zip"


def _frame(kind: str = "object") -> pd.DataFrame:
    """A small sheet with ``object`` columns (a workbook) or arrow-backed ones (a text file)."""
    return pd.DataFrame(
        {
            "Email": ["ann@x.com", "bob@", "cy@z.org", "dee@x.com"],
            "First name": ["Ann", "bob", "Cy", "Dee"],
            "ZIP": ["02134", "2134", "10001", "94105"],
        },
        dtype=object if kind == "object" else TEXT_DTYPE,
    )


@pytest.fixture(params=["object", "arrow"])
def kind(request: pytest.FixtureRequest) -> str:
    """Both kinds of sheet column: a workbook's ``str`` objects and a text file's arrow strings."""
    return str(request.param)


def test_model_passes_qtmodeltester_loaded_and_after_reset(qtmodeltester, kind: str) -> None:
    model = LeadTableModel()
    qtmodeltester.check(model)
    model.set_frame(_frame(kind), [Note("ZIP", "4-digit ZIPs: leading zero lost in Excel")])
    model.set_validation(FakeValidation({(1, "Email"): ("error", "Email is not valid")}))
    qtmodeltester.check(model)
    model.set_outcomes({0: RowOutcome(0, Status.UPLOADED)})
    model.set_row_order(np.array([3, 1]))
    qtmodeltester.check(model)
    model.set_frame(_frame(kind).iloc[:2].copy())
    qtmodeltester.check(model)


def test_display_tooltip_background_and_headers() -> None:
    model = LeadTableModel()
    model.set_frame(_frame(), [Note("ZIP", "leading zero lost")])
    model.set_validation(
        FakeValidation({(1, "Email"): ("error", "Email is not valid"), (2, "ZIP"): ("warning", "odd")})
    )
    assert model.rowCount() == 4 and model.columnCount() == 3
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.data(model.index(2, 2)) == "10001"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "Email is not valid"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole) is None
    assert "leading zero lost" in model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # the sheet row under a header on row 1


def test_edit_goes_through_undo_and_into_the_frame(qtbot, kind: str) -> None:
    frame = _frame(kind)
    model = LeadTableModel()
    model.undo_stack = QUndoStack()
    model.set_frame(frame)
    changed: list[object] = []
    model.sig_cells_changed.connect(changed.append)
    idx = model.index(1, 0)
    assert model.setData(idx, "bob@x.com")
    assert frame.iat[1, 0] == "bob@x.com"  # the very same frame, no copy
    assert model.data(idx) == "bob@x.com"
    assert changed == [["Email"]]
    model.undo_stack.undo()
    assert frame.iat[1, 0] == "bob@" and model.data(idx) == "bob@"
    model.undo_stack.redo()
    assert model.data(idx) == "bob@x.com"
    assert not model.setData(idx, "bob@x.com")  # no change, no undo step
    assert model.undo_stack.count() == 1


def test_outcomes_add_a_status_column_and_update_rows_only(qtbot) -> None:
    model = LeadTableModel()
    model.set_frame(_frame())
    model.set_outcomes({})
    assert model.columnCount() == 4
    assert model.headerData(0, Qt.Orientation.Horizontal) == STATUS_HEADER
    assert model.data(model.index(0, 1)) == "ann@x.com"
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_outcomes([RowOutcome(2, Status.FAILED, "HTTP 500 from lemlist")])
    top, bottom = blocker.args[0], blocker.args[1]
    assert (top.row(), bottom.row(), top.column()) == (2, 2, 0)
    assert model.data(model.index(2, 0)) == "Failed"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole) == "HTTP 500 from lemlist"
    assert not model.flags(model.index(2, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(2, 1)) & Qt.ItemFlag.ItemIsEditable
    model.clear_outcomes()
    assert model.columnCount() == 3


def test_sort_and_filter_map_view_rows_to_frame_rows(kind: str) -> None:
    frame = _frame(kind)
    model = LeadTableModel()
    model.set_frame(frame)
    order = sort_order(frame, "First name")
    assert list(order) == [0, 1, 2, 3]  # case-insensitive: Ann, bob, Cy, Dee
    order = sort_order(frame, "ZIP", descending=True)
    assert [frame["ZIP"][i] for i in order] == ["94105", "2134", "10001", "02134"]
    mask = np.array([False, True, False, True])
    filtered = filter_order(order, mask, len(frame))
    model.set_row_order(filtered)
    assert model.rowCount() == 2
    assert [model.frame_row(r) for r in range(2)] == [3, 1]
    assert model.data(model.index(0, 2)) == "94105"
    assert model.view_row(1) == 1 and model.view_row(0) is None
    assert model.headerData(0, Qt.Orientation.Vertical) == "5"


@pytest.mark.parametrize("n", [0, 1])
def test_empty_frames(qtmodeltester, n: int) -> None:
    model = LeadTableModel()
    model.set_frame(pd.DataFrame({"a": ["x"] * n}, dtype=object))
    assert model.rowCount() == n
    assert model.data(QModelIndex(), Qt.ItemDataRole.BackgroundRole) is None
    qtmodeltester.check(model)


def test_rows_waiting_in_a_run_are_marked(qtbot) -> None:
    model = LeadTableModel()
    model.set_frame(_frame())
    model.mark_rows([0, 1], "Queued")  # no status column yet: nothing to mark
    model.set_outcomes({})
    model.mark_rows([0, 1, 2], "Queued")
    model.update_outcomes([RowOutcome(0, Status.UPLOADED)])
    assert [model.data(model.index(r, 0)) for r in range(4)] == ["Uploaded", "Queued", "Queued", ""]
    model.mark_rows([0, 1, 2, 3], "Not sent", only_if="Queued")
    assert [model.data(model.index(r, 0)) for r in range(4)] == ["Uploaded", "Not sent", "Not sent", ""]


def test_a_text_files_columns_become_strings_only_for_the_rows_shown() -> None:
    rows = 20 * BLOCK_ROWS
    frame = pd.DataFrame(
        {
            "Email": [f"lead{i}@example.com" for i in range(rows)],
            "Zip": [f"{i % 1000:05d}" for i in range(rows)],
        },
        dtype=TEXT_DTYPE,
    )
    model = LeadTableModel()
    model.set_frame(frame)
    assert model.data(model.index(0, 0)) == "lead0@example.com"
    assert model.data(model.index(rows - 1, 1)) == f"{(rows - 1) % 1000:05d}"
    assert type(model.data(model.index(7, 1))) is str
    cells = model._cols[0]
    assert isinstance(cells, LazyCells)
    assert cells.converted_blocks == 1  # rows 0 and 7 share a block; the last row is in another column
    model.set_row_order(sort_order(frame, "Email", descending=True))
    assert model.data(model.index(0, 0)) == max(frame["Email"]) == "lead9@example.com"
    assert frame["Email"].dtype == TEXT_DTYPE  # reading never changes the frame


def test_the_first_edit_of_a_text_files_column_makes_only_that_column_objects(qtbot) -> None:
    frame = _frame("arrow")
    model = LeadTableModel()
    model.undo_stack = QUndoStack()
    model.set_frame(frame)
    assert model.setData(model.index(1, 0), "bob@x.com")
    assert frame["Email"].dtype == object  # pandas rebuilds an arrow column on every write
    assert frame["First name"].dtype == TEXT_DTYPE and frame["ZIP"].dtype == TEXT_DTYPE
    assert frame["Email"].tolist() == ["ann@x.com", "bob@x.com", "cy@z.org", "dee@x.com"]
    assert model.setData(model.index(2, 0), "cy@x.org")
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert frame["Email"].tolist() == ["ann@x.com", "bob@", "cy@z.org", "dee@x.com"]
    assert [model.data(model.index(r, 0)) for r in range(4)] == frame["Email"].tolist()


def test_lazy_cells_keep_a_bounded_number_of_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    from gui.qt import lazy_cells

    monkeypatch.setattr(lazy_cells, "KEPT_BLOCKS", 3)
    cells = LazyCells(
        pa.chunked_array([pa.array([str(i) for i in range(10 * BLOCK_ROWS)], pa.large_string())])
    )
    assert len(cells) == 10 * BLOCK_ROWS
    for block in range(10):
        assert cells[np.int64(block * BLOCK_ROWS + 5)] == str(block * BLOCK_ROWS + 5)
    assert cells.converted_blocks == 3
    assert cells[5] == "5"  # dropped, converted again
