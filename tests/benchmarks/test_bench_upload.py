"""Upload pace against the sandbox with 150 ms latency and the providers' limits on (DESIGN §5).

Run: ``pytest tests/benchmarks/test_bench_upload.py -m benchmark -s``. Each test prints leads/s,
the ratio to the provider's ceiling and the share of requests answered 429; the lemlist test also
runs the peer, a sequential loop with a fixed sleep, against a fresh sandbox in the same run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import pytest

from gui.core.domain import BatchResult, Lead, Status
from gui.core.errors import RateLimited
from gui.core.providers import make_client
from gui.core.providers.base import ProviderClient
from gui.core.upload import run_upload
from gui.core.upload_job import UploadJob

pytestmark = pytest.mark.benchmark

KEY = "sandbox-test"
LATENCY_MS = 150
LEMLIST_CAMPAIGN = "cam_sandboxQ4Outbound1"
INSTANTLY_CAMPAIGN = "01990000-0007-7000-8000-5a0d00000007"
SENDPILOT_CAMPAIGN = "camp_sandboxLinkedIn01"


def job(provider: str, destination: str, leads: Sequence[Lead]) -> UploadJob:
    return UploadJob(
        provider=provider,
        destination=destination,
        destination_name=destination,
        account=f"bench-{provider}",
        leads=tuple(leads),
        invalid={},
        total_rows=len(leads),
        options={},
        mapping={},
        fingerprint=f"bench-{provider}-{len(leads)}-{time.time()}",
        file_name="bench.csv",
    )


class Counting:
    """Wraps a real client to record the size of every batch it sends."""

    def __init__(self, inner: ProviderClient, sizes: list[int]) -> None:
        self._inner = inner
        self.spec = inner.spec
        self.sizes = sizes

    write_429s = 0

    async def send(self, batch: Sequence[Lead], *args: Any, **kwargs: Any) -> BatchResult:
        self.sizes.append(len(batch))
        try:
            return await self._inner.send(batch, *args, **kwargs)
        except RateLimited:
            Counting.write_429s += 1
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def share_429(box: Any, provider: str) -> tuple[int, int, float]:
    requests = box.ledger.requests(provider)
    throttled = box.ledger.throttled(provider)
    return requests, throttled, throttled / requests if requests else 0.0


def test_lemlist_400_leads_reach_the_ceiling_with_almost_no_429(sandbox_factory: Any) -> None:
    ceiling = 10.0  # 20 requests per rolling 2 s
    box = sandbox_factory(latency_ms=LATENCY_MS)
    leads = [Lead(i, {"email": f"bench{i}@example.com", "firstName": f"B{i}"}) for i in range(400)]
    report = run_upload(job("lemlist", LEMLIST_CAMPAIGN, leads), lambda: make_client("lemlist", KEY))
    engine_rate = 400 / report.summary.seconds  # end to end: start-up and the read-back included
    created = sorted(
        lead.created_at for lead in box.ledger.leads("lemlist", LEMLIST_CAMPAIGN, include_seeded=False)
    )
    pace = (len(created) - 1) / (created[-1] - created[0])  # while sending
    requests, throttled, share = share_429(box, "lemlist")
    # The read-back GET counts as a request too; the writes are what we pace.
    assert report.summary.uploaded == 400 and box.ledger.count("lemlist", LEMLIST_CAMPAIGN) == 400

    peer_box = sandbox_factory(latency_ms=LATENCY_MS)
    peer_n = 100
    peer_leads = [Lead(i, {"email": f"peer{i}@example.com"}) for i in range(peer_n)]

    async def sequential() -> float:
        client = make_client("lemlist", KEY)
        start = time.monotonic()
        try:
            for lead in peer_leads:
                result = await client.send([lead], LEMLIST_CAMPAIGN, {})
                assert result.outcomes[0].status is Status.UPLOADED
                await asyncio.sleep(0.1)  # the documented spacing: 20 per 2 s
        finally:
            await client.aclose()
        return time.monotonic() - start

    peer_rate = peer_n / asyncio.run(sequential())
    peer_requests, peer_throttled, peer_share = share_429(peer_box, "lemlist")
    print(
        f"\nlemlist 400 leads @ {LATENCY_MS} ms: engine pace {pace:.2f} leads/s = {pace / ceiling:.1%} of "
        f"{ceiling:.0f}/s while sending, {engine_rate:.2f}/s = {engine_rate / ceiling:.1%} end to end "
        f"({report.summary.seconds:.1f} s), 429s {throttled}/{requests} = {share:.2%}; "
        f"{report.read_back}"
        f"\n  peer (sequential + 0.1 s sleep, {peer_n} leads): {peer_rate:.2f} leads/s = "
        f"{peer_rate / ceiling:.1%} of ceiling, 429s {peer_throttled}/{peer_requests} = {peer_share:.2%}; "
        f"engine/peer = {engine_rate / peer_rate:.2f}x"
    )
    assert pace >= 0.95 * ceiling
    assert engine_rate >= 0.95 * ceiling  # start-up, the last answer and the read-back included
    assert share <= 0.01


def test_instantly_5000_leads_in_batches_of_at_most_1000(sandbox_factory: Any) -> None:
    box = sandbox_factory(latency_ms=LATENCY_MS)
    leads = [Lead(i, {"email": f"bulk{i}@example.com", "first_name": f"B{i}"}) for i in range(5000)]
    sizes: list[int] = []
    report = run_upload(
        job("instantly", INSTANTLY_CAMPAIGN, leads), lambda: Counting(make_client("instantly", KEY), sizes)
    )
    requests, throttled, share = share_429(box, "instantly")
    rate = 5000 / report.summary.seconds
    print(
        f"\ninstantly 5000 leads @ {LATENCY_MS} ms: {rate:.0f} leads/s in {report.summary.seconds:.2f} s, "
        f"batches {sizes}, 429s {throttled}/{requests} = {share:.2%}"
    )
    assert report.summary.uploaded == 5000
    assert box.ledger.count("instantly", INSTANTLY_CAMPAIGN) == 5000
    assert max(sizes) <= 1000 and len(sizes) == 5
    assert share <= 0.01


def test_sendpilot_500_leads_in_batches_of_at_most_100_with_its_limit_on(sandbox_factory: Any) -> None:
    box = sandbox_factory(latency_ms=LATENCY_MS)  # the sandbox's SendPilot limit stays on (2 per s)
    url = "https://www.linkedin.com/in/bench-{}"
    leads = [Lead(i, {"linkedinUrl": url.format(i), "firstName": f"B{i}"}) for i in range(500)]
    sizes: list[int] = []
    Counting.write_429s = 0
    report = run_upload(
        job("sendpilot", SENDPILOT_CAMPAIGN, leads), lambda: Counting(make_client("sendpilot", KEY), sizes)
    )
    requests, throttled, share = share_429(box, "sendpilot")
    rate = 500 / report.summary.seconds
    print(
        f"\nsendpilot 500 leads @ {LATENCY_MS} ms, limit on: {rate:.0f} leads/s "
        f"in {report.summary.seconds:.2f} s (read-back included), "
        f"batches {sizes}, 429s on writes {Counting.write_429s}/{len(sizes)}, all requests (read-back pages "
        f"included) {throttled}/{requests} = {share:.2%}; {report.read_back or 'no read-back'}"
    )
    assert report.summary.uploaded == 500
    assert box.ledger.count("sendpilot", SENDPILOT_CAMPAIGN) == 500
    assert max(sizes) <= 100 and len(sizes) == 5
    assert Counting.write_429s == 0


def test_an_undocumented_limit_tighter_than_our_guess_settles_with_few_429s(sandbox_factory: Any) -> None:
    """Aktify publishes no limit; here the sandbox allows 2/s while our polite guess is 5/s (issue 18).

    Targets: at least 90 % of the hidden ceiling with at most 2 % of requests answered 429.
    """
    box = sandbox_factory(latency_ms=LATENCY_MS, limits={"aktify": (2, 1.0)})
    count = 100
    leads = [Lead(i, {"phoneNumber": f"+1509555{i:04d}", "region": "WA"}) for i in range(count)]
    report = run_upload(job("aktify", KEY, leads), lambda: make_client("aktify", KEY))
    requests, throttled, share = share_429(box, "aktify")
    rate = count / report.summary.seconds
    print(
        f"\naktify {count} leads, hidden limit 2/s, our guess 5/s: {rate:.2f} leads/s = "
        f"{rate / 2:.0%} of the hidden ceiling (target 90 %, ratio {rate / 2 / 0.9:.2f}), "
        f"429s {throttled}/{requests} = {share:.1%} (target 2 %, ratio {share / 0.02:.2f})"
    )
    assert report.summary.uploaded == count
    assert throttled <= 10
