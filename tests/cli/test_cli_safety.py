"""``upload``'s checks before sending, in-process against the sandbox on 127.0.0.1.

The lemlist demo campaign's emails use ``{{firstName}}``, ``{{companyName}}``, ``{{icebreaker}}``,
``{{jobTitle}}`` and (in a branch) ``{{industry}}``: a row missing one of them must not be sent
unless the user allows it; a row on the do-not-contact list is never sent.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.cli import main
from gui.core.dnc import DncList
from gui.core.paced_calls import ATTEMPTS
from gui.core.providers.client import HttpClient
from gui.sandbox import seed
from gui.sandbox.faults import Fault, FaultConfig

KEY = "sandbox-safety-cli"
LEMLIST = ("--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN)
HEADER = "Email,First Name,Last Name,Company,Job Title,Industry,Icebreaker\n"
ROWS = (
    "ann@acme-safe.com,Ann,Archer,Acme,CTO,SaaS,Loved your talk\n"
    "bob@bobco-safe.com,,Baker,Bobco,CEO,Retail,Saw your post\n"  # no first name: "Hi ,"
    "cy@optout-safe.io,Cy,Cole,Optout,VP Sales,Health,Read your thread\n"
)


@pytest.fixture(autouse=True)
def _key_and_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LEADLOADER_API_KEY", KEY)
    yield
    from gui.core.logs import close_logging

    close_logging()


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


def upload(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object], str]:
    """Exit code, the JSON summary ({} when none was printed) and stderr."""
    code = main(["upload", *args])
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert len(lines) <= 1, out
    return code, (json.loads(lines[0]) if lines else {}), err


def report_rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["Email"]: row for row in csv.DictReader(handle)}


def sent(sandbox) -> set[str]:
    return {p["email"] for p in sandbox.ledger.payloads("lemlist", seed.LEMLIST_CAMPAIGN)}


def test_a_row_with_an_empty_tag_is_invalid_naming_step_and_tag(
    sandbox, sheet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "out.csv"
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--report", str(report))
    assert code == 1, err
    assert (summary["uploaded"], summary["invalid"], summary["skipped"]) == (2, 1, 0)
    assert summary["run"] and int(str(summary["run"])) > 0
    assert "1 rows with an empty merge tag will not be sent." in err
    bob = report_rows(report)["bob@bobco-safe.com"]
    assert bob["status"] == "invalid"
    assert "{{firstName}}" in bob["reason"] and "step 1" in bob["reason"]
    assert sent(sandbox) == {"ann@acme-safe.com", "cy@optout-safe.io"}


def test_allow_empty_tags_sends_those_rows(sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags")
    assert code == 0, err
    assert (summary["uploaded"], summary["invalid"]) == (3, 0)
    assert "will be sent anyway (allowed)" in err
    assert "bob@bobco-safe.com" in sent(sandbox)


def test_a_tag_no_column_provides_is_one_sheet_wide_message(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "no_icebreaker.csv"
    path.write_text(
        "Email,First Name,Company,Job Title,Industry\na@x-safe.com,A,Ax,CTO,SaaS\n", encoding="utf-8"
    )
    code, summary, err = upload(capsys, str(path), *LEMLIST)
    assert code == 1, err
    assert summary["invalid"] == 1 and summary["uploaded"] == 0
    assert err.count("{{icebreaker}}; no column provides it.") == 1
    assert sent(sandbox) == set()


def test_listed_rows_are_skipped_in_a_dry_run_and_never_sent(
    sandbox, sheet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dnc", "add", "optout-safe.io"]) == 0
    report = tmp_path / "dry.csv"
    code, summary, err = upload(
        capsys, str(sheet), *LEMLIST, "--allow-empty-tags", "--dry-run", "--report", str(report)
    )
    assert code == 0, err
    assert summary["skipped"] == 1 and summary["invalid"] == 0
    assert "1 row on the do-not-contact list will be skipped." in err
    cy = report_rows(report)["cy@optout-safe.io"]
    assert (cy["status"], cy["reason"]) == ("skipped", "on the do-not-contact list: optout-safe.io, typed in")
    assert sandbox.ledger.created() == 0

    report = tmp_path / "real.csv"
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags", "--report", str(report))
    assert code == 0, err
    assert (summary["uploaded"], summary["skipped"]) == (2, 1)
    assert report_rows(report)["cy@optout-safe.io"]["status"] == "skipped"
    assert "cy@optout-safe.io" not in sent(sandbox)


def test_a_dry_run_without_a_key_checks_the_local_list_and_says_what_it_did_not_check(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADLOADER_API_KEY")
    assert main(["dnc", "add", "cy@optout-safe.io"]) == 0
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--dry-run")
    assert code == 0, err
    assert summary["skipped"] == 1 and summary["invalid"] == 0
    assert "merge tags were not checked" in err and "list was not pulled" in err
    assert sandbox.ledger.requests("lemlist") == 0


def test_the_provider_list_is_pulled_before_the_upload(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags")
    assert code == 0, err
    assert "Pulled lemlist's do-not-contact list" in err
    dnc = DncList()
    try:
        assert dnc.last_pull("lemlist") is not None
    finally:
        dnc.close()


def test_a_pull_retries_a_5xx_and_the_upload_goes_on(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)
    once = FaultConfig(reads=True, providers=frozenset({"lemlist"}), script=(Fault.ERROR_BEFORE_COMMIT,))
    sandbox.sandbox.set_faults(once)
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags")
    assert code == 0, err
    assert summary["uploaded"] == 3
    assert "Pulled lemlist's do-not-contact list" in err


def test_a_failed_pull_blocks_the_upload_and_no_provider_list_goes_on(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 5xx on every try (the pull retries transient failures, as uploads do).
    monkeypatch.setattr(HttpClient, "list_backoff", 0.01)
    script = (Fault.ERROR_BEFORE_COMMIT,) * ATTEMPTS
    failing = FaultConfig(reads=True, providers=frozenset({"lemlist"}), script=script)
    sandbox.sandbox.set_faults(failing)
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags")
    assert code == 3, err
    assert summary == {}
    assert "do-not-contact list could not be read, so the upload did not start" in err
    assert "never pulled" in err and "--no-provider-list" in err
    assert sandbox.ledger.created() == 0

    sandbox.sandbox.set_faults(failing)
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags", "--no-provider-list")
    assert code == 0, err
    assert summary["uploaded"] == 3
    assert "Using the local copy of lemlist's list (never pulled)." in err


def test_a_refused_key_stops_the_upload_as_a_refused_key_not_an_unreadable_list(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pull before sending is the first request: its 401 must not suggest --no-provider-list.
    monkeypatch.setenv("LEADLOADER_API_KEY", "wrong key, not a sandbox one")
    code, summary, err = upload(capsys, str(sheet), *LEMLIST, "--allow-empty-tags")
    assert code == 3, err
    assert summary == {}
    assert "the key was refused, so nothing was sent" in err
    assert "rejected the API key (401)" in err
    assert "--no-provider-list" not in err and "could not be read" not in err
    assert "wrong key" not in err  # the key itself is never echoed
    assert sandbox.ledger.created() == 0


def test_an_unreadable_campaign_is_a_note_and_the_upload_goes_on(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The pull succeeds; the next lemlist read (the campaign's sequences) answers 500.
    sandbox.sandbox.set_faults(
        FaultConfig(reads=True, providers=frozenset({"lemlist"}), script=(None, Fault.ERROR_BEFORE_COMMIT))
    )
    code, summary, err = upload(capsys, str(sheet), *LEMLIST)
    assert code == 0, err
    assert summary["uploaded"] == 3 and summary["invalid"] == 0
    assert "The campaign's emails could not be checked:" in err


def test_aktify_has_no_campaign_text_and_no_provider_list(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "phones.csv"
    path.write_text(
        "Phone,ZIP,First Name\n+1 415 555 0199,94105,Ann\n+1 415 555 0198,94105,Bo\n", encoding="utf-8"
    )
    assert main(["dnc", "add", "+1 415 555 0198"]) == 0
    code, summary, err = upload(capsys, str(path), "--provider", "aktify")
    assert code == 0, err
    assert (summary["uploaded"], summary["skipped"]) == (1, 1)
    assert "Aktify does not publish a campaign's emails" in err


def test_an_entry_only_on_the_providers_list_is_pulled_and_skipped(
    sandbox, sheet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Put the entry on Instantly's block list (through a push), then forget it locally.
    assert main(["dnc", "add", "cy@optout-safe.io"]) == 0
    assert main(["dnc", "push", "--provider", "instantly"]) == 0
    assert main(["dnc", "remove", "cy@optout-safe.io"]) == 0
    report = tmp_path / "out.csv"
    args = ("--provider", "instantly", "--campaign", seed.INSTANTLY_CAMPAIGN, "--allow-empty-tags")
    code, summary, err = upload(capsys, str(sheet), *args, "--report", str(report))
    assert code == 0, err
    assert "Pulled Instantly's do-not-contact list" in err
    assert (summary["uploaded"], summary["skipped"]) == (2, 1)
    reason = report_rows(report)["cy@optout-safe.io"]["reason"]
    assert reason == "on the do-not-contact list: cy@optout-safe.io, from the Instantly block list"
    stored = {p["email"] for p in sandbox.ledger.payloads("instantly", seed.INSTANTLY_CAMPAIGN)}
    assert "cy@optout-safe.io" not in stored and "ann@acme-safe.com" in stored
