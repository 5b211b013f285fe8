"""The check-and-fix flow alone, over a model: checks after changes, fixes on the undo stack."""

from __future__ import annotations

import numpy as np
import pandas as pd

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from gui.core.fixes import apply_fix
from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec
from gui.qt.flows.check_and_fix import CheckAndFix
from gui.qt.table_model import LeadTableModel

SPEC = get_spec("lemlist")


def _flow(qtbot, emails: list[str]) -> CheckAndFix:
    parent = QWidget()
    qtbot.addWidget(parent)
    model = LeadTableModel(parent)
    model.set_frame(pd.DataFrame({"Email": emails}))
    undo = QUndoStack(parent)
    model.undo_stack = undo
    flow = CheckAndFix(
        model, undo, lambda: (ColumnMapping({"email": "Email"}), SPEC, "campaign"), lambda: "US", parent
    )
    flow.set_active(True)
    return flow


def test_a_check_marks_the_bad_rows_on_the_model(qtbot) -> None:
    flow = _flow(qtbot, ["ann@example.org", "nope"])
    with qtbot.waitSignal(flow.sig_validated, timeout=2000) as blocker:
        flow.schedule(immediately=True)
    validation = blocker.args[0]
    assert list(np.asarray(validation.error_rows, dtype=bool)) == [False, True]
    assert flow.model.validation is validation is flow.validation


def test_no_check_while_inactive(qtbot) -> None:
    flow = _flow(qtbot, ["nope"])
    flow.set_active(False)
    with qtbot.assertNotEmitted(flow.sig_checked, wait=300):
        flow.schedule(immediately=True)
    assert flow.validation is None


def test_an_edit_schedules_a_new_check(qtbot) -> None:
    flow = _flow(qtbot, ["nope"])
    with qtbot.waitSignal(flow.sig_validated, timeout=2000):
        flow.schedule(immediately=True)
    with qtbot.waitSignal(flow.sig_validated, timeout=2000) as blocker:
        flow.model.set_cell(0, "Email", "bea@example.org")
    assert not np.asarray(blocker.args[0].error_rows, dtype=bool).any()


def test_a_fix_is_undoable_and_says_what_changed(qtbot) -> None:
    flow = _flow(qtbot, ["ANN@EXAMPLE.ORG", "bea@example.org"])
    with qtbot.waitSignal(flow.sig_message, timeout=1000) as said:
        flow.push_fix("Email", apply_fix(flow.model.frame, "Email", "lowercase_email"))
    assert said.args == ["Fix column ‘Email’: 1 cells changed (Ctrl+Z to undo).", 8000]
    assert flow.model.frame["Email"].tolist() == ["ann@example.org", "bea@example.org"]
    flow.undo_stack.undo()
    assert flow.model.frame["Email"].tolist() == ["ANN@EXAMPLE.ORG", "bea@example.org"]
