"""Instantly client: listing, payload shape, and every outcome-attribution rule of leads/add."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from gui.core.domain import Status
from gui.core.errors import (
    AuthError,
    ForbiddenError,
    NotFoundError,
    PlanError,
    ProviderError,
    RateLimited,
    TransientError,
)
from gui.core.providers import instantly, instantly_answers
from gui.core.providers.base import destination_of
from gui.core.providers.instantly import InstantlyClient
from gui.core.providers.instantly_answers import attribute, target_of

from .helpers import Script, lead, recorded, reply, run

CAMPAIGN = "019a0000-0000-7000-8000-000000000001"
LIST = "019a0000-0000-7000-8000-0000000000a1"
ADD = "/api/v2/leads/add"


def call(script: Script, fn: Callable[[InstantlyClient], Awaitable[Any]]) -> Any:
    async def go() -> Any:
        client = InstantlyClient("sandbox-key", transport=script.transport)
        try:
            return await fn(client)
        finally:
            await client.aclose()

    return run(go())


def three() -> list[Any]:
    return [
        lead(10, email="ada@example.com", first_name="Ada"),
        lead(11, email="bob@example.com"),
        lead(12, email="cy@example.com"),
    ]


def test_list_follows_cursor_through_last_nonempty_page_to_empty_page_then_lists() -> None:
    script = Script(
        ("GET", "/api/v2/campaigns", reply(200, "instantly_campaigns_page1.json")),
        ("GET", "/api/v2/campaigns", reply(200, "instantly_campaigns_page2.json")),
        ("GET", "/api/v2/campaigns", reply(200, "instantly_empty_page.json")),
        ("GET", "/api/v2/lead-lists", reply(200, "instantly_lead_lists_page1.json")),
        ("GET", "/api/v2/lead-lists", reply(200, "instantly_empty_page.json")),
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert script.done()
    assert [(c.name, c.status, c.kind) for c in campaigns] == [
        ("Q4 Outbound", "Active", "campaign"),
        ("Webinar follow-up", "Paused", "campaign"),
        ("Old list", "Account Suspended", "campaign"),
        ("Experimental", "status 42", "campaign"),
        ("Trade show leads", "", "list"),
    ]
    assert "starting_after" not in script.requests[0].url.params
    assert script.requests[1].url.params["starting_after"] == "019a0000-0000-7000-8000-000000000002"
    assert script.requests[2].url.params["starting_after"] == "019a0000-0000-7000-8000-000000000004"
    assert script.requests[4].url.params["starting_after"] == "2026-02-01T09:00:00.000Z"
    assert all(r.url.params["limit"] == "100" for r in script.requests)
    assert destination_of(campaigns[-1]) == f"list:{LIST}"
    assert destination_of(campaigns[0]) == campaigns[0].id


def test_list_stops_when_the_server_repeats_a_cursor() -> None:
    page = reply(200, "instantly_campaigns_page1.json")
    script = Script(
        ("GET", "/api/v2/campaigns", page),
        ("GET", "/api/v2/campaigns", lambda r: reply(200, "instantly_campaigns_page1.json")),
        ("GET", "/api/v2/lead-lists", reply(200, "instantly_empty_page.json")),
    )
    campaigns = call(script, lambda c: c.list_campaigns())
    assert script.done() and len(campaigns) == 2  # the repeated page adds nothing, then the loop stops


def test_lead_lists_forbidden_by_scope_still_lists_campaigns() -> None:
    script = Script(
        ("GET", "/api/v2/campaigns", reply(200, "instantly_campaigns_page1.json")),
        ("GET", "/api/v2/campaigns", reply(200, "instantly_empty_page.json")),
        ("GET", "/api/v2/lead-lists", reply(403, text="Forbidden")),
    )
    assert [c.kind for c in call(script, lambda c: c.list_campaigns())] == ["campaign", "campaign"]


def test_check_key_reads_workspace_name_and_falls_back_when_scope_missing() -> None:
    script = Script(("GET", "/api/v2/workspaces/current", reply(200, "instantly_workspace.json")))
    assert call(script, lambda c: c.check_key()) == "Acme Sales"
    script = Script(
        ("GET", "/api/v2/workspaces/current", reply(403, text="forbidden")),
        ("GET", "/api/v2/campaigns", reply(200, "instantly_campaigns_page1.json")),
    )
    assert call(script, lambda c: c.check_key()) == "Instantly workspace"


@pytest.mark.parametrize(
    ("status", "name", "error"),
    [
        (401, "instantly_401.json", AuthError),
        (402, "instantly_402.json", PlanError),
        (403, None, ForbiddenError),
        (429, None, RateLimited),
        (503, None, TransientError),
        (404, "instantly_404.json", NotFoundError),
    ],
)
def test_send_run_level_answers_raise_the_error_the_engine_acts_on(
    status: int, name: str | None, error: type[Exception]
) -> None:
    script = Script(("POST", ADD, reply(status, name) if name else reply(status, text="nope")))
    with pytest.raises(error):
        call(script, lambda c: c.send(three(), CAMPAIGN, {}))


def test_payload_shape_custom_variables_options_and_collisions() -> None:
    client = InstantlyClient("sandbox-key", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    batch = [
        lead(0, {"Plan": "Pro", "email": "other@x.io", "seats": "12", "zip": "02134"}, email="a@x.io"),
        lead(1, email="b@x.io", first_name="B"),
    ]
    body = client.payload(
        batch,
        CAMPAIGN,
        {
            "skip_if_in_workspace": True,
            "verify_leads_on_import": "true",
            "blocklist_id": " bl ",
            "assigned_to": "",
        },
    )
    assert body == {
        "campaign_id": CAMPAIGN,
        "leads": [
            {
                "email": "a@x.io",
                "custom_variables": {
                    "Plan": "Pro",
                    "custom_email": "other@x.io",
                    "seats": "12",
                    "zip": "02134",
                },
            },
            {"email": "b@x.io", "first_name": "B"},
        ],
        "skip_if_in_workspace": True,
        "verify_leads_on_import": True,
        "blocklist_id": "bl",
    }
    typed = client.payload(batch[:1], f"list:{LIST}", {"typed_custom_variables": True})
    assert typed["list_id"] == LIST and "campaign_id" not in typed
    assert typed["leads"][0]["custom_variables"] == {  # type: ignore[index]
        "Plan": "Pro",
        "custom_email": "other@x.io",
        "seats": 12,
        "zip": "02134",
    }
    run(client.aclose())


def test_all_created_rows_are_uploaded_with_ids() -> None:
    script = Script(("POST", ADD, reply(200, "instantly_add_all_created.json")))
    result = call(script, lambda c: c.send(three(), CAMPAIGN, {}))
    assert [(o.row, o.status, o.provider_id) for o in result.outcomes] == [
        (10, Status.UPLOADED, "019b0000-0000-7000-8000-000000000010"),
        (11, Status.UPLOADED, "019b0000-0000-7000-8000-000000000011"),
        (12, Status.UPLOADED, "019b0000-0000-7000-8000-000000000012"),
    ]
    assert "skip_if_in_campaign" not in script.body(0)


def test_missing_indexes_explained_only_by_duplicated_leads_are_duplicates() -> None:
    batch = [*three(), lead(13, email="dee@example.com")]
    outcomes = attribute(batch, recorded("instantly_add_duplicates.json"), target_of(CAMPAIGN))
    statuses = [(o.row, o.status) for o in outcomes]
    assert statuses == [
        (10, Status.UPLOADED),
        (11, Status.DUPLICATE),
        (12, Status.UPLOADED),
        (13, Status.DUPLICATE),
    ]


def test_skipped_and_blocklisted_rows_are_skipped_with_both_reasons() -> None:
    outcomes = attribute(three(), recorded("instantly_add_skipped_blocklist.json"), target_of(CAMPAIGN))
    assert [o.status for o in outcomes] == [Status.SKIPPED, Status.UPLOADED, Status.SKIPPED]
    assert "blocklist" in outcomes[0].reason and "skip_if" in outcomes[0].reason


def test_invalid_email_and_repeat_in_request_are_pinned_to_their_rows() -> None:
    batch = [
        lead(0, email="ada@example.com"),
        lead(1, email="not-an-email"),
        lead(2, email="ADA@example.com "),
        lead(3, email="dee@example.com"),
    ]
    outcomes = attribute(batch, recorded("instantly_add_invalid_and_repeat.json"), target_of(CAMPAIGN))
    assert [o.status for o in outcomes] == [
        Status.UPLOADED,
        Status.INVALID,
        Status.DUPLICATE,
        Status.UPLOADED,
    ]
    assert "invalid" in outcomes[1].reason
    assert outcomes[2].reason == "the same email is on an earlier row of this request (ada@example.com)"


def test_a_mix_of_counters_is_failed_with_every_counter_named() -> None:
    outcomes = attribute(three(), recorded("instantly_add_mixed.json"), target_of(CAMPAIGN))
    assert outcomes[0].status is Status.UPLOADED
    for o in outcomes[1:]:
        assert o.status is Status.FAILED and not o.retryable
        assert "in_blocklist=1" in o.reason and "duplicated_leads=1" in o.reason


def test_counters_that_do_not_cover_the_missing_rows_fail_them() -> None:
    data = {**recorded("instantly_add_all_created.json"), "created_leads": []}
    outcomes = attribute(three(), data, target_of(CAMPAIGN))
    assert {o.status for o in outcomes} == {Status.FAILED}
    assert "every counter 0" in outcomes[0].reason


def test_replay_sends_skip_flag_and_counts_skipped_rows_as_created_earlier() -> None:
    script = Script(("POST", ADD, reply(200, "instantly_add_replay_skipped.json")))
    result = call(script, lambda c: c.send(three(), CAMPAIGN, {}, replay=True))
    assert script.body(0)["skip_if_in_campaign"] is True
    assert [o.status for o in result.outcomes] == [Status.UPLOADED] * 3
    assert result.outcomes[0].reason == instantly_answers.REPLAY_REASON
    assert result.outcomes[2].provider_id.endswith("062")


def test_replay_to_a_list_uses_skip_if_in_list_and_not_replayed_skip_is_skipped() -> None:
    script = Script(("POST", ADD, reply(200, "instantly_add_replay_skipped.json")))
    call(script, lambda c: c.send(three(), f"list:{LIST}", {}, replay=True))
    assert script.body(0)["skip_if_in_list"] is True and script.body(0)["list_id"] == LIST
    outcomes = attribute(three(), recorded("instantly_add_replay_skipped.json"), target_of(CAMPAIGN))
    assert [o.status for o in outcomes] == [Status.SKIPPED, Status.SKIPPED, Status.UPLOADED]


def test_list_lead_without_email_or_name_is_incomplete() -> None:
    batch = [lead(0, first_name="Ada"), lead(1, company_name="Nameless Inc")]
    outcomes = attribute(batch, recorded("instantly_add_list_incomplete.json"), target_of(f"list:{LIST}"))
    assert [o.status for o in outcomes] == [Status.UPLOADED, Status.INVALID]
    assert "first name" in outcomes[1].reason


def test_400_naming_a_lead_makes_it_invalid_and_the_others_retryable() -> None:
    script = Script(("POST", ADD, reply(400, "instantly_400_lead_index.json")))
    result = call(script, lambda c: c.send(three(), CAMPAIGN, {}))
    a, b, c = result.outcomes
    assert b.status is Status.INVALID and "additional properties" in b.reason
    assert a.status is c.status is Status.FAILED and a.retryable and c.retryable
    assert "another row" in a.reason


def test_400_on_the_envelope_makes_every_row_invalid_with_the_message() -> None:
    script = Script(("POST", ADD, reply(400, "instantly_400_envelope.json")))
    result = call(script, lambda c: c.send(three(), CAMPAIGN, {}))
    assert {o.status for o in result.outcomes} == {Status.INVALID}
    assert all("campaign_id" in o.reason for o in result.outcomes)


def test_a_success_that_is_not_json_is_transient() -> None:
    script = Script(("POST", ADD, reply(200, text="<html>gateway</html>")))
    with pytest.raises(TransientError):
        call(script, lambda c: c.send(three(), CAMPAIGN, {}))


def test_read_back_asks_for_ids_and_counts_the_found_ones() -> None:
    script = Script(("POST", "/api/v2/leads/list", reply(200, "instantly_leads_list.json")))
    ids = ["019b0000-0000-7000-8000-000000000010", "019b0000-0000-7000-8000-000000000011"]
    result = call(script, lambda c: c.read_back(CAMPAIGN, ids))
    assert (result.checked, result.found) == (2, 2)
    assert script.body(0)["ids"] == ids and script.body(0)["campaign"] == CAMPAIGN


def test_read_back_falls_back_to_a_full_scan_when_the_ids_filter_is_ignored() -> None:
    wanted = ["019b0000-0000-7000-8000-000000000011", "019b0000-0000-7000-8000-0000000000zz"]
    other = {"items": [{"id": "019b0000-0000-7000-8000-000000000099"}], "next_starting_after": "x"}
    script = Script(
        ("POST", "/api/v2/leads/list", httpx.Response(200, json=other)),
        ("POST", "/api/v2/leads/list", reply(200, "instantly_leads_list.json")),
        ("POST", "/api/v2/leads/list", reply(200, "instantly_empty_page.json")),
    )
    result = call(script, lambda c: c.read_back(f"list:{LIST}", wanted))
    assert (result.checked, result.found) == (2, 1)
    assert "ids" not in script.body(1) and script.body(1)["list_id"] == LIST
    assert script.body(2)["starting_after"] == "019b0000-0000-7000-8000-000000000011"
    assert result.note == "verified 1 of 2 in the list"


def test_read_back_with_no_ids_is_none() -> None:
    assert call(Script(), lambda c: c.read_back(CAMPAIGN, ["", ""])) is None


def test_module_exports_its_client_for_the_registry() -> None:
    assert instantly.Client is InstantlyClient


def test_preview_payload_without_a_destination_and_send_refuses_it() -> None:
    client = InstantlyClient("sandbox-key", transport=httpx.MockTransport(lambda r: httpx.Response(500)))
    assert client.payload(three()[:1], "", {})["campaign_id"] == ""
    with pytest.raises(ProviderError, match="Choose an Instantly campaign"):
        run(client.send(three(), "list:", {}))
    run(client.aclose())
