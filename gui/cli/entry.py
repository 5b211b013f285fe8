"""Where ``leadloader`` starts: the first argument is a command, a file for the app, or an error.

A typo such as ``leadloader uplaod`` must not start the app on a file that does not exist (in a
terminal without a display that waited, invisibly, until killed): it exits 2 naming the nearest
command. This module imports neither pandas nor Qt, so such an answer comes at once.
"""

from __future__ import annotations

import difflib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from gui import __version__
from gui.cli.common import COMMANDS, EXIT_OK, EXIT_USAGE

# macOS hands an app started from the Finder a process serial number (-psn_0_12345): not the user's.
_SYSTEM_ARGUMENT_PREFIX = "-psn_"


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a subcommand, the self-test, or the desktop app."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # `leadloader campaigns ... | head` closed the pipe: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _dispatch(args: list[str]) -> int:
    if args and args[0] in COMMANDS:
        module = importlib.import_module(f"gui.cli.{args[0]}")
        try:
            return int(module.main(args[1:]))
        except SystemExit as exc:  # argparse's --help (0) and usage errors (2): main(argv) returns them
            return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    if args[:1] == ["--version"]:
        print(f"leadloader {__version__}")
        return EXIT_OK
    if args[:1] in (["-h"], ["--help"]):
        print(top_help())
        return EXIT_OK
    if "--self-test" in args:
        from gui.selftest import run_self_test

        return run_self_test()
    problem = app_arguments_problem(args)
    if problem is not None:
        print(f"leadloader: {problem}\n\n{top_help()}", file=sys.stderr)
        return EXIT_USAGE
    from gui.cli import app

    return app.main(args)


def app_arguments_problem(args: Sequence[str]) -> str | None:
    """What is wrong with ``args`` as the app's arguments (at most one existing file), or None."""
    options = [a for a in args if a.startswith("-") and not a.startswith(_SYSTEM_ARGUMENT_PREFIX)]
    files = [a for a in args if not a.startswith("-")]
    # The first word is where a command goes: in `leadloader uplaod f.csv --provider x` the typo is the news.
    if files and args[0] == files[0] and not Path(files[0]).exists():
        word = files[0]
        close = difflib.get_close_matches(word, COMMANDS, n=1, cutoff=0.6)
        if close:
            return f"unknown command ‘{word}’ (did you mean ‘{close[0]}’?)"
        if os.sep in word or "/" in word or Path(word).suffix:
            return f"no such file: {word}"
        return f"unknown command ‘{word}’"
    if options:
        return f"‘{options[0]}’ needs a command before it, e.g. leadloader upload FILE {options[0]} ..."
    if len(files) > 1:
        return f"the app opens one file at a time; got {len(files)}: {' '.join(files)}"
    return None


def top_help() -> str:
    """``leadloader --help``: the two forms, every command on one line, and an example."""
    width = max(len(name) for name in COMMANDS)
    commands = "\n".join(f"  {name:<{width}}  {summary}" for name, summary in COMMANDS.items())
    return (
        "usage: leadloader [FILE]                  open the app (on FILE when given)\n"
        "       leadloader COMMAND [OPTIONS]       run a command headless (leadloader COMMAND --help)\n"
        "\n"
        f"commands:\n{commands}\n"
        "\n"
        "options:\n"
        "  -h, --help   show this help\n"
        "  --version    print the version\n"
        "  --self-test  check this installation and exit\n"
        "\n"
        "example:\n"
        "  leadloader upload leads.csv --provider lemlist --campaign cam_123 --dry-run"
    )
