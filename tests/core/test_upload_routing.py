"""The engine with a routed job: requests per campaign, each row's campaign journaled and kept on resume."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gui.core.domain import BatchResult, Lead, RowOutcome, Status
from gui.core.identity import lead_key
from gui.core.journal import Journal
from gui.core.providers.base import ReadBack
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob
from tests.core.test_upload import BULK_FAST, TUNING, FakeClient, FakeProvider, key_of, make_job

ROUTES = {0: "cam_a", 1: "cam_b", 2: "cam_a", 3: "cam_b", 4: "cam_a", 5: "cam_c"}


class RoutedProvider(FakeProvider):
    """Remembers which campaign each request went to."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sent: list[tuple[str, tuple[str, ...], bool]] = []
        self.read: list[str] = []

    def client(self) -> FakeClient:
        return RoutedClient(self)


class RoutedClient(FakeClient):
    provider: RoutedProvider

    async def send(self, batch: Sequence[Lead], destination: str, *rest: Any, **named: Any) -> BatchResult:
        keys = tuple(lead_key(lead, self.spec) for lead in batch)
        self.provider.sent.append((destination, keys, bool(named.get("replay", False))))
        return await super().send(batch, destination, *rest, **named)

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        self.provider.read.append(destination)
        return await super().read_back(destination, provider_ids)


def routed_job(**over: object) -> UploadJob:
    fields: dict[str, object] = {"destination": "route:Region", "routes": ROUTES, **over}
    return make_job(6, **fields)


def test_one_request_never_mixes_campaigns_and_each_row_lands_in_its_own(tmp_path: Path) -> None:
    provider = RoutedProvider(spec=BULK_FAST)  # batches of up to 10: all six would fit in one
    journal = Journal(tmp_path / "j.sqlite3")
    report = run_upload(routed_job(provider="instantly"), provider.client, journal=journal, tuning=TUNING)
    assert report.summary.uploaded == 6
    by_campaign = {d: sorted(k) for d, k, _ in provider.sent}
    assert len(provider.sent) == 3  # one request per campaign
    assert by_campaign == {
        "cam_a": sorted(key_of(i) for i in (0, 2, 4)),
        "cam_b": sorted(key_of(i) for i in (1, 3)),
        "cam_c": [key_of(5)],
    }
    assert journal.row_destinations(report.run_id) == ROUTES
    assert {d: c["uploaded"] for d, c in report.destinations.items()} == {"cam_a": 3, "cam_b": 2, "cam_c": 1}
    assert report.row_destinations == ROUTES
    journal.close()


def test_a_resume_replays_an_unanswered_row_to_the_campaign_it_went_to_even_if_the_routes_changed(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    first = routed_job()
    run_id = journal.start_run(
        fingerprint=first.fingerprint,
        file_name=first.file_name,
        provider=first.provider,
        account=first.account,
        destination=first.destination,
        destination_name="Region",
        mapping=first.mapping,
        options=first.options,
        total=6,
    ).id
    # The crash: row 0's request to cam_a left unanswered, row 1 landed in cam_b.
    journal.mark_sending(run_id, [0], [key_of(0)], "cam_a")
    journal.mark_sending(run_id, [1], [key_of(1)], "cam_b")
    journal.record(run_id, [RowOutcome(1, Status.UPLOADED, provider_id="lea_x")], [key_of(1)])
    swapped = {0: "cam_b", 1: "cam_a", 2: "cam_a", 3: "cam_b", 4: "cam_a", 5: "cam_c"}
    provider = RoutedProvider()
    report = run_upload(
        routed_job(account=first.account, routes=swapped), provider.client, journal=journal, tuning=TUNING
    )
    assert report.run_id == run_id
    sent = {keys[0]: (destination, replay) for destination, keys, replay in provider.sent}
    assert sent[key_of(0)] == ("cam_a", True)  # where it may already be, in the form that dedupes
    assert key_of(1) not in sent  # done before: not sent again, anywhere
    assert sent[key_of(2)] == ("cam_a", False) and sent[key_of(3)] == ("cam_b", False)
    assert report.row_destinations[0] == "cam_a" and report.row_destinations[1] == "cam_b"
    assert journal.row_destinations(run_id) == {
        0: "cam_a",
        1: "cam_b",
        2: "cam_a",
        3: "cam_b",
        4: "cam_a",
        5: "cam_c",
    }
    assert sorted(provider.read) == ["cam_a", "cam_b", "cam_c"]  # read back campaign by campaign
    assert "cam_a: verified" in report.read_back
    journal.close()


def test_a_later_run_to_one_campaign_skips_what_the_routed_run_put_there(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    routed = routed_job()
    run_upload(routed, RoutedProvider().client, journal=journal, tuning=TUNING)
    single = make_job(6, destination="cam_b", account=routed.account, fingerprint="other:file")
    report = run_upload(single, RoutedProvider().client, journal=journal, tuning=TUNING)
    skipped = {row for row, o in report.outcomes.items() if o.status is Status.SKIPPED}
    assert skipped == {1, 3}  # cam_b's rows; the rest went elsewhere and are new to cam_b
    assert report.destinations == {}  # not routed
    journal.close()
