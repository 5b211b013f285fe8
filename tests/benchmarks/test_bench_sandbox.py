"""Sandbox load benchmark (issue 3 acceptance): 10,000 lead creates over the four providers, concurrently.

Run with ``pytest tests/benchmarks/test_bench_sandbox.py -m benchmark -s``. The sandbox keeps its default
limits (lemlist 20 per 2 s per key and Instantly 100/s + 6000/min per workspace as documented; Aktify 5/s
and SendPilot 2/s per key as chosen), the clients burst past them, honour each 429 and retry. It prints
requests/s and the counts, and fails unless every lead is stored exactly once and the sandbox's request
and 429 counts equal what the clients saw.
"""

from __future__ import annotations

import asyncio
import base64
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from gui.sandbox import seed
from gui.sandbox.faults import FaultConfig

pytestmark = pytest.mark.benchmark

PROVIDERS = ("lemlist", "instantly", "aktify", "sendpilot")
# provider: (keys, requests per key, leads per request, concurrent clients per key)
PLAN: dict[str, tuple[int, int, int, int]] = {
    "lemlist": (5, 200, 1, 25),  # 1,000 single-lead posts; 25 in flight per key against 20 per 2 s
    "instantly": (1, 200, 25, 40),  # 5,000 leads in 200 batches; one workspace, 100/s
    "aktify": (20, 50, 1, 8),  # 1,000 single-lead posts; one campaign per key, 5/s per key
    "sendpilot": (10, 6, 50, 6),  # 3,000 leads in 60 batches; 2/s per key
}
TOTAL_LEADS = sum(keys * per_key * size for keys, per_key, size, _ in PLAN.values())


@dataclass
class Tally:
    """What the clients saw, to compare with the sandbox's own ledger."""

    requests: Counter[str] = field(default_factory=Counter)
    throttled: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    created: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)


def _key(provider: str, k: int) -> str:
    return f"sandbox-bench-{provider}-{k}"


def _request(provider: str, key: str, i: int) -> tuple[dict[str, str], str, Any]:
    """Headers, path and body of request ``i`` of ``key`` (each lead unique across the run)."""
    size = PLAN[provider][2]
    if provider == "lemlist":
        auth = {"Authorization": "Basic " + base64.b64encode(f":{key}".encode()).decode()}
        return (
            auth,
            f"/lemlist/api/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/",
            {"email": f"{key}-{i}@bench.example"},
        )
    if provider == "instantly":
        leads = [
            {"email": f"ins-{i}-{j}@bench.example", "custom_variables": {"batch": i}} for j in range(size)
        ]
        # skip_if_in_campaign: a replay after an ambiguous failure is counted as skipped, not re-added (§2.5).
        body = {"campaign_id": seed.INSTANTLY_CAMPAIGN, "skip_if_in_campaign": True, "leads": leads}
        return {"Authorization": f"Bearer {key}"}, "/instantly/api/v2/leads/add", body
    if provider == "aktify":
        body = {"phoneNumber": f"(206) 5{i // 100:02d}-{i % 100:02d}00", "region": "WA", "firstName": "Bench"}
        return {"x-api-key": key}, "/aktify/api/v1/leads", body
    leads = [{"linkedinUrl": f"https://www.linkedin.com/in/{key}-{i}-{j}", "score": j} for j in range(size)]
    return {"X-API-Key": key}, "/sendpilot/v1/leads", {"campaignId": seed.SENDPILOT_CAMPAIGN, "leads": leads}


def _outcome(provider: str, r: httpx.Response, tally: Tally) -> None:
    """Count created and duplicate answers; anything else is a failure of the sandbox."""
    if provider == "lemlist":
        if r.status_code == 200:
            tally.created[provider] += 1
            return
        if r.status_code == 400 and r.text == "Lead already in the campaign":
            tally.duplicates[provider] += 1
            return
    elif provider == "instantly" and r.status_code == 200:
        body = r.json()
        tally.created[provider] += body["leads_uploaded"]
        tally.duplicates[provider] += body["skipped_count"] + body["duplicated_leads"]
        return
    elif provider == "aktify" and r.status_code in (201, 409):
        tally.created[provider] += r.status_code == 201
        tally.duplicates[provider] += r.status_code == 409
        return
    elif provider == "sendpilot" and r.status_code == 200:
        body = r.json()
        assert body["invalidEntries"] == 0, body
        tally.created[provider] += body["leadsAdded"]
        tally.duplicates[provider] += body["duplicatesSkipped"]
        return
    raise AssertionError(f"{provider} answered {r.status_code}: {r.text[:200]}")


async def _send(client: httpx.AsyncClient, provider: str, tally: Tally, key: str, i: int) -> None:
    """POST until the answer is final: wait out 429s, retry 500s and drops (replays meet provider dedupe)."""
    headers, path, body = _request(provider, key, i)
    backoff = 0.5
    while True:
        tally.requests[provider] += 1
        try:
            r = await client.post(path, json=body, headers=headers)
        except httpx.TransportError:
            tally.dropped[provider] += 1
            await asyncio.sleep(0.05)
            continue
        if r.status_code == 429:
            tally.throttled[provider] += 1
            retry_after = r.headers.get("Retry-After")
            # Instantly sends no Retry-After (providers.md §2.5): back off with jitter instead.
            await asyncio.sleep(float(retry_after) if retry_after else backoff + random.random() * 0.5)
            continue
        if r.status_code >= 500 and "already" not in r.text:
            tally.server_errors[provider] += 1
            await asyncio.sleep(0.05)
            continue
        _outcome(provider, r, tally)
        return


async def _workers(count: int, jobs: list[Callable[[], Awaitable[None]]]) -> None:
    queue: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        while not queue.empty():
            job = queue.get_nowait()
            await job()

    await asyncio.gather(*(worker() for _ in range(count)))


async def _client_pool(url: str, provider: str, key: str, *, per_key: int, conc: int, tally: Tally) -> None:
    """One key's clients: ``conc`` concurrent workers sharing a small connection pool.

    A client per key keeps httpx's pool small; one pool for hundreds of connections costs the client more
    than the sandbox spends answering.
    """
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        jobs = [lambda i=i: _send(client, provider, tally, key, i) for i in range(per_key)]
        await _workers(conc, jobs)


async def _run(url: str, tally: Tally) -> None:
    await asyncio.gather(
        *(
            _client_pool(url, provider, _key(provider, k), per_key=per_key, conc=conc, tally=tally)
            for provider, (keys, per_key, _, conc) in PLAN.items()
            for k in range(keys)
        )
    )


def _report(title: str, tally: Tally, elapsed: float, ledger: Any) -> None:
    total = sum(tally.requests.values())
    print(
        f"\n{title}: {TOTAL_LEADS} leads, {total} requests in {elapsed:.1f} s = "
        f"{total / elapsed:.0f} requests/s, {TOTAL_LEADS / elapsed:.0f} leads/s"
    )
    for p in PROVIDERS:
        print(
            f"  {p:<10} requests {tally.requests[p]:>5}  429s {tally.throttled[p]:>4}  "
            f"500s {tally.server_errors[p]:>3}  drops {tally.dropped[p]:>3}  "
            f"created {ledger.created(p):>5}  duplicate answers {tally.duplicates[p]:>3}"
        )


def _check(tally: Tally, ledger: Any) -> None:
    expected = {p: keys * per_key * size for p, (keys, per_key, size, _) in PLAN.items()}
    assert TOTAL_LEADS == 10_000
    for p, n in expected.items():
        assert ledger.created(p) == n, p  # every lead stored exactly once, whatever the 429s and faults
        assert ledger.requests(p) == tally.requests[p], p  # the sandbox saw what the clients sent
        assert ledger.throttled(p) == tally.throttled[p], p  # and answered exactly the 429s they saw
        assert tally.created[p] + tally.duplicates[p] == n, p
    assert ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == expected["lemlist"]
    assert ledger.count("instantly", seed.INSTANTLY_CAMPAIGN) == expected["instantly"]
    assert ledger.count("sendpilot", seed.SENDPILOT_CAMPAIGN) == expected["sendpilot"]
    assert (
        sum(ledger.count("aktify", _key("aktify", k)) for k in range(PLAN["aktify"][0])) == expected["aktify"]
    )


def test_ten_thousand_creates_with_correct_429s(sandbox):
    """Issue 3 acceptance: 10,000 creates from concurrent clients, correct 429s, a ledger that adds up."""
    tally = Tally()
    t0 = time.perf_counter()
    asyncio.run(_run(sandbox.url, tally))
    elapsed = time.perf_counter() - t0
    _report("sandbox load", tally, elapsed, sandbox.ledger)
    _check(tally, sandbox.ledger)
    # No faults configured: no 500s, no drops, no duplicate answers.
    assert sum(tally.server_errors.values()) == sum(tally.dropped.values()) == 0
    assert sum(tally.duplicates.values()) == 0
    # Bursts above the per-key limits are refused with 429 and then served.
    assert (
        tally.throttled["lemlist"] > 0 and tally.throttled["sendpilot"] > 0 and tally.throttled["aktify"] > 0
    )


def test_ten_thousand_creates_under_faults_still_add_up(sandbox_factory):
    """Issue 3 faults under load: 5 % of writes fail (500 before/after commit, drops, slow answers); with
    retries, provider-side dedupe keeps every lead stored exactly once."""
    handle = sandbox_factory(faults=FaultConfig.spread(0.05, slow_ms=200), seed=11)
    tally = Tally()
    t0 = time.perf_counter()
    asyncio.run(_run(handle.url, tally))
    elapsed = time.perf_counter() - t0
    _report("sandbox load, 5 % write faults", tally, elapsed, handle.ledger)
    faults = handle.ledger.faults()
    print(f"  injected faults: {dict(sorted(faults.items()))}")
    _check(tally, handle.ledger)
    failing = sum(n for kind, n in faults.items() if kind != "slow")
    assert failing > 0
    assert sum(tally.server_errors.values()) + sum(tally.dropped.values()) == failing


def test_sandbox_capacity_without_rate_limits(sandbox_factory):
    """How many requests/s the sandbox itself serves (limits off), so 429 waits do not hide its cost."""
    handle = sandbox_factory(limits=dict.fromkeys(PROVIDERS))
    tally = Tally()
    t0 = time.perf_counter()
    asyncio.run(_run(handle.url, tally))
    elapsed = time.perf_counter() - t0
    _report("sandbox capacity, no rate limits", tally, elapsed, handle.ledger)
    _check(tally, handle.ledger)
    assert sum(tally.throttled.values()) == 0
