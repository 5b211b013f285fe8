"""Aktify conformance probes over real HTTP (providers.md §4, seeds/aktify-create-lead.md)."""

from __future__ import annotations

import httpx
import pytest

from gui.sandbox import seed
from tests.sandbox import helpers

LEADS = "/api/v1/leads"


@pytest.fixture
def akt(sandbox_factory):
    handle = sandbox_factory(limits={"aktify": None})
    with helpers.aktify(handle.base_urls["aktify"]) as client:
        yield handle, client


def test_missing_or_foreign_key_is_401(sandbox):
    """Seed 401: "not authorized with a valid x-api-key header"."""
    base = sandbox.base_urls["aktify"] + LEADS
    assert httpx.post(base, json={}).status_code == 401
    assert httpx.post(base, json={}, headers={"x-api-key": "live-123"}).status_code == 401


def test_key_checked_before_body(akt):
    """§4.1 [I]: Nest guards run before validation: ``{}`` with a good key is 400 and creates nothing."""
    handle, client = akt
    r = client.post(LEADS, json={})
    assert r.status_code == 400 and r.json()["error"] == "Bad Request"
    assert handle.ledger.created("aktify") == 0


def test_created_lead_is_201_echo_of_accepted_properties(akt):
    """Seed 201: "The created lead with whatever properties were accepted" (unknown keys are not echoed)."""
    handle, client = akt
    body = {
        "phoneNumber": "(509) 555-1234",
        "region": "wa",
        "firstName": "Ada",
        "email": "ada@example.com",
        "externalCreated": "2022-11-15T21:04:28-0600",
        "metadata": {"plan": "gold"},
        "favouriteColour": "teal",
    }
    r = client.post(LEADS, json=body)
    assert r.status_code == 201
    echo = r.json()
    assert (
        echo["phoneNumber"] == "(509) 555-1234"
        and echo["region"] == "WA"
        and echo["metadata"] == {"plan": "gold"}
    )
    assert "favouriteColour" not in echo
    assert handle.ledger.payloads("aktify", helpers.KEY) == [body]  # the exact received payload


def test_zip_code_determines_region(akt):
    """Seed: ``zipCode`` "will be used to determine region"."""
    _, client = akt
    r = client.post(LEADS, json={"phoneNumber": "2065550100", "zipCode": "90210"})
    assert r.status_code == 201 and r.json()["region"] == "CA"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"region": "CA"}, "phoneNumber should not be empty"),
        ({"phoneNumber": "555-12"}, "phoneNumber must be a valid US phone number"),
        ({"phoneNumber": "5095551234"}, "region or zipCode must be provided"),
        ({"phoneNumber": "5095551234", "region": "Bavaria"}, "region must be a US state code"),
        ({"phoneNumber": "5095551234", "zipCode": "ABCDE"}, "zipCode must be a valid US zip code"),
        (
            {
                "phoneNumber": "5095551234",
                "region": "CA",
                "link": "https://a.example",
                "linkToShorten": "https://b.example",
            },
            "link and linkToShorten are mutually exclusive",
        ),
        (
            {"phoneNumber": "5095551234", "region": "CA", "metadata": {"score": 5}},
            "metadata must be a key-value object where all values are strings",
        ),
        ({"phoneNumber": "5095551234", "region": "CA", "email": "nope"}, "email must be an email"),
        (
            {"phoneNumber": "5095551234", "region": "CA", "externalCreated": "yesterday"},
            "externalCreated must be a valid ISO 8601 date string",
        ),
    ],
)
def test_validation_400(akt, body, problem):
    """Seed 400: required fields missing (phoneNumber; region or zipCode) or any field invalid (US state, link
    xor linkToShorten, metadata values strings).
    """
    handle, client = akt
    r = client.post(LEADS, json=body)
    assert r.status_code == 400
    assert problem in r.json()["message"]
    assert handle.ledger.created("aktify") == 0


def test_link_to_shorten_comes_back_as_link(akt):
    """Link-shortening doc: with ``linkToShorten`` the response's ``link`` holds the shortened URL."""
    _, client = akt
    r = client.post(
        LEADS, json={"phoneNumber": "5095551234", "region": "CA", "linkToShorten": "https://www.aktify.com"}
    )
    echo = r.json()
    assert (
        r.status_code == 201
        and echo["link"].startswith("https://shortlink.aktify.com/")
        and "linkToShorten" not in echo
    )


def test_duplicate_phone_is_409_after_normalising_digits(akt):
    """Seed 409: "the phone number was already submitted to the campaign"; formatting does not matter."""
    handle, client = akt
    assert client.post(LEADS, json={"phoneNumber": "(509) 555-7777", "region": "WA"}).status_code == 201
    again = client.post(LEADS, json={"phoneNumber": "+1 509.555.7777", "region": "WA"})
    assert again.status_code == 409 and again.json()["statusCode"] == 409
    assert handle.ledger.attempts("aktify", helpers.KEY, "5095557777") == 2
    assert handle.ledger.count("aktify", helpers.KEY) == 1


def test_key_is_the_campaign(akt):
    """§4.1: "Adds a lead to the campaign associated with the API key": one campaign per key."""
    handle, client = akt
    seeded = client.__class__(base_url=client.base_url, headers={"x-api-key": seed.AKTIFY_KEY})
    with seeded:
        assert (
            seeded.post(LEADS, json={"phoneNumber": seed.AKTIFY_DUPLICATE_PHONE, "region": "WA"}).status_code
            == 409
        )
    assert (
        client.post(LEADS, json={"phoneNumber": seed.AKTIFY_DUPLICATE_PHONE, "region": "WA"}).status_code
        == 201
    )
    assert (
        handle.ledger.count("aktify", helpers.KEY) == 1
        and handle.ledger.count("aktify", seed.AKTIFY_KEY) == 0
    )


def test_configurable_rate_limit_answers_429_with_retry_after(sandbox_factory):
    """§4.1: no documented limit, so a configurable one (default 5/s) answers 429 with Retry-After."""
    handle = sandbox_factory(limits={"aktify": (2, 60.0)})
    with helpers.aktify(handle.base_urls["aktify"]) as client:
        codes = [client.post(LEADS, json={}).status_code for _ in range(3)]
        throttled = client.post(LEADS, json={})
    assert codes == [400, 400, 429] and throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) >= 1
    assert handle.ledger.throttled("aktify") == 2


def test_default_aktify_limit_is_5_per_second(sandbox):
    """Brief: a few per second by default for the undocumented limits (Aktify 5/s)."""
    limiter = sandbox.sandbox.providers["aktify"].ctx.limiters["aktify"]
    assert [(w.requests, w.seconds) for w in limiter.windows] == [(5, 1.0)]


def test_link_click_campaign_needs_a_link(sandbox):
    """Seed: link and linkToShorten, "one or the other must be provided, but not both" for a link-click
    campaign (keys containing ``linkclick`` stand for one); other campaigns take leads without a link."""
    with helpers.aktify(sandbox.base_urls["aktify"], key="sandbox-linkclick") as client:
        missing = client.post(LEADS, json={"phoneNumber": "5095551234", "region": "WA"})
        ok = client.post(
            LEADS, json={"phoneNumber": "5095551234", "region": "WA", "link": "https://a.example"}
        )
    assert missing.status_code == 400
    assert "link or linkToShorten must be provided for a link-click campaign" in missing.json()["message"]
    assert ok.status_code == 201
