"""Faults, latency, the ledger and the limiter (issue 3 scope: faults, ledger; providers.md §1.5, §2.5)."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
import pytest

from gui.sandbox import seed
from gui.sandbox.app import create_sandbox
from gui.sandbox.faults import Fault, FaultConfig, FaultPlan
from gui.sandbox.limits import RollingLimiter, Window, build_limiters
from gui.sandbox.normalize import linkedin_key, phone_key
from tests.sandbox import helpers

LEM_LEADS = f"/campaigns/{seed.LEMLIST_CAMPAIGN}/leads/"


def test_error_before_commit_stores_nothing(sandbox_factory):
    """Issue 3 faults: "500 before a write commits": lemlist answers text 500 and holds no lead."""
    handle = sandbox_factory(faults=FaultConfig(error_before_commit=1.0))
    with helpers.lemlist(handle.base_urls["lemlist"]) as client:
        r = client.post(LEM_LEADS, json={"email": "f1@example.com"})
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/plain")
    assert handle.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 0
    assert handle.ledger.attempts("lemlist", seed.LEMLIST_CAMPAIGN, "f1@example.com") == 1
    assert handle.ledger.faults("lemlist") == {"error_before_commit": 1}


def test_error_after_commit_is_the_ambiguous_case(sandbox_factory):
    """Issue 3 faults: "500 after it commits": the lead is stored; a retry is a duplicate (§1.4)."""
    handle = sandbox_factory(faults=FaultConfig(script=(Fault.ERROR_AFTER_COMMIT,)))
    with helpers.lemlist(handle.base_urls["lemlist"]) as client:
        first = client.post(LEM_LEADS, json={"email": "f2@example.com"})
        retry = client.post(LEM_LEADS, json={"email": "f2@example.com"})
    assert first.status_code == 500
    assert (retry.status_code, retry.text) == (400, "Lead already in the campaign")
    assert handle.ledger.count("lemlist", seed.LEMLIST_CAMPAIGN) == 1
    assert handle.ledger.attempts("lemlist", seed.LEMLIST_CAMPAIGN, "f2@example.com") == 2


def test_instantly_500_is_a_json_envelope(sandbox_factory):
    """§2.5: Instantly errors are JSON ``{statusCode, error, message}``, injected 500s included."""
    handle = sandbox_factory(faults=FaultConfig(error_before_commit=1.0))
    with helpers.instantly(handle.base_urls["instantly"]) as client:
        r = client.post(
            "/api/v2/leads/add",
            json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": [{"email": "a@example.com"}]},
        )
    assert r.status_code == 500 and r.json()["statusCode"] == 500


def test_dropped_connection_over_http_after_commit(sandbox_factory):
    """Issue 3 faults: a dropped connection is a transport error for the client; here the write committed."""
    handle = sandbox_factory(faults=FaultConfig(drop_after_commit=1.0))
    with helpers.sendpilot(handle.base_urls["sendpilot"]) as client, pytest.raises(httpx.TransportError):
        client.post(
            "/v1/leads",
            json={
                "campaignId": seed.SENDPILOT_CAMPAIGN,
                "leads": [{"linkedinUrl": "https://linkedin.com/in/drop"}],
            },
        )
    assert handle.ledger.count("sendpilot", seed.SENDPILOT_CAMPAIGN) == 1


def test_dropped_connection_in_process_before_commit():
    """In-process (``httpx.ASGITransport``) a drop is an httpx transport error; nothing is stored."""
    sandbox = create_sandbox(faults=FaultConfig(drop_before_commit=1.0))

    async def go() -> None:
        transport = httpx.ASGITransport(app=sandbox.asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox/aktify") as client:
            with pytest.raises(httpx.TransportError):
                await client.post(
                    "/api/v1/leads",
                    headers={"x-api-key": "sandbox"},
                    json={"phoneNumber": "5095551234", "region": "WA"},
                )

    asyncio.run(go())
    assert sandbox.ledger.created("aktify") == 0


def test_in_process_asgi_use():
    """Issue 3 scope: usable in-process through ``httpx.ASGITransport`` with the common.md layout."""
    sandbox = create_sandbox()

    async def go() -> list[int]:
        transport = httpx.ASGITransport(app=sandbox.asgi)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://sandbox/lemlist/api", headers=helpers.lemlist_auth()
        ) as client:
            team = await client.get("/team")
            lead = await client.post(LEM_LEADS.lstrip("/"), json={"email": "inproc@example.com"})
            return [team.status_code, lead.status_code]

    assert asyncio.run(go()) == [200, 200]
    assert sandbox.base_urls("http://sandbox") == {
        "lemlist": "http://sandbox/lemlist/api",
        "instantly": "http://sandbox/instantly",
        "aktify": "http://sandbox/aktify",
        "sendpilot": "http://sandbox/sendpilot",
    }


def test_reads_stay_reliable_and_slow_answers(sandbox_factory):
    """Issue 3 faults apply to writes by default; a slow answer arrives ``slow_ms`` late but succeeds."""
    handle = sandbox_factory(faults=FaultConfig(slow=1.0, slow_ms=250), limits={"lemlist": None})
    with helpers.lemlist(handle.base_urls["lemlist"]) as client:
        t0 = time.perf_counter()
        assert client.get("/team").status_code == 200
        read_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert client.post(LEM_LEADS, json={"email": "slow@example.com"}).status_code == 200
        write_s = time.perf_counter() - t0
    assert write_s >= 0.25 and read_s < write_s
    assert handle.ledger.faults("lemlist") == {"slow": 1}  # the read drew no fault


def test_faults_on_reads_when_configured(sandbox_factory):
    """FaultConfig(reads=True) extends errors to reads (key checks, listings) for client tests."""
    handle = sandbox_factory(faults=FaultConfig(error_before_commit=1.0, reads=True))
    with helpers.sendpilot(handle.base_urls["sendpilot"]) as client:
        assert client.get("/v1/me").status_code == 500


def test_latency_applies_to_every_request(sandbox_factory):
    """``--latency-ms`` adds the delay to reads and writes alike."""
    handle = sandbox_factory(latency_ms=60)
    with helpers.instantly(handle.base_urls["instantly"]) as client:
        t0 = time.perf_counter()
        client.get("/api/v2/workspaces/current")
        assert time.perf_counter() - t0 >= 0.06


def test_fault_rate_spreads_over_write_faults_and_is_seeded():
    """``--fault-rate F``: about F of writes fail, spread over every kind, the same for the same seed."""
    config = FaultConfig.spread(0.5)
    first = FaultPlan(config, seed=7).draw("lemlist", write=True)
    plan_a, plan_b = FaultPlan(config, seed=7), FaultPlan(config, seed=7)
    seq_a = [plan_a.draw("lemlist", write=True) for _ in range(2000)]
    seq_b = [plan_b.draw("lemlist", write=True) for _ in range(2000)]
    assert seq_a == seq_b and first == seq_a[0]
    faulted = [f for f in seq_a if f is not None]
    assert 0.45 < len(faulted) / len(seq_a) < 0.55
    assert set(faulted) == set(Fault)
    assert FaultPlan(config, seed=7).draw("lemlist", write=False) is None
    with pytest.raises(ValueError):
        FaultConfig.spread(1.5)


def test_set_faults_while_running(sandbox):
    """Tests can switch faults between phases of a run (Sandbox.set_faults)."""
    sandbox.sandbox.set_faults(FaultConfig(error_before_commit=1.0, providers=frozenset({"aktify"})))
    with (
        helpers.aktify(sandbox.base_urls["aktify"]) as akt,
        helpers.sendpilot(sandbox.base_urls["sendpilot"]) as sp,
    ):
        assert (
            akt.post("/api/v1/leads", json={"phoneNumber": "5095551234", "region": "WA"}).status_code == 500
        )
        ok = sp.post(
            "/v1/leads",
            json={
                "campaignId": seed.SENDPILOT_CAMPAIGN,
                "leads": [{"linkedinUrl": "https://linkedin.com/in/a"}],
            },
        )
        assert ok.status_code == 200


def test_ledger_readable_from_test_thread_while_server_writes(sandbox_factory):
    """Brief: the ledger is read from the test thread while the server thread writes (one lock)."""
    handle = sandbox_factory(limits={"instantly": None})
    stop = threading.Event()
    reads: list[int] = []

    def reader() -> None:
        while not stop.is_set():
            reads.append(handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN))
            handle.ledger.snapshot()

    async def writer() -> None:
        async with httpx.AsyncClient(
            base_url=handle.base_urls["instantly"], headers={"Authorization": f"Bearer {helpers.KEY}"}
        ) as client:
            batches = [[{"email": f"t{b}-{i}@example.com"} for i in range(50)] for b in range(20)]
            await asyncio.gather(
                *(
                    client.post(
                        "/api/v2/leads/add", json={"campaign_id": seed.INSTANTLY_CAMPAIGN, "leads": b}
                    )
                    for b in batches
                )
            )

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        asyncio.run(writer())
    finally:
        stop.set()
        thread.join()
    assert handle.ledger.count("instantly", seed.INSTANTLY_CAMPAIGN) == 1000
    assert reads == sorted(reads) and reads[-1] <= 1000


def test_rolling_window_limiter():
    """§1.5: a rolling window of accepted calls; Retry-After is the time until the oldest call leaves it."""
    now = [100.0]
    limiter = RollingLimiter([Window(20, 2.0)], clock=lambda: now[0])
    for i in range(20):
        now[0] += 0.01
        decision = limiter.hit("k")
        assert decision.allowed and decision.remaining == 19 - i
    denied = limiter.hit("k")
    assert not denied.allowed and denied.remaining == 0
    assert denied.retry_after == pytest.approx(100.01 + 2.0 - now[0])
    assert limiter.hit("other").allowed
    now[0] = 100.01 + 2.0 + 0.001
    assert limiter.hit("k").allowed


def test_limits_are_configurable_and_validated():
    """Brief: ``limits`` overrides by provider; None switches a limit off; unknown providers are refused."""
    limiters = build_limiters({"aktify": (50, 0.5), "sendpilot": None})
    assert limiters["sendpilot"] is None
    assert [(w.requests, w.seconds) for w in limiters["aktify"].windows] == [(50, 0.5)]
    assert [(w.requests, w.seconds) for w in limiters["lemlist"].windows] == [(20, 2.0)]
    with pytest.raises(ValueError):
        build_limiters({"hubspot": (1, 1.0)})


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.linkedin.com/in/John-Doe/", "linkedin.com/in/john-doe"),
        ("http://fr.linkedin.com/in/john-doe?trk=abc#x", "linkedin.com/in/john-doe"),
        ("linkedin.com/in/john-doe", "linkedin.com/in/john-doe"),
        ("https://example.com/in/john-doe", None),
        ("https://www.linkedin.com/company/acme", None),
    ],
)
def test_linkedin_normalisation(url, key):
    """§3.3 [I]: case, scheme, www/country subdomain, query and trailing slash do not make a new person."""
    assert linkedin_key(url) == key


def test_phone_normalisation():
    """§4.1 [I]: the duplicate check compares digits; a leading US country code is dropped."""
    assert phone_key("(509) 555-1234") == phone_key("+1 509 555 1234") == "5095551234"
    assert phone_key("555-1234") is None
