"""Pure Python: the non-secret settings, one JSON file in the LeadLoader home folder.

``Settings`` is a small *mutable* dataclass: the window, the destination panel and the
credential store share one instance and change it in place, then :func:`save_settings`
writes it. It never holds a key: API keys live in the OS keyring (``credentials.py``).

Keys this version does not know (written by a newer version) are kept and written back,
so going back and forth between versions loses nothing. A file that cannot be read is
renamed aside (``settings.json.corrupt-<time>``) and defaults are used, with a note the GUI
can show.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gui.core.paths import home

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"
MAX_RECENT = 10
VERSION = 1

_KNOWN = (
    "version",
    "recent_files",
    "last_provider",
    "last_account",
    "last_campaign",
    "phone_region",
    "sample_shown",
    "keep_runs_days",
)


@dataclass
class Settings:
    """What LeadLoader remembers between runs (never a key).

    Attributes:
        recent_files: Most recent first, at most ``MAX_RECENT``.
        last_provider: The provider id picked last.
        last_account: Provider id to the account label picked last for it.
        last_campaign: Provider id to the campaign (or list) id picked last for it.
        phone_region: Two-letter region used to read phone numbers without a ``+``.
        sample_shown: True once the first-run sample sheet was offered.
        keep_runs_days: Finished runs older than this leave the journal at start (resumable ones never).
        extra: Keys from a newer version, written back untouched.
        note: Why the file was not used, when it was unreadable (not saved).
    """

    recent_files: list[str] = field(default_factory=list)
    last_provider: str = ""
    last_account: dict[str, str] = field(default_factory=dict)
    last_campaign: dict[str, str] = field(default_factory=dict)
    phone_region: str = "US"
    sample_shown: bool = False
    keep_runs_days: int = 180
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = field(default="", compare=False)

    def add_recent_file(self, path: str | Path) -> None:
        """Put ``path`` first in the recent files, without duplicates."""
        text = str(Path(path).resolve())
        self.recent_files = [text, *(p for p in self.recent_files if p != text)][:MAX_RECENT]

    def remember_destination(self, provider: str, *, account: str = "", campaign: str = "") -> None:
        """Remember the provider picked, and its account label and campaign when given."""
        self.last_provider = provider
        if account:
            self.last_account[provider] = account
        if campaign:
            self.last_campaign[provider] = campaign

    def to_dict(self) -> dict[str, Any]:
        """The JSON object written to disk (unknown keys first, so known ones win)."""
        return {
            **self.extra,
            "version": VERSION,
            "recent_files": list(self.recent_files),
            "last_provider": self.last_provider,
            "last_account": dict(self.last_account),
            "last_campaign": dict(self.last_campaign),
            "phone_region": self.phone_region,
            "sample_shown": self.sample_shown,
            "keep_runs_days": self.keep_runs_days,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Read what it can; a value of the wrong type falls back to its default, quietly."""
        defaults = cls()

        def text(name: str, default: str) -> str:
            value = data.get(name, default)
            return value if isinstance(value, str) else default

        def text_map(name: str) -> dict[str, str]:
            value = data.get(name)
            if not isinstance(value, dict):
                return {}
            return {str(k): v for k, v in value.items() if isinstance(v, str)}

        recent = data.get("recent_files")
        sample_shown = data.get("sample_shown")
        keep = data.get("keep_runs_days")
        return cls(
            recent_files=[p for p in recent if isinstance(p, str)][:MAX_RECENT]
            if isinstance(recent, list)
            else [],
            last_provider=text("last_provider", defaults.last_provider),
            last_account=text_map("last_account"),
            last_campaign=text_map("last_campaign"),
            phone_region=text("phone_region", defaults.phone_region),
            sample_shown=sample_shown if isinstance(sample_shown, bool) else defaults.sample_shown,
            keep_runs_days=keep
            if isinstance(keep, int) and not isinstance(keep, bool) and keep > 0
            else defaults.keep_runs_days,
            extra={k: v for k, v in data.items() if k not in _KNOWN},
        )


def settings_path() -> Path:
    """``<LEADLOADER_HOME>/settings.json``."""
    return home() / FILE_NAME


def load_settings() -> Settings:
    """The saved settings, defaults when there are none, defaults plus a note when the file is bad."""
    path = settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        settings = Settings()
        settings.note = f"Could not read {path} ({exc.strerror or exc}); using default settings."
        log.warning("%s", settings.note)
        return settings
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
    except ValueError as exc:
        aside = path.with_name(f"{FILE_NAME}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        settings = Settings()
        try:
            path.replace(aside)
            settings.note = (
                f"The settings file {path} was damaged ({exc}); it was kept as {aside.name} "
                "and default settings are used."
            )
        except OSError as move_error:
            settings.note = (
                f"The settings file {path} was damaged ({exc}) and could not be moved aside "
                f"({move_error.strerror or move_error}); default settings are used."
            )
        log.warning("%s", settings.note)
        return settings
    return Settings.from_dict(data)


def save_settings(settings: Settings) -> None:
    """Write the settings atomically, so a crash or a full disk never leaves half a file.

    Raises:
        OSError: The folder is not writable or the disk is full; the old file is untouched.
    """
    path = settings_path()
    text = json.dumps(settings.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    fd, tmp_name = tempfile.mkstemp(prefix=f".{FILE_NAME}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
