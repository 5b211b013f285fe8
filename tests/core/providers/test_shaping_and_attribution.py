"""The shared rules: custom-name collisions, typed values, option parsing, lead indexes, URL keys."""

from __future__ import annotations

import httpx
import pytest

from gui.core.domain import Status
from gui.core.providers import http
from gui.core.providers.attribution import index_named, linkedin_key, plausible_email, whole_request_rejected
from gui.core.providers.shaping import custom_names, flat_body, option_on, option_text, typed_value

from .helpers import lead


def test_custom_names_prefix_collisions_case_insensitively_and_stay_unique() -> None:
    names = custom_names(["email", "Phone", "custom_email", "notes"], ["email", "phone"])
    assert names == {
        "email": "custom_email_2",
        "Phone": "custom_Phone",
        "custom_email": "custom_email",
        "notes": "notes",
    }
    assert len(set(names.values())) == 4


def test_flat_body_keeps_fields_and_stringifies_custom() -> None:
    assert flat_body({"email": "a@x.io"}, {"email": "b@x.io", "n": "1"}, ["email"]) == {
        "email": "a@x.io",
        "custom_email": "b@x.io",
        "n": "1",
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-3.5", -3.5),
        ("TRUE", True),
        ("false", False),
        ("", None),
        ("02134", "02134"),
        ("+15551234", "+15551234"),
        ("1.50", "1.50"),
        ("1234567890123456789", "1234567890123456789"),
        ("1e5", "1e5"),
        ("yes", "yes"),
    ],
)
def test_typed_value_converts_only_without_loss(text: str, value: object) -> None:
    assert typed_value(text) == value and type(typed_value(text)) is type(value)


def test_options_accept_bools_and_texts() -> None:
    options: dict[str, bool | str] = {"a": True, "b": "true", "c": "0", "d": False, "t": " x ", "u": True}
    assert [option_on(options, k) for k in "abcdz"] == [True, True, False, False, False]
    assert (option_text(options, "t"), option_text(options, "u"), option_text(options, "z")) == ("x", "", "")


@pytest.mark.parametrize(
    ("message", "size", "index"),
    [
        ("body/leads/3 must NOT have additional properties", 5, 3),
        ("leads.1.linkedinUrl must be a URL address", 2, 1),
        ("leads[0].email is invalid", 1, 0),
        ("body/leads/7 must be object", 5, None),
        ("body/leads/1 x; body/leads/2 y", 5, None),
        ("body/campaign_id must match format uuid", 5, None),
    ],
)
def test_index_named(message: str, size: int, index: int | None) -> None:
    assert index_named(message, size) == index


def test_whole_request_rejected_names_the_culprit_row_for_the_others() -> None:
    batch = [lead(20, email="a"), lead(21, email="b")]
    outcomes = whole_request_rejected(batch, "Instantly", "body/leads/1 must NOT have additional properties")
    assert [(o.status, o.retryable) for o in outcomes] == [(Status.FAILED, True), (Status.INVALID, False)]
    assert "another row" in outcomes[0].reason


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/John-Doe/",
        "http://uk.linkedin.com/in/john-doe?trk=abc#top",
        "linkedin.com/in/john-doe",
        " https://linkedin.com/in/john%2Ddoe// ",
    ],
)
def test_linkedin_key_folds_the_variants(url: str) -> None:
    assert linkedin_key(url) == "linkedin.com/in/john-doe"


def test_plausible_email() -> None:
    assert plausible_email(" a.b@example.co.uk ")
    assert not plausible_email("a@b") and not plausible_email("") and not plausible_email("a b@c.de")


def test_body_text_scrubs_the_credentials_the_request_carried() -> None:
    request = httpx.Request("GET", "https://x.test/", headers={"Authorization": "Basic OnNlY3JldC1rZXk="})
    response = httpx.Response(401, text="bad key secret-key", request=request)
    assert http.body_text(response) == "bad key ***"
    request = httpx.Request("GET", "https://x.test/", headers={"X-API-Key": "sk_abcdef"})
    response = httpx.Response(400, json={"message": ["lead 1 sk_abcdef", "lead 2"]}, request=request)
    assert http.body_text(response) == "lead 1 ***; lead 2"


def test_retry_after_reads_seconds_and_dates() -> None:
    assert http.retry_after(httpx.Response(429, headers={"Retry-After": "2"})) == 2.0
    assert http.retry_after(httpx.Response(429, headers={"Retry-After": "soon"})) is None
    dated = http.retry_after(httpx.Response(429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}))
    assert dated == 0.0
    assert http.remaining(httpx.Response(200, headers={"X-RateLimit-Remaining": "7"})) == 7
