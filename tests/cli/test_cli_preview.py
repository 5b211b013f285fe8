"""``leadloader preview``: one row's emails as the campaign sends them, in-process against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.cli import main
from gui.sandbox import seed

KEY = "sandbox-preview-cli"
LEMLIST = ("--provider", "lemlist", "--campaign", seed.LEMLIST_CAMPAIGN)
SHEET = (
    "Email,First Name,Last Name,Company,Job Title,Industry,Icebreaker\n"
    "ann@acme-prev.com,Ann,Archer,Acme,CTO,SaaS,Loved your talk\n"
    "bob@bobco-prev.com,,Baker,Bobco,CEO,Retail,Saw your post\n"
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
    path.write_text(SHEET, encoding="utf-8")
    return path


def preview(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["preview", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_first_data_row_fills_every_tag_as_plain_text(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = preview(capsys, str(sheet), *LEMLIST)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "--- step 1 ---"
    assert lines[1] == "Subject: Ann, an idea for Acme"
    assert "Hi Ann," in lines and "Loved your talk" in lines
    assert "Teams like Acme cut their onboarding time in half with us." in lines
    assert "<p>" not in out and "{{firstName}}" not in out and "unresolved:" not in out
    assert "{{signature}}" in out  # the provider's own tags stay: only lemlist can fill them
    assert sum(line.startswith("--- step") for line in lines) >= 3
    assert "row 2 of leads.csv" in err


def test_a_row_with_an_empty_first_name_exits_1_naming_the_tag(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = preview(capsys, str(sheet), *LEMLIST, "--row", "3")
    assert code == 1, err
    assert "unresolved: {{firstName}}" in out.splitlines()
    assert "Subject: {{firstName}}, an idea for Bobco" in out
    assert "unresolved: {{companyName}}" not in out


@pytest.mark.parametrize("row", ["1", "4", "99", "0"])
def test_a_row_that_is_not_a_data_row_is_bad_usage(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str], row: str
) -> None:
    code, out, err = preview(capsys, str(sheet), *LEMLIST, "--row", row)
    assert code == 2 and out == ""
    assert f"row {row} is not a data row" in err and "2–3" in err


def test_a_bad_provider_is_bad_usage(sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = preview(capsys, str(sheet), "--provider", "mailchimp", "--campaign", "x")
    assert code == 2 and "invalid choice" in err


def test_lemlist_without_a_campaign_is_bad_usage(sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = preview(capsys, str(sheet), "--provider", "lemlist")
    assert code == 2 and "--campaign" in err


@pytest.mark.parametrize(("provider", "label"), [("aktify", "Aktify"), ("sendpilot", "SendPilot")])
def test_providers_without_campaign_text_say_so_in_one_line(
    sheet: Path, capsys: pytest.CaptureFixture[str], provider: str, label: str
) -> None:
    code, out, err = preview(capsys, str(sheet), "--provider", provider, "--campaign", "c1")
    assert code == 0, err
    assert out.splitlines() == [f"{label} publishes no campaign text, so there is no email to preview."]


@pytest.mark.parametrize(
    "case",
    [
        ("cam_does_not_exist", KEY, "could not be checked"),
        (seed.LEMLIST_CAMPAIGN, "wrong-preview-key", "401"),
    ],
)
def test_an_unreadable_campaign_is_a_line_on_stderr_and_exit_0(
    sandbox,
    sheet: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, str, str],
) -> None:
    campaign, key, words = case
    monkeypatch.setenv("LEADLOADER_API_KEY", key)
    code, out, err = preview(capsys, str(sheet), "--provider", "lemlist", "--campaign", campaign)
    assert code == 0, err
    assert out == ""
    assert "The campaign's emails could not be checked:" in err and words in err
    assert "wrong-preview-key" not in err


def test_instantly_spintax_shows_its_first_option(
    sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = preview(
        capsys, str(sheet), "--provider", "instantly", "--campaign", seed.INSTANTLY_CAMPAIGN
    )
    assert "Subject: Hi Ann" in out.splitlines(), out + err
    assert "RANDOM" not in out
    assert code == (1 if "unresolved:" in out else 0)
    assert "--- step 1, variant B ---" in out or "--- step 2 ---" in out


def test_the_mapping_options_are_upload_s(sandbox, sheet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = preview(capsys, str(sheet), *LEMLIST, "--unmap", "Icebreaker")
    assert code == 1, err
    assert "unresolved: {{icebreaker}}" in out.splitlines() and "Loved your talk" not in out
    code, out, err = preview(capsys, str(sheet), *LEMLIST, "--map", "Last Name=firstName")
    assert code == 0, err
    assert "Subject: Archer, an idea for Acme" in out.splitlines()
