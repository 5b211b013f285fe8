"""Reading a campaign's emails (issue 15): lemlist sequences and branches, Instantly variants."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gui.core.campaign_text import CampaignText, EmailStep
from gui.core.errors import NotFoundError, ProviderError
from gui.core.providers import get_spec, make_client
from tests.core.providers import openapi
from tests.core.providers.helpers import Script, run

LEMLIST_SEQUENCES: dict[str, Any] = {
    "seq_branch": {
        "_id": "seq_branch",
        "level": 1,
        "parentId": "seq_main",
        "conditionalStepIndex": 2,
        "steps": [
            {"_id": "stp_4", "type": "email", "index": 1, "subject": "", "message": "<p>Saw you opened</p>"}
        ],
    },
    "seq_main": {
        "_id": "seq_main",
        "level": 0,
        "steps": [
            {"_id": "stp_2", "type": "conditional", "index": 2},
            {
                "_id": "stp_1",
                "type": "email",
                "index": 1,
                "subject": "Hi {{firstName}}",
                "message": "<p>{{icebreaker}}</p>",
            },
            {"_id": "stp_3", "type": "linkedinSend", "index": 3, "message": "Hey {{firstName}}"},
        ],
    },
}

INSTANTLY_CAMPAIGN: dict[str, Any] = {
    "id": "019ffad2-9c4c-7079-b87c-ef3272fbbda1",
    "name": "Q3",
    "status": 1,
    "campaign_schedule": {"schedules": []},
    "timestamp_created": "2026-08-01T00:00:00.000Z",
    "timestamp_updated": "2026-08-01T00:00:00.000Z",
    "sequences": [
        {
            "steps": [
                {
                    "type": "email",
                    "delay": 2,
                    "variants": [
                        {
                            "subject": "{{RANDOM | Hi | Hello}} {{firstName}}",
                            "body": "<p>{{personalization}}</p>",
                        },
                        {"subject": "Old", "body": "off", "v_disabled": True},
                        {"subject": "Quick one", "body": "<p>{{companyName}}</p>", "v_disabled": False},
                    ],
                },
                {"type": "email", "delay": 3, "variants": [{"subject": "", "body": "Bumping this"}]},
            ]
        },
        {
            "steps": [
                {"type": "email", "delay": 1, "variants": [{"subject": "ignored", "body": "second sequence"}]}
            ]
        },
    ],
}


def _text(provider: str, script: Script, campaign: str) -> CampaignText | None:
    async def go() -> CampaignText | None:
        client = make_client(provider, "sandbox-key", transport=script.transport)
        try:
            return await client.campaign_text(campaign)
        finally:
            await client.aclose()

    return run(go())


def test_only_lemlist_and_instantly_publish_campaign_text() -> None:
    assert [get_spec(p).has_campaign_text for p in ("lemlist", "instantly", "aktify", "sendpilot")] == [
        True,
        True,
        False,
        False,
    ]


def test_the_fixtures_fit_the_published_answer_schemas() -> None:
    lemlist = openapi.load("lemlist_openapi.json")
    schema = openapi.response_schema(lemlist, "GET", "/campaigns/{campaignId}/sequences")
    assert openapi.problems(lemlist, schema, LEMLIST_SEQUENCES) == []
    assert openapi.problems(lemlist, schema, {"seq": {"steps": "no"}}) != []  # the check can fail
    instantly = openapi.load("instantly_api_v2.json")
    schema = openapi.response_schema(instantly, "GET", "/api/v2/campaigns/{id}")
    assert openapi.problems(instantly, schema, INSTANTLY_CAMPAIGN) == []


def test_lemlist_main_sequence_then_branches_every_step_with_text() -> None:
    script = Script(("GET", "/api/campaigns/cam_1/sequences", httpx.Response(200, json=LEMLIST_SEQUENCES)))
    text = _text("lemlist", script, "cam_1")
    assert text == CampaignText(
        "lemlist",
        "cam_1",
        (
            EmailStep(1, "step 1", "Hi {{firstName}}", "<p>{{icebreaker}}</p>"),
            EmailStep(3, "step 3", "", "Hey {{firstName}}"),
            EmailStep(1, "step 1 (conditional branch after step 2)", "", "<p>Saw you opened</p>"),
        ),
    )


def test_instantly_first_sequence_enabled_variants_lettered_as_stored() -> None:
    campaign = INSTANTLY_CAMPAIGN["id"]
    script = Script(("GET", f"/api/v2/campaigns/{campaign}", httpx.Response(200, json=INSTANTLY_CAMPAIGN)))
    text = _text("instantly", script, campaign)
    assert text is not None
    assert [(s.step, s.label, s.subject) for s in text.steps] == [
        (1, "step 1, variant A", "{{RANDOM | Hi | Hello}} {{firstName}}"),
        (1, "step 1, variant C", "Quick one"),
        (2, "step 2", ""),
    ]


def test_a_campaign_without_steps_has_no_emails() -> None:
    script = Script(("GET", "/api/v2/campaigns/c", httpx.Response(200, json={"id": "c", "sequences": []})))
    assert _text("instantly", script, "c") == CampaignText("instantly", "c", ())


@pytest.mark.parametrize(
    ("provider", "path", "answer"),
    [
        ("lemlist", "/api/campaigns/c/sequences", ["not", "an", "object"]),
        ("lemlist", "/api/campaigns/c/sequences", {"seq": {"steps": {"a": 1}}}),
        ("instantly", "/api/v2/campaigns/c", {"sequences": {"steps": []}}),
        ("instantly", "/api/v2/campaigns/c", {"sequences": [{"steps": [{"type": "email"}]}]}),
    ],
)
def test_a_shape_we_do_not_know_is_a_provider_error(provider: str, path: str, answer: Any) -> None:
    script = Script(("GET", path, httpx.Response(200, json=answer)))
    with pytest.raises(ProviderError, match="shape we do not know"):
        _text(provider, script, "c")


def test_an_unreadable_campaign_raises_the_read_error() -> None:
    script = Script(
        ("GET", "/api/v2/campaigns/c", httpx.Response(404, json={"message": "Campaign not found"}))
    )
    with pytest.raises(NotFoundError):
        _text("instantly", script, "c")


@pytest.mark.parametrize("provider", ["aktify", "sendpilot"])
def test_providers_without_campaign_text_answer_none_without_a_request(provider: str) -> None:
    script = Script()
    assert _text(provider, script, "default") is None
    assert script.requests == []
