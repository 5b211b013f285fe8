"""``leadloader upload FILE --provider P``: check, map and send a sheet headless (DESIGN §3).

Progress goes to stderr, one JSON summary line to stdout; the exit code says how the rows ended.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from gui.cli import mapping_args, route_args, safety_args
from gui.cli.common import (
    EXIT_CANCELLED,
    EXIT_FATAL,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_ROWS,
    UsageError,
    add_account_argument,
    add_region_argument,
    command_parser,
    provider_choices,
    resolve_key,
    run_command,
    say,
    stopped_early,
)
from gui.cli.progress import StderrProgress, install_sigint

if TYPE_CHECKING:
    from gui.core.routing_checks import RoutedSafety
    from gui.core.safety import Safety


def main(argv: Sequence[str]) -> int:
    """Run one upload; a usage problem is one line on stderr and exit code 2."""
    options = parser().parse_args(list(argv))
    return run_command("upload", lambda: _upload(options))


EXAMPLES = (
    "leadloader upload leads.csv --provider lemlist --campaign cam_123 --dry-run",
    'leadloader upload leads.xlsx --provider lemlist --campaign cam_123 --map "Industry=custom:industry" '
    "--unmap Notes",
    "leadloader upload leads.csv --provider instantly --list 8f2c --preset weekly --report out.xlsx",
    "leadloader upload leads.csv --provider lemlist --campaign cam_123 --allow-empty-tags --no-provider-list",
    route_args.EXAMPLE,
)


def parser() -> argparse.ArgumentParser:
    """The ``upload`` arguments."""
    parser = command_parser(
        "upload",
        "Check, map and upload a sheet of leads to a campaign.\n"
        "Progress goes to stderr, one JSON line with the counts to stdout. Columns are mapped as\n"
        "suggested (or as --preset says); --map and --unmap change single columns.\n"
        "Before sending (lemlist, Instantly) the campaign's emails are read: a row whose email\n"
        "would go out with an empty merge tag is invalid (unless --allow-empty-tags). A row on the\n"
        "do-not-contact list is skipped, always; the provider's own list is pulled first when the\n"
        "last pull is older than 10 minutes, and if that fails nothing is sent (exit 3) unless\n"
        "--no-provider-list.",
        EXAMPLES,
    )
    parser.add_argument("file", type=Path, help="the sheet: .xlsx .xlsm .xls .ods .csv .tsv .txt")
    parser.add_argument("--provider", required=True, choices=provider_choices())
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--campaign", help="campaign id (see leadloader campaigns)")
    where.add_argument("--list", dest="lead_list", help="Instantly lead list id")
    route_args.add_arguments(parser)
    parser.add_argument("--sheet", help="worksheet name (default: the first sheet with data)")
    mapping_args.add_arguments(parser)
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="provider option, e.g. --option deduplicate=true",
    )
    add_account_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="check and map everything, print the mapping, send nothing"
    )
    parser.add_argument("--report", type=Path, help="write every row with status and reason (.csv or .xlsx)")
    parser.add_argument("--no-resume", action="store_true", help="start over, do not resume")
    parser.add_argument(
        "--update-existing",
        action="store_true",
        help="change leads already there (duplicates, or created by an earlier run) whose values "
        "differ: only the changed fields are sent (lemlist, Instantly)",
    )
    parser.add_argument(
        "--stop-on-invalid",
        action="store_true",
        help="send nothing when any row has a problem (default: skip those rows)",
    )
    add_region_argument(parser)
    safety_args.add_arguments(parser)
    return parser


def _parse_options(items: Sequence[str], provider: str) -> dict[str, bool | str]:
    from gui.core.providers import get_spec

    spec = get_spec(provider)
    values = spec.default_options()
    known = {o.name: o for o in spec.options}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep or name not in known:
            names = ", ".join(known) or "none"
            raise UsageError(f"unknown option {item!r} for {spec.label} (options: {names})")
        if known[name].kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise UsageError(f"option {name} takes true or false, not {raw!r}")
            values[name] = raw.lower() in ("true", "1", "yes")
        else:
            values[name] = raw
    return values


def _key(options: argparse.Namespace) -> tuple[str, str]:
    """The key and account label; a dry run uses one only when given (env or ``--account``).

    A dry run sends nothing, so it never requires a key; with one it also reads the campaign's
    emails and pulls the provider's do-not-contact list, as the real upload will.
    """
    if options.dry_run and not (os.environ.get("LEADLOADER_API_KEY", "").strip() or options.account):
        return "", options.account or ""
    return resolve_key(options.provider, options.account)


def _upload(options: argparse.Namespace) -> int:
    from gui.core import presets
    from gui.core.cancel import CancelToken
    from gui.core.errors import AuthError, Cancelled, LeadLoaderError, MappingError, SheetError
    from gui.core.fixes import apply_steps
    from gui.core.identity import file_fingerprint
    from gui.core.journal import Journal
    from gui.core.logs import setup_logging
    from gui.core.mapping.payload import build_leads
    from gui.core.providers import get_spec, make_client
    from gui.core.providers.client import update_refusal
    from gui.core.report import export_results
    from gui.core.run_lock import RunLocked
    from gui.core.safety import merge_reasons
    from gui.core.settings import load_settings
    from gui.core.sheets.load import load_sheet
    from gui.core.update import ROUTED_REFUSAL
    from gui.core.upload import run_upload
    from gui.core.upload_job import UploadJob
    from gui.core.validation.checker import validate

    started = time.monotonic()
    setup_logging()
    spec = get_spec(options.provider)
    path: Path = options.file
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    routes = route_args.table(options)
    if routes is None and options.provider == "instantly" and not (options.campaign or options.lead_list):
        raise UsageError("Instantly needs --campaign ID or --list ID")
    if routes is None and spec.has_campaign_list and options.provider != "instantly" and not options.campaign:
        raise UsageError(f"{spec.label} needs --campaign ID (see: leadloader campaigns --provider {spec.id})")
    if options.lead_list and options.provider != "instantly":
        raise UsageError("--list is for Instantly lead lists")
    if options.update_existing and update_refusal(spec):
        raise UsageError(update_refusal(spec))
    if options.update_existing and routes is not None:
        raise UsageError(f"--update-existing with --route-by: {ROUTED_REFUSAL}")
    destination = f"list:{options.lead_list}" if options.lead_list else (options.campaign or "default")
    if routes is not None:
        destination = routes.run_destination
    provider_options = _parse_options(options.option, options.provider)

    try:
        sheet = load_sheet(path, sheet=options.sheet)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    frame = sheet.frame

    split = route_args.split(frame, routes) if routes is not None else None
    targets = routes.destinations() if routes is not None else [destination]
    kind = "list" if all(d.startswith("list:") for d in targets) else "campaign"
    try:
        base = None
        if options.preset:
            # As the window applies a preset: headers matched to this file's spelling, its fixes replayed.
            preset = presets.load_preset(options.preset)
            base = preset.mapping_for(list(frame.columns))
            apply_steps(frame, preset.fixes)
            provider_options = {**provider_options, **dict(preset.options)}
        column_mapping = mapping_args.resolve(frame, spec, options, base=base, destination_kind=kind)
        if options.dry_run:
            print(mapping_args.describe(column_mapping, frame.columns), file=sys.stderr)
        checked = validate(frame, column_mapping, spec, destination_kind=kind, default_region=options.region)
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    invalid = {int(row): "; ".join(checked.row_messages(int(row))) for row in checked.error_rows.nonzero()[0]}
    key, account = _key(options)
    destination_name = destination
    if routes is not None and split is not None:
        try:
            destination_name = route_args.checked_name(routes, split, spec, key)
        except route_args.RoutesUnchecked as exc:
            say("upload", str(exc))
            return EXIT_FATAL
    cancel = CancelToken()
    restore = install_sigint(cancel.cancel)
    try:
        if split is not None:
            safety: Safety | RoutedSafety = safety_args.run_routed_checks(
                frame, column_mapping, spec, split, key=key, options=options, cancel=cancel
            )
        else:
            safety = safety_args.run_checks(
                frame, column_mapping, spec, destination, key=key, options=options, cancel=cancel
            )
    except safety_args.ListUnavailable as exc:
        say("upload", str(exc))
        return EXIT_FATAL
    except AuthError as exc:
        # Not "the list could not be read": going on without it would meet the same refusal.
        say("upload", f"the key was refused, so nothing was sent: {exc}")
        return EXIT_FATAL
    except Cancelled:
        say("upload", "cancelled before anything was sent.")
        return EXIT_CANCELLED
    finally:
        restore()
    invalid = merge_reasons(invalid, safety.invalid)
    skipped = merge_reasons(safety.skipped, split.skipped if split is not None else {})
    valid_rows = [row for row in range(len(frame)) if row not in invalid and row not in skipped]
    if options.stop_on_invalid and invalid:
        first = min(invalid)
        number = sheet.file_row(first) if len(sheet.source_rows) == len(frame) else first + 2
        print(
            f"leadloader upload: {len(invalid)} rows have problems (first: row {number}: "
            f"{invalid[first]}); nothing sent (--stop-on-invalid)",
            file=sys.stderr,
        )
        valid_rows = []
    leads = build_leads(frame, column_mapping, spec, rows=valid_rows)

    job = UploadJob(
        provider=spec.id,
        destination=destination,
        destination_name=destination_name,
        account=account,
        leads=tuple(leads),
        invalid=invalid,
        skipped=skipped,
        total_rows=len(frame),
        options=provider_options,
        mapping=column_mapping.summary(),
        fingerprint=file_fingerprint(path),
        file_name=path.name,
        dry_run=options.dry_run or (options.stop_on_invalid and bool(invalid)),
        resume=not options.no_resume,
        update_existing=options.update_existing,
        routes=dict(split.destinations) if split is not None else {},
    )
    restore = install_sigint(cancel.cancel)
    journal = Journal()
    try:
        journal.prune(load_settings().keep_runs_days)
        report = run_upload(
            job,
            lambda: make_client(spec.id, key),
            journal=journal,
            progress=StderrProgress(),
            cancel=cancel,
            front_end="leadloader upload",
        )
    except RunLocked as exc:
        say("upload", str(exc))
        return EXIT_LOCKED
    except Cancelled:
        say("upload", "cancelled; run the same command again to resume.")
        return EXIT_CANCELLED
    except LeadLoaderError as exc:
        say("upload", str(exc))
        return EXIT_ROWS
    finally:
        restore()
        journal.close()

    summary = replace(
        report.summary,
        seconds=time.monotonic() - started,
        mapping=column_mapping.summary() if options.dry_run else None,
    )
    if options.report:
        try:
            routed = report.row_destinations if split is not None else None
            export_results(frame, report.outcomes, options.report, destinations=routed)
        except LeadLoaderError as exc:
            say("upload", str(exc))
    line = json.loads(summary.to_json())
    if report.run_id:
        line["run"] = str(report.run_id)
    if split is not None:
        line["destinations"] = {d: dict(c) for d, c in report.destinations.items()}
        for words in route_args.summary_lines(report.destinations):
            say("upload", words)
    print(json.dumps(line, ensure_ascii=False, separators=(",", ":")))
    if report.read_back:
        say("upload", report.read_back)
    stopped = stopped_early("upload", fatal=report.fatal, cancelled=cancel.cancelled)
    if stopped is not None:
        return stopped
    return EXIT_OK if summary.ok else EXIT_ROWS
