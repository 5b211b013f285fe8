"""What every command shares: exit codes, the command table, usage errors and the API key lookup."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

EXIT_OK, EXIT_ROWS, EXIT_USAGE, EXIT_FATAL, EXIT_LOCKED, EXIT_CANCELLED = 0, 1, 2, 3, 4, 130

# Each command is the module gui.cli.<name>, with ``parser()`` and ``main(argv)``; the line is its
# entry in ``leadloader --help`` and in the shell completion.
COMMANDS = {
    "upload": "check, map and send a sheet of leads to a campaign (headless)",
    "preview": "print one row's emails as the campaign would send them, tags filled in",
    "campaigns": "list a provider's campaigns: id<TAB>name<TAB>status",
    "dnc": "the do-not-contact list: add, import, list, remove, pull, push",
    "runs": "list past runs newest first (runs prune: drop old finished ones)",
    "undo": "remove the leads one run created (leadloader undo RUN_ID)",
    "accounts": "manage labelled API keys in the OS keyring: list, add, remove, test",
    "sandbox": "serve the local emulator of all four providers on 127.0.0.1",
    "completion": "print a shell completion script (bash, zsh, fish, tcsh, powershell)",
}
SUBCOMMANDS = tuple(COMMANDS)


class UsageError(Exception):
    """Bad arguments or an unreadable input: exit code 2 with one line."""


def command_parser(
    name: str,
    description: str,
    examples: Sequence[str],
    parents: Sequence[argparse.ArgumentParser] = (),
) -> argparse.ArgumentParser:
    """A command's parser whose help ends with examples, so ``--help`` shows a line to copy."""
    epilog = "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {e}" for e in examples)
    return argparse.ArgumentParser(
        prog=f"leadloader {name}",
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=list(parents),
        add_help=not parents,
    )


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


def help_if_asked(build: Callable[[], argparse.ArgumentParser], args: Sequence[str]) -> int | None:
    """Answer ``-h``/``--help`` from the CLI's own parser (with its examples); None when help was not asked.

    The accounts and sandbox commands parse their arguments in their own modules; only their help is
    taken over here, so the examples show without changing how they run.
    """
    if "-h" not in args and "--help" not in args:
        return None
    try:
        build().parse_args(list(args))
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    except Exception:  # the command's own parser objects to something else: let the command say it
        return None
    return None
