"""The cross-process run lock: one sender per run, taken over at once after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gui.core.run_lock import RunLocked, hold_run

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from gui.core.run_lock import hold_run
    with hold_run("10:abc", "lemlist", "cam_1", front_end="the command line", folder=Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.readline()
    """
)


def _holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_sender_of_the_same_run_is_refused_and_told_where(tmp_path: Path) -> None:
    with hold_run("10:abc", "lemlist", "cam_1", front_end="the LeadLoader window", folder=tmp_path):
        second = hold_run("10:abc", "lemlist", "cam_1", front_end="the command line", folder=tmp_path)
        with pytest.raises(RunLocked) as caught, second:
            pytest.fail("the same run was locked twice")
        assert "the LeadLoader window" in str(caught.value)
        assert f"process {os.getpid()}" in caught.value.holder
        # Another file, or another destination, is another run: both may go at once.
        with hold_run("11:zzz", "lemlist", "cam_1", front_end="x", folder=tmp_path):
            pass
        with hold_run("10:abc", "lemlist", "cam_2", front_end="x", folder=tmp_path):
            pass
    # Released on leaving the block.
    with hold_run("10:abc", "lemlist", "cam_1", front_end="x", folder=tmp_path):
        pass


def test_another_process_holds_it_until_it_is_killed_then_it_is_free_at_once(tmp_path: Path) -> None:
    proc = _holder(tmp_path)
    try:
        second = hold_run("10:abc", "lemlist", "cam_1", front_end="x", folder=tmp_path)
        with pytest.raises(RunLocked, match="the command line, process"), second:
            pass
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # The lock file is still on disk, but the OS lock died with its process.
    assert list(tmp_path.glob("*.lock"))
    with hold_run("10:abc", "lemlist", "cam_1", front_end="x", folder=tmp_path):
        pass
