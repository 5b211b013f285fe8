"""Pure Python: the checks that stand between "Upload" and the provider.

Two mistakes cost the most after the click: an email that goes out as "Hi ," because a merge
tag is empty (issue 15) and a lead who had opted out (issue 16). The CLI and the window ask
the same questions here, so a row the window holds back is one the CLI holds back too.

The campaign's emails are read once per destination (:func:`read_campaign`); the sheet is
checked against them and against the do-not-contact list (:func:`check_before_upload`) every
time the mapping or the cells change, which is cheap (a 100k-row sheet in well under a second).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gui.core.dnc_check import DncCheck, check_sheet
from gui.core.errors import LeadLoaderError
from gui.core.merge_tags import TagCheck, check_tags, not_checked

if TYPE_CHECKING:
    import pandas as pd

    from gui.core.campaign_text import CampaignText
    from gui.core.cancel import CancelToken
    from gui.core.dnc import DncList
    from gui.core.mapping.columns import ColumnMapping
    from gui.core.providers.base import ProviderClient, ProviderSpec


@dataclass(frozen=True)
class CampaignRead:
    """The destination's emails, or the one line that says why they are not checked.

    Attributes:
        text: The emails; None when the provider publishes none, the destination is a lead
            list, or reading failed.
        note: Why ``text`` is None ("" when it was read).
    """

    text: CampaignText | None
    note: str = ""


def publishes_emails(spec: ProviderSpec, destination: str) -> bool:
    """True when this destination has emails LeadLoader can read (a campaign of lemlist or Instantly)."""
    return spec.has_campaign_text and spec.merge_tags is not None and not destination.startswith("list:")


def unread_note(spec: ProviderSpec, destination: str) -> str:
    """The line shown where a destination's emails cannot be checked, whatever the network does."""
    if destination.startswith("list:"):
        return "A lead list sends no emails of its own, so no merge tags are checked."
    return f"{spec.label} does not publish a campaign's emails, so they are not checked."


def read_campaign(
    spec: ProviderSpec, destination: str, client_factory: Callable[[], ProviderClient]
) -> CampaignRead:
    """Read the campaign's steps; a failure is a note, never an exception (the upload stays possible).

    Args:
        spec: The provider.
        destination: The campaign id (``list:<id>`` for an Instantly lead list).
        client_factory: Builds a client with the account's key (closed here).
    """
    if not publishes_emails(spec, destination):
        return CampaignRead(None, unread_note(spec, destination))

    async def reading() -> CampaignText | None:
        client = client_factory()
        try:
            return await client.campaign_text(destination)
        finally:
            await client.aclose()

    try:
        text = asyncio.run(reading())
    except LeadLoaderError as exc:
        return CampaignRead(None, f"The campaign's emails could not be checked: {exc}")
    if text is None:
        return CampaignRead(None, unread_note(spec, destination))
    return CampaignRead(text)


@dataclass(frozen=True)
class Safety:
    """What the checks found for one sheet, mapping and destination.

    Attributes:
        tags: The merge-tag check (``checked`` False with a note when it could not run).
        dnc: Rows on the do-not-contact list.
        allow_empty_tags: The user chose to send rows whose emails have an empty tag.
    """

    tags: TagCheck
    dnc: DncCheck = field(default_factory=DncCheck)
    allow_empty_tags: bool = False

    @property
    def invalid(self) -> Mapping[int, str]:
        """Rows held back for an empty tag (none when the user allows them)."""
        return {} if self.allow_empty_tags else self.tags.reasons

    @property
    def skipped(self) -> Mapping[int, str]:
        """Rows on the do-not-contact list: skipped whatever the options say."""
        return self.dnc.reasons

    def lines(self) -> list[str]:
        """What the user reads before sending: the tag summary and the do-not-contact count."""
        out = [self.tags.note] if self.tags.note else []
        out += [m.message for m in self.tags.missing[1:]]  # the first is in the note already
        if self.tags.flagged:
            held = "will be sent anyway (allowed)" if self.allow_empty_tags else "will not be sent"
            out.append(f"{self.tags.flagged:,} rows with an empty merge tag {held}.")
        if self.dnc.count:
            out.append(self.dnc.message())
        return out


def check_before_upload(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
    spec: ProviderSpec,
    campaign: CampaignRead,
    dnc: DncList | None,
    *,
    region: str = "US",
    allow_empty_tags: bool = False,
    cancel: CancelToken | None = None,
) -> Safety:
    """Check the sheet as it would be sent against the campaign's emails and the do-not-contact list.

    Args:
        frame: The sheet with the user's fixes applied.
        mapping: This upload's columns.
        spec: The provider.
        campaign: From :func:`read_campaign`.
        dnc: The local list (with the provider's last pulled copy); None skips that check
            (a test, or a front end that has none).
        region: How phones in national form are read.
        allow_empty_tags: Send rows with an empty tag anyway (``--allow-empty-tags``).
        cancel: Stops a long tag check.
    """
    if campaign.text is None or spec.merge_tags is None:
        tags = not_checked(campaign.note or unread_note(spec, ""))
    else:
        tags = check_tags(frame, mapping, campaign.text, spec.merge_tags, cancel=cancel)
    listed = DncCheck() if dnc is None else check_sheet(frame, mapping, spec, dnc, region)
    return Safety(tags, listed, allow_empty_tags)


def merge_reasons(*parts: Mapping[int, str]) -> dict[int, str]:
    """Row -> reason from several checks; a row held back twice keeps both reasons."""
    out: dict[int, str] = {}
    for part in parts:
        for row, reason in part.items():
            out[row] = f"{out[row]}; {reason}" if row in out else reason
    return out
