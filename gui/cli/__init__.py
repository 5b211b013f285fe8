"""The ``leadloader`` command: the app, and its headless subcommands over the same core.

Contract (DESIGN §3): ``leadloader [FILE]`` opens the app; ``upload``, ``preview``, ``undo``,
``campaigns``, ``dnc``, ``runs``, ``accounts`` and ``sandbox`` run headless. ``upload``
prints progress on stderr and one JSON line on stdout, and exits 0 (all rows uploaded,
duplicate or skipped), 1 (some invalid or failed), 2 (bad usage or unreadable file), 3 (the
provider refused the key, plan or account, or its do-not-contact list could not be read),
4 (the run is being sent elsewhere) or 130 (cancelled; the journal keeps what was done, so
the same command resumes).

One module per command (``upload``, ``preview``, ``undo``, ``campaigns``, ``dnc``, ``runs``,
``accounts``, ``sandbox``, ``completion``, ``app``); ``mapping_args`` and ``safety_args`` are
``upload``'s option groups; ``common`` holds the exit codes, the command table and the
pieces they share; ``entry`` routes the first argument.
"""

from __future__ import annotations

from gui.cli.common import SUBCOMMANDS
from gui.cli.entry import main

__all__ = ["SUBCOMMANDS", "main"]
