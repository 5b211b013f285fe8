"""The mapping panel: seeded by suggestions, one signal per change, custom variables, payload preview."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
import pytest

from PySide6.QtCore import Qt

from gui.core.mapping.columns import ColumnMapping
from gui.core.providers import get_spec
from gui.qt.flows.map_columns import MapColumnsFlow
from gui.qt.widgets.field_picker import NOT_MAPPED


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Courriel": ["anna@acme.example", "bob@globex.example", "", "dan@initech.example"],
            "Vorname": ["Anna", "Bob", "Cleo", "Dan"],
            "Nachname": ["Ames", "Berg", "Cruz", "Dahl"],
            "Colonne 4": [
                "https://www.linkedin.com/in/anna-ames",
                "https://www.linkedin.com/in/bob-berg",
                "https://www.linkedin.com/in/cleo-cruz",
                "https://www.linkedin.com/in/dan-dahl",
            ],
            "Taille société": ["10", "250", "", "40"],
            "Secteur d'activité": ["SaaS", "Retail", "Health", "SaaS"],
        }
    )


@pytest.fixture
def panel(qtbot) -> Iterator[MapColumnsFlow]:
    widget = MapColumnsFlow()
    qtbot.addWidget(widget)
    widget.set_spec(get_spec("lemlist"))
    with qtbot.waitSignal(widget.sig_mapping_changed, timeout=2000):
        widget.set_frame(_frame())
    yield widget


def test_seeded_by_suggestions_with_reasons(panel: MapColumnsFlow) -> None:
    assert panel.field_column("email") == "Courriel"
    assert panel.field_column("firstName") == "Vorname"
    assert panel.field_column("lastName") == "Nachname"
    assert panel.field_column("linkedinUrl") == "Colonne 4"  # recognised by its values
    assert panel.field_column("companyName") is None
    assert "Courriel" in panel.hint("email")
    assert "LinkedIn" in panel.hint("linkedinUrl")
    assert panel.missing_required() == []
    assert panel.status_label.text().startswith("✔")
    # The required rule is spelled out and the one-of fields say so.
    assert "Email or LinkedIn URL" in panel.rule_label.text()
    captions = {r.field.name: r.caption.text() for r in panel._rows}
    assert captions["email"] == "Email (or LinkedIn URL)"
    assert captions["firstName"] == "First name"


def test_bars_show_fill_and_problems(panel: MapColumnsFlow) -> None:
    bars = {r.field.name: r.bar for r in panel._rows}
    assert bars["email"].counts() == (3, 0, 4)

    from gui.core.validation.checker import validate

    validation = validate(_frame(), panel.mapping(), get_spec("lemlist"))
    panel.set_validation(validation)
    errors, _warnings = validation.counts_by_field().get("email", (0, 0))
    assert bars["email"].counts()[1] == errors

    class FakeValidation:
        def counts_by_field(self) -> dict[str, tuple[int, int]]:
            return {"email": (2, 1)}

    panel.set_validation(FakeValidation())
    assert bars["email"].counts() == (3, 2, 4)
    assert bars["email"].warnings() == 1
    assert "2 with a problem" in bars["email"].toolTip()
    count = next(r.count for r in panel._rows if r.field.name == "email")
    assert count.text() == "3 / 4 · 2 problems · 1 warning"


def test_changing_a_picker_emits_once(qtbot, panel: MapColumnsFlow) -> None:
    seen: list[ColumnMapping] = []
    panel.sig_mapping_changed.connect(seen.append)
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000):
        panel.set_field_column("companyName", "Secteur d'activité")
        panel.set_field_column("jobTitle", "Taille société")
    qtbot.waitUntil(lambda: not panel._emit_timer.isActive(), timeout=2000)
    assert len(seen) == 1
    mapping = seen[0]
    assert mapping.fields["companyName"] == "Secteur d'activité"
    assert mapping.fields["jobTitle"] == "Taille société"
    assert "Secteur d'activité" not in mapping.custom


def test_a_column_feeds_one_field(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_field_column("lastName", "Vorname")
    assert panel.field_column("lastName") == "Vorname"
    assert panel.field_column("firstName") is None
    assert "moved" in panel.hint("firstName")
    combo = next(r.combo for r in panel._rows if r.field.name == "firstName")
    assert combo.currentText() == NOT_MAPPED


def test_missing_required_is_reported(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_field_column("email", None)
    panel.set_field_column("linkedinUrl", None)
    assert panel.missing_required() == ["Email or LinkedIn URL"]
    assert "Pick a column for Email or LinkedIn URL" in panel.status_label.text()


def test_custom_variable_checkboxes(qtbot, panel: MapColumnsFlow) -> None:
    items = {
        panel.custom_list.item(i).data(Qt.ItemDataRole.UserRole): panel.custom_list.item(i)
        for i in range(panel.custom_list.count())
    }
    assert set(items) == {"Taille société", "Secteur d'activité"}
    # The sanitised name is shown next to the header.
    assert "tailleSociete" in items["Taille société"].text()
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000) as blocker:
        panel.set_custom_column("Taille société", False)
    mapping = blocker.args[0]
    assert "Taille société" not in mapping.custom
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000) as blocker:
        panel.set_custom_column("Taille société", True)
    assert blocker.args[0].custom["Taille société"] == "tailleSociete"
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000) as blocker:
        panel.custom_none_button.click()
    assert dict(blocker.args[0].custom) == {}


def test_payload_preview_shows_the_selected_row(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_selected_row(1)
    qtbot.waitUntil(lambda: "bob@globex" in panel.preview.toPlainText(), timeout=2000)
    body = json.loads(panel.preview.toPlainText())
    assert body["email"] == "bob@globex.example"
    assert body["firstName"] == "Bob"
    assert body["tailleSociete"] == "250"
    assert "row 3" in panel.preview_box.title()  # sheet line: header on line 1
    assert panel.preview.isReadOnly()
    panel.set_selected_row(2)  # empty email: left out, not sent as ""
    qtbot.waitUntil(lambda: "Cleo" in panel.preview.toPlainText(), timeout=2000)
    assert "email" not in json.loads(panel.preview.toPlainText())


def test_instantly_preview_carries_campaign_and_custom_variables(qtbot, panel: MapColumnsFlow) -> None:
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000):
        panel.set_spec(get_spec("instantly"))
    # The columns carry over by meaning.
    assert panel.field_column("email") == "Courriel"
    assert panel.field_column("first_name") == "Vorname"
    panel.set_destination("cam_123", {"skip_if_in_workspace": True})
    body = json.loads(panel.preview.toPlainText())
    text = json.dumps(body)
    assert "cam_123" in text
    assert "taille_societe" in text


def test_instantly_list_loosens_the_rule(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_spec(get_spec("instantly"))
    panel.set_field_column("email", None)
    assert panel.missing_required() == ["Email"]
    panel.set_destination("list:lst_1", {})
    assert panel.missing_required() == []
    assert "lead list" in panel.rule_label.text()


def test_set_mapping_applies_and_ignores_unknown_columns(qtbot, panel: MapColumnsFlow) -> None:
    mapping = ColumnMapping(fields={"email": "Courriel", "companyName": "No such column"}, custom={})
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000) as blocker:
        panel.set_mapping(mapping)
    assert panel.field_column("companyName") is None
    assert panel.field_column("firstName") is None
    assert dict(blocker.args[0].fields) == {"email": "Courriel"}


def test_every_control_has_an_accessible_name(panel: MapColumnsFlow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QListWidget, QPlainTextEdit

    for kind in (QComboBox, QAbstractButton, QListWidget, QPlainTextEdit):
        for widget in panel.findChildren(kind):
            assert widget.accessibleName(), f"{type(widget).__name__} {widget.objectName()} has no name"


def test_user_mapping_is_recalled_for_the_same_headers(qtbot, panel: MapColumnsFlow) -> None:
    with qtbot.waitSignal(panel.sig_mapping_changed, timeout=2000):
        panel.set_field_column("companyName", "Secteur d'activité")
    # The same headers in another order: recalled, not re-suggested.
    shuffled = _frame()[list(reversed(_frame().columns))]
    again = MapColumnsFlow()
    qtbot.addWidget(again)
    again.set_spec(get_spec("lemlist"))
    again.set_frame(shuffled)
    assert again.field_column("companyName") == "Secteur d'activité"
    assert "last time" in again.hint("companyName")
    assert again.recall_label.isVisibleTo(again)
    # A bare suggestion is never remembered as the user's choice.
    other = pd.DataFrame({"E-mail": ["a@b.example"], "Ville": ["Lyon"]})
    third = MapColumnsFlow()
    qtbot.addWidget(third)
    third.set_spec(get_spec("lemlist"))
    with qtbot.waitSignal(third.sig_mapping_changed, timeout=2000):
        third.set_frame(other)
    from gui.core.presets import recall_mapping

    assert recall_mapping(list(other.columns), "lemlist") is None


def test_presets_save_pick_export_import(qtbot, panel: MapColumnsFlow, tmp_path, monkeypatch) -> None:
    from gui.core.fixes import FixStep
    from gui.core.presets import delete_preset, list_presets

    panel.set_field_column("companyName", "Secteur d'activité")
    panel.set_fix_steps([FixStep("Courriel", "lowercase_email", {})])
    preset = panel.save_preset("Weekly export")
    assert preset is not None and [p.name for p in list_presets()] == ["Weekly export"]
    assert preset.fixes[0].fix == "lowercase_email"
    assert panel.preset_combo.currentData() == "Weekly export"

    # Picking it on a sheet that was mapped differently brings its columns back.
    panel.set_field_column("companyName", None)
    applied: list[object] = []
    panel.sig_preset_applied.connect(applied.append)
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("Weekly export"))
    panel.preset_combo.activated.emit(panel.preset_combo.currentIndex())
    assert panel.field_column("companyName") == "Secteur d'activité"
    assert "Weekly export" in panel.hint("companyName")
    assert applied and applied[0].name == "Weekly export"

    # Export, forget, import: the colleague gets the same mapping.
    written = panel.export_preset(tmp_path / "weekly.json")
    assert written is not None and written.is_file()
    delete_preset("Weekly export")
    panel.set_field_column("companyName", None)
    imported = panel.import_preset(written)
    assert imported is not None and imported.name == "Weekly export"
    assert panel.field_column("companyName") == "Secteur d'activité"


def test_preset_made_for_another_provider_maps_by_meaning(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_field_column("companyName", "Secteur d'activité")
    panel.save_preset("For lemlist")
    panel.set_spec(get_spec("instantly"))
    panel.set_field_column("company_name", None)
    from gui.core.presets import load_preset

    panel.use_preset(load_preset("For lemlist"))
    assert panel.field_column("company_name") == "Secteur d'activité"
    assert panel.field_column("email") == "Courriel"
    assert "made for lemlist" in panel.preset_combo.itemText(1)


def test_a_saved_preset_maps_a_new_sheet_with_those_headers(qtbot, panel: MapColumnsFlow) -> None:
    panel.set_field_column("jobTitle", "Taille société")
    panel.save_preset("Odd one")
    # Forget the remembered mapping so only the named preset can match.
    from gui.core.presets import presets_dir

    (presets_dir() / "remembered.json").unlink(missing_ok=True)
    fresh = MapColumnsFlow()
    qtbot.addWidget(fresh)
    applied: list[object] = []
    fresh.sig_preset_applied.connect(applied.append)
    fresh.set_spec(get_spec("lemlist"))
    fresh.set_frame(_frame())
    assert fresh.field_column("jobTitle") == "Taille société"
    assert "Odd one" in fresh.recall_label.text()
    assert applied and applied[0].name == "Odd one"


def test_excel_damage_notes_show_under_the_field(qtbot) -> None:
    from gui.core.sheets.damage import ColumnNote

    widget = MapColumnsFlow()
    qtbot.addWidget(widget)
    widget.set_spec(get_spec("aktify"))
    frame = pd.DataFrame({"Phone": ["+16175550142", "+12125550187"], "ZIP": ["2134", "10001"]})
    note = ColumnNote("ZIP", "Excel stored these ZIP codes as numbers; 4-digit ones lost a leading 0.", "zip")
    widget.set_frame(frame, [note])
    assert widget.field_column("zipCode") == "ZIP"
    assert "lost a leading 0" in widget.hint("zipCode")
    # Aktify's two required groups are both spelled out.
    assert "Phone, and US state or ZIP code" in widget.rule_label.text()


def test_big_sheets_are_counted_in_the_background(qtbot, monkeypatch) -> None:
    import gui.qt.widgets.column_fill_counter as module

    monkeypatch.setattr(module, "SYNC_COUNT_ROWS", 2)
    widget = MapColumnsFlow()
    qtbot.addWidget(widget)
    widget.set_spec(get_spec("lemlist"))
    frame = _frame()
    frame.loc[1, "Vorname"] = "   "  # blanks are not filled
    widget.set_frame(frame)
    count = next(r.count for r in widget._rows if r.field.name == "firstName")
    assert count.text() == "counting…"
    qtbot.waitUntil(lambda: count.text() == "3 / 4", timeout=10_000)
    qtbot.waitUntil(lambda: not widget.counting(), timeout=10_000)
    widget.shutdown()


def test_columns_added_by_a_fix_appear_and_map_themselves(qtbot) -> None:
    from gui.core.fixes import apply_fix

    widget = MapColumnsFlow()
    qtbot.addWidget(widget)
    widget.set_spec(get_spec("lemlist"))
    frame = pd.DataFrame(
        {"E-mail": ["a@acme.example", "b@acme.example"], "Nom complet": ["Ann Lee", "Bo Kim"]}
    )
    widget.set_frame(frame)
    assert widget.field_column("firstName") is None
    result = apply_fix(
        frame, "Nom complet", "split_full_name", first_column="First name", last_column="Last name"
    )
    with qtbot.waitSignal(widget.sig_mapping_changed, timeout=2000) as blocker:
        widget.refresh_frame(["First name", "Last name"])
    assert widget.field_column("firstName") == "First name"
    assert widget.field_column("lastName") == "Last name"
    assert blocker.args[0].fields["lastName"] == "Last name"
    # Undo removes the columns: they leave the pickers and the mapping.
    result.undo(frame)
    widget.refresh_frame(["First name", "Last name"])
    assert widget.field_column("firstName") is None
    assert "First name" not in widget.mapping().columns()


def test_seeding_a_new_sheet_emits_one_signal(qtbot) -> None:
    widget = MapColumnsFlow()
    qtbot.addWidget(widget)
    seen: list[ColumnMapping] = []
    widget.sig_mapping_changed.connect(seen.append)
    widget.set_spec(get_spec("lemlist"))  # no sheet yet: nothing to say
    with qtbot.waitSignal(widget.sig_mapping_changed, timeout=2000):
        widget.set_frame(_frame())
        widget.set_spec(get_spec("instantly"))
        widget.set_destination("cam_1", {})
    qtbot.waitUntil(lambda: not widget._emit_timer.isActive(), timeout=2000)
    assert len(seen) == 1
    assert seen[0].fields["email"] == "Courriel"


def test_delete_a_saved_mapping(qtbot, panel: MapColumnsFlow, monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from gui.core.presets import list_presets

    panel.save_preset("Old one")
    assert panel.preset_combo.currentData() == "Old one"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not panel.delete_preset()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.preset_combo.setCurrentIndex(panel.preset_combo.findData("Old one"))
    panel.delete_preset_action.trigger()
    assert list_presets() == []
    assert not panel.preset_combo.isEnabled()
