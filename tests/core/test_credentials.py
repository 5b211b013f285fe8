from __future__ import annotations

import asyncio
import io
import uuid

import httpx
import keyring
import pytest
from keyring.backends import fail

from gui.core.credentials import Account, CredentialStore, accounts_main, test_key
from gui.core.errors import AuthError, CredentialError, KeyringUnavailable
from gui.core.logs import redact
from gui.core.settings import Settings, load_settings


def new_key() -> str:
    return f"sandbox-{uuid.uuid4().hex}"


@pytest.fixture
def store() -> CredentialStore:
    return CredentialStore()


@pytest.fixture
def no_keyring() -> object:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_add_list_get(store: CredentialStore, memory_keyring) -> None:
    key_a, key_b, key_c = new_key(), new_key(), new_key()
    a = store.add("lemlist", "Main", key_a)
    b = store.add("lemlist", "Client: B", key_b)
    c = store.add("instantly", "Main", key_c)
    assert store.list() == [a, b, c]
    assert store.list("lemlist") == [a, b]
    assert store.get_key(b) == key_b and store.get_key(c) == key_c
    # one service, account names that cannot collide; labels in the index, keys never
    assert memory_keyring.store[("LeadLoader", "lemlist:Client: B")] == key_b
    assert memory_keyring.store[("LeadLoader", "instantly:Main")] == key_c
    index = memory_keyring.store[("LeadLoader", "__accounts__")]
    assert "Client: B" in index and key_a not in index and key_b not in index
    # keys handled are masked in logs from now on
    assert redact(f"x {key_a} y") == "x *** y"


@pytest.mark.parametrize("label", ["", "   ", "line\nbreak", "x" * 65])
def test_bad_labels(store: CredentialStore, label: str) -> None:
    with pytest.raises(CredentialError):
        store.add("lemlist", label, new_key())


def test_duplicate_label_case_insensitive(store: CredentialStore) -> None:
    store.add("lemlist", "Main", new_key())
    with pytest.raises(CredentialError, match="already"):
        store.add("lemlist", " main ", new_key())
    store.add("instantly", "Main", new_key())  # another provider is fine


@pytest.mark.parametrize("key", ["", "  \n", "two words"])
def test_bad_keys(store: CredentialStore, key: str) -> None:
    with pytest.raises(CredentialError):
        store.add("lemlist", "Main", key)


def test_unknown_provider(store: CredentialStore) -> None:
    with pytest.raises(CredentialError, match="Unknown provider"):
        store.add("hubspot", "Main", new_key())


def test_key_is_stripped(store: CredentialStore) -> None:
    key = new_key()
    account = store.add("lemlist", "Main", f"  {key}\n")
    assert store.get_key(account) == key


def test_rename(store: CredentialStore, memory_keyring) -> None:
    key = new_key()
    account = store.add("lemlist", "Main", key)
    other = store.add("lemlist", "Other", new_key())
    with pytest.raises(CredentialError, match="already"):
        store.rename(account, "other")
    renamed = store.rename(account, "Main workspace")
    assert renamed == Account("lemlist", "Main workspace")
    assert store.list("lemlist") == [renamed, other]
    assert store.get_key(renamed) == key
    assert ("LeadLoader", "lemlist:Main") not in memory_keyring.store


def test_remove(store: CredentialStore, memory_keyring) -> None:
    account = store.add("lemlist", "Main", new_key())
    store.remove(account)
    assert store.list() == []
    assert ("LeadLoader", "lemlist:Main") not in memory_keyring.store
    with pytest.raises(CredentialError, match="no lemlist account"):
        store.remove(account)
    with pytest.raises(CredentialError, match="add it again"):
        store.get_key(account)


def test_settings_follow_rename_and_remove(leadloader_home) -> None:
    settings = Settings()
    settings.remember_destination("lemlist", account="Main")
    store = CredentialStore(settings=settings)
    account = store.add("lemlist", "Main", new_key())
    renamed = store.rename(account, "Renamed")
    assert load_settings().last_account == {"lemlist": "Renamed"}
    store.remove(renamed)
    assert load_settings().last_account == {}


def test_no_keyring_says_so_and_offers_session_keys(store: CredentialStore, no_keyring) -> None:
    assert not store.available()
    assert store.backend_name() == "none"
    assert "session" in store.unavailable_reason()
    with pytest.raises(KeyringUnavailable) as caught:
        store.add("lemlist", "Main", new_key())
    assert "session" in str(caught.value)
    assert store.list() == []
    key = new_key()
    account = store.set_session_key("lemlist", "Temp", key)
    assert account.session
    assert store.list() == [account]
    assert store.get_key(account) == key
    renamed = store.rename(account, "Temp 2")
    assert store.get_key(renamed) == key
    store.remove(renamed)
    assert store.list() == []


def test_plaintext_backends_are_refused(store: CredentialStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from keyring.backend import KeyringBackend

    class PlaintextKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service, username):
            return None

        def set_password(self, service, username, password):
            raise AssertionError("must never be called")

        def delete_password(self, service, username):
            return None

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert not store.available()
        assert "plain file" in store.unavailable_reason()
        with pytest.raises(KeyringUnavailable):
            store.add("lemlist", "Main", new_key())
    finally:
        keyring.set_keyring(previous)


def test_chainer_with_a_plaintext_link_is_refused(store: CredentialStore, memory_keyring) -> None:
    from keyring.backends import chainer

    class Bad(type(memory_keyring)):  # type: ignore[misc]
        pass

    Bad.__module__ = "keyrings.alt.file"
    links = [memory_keyring, Bad()]

    class Chain(chainer.ChainerBackend):
        backends = links  # type: ignore[assignment]

    chain = Chain()
    previous = keyring.get_keyring()
    keyring.set_keyring(chain)
    try:
        assert not store.available()
    finally:
        keyring.set_keyring(previous)


def test_keyring_errors_become_words(store: CredentialStore, memory_keyring, monkeypatch) -> None:
    from keyring.errors import KeyringLocked

    account = store.add("lemlist", "Main", new_key())

    def locked(*args: object) -> None:
        raise KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(KeyringUnavailable, match="locked"):
        store.get_key(account)


def lemlist_transport(good: str) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") == httpx.BasicAuth("", good)._auth_header:
            return httpx.Response(200, json={"_id": "usr_1", "name": "Acme Sales", "email": "a@example.com"})
        return httpx.Response(401, json={"message": "Invalid API key"})

    return httpx.MockTransport(handler)


def test_test_key_ok_and_rejected() -> None:
    good = new_key()
    name = asyncio.run(test_key("lemlist", good, transport=lemlist_transport(good)))
    assert name
    with pytest.raises(AuthError) as caught:
        asyncio.run(test_key("lemlist", "wrong-key-123", transport=lemlist_transport(good)))
    assert "wrong-key-123" not in str(caught.value)


class FakeStdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def run_cli(argv: list[str], stdin: str = "", **kwargs: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = accounts_main(argv, stdin=FakeStdin(stdin), stdout=out, stderr=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_cli_add_list_test_remove(memory_keyring) -> None:
    key = new_key()
    code, out, err = run_cli(["add", "--provider", "lemlist", "--label", "Main"], stdin=key + "\n")
    assert code == 0, err
    assert key not in out + err
    code, out, _ = run_cli(["list"])
    assert code == 0 and out == "lemlist\tMain\n"
    code, out, err = run_cli(
        ["test", "--provider", "lemlist", "--label", "Main"], transport=lemlist_transport(key)
    )
    assert code == 0, err
    assert out.startswith("lemlist\tMain\tok\t")
    code, out, err = run_cli(
        ["test", "--provider", "lemlist", "--label", "Main"], transport=lemlist_transport("other")
    )
    assert code == 3 and "rejected" in err and key not in err
    code, _, err = run_cli(["remove", "--provider", "lemlist", "--label", "Main"])
    assert code == 0
    assert run_cli(["list"])[1] == ""


def test_cli_never_takes_the_key_from_argv(memory_keyring) -> None:
    key = new_key()
    code, _, err = run_cli(["add", "--provider", "lemlist", "--label", "Main", "--key", key])
    assert code == 2 and "unrecognized" in err
    code, _, err = run_cli(["add", "--provider", "lemlist", "--label", "Main", key])
    assert code == 2
    assert ("LeadLoader", "lemlist:Main") not in memory_keyring.store


def test_cli_hidden_prompt_when_tty(monkeypatch: pytest.MonkeyPatch, memory_keyring) -> None:
    key = new_key()
    prompts: list[str] = []

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    def fake_getpass(prompt: str, stream: object = None) -> str:
        prompts.append(prompt)
        return key

    monkeypatch.setattr("gui.core.credentials.getpass.getpass", fake_getpass)
    out, err = io.StringIO(), io.StringIO()
    assert (
        accounts_main(
            ["add", "--provider", "instantly", "--label", "Ops"], stdin=Tty(), stdout=out, stderr=err
        )
        == 0
    )
    assert prompts and "not shown" in prompts[0]
    assert memory_keyring.store[("LeadLoader", "instantly:Ops")] == key


def test_cli_usage_errors(memory_keyring) -> None:
    assert run_cli([])[0] == 2
    assert run_cli(["add", "--provider", "nope", "--label", "x"])[0] == 2
    assert run_cli(["add", "--provider", "lemlist", "--label", "x"], stdin="")[0] == 2  # empty key
    assert run_cli(["remove", "--provider", "lemlist", "--label", "ghost"])[0] == 2
    assert run_cli(["--help"])[0] == 0


def test_cli_add_with_test_rejects_bad_key(memory_keyring) -> None:
    code, _, _err = run_cli(
        ["add", "--provider", "lemlist", "--label", "Main", "--test"],
        stdin="bad-key-xyz\n",
        transport=lemlist_transport("good"),
    )
    assert code == 3
    assert ("LeadLoader", "lemlist:Main") not in memory_keyring.store


def test_cli_without_keyring(no_keyring) -> None:
    code, _, err = run_cli(["add", "--provider", "lemlist", "--label", "Main"], stdin=new_key())
    assert code == 1 and "session" in err
    code, _, err = run_cli(["list"])
    assert code == 1 and "keyring" in err
