"""The table flow alone, over a model: filters, sorting, the next problem, fix requests."""

from __future__ import annotations

import pandas as pd

from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec
from gui.core.validation.checker import validate
from gui.qt.flows.view_table import FILTER_PROBLEMS, ViewTable
from gui.qt.table_model import LeadTableModel

FRAME = pd.DataFrame(
    {
        "Email": ["bea@example.org", "not-an-email", "ann@example.org", "also bad"],
        "Name": ["Bea", "Carl", "Ann", "Dora"],
    }
)


def _flow(qtbot) -> ViewTable:
    model = LeadTableModel()
    flow = ViewTable(model)
    qtbot.addWidget(flow)
    model.set_frame(FRAME)
    model.set_validation(validate(FRAME, ColumnMapping({"email": "Email"}), get_spec("lemlist")))
    flow.show_sheet()
    flow.set_has_sheet(True)
    return flow


def _emails(flow: ViewTable) -> list[str]:
    model = flow.model
    return [model.data(model.index(r, model.view_column("Email"))) for r in range(model.rowCount())]


def test_problem_filter_shows_only_the_bad_rows(qtbot) -> None:
    flow = _flow(qtbot)
    assert flow.row_count_label.text() == "4 rows"
    flow.action_problems.trigger()
    assert flow.filter_combo.currentData() == FILTER_PROBLEMS
    assert _emails(flow) == ["not-an-email", "also bad"]
    assert flow.row_count_label.text() == "2 of 4 rows shown"


def test_clicking_a_header_sorts_then_reverses(qtbot) -> None:
    flow = _flow(qtbot)
    section = flow.model.view_column("Name")
    flow.table.horizontalHeader().sectionClicked.emit(section)
    assert [flow.model.data(flow.model.index(r, section)) for r in range(4)] == ["Ann", "Bea", "Carl", "Dora"]
    flow.table.horizontalHeader().sectionClicked.emit(section)
    assert [flow.model.data(flow.model.index(r, section)) for r in range(4)] == ["Dora", "Carl", "Bea", "Ann"]


def test_next_problem_selects_the_cell_and_says_why(qtbot) -> None:
    flow = _flow(qtbot)
    with qtbot.waitSignal(flow.sig_row_selected, timeout=1000) as selected:
        flow.action_next_problem.trigger()
    assert selected.args == [1]
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as said:
        flow.action_next_problem.trigger()
    assert said.args[0].startswith("Row ")  # row 4 (0-based 3) and what is wrong with its email
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as said:
        flow.action_next_problem.trigger()
    assert said.args == ["No more problems below this row.", 4000]


def test_fix_of_the_current_column_is_requested_by_name(qtbot) -> None:
    flow = _flow(qtbot)
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as said:
        flow.request_fix_of_current_column()
    assert said.args[0] == "Click a cell of the column to fix first."
    flow.table.setCurrentIndex(flow.model.index(0, flow.model.view_column("Email")))
    with qtbot.waitSignal(flow.sig_fix_requested, timeout=1000) as asked:
        flow.request_fix_of_current_column()
    assert asked.args == ["Email"]


def test_no_edits_while_locked(qtbot) -> None:
    flow = _flow(qtbot)
    flow.set_editing_enabled(False)
    assert flow.table.editTriggers() == flow.table.EditTrigger.NoEditTriggers
    flow.set_editing_enabled(True)
    assert flow.table.editTriggers() & flow.table.EditTrigger.DoubleClicked
