"""``leadloader [FILE]``: start the desktop app, or say why it cannot start here.

Without a display Qt either aborts or (under some platform plugins) waits invisibly until it is
killed; a terminal user who typed the wrong thing deserves a line and exit code 2 instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from gui.cli.common import EXIT_USAGE


def display_problem(env: Mapping[str, str], platform: str) -> str | None:
    """Why the window cannot be shown in this environment, or None when it can (or we cannot tell).

    Only X11/Wayland systems are checked: Windows and macOS always have their native display.
    """
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    plugin = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip().lower()
    if not plugin:
        needs: tuple[str, ...] = ("DISPLAY", "WAYLAND_DISPLAY")
    elif plugin == "xcb":
        needs = ("DISPLAY",)
    elif plugin.startswith("wayland"):
        needs = ("WAYLAND_DISPLAY",)
    else:  # offscreen, minimal, eglfs, linuxfb, vnc...: the user's own choice, trusted
        return None
    if any(env.get(name) for name in needs):
        return None
    return (
        f"no display to open the window on ({' and '.join(needs)} not set). Start it from a desktop "
        "session, set QT_QPA_PLATFORM=offscreen for a headless check, or run a command such as "
        "`leadloader upload FILE --provider P` (see leadloader --help)."
    )


def main(argv: Sequence[str]) -> int:
    """Run the app on ``argv`` (a file to open at most), after checking there is a display."""
    problem = display_problem(os.environ, sys.platform)
    if problem is not None:
        print(f"leadloader: {problem}", file=sys.stderr)
        return EXIT_USAGE
    from gui.qt.app import main as app_main

    return app_main(list(argv))
