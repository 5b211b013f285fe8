"""Pure Python: labelled API keys per provider, kept in the OS keyring and nowhere else.

One keyring service (``LeadLoader``) holds every key under the account name
``<provider>:<label>``; provider ids never contain ``:``, so two accounts cannot collide.
The list of labels per provider (labels only, never keys) is one more keyring entry,
``__accounts__``, so the list and the keys live and die together: a reset settings file
does not orphan keys, and a wiped keyring does not leave labels that point at nothing.

When no real keyring backend exists (a Linux box without a Secret Service, a frozen app
that lost its backends), :meth:`CredentialStore.available` is False with a reason in plain
words, and the app offers a session-only key (:meth:`CredentialStore.set_session_key`) that
lives in memory until the app closes. There is never a plaintext fallback: backends from
``keyrings.alt`` (which writes keys to a file when D-Bus is missing) are refused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import sys
import threading
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

import keyring
import keyring.backend
import keyring.errors

from gui.core.errors import CredentialError, FatalProviderError, KeyringUnavailable, LeadLoaderError
from gui.core.logs import register_secret
from gui.core.providers import PROVIDER_IDS, make_client
from gui.core.settings import Settings, save_settings

if TYPE_CHECKING:
    import httpx

SERVICE = "LeadLoader"
INDEX_ACCOUNT = "__accounts__"
MAX_LABEL = 64


@dataclass(frozen=True)
class Account:
    """A labelled key of one provider (the key itself stays in the keyring).

    Attributes:
        provider: Provider id (``lemlist``...).
        label: The user's name for the key ("Main workspace", "Client B").
        session: True for a key kept in memory only for this run (no keyring here).
    """

    provider: str
    label: str
    session: bool = field(default=False, compare=False)

    @property
    def keyring_name(self) -> str:
        """The keyring account name: ``<provider>:<label>``."""
        return f"{self.provider}:{self.label}"

    def __str__(self) -> str:
        return f"{self.provider} / {self.label}"


def _backend_refusal(backend: keyring.backend.KeyringBackend) -> str:
    """Why ``backend`` must not hold keys, or "" when it is a real keyring."""
    parts = getattr(backend, "backends", None)
    if parts is not None:  # keyring's ChainerBackend: every link must be acceptable
        reasons = [_backend_refusal(b) for b in parts]
        if not parts:
            return _no_backend_reason()
        return next((r for r in reasons if r), "")
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return _no_backend_reason()
    if module.startswith("keyrings.alt"):
        return (
            "The only keyring found stores keys in a plain file (keyrings.alt); LeadLoader will not "
            "use it. Uninstall keyrings.alt, or use a key for this session only."
        )
    return ""


def _no_backend_reason() -> str:
    if sys.platform.startswith("linux"):
        return (
            "No system keyring is running (LeadLoader needs a Secret Service such as GNOME Keyring "
            "or KWallet, reached over D-Bus). Keys can be used for this session only and are "
            "forgotten when the app closes."
        )
    return (
        "The system keyring cannot be reached. Keys can be used for this session only and are "
        "forgotten when the app closes."
    )


def _clean_label(label: str) -> str:
    label = unicodedata.normalize("NFC", label).strip()
    if not label:
        raise CredentialError("Give the account a name (a label such as “Main workspace”).")
    if len(label) > MAX_LABEL:
        raise CredentialError(f"Account names are limited to {MAX_LABEL} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in label):
        raise CredentialError("Account names cannot hold control characters or line breaks.")
    return label


def _clean_key(key: str) -> str:
    key = key.strip()
    if not key:
        raise CredentialError("The API key is empty; paste the key from the provider's settings page.")
    if any(ch.isspace() for ch in key):
        raise CredentialError("The API key contains spaces or line breaks; copy it again without them.")
    return key


def _check_provider(provider: str) -> None:
    if provider not in PROVIDER_IDS:
        raise CredentialError(f"Unknown provider {provider!r}; choose one of {', '.join(PROVIDER_IDS)}.")


class CredentialStore:
    """The app's only door to API keys: labelled keys per provider in the OS keyring.

    Args:
        service: The keyring service name; the self-test uses its own so it never touches
            real accounts.
        settings: When given, the last-used account label per provider follows renames and
            removals (and is saved), so the destination panel never preselects a ghost.
    """

    def __init__(self, service: str = SERVICE, settings: Settings | None = None) -> None:
        self.service = service
        self._settings = settings
        self._session: dict[Account, str] = {}
        self._lock = threading.RLock()

    # -- backend -------------------------------------------------------------------------

    def _backend(self) -> keyring.backend.KeyringBackend:
        return keyring.get_keyring()

    def available(self) -> bool:
        """True when a real OS keyring can hold keys here."""
        return not _backend_refusal(self._backend())

    def backend_name(self) -> str:
        """The keyring in use, for the accounts dialog ("SecretService Keyring"...), "none" without one."""
        backend = self._backend()
        if _backend_refusal(backend):
            return "none"
        return str(getattr(backend, "name", type(backend).__name__))

    def unavailable_reason(self) -> str:
        """Plain words on why keys cannot be stored, "" when they can."""
        return _backend_refusal(self._backend())

    def _require_backend(self) -> keyring.backend.KeyringBackend:
        backend = self._backend()
        reason = _backend_refusal(backend)
        if reason:
            raise KeyringUnavailable(reason)
        return backend

    def _call(self, what: str, fn: str, *args: str) -> str | None:
        """One keyring call, its failures turned into words (the key never is part of them)."""
        backend = self._require_backend()
        try:
            result: str | None = getattr(backend, fn)(self.service, *args)
        except keyring.errors.PasswordDeleteError:
            raise
        except keyring.errors.KeyringLocked as exc:
            raise KeyringUnavailable(
                f"The system keyring is locked, so LeadLoader could not {what}. Unlock it and try again."
            ) from exc
        except (keyring.errors.KeyringError, OSError, RuntimeError) as exc:
            raise KeyringUnavailable(
                f"The system keyring failed while LeadLoader tried to {what}: {type(exc).__name__}."
            ) from exc
        return result

    # -- the index of labels -------------------------------------------------------------

    def _read_index(self) -> dict[str, list[str]]:
        raw = self._call("read the list of accounts", "get_password", INDEX_ACCOUNT)
        if not raw:
            return {}
        try:
            data = json.loads(raw)
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            str(p): [str(label) for label in labels if isinstance(label, str)]
            for p, labels in data.items()
            if isinstance(labels, list)
        }

    def _write_index(self, index: dict[str, list[str]]) -> None:
        clean = {p: labels for p, labels in sorted(index.items()) if labels}
        self._call("save the list of accounts", "set_password", INDEX_ACCOUNT, json.dumps(clean))

    # -- public API ----------------------------------------------------------------------

    def list(self, provider: str | None = None) -> list[Account]:
        """Stored accounts (then session ones), per provider in the order they were added.

        With no keyring, only session accounts are listed (no error: the dialog still opens).
        """
        with self._lock:
            stored: list[Account] = []
            if self.available():
                index = self._read_index()
                stored = [
                    Account(p, label)
                    for p in PROVIDER_IDS
                    for label in index.get(p, [])
                    if provider in (None, p)
                ]
            session = [a for a in self._session if provider in (None, a.provider) and a not in stored]
            return stored + session

    def add(self, provider: str, label: str, key: str) -> Account:
        """Store ``key`` under ``label`` for ``provider``.

        Raises:
            CredentialError: Empty or duplicate label, empty key, unknown provider.
            KeyringUnavailable: No keyring here (offer :meth:`set_session_key` instead).
        """
        _check_provider(provider)
        label = _clean_label(label)
        key = _clean_key(key)
        register_secret(key)
        with self._lock:
            self._require_backend()
            index = self._read_index()
            labels = index.setdefault(provider, [])
            if label.casefold() in (existing.casefold() for existing in labels):
                raise CredentialError(f"There is already a {provider} account called “{label}”.")
            account = Account(provider, label)
            self._call("save the key", "set_password", account.keyring_name, key)
            labels.append(label)
            self._write_index(index)
            return account

    def set_session_key(self, provider: str, label: str, key: str) -> Account:
        """Keep a key in memory for this run only (machines without a keyring); never written anywhere."""
        _check_provider(provider)
        label = _clean_label(label)
        key = _clean_key(key)
        register_secret(key)
        account = Account(provider, label, session=True)
        with self._lock:
            self._session.pop(account, None)
            self._session[account] = key
        return account

    def get_key(self, account: Account) -> str:
        """The key of ``account``.

        Raises:
            CredentialError: No key is stored under that label (any more).
            KeyringUnavailable: The keyring cannot be reached or is locked.
        """
        with self._lock:
            if account in self._session:
                return self._session[account]
            key = self._call("read the key", "get_password", account.keyring_name)
        if not key:
            raise CredentialError(
                f"No key is stored for the {account.provider} account “{account.label}”; add it again."
            )
        register_secret(key)
        return key

    def rename(self, account: Account, new_label: str) -> Account:
        """Give an account a new label; the key moves with it, and the old entry is deleted."""
        new_label = _clean_label(new_label)
        with self._lock:
            if account in self._session:
                renamed = Account(account.provider, new_label, session=True)
                if renamed != account and renamed in self._session:
                    raise CredentialError(
                        f"There is already a {account.provider} account called “{new_label}”."
                    )
                self._session[renamed] = self._session.pop(account)
                self._follow(account, new_label)
                return renamed
            index = self._read_index()
            labels = index.get(account.provider, [])
            if account.label not in labels:
                raise CredentialError(f"There is no {account.provider} account called “{account.label}”.")
            if new_label == account.label:
                return account
            if new_label.casefold() in (x.casefold() for x in labels if x != account.label):
                raise CredentialError(f"There is already a {account.provider} account called “{new_label}”.")
            key = self.get_key(account)
            renamed = Account(account.provider, new_label)
            self._call("save the key", "set_password", renamed.keyring_name, key)
            labels[labels.index(account.label)] = new_label
            self._write_index(index)
            self._delete_entry(account)
            self._follow(account, new_label)
            return renamed

    def remove(self, account: Account) -> None:
        """Forget an account and delete its key from the keyring."""
        with self._lock:
            if self._session.pop(account, None) is not None:
                self._follow(account, "")
                return
            index = self._read_index()
            labels = index.get(account.provider, [])
            if account.label not in labels:
                raise CredentialError(f"There is no {account.provider} account called “{account.label}”.")
            labels.remove(account.label)
            self._write_index(index)
            self._delete_entry(account)
            self._follow(account, "")

    def _delete_entry(self, account: Account) -> None:
        # Already gone is fine: the goal is reached.
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self._call("delete the key", "delete_password", account.keyring_name)

    def _follow(self, account: Account, new_label: str) -> None:
        """Keep ``settings.last_account`` pointing at a label that exists."""
        settings = self._settings
        if settings is None or settings.last_account.get(account.provider) != account.label:
            return
        if new_label:
            settings.last_account[account.provider] = new_label
        else:
            del settings.last_account[account.provider]
        save_settings(settings)


async def test_key(provider: str, key: str, *, transport: httpx.AsyncBaseTransport | None = None) -> str:
    """Ask the provider whether ``key`` works; return the account or workspace name it reports.

    Raises:
        AuthError: 401 (and PlanError/ForbiddenError for 402/403): the key is rejected.
        ProviderError: The provider could not be reached or answered something else.
    """
    _check_provider(provider)
    key = _clean_key(key)
    register_secret(key)
    client = make_client(provider, key, transport=transport)
    try:
        return await client.check_key()
    finally:
        await client.aclose()


test_key.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, despite its name


# -- leadloader accounts ... ---------------------------------------------------------------

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_REJECTED = 3


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so the caller decides the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def _parser() -> _Parser:
    parser = _Parser(
        prog="leadloader accounts",
        description="Manage labelled API keys kept in the system keyring.",
        epilog="Keys are read from standard input or a hidden prompt, never from the command line.",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="one line per account: provider<TAB>label")
    listing.add_argument("--provider", choices=PROVIDER_IDS)
    for name, text in (
        ("add", "store a key (read from stdin or a hidden prompt)"),
        ("remove", "delete a stored key"),
        ("test", "check a stored key with the provider"),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("--provider", required=True, choices=PROVIDER_IDS)
        cmd.add_argument("--label", required=True)
        if name == "add":
            cmd.add_argument(
                "--test", action="store_true", help="check the key with the provider before storing it"
            )
    return parser


def _read_key(provider: str, label: str, stdin: TextIO, stderr: TextIO) -> str:
    """The key from a pipe, or from a prompt that does not echo it."""
    if stdin.isatty():
        return getpass.getpass(f"API key for {provider} / {label} (not shown): ", stream=stderr)
    return stdin.readline()


def accounts_main(
    argv: list[str],
    *,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    stderr: TextIO = sys.stderr,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """``leadloader accounts list|add|remove|test``.

    Exit codes: 0 done; 1 the keyring or the provider could not be used; 2 bad usage (or no
    such account); 3 the provider rejected the key (401/402/403).
    """
    try:
        args = _parser().parse_args(argv)
    except _UsageError as exc:
        print(str(exc), file=stderr)
        return EXIT_USAGE
    except SystemExit as exc:  # --help
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    store = CredentialStore()
    try:
        if args.command == "list":
            if not store.available():
                print(store.unavailable_reason(), file=stderr)
                return EXIT_FAILED
            for account in store.list(args.provider):
                print(f"{account.provider}\t{account.label}", file=stdout)
            return EXIT_OK
        account = Account(args.provider, _clean_label(args.label))
        if args.command == "add":
            store._require_backend()  # say "no keyring" before asking for the key
            key = _clean_key(_read_key(args.provider, account.label, stdin, stderr))
            if args.test:
                name = asyncio.run(test_key(args.provider, key, transport=transport))
                print(f"Key accepted by {args.provider} ({name}).", file=stderr)
            store.add(args.provider, account.label, key)
            print(
                f"Stored the {args.provider} account “{account.label}” in the {store.backend_name()}.",
                file=stderr,
            )
            return EXIT_OK
        if args.command == "remove":
            store.remove(account)
            print(f"Removed the {args.provider} account “{account.label}”.", file=stderr)
            return EXIT_OK
        key = store.get_key(account)
        name = asyncio.run(test_key(args.provider, key, transport=transport))
        print(f"{args.provider}\t{account.label}\tok\t{name}", file=stdout)
        return EXIT_OK
    except KeyringUnavailable as exc:
        print(str(exc), file=stderr)
        return EXIT_FAILED
    except FatalProviderError as exc:
        print(f"The {args.provider} key was rejected: {exc}", file=stderr)
        return EXIT_REJECTED
    except CredentialError as exc:
        print(str(exc), file=stderr)
        return EXIT_USAGE
    except LeadLoaderError as exc:
        print(str(exc), file=stderr)
        return EXIT_FAILED
    except (EOFError, KeyboardInterrupt):
        print("Cancelled; nothing stored.", file=stderr)
        return EXIT_USAGE
