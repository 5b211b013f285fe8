"""Issue 20: what a terminal user meets first — help, typos, stray options, no display, completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui.cli import main
from gui.cli.app import display_problem
from gui.cli.common import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
LEADS_20 = ROOT / "tests" / "data" / "leads_20.csv"


def headless_env() -> dict[str, str]:
    """This environment as a terminal without a display sees it."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_python(*args: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter without a display; the timeout catches an app that would wait forever."""
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        capture_output=True,
        text=True,
        env=headless_env(),
        timeout=60,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )


def test_a_typo_exits_2_with_the_suggestion_and_the_commands() -> None:
    result = run_python("-m", "gui", "uplaod", "leads.csv", "--provider", "lemlist")
    assert result.returncode == 2
    assert "unknown command ‘uplaod’ (did you mean ‘upload’?)" in result.stderr
    for name in COMMANDS:
        assert f"\n  {name} " in result.stderr
    assert result.stdout == ""


def test_a_typo_is_answered_without_loading_pandas_or_qt() -> None:
    """Why the answer is immediate: the routing imports neither the data stack nor Qt."""
    probe = (
        "import sys; from gui.cli import main; code = main(['uplaod', 'x.csv']); "
        "print(code, 'pandas' in sys.modules, 'PySide6' in sys.modules)"
    )
    result = run_python("-c", probe)
    assert result.stdout.split() == ["2", "False", "False"], result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["frobnicate", "leads.csv"], "unknown command ‘frobnicate’"),
        (["--provider", "lemlist"], "‘--provider’ needs a command before it"),
        ([str(LEADS_20), "--provider", "lemlist"], "‘--provider’ needs a command before it"),
        (["nowhere/leads.csv"], "no such file: nowhere/leads.csv"),
        (["campains"], "did you mean ‘campaigns’?"),
    ],
)
def test_anything_but_a_command_or_an_existing_file_exits_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "commands:" in err and "upload" in err


def test_the_app_without_a_display_exits_2_with_a_message() -> None:
    result = run_python("-m", "gui", str(LEADS_20))
    assert result.returncode == 2, result.stderr
    assert "no display" in result.stderr
    assert "DISPLAY" in result.stderr and "leadloader upload" in result.stderr


@pytest.mark.parametrize(
    ("env", "platform", "blocked"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "wayland;xcb", "WAYLAND_DISPLAY": "w"}, "linux", False),
        ({}, "darwin", False),
        ({}, "win32", False),
    ],
)
def test_display_check(env: dict[str, str], platform: str, blocked: bool) -> None:
    assert (display_problem(env, platform) is not None) is blocked


def test_top_help_lists_every_command_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and len(line.split()) > 2]
    assert [name for name in listed if name in COMMANDS] == list(COMMANDS)
    assert out.rstrip().splitlines()[-1].strip().startswith("leadloader upload ")


@pytest.mark.parametrize(
    "command", [[name] for name in COMMANDS] + [["accounts", "add"], ["accounts", "list"]]
)
def test_every_command_help_ends_with_an_example(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main([*command, "--help"]) == 0
    lines = capsys.readouterr().out.rstrip().splitlines()
    examples_at = max(i for i, line in enumerate(lines) if line.startswith("example"))
    examples = lines[examples_at + 1 :]
    assert examples and all(line.startswith("  ") and "leadloader " in line for line in examples), lines
    assert any(f"leadloader {' '.join(command)}" in line for line in examples), examples


def test_bash_completion_completes_commands_and_options(capsys: pytest.CaptureFixture[str]) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash here")
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    probe = (
        'source /dev/stdin; complete_at() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); '
        '_shtab_leadloader; echo "${COMPREPLY[*]}"; }; '
        "complete_at leadloader upl; complete_at leadloader upload x.csv --unm; "
        "complete_at leadloader accounts re"
    )
    result = subprocess.run(
        [bash, "-c", probe], input=script, capture_output=True, text=True, check=False, timeout=30
    )
    assert result.stdout.splitlines() == ["upload", "--unmap", "remove"], result.stderr


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_know_the_commands_and_options(
    capsys: pytest.CaptureFixture[str], shell: str
) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    for word in (*COMMANDS, "only-mapped", "unmap", "latency-ms", "lemlist"):  # fish writes -l unmap
        assert word in script, word


def test_completion_of_an_unknown_shell_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "cmd.exe"]) == 2
    assert "invalid choice" in capsys.readouterr().err
