"""Pure Python: where LeadLoader keeps its files and finds its resources.

One place decides, so settings, presets, the journal and logs always agree, and tests can
move everything with one environment variable (``LEADLOADER_HOME``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "LeadLoader"


def home() -> Path:
    """The folder for settings, presets, the journal and logs (created on first use).

    ``LEADLOADER_HOME`` wins; otherwise the platform's per-user data folder.
    """
    override = os.environ.get("LEADLOADER_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource_dir() -> Path:
    """The ``resources/`` folder, from a frozen app, a checkout or an installed wheel.

    Frozen (PyInstaller) apps unpack it beside the code in ``sys._MEIPASS``; a checkout has
    it at the repository root; a wheel installs it as data files under the prefix.
    """
    candidates: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    candidates += [Path(p) / "share" / "leadloader" / "resources" for p in (sys.prefix, sys.base_prefix)]
    for candidate in candidates:
        if (candidate / "sample_leads.csv").is_file():
            return candidate
    raise FileNotFoundError("LeadLoader's resources folder is missing; reinstall the app.")


def resource(name: str) -> Path:
    """A file inside ``resources/`` (``icons/app.svg``, ``sample_leads.csv``...)."""
    return resource_dir() / name
