"""``upload --route-by COLUMN --route VALUE=ID``: one sheet, several campaigns, in-process on the sandbox.

The three lemlist campaigns are seeded ones (``gui.sandbox.seed``); the leads use ``--allow-empty-tags``
because the demo campaigns' emails use ``{{icebreaker}}``, which these sheets lack on purpose except where a
test is about the tags.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.sandbox import seed
from tests.cli.test_cli_safety import upload

KEY = "sandbox-routing-cli"
EMEA, NA, OTHER = seed.LEMLIST_CAMPAIGN, seed.LEMLIST_CAMPAIGN_2, seed.LEMLIST_PAUSED_CAMPAIGN
REGIONS = ("EMEA", " emea ", "NA", "na", "APAC", "LatAm")


@pytest.fixture(autouse=True)
def _key_and_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LEADLOADER_API_KEY", KEY)
    yield
    from gui.core.logs import close_logging

    close_logging()


def write_sheet(path: Path, regions: tuple[str, ...] = REGIONS, per: int = 2) -> list[tuple[str, str]]:
    """A sheet of ``per`` rows per region value; returns (email, region) in sheet order."""
    rows = [
        (f"route{i}.{j}@example-route.com", region) for i, region in enumerate(regions) for j in range(per)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "First Name", "Company", "Region"])
        for email, region in rows:
            writer.writerow([email, "Ann", "Route Co", region])
    return rows


def emails_in(sandbox, campaign: str) -> list[str]:
    return [str(p["email"]) for p in sandbox.ledger.payloads("lemlist", campaign)]


ROUTES = ("--route-by", "Region", "--route", f"EMEA={EMEA}", "--route", f"NA={NA}")


def routed(
    capsys: pytest.CaptureFixture[str], folder: Path, *extra: str
) -> tuple[int, dict[str, object], str]:
    """Upload the six-region sheet to lemlist with :data:`ROUTES` and ``extra``."""
    sheet = folder / "leads.csv"
    write_sheet(sheet)
    return upload(capsys, str(sheet), "--provider", "lemlist", *ROUTES, *extra)


def test_values_go_to_their_campaigns_case_and_spaces_ignored_and_the_rest_is_skipped(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "leads.csv"
    rows = write_sheet(sheet)
    report = tmp_path / "out.csv"
    code, summary, err = upload(
        capsys, str(sheet), "--provider", "lemlist", *ROUTES, "--allow-empty-tags", "--report", str(report)
    )
    assert code == 0, err
    assert (summary["uploaded"], summary["skipped"], summary["total"]) == (8, 4, 12)
    by_region = {email: region.strip().upper() for email, region in rows}
    assert sorted(emails_in(sandbox, EMEA)) == sorted(e for e, r in by_region.items() if r == "EMEA")
    assert sorted(emails_in(sandbox, NA)) == sorted(e for e, r in by_region.items() if r == "NA")
    destinations = summary["destinations"]
    assert isinstance(destinations, dict)
    assert set(destinations) == {EMEA, NA}
    assert destinations[EMEA]["uploaded"] == destinations[EMEA]["total"] == 4
    assert destinations[NA]["uploaded"] == 4
    assert f"{EMEA}: 4 rows: 4 uploaded" in err
    with report.open(encoding="utf-8-sig", newline="") as handle:
        written = {row["Email"]: row for row in csv.DictReader(handle)}
    apac = written["route4.0@example-route.com"]
    assert (apac["status"], apac["reason"], apac["destination"]) == (
        "skipped",
        "no route for Region=APAC",
        "",
    )
    assert written["route1.1@example-route.com"]["destination"] == EMEA
    assert written["route3.0@example-route.com"]["destination"] == NA


def test_each_campaign_checks_its_own_merge_tags(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """EMEA's campaign uses {{icebreaker}} (no column has it): its rows are held; NA's plain one sends."""
    sheet = tmp_path / "leads.csv"
    write_sheet(sheet, ("EMEA", "NA"))
    plain = seed.LEMLIST_PAUSED_CAMPAIGN  # its emails use {{firstName}} and {{companyName}} only
    code, summary, err = upload(
        capsys, str(sheet), "--provider", "lemlist", "--route-by", "Region",
        "--route", f"EMEA={EMEA}", "--route", f"NA={plain}",
    )  # fmt: skip
    assert code == 1, err
    assert (summary["uploaded"], summary["invalid"]) == (2, 2)
    assert emails_in(sandbox, EMEA) == []
    assert sorted(emails_in(sandbox, plain)) == ["route1.0@example-route.com", "route1.1@example-route.com"]
    destinations = summary["destinations"]
    assert isinstance(destinations, dict)
    assert destinations[EMEA]["invalid"] == 2 and destinations[plain]["uploaded"] == 2
    assert f"{EMEA}: " in err and "{{icebreaker}}" in err
    assert f"{plain}: " in err


def test_a_route_to_an_id_the_account_lacks_is_refused_before_anything_is_sent(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary, err = routed(capsys, tmp_path, "--route", "*=cam_doesNotExist9", "--allow-empty-tags")
    assert code == 2 and summary == {}
    assert "*" in err and "cam_doesNotExist9" in err and "Nothing was sent" in err
    assert emails_in(sandbox, EMEA) == emails_in(sandbox, NA) == []


def test_an_instantly_campaign_id_is_not_a_lemlist_route(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "leads.csv"
    write_sheet(sheet, ("EMEA",))
    other = seed.instantly_campaign_id(0)
    code, _, err = upload(
        capsys, str(sheet), "--provider", "lemlist", "--route-by", "Region", "--route", f"EMEA={other}"
    )
    assert code == 2
    assert f"Region=EMEA -> {other}" in err
    assert emails_in(sandbox, EMEA) == []


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (("--campaign", EMEA, *ROUTES), "--route-by/--route and --campaign/--list are exclusive"),
        (("--route", f"EMEA={EMEA}"), "--route needs --route-by"),
        (("--route-by", "Region"), "needs at least one --route"),
        (("--route-by", "Territory", "--route", f"EMEA={EMEA}"), "no column 'Territory'"),
        (("--route-by", "Region", "--route", "EMEA"), "a route is VALUE=ID"),
        (("--route-by", "Region", "--route", f"EMEA={EMEA}", "--route", f"emea={NA}"), "routed twice"),
        (
            ("--route-by", "Region", "--route", f"*={EMEA}", "--update-existing"),
            "one campaign or list at a time",
        ),
    ],
)
def test_bad_routing_usage_exits_2_with_one_clear_line(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...], words: str
) -> None:
    sheet = tmp_path / "leads.csv"
    write_sheet(sheet)
    code, summary, err = upload(capsys, str(sheet), "--provider", "lemlist", *extra)
    assert code == 2 and summary == {}
    assert words in err, err
    assert emails_in(sandbox, EMEA) == emails_in(sandbox, NA) == []


def test_aktify_has_no_campaigns_to_route_to(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "leads.csv"
    write_sheet(sheet, ("EMEA",))
    code, summary, err = upload(
        capsys, str(sheet), "--provider", "aktify", "--route-by", "Region", "--route", "*=x", "--dry-run"
    )
    assert code == 2 and summary == {}
    assert "no campaigns to route to" in err


def test_the_requests_sent_to_each_campaign_follow_the_lemlist_spec(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.core.providers import openapi

    sheet = tmp_path / "leads.csv"
    write_sheet(sheet, ("EMEA", "NA"))
    code, _, err = upload(capsys, str(sheet), "--provider", "lemlist", *ROUTES, "--allow-empty-tags")
    assert code == 0, err
    lemlist = openapi.load("lemlist_openapi.json")
    schema = openapi.request_schema(lemlist, "POST", "/campaigns/{campaignId}/leads/")
    bodies = emails_in(sandbox, EMEA) + emails_in(sandbox, NA)
    assert len(bodies) == 4
    for campaign in (EMEA, NA):
        for body in sandbox.ledger.payloads("lemlist", campaign):
            assert openapi.problems(lemlist, schema, body) == []
    assert openapi.problems(lemlist, schema, {"email": 5}) != []  # the check can fail


def test_a_dry_run_counts_each_destination_and_sends_nothing(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary, err = routed(capsys, tmp_path, "--route", f"*={OTHER}", "--allow-empty-tags", "--dry-run")
    assert code == 0, err
    destinations = summary["destinations"]
    assert isinstance(destinations, dict)
    assert {d: c["total"] for d, c in destinations.items()} == {EMEA: 4, NA: 4, OTHER: 4}
    assert all(c["pending"] == c["total"] for c in destinations.values())
    assert emails_in(sandbox, EMEA) == emails_in(sandbox, NA) == emails_in(sandbox, OTHER) == []


def test_instantly_routes_to_a_campaign_and_a_lead_list_in_one_run(
    sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "leads.csv"
    write_sheet(sheet, ("EMEA", "NA"))
    campaign, lead_list = seed.instantly_campaign_id(1), seed.instantly_list_id(1)
    code, summary, err = upload(
        capsys, str(sheet), "--provider", "instantly", "--route-by", "Region",
        "--route", f"EMEA={campaign}", "--route", f"NA=list:{lead_list}", "--allow-empty-tags",
    )  # fmt: skip
    assert code == 0, err
    assert summary["uploaded"] == 4
    assert set(summary["destinations"]) == {campaign, f"list:{lead_list}"}
    in_campaign = {str(p["email"]) for p in sandbox.ledger.payloads("instantly", campaign)}
    in_list = {str(p["email"]) for p in sandbox.ledger.payloads("instantly", lead_list)}
    assert in_campaign == {"route0.0@example-route.com", "route0.1@example-route.com"}
    assert in_list == {"route1.0@example-route.com", "route1.1@example-route.com"}
