"""``leadloader campaigns --provider P``: one line per campaign, ``id<TAB>name<TAB>status``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence

from gui.cli.common import (
    EXIT_OK,
    add_provider_arguments,
    command_parser,
    provider_failure,
    resolve_key,
    run_command,
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
    add_provider_arguments(out)
    return out


def main(argv: Sequence[str]) -> int:
    """List the campaigns (Instantly's lead lists as ``list:<id>``) of the account's workspace."""
    options = parser().parse_args(list(argv))
    return run_command("campaigns", lambda: _campaigns(options))


def _campaigns(options: argparse.Namespace) -> int:
    from gui.core.errors import ProviderError
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
    except ProviderError as exc:
        return provider_failure("campaigns", exc)
    for row in rows:
        print("\t".join(row))
    return EXIT_OK
