"""Presets: save, find by header fingerprint, export/import round trip, clear errors; remembered mappings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gui.core.errors import MappingError
from gui.core.fixes import FixStep
from gui.core.mapping.columns import ColumnMapping
from gui.core.presets import (
    delete_preset,
    export_preset,
    find_preset_for,
    import_preset,
    list_presets,
    load_preset,
    presets_dir,
    recall_mapping,
    remember_mapping,
    save_preset,
)

COLUMNS = ["E-mail", "Prénom", "Nom", "Société", "Taille"]
MAPPING = ColumnMapping(
    {"email": "E-mail", "firstName": "Prénom", "lastName": "Nom", "companyName": "Société"},
    {"Taille": "taille"},
)
FIXES = (FixStep("E-mail", "lowercase_email", {}), FixStep("Prénom", "trim", {}))


def _save(name: str = "Weekly Apollo") -> None:
    save_preset(name, "lemlist", MAPPING, COLUMNS, fixes=FIXES, options={"deduplicate": True})


def test_save_list_load(leadloader_home: Path) -> None:
    _save()
    path = leadloader_home / "presets" / "Weekly-Apollo.json"
    assert path.is_file()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "leadloader-preset" and data["provider"] == "lemlist"
    (preset,) = list_presets()
    assert preset.name == "Weekly Apollo"
    assert preset.mapping == MAPPING
    assert preset.fixes == FIXES
    assert dict(preset.options) == {"deduplicate": True}
    assert load_preset("weekly apollo") == preset
    assert load_preset(str(path)) == preset


def test_preset_is_recognised_on_the_same_headers_in_another_order() -> None:
    _save()
    shuffled = ["Taille", "société", "Nom", "E-mail", "Prénom"]
    found = find_preset_for(shuffled)
    assert found is not None and found.name == "Weekly Apollo"
    assert find_preset_for(shuffled, provider="lemlist") == found
    assert find_preset_for(shuffled, provider="instantly") is None
    assert find_preset_for([*COLUMNS, "Extra"]) is None
    # The mapping adapts to the new file's spelling of a header.
    assert found.mapping_for(shuffled).fields["companyName"] == "société"
    assert found.fits(shuffled) == ["Société"]
    assert found.mapping_for(shuffled).custom == {"Taille": "taille"}


def test_newest_matching_preset_wins() -> None:
    _save("Old")
    save_preset("New", "lemlist", ColumnMapping({"email": "E-mail"}), COLUMNS)
    found = find_preset_for(list(reversed(COLUMNS)))
    assert found is not None and found.name in {"Old", "New"}
    newest = max(list_presets(), key=lambda p: p.saved_at)
    assert found.saved_at == newest.saved_at


def test_export_import_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _save()
    original = load_preset("Weekly Apollo")
    exported = export_preset("Weekly Apollo", tmp_path / "to-a-colleague")
    assert exported.suffix == ".json" and exported.is_file()
    colleague = tmp_path / "colleague-home"
    colleague.mkdir()
    monkeypatch.setenv("LEADLOADER_HOME", str(colleague))
    assert list_presets() == []
    imported = import_preset(exported)
    assert imported.name == original.name
    assert imported.mapping == original.mapping
    assert imported.fixes == original.fixes
    assert imported.options == original.options
    assert imported.fingerprint == original.fingerprint
    assert find_preset_for(["Société", "Taille", "Prénom", "Nom", "E-mail"]) == imported
    renamed = import_preset(exported, name="Apollo (from Sam)")
    assert {p.name for p in list_presets()} == {"Weekly Apollo", "Apollo (from Sam)"}
    assert renamed.mapping == original.mapping


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a LeadLoader preset"),
        ('{"format": "something-else"}', "not a LeadLoader preset"),
        ('{"format": "leadloader-preset", "version": 99, "name": "x"}', "newer LeadLoader"),
        ('{"format": "leadloader-preset", "version": 1, "name": ""}', "has no name"),
        (
            '{"format": "leadloader-preset", "version": 1, "name": "x", "provider": "mailchimp"}',
            "unknown provider",
        ),
        (
            '{"format": "leadloader-preset", "version": 1, "name": "x", "provider": "lemlist",'
            ' "mapping": {"fields": {"emial": "E"}}}',
            "lemlist has no field ‘emial’",
        ),
        (
            '{"format": "leadloader-preset", "version": 1, "name": "x", "provider": "lemlist",'
            ' "mapping": {"fields": {"email": "E", "phone": "E"}}}',
            "mapped to more than one field",
        ),
        (
            '{"format": "leadloader-preset", "version": 1, "name": "x", "provider": "lemlist",'
            ' "mapping": {}, "fixes": [{"column": "E", "fix": "explode"}]}',
            "Unknown fix ‘explode’",
        ),
        (
            '{"format": "leadloader-preset", "version": 1, "name": "x", "provider": "lemlist",'
            ' "mapping": {}, "options": {"deduplicate": [1]}}',
            "'options' must map",
        ),
    ],
)
def test_import_rejects_bad_files_with_clear_messages(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError, match=words) as info:
        import_preset(path)
    assert str(info.value).startswith("bad.json")
    assert list_presets() == []


def test_missing_preset_and_files() -> None:
    _save()
    with pytest.raises(MappingError, match="No preset called ‘Nope’ \\(presets: Weekly Apollo\\)"):
        load_preset("Nope")
    with pytest.raises(MappingError, match="no such preset file"):
        import_preset("/nonexistent/preset.json")
    with pytest.raises(MappingError, match="Give the preset a name"):
        save_preset("  ", "lemlist", MAPPING, COLUMNS)


def test_damaged_files_in_the_folder_are_skipped_and_delete_works() -> None:
    _save()
    (presets_dir() / "broken.json").write_text("{", encoding="utf-8")
    assert [p.name for p in list_presets()] == ["Weekly Apollo"]
    delete_preset("Weekly Apollo")
    assert list_presets() == []


def test_remember_and_recall_mapping_by_header_set() -> None:
    assert recall_mapping(COLUMNS, "lemlist") is None
    remember_mapping(COLUMNS, "lemlist", MAPPING)
    other = ColumnMapping({"email": "E-mail"}, {})
    remember_mapping(COLUMNS, "instantly", other)
    assert recall_mapping(list(reversed(COLUMNS)), "lemlist") == MAPPING
    assert recall_mapping(COLUMNS, "instantly") == other
    assert recall_mapping([*COLUMNS, "New column"], "lemlist") is None
    newer = ColumnMapping({"email": "E-mail", "firstName": "Prénom"}, {})
    remember_mapping(COLUMNS, "lemlist", newer)
    assert recall_mapping(COLUMNS, "lemlist") == newer
    # Same headers spelt in another case: the remembered mapping follows the new spelling.
    upper = [c.upper() for c in COLUMNS]
    recalled = recall_mapping(upper, "lemlist")
    assert recalled is not None and recalled.fields["firstName"] == "PRÉNOM"
    assert list_presets() == []  # memory is not a named preset


def test_remembered_mappings_are_bounded_and_survive_damage() -> None:
    for i in range(210):
        remember_mapping([f"col{i}"], "lemlist", ColumnMapping({"email": f"col{i}"}))
    data = json.loads((presets_dir() / "remembered.json").read_text(encoding="utf-8"))
    assert len(data) == 200
    assert recall_mapping(["col209"], "lemlist") is not None
    (presets_dir() / "remembered.json").write_text("{garbage", encoding="utf-8")
    assert recall_mapping(["col209"], "lemlist") is None
    remember_mapping(["a"], "lemlist", ColumnMapping({"email": "a"}))
    assert recall_mapping(["a"], "lemlist") == ColumnMapping({"email": "a"})


def test_names_that_share_a_file_name_keep_separate_files() -> None:
    save_preset("Q4/EU", "lemlist", MAPPING, COLUMNS)
    save_preset("Q4 EU", "instantly", ColumnMapping({"email": "E-mail"}), COLUMNS)
    save_preset("q4/eu", "lemlist", ColumnMapping({"email": "E-mail"}), COLUMNS)  # same preset, saved again
    names = sorted(p.name for p in list_presets())
    assert names == ["Q4 EU", "q4/eu"]
    assert len(list(presets_dir().glob("Q4-EU*.json"))) == 2
    assert load_preset("Q4 EU").provider == "instantly"
