"""``leadloader accounts list|add|remove|test``: the core's keyring commands, with examples in the help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from gui.cli.common import command_parser, help_if_asked

EXAMPLES = {
    "list": "leadloader accounts list --provider lemlist",
    "add": 'printf %s "$LEMLIST_KEY" | leadloader accounts add --provider lemlist --label work --test',
    "remove": "leadloader accounts remove --provider lemlist --label work",
    "test": "leadloader accounts test --provider lemlist --label work",
}


def parser() -> argparse.ArgumentParser:
    """The core's ``accounts`` parser, wrapped so its help and each action's end with an example."""
    from gui.core.credentials import _parser as accounts_parser

    core = accounts_parser()
    for action in core._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                sub.formatter_class = argparse.RawDescriptionHelpFormatter
                sub.epilog = f"example:\n  {EXAMPLES[name]}"
    return command_parser("accounts", core.description or "", list(EXAMPLES.values()), parents=[core])


def main(argv: Sequence[str]) -> int:
    """Help goes through the wrapped parser; everything else runs the core's ``accounts_main``."""
    answered = help_if_asked(parser, argv)
    if answered is not None:
        return answered
    from gui.core.credentials import accounts_main

    return accounts_main(list(argv))
