"""A real Secret Service keyring (gnome-keyring over D-Bus): run by ``.ci/keyring-test``.

Outside such a session these tests skip, unless ``LEADLOADER_REQUIRE_KEYRING=1`` (set by the
CI script) makes a missing keyring a failure, so CI cannot pass by silently skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import SecretService

from gui.core.credentials import Account, CredentialStore

pytestmark = pytest.mark.keyring_real


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


def test_backend_round_trip(secret_service: SecretService.Keyring) -> None:
    service = f"LeadLoader-test-{uuid.uuid4().hex}"
    secret = f"sandbox-{uuid.uuid4().hex}"
    secret_service.set_password(service, "lemlist:Main", secret)
    assert secret_service.get_password(service, "lemlist:Main") == secret
    secret_service.delete_password(service, "lemlist:Main")
    assert secret_service.get_password(service, "lemlist:Main") is None


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
