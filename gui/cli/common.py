"""What every command shares: exit codes, the command table, usage errors and the API key lookup."""

from __future__ import annotations

import argparse
import os

EXIT_OK, EXIT_ROWS, EXIT_USAGE, EXIT_FATAL, EXIT_CANCELLED = 0, 1, 2, 3, 130

SUBCOMMANDS = ("upload", "campaigns", "accounts", "sandbox")


class UsageError(Exception):
    """Bad arguments or an unreadable input: exit code 2 with one line."""


def provider_choices() -> list[str]:
    """The provider ids ``--provider`` takes, from the registry (so a new provider needs no CLI edit)."""
    from gui.core.providers import PROVIDER_IDS

    return list(PROVIDER_IDS)


def add_account_argument(parser: argparse.ArgumentParser) -> None:
    """``--account``, worded once for every command that reaches a provider."""
    parser.add_argument("--account", help="saved account label (LEADLOADER_API_KEY wins when set)")


def resolve_key(provider: str, account: str | None) -> tuple[str, str]:
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
