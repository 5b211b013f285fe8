"""``leadloader runs``: the journal's runs, newest first; ``runs prune``: drop old finished ones."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.cli.common import EXIT_OK, EXIT_USAGE, command_parser, run_with_store, say

if TYPE_CHECKING:
    from gui.core.journal import Journal

EXAMPLES = (
    "leadloader runs",
    "leadloader runs | grep lemlist | head -5",
    "leadloader runs prune --older-than 90",
)


def parser() -> argparse.ArgumentParser:
    """The ``runs`` arguments."""
    out = command_parser(
        "runs",
        "List the runs in the journal, newest first, one line each:\n"
        "RUN_ID<TAB>started (ISO)<TAB>provider<TAB>destination id<TAB>created N\n"
        "(N: the leads that run created, which `leadloader undo RUN_ID` would remove).",
        EXAMPLES,
    )
    out.add_argument("--limit", type=int, default=200, help="at most this many runs (default 200)")
    actions = out.add_subparsers(dest="action", metavar="prune")
    prune = actions.add_parser(
        "prune",
        help="drop finished runs older than --older-than days; runs that can be resumed always stay",
        description="Drop finished runs older than the limit and compact the journal. "
        "A run that can still be resumed is never dropped: its rows stop a resume sending a lead twice.",
    )
    prune.add_argument(
        "--older-than", type=float, default=None, metavar="DAYS", help="default: the setting (180)"
    )
    return out


def main(argv: Sequence[str]) -> int:
    """List or prune the journal's runs."""
    options = parser().parse_args(list(argv))
    from gui.core.journal import Journal, JournalError

    return run_with_store("runs", Journal, JournalError, lambda j: _runs(j, options), failed_exit=EXIT_USAGE)


def _runs(journal: Journal, options: argparse.Namespace) -> int:
    if options.action == "prune":
        return _prune(journal, options.older_than)
    for run in journal.history(limit=max(1, options.limit)):
        created = len(journal.created(run.id))
        print(f"{run.id}\t{run.started_at}\t{run.provider}\t{run.destination}\tcreated {created}")
    return EXIT_OK


def _prune(journal: Journal, older_than: float | None) -> int:
    from gui.core.settings import load_settings

    days = older_than if older_than is not None else float(load_settings().keep_runs_days)
    if days < 0:
        say("runs prune", "--older-than must be 0 or more days")
        return EXIT_USAGE
    gone = journal.prune(days)
    print(f"Pruned {gone} finished run{'s' if gone != 1 else ''} older than {days:g} days.", file=sys.stderr)
    return EXIT_OK
