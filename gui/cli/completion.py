"""``leadloader completion SHELL``: a completion script generated from the parsers (shtab).

The script is built from the same parsers the commands run with, so a new option completes
without anyone editing a completion file.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from pathlib import Path

import shtab

from gui.cli.common import COMMANDS, EXIT_OK, command_parser

EXAMPLES = (
    'eval "$(leadloader completion bash)"',
    "leadloader completion zsh > ~/.zfunc/_leadloader",
    "leadloader completion fish > ~/.config/fish/completions/leadloader.fish",
)


def parser() -> argparse.ArgumentParser:
    """The ``completion`` arguments."""
    out = command_parser(
        "completion", "Print a shell completion script for leadloader and its commands.", EXAMPLES
    )
    out.add_argument("shell", choices=shtab.SUPPORTED_SHELLS)
    return out


def full_parser() -> argparse.ArgumentParser:
    """``leadloader`` with every command as a subparser: what the completion script describes."""
    top = argparse.ArgumentParser(prog="leadloader", description="Open the app, or run a command headless.")
    top.add_argument("--version", action="store_true", help="print the version")
    top.add_argument("--self-test", action="store_true", help="check this installation and exit")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")
    for name, summary in COMMANDS.items():
        module = importlib.import_module(f"gui.cli.{name}")
        own: argparse.ArgumentParser = module.parser()
        sub = commands.add_parser(name, parents=[own], add_help=False, help=summary, description=summary)
        _complete_paths(sub)
    return top


def _complete_paths(parser: argparse.ArgumentParser) -> None:
    """Arguments typed as paths (the sheet, --report) complete file names."""
    for action in parser._actions:
        if action.type is Path:
            action.complete = shtab.FILE  # type: ignore[attr-defined]


def main(argv: Sequence[str]) -> int:
    """Print the script for the shell asked for."""
    options = parser().parse_args(list(argv))
    print(shtab.complete(full_parser(), shell=options.shell))
    return EXIT_OK
