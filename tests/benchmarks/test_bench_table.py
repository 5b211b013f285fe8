"""Benchmark: the table model's data() at 1M rows, dispatched by Qt, against df.iat; sort and filter.

Run: .venv/bin/pytest tests/benchmarks/test_bench_table.py -m benchmark -s
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from gui.core.sheets.text_columns import TEXT_DTYPE
from gui.qt.table_model import LeadTableModel, filter_order, sort_order

pytestmark = pytest.mark.benchmark

ROWS = 1_000_000
COLS = 12


class _Validation:
    def __init__(self, n: int) -> None:
        self.error_rows = np.zeros(n, dtype=bool)
        self.error_rows[::7] = True

    def cell(self, row: int, column: str) -> tuple[str, str] | None:
        return ("error", "Email is not valid") if column == "c0" and self.error_rows[row] else None

    def severity(self, row: int, column: str) -> str | None:
        return "error" if column == "c0" and self.error_rows[row] else None


@pytest.fixture(scope="module")
def big_frames() -> dict[str, pd.DataFrame]:
    """The same 1M rows as a workbook gives them (``str`` objects) and a text file (arrow-backed)."""
    rng = np.random.default_rng(1)
    words = np.array([f"value{i:05d}" for i in range(50_000)], dtype=object)
    frame = pd.DataFrame(
        {f"c{i}": words[rng.integers(0, len(words), ROWS)] for i in range(COLS)}, dtype=object
    )
    return {"object": frame, "arrow": frame.astype(TEXT_DTYPE)}


@pytest.fixture(params=["object", "arrow"])
def big_frame(request: pytest.FixtureRequest, big_frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return big_frames[str(request.param)]


def _per_call_us(fn, calls: int) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) / calls * 1e6


def test_data_per_call_dispatched_by_qt(qtbot, big_frame: pd.DataFrame) -> None:
    model = LeadTableModel()
    set_frame = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.set_frame(big_frame)
        set_frame = min(set_frame, time.perf_counter() - start)
    model.set_validation(_Validation(ROWS))
    rows = np.random.default_rng(2).integers(0, ROWS, 300)
    indexes = [model.index(int(r), c) for r in rows for c in range(COLS)]
    roles = [
        int(r)
        for r in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.CheckStateRole,
        )
    ]
    display = int(Qt.ItemDataRole.DisplayRole)

    def qt_display() -> None:
        for idx in indexes:
            idx.data(display)  # QModelIndex::data -> C++ -> the Python override

    def qt_all_roles() -> None:
        for idx in indexes:
            for role in roles:
                idx.data(role)

    from PySide6.QtCore import QAbstractTableModel, QModelIndex

    class _Floor(QAbstractTableModel):
        """A model whose data() does nothing: the Qt->Python dispatch floor."""

        def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return ROWS

        def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
            return COLS

        def data(self, index, role=0):
            return None

    floor_model = _Floor()
    floor_indexes = [floor_model.index(int(r), c) for r in rows for c in range(COLS)]

    def empty_dispatch() -> None:
        for idx in floor_indexes:
            idx.data(display)

    iat = big_frame.iat

    def df_iat() -> None:
        for raw in rows:
            r = int(raw)
            for c in range(COLS):
                iat[r, c]

    n = len(indexes)
    qt_display()  # warm up
    floor = disp = mixed = iat_us = float("inf")
    for _ in range(7):  # interleaved, best of 7: the machine is shared, the minimum is the honest figure
        floor = min(floor, _per_call_us(empty_dispatch, n))
        disp = min(disp, _per_call_us(qt_display, n))
        mixed = min(mixed, _per_call_us(qt_all_roles, n * len(roles)))
        iat_us = min(iat_us, _per_call_us(df_iat, n))
    print(
        f"\n[bench table] {ROWS:,} rows x {COLS} cols, {big_frame['c0'].dtype} columns: set_frame on the "
        f"GUI thread {set_frame * 1000:.1f} ms; data() via QModelIndex.data: "
        f"display {disp:.2f} us/call, "
        f"7-role mix (what a view asks) {mixed:.2f} us/call; a data() that only returns None costs "
        f"{floor:.2f} us (the dispatch floor; the display figure also pays the text's trip back to "
        f"Python, which a painting view does not); "
        f"df.iat {iat_us:.2f} us/call; ratio iat/model {iat_us / disp:.1f}x"
    )
    # The model's own share above the dispatch floor; the absolute figure is printed above.
    assert disp - floor <= 2.0
    assert mixed <= 3.0 + max(0.0, floor - 2.0)
    assert set_frame <= 0.05, f"set_frame took {set_frame * 1000:.0f} ms on the GUI thread"


def test_view_paint_time(qtbot, big_frame: pd.DataFrame) -> None:
    model = LeadTableModel()
    model.set_frame(big_frame)
    view = QTableView()
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.setModel(model)
    view.resize(1400, 900)
    qtbot.addWidget(view)
    view.show()
    view.grab()
    start = time.perf_counter()
    for step in range(20):
        view.scrollTo(model.index(step * 49_999, 0))
        view.grab()
    per = (time.perf_counter() - start) / 20 * 1000
    print(
        f"\n[bench table] jump + repaint of a 1400x900 view at {ROWS:,} rows, {big_frame['c0'].dtype} "
        f"columns: {per:.1f} ms per frame"
    )
    assert per < 200


def test_sort_and_filter_1m_rows(big_frame: pd.DataFrame) -> None:
    model = LeadTableModel()
    model.set_frame(big_frame)
    start = time.perf_counter()
    order = sort_order(big_frame, "c3")
    model.set_row_order(order)
    sort_s = time.perf_counter() - start
    mask = np.zeros(ROWS, dtype=bool)
    mask[::3] = True
    start = time.perf_counter()
    model.set_row_order(filter_order(order, mask, ROWS))
    filter_s = time.perf_counter() - start
    emails = pd.DataFrame(
        {
            "email": np.array([f"user{i}@example.com" for i in range(ROWS)], dtype=object)[
                np.random.default_rng(3).permutation(ROWS)
            ]
        },
        dtype=object,
    )
    start = time.perf_counter()
    distinct = sort_order(emails, "email", descending=True)
    distinct_s = time.perf_counter() - start
    print(
        f"\n[bench table] sort 1M rows (50k distinct values, {big_frame['c0'].dtype}): {sort_s:.3f} s; "
        f"1M distinct emails: {distinct_s:.3f} s; filter the sorted rows: {filter_s:.3f} s"
    )
    assert model.rowCount() == len(range(0, ROWS, 3))
    assert emails["email"].iat[int(distinct[0])] == max(emails["email"])
    assert sort_s <= 1.0 and distinct_s <= 1.0 and filter_s <= 1.0
