"""``leadloader campaigns --provider P``: one line per campaign, ``id<TAB>name<TAB>status``."""

from __future__ import annotations

import argparse
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
    from gui.core.providers import list_campaigns, make_client
    from gui.core.routing import destination_id

    key, _ = resolve_key(options.provider, options.account)

    try:
        campaigns = list_campaigns(lambda: make_client(options.provider, key))
    except ProviderError as exc:
        return provider_failure("campaigns", exc)
    rows = [(destination_id(c), c.name, c.status) for c in campaigns]
    for row in rows:
        print("\t".join(row))
    return EXIT_OK
