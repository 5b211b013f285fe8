"""``leadloader preview FILE --provider P --campaign ID [--row N]``: one prospect's emails, as sent.

The question before an upload is "what will this person read?". The campaign's steps are read
from the provider, every tag the row fills is replaced (spintax shows its first option, the
provider's own tags stay as written: only it can fill them) and HTML becomes plain text. A tag
that would go out empty is printed as ``unresolved: {{tag}}`` and makes the exit code 1, so a
script can stop before sending "Hi ,".

A campaign that cannot be read (wrong key, unknown id, no network) is not this command's
failure to report with a code: it says on stderr that the emails could not be checked and
why, and exits 0, exactly as the upload goes on with the same note.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from gui.cli import mapping_args
from gui.cli.common import (
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
)

if TYPE_CHECKING:
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.merge_tags import RenderedEmail
    from gui.core.providers.base import ProviderSpec
    from gui.core.sheets.load import Sheet

EXAMPLES = (
    "leadloader preview leads.csv --provider lemlist --campaign cam_123",
    "leadloader preview leads.xlsx --provider instantly --campaign 8f2c --row 17 --unmap Notes",
)


def parser() -> argparse.ArgumentParser:
    """The ``preview`` arguments: the sheet, the destination, the row, and ``upload``'s mapping options."""
    out = command_parser(
        "preview",
        "Print the campaign's emails as the lead in one row of the sheet would get them: each step as\n"
        "'--- step K ---', then 'Subject: ...' and the body as plain text, merge tags filled in, then\n"
        "one 'unresolved: {{tag}}' line per tag that would go out empty.\n"
        "Exit 0 when every tag is filled, 1 when some would go out empty, 2 for bad usage (unknown\n"
        "row, bad provider). A campaign that cannot be read is a line on stderr and exit 0.\n"
        "Aktify and SendPilot publish no campaign text: one line says so, exit 0.",
        EXAMPLES,
    )
    out.add_argument("file", type=Path, help="the sheet: .xlsx .xlsm .xls .ods .csv .tsv .txt")
    out.add_argument("--provider", required=True, choices=provider_choices())
    out.add_argument("--campaign", help="campaign id (see leadloader campaigns)")
    out.add_argument(
        "--row",
        type=int,
        metavar="N",
        help="the row number as the sheet (and the upload report) shows it; default: the first data row",
    )
    out.add_argument("--sheet", help="worksheet name (default: the first sheet with data)")
    mapping_args.add_arguments(out)
    add_account_argument(out)
    add_region_argument(out)
    return out


def main(argv: Sequence[str]) -> int:
    """Print one row's emails; a usage problem is one line on stderr and exit code 2."""
    options = parser().parse_args(list(argv))
    return run_command("preview", lambda: _preview(options))


def _preview(options: argparse.Namespace) -> int:
    from gui.core.merge_tags import render_row
    from gui.core.providers import get_spec, make_client
    from gui.core.safety import publishes_emails, read_campaign, unread_note

    spec = get_spec(options.provider)
    path: Path = options.file
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if not spec.has_campaign_text or spec.merge_tags is None:
        print(f"{spec.label} publishes no campaign text, so there is no email to preview.")
        return EXIT_OK
    if not options.campaign:
        raise UsageError(f"{spec.label} needs --campaign ID (see: leadloader campaigns --provider {spec.id})")
    if not publishes_emails(spec, options.campaign):
        print(unread_note(spec, options.campaign))
        return EXIT_OK
    sheet = _load(path, options.sheet)
    position, number = _row(sheet, options.row)
    mapping = _mapping(sheet, spec, options)
    key, _account = resolve_key(spec.id, options.account)
    read = read_campaign(spec, options.campaign, lambda: make_client(spec.id, key))
    if read.text is None:
        say("preview", read.note)
        return EXIT_OK
    if not read.text.steps:
        say("preview", "the campaign has no emails yet, so there is nothing to preview.")
        return EXIT_OK
    emails = render_row(sheet.frame, mapping, read.text, spec.merge_tags, position)
    say("preview", f"row {number} of {path.name}")
    unresolved = 0
    for email in emails:
        print("\n".join(_lines(email)))
        unresolved += len(email.unresolved)
    return EXIT_ROWS if unresolved else EXIT_OK


def _load(path: Path, sheet_name: str | None) -> Sheet:
    from gui.core.errors import SheetError
    from gui.core.sheets.load import load_sheet

    try:
        sheet = load_sheet(path, sheet=sheet_name)
    except SheetError as exc:
        raise UsageError(str(exc)) from None
    if sheet.frame.empty:
        raise UsageError(f"{path.name} has no data rows to preview")
    return sheet


def _row(sheet: Sheet, number: int | None) -> tuple[int, int]:
    """The frame position and file row number of ``--row`` (the file's own numbering, as Excel shows)."""
    numbers = [int(n) for n in sheet.source_rows]
    if len(numbers) != len(sheet.frame):  # a loader that kept no numbers: the header is row 1
        numbers = list(range(2, len(sheet.frame) + 2))
    if number is None:
        return 0, numbers[0]
    if number not in numbers:
        raise UsageError(
            f"row {number} is not a data row of the sheet (data rows: {numbers[0]}–{numbers[-1]})"
        )
    return numbers.index(number), number


def _mapping(sheet: Sheet, spec: ProviderSpec, options: argparse.Namespace) -> ColumnMapping:
    """The mapping ``upload`` would use with the same options (a preset's fixes replayed too)."""
    from gui.core import presets
    from gui.core.errors import MappingError
    from gui.core.fixes import apply_steps

    frame = sheet.frame
    try:
        base = None
        if options.preset:
            preset = presets.load_preset(options.preset)
            base = preset.mapping_for(list(frame.columns))
            apply_steps(frame, preset.fixes)
        return mapping_args.resolve(frame, spec, options, base=base, destination_kind="campaign")
    except MappingError as exc:
        raise UsageError(str(exc)) from None


def _lines(email: RenderedEmail) -> list[str]:
    """One email as the terminal shows it: header, subject, plain-text body, unresolved tags."""
    from gui.core.merge_tags import looks_like_html, pieces_text

    subject = pieces_text(email.subject, is_html=False).strip()
    body = pieces_text(email.body, is_html=looks_like_html(email.step.body)).strip()
    lines = [f"--- {email.step.label} ---", f"Subject: {subject or '(none)'}"]
    lines += [body, *(f"unresolved: {tag}" for tag in email.unresolved), ""]
    return lines
