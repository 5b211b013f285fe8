"""A real Secret Service keyring (gnome-keyring over D-Bus): run by ``.ci/keyring-test``.

Outside such a session the ``keyring_real`` tests skip, unless ``LEADLOADER_REQUIRE_KEYRING=1``
(set by the CI script) makes a missing keyring a failure, so CI cannot pass by silently
skipping. The self-test runs here both ways: with the real keyring, and with none at all.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import SecretService

from gui.core.credentials import Account, CredentialStore
from gui.selftest import run_self_test


@pytest.fixture
def secret_service() -> Iterator[SecretService.Keyring]:
    """The SecretService backend, instantiated explicitly so nothing can fall back silently."""
    try:
        SecretService.Keyring.priority  # noqa: B018 - raises when no Secret Service is reachable
    except Exception as exc:
        if os.environ.get("LEADLOADER_REQUIRE_KEYRING") == "1":
            pytest.fail(f"no Secret Service here, but .ci/keyring-test requires one: {exc}")
        pytest.skip(f"no Secret Service session ({exc}); run .ci/keyring-test")
    backend = SecretService.Keyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.mark.keyring_real
def test_backend_round_trip(secret_service: SecretService.Keyring) -> None:
    service = f"LeadLoader-test-{uuid.uuid4().hex}"
    secret = f"sandbox-{uuid.uuid4().hex}"
    secret_service.set_password(service, "lemlist:Main", secret)
    assert secret_service.get_password(service, "lemlist:Main") == secret
    secret_service.delete_password(service, "lemlist:Main")
    assert secret_service.get_password(service, "lemlist:Main") is None


@pytest.mark.keyring_real
def test_credential_store_on_secret_service(secret_service: SecretService.Keyring) -> None:
    store = CredentialStore(service=f"LeadLoader-test-{uuid.uuid4().hex}")
    assert store.available(), store.unavailable_reason()
    assert "SecretService" in store.backend_name()
    key_a, key_b = f"sandbox-{uuid.uuid4().hex}", f"sandbox-{uuid.uuid4().hex}"
    main = store.add("lemlist", "Main", key_a)
    client = store.add("lemlist", "Client: B", key_b)
    assert store.list("lemlist") == [main, client]
    assert store.get_key(client) == key_b
    renamed = store.rename(main, "Main workspace")
    assert store.get_key(renamed) == key_a
    assert secret_service.get_password(store.service, "lemlist:Main") is None
    store.remove(renamed)
    store.remove(client)
    assert store.list() == []
    assert secret_service.get_password(store.service, "lemlist:Client: B") is None
    assert Account("lemlist", "Main workspace") not in store.list()


@pytest.mark.keyring_real
def test_self_test_round_trips_on_secret_service(secret_service: SecretService.Keyring, qapp: object) -> None:
    out = io.StringIO()
    assert run_self_test(out) == 0, out.getvalue()
    assert any(line.startswith("ok     keyring") for line in out.getvalue().splitlines()), out.getvalue()


@pytest.mark.slow
def test_self_test_without_keyring_says_so_and_passes(monkeypatch: pytest.MonkeyPatch, qapp: object) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # the autouse memory keyring fixture restores it
    monkeypatch.delenv("LEADLOADER_REQUIRE_KEYRING", raising=False)
    out = io.StringIO()
    assert run_self_test(out) == 0, out.getvalue()
    lines = out.getvalue().splitlines()
    assert any(line.startswith("note") and "no keyring backend here: " in line for line in lines)
    for check in ("resources", "sheet", "mapping", "upload", "qt"):
        assert any(line.startswith(f"ok     {check}") for line in lines), out.getvalue()
    assert lines[-1].startswith("all checks passed")

    monkeypatch.setenv("LEADLOADER_REQUIRE_KEYRING", "1")
    from gui import selftest

    monkeypatch.setattr(selftest, "CHECKS", tuple(c for c in selftest.CHECKS if c[0] == "keyring"))
    out = io.StringIO()
    assert run_self_test(out) == 1
    assert "FAILED keyring" in out.getvalue()
