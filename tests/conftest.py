"""Test setup shared by every test: offscreen Qt, no network, fresh home, in-memory keyring."""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt reads this when the QApplication is created, so it must be set before pytest-qt makes one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No test may fall back to the real API bases: an unset URL points at a closed local port.
for _var in (
    "LEADLOADER_LEMLIST_URL",
    "LEADLOADER_INSTANTLY_URL",
    "LEADLOADER_AKTIFY_URL",
    "LEADLOADER_SENDPILOT_URL",
):
    os.environ.setdefault(_var, "http://127.0.0.1:9/unset")
os.environ.pop("LEADLOADER_API_KEY", None)

pytest_plugins = ["tests.fixtures_sandbox"]

_ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _host(address: object) -> str:
    if isinstance(address, tuple) and address:
        return str(address[0])
    return str(address)  # a Unix socket path


def _guarded(real):  # type: ignore[no-untyped-def]
    def connect(self: socket.socket, address: object):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6) and _host(address) not in _ALLOWED_HOSTS:
            raise OSError(f"Test tried to reach {address!r}: only 127.0.0.1 is allowed in tests.")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    """Let tests reach 127.0.0.1 only: a test that would touch the internet fails loudly."""
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def leadloader_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings, presets, journal and logs of each test live in its own folder."""
    home = tmp_path / "leadloader-home"
    home.mkdir()
    monkeypatch.setenv("LEADLOADER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[object]:
    """An in-memory keyring, so no test reads or writes the developer's real one."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            from keyring.errors import PasswordDeleteError

            if self.store.pop((service, username), None) is None:
                raise PasswordDeleteError(username)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def _fresh_demo_sandbox() -> Iterator[None]:
    """Each test meets a fresh in-process demo sandbox: no leads or rate-limit window left by another."""
    yield
    demo = sys.modules.get("gui.sandbox.demo")
    if demo is not None:
        demo.reset_shared_sandbox()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a Python thread running (workers, servers, engines)."""
    before = set(threading.enumerate())
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t not in before and t.is_alive() and not t.daemon and not t.name.startswith("asyncio_")
    ]
    for t in leaked:
        t.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"
