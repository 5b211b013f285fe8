"""The ``leadloader`` command: the app, and its headless subcommands over the same core.

Contract (DESIGN §3): ``leadloader [FILE]`` opens the app; ``upload``, ``campaigns``,
``accounts`` and ``sandbox`` run headless. ``upload`` prints progress on stderr and one JSON
line on stdout, and exits 0 (all rows uploaded, duplicate or skipped), 1 (some invalid or
failed), 2 (bad usage or unreadable file), 3 (the provider refused the key, plan or account)
or 130 (cancelled; the journal keeps what was done, so the same command resumes).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TextIO

from gui import __version__

SUBCOMMANDS = ("upload", "campaigns", "accounts", "sandbox")

EXIT_OK, EXIT_ROWS, EXIT_USAGE, EXIT_FATAL, EXIT_CANCELLED = 0, 1, 2, 3, 130


class UsageError(Exception):
    """Bad arguments or an unreadable input: exit code 2 with one line."""


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to a subcommand, the self-test, or the desktop app."""
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # `leadloader campaigns ... | head` closed the pipe: not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _dispatch(args: list[str]) -> int:
    if args and args[0] in SUBCOMMANDS:
        command, rest = args[0], args[1:]
        if command == "sandbox":
            from gui.sandbox.server import main as sandbox_main

            return sandbox_main(rest)
        if command == "accounts":
            from gui.core.credentials import accounts_main

            return accounts_main(rest)
        return _run_headless(command, rest)
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


def _run_headless(command: str, rest: list[str]) -> int:
    parser = _upload_parser() if command == "upload" else _campaigns_parser()
    options = parser.parse_args(rest)
    try:
        if command == "upload":
            return _upload(options)
        return _campaigns(options)
    except UsageError as exc:
        print(f"leadloader {command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


# ---- Shared pieces


def _provider_choices() -> list[str]:
    from gui.core.providers import PROVIDER_IDS

    return list(PROVIDER_IDS)


def _resolve_key(provider: str, account: str | None) -> tuple[str, str]:
    """The key and the account label: ``LEADLOADER_API_KEY`` wins, then ``--account`` from the keyring."""
    from gui.core.credentials import Account, CredentialStore
    from gui.core.errors import CredentialError
    from gui.core.logs import register_secret

    env_key = os.environ.get("LEADLOADER_API_KEY", "").strip()
    if env_key:
        register_secret(env_key)
        return env_key, account or "LEADLOADER_API_KEY"
    store = CredentialStore()
    try:
        accounts = store.list(provider)
        if account is None:
            if len(accounts) != 1:
                known = ", ".join(a.label for a in accounts) or "none"
                raise UsageError(
                    f"set LEADLOADER_API_KEY or pick --account (saved {provider} accounts: {known})"
                )
            account = accounts[0].label
        key = store.get_key(Account(provider, account))
    except CredentialError as exc:
        raise UsageError(str(exc)) from None
    register_secret(key)
    return key, account


# ---- campaigns


def _campaigns_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leadloader campaigns", description="List a provider's campaigns.")
    parser.add_argument("--provider", required=True, choices=_provider_choices())
    parser.add_argument("--account", help="saved account label (LEADLOADER_API_KEY wins when set)")
    return parser


def _campaigns(options: argparse.Namespace) -> int:
    from gui.core.errors import FatalProviderError, ProviderError
    from gui.core.providers import make_client

    key, _ = _resolve_key(options.provider, options.account)

    async def listing() -> list[tuple[str, str, str]]:
        client = make_client(options.provider, key)
        try:
            return [
                (c.id if c.kind == "campaign" else f"list:{c.id}", c.name, c.status)
                for c in await client.list_campaigns()
            ]
        finally:
            await client.aclose()

    try:
        rows = asyncio.run(listing())
    except FatalProviderError as exc:
        print(f"leadloader campaigns: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except ProviderError as exc:
        print(f"leadloader campaigns: {exc}", file=sys.stderr)
        return EXIT_ROWS
    for row in rows:
        print("\t".join(row))
    return EXIT_OK


# ---- upload


def _upload_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadloader upload",
        description="Upload a sheet of leads to a campaign. Prints one JSON line with the counts.",
    )
    parser.add_argument("file", type=Path)
    parser.add_argument("--provider", required=True, choices=_provider_choices())
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--campaign", help="campaign id (see leadloader campaigns)")
    where.add_argument("--list", dest="lead_list", help="Instantly lead list id")
    parser.add_argument("--sheet", help="worksheet name (default: the first sheet with data)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help='map a column, e.g. --map "E-mail=email" or --map "Notes=custom:notes"',
    )
    parser.add_argument("--preset", help="saved preset name or a preset .json file")
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="provider option, e.g. --option deduplicate=true",
    )
    parser.add_argument("--account", help="saved account label (LEADLOADER_API_KEY wins when set)")
    parser.add_argument("--dry-run", action="store_true", help="check and map everything, send nothing")
    parser.add_argument("--report", type=Path, help="write every row with status and reason (.csv or .xlsx)")
    parser.add_argument("--no-resume", action="store_true", help="start over, do not resume")
    parser.add_argument("--no-custom", action="store_true", help="leave unmapped columns out")
    parser.add_argument(
        "--stop-on-invalid",
        action="store_true",
        help="send nothing when any row has a problem (default: skip those rows)",
    )
    parser.add_argument("--region", default="US", help="phone region for numbers without +")
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


class _StderrProgress:
    """Progress on stderr: one rewritten line on a terminal, a line every few seconds otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last = 0.0

    def __call__(self, event: object) -> None:
        from gui.core.domain import Progress

        if not isinstance(event, Progress):
            return
        now = time.monotonic()
        final = event.total and event.done >= event.total
        if not final and now - self._last < (0.2 if self._tty else 3.0):
            return
        self._last = now
        eta = f", {event.eta_seconds:.0f} s left" if event.eta_seconds else ""
        line = f"{event.done}/{event.total} {event.message}".strip() + (
            f" ({event.rate:.1f}/s{eta})" if event.rate else ""
        )
        if self._tty:
            self._stream.write("\r" + line[:120].ljust(120))
            if final:
                self._stream.write("\n")
        else:
            self._stream.write(line + "\n")
        self._stream.flush()


def _install_sigint(on_interrupt: Callable[[], None]) -> Callable[[], None]:
    """First Ctrl-C cancels cleanly; a second one stops at once. Returns the undo."""
    previous = signal.getsignal(signal.SIGINT)

    def handler(_signum: int, _frame: FrameType | None) -> None:
        print("\nleadloader: cancelling (Ctrl-C again to stop at once)...", file=sys.stderr)
        on_interrupt()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    signal.signal(signal.SIGINT, handler)
    return lambda: signal.signal(signal.SIGINT, previous)


def _upload(options: argparse.Namespace) -> int:
    from gui.core import presets
    from gui.core.cancel import CancelToken
    from gui.core.errors import Cancelled, LeadLoaderError, MappingError, SheetError
    from gui.core.fixes import apply_steps
    from gui.core.journal import Journal, file_fingerprint
    from gui.core.logs import setup_logging
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.mapping.map_args import parse_map_args
    from gui.core.mapping.payload import build_leads
    from gui.core.mapping.suggest import suggest_mapping
    from gui.core.providers import get_spec, make_client
    from gui.core.report import export_results
    from gui.core.sheets.load import load_sheet
    from gui.core.upload import run_upload
    from gui.core.upload_job import UploadJob
    from gui.core.validation.checker import validate

    started = time.monotonic()
    setup_logging()
    spec = get_spec(options.provider)
    path: Path = options.file
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if options.provider == "instantly" and not (options.campaign or options.lead_list):
        raise UsageError("Instantly needs --campaign ID or --list ID")
    if spec.has_campaign_list and options.provider != "instantly" and not options.campaign:
        raise UsageError(f"{spec.label} needs --campaign ID (see: leadloader campaigns --provider {spec.id})")
    if options.lead_list and options.provider != "instantly":
        raise UsageError("--list is for Instantly lead lists")
    destination = f"list:{options.lead_list}" if options.lead_list else (options.campaign or "default")
    provider_options = _parse_options(options.option, options.provider)

    try:
        sheet = load_sheet(path, sheet=options.sheet)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    frame = sheet.frame

    try:
        if options.preset:
            # As the window applies a preset: headers matched to this file's spelling, its fixes replayed.
            preset = presets.load_preset(options.preset)
            column_mapping = preset.mapping_for(list(frame.columns))
            apply_steps(frame, preset.fixes)
            provider_options = {**provider_options, **dict(preset.options)}
        elif options.map:
            column_mapping = parse_map_args(options.map, list(frame.columns), spec)
        else:
            column_mapping = suggest_mapping(frame, spec, custom=not options.no_custom).mapping
        if options.no_custom:
            column_mapping = ColumnMapping(fields=column_mapping.fields, custom={})
        kind = "list" if destination.startswith("list:") else "campaign"
        checked = validate(frame, column_mapping, spec, destination_kind=kind, default_region=options.region)
    except MappingError as exc:
        raise UsageError(str(exc)) from None
    invalid = {int(row): "; ".join(checked.row_messages(int(row))) for row in checked.error_rows.nonzero()[0]}
    valid_rows = [row for row in range(len(frame)) if row not in invalid]
    if options.stop_on_invalid and invalid:
        first = min(invalid)
        print(
            f"leadloader upload: {len(invalid)} rows have problems (first: row {first + 2}: "
            f"{invalid[first]}); nothing sent (--stop-on-invalid)",
            file=sys.stderr,
        )
        valid_rows = []
    leads = build_leads(frame, column_mapping, spec, rows=valid_rows)

    if options.dry_run:
        key, account = "", options.account or ""
    else:
        key, account = _resolve_key(options.provider, options.account)
    job = UploadJob(
        provider=spec.id,
        destination=destination,
        destination_name=destination,
        account=account,
        leads=tuple(leads),
        invalid=invalid,
        total_rows=len(frame),
        options=provider_options,
        mapping=column_mapping.summary(),
        fingerprint=file_fingerprint(path),
        file_name=path.name,
        dry_run=options.dry_run or (options.stop_on_invalid and bool(invalid)),
        resume=not options.no_resume,
    )
    cancel = CancelToken()
    restore = _install_sigint(cancel.cancel)
    journal = Journal()
    try:
        report = run_upload(
            job, lambda: make_client(spec.id, key), journal=journal, progress=_StderrProgress(), cancel=cancel
        )
    except Cancelled:
        print("leadloader upload: cancelled; run the same command again to resume.", file=sys.stderr)
        return EXIT_CANCELLED
    except LeadLoaderError as exc:
        print(f"leadloader upload: {exc}", file=sys.stderr)
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
            export_results(frame, report.outcomes, options.report)
        except LeadLoaderError as exc:
            print(f"leadloader upload: {exc}", file=sys.stderr)
    print(summary.to_json())
    if report.read_back:
        print(f"leadloader upload: {report.read_back}", file=sys.stderr)
    if report.fatal:
        print(f"leadloader upload: {report.fatal}", file=sys.stderr)
        return EXIT_FATAL
    if cancel.cancelled:
        print("leadloader upload: cancelled; run the same command again to resume.", file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_OK if summary.ok else EXIT_ROWS
