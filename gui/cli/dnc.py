"""``leadloader dnc``: the do-not-contact list: add, import, list, remove, pull, push.

Every upload checks the list by itself; these commands fill and inspect it. ``list`` prints
``value<TAB>kind<TAB>source<TAB>added`` per line, so it pipes into ``grep`` and ``cut``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FATAL,
    EXIT_OK,
    EXIT_ROWS,
    EXIT_USAGE,
    UsageError,
    add_provider_arguments,
    add_region_argument,
    command_parser,
    provider_failure,
    resolve_key,
    run_with_store,
    say,
)

if TYPE_CHECKING:
    from gui.core.dnc import DncList

EXAMPLES = (
    "leadloader dnc add jane@acme.com competitor.com '+1 212 555 0100'",
    "leadloader dnc import unsubscribes.csv --column Email",
    "leadloader dnc list | grep acme",
    "leadloader dnc pull --provider lemlist",
    "leadloader dnc push --provider instantly",
)


def parser() -> argparse.ArgumentParser:
    """The ``dnc`` arguments."""
    out = command_parser(
        "dnc",
        "The do-not-contact list every upload is checked against: emails, domains (covering their\n"
        "sub-domains), phone numbers and LinkedIn profile URLs. A row on it is always skipped.",
        EXAMPLES,
    )
    add_region_argument(out, "how phone numbers without + are read (default US)")
    actions = out.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add values (kinds are detected)")
    add.add_argument("values", nargs="+", metavar="VALUE")
    imp = actions.add_parser("import", help="add one column of a sheet (any file the app opens)")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--column", help="the column to read (default: the one that holds entries)")
    imp.add_argument("--sheet", help="the worksheet of a workbook")
    lst = actions.add_parser("list", help="print value<TAB>kind<TAB>source<TAB>added, newest first")
    lst.add_argument("--search", default="", help="only values or sources containing this")
    rem = actions.add_parser("remove", help="remove values")
    rem.add_argument("values", nargs="+", metavar="VALUE")
    for name, text in (
        ("pull", "copy the provider's own list here"),
        ("push", "send this list to the provider"),
    ):
        add_provider_arguments(actions.add_parser(name, help=text))
    return out


def main(argv: Sequence[str]) -> int:
    """Run one ``dnc`` action."""
    options = parser().parse_args(list(argv))
    from gui.core.dnc import DncError, DncList

    return run_with_store("dnc", DncList, DncError, lambda dnc: _run(dnc, options))


def _run(dnc: DncList, options: argparse.Namespace) -> int:
    if options.action == "add":
        report = dnc.add(options.values, source="typed", region=options.region)
        return _added(report.added, report.already, report.bad)
    if options.action == "import":
        return _import(dnc, options)
    if options.action == "list":
        for entry in dnc.entries(options.search, limit=-1):
            print(f"{entry.value}\t{entry.kind}\t{entry.source}\t{entry.added}")
        return EXIT_OK
    if options.action == "remove":
        gone = dnc.remove(options.values, region=options.region)
        print(f"Removed {gone} of {len(options.values)}.", file=sys.stderr)
        return EXIT_OK if gone == len(options.values) else EXIT_ROWS
    return _sync(dnc, options)


def _added(added: int, already: int, bad: Sequence[tuple[str, str]]) -> int:
    print(f"Added {added}; {already} already on the list; {len(bad)} not usable.", file=sys.stderr)
    for value, why in bad[:20]:
        print(f"  not added: {value!r}: {why}", file=sys.stderr)
    if len(bad) > 20:
        print(f"  ... and {len(bad) - 20} more", file=sys.stderr)
    return EXIT_ROWS if bad else EXIT_OK


def _import(dnc: DncList, options: argparse.Namespace) -> int:
    from gui.core.dnc_import import DncImportError, import_sheet
    from gui.core.errors import SheetError

    if not options.file.exists():
        raise UsageError(f"no such file: {options.file}")
    try:
        column, report = import_sheet(
            dnc, options.file, column=options.column, region=options.region, sheet=options.sheet
        )
    except (SheetError, DncImportError) as exc:
        raise UsageError(f"{exc} Nothing was added.") from None
    print(f"Read column ‘{column}’ of {options.file.name}.", file=sys.stderr)
    return _added(report.added, report.already, report.bad)


def _sync(dnc: DncList, options: argparse.Namespace) -> int:
    from gui.core.dnc_sync import has_list, pull, push
    from gui.core.errors import Cancelled, ProviderError
    from gui.core.providers import get_spec, make_client

    spec = get_spec(options.provider)
    if not has_list(spec):
        say(
            "dnc",
            f"{spec.label} publishes no do-not-contact list; LeadLoader's own list "
            "is the only guard for it (every upload is checked against it).",
        )
        return EXIT_USAGE
    key, _ = resolve_key(spec.id, options.account)
    try:
        if options.action == "pull":
            report = pull(dnc, spec, lambda: make_client(spec.id, key))
            entries = report.entries if report is not None else 0
            print(f"Pulled {spec.label}'s list: {entries:,} entries.", file=sys.stderr)
            return EXIT_OK
        pushed = push(dnc, spec, lambda: make_client(spec.id, key))
    except Cancelled:
        say("dnc", "cancelled; the list is as it was before.")
        return EXIT_CANCELLED
    except ProviderError as exc:
        return provider_failure("dnc", exc)
    print(f"Pushed {pushed.pushed:,} entries to {spec.label}; {pushed.left:,} left.", file=sys.stderr)
    if pushed.error:
        say("dnc", pushed.error)
        return EXIT_FATAL if "key" in pushed.error.lower() else EXIT_ROWS
    return EXIT_OK
