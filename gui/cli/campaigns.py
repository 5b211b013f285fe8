"""``leadloader campaigns --provider P``: one line per campaign, ``id<TAB>name<TAB>status``."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from gui.cli.common import (
    EXIT_FATAL,
    EXIT_OK,
    EXIT_ROWS,
    EXIT_USAGE,
    UsageError,
    add_account_argument,
    command_parser,
    provider_choices,
    resolve_key,
)

EXAMPLES = (
    "leadloader campaigns --provider lemlist --account work",
    "LEADLOADER_API_KEY=... leadloader campaigns --provider instantly | grep -i outbound",
)


def parser() -> argparse.ArgumentParser:
    """The ``campaigns`` arguments."""
    out = command_parser(
        "campaigns",
        "List a provider's campaigns, one line each: id<TAB>name<TAB>status\n"
        "(Instantly's lead lists as list:<id>; Aktify's key is its one campaign).",
        EXAMPLES,
    )
    out.add_argument("--provider", required=True, choices=provider_choices())
    add_account_argument(out)
    return out


def main(argv: Sequence[str]) -> int:
    """List the campaigns (Instantly's lead lists as ``list:<id>``) of the account's workspace."""
    options = parser().parse_args(list(argv))
    try:
        return _campaigns(options)
    except UsageError as exc:
        print(f"leadloader campaigns: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _campaigns(options: argparse.Namespace) -> int:
    from gui.core.errors import FatalProviderError, ProviderError
    from gui.core.providers import make_client

    key, _ = resolve_key(options.provider, options.account)

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
