"""The merge-tag check and the per-row rendering: no "Hi ," leaves unnoticed."""

from __future__ import annotations

from types import ModuleType

import pandas as pd
import pytest

from gui.core.campaign_text import CampaignText, EmailStep, TagVocabulary
from gui.core.cancel import CancelToken
from gui.core.errors import Cancelled
from gui.core.mapping.columns import ColumnMapping
from gui.core.merge_tags import (
    check_tags,
    find_tags,
    html_to_text,
    lead_tags,
    parse_tag,
    pieces_text,
    render_row,
    tag_columns,
)
from gui.core.providers import instantly, lemlist

VOCAB = TagVocabulary(
    fields={"firstName": "first_name", "first_name": "first_name", "companyName": "company_name"},
    own=frozenset({"accountSignature"}),
    own_prefixes=("sendingAccount",),
    spintax="RANDOM",
)

CAMPAIGN = CampaignText(
    provider="instantly",
    campaign_id="c1",
    steps=(
        EmailStep(
            1,
            "step 1",
            "{{RANDOM | Hi | Hello}} {{firstName}}",
            "<p>Hi {{firstName}},</p><p>{{icebreaker}}</p>",
        ),
        EmailStep(2, "step 2", "", "<p>About {{companyName}}</p><p>{{accountSignature}}</p>"),
        EmailStep(3, "step 3", "Last one", "{{sendingAccountFirstName}} here, {{first_name}}."),
    ),
)


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Email": ["a@x.com", "b@x.com", "c@x.com"],
            "First": ["Ann", "  ", "Cy"],
            "Company": ["Acme", "Beta", ""],
            "Line": ["Loved your talk", "", "Nice post"],
        }
    )


MAPPING = ColumnMapping(
    fields={"email": "Email", "first_name": "First", "company_name": "Company"},
    custom={"Line": "icebreaker"},
)


def test_tags_are_told_apart() -> None:
    tags = find_tags(
        "{{RANDOM | Hi | Hello}} {{ firstName }} {{accountSignature}} {{sendingAccountName}}", VOCAB
    )
    assert [(t.name, t.kind) for t in tags] == [
        ("RANDOM", "spintax"),
        ("firstName", "lead"),
        ("accountSignature", "own"),
        ("sendingAccountName", "own"),
    ]
    assert tags[0].options == ("Hi", "Hello")


def test_lead_tags_name_their_steps_and_skip_provider_tags() -> None:
    assert lead_tags(CAMPAIGN, VOCAB) == {
        "firstName": ("step 1",),
        "icebreaker": ("step 1",),
        "companyName": ("step 2",),
        "first_name": ("step 3",),
    }


def test_custom_variables_fill_tags_by_their_exact_key() -> None:
    other_key = ColumnMapping(fields={"first_name": "First"}, custom={"Line": "icebreaker_line"})
    assert tag_columns(other_key, VOCAB) == {
        "icebreaker_line": "Line",
        "firstName": "First",
        "first_name": "First",
    }


def test_empty_cells_flag_their_rows_with_step_and_tag() -> None:
    check = check_tags(frame(), MAPPING, CAMPAIGN, VOCAB)
    assert check.checked and not check.missing
    assert set(check.reasons) == {1, 2}
    assert "{{firstName}} in step 1 (empty in this row)" in check.reasons[1]
    assert "{{icebreaker}} in step 1" in check.reasons[1]
    assert "{{companyName}}" not in check.reasons[1]
    assert "{{companyName}} in step 2 (empty in this row)" in check.reasons[2]
    assert "2 rows" in check.note


def test_a_tag_no_column_provides_is_one_sheet_message_and_flags_every_row() -> None:
    mapping = ColumnMapping(fields={"email": "Email", "first_name": "First", "company_name": "Company"})
    check = check_tags(frame(), mapping, CAMPAIGN, VOCAB)
    assert [m.message for m in check.missing] == [
        "The campaign's step 1 uses {{icebreaker}}; no column provides it."
    ]
    assert set(check.reasons) == {0, 1, 2}
    assert "no column provides it" in check.reasons[0]


def test_a_sheet_that_fills_every_tag_passes() -> None:
    full = frame().assign(First=["Ann", "Bo", "Cy"], Company=["A", "B", "C"], Line=["x", "y", "z"])
    check = check_tags(full, MAPPING, CAMPAIGN, VOCAB)
    assert check.reasons == {}
    assert "every row fills all 4 merge tags" in check.note


def test_a_campaign_without_steps_is_not_checked() -> None:
    check = check_tags(frame(), MAPPING, CampaignText("lemlist", "c", ()), VOCAB)
    assert not check.checked and "no emails" in check.note


def test_cancel_stops_the_check() -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        check_tags(frame(), MAPPING, CAMPAIGN, VOCAB, cancel=token)


def test_render_fills_values_keeps_provider_tags_and_shows_first_spintax_option() -> None:
    first, second, third = render_row(frame(), MAPPING, CAMPAIGN, VOCAB, 0)
    assert pieces_text(first.subject, is_html=False) == "Hi Ann"
    assert pieces_text(first.body, is_html=True) == "Hi Ann,\n\nLoved your talk"
    assert first.unresolved == ()
    assert pieces_text(second.body, is_html=True) == "About Acme\n\n{{accountSignature}}"
    assert [p.kind for p in second.body if p.tag] == ["resolved", "own"]
    assert pieces_text(third.body, is_html=False) == "{{sendingAccountFirstName}} here, Ann."


def test_render_marks_what_would_go_out_empty() -> None:
    first, *_ = render_row(frame(), MAPPING, CAMPAIGN, VOCAB, 1)
    assert first.unresolved == ("{{firstName}}", "{{icebreaker}}")
    assert [p.kind for p in first.body if p.tag] == ["unresolved", "unresolved"]


def test_values_are_escaped_into_html() -> None:
    data = frame().assign(Company=["<b>Acme & Co</b>", "B", "C"])
    _, second, _ = render_row(data, MAPPING, CAMPAIGN, VOCAB, 0)
    assert pieces_text(second.body, is_html=True).startswith("About <b>Acme & Co</b>")


def test_html_to_text_reads_like_an_email() -> None:
    markup = "<div><p>Hi&nbsp;Ann,</p><p>Line one<br>line  two</p><p><a href='x'>Book a call</a></p></div>"
    assert html_to_text(markup) == "Hi Ann,\n\nLine one\nline two\n\nBook a call"


@pytest.mark.parametrize("module", [lemlist, instantly])
def test_each_provider_that_publishes_its_emails_has_a_tag_vocabulary(module: ModuleType) -> None:
    vocab = module.SPEC.merge_tags
    assert vocab is not None and module.SPEC.has_campaign_text and vocab.source
    assert set(vocab.fields.values()) <= {f.name for f in module.SPEC.fields}


def test_provider_vocabularies_tell_their_own_tags_from_lead_data() -> None:
    lem, ins = lemlist.TAGS, instantly.TAGS
    assert [parse_tag("", t, lem).kind for t in ("senderName", "firstName", "industry")] == [
        "own",
        "lead",
        "lead",
    ]
    kinds = [
        parse_tag("", t, ins).kind for t in ("sendingAccountFirstName", "accountSignature", "accountTier")
    ]
    assert kinds == ["own", "own", "lead"]  # a custom variable that merely starts with "account" is lead data
    assert ins.fields["firstName"] == ins.fields["first_name"] == "first_name"
    assert parse_tag("", "RANDOM | Hi | Hello", ins).options == ("Hi", "Hello")
    assert parse_tag("", "RANDOM | Hi | Hello", lem).kind == "lead"  # lemlist has no spintax tag
