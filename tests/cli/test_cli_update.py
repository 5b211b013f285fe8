"""``leadloader upload --update-existing``, in-process against the sandbox on 127.0.0.1."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.sandbox import seed
from tests.cli.test_cli_safety import upload

KEY = "sandbox-update-cli"
ROOT = Path(__file__).resolve().parents[2]
LEADS_20 = ROOT / "tests" / "data" / "leads_20.csv"
LEMLIST = ("--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN, "--allow-empty-tags")
INSTANTLY = ("--provider", "instantly", "--campaign", seed.INSTANTLY_CAMPAIGN, "--allow-empty-tags")
CHANGED = (1, 4, 9, 13, 18)


@pytest.fixture(autouse=True)
def _key_and_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LEADLOADER_API_KEY", KEY)
    yield
    from gui.core.logs import close_logging

    close_logging()


def _edited(tmp_path: Path) -> Path:
    """leads_20.csv with a new first name and job title in five rows."""
    with LEADS_20.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for i in CHANGED:
        rows[i]["First Name"] = rows[i]["First Name"] + "-Marie"
        rows[i]["Job Title"] = "Chief Revenue Officer"
    path = tmp_path / "leads_20_edited.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("where", [LEMLIST, INSTANTLY])
def test_update_existing_patches_the_five_changed_rows(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: tuple[str, ...]
) -> None:
    provider = where[1]
    code, first, err = upload(capsys, str(LEADS_20), *where)
    assert code == 0, err
    assert first["uploaded"] == 20 and first["updated"] == 0  # always in the line, 0 by default
    created = sandbox.ledger.created(provider)
    report = tmp_path / "report.csv"
    code, summary, err = upload(
        capsys, str(_edited(tmp_path)), *where, "--update-existing", "--report", str(report)
    )
    assert code == 0, err
    assert (summary["updated"], summary["duplicate"], summary["uploaded"]) == (5, 15, 0)
    assert sandbox.ledger.created(provider) == created
    patches = sandbox.ledger.patches(provider)
    assert len(patches) == 5
    first_name, title = ("firstName", "jobTitle") if provider == "lemlist" else ("first_name", "job_title")
    assert all(set(change) == {first_name, title} for _id, change in patches)
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    updated = [i for i, row in enumerate(rows) if row["status"] == "updated"]
    assert updated == list(CHANGED)
    assert rows[CHANGED[0]]["reason"] == f"updated: {first_name}, {title}"
    assert KEY not in err


def test_without_the_option_a_changed_row_is_only_reported(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert upload(capsys, str(LEADS_20), *LEMLIST)[0] == 0
    code, summary, _err = upload(capsys, str(_edited(tmp_path)), *LEMLIST)
    assert code == 0 and summary["updated"] == 0 and summary["skipped"] == 20
    assert sandbox.ledger.patches("lemlist") == []


@pytest.mark.parametrize(
    ("provider", "where"),
    [("sendpilot", ("--campaign", seed.SENDPILOT_CAMPAIGN)), ("aktify", ())],
)
def test_providers_without_an_update_exit_2_saying_so(
    sandbox, capsys: pytest.CaptureFixture[str], provider: str, where: tuple[str, ...]
) -> None:
    code, summary, err = upload(capsys, str(LEADS_20), "--provider", provider, *where, "--update-existing")
    assert code == 2
    assert summary == {}
    assert "offers no way to update a lead that is already there" in err
    assert sandbox.ledger.requests(provider) == 0
