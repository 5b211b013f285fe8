"""What every command shares: exit codes, the command table, usage errors and the API key lookup.

Also the shape every command's ``main`` has, so a new command writes only its own part: the
arguments that reach a provider (:func:`add_provider_arguments`), one line on stderr for a
refusal (:func:`say`), a body whose :class:`UsageError` is exit 2 (:func:`run_command`), a
store opened and closed around the body (:func:`run_with_store`), and the exit code of a
provider's refusal (:func:`provider_failure`).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from gui.core.errors import ProviderError

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


def add_provider_arguments(parser: argparse.ArgumentParser, *, account: bool = True) -> None:
    """``--provider`` (required, from the registry) and, unless told not to, ``--account``."""
    parser.add_argument("--provider", required=True, choices=provider_choices())
    if account:
        add_account_argument(parser)


def add_region_argument(parser: argparse.ArgumentParser, help_text: str = "") -> None:
    """``--region``: how a phone number written without ``+`` is read (default US)."""
    parser.add_argument("--region", default="US", help=help_text or "phone region for numbers without +")


def say(command: str, message: str) -> None:
    """One line on stderr, named for the command, as every refusal and note is."""
    print(f"leadloader {command}: {message}", file=sys.stderr)


def run_command(command: str, body: Callable[[], int]) -> int:
    """Run a command's body; a :class:`UsageError` is one line on stderr and exit code 2."""
    try:
        return body()
    except UsageError as exc:
        say(command, str(exc))
        return EXIT_USAGE


class _Closable(Protocol):
    def close(self) -> None: ...


StoreT = TypeVar("StoreT", bound=_Closable)


def run_with_store(
    command: str,
    open_store: Callable[[], StoreT],
    store_error: type[Exception],
    body: Callable[[StoreT], int],
    *,
    failed_exit: int = EXIT_ROWS,
    hint: str = "",
) -> int:
    """Open a local store (the journal, the do-not-contact list), run the body on it, close it.

    A store that cannot be opened is bad usage (exit 2: nothing was done); one that fails
    midway exits ``failed_exit``, its message followed by ``hint`` (what was recorded so far).
    """
    try:
        store = open_store()
    except store_error as exc:
        say(command, str(exc))
        return EXIT_USAGE
    try:
        return body(store)
    except UsageError as exc:
        say(command, str(exc))
        return EXIT_USAGE
    except store_error as exc:
        say(command, f"{exc}{hint}")
        return failed_exit
    finally:
        store.close()


def stopped_early(command: str, *, fatal: str, cancelled: bool) -> int | None:
    """Say why a run stopped before its end and return its exit code; None when it ran to the end.

    A fatal answer (the key, the plan, the account) exits 3; a cancel exits 130, and running the
    same command again resumes it.
    """
    if fatal:
        say(command, fatal)
        return EXIT_FATAL
    if cancelled:
        say(command, "cancelled; run the same command again to resume.")
        return EXIT_CANCELLED
    return None


def provider_failure(command: str, exc: ProviderError) -> int:
    """Say a provider's refusal; exit 3 when it concerns the key, plan or account, else 1."""
    from gui.core.errors import FatalProviderError

    say(command, str(exc))
    return EXIT_FATAL if isinstance(exc, FatalProviderError) else EXIT_ROWS


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
