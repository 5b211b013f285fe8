"""``leadloader undo RUN_ID``: in-process against the sandbox on 127.0.0.1.

The runs to take back are made with the core's engine (the journal under LEADLOADER_HOME is the
one the command reads), so these tests depend only on what undo does.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from gui.cli import main
from gui.core.domain import Lead
from gui.core.journal import Journal
from gui.core.providers import make_client
from gui.core.run_lock import hold_run
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob
from gui.sandbox import seed

KEY = "sandbox-undo-cli"
TARGETS = {
    "lemlist": seed.LEMLIST_CAMPAIGN,
    "instantly": seed.INSTANTLY_CAMPAIGN,
    "sendpilot": seed.SENDPILOT_CAMPAIGN,
}


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADLOADER_API_KEY", KEY)


def _lead(provider: str, i: int) -> Lead:
    if provider == "sendpilot":
        return Lead(i, {"linkedinUrl": f"https://www.linkedin.com/in/undo-cli-{i}", "firstName": f"U{i}"})
    return Lead(i, {"email": f"undo.cli{i}@example.com"})


def _upload(provider: str, n: int, *, fingerprint: str = "") -> int:
    journal = Journal()
    try:
        job = UploadJob(
            provider=provider,
            destination=TARGETS[provider],
            destination_name="Demo",
            account="LEADLOADER_API_KEY",
            leads=tuple(_lead(provider, i) for i in range(n)),
            invalid={},
            total_rows=n,
            options={},
            mapping={"Email": "email"},
            fingerprint=fingerprint or f"undo-cli-{provider}-{n}",
            file_name="undo.csv",
        )
        report = run_upload(job, lambda: make_client(provider, KEY), journal=journal)
    finally:
        journal.close()
    assert report.summary.uploaded == n
    return report.run_id


def _summary(out: str) -> dict[str, object]:
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert len(lines) == 1, out
    return dict(json.loads(lines[0]))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("provider", ["lemlist", "instantly"])
def test_undo_leaves_the_campaign_with_the_leads_it_had_before(
    sandbox, capsys: pytest.CaptureFixture[str], provider: str
) -> None:
    before = {lead.id for lead in sandbox.ledger.leads(provider, TARGETS[provider])}
    run_id = _upload(provider, 5)
    capsys.readouterr()
    assert main(["undo", str(run_id), "--yes"]) == 0
    summary = _summary(capsys.readouterr().out)
    assert summary["run"] == str(run_id)
    assert (summary["total"], summary["removed"], summary["already_gone"], summary["failed"]) == (5, 5, 0, 0)
    assert isinstance(summary["seconds"], float | int)
    assert {lead.id for lead in sandbox.ledger.leads(provider, TARGETS[provider])} == before


def test_running_undo_again_removes_nothing_twice(sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _upload("lemlist", 3)
    assert main(["undo", str(run_id), "--yes"]) == 0
    assert main(["undo", str(run_id), "--yes"]) == 0
    assert _summary(capsys.readouterr().out.splitlines()[-1])["removed"] == 3
    assert len(sandbox.ledger.removed("lemlist")) == 3


def test_without_yes_and_no_terminal_it_refuses_with_2(
    sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _upload("lemlist", 2)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # a pipe: even a "y" is not a person's answer
    capsys.readouterr()
    assert main(["undo", str(run_id)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--yes" in err and "Nothing removed" in err
    assert sandbox.ledger.removed("lemlist") == []


@pytest.mark.parametrize("case", [("y\n", 0, 2), ("\n", 2, 0), ("no\n", 2, 0)])
def test_on_a_terminal_it_asks_and_only_yes_removes(
    sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, case: tuple[str, int, int]
) -> None:
    answer, code, removed = case
    run_id = _upload("lemlist", 2)
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    assert main(["undo", str(run_id)]) == code
    assert "[y/N]" in capsys.readouterr().err
    assert len(sandbox.ledger.removed("lemlist")) == removed


def test_an_unknown_run_is_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["undo", "999", "--yes"]) == 2
    assert "no run 999" in capsys.readouterr().err


def test_a_run_id_that_is_not_a_number_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["undo", "last", "--yes"]) == 2


def test_a_run_that_created_nothing_is_2(sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _upload("lemlist", 0)
    assert main(["undo", str(run_id), "--yes"]) == 2
    assert "created no leads" in capsys.readouterr().err


def test_a_run_being_sent_is_2_and_nothing_is_removed(sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    run_id = _upload("lemlist", 2, fingerprint="undo-cli-locked")
    with hold_run("undo-cli-locked", "lemlist", seed.LEMLIST_CAMPAIGN, front_end="the LeadLoader window"):
        assert main(["undo", str(run_id), "--yes"]) == 2
    assert "still being sent" in capsys.readouterr().err
    assert sandbox.ledger.removed("lemlist") == []


def test_a_refused_key_is_3(
    sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = _upload("lemlist", 2)
    monkeypatch.setenv("LEADLOADER_API_KEY", "wrong-key-undo")
    capsys.readouterr()
    assert main(["undo", str(run_id), "--yes"]) == 3
    out, err = capsys.readouterr()
    assert "401" in err and "wrong-key-undo" not in out + err
    assert sandbox.ledger.removed("lemlist") == []


def test_sendpilot_has_no_delete_so_the_created_leads_go_to_a_csv(
    sandbox, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_id = _upload("sendpilot", 2)
    out_file = tmp_path / "created.csv"
    assert main(["undo", str(run_id), "--yes", "--export", str(out_file)]) == 2
    err = capsys.readouterr().err
    assert "SendPilot has no way to delete leads" in err and str(out_file) in err
    with out_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["data_row"] for r in rows] == ["1", "2"]
    assert {r["kind"] for r in rows} == {"linkedin"}
    assert all(r["provider_id"] for r in rows)
    assert sandbox.ledger.count("sendpilot", seed.SENDPILOT_CAMPAIGN) == 2


def test_a_cancel_exits_130_and_running_again_resumes(
    sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gui.cli.undo as undo_cli

    run_id = _upload("lemlist", 3)
    real = undo_cli.install_sigint

    def ctrl_c_at_once(on_interrupt):  # type: ignore[no-untyped-def]
        on_interrupt()  # as if Ctrl-C came before the first request
        return lambda: None

    monkeypatch.setattr(undo_cli, "install_sigint", ctrl_c_at_once)
    capsys.readouterr()
    assert main(["undo", str(run_id), "--yes"]) == 130
    out, err = capsys.readouterr()
    assert _summary(out)["removed"] == 0 and "run the same command again to resume" in err
    monkeypatch.setattr(undo_cli, "install_sigint", real)
    assert main(["undo", str(run_id), "--yes"]) == 0
    assert _summary(capsys.readouterr().out)["removed"] == 3
