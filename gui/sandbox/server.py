"""Serving the sandbox on 127.0.0.1: ``leadloader sandbox`` and a thread runner for tests and benchmarks."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import uvicorn
from starlette.requests import ClientDisconnect

from gui.sandbox.app import PREFIXES, Sandbox, create_sandbox
from gui.sandbox.common import DroppedConnection
from gui.sandbox.ledger import Ledger
from gui.sandbox.seed import KEY_PREFIX

HOST = "127.0.0.1"
_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}
_STARTUP_TIMEOUT_S = 10.0


class _QuietDrops(logging.Filter):
    """Keep injected drops and clients hanging up out of uvicorn's error log: they are expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection | ClientDisconnect)


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDrops) for f in logger.filters):
        logger.addFilter(_QuietDrops())


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: a free one); raises OSError when the port is taken."""
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP, and
    # without it Nagle plus delayed ACKs add ~40 ms to every answer.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if sys.platform == "win32":
            # On Windows SO_REUSEADDR would let us bind a port another server holds; refuse that instead.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server with a 10 ms stop check (instead of 100 ms), so test teardown is quick."""

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 8_640_000
            await asyncio.sleep(0.01)
            # on_tick refreshes the Date header when its counter is a multiple of 10: keep that once a second.
            should_exit = await self.on_tick(counter // 10 if counter % 10 == 0 else 1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Uvicorn's shutdown without its fixed 100 ms pause: wait only while connections are still open."""
        wait_tasks = getattr(self, "_wait_tasks_to_complete", None)
        if wait_tasks is None:  # a uvicorn without the helper: keep its own shutdown
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        deadline = time.monotonic() + 0.5
        while self.server_state.connections and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        try:
            await asyncio.wait_for(wait_tasks(), timeout=self.config.timeout_graceful_shutdown)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="sandbox shutdown")
        if not self.force_exit:
            await self.lifespan.shutdown()


def _server(sandbox: Sandbox) -> uvicorn.Server:
    _quiet_drops()
    config = uvicorn.Config(
        sandbox.asgi,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
        # Longer than a client's idle pool time, so a reused connection is not closed under it (the
        # race would show up as spurious transport errors in tests).
        timeout_keep_alive=65,
        backlog=2048,
    )
    return _Server(config)


@dataclass
class RunningSandbox:
    """A sandbox served by uvicorn in a background thread.

    Attributes:
        sandbox: The app and its ledger.
        url: The root, e.g. ``http://127.0.0.1:41234``.
        port: The port it listens on.
    """

    sandbox: Sandbox
    url: str
    port: int
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def base_urls(self) -> dict[str, str]:
        """Provider id → base URL (what the LEADLOADER_*_URL variables take)."""
        return self.sandbox.base_urls(self.url)

    @property
    def ledger(self) -> Ledger:
        """The sandbox's ledger (thread-safe to read while the server runs)."""
        return self.sandbox.ledger

    def stop(self) -> None:
        """Ask uvicorn to finish and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout=15)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5)


@contextlib.contextmanager
def serve_in_thread(sandbox: Sandbox, port: int = 0) -> Iterator[RunningSandbox]:
    """Serve ``sandbox`` on 127.0.0.1 in a (non-daemon) thread until the block ends, then join it."""
    sock = bind(port)
    server = _server(sandbox)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{sock.getsockname()[1]}"
    )
    thread.start()
    try:
        if not _wait_started(server, thread):
            raise RuntimeError("the sandbox server did not start")
        actual = sock.getsockname()[1]
        yield RunningSandbox(sandbox, f"http://{HOST}:{actual}", actual, server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        sock.close()


def _wait_started(server: uvicorn.Server, thread: threading.Thread) -> bool:
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadloader sandbox",
        description="Serve a local emulator of lemlist, Instantly, Aktify and SendPilot on 127.0.0.1.",
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="port to listen on (0: any free port; default 8765)"
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every request")
    parser.add_argument("--fault-rate", type=float, default=0.0, help="share of writes that fail (0..1)")
    parser.add_argument("--seed", type=int, default=0, help="seed for faults and generated ids")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sandbox until Ctrl-C. Returns 0 on a clean stop, 2 on bad arguments or a port in use."""
    parser = _parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not 0 <= args.port <= 65535:
        print(f"--port must be between 0 and 65535, got {args.port}", file=sys.stderr)
        return 2
    if not 0.0 <= args.fault_rate <= 1.0:
        print(f"--fault-rate must be between 0 and 1, got {args.fault_rate}", file=sys.stderr)
        return 2
    if args.latency_ms < 0:
        print(f"--latency-ms must not be negative, got {args.latency_ms}", file=sys.stderr)
        return 2
    try:
        sock = bind(args.port)
    except OSError as exc:
        if exc.errno in _IN_USE:
            print(f"port {args.port} is already in use; pick another with --port", file=sys.stderr)
        else:
            print(f"cannot listen on {HOST}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    sandbox = create_sandbox(latency_ms=args.latency_ms, fault_rate=args.fault_rate, seed=args.seed)
    port = sock.getsockname()[1]
    width = max(len(p) for p in PREFIXES)
    for provider, url in sandbox.base_urls(f"http://{HOST}:{port}").items():
        print(f"{provider:<{width + 2}}{url}")
    print(f'keys must start with "{KEY_PREFIX}" (e.g. {KEY_PREFIX}-demo); other keys get the provider\'s 401')
    print("press Ctrl-C to stop", flush=True)
    server = _server(sandbox)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
