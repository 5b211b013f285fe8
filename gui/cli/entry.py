"""Where ``leadloader`` starts: route the first argument to a command, the self-test or the app."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from gui import __version__
from gui.cli.common import EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a subcommand, the self-test, or the desktop app."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # `leadloader campaigns ... | head` closed the pipe: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _dispatch(args: list[str]) -> int:
    if args and args[0] == "sandbox":
        from gui.sandbox.server import main as sandbox_main

        return sandbox_main(args[1:])
    if args and args[0] == "accounts":
        from gui.core.credentials import accounts_main

        return accounts_main(args[1:])
    if args and args[0] == "upload":
        from gui.cli import upload

        return upload.main(args[1:])
    if args and args[0] == "campaigns":
        from gui.cli import campaigns

        return campaigns.main(args[1:])
    if args[:1] == ["--version"]:
        print(f"leadloader {__version__}")
        return EXIT_OK
    if args[:1] in (["-h"], ["--help"]):
        print(_top_help())
        return EXIT_OK
    if "--self-test" in args:
        from gui.selftest import run_self_test

        return run_self_test()
    from gui.qt.app import main as app_main

    return app_main(args)


def _top_help() -> str:
    return (
        "usage: leadloader [FILE]                       open the app (optionally on FILE)\n"
        "       leadloader upload FILE --provider P ...  upload headless (see leadloader upload -h)\n"
        "       leadloader campaigns --provider P        list campaigns: id<TAB>name<TAB>status\n"
        "       leadloader accounts list|add|remove|test manage API keys in the OS keyring\n"
        "       leadloader sandbox [--port N]            serve the local emulator of all four providers\n"
        "       leadloader --self-test                   check this installation and exit"
    )
