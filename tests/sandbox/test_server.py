"""``leadloader sandbox`` entry point (issue 3 acceptance: prints where it listens, Ctrl-C, port in use)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from gui.sandbox.app import create_sandbox
from gui.sandbox.server import main, serve_in_thread
from tests.sandbox import helpers

ROOT = Path(__file__).resolve().parents[2]


def _busy_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    return sock


def test_port_in_use_returns_2_with_one_clear_line(capsys):
    """Acceptance: a port in use is rejected with a clear line and exit status 2."""
    with _busy_socket() as busy:
        port = busy.getsockname()[1]
        assert main(["--port", str(port)]) == 2
    out, err = capsys.readouterr()
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert lines == [f"port {port} is already in use; pick another with --port"]


@pytest.mark.parametrize(
    "argv", [["--fault-rate", "1.5"], ["--latency-ms", "-1"], ["--port", "70000"], ["--bogus"]]
)
def test_bad_arguments_return_2(argv, capsys):
    """Bad arguments are refused with a message, not a traceback."""
    assert main(argv) == 2
    assert capsys.readouterr().err.strip()


def test_serve_in_thread_refuses_a_busy_port():
    """serve_in_thread binds first, so a taken port fails fast instead of hanging."""
    with (
        _busy_socket() as busy,
        pytest.raises(OSError),
        serve_in_thread(create_sandbox(), port=busy.getsockname()[1]),
    ):
        pass


def test_main_prints_urls_serves_and_stops_on_ctrl_c():
    """Acceptance: ``leadloader sandbox`` prints the four base URLs and the key rule, exits 0 on Ctrl-C."""
    code = "from gui.sandbox.server import main; raise SystemExit(main(['--port', '0', '--seed', '3']))"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("press Ctrl-C"):
                break
        urls = dict(line.split() for line in lines[:4])
        assert list(urls) == ["lemlist", "instantly", "aktify", "sendpilot"]
        root = urls["instantly"].removesuffix("/instantly")
        assert root.startswith("http://127.0.0.1:")
        assert urls == {
            "lemlist": f"{root}/lemlist/api",
            "instantly": f"{root}/instantly",
            "aktify": f"{root}/aktify",
            "sendpilot": f"{root}/sendpilot",
        }
        assert 'keys must start with "sandbox"' in lines[4]
        r = httpx.get(urls["lemlist"] + "/team", headers=helpers.lemlist_auth(), timeout=10)
        assert r.status_code == 200
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "sandbox stopped" in out
    assert "Traceback" not in err
