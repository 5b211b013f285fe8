"""Pure Python: a campaign's emails as the provider stores them, before any row fills them in.

The provider clients read a sequence into these types; the merge-tag check and the preview
read only these types, so neither needs to know how lemlist nests conditional branches or
how Instantly stores variants.
"""

from __future__ import annotations

from collections.abc import Mapping
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


@dataclass(frozen=True)
class TagVocabulary:
    """What one provider's merge tags mean, as data on its spec.

    A tag is lead data (the value this upload sends for the row), the provider's own (it
    fills sender, signature and unsubscribe tags itself), or spintax (a choice of words).
    Anything else is looked up as a custom variable by its exact key, because that is how
    both providers resolve it.

    Attributes:
        fields: Tag name to the provider's standard field it reads (``firstName`` ->
            ``first_name`` for Instantly); several spellings may read one field.
        own: Tag names the provider fills itself, whatever the lead holds.
        own_prefixes: Tag-name prefixes of the provider's own families (``sendingAccount``).
        spintax: The first word of a spintax tag (``RANDOM``); empty when the provider has none.
        source: Where the lists come from, shown to a maintainer who doubts them.
    """

    fields: Mapping[str, str]
    own: frozenset[str] = frozenset()
    own_prefixes: tuple[str, ...] = ()
    spintax: str = ""
    source: str = ""
