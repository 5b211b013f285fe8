"""The campaigns' emails the sandbox starts with (providers-next.md §1), so the demo shows every tag case.

The named demo campaigns carry realistic sequences: several steps, ``{{firstName}}`` and ``{{companyName}}``,
a custom variable (``{{icebreaker}}``), the providers' own tags (sender, signature, unsubscribe), a lemlist
conditional branch, Instantly spintax and one disabled Instantly variant. Other campaigns get a short one.
"""

from __future__ import annotations

from typing import Any

from gui.sandbox.seed import token_for

LEMLIST_FOOTER = "<p>{{signature}}</p><p><a href='{{unsubscribe}}'>Unsubscribe</a></p>"
INSTANTLY_FOOTER = "<p>{{accountSignature}}</p><p>{{unsubscribe}}</p>"


def _lemlist_step(sequence_id: str, index: int, kind: str, delay: int, **text: str) -> dict[str, Any]:
    step: dict[str, Any] = {
        "_id": f"stp_{token_for(f'{sequence_id}-{index}')}",
        "delay": delay,
        "type": kind,
        "index": index,
        "sequenceId": sequence_id,
        "sequenceStep": index,
    }
    if kind == "email":
        step["emailTemplateId"] = f"etp_{token_for(f'{sequence_id}-tpl-{index}')}"
    step.update(text)
    return step


def lemlist_sequences(sequence_id: str, rich: bool) -> dict[str, Any]:
    """``GET /campaigns/{id}/sequences``: the main sequence and, for the rich demo, one conditional branch."""
    if not rich:
        steps = [
            _lemlist_step(
                sequence_id,
                0,
                "email",
                0,
                subject="Quick question, {{firstName}}",
                message="<p>Hi {{firstName}},</p><p>Is {{companyName}} looking at this?</p>" + LEMLIST_FOOTER,
            ),
            _lemlist_step(
                sequence_id,
                1,
                "email",
                3,
                subject="Re: Quick question, {{firstName}}",
                message="<p>Bumping this up, {{firstName}}.</p><p>{{sendingAccountFirstName}}</p>",
            ),
        ]
        return {sequence_id: {"_id": sequence_id, "steps": steps, "level": 0}}
    branch_id = f"seq_{token_for(sequence_id + '-branch')}"
    main = [
        _lemlist_step(
            sequence_id,
            0,
            "email",
            0,
            subject="{{firstName}}, an idea for {{companyName}}",
            message=(
                "<p>Hi {{firstName}},</p><p>{{icebreaker}}</p>"
                "<p>Teams like {{companyName}} cut their onboarding time in half with us.</p>"
                "<p>{{senderFirstName}}</p>" + LEMLIST_FOOTER
            ),
        ),
        _lemlist_step(
            sequence_id,
            1,
            "linkedinInvite",
            2,
            message="Hi {{firstName}}, I wrote to you about {{companyName}}; happy to connect here too.",
        ),
        _lemlist_step(sequence_id, 2, "conditional", 1),
        _lemlist_step(
            sequence_id,
            3,
            "email",
            3,
            subject="Re: {{firstName}}, an idea for {{companyName}}",
            message=(
                "<p>{{firstName}}, as {{jobTitle}} you may like the two-minute case study below.</p>"
                + LEMLIST_FOOTER
            ),
        ),
    ]
    branch = [
        _lemlist_step(
            branch_id,
            0,
            "email",
            0,
            subject="Thanks for opening, {{firstName}}",
            message="<p>Hi {{firstName}},</p><p>Shall I send the {{industry}} benchmark?</p>"
            + LEMLIST_FOOTER,
        )
    ]
    return {
        sequence_id: {"_id": sequence_id, "steps": main, "level": 0},
        branch_id: {
            "_id": branch_id,
            "steps": branch,
            "level": 1,
            "parentId": sequence_id,
            "conditionalStepIndex": 2,
        },
    }


def _variant(subject: str, body: str, *, disabled: bool = False) -> dict[str, Any]:
    variant: dict[str, Any] = {"subject": subject, "body": body}
    if disabled:
        variant["v_disabled"] = True
    return variant


def instantly_sequences(rich: bool) -> list[dict[str, Any]]:
    """``sequences`` of ``GET /api/v2/campaigns/{id}``: one item, whose steps carry variants."""
    first = _variant(
        "{{RANDOM | Hi | Hello}} {{firstName}}",
        "<p>{{RANDOM | Hi | Hello}} {{firstName}},</p><p>{{personalization}}</p>"
        "<p>Would {{companyName}} want a quick look?</p><p>{{sendingAccountFirstName}}</p>"
        + INSTANTLY_FOOTER,
    )
    if not rich:
        return [{"steps": [{"type": "email", "delay": 2, "delay_unit": "days", "variants": [first]}]}]
    steps = [
        {
            "type": "email",
            "delay": 2,
            "delay_unit": "days",
            "variants": [
                first,
                _variant(
                    "Idea for {{companyName}}",
                    "<p>Hi {{firstName}},</p><p>{{icebreaker}}</p>" + INSTANTLY_FOOTER,
                ),
            ],
        },
        {
            "type": "email",
            "delay": 3,
            "delay_unit": "days",
            "variants": [
                _variant("Re: {{companyName}}", "<p>{{firstName}}, any thoughts?</p>" + INSTANTLY_FOOTER),
                _variant(
                    "Old angle for {{companyName}}",
                    "<p>{{firstName}}, this one is switched off: {{legacyField}}</p>",
                    disabled=True,
                ),
            ],
        },
        {
            "type": "email",
            "delay": 1,
            "delay_unit": "days",
            "variants": [
                _variant(
                    "Closing the loop, {{firstName}}",
                    "<p>Last note from me, {{firstName}}. {{website}}</p>" + INSTANTLY_FOOTER,
                )
            ],
        },
    ]
    return [{"steps": steps}]
