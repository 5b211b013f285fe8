"""The column-fix dialog: before/after preview, counts, apply and undo."""

from __future__ import annotations

import pandas as pd
import pytest

from gui.core.fixes import FixStep
from gui.qt.dialogs.fix_dialog import FixDialog, suggested_fix


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Full Name": ["Dr. Jane Doe", "Smith, John", "Jean-Pierre de la Fontaine", ""],
            "Email": [" Anna@Acme.COM ", "bob@globex.example", "Cleo@Initech.Example", ""],
            "Phone": ["(617) 555-0142", "+44 20 7946 0958", "not a phone", "617.555.0199"],
            "ZIP": ["02134", "94105", "", "10001"],
            "State": ["", "CA", "", ""],
        }
    )


def _open(qtbot, frame: pd.DataFrame, column: str, **kwargs) -> FixDialog:
    dialog = FixDialog(frame, column, **kwargs)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.changed_count() is not None and not dialog.busy(), timeout=10_000)
    return dialog


def test_fix_is_suggested_from_the_header() -> None:
    assert suggested_fix("E-mail") == "lowercase_email"
    assert suggested_fix("Telefon") == "phone_e164"
    assert suggested_fix("Notes") == "trim"


def test_lowercase_preview_counts_and_apply(qtbot) -> None:
    frame = _frame()
    dialog = _open(qtbot, frame, "Email")
    assert dialog.fix_name() == "lowercase_email"
    assert dialog.changed_count() == 2
    assert "2 cells will change" in dialog.count_label.text()
    rows = dialog.preview_rows()
    assert rows[0] == ("2", " Anna@Acme.COM ", "anna@acme.com")  # sheet line numbers
    assert rows[1][2] == "cleo@initech.example"
    # The frame is untouched until Apply.
    assert frame.at[0, "Email"] == " Anna@Acme.COM "
    assert dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    result = dialog.fix_result()
    assert result is not None and result.changed == 2
    assert frame.at[0, "Email"] == "anna@acme.com"
    assert dialog.fix_step() == FixStep("Email", "lowercase_email", {})
    result.undo(frame)
    assert frame.at[0, "Email"] == " Anna@Acme.COM "


def test_phone_region_changes_the_preview(qtbot) -> None:
    frame = _frame()
    dialog = _open(qtbot, frame, "Phone")
    assert dialog.fix_name() == "phone_e164"
    after = {r[1]: r[2] for r in dialog.preview_rows()}
    assert after["(617) 555-0142"] == "+16175550142"
    assert "not a phone" not in after  # unreadable numbers are left alone
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("GB"))
    assert dialog.params() == {"region": "GB"}
    after = {r[1]: r[2] for r in dialog.preview_rows()}
    assert "(617) 555-0142" not in after or after["(617) 555-0142"] != "+16175550142"
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)


def test_split_full_name_into_new_columns(qtbot) -> None:
    frame = _frame()
    dialog = _open(qtbot, frame, "Full Name", fix="split_full_name")
    assert dialog.params()["first_column"] == "First name"
    rows = {r[1]: r[2] for r in dialog.preview_rows()}
    assert rows["Dr. Jane Doe"] == "Jane | Doe"
    assert rows["Smith, John"] == "John | Smith"
    assert rows["Jean-Pierre de la Fontaine"] == "Jean-Pierre | de la Fontaine"
    dialog.apply_button.click()
    assert list(frame["First name"][:3]) == ["Jane", "John", "Jean-Pierre"]
    assert frame.at[2, "Last name"] == "de la Fontaine"
    result = dialog.fix_result()
    assert result is not None
    result.undo(frame)
    assert "First name" not in frame.columns and "Last name" not in frame.columns


def test_zip_to_state_fills_only_empty_states(qtbot) -> None:
    frame = _frame()
    dialog = _open(qtbot, frame, "ZIP", fix="zip_to_state")
    assert dialog.state_combo.currentText() == "State"
    assert dialog.changed_count() == 2  # 02134 -> MA, 10001 -> NY; CA is kept
    dialog.apply_button.click()
    assert list(frame["State"]) == ["MA", "CA", "", "NY"]


def test_fill_constant_and_nothing_to_change(qtbot) -> None:
    frame = _frame()
    dialog = _open(qtbot, frame, "State", fix="fill_constant")
    assert dialog.changed_count() == 0  # no value typed yet
    assert "Type the value" in dialog.count_label.text()
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        dialog.fill_value.setText("TX")
    assert dialog.changed_count() == 3
    assert "3 cells will change" in dialog.count_label.text()
    qtbot.waitUntil(lambda: not dialog.busy(), timeout=10_000)
    with qtbot.waitSignal(dialog.sig_preview_ready, timeout=10_000):
        dialog.set_fix("trim")
    assert dialog.changed_count() == 0
    assert "Nothing to change" in dialog.count_label.text()
    assert not dialog.apply_button.isEnabled()
    dialog.reject()
    assert dialog.fix_result() is None


def test_unknown_column_is_refused() -> None:
    with pytest.raises(KeyError):
        FixDialog(_frame(), "Nope")


def test_every_control_has_an_accessible_name(qtbot) -> None:
    from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QLineEdit, QListWidget, QTableWidget

    dialog = _open(qtbot, _frame(), "Email")
    for kind in (QComboBox, QAbstractButton, QLineEdit, QListWidget, QTableWidget, QCheckBox):
        for widget in dialog.findChildren(kind):
            if isinstance(widget.parent(), QComboBox | QTableWidget):
                continue  # a combo's line edit and a table's corner button are parts of those
            assert widget.accessibleName(), f"{type(widget).__name__} {getattr(widget, 'text', lambda: '')()}"
    dialog.reject()
