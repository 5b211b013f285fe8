"""The headless command line over real HTTP to the sandbox on 127.0.0.1 (DESIGN §3 contract)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gui.sandbox import seed

ROOT = Path(__file__).resolve().parents[2]
LEADS_20 = ROOT / "tests" / "data" / "leads_20.csv"


def run_cli(
    *args: str, key: str | None = "sandbox-cli", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("LEADLOADER_API_KEY", None)
    if key is not None:
        env["LEADLOADER_API_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "gui", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
    )


def summary_of(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(lines) == 1, result.stdout + result.stderr
    return json.loads(lines[0])


def test_twenty_rows_reach_the_lemlist_campaign(sandbox) -> None:
    result = run_cli(
        "upload", str(LEADS_20), "--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN,
        "--allow-empty-tags",  # the demo campaign uses {{icebreaker}}, which these leads lack
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = summary_of(result)
    assert summary["uploaded"] == 20
    assert summary["total"] == 20
    assert {"duplicate", "skipped", "invalid", "failed", "seconds"} <= summary.keys()
    created = sandbox.ledger.payloads("lemlist", seed.LEMLIST_CAMPAIGN)
    assert len(created) == 20
    assert {p["email"] for p in created} >= {"ada.lovelace@example.com", "niklaus.wirth@example.com"}
    assert created[0]["industry"] == "Software"  # an unmapped column goes as a flat custom variable
    assert "sandbox-cli" not in result.stderr + result.stdout


def test_rerun_skips_rows_already_uploaded(sandbox) -> None:
    args = (
        "upload",
        str(LEADS_20),
        "--provider",
        "lemlist",
        "--campaign",
        seed.LEMLIST_CAMPAIGN,
        "--allow-empty-tags",
    )
    assert run_cli(*args).returncode == 0
    again = run_cli(*args)
    assert again.returncode == 0, again.stderr
    summary = summary_of(again)
    assert summary["uploaded"] == 0
    assert summary["skipped"] + summary["duplicate"] == 20


def test_wrong_key_exits_3_with_one_line(sandbox) -> None:
    result = run_cli(
        "upload",
        str(LEADS_20),
        "--provider",
        "lemlist",
        "--campaign",
        seed.LEMLIST_CAMPAIGN,
        key="wrong-key-123",
    )
    assert result.returncode == 3, result.stderr
    reason = [line for line in result.stderr.splitlines() if "401" in line]
    assert reason, result.stderr
    assert "wrong-key-123" not in result.stderr + result.stdout


def test_missing_file_exits_2_naming_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "leads.csv"
    result = run_cli("upload", str(missing), "--provider", "lemlist", "--campaign", "cam_x")
    assert result.returncode == 2
    assert str(missing) in result.stderr


def test_unknown_option_is_bad_usage(sandbox) -> None:
    result = run_cli(
        "upload",
        str(LEADS_20),
        "--provider",
        "lemlist",
        "--campaign",
        seed.LEMLIST_CAMPAIGN,
        "--option",
        "x=1",
    )
    assert result.returncode == 2
    assert "deduplicate" in result.stderr


def test_dry_run_reports_mapping_and_sends_nothing(sandbox, tmp_path: Path) -> None:
    report = tmp_path / "out.csv"
    result = run_cli(
        "upload",
        str(LEADS_20),
        "--provider",
        "lemlist",
        "--campaign",
        seed.LEMLIST_CAMPAIGN,
        "--dry-run",
        "--report",
        str(report),
        key=None,
    )
    assert result.returncode == 0, result.stderr
    summary = summary_of(result)
    assert summary["mapping"]["Email"] == "email"
    assert summary["mapping"]["Industry"] == "custom:Industry" or str(
        summary["mapping"]["Industry"]
    ).startswith("custom:")
    assert sandbox.ledger.created() == 0
    text = report.read_text(encoding="utf-8-sig")
    assert "ada.lovelace@example.com" in text
    assert "status" in text.splitlines()[0]


def test_preset_matches_headers_like_the_window_and_replays_its_fixes(sandbox, tmp_path: Path) -> None:
    from gui.core.fixes import FixStep
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.presets import Preset

    # Saved on a file whose headers were spelled in capitals, with one fix.
    preset = Preset(
        name="Weekly",
        provider="lemlist",
        mapping=ColumnMapping(fields={"email": "EMAIL", "companyName": "COMPANY"}),
        fixes=(FixStep("Company", "uppercase", {}),),
    )
    path = tmp_path / "weekly.json"
    path.write_text(json.dumps(preset.to_dict()), encoding="utf-8")
    report = tmp_path / "out.csv"
    result = run_cli(
        "upload", str(LEADS_20), "--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN,
        "--preset", str(path), "--dry-run", "--report", str(report), key=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert summary_of(result)["mapping"] == {"Email": "email", "Company": "companyName"}
    assert "ANALYTICAL ENGINES" in report.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("name", "rows", "cells"),
    [
        ("leads.xlsx", 3, ["02134", "1234567890123456", "2024-03-05 14:30:00"]),
        ("leads.xls", 2, ["02134", "'+447911123456", "3.50"]),  # ' : a leading + is not a formula
        ("contacts.ods", 2, ["Åsa", "01234", "2024-02-29", "02134", "25%"]),
        ("utf16_bom.tsv", 2, ["Łukasz", "'+48 600 100 200"]),
        ("pipe.txt", 2, ["ann@example.com", "None", "null"]),
        ("late_cp1252.csv", 41, ["Renée", "renee@example.com", "user39@example.com"]),
    ],
)
def test_dry_run_report_shows_the_loaded_text_for_every_format(
    sandbox, tmp_path: Path, name: str, rows: int, cells: list[str]
) -> None:
    report = tmp_path / "out.csv"
    source = ROOT / "tests" / "data" / "sheets" / name
    result = run_cli(
        "upload", str(source), "--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN,
        "--dry-run", "--report", str(report), key=None,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert summary_of(result)["total"] == rows
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == rows + 1
    for cell in cells:
        assert any(cell in line.split(",") for line in lines[1:]), f"{cell!r} not in {lines}"
    assert sandbox.ledger.created() == 0


@pytest.mark.parametrize("provider", ["lemlist", "instantly", "sendpilot", "aktify"])
def test_campaigns_lists_every_seeded_campaign(sandbox, provider: str) -> None:
    result = run_cli("campaigns", "--provider", provider)
    assert result.returncode == 0, result.stderr
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert all(len(r) == 3 for r in rows)
    listed = {r[0] for r in rows}
    if provider == "lemlist":
        assert len(listed) == seed.LEMLIST_CAMPAIGN_COUNT and seed.LEMLIST_CAMPAIGN in listed
    elif provider == "instantly":
        assert len(listed) == seed.INSTANTLY_CAMPAIGN_COUNT + seed.INSTANTLY_LIST_COUNT
        assert {seed.INSTANTLY_CAMPAIGN, f"list:{seed.INSTANTLY_LIST}"} <= listed
    elif provider == "sendpilot":
        assert len(listed) == seed.SENDPILOT_CAMPAIGN_COUNT and seed.SENDPILOT_CAMPAIGN in listed
    else:
        assert len(listed) == 1  # Aktify: the key is its campaign


def test_campaigns_wrong_key_exits_3(sandbox) -> None:
    result = run_cli("campaigns", "--provider", "lemlist", key="nope")
    assert result.returncode == 3


def test_version_and_help() -> None:
    assert run_cli("--version").stdout.startswith("leadloader ")
    assert "upload" in run_cli("--help").stdout


def test_core_imports_no_qt_contract() -> None:
    """import-linter's contracts (pyproject) hold: the core imports no Qt, the sandbox not our clients."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core imports no Qt KEPT" in result.stdout
