"""``leadloader undo RUN_ID``: remove exactly the leads one upload run created.

The core (:mod:`gui.core.undo`) knows which leads a run created and removes them resumably;
this module adds what a terminal needs: a y/N question (refused when nobody can answer it),
one JSON line on stdout and an exit code a script can branch on. A provider whose API has no
delete (SendPilot, Aktify) gets the run's created leads written to a CSV file instead, so the
user can remove them in the provider's own app.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gui.cli.common import (
    EXIT_OK,
    EXIT_ROWS,
    EXIT_USAGE,
    UsageError,
    add_account_argument,
    command_parser,
    resolve_key,
    run_with_store,
    stopped_early,
)
from gui.cli.progress import StderrProgress, install_sigint

if TYPE_CHECKING:
    from gui.core.journal import Journal, RunRecord

EXAMPLES = (
    "leadloader runs | head -3",
    "leadloader undo 42",
    "leadloader undo 42 --yes --account work",
)

#: The label ``resolve_key`` gives a key taken from the environment; never a keyring label.
_ENV_LABEL = "LEADLOADER_API_KEY"


def parser() -> argparse.ArgumentParser:
    """The ``undo`` arguments."""
    out = command_parser(
        "undo",
        "Remove the leads one upload run created (see leadloader runs), and nothing else:\n"
        "duplicates and leads that were there before are never touched. Prints one JSON line:\n"
        '{"run":…,"total":N,"removed":N,"already_gone":N,"failed":N,"seconds":S}.\n'
        "Exit 0 all gone, 1 some failed (run it again), 2 refused or bad usage, 3 key refused,\n"
        "130 cancelled (run it again to resume). SendPilot and Aktify cannot delete leads\n"
        "through their API: the run's created leads are written to a CSV file instead (exit 2).",
        EXAMPLES,
    )
    out.add_argument(
        "run_id", metavar="RUN_ID", type=int, help="the run's id, first column of leadloader runs"
    )
    out.add_argument(
        "--yes", "-y", action="store_true", help="do not ask; needed when stdin is not a terminal"
    )
    add_account_argument(out)
    out.add_argument(
        "--export",
        type=Path,
        metavar="PATH.csv",
        help="SendPilot/Aktify: where to write the created leads (default run-RUN_ID-created.csv here)",
    )
    return out


def main(argv: Sequence[str]) -> int:
    """Take one run back; every refusal is one line on stderr and exit code 2."""
    options = parser().parse_args(list(argv))
    from gui.core.journal import Journal, JournalError

    return run_with_store(
        "undo",
        Journal,
        JournalError,
        lambda journal: _undo(journal, options),
        hint=" Run it again: what was removed is recorded.",
    )


def _undo(journal: Journal, options: argparse.Namespace) -> int:
    from gui.core.cancel import CancelToken
    from gui.core.providers import get_spec, make_client
    from gui.core.undo import UndoRefused, remove_run, undo_target

    record = journal.run(options.run_id)
    if record is None:
        raise UsageError(f"there is no run {options.run_id} in the journal (see: leadloader runs)")
    spec = get_spec(record.provider)
    if spec.remove_batch_size <= 0:
        return _export_instead(journal, record, options.export)
    try:
        _record, created = undo_target(journal, record.id)
    except UndoRefused as exc:
        raise UsageError(str(exc)) from None
    where = record.destination_name or record.destination
    if not options.yes:
        _confirm(f"Remove the {len(created):,} leads run {record.id} created in {spec.label} {where}?")
    account = options.account or (record.account if record.account != _ENV_LABEL else None)
    key, _label = resolve_key(record.provider, account)
    cancel = CancelToken()
    restore = install_sigint(cancel.cancel)
    try:
        report = remove_run(
            record.id,
            lambda: make_client(spec.id, key),
            journal=journal,
            progress=StderrProgress(),
            cancel=cancel,
            front_end="leadloader undo",
        )
    except UndoRefused as exc:  # the run is being sent right now, by the window or another command
        raise UsageError(str(exc)) from None
    finally:
        restore()
    print(json.dumps(report.as_json(), separators=(",", ":")))
    stopped = stopped_early("undo", fatal=report.fatal, cancelled=report.cancelled)
    if stopped is not None:
        return stopped
    if report.failed or not report.ok:
        print(
            f"leadloader undo: {report.failed:,} leads could not be removed; run it again to retry them.",
            file=sys.stderr,
        )
        return EXIT_ROWS
    return EXIT_OK


def _confirm(question: str) -> None:
    """Ask y/N on the terminal; no terminal (a script, a pipe) is a refusal, never a silent yes.

    Raises:
        UsageError: Nobody can answer, or the answer was not yes.
    """
    if not sys.stdin.isatty():
        raise UsageError(f"{question} Nothing removed: stdin is not a terminal; pass --yes to confirm.")
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline().strip().lower()
    except KeyboardInterrupt:
        answer = ""
    if answer not in ("y", "yes"):
        raise UsageError("not confirmed; nothing removed.")


def _export_instead(journal: Journal, record: RunRecord, path: Path | None) -> int:
    """Write the run's created leads to a CSV file, since the provider's API cannot delete them."""
    from gui.core.providers import get_spec
    from gui.core.undo_files import created_by_run, write_created_leads

    spec = get_spec(record.provider)
    created = created_by_run(journal.run_rows(record.id))
    if not created:
        raise UsageError(
            f"run {record.id} created no leads in {record.destination_name or record.destination}"
        )
    out = path or Path(f"run-{record.id}-created.csv")
    try:
        write_created_leads(out, created)
    except OSError as exc:
        raise UsageError(f"could not write {out}: {exc.strerror or exc}") from None
    print(
        f"leadloader undo: {spec.label} has no way to delete leads through its API, so nothing was "
        f"removed. The {len(created):,} leads run {record.id} created are in {out.resolve()}: remove "
        f"them in {spec.label}'s own app.",
        file=sys.stderr,
    )
    return EXIT_USAGE
