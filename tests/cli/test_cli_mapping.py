"""Issue 20: ``--map`` refines the suggested (or preset) mapping; ``--unmap``/``=-`` leave a column out.

Run in-process through ``gui.cli.main(argv)``; the upload that sends goes to the sandbox on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.cli import main
from gui.sandbox import seed

ROOT = Path(__file__).resolve().parents[2]
LEADS_20 = ROOT / "tests" / "data" / "leads_20.csv"
LEMLIST = ("--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN)


@pytest.fixture(autouse=True)
def _close_log() -> Iterator[None]:
    yield
    from gui.core.logs import close_logging

    close_logging()


def upload(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    """Exit code, the JSON summary on stdout, and stderr."""
    code = main(["upload", str(LEADS_20), *LEMLIST, *args])
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert len(lines) == 1, out + err
    return code, json.loads(lines[0]), err


def test_one_map_keeps_every_other_suggested_column(capsys: pytest.CaptureFixture[str]) -> None:
    code, suggested, _ = upload(capsys, "--dry-run")
    code_mapped, summary, _ = upload(capsys, "--dry-run", "--map", "Industry=custom:sector")
    assert code == code_mapped == 0
    assert summary["mapping"] == {**suggested["mapping"], "Industry": "custom:sector"}  # type: ignore[dict-item]
    assert summary["mapping"]["Email"] == "email"  # type: ignore[index]
    assert summary["invalid"] == 0


def test_map_sends_the_suggested_columns_too(
    sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's report: one --map used to leave Email unmapped and every row invalid."""
    monkeypatch.setenv("LEADLOADER_API_KEY", seed.SANDBOX_KEY)
    code, summary, err = upload(capsys, "--map", "Industry=custom:sector", "--allow-empty-tags")
    assert code == 0, err
    assert summary["uploaded"] == 20 and summary["invalid"] == 0
    created = sandbox.ledger.payloads("lemlist", seed.LEMLIST_CAMPAIGN)
    assert {p["email"] for p in created} >= {"ada.lovelace@example.com"}
    assert created[0]["sector"] == "Software"
    assert "industry" not in created[0] and "Industry" not in created[0]


def test_a_mapped_field_moves_and_its_old_column_is_left_out(capsys: pytest.CaptureFixture[str]) -> None:
    _, summary, err = upload(capsys, "--dry-run", "--map", "First Name=lastName")
    mapping = summary["mapping"]
    assert mapping["First Name"] == "lastName"  # type: ignore[index]
    assert "Last Name" not in mapping  # type: ignore[operator]
    assert "Last Name" in err.split("left out:")[1]


@pytest.mark.parametrize("how", [("--unmap", "Industry"), ("--map", "Industry=-"), ("--unmap", "industry")])
def test_unmap_leaves_a_column_out(capsys: pytest.CaptureFixture[str], how: tuple[str, str]) -> None:
    code, summary, err = upload(capsys, "--dry-run", *how)
    assert code == 0, err
    assert "Industry" not in summary["mapping"]  # type: ignore[operator]
    assert summary["mapping"]["Email"] == "email"  # type: ignore[index]
    assert "left out: Industry" in err


def test_unmap_of_a_missing_column_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["upload", str(LEADS_20), *LEMLIST, "--dry-run", "--unmap", "Fax"]) == 2
    err = capsys.readouterr().err
    assert "‘Fax’" in err and "Email" in err


def test_a_column_mapped_and_left_out_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["upload", str(LEADS_20), *LEMLIST, "--dry-run", "--map", "Phone=phone", "--unmap", "Phone"])
    assert code == 2
    assert "both mapped" in capsys.readouterr().err


def test_only_mapped_sends_only_the_map_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, summary, _ = upload(capsys, "--dry-run", "--only-mapped", "--map", "Industry=custom:sector")
    assert summary["mapping"] == {"Industry": "custom:sector"}
    assert code == 1 and summary["invalid"] == 20  # no Email or LinkedIn URL: nothing implicit


def test_no_custom_keeps_custom_variables_named_with_map(capsys: pytest.CaptureFixture[str]) -> None:
    _, summary, _ = upload(capsys, "--dry-run", "--no-custom", "--map", "Industry=custom:sector")
    mapping = summary["mapping"]
    assert mapping["Industry"] == "custom:sector"  # type: ignore[index]
    assert [v for v in mapping.values() if str(v).startswith("custom:")] == ["custom:sector"]  # type: ignore[union-attr]


def test_a_preset_plus_map_refines_the_preset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.presets import Preset

    preset = Preset(
        name="Weekly",
        provider="lemlist",
        mapping=ColumnMapping(fields={"email": "EMAIL", "companyName": "COMPANY"}, custom={"Phone": "tel"}),
    )
    path = tmp_path / "weekly.json"
    path.write_text(json.dumps(preset.to_dict()), encoding="utf-8")
    code, summary, err = upload(
        capsys, "--dry-run", "--preset", str(path), "--map", "Job Title=jobTitle", "--unmap", "Phone"
    )
    assert code == 0, err
    # The preset's columns stay, --map adds one, --unmap takes one out; no suggestion creeps in.
    assert summary["mapping"] == {"Email": "email", "Company": "companyName", "Job Title": "jobTitle"}


def test_dry_run_prints_the_mapping_in_column_order(sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, summary, err = upload(capsys, "--dry-run", "--map", "Industry=custom:sector", "--unmap", "Phone")
    assert code == 0
    lines = err.splitlines()
    start = lines.index("mapping (column -> field):")
    shown = [line.split("->") for line in lines[start + 1 :] if "->" in line]
    assert [(c.strip(), f.strip()) for c, f in shown][:2] == [("Email", "email"), ("First Name", "firstName")]
    assert ("Industry", "custom:sector") in [(c.strip(), f.strip()) for c, f in shown]
    assert "left out: Phone" in lines
    assert len(shown) == len(summary["mapping"])  # type: ignore[arg-type]
    assert sandbox.ledger.created() == 0
