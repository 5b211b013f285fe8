"""``leadloader sandbox``: the provider emulator's own command, with examples in the help."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from gui.cli.common import command_parser, help_if_asked

EXAMPLES = (
    "leadloader sandbox --port 8765 --latency-ms 150 --fault-rate 0.05",
    "LEADLOADER_API_KEY=sandbox-1 LEADLOADER_LEMLIST_URL=http://127.0.0.1:8765/api "
    "leadloader campaigns --provider lemlist",
)


def parser() -> argparse.ArgumentParser:
    """The emulator's parser, wrapped so its help ends with examples."""
    from gui.sandbox.server import _parser as sandbox_parser

    core = sandbox_parser()
    return command_parser("sandbox", core.description or "", EXAMPLES, parents=[core])


def main(argv: Sequence[str]) -> int:
    """Help from the wrapped parser; the run itself is the emulator's ``main``."""
    answered = help_if_asked(parser, argv)
    if answered is not None:
        return answered
    from gui.sandbox.server import main as sandbox_main

    return sandbox_main(list(argv))
