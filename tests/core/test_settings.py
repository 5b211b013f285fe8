from __future__ import annotations

import json
from pathlib import Path

import pytest

from gui.core.settings import MAX_RECENT, Settings, load_settings, save_settings, settings_path


def test_defaults_when_no_file(leadloader_home: Path) -> None:
    settings = load_settings()
    assert settings == Settings()
    assert settings.phone_region == "US" and not settings.sample_shown and settings.note == ""
    assert not (leadloader_home / "settings.json").exists()


def test_round_trip(leadloader_home: Path, tmp_path: Path) -> None:
    settings = load_settings()
    settings.add_recent_file(tmp_path / "a.csv")
    settings.add_recent_file(tmp_path / "b.xlsx")
    settings.add_recent_file(tmp_path / "a.csv")
    settings.remember_destination("lemlist", account="Main", campaign="cam_1")
    settings.remember_destination("instantly", account="Client B")
    settings.phone_region = "FR"
    settings.sample_shown = True
    save_settings(settings)
    assert settings_path() == leadloader_home / "settings.json"
    again = load_settings()
    assert again == settings
    assert again.recent_files == [str((tmp_path / "a.csv").resolve()), str((tmp_path / "b.xlsx").resolve())]
    assert again.last_provider == "instantly"
    assert again.last_account == {"lemlist": "Main", "instantly": "Client B"}
    assert again.last_campaign == {"lemlist": "cam_1"}


def test_recent_files_are_capped(tmp_path: Path) -> None:
    settings = Settings()
    for i in range(MAX_RECENT + 5):
        settings.add_recent_file(tmp_path / f"{i}.csv")
    assert len(settings.recent_files) == MAX_RECENT
    assert settings.recent_files[0].endswith(f"{MAX_RECENT + 4}.csv")


def test_unknown_keys_survive(leadloader_home: Path) -> None:
    settings_path().write_text(
        json.dumps({"version": 7, "future_thing": {"x": [1, 2]}, "phone_region": "DE"})
    )
    settings = load_settings()
    assert settings.phone_region == "DE"
    save_settings(settings)
    data = json.loads(settings_path().read_text())
    assert data["future_thing"] == {"x": [1, 2]}
    assert data["phone_region"] == "DE"


def test_wrong_types_fall_back_to_defaults(leadloader_home: Path) -> None:
    settings_path().write_text(
        json.dumps({"recent_files": "nope", "sample_shown": "yes", "last_account": {"lemlist": 3, "x": "L"}})
    )
    settings = load_settings()
    assert settings.recent_files == [] and settings.sample_shown is False
    assert settings.last_account == {"x": "L"}


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_corrupt_file_is_moved_aside(leadloader_home: Path, content: str) -> None:
    settings_path().write_text(content)
    settings = load_settings()
    assert settings == Settings()
    assert "damaged" in settings.note and "default settings" in settings.note
    aside = [p for p in leadloader_home.iterdir() if p.name.startswith("settings.json.corrupt-")]
    assert len(aside) == 1 and aside[0].read_text() == content
    assert not settings_path().exists()
    save_settings(settings)  # and the app can carry on
    assert load_settings().note == ""


def test_save_is_atomic_on_failure(leadloader_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(phone_region="GB"))
    import gui.core.settings as module

    def boom(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module.os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        save_settings(Settings(phone_region="FR"))
    assert load_settings().phone_region == "GB"
    assert sorted(p.name for p in leadloader_home.iterdir()) == ["settings.json"]
