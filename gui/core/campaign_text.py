"""Pure Python: a campaign's emails as the provider stores them, before any row fills them in.

The provider clients read a sequence into these types; the merge-tag check and the preview
read only these types, so neither needs to know how lemlist nests conditional branches or
how Instantly stores variants.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmailStep:
    """One email the campaign may send: a step, or one variant or branch of a step.

    Attributes:
        step: The step number the provider's own app shows (1-based).
        label: How the user tells this email from its siblings: ``step 2``,
            ``step 2, variant B``, ``step 3 (if the lead opened)``.
        subject: The subject line as stored, tags and spintax included; empty when the step
            replies in the thread.
        body: The body as stored, HTML or plain text.
    """

    step: int
    label: str
    subject: str
    body: str


@dataclass(frozen=True)
class CampaignText:
    """Every email of one campaign, in the order the provider sends them.

    Attributes:
        provider: The provider id (``lemlist``, ``instantly``).
        campaign_id: The campaign the emails belong to.
        steps: Every enabled email; empty when the campaign has no steps with text.
    """

    provider: str
    campaign_id: str
    steps: tuple[EmailStep, ...]
