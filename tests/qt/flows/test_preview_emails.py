"""The email preview flow, built alone: each step as the selected prospect reads it."""

from __future__ import annotations

import pandas as pd
import pytest

from gui.core.campaign_text import CampaignText, EmailStep, TagVocabulary
from gui.core.errors import NotFoundError
from gui.core.mapping.columns import ColumnMapping
from gui.qt.flows.preview_emails import PreviewEmailsFlow
from gui.qt.workers import live_workers

VOCAB = TagVocabulary(
    fields={"firstName": "firstName", "companyName": "companyName"},
    own=frozenset({"senderName"}),
    spintax="RANDOM",
)
CAMPAIGN = CampaignText(
    "lemlist",
    "cam_1",
    (
        EmailStep(
            1,
            "step 1",
            "{{RANDOM | Hi | Hello}} {{firstName}}",
            "<p>Hi {{firstName}},</p><p>{{senderName}}</p>",
        ),
        EmailStep(2, "step 2 (if the lead opened)", "", "About {{companyName}}\n{{icebreaker}}"),
    ),
)
FRAME = pd.DataFrame({"Email": ["a@x.com", "b@x.com"], "First": ["Ann", ""], "Company": ["Acme", "Beta"]})
MAPPING = ColumnMapping(fields={"email": "Email", "firstName": "First", "companyName": "Company"})


@pytest.fixture
def flow(qtbot):
    pane = PreviewEmailsFlow()
    qtbot.addWidget(pane)
    pane.show()
    yield pane
    qtbot.waitUntil(lambda: live_workers() == 0, timeout=10_000)


def _loaded(qtbot, flow: PreviewEmailsFlow, read=lambda: CAMPAIGN) -> None:
    flow.set_sheet(FRAME, MAPPING)
    flow.set_row(0)
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000, check_params_cb=lambda c: c.checked):
        flow.read_campaign(read, VOCAB, "lemlist")


def test_the_selected_row_reads_as_the_prospect_gets_it(qtbot, flow: PreviewEmailsFlow) -> None:
    _loaded(qtbot, flow)
    text = flow.view.toPlainText()
    assert "Subject: Hi Ann" in text
    assert "Hi Ann," in text
    assert "{{senderName}}" in text  # the provider fills it: shown, never flagged
    assert "Would go out empty for this prospect: {{icebreaker}}" in text
    markup = flow.view.toHtml().replace(" ", "")
    assert (
        "background-color:rgba(67,160,71" in markup.split(">Ann<")[0].rsplit("<span", 1)[1]
    )  # resolved: green
    assert "background-color:rgba(229,57,53" in markup.split(">{{icebreaker}}<")[0].rsplit("<span", 1)[1]


def test_it_follows_the_selection(qtbot, flow: PreviewEmailsFlow) -> None:
    _loaded(qtbot, flow)
    flow.set_row(1)
    text = flow.view.toPlainText()
    assert "Hi Ann" not in text
    assert "Would go out empty for this prospect: {{firstName}}" in text


def test_it_follows_the_mapping(qtbot, flow: PreviewEmailsFlow) -> None:
    _loaded(qtbot, flow)
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000) as blocker:
        flow.set_sheet(
            FRAME.assign(Line=["Loved it", "Nice"]),
            ColumnMapping(fields=dict(MAPPING.fields), custom={"Line": "icebreaker"}),
        )
    assert "Loved it" in flow.view.toPlainText()
    assert not blocker.args[0].missing
    assert set(blocker.args[0].reasons) == {1}


def test_the_whole_sheet_check_names_the_missing_column(qtbot, flow: PreviewEmailsFlow) -> None:
    _loaded(qtbot, flow)
    check = flow.check
    assert [m.message for m in check.missing] == [
        "The campaign's step 2 (if the lead opened) uses {{icebreaker}}; no column provides it."
    ]
    assert "no column provides it" in flow.status.text()
    assert flow.allow_empty.isVisible()
    with qtbot.waitSignal(flow.sig_allow_empty_changed) as blocker:
        flow.allow_empty.setChecked(True)
    assert blocker.args == [True]
    assert flow.allows_empty_tags


def test_a_provider_without_campaign_text_says_so_in_one_line(qtbot, flow: PreviewEmailsFlow) -> None:
    with qtbot.waitSignal(flow.sig_checked) as blocker:
        flow.read_campaign(None, None, "Aktify")
    assert not blocker.args[0].checked
    assert flow.status.text() == "Aktify does not publish a campaign's emails, so they are not checked."
    assert not flow.allow_empty.isVisible()


def test_an_unreadable_campaign_leaves_the_upload_possible(qtbot, flow: PreviewEmailsFlow) -> None:
    def refuse() -> CampaignText:
        raise NotFoundError("lemlist", "Campaign cam_1 was not found.", 404)

    flow.set_sheet(FRAME, MAPPING)
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000, check_params_cb=lambda c: "could not" in c.note):
        flow.read_campaign(refuse, VOCAB, "lemlist")
    assert "The emails could not be checked: Campaign cam_1 was not found." in flow.status.text()
    assert "upload is still possible" in flow.status.text()


def test_a_campaign_with_no_steps_says_so(qtbot, flow: PreviewEmailsFlow) -> None:
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000, check_params_cb=lambda c: "no emails" in c.note):
        flow.read_campaign(lambda: CampaignText("lemlist", "c", ()), VOCAB, "lemlist")
    assert "no emails yet" in flow.status.text()


def test_rows_with_empty_tags_are_held_back_until_the_user_sends_them_anyway(
    qtbot, flow: PreviewEmailsFlow
) -> None:
    assert flow.held_rows() == frozenset() and flow.upload_note() == ""  # nothing checked yet
    flow.set_sheet(
        FRAME.assign(Line=["Loved it", "Nice"]),
        ColumnMapping(fields=dict(MAPPING.fields), custom={"Line": "icebreaker"}),
    )
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000, check_params_cb=lambda c: c.checked):
        flow.read_campaign(lambda: CAMPAIGN, VOCAB, "lemlist")
    assert flow.held_rows() == {1}  # row 1 has no first name: "Hi ," would go out
    assert flow.upload_note() == (
        "1 row with an empty merge tag will not be sent "
        "(tick “Send rows with empty merge tags anyway” to send them)."
    )
    flow.allow_empty.setChecked(True)
    assert flow.held_rows() == frozenset()
    assert flow.upload_note() == "1 row with an empty merge tag will be sent anyway."


def test_it_follows_a_campaign_once_per_provider_account_and_campaign(qtbot, flow: PreviewEmailsFlow) -> None:
    from gui.core.errors import CredentialError
    from gui.core.providers import get_spec
    from gui.demo import demo_client
    from gui.sandbox import seed

    spec = get_spec("lemlist")
    factory = lambda: lambda: demo_client("lemlist")  # noqa: E731 - the window's shape: a factory of factories
    flow.set_sheet(FRAME, MAPPING)
    flow.set_row(0)
    with qtbot.waitSignal(flow.sig_checked, timeout=10_000, check_params_cb=lambda c: c.checked):
        flow.follow(spec, "Sandbox", (seed.LEMLIST_CAMPAIGN, None, ""), factory)
    assert flow.campaign_read is not None and flow.campaign_read.text.campaign_id == seed.LEMLIST_CAMPAIGN
    reader = flow._reader
    flow.follow(spec, "Sandbox", (seed.LEMLIST_CAMPAIGN, None, ""), factory)
    assert flow._reader is reader  # the same campaign is not read twice

    flow.follow(
        spec, "Sandbox", ("", None, "This row is not sent: no campaign for its Region “NA”."), factory
    )
    assert flow.status.text() == "This row is not sent: no campaign for its Region “NA”."

    def no_key():
        raise CredentialError("No key stored for lemlist account “Main”.")

    flow.follow(spec, "Main", ("cam_other", None, ""), no_key)
    assert flow.status.text().startswith("The campaign's emails could not be checked: No key stored")
    flow.follow(spec, "Main", None, no_key)
    assert flow.status.text() == "Choose a campaign to see its emails."
