"""Pure Python: what a provider is (data) and what a provider client does (protocol).

A provider module holds one :class:`ProviderSpec` (fields, batch size, auth, limits, options:
data the mapping panel, validation and the engine read) and one client class that
satisfies :class:`ProviderClient`. Adding a fifth provider is one new module plus a line
in the registry (``gui/core/providers/__init__.py``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from gui.core.campaign_text import CampaignText, TagVocabulary
from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import BatchResult, Campaign, Lead, LeadField

#: The provider options of a run, by the provider's own parameter name.
Options = Mapping[str, bool | str]


@dataclass(frozen=True)
class RateWindow:
    """At most ``requests`` per ``seconds`` (a rolling window)."""

    requests: int
    seconds: float


@dataclass(frozen=True)
class RatePolicy:
    """How fast the engine may call a provider's write endpoint.

    Attributes:
        windows: Documented (or chosen) limits; all must hold at once.
        max_in_flight: Concurrent requests; several hide network latency.
        documented: False when the provider publishes no number, so the engine must adapt to 429s.
    """

    windows: tuple[RateWindow, ...]
    max_in_flight: int = 1
    documented: bool = True


@dataclass(frozen=True)
class ProviderOption:
    """A provider switch the user can set for a run (lemlist ``deduplicate``...).

    Attributes:
        name: The provider's own parameter name.
        label: What the user reads.
        kind: ``bool`` or ``text``.
        default: The value used when the user sets nothing.
        help: One sentence on what it does, shown as a tooltip.
    """

    name: str
    label: str
    kind: str = "bool"
    default: bool | str = False
    help: str = ""


@dataclass(frozen=True)
class ProviderSpec:
    """Everything about a provider that is data rather than code.

    Attributes:
        id: Stable id used in the CLI, settings, the journal and the keyring.
        label: Display name.
        fields: The lead fields it accepts, in the order the mapping panel shows them.
        required_groups: Each group needs at least one non-empty field; all groups must hold.
            lemlist is ``(("email", "linkedinUrl"),)``; Aktify ``(("phoneNumber",), ("region", "zipCode"))``.
        dedupe_field: The field the provider deduplicates on, which is also the in-file duplicate key.
        batch_size: Leads per write request (the provider's maximum).
        rate: Pacing of the write endpoint.
        custom_shape: ``flat`` (extra keys), ``custom_variables`` or ``metadata`` (nested object).
        options: Switches the user can set.
        has_campaign_list: False for Aktify, whose key is its campaign.
        has_lists: True for Instantly, which can also add to lead lists.
        has_read_back: True when the provider can confirm uploaded lead ids afterwards.
        has_campaign_text: True when the API publishes the campaign's emails (lemlist, Instantly).
        merge_tags: What the merge tags of those emails mean; None when there are none to read.
        dnc_push_batch: Values per request when adding to the provider's do-not-contact list;
            0 when it has none (SendPilot, Aktify).
        dnc_push_kinds: The kinds of entry its list takes (Instantly: emails and domains).
        remove_batch_size: Lead ids per removal request; 0 when the provider's API cannot remove
            leads (SendPilot, Aktify: the user removes them in the provider's web app).
        update_fields: The lead fields its API can change on a lead that is already there
            (providers-next.md §4); empty when it offers no update (SendPilot, Aktify).
        updates_custom: True when custom variables can be changed too.
        url_env: The environment variable that replaces the base URL; by default
            ``LEADLOADER_<ID>_URL``, so a new provider names none.
        default_url: The real API base.
        key_help: Where the user finds a key in the provider's app.
    """

    id: str
    label: str
    fields: tuple[LeadField, ...]
    required_groups: tuple[tuple[str, ...], ...]
    dedupe_field: str
    batch_size: int
    rate: RatePolicy
    custom_shape: str
    options: tuple[ProviderOption, ...] = ()
    has_campaign_list: bool = True
    has_lists: bool = False
    has_read_back: bool = False
    has_campaign_text: bool = False
    merge_tags: TagVocabulary | None = None
    remove_batch_size: int = 0
    update_fields: tuple[str, ...] = ()
    updates_custom: bool = False
    dnc_push_batch: int = 0
    dnc_push_kinds: tuple[str, ...] = ("email", "domain", "phone", "linkedin")
    url_env: str = ""
    default_url: str = ""
    key_help: str = ""

    def __post_init__(self) -> None:
        if not self.url_env:  # frozen: set once, as if the spec had named it
            object.__setattr__(self, "url_env", f"LEADLOADER_{self.id.upper()}_URL")

    def field(self, name: str) -> LeadField:
        """The field called ``name``; KeyError names the provider when there is none."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.label} has no field {name!r}")

    def field_for_concept(self, concept: str) -> LeadField | None:
        """The field that carries a provider-neutral concept (``email``...), if any."""
        return next((f for f in self.fields if f.concept == concept), None)

    def base_url(self) -> str:
        """The base URL, from the environment when set (tests and the sandbox use this)."""
        return (os.environ.get(self.url_env) or self.default_url).rstrip("/")

    def default_options(self) -> dict[str, bool | str]:
        """Every option at its default value."""
        return {o.name: o.default for o in self.options}


@dataclass(frozen=True)
class ReadBack:
    """What a provider confirmed after an upload.

    Attributes:
        checked: How many uploaded ids were looked for.
        found: How many of them the provider listed in the destination.
        note: Words for the report ("verified 500 of 500 newest").
    """

    checked: int
    found: int
    note: str


@dataclass(frozen=True)
class Removal:
    """What became of one lead a run created when the run was taken back.

    Attributes:
        provider_id: The provider's id of the lead, as the upload journaled it.
        outcome: ``removed``; ``already_gone`` (the provider no longer had it: 404), which the
            take-back counts as done; ``failed`` (still there as far as we know).
        reason: The provider's words or ours, for the table and the report.
    """

    provider_id: str
    outcome: Literal["removed", "already_gone", "failed"]
    reason: str


@dataclass(frozen=True)
class Existing:
    """A lead as the provider holds it, found by its identity (email) in a destination.

    Attributes:
        provider_id: The provider's id of the lead.
        fields: Its values under our field names (only the ones it has).
        custom: Its custom variables by name.
    """

    provider_id: str
    fields: Mapping[str, str]
    custom: Mapping[str, str]


@dataclass(frozen=True)
class LeadChange:
    """What to change on one lead that is already there.

    Attributes:
        provider_id: The provider's id of the lead.
        fields: Changed standard fields, new values.
        custom: Changed custom variables, new values.
        had_custom: The custom variables the lead has already, as far as we know: lemlist
            changes those and adds the others through different requests; Instantly gets them
            back with the changed ones, so none is lost if it replaces the object.
    """

    provider_id: str
    fields: Mapping[str, str]
    custom: Mapping[str, str]
    had_custom: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Every changed name, fields first, in the sheet's order."""
        return (*self.fields, *self.custom)


@dataclass(frozen=True)
class FieldUpdate:
    """What the provider did with one update of a lead that is already there.

    Attributes:
        provider_id: The lead's id.
        changed: Field and custom-variable names the provider accepted, in the order sent.
        refused: Name -> the provider's words, for fields whose request it refused (4xx).
        unsupported: Name -> why, for fields its API has no way to change (never sent).
    """

    provider_id: str
    changed: tuple[str, ...]
    refused: Mapping[str, str]
    unsupported: Mapping[str, str] = field(default_factory=dict)


#: A destination that is an Instantly lead list rather than a campaign: ``list:<id>``.
LIST_PREFIX = "list:"


def destination_of(campaign: Campaign) -> str:
    """The destination string :meth:`ProviderClient.send` takes for a picked campaign or list.

    Campaign ids are sent as they are; a lead list (``kind == "list"``) as ``list:<id>``, so
    one string carries both the id and which field of the request it belongs in.
    """
    return f"{LIST_PREFIX}{campaign.id}" if campaign.kind == "list" else campaign.id


@runtime_checkable
class ProviderClient(Protocol):
    """What the engine, the CLI and the GUI need from a provider.

    All calls are async: the engine keeps several requests in flight, and the in-process
    sandbox (demo mode) is reachable only through ``httpx.ASGITransport``, which is async.
    Clients never put the key in an exception text or a log line.
    """

    spec: ProviderSpec

    async def check_key(self) -> str:
        """Verify the key; return the account or workspace name. Raises AuthError and kin."""
        ...

    async def list_campaigns(self) -> list[Campaign]:
        """Every campaign (and, for Instantly, every lead list), following pagination to the end."""
        ...

    def payload(self, batch: Sequence[Lead], destination: str, options: Options) -> dict[str, object]:
        """The JSON body a batch would send: the payload preview and :meth:`send` share it."""
        ...

    async def send(
        self, batch: Sequence[Lead], destination: str, options: Options, *, replay: bool = False
    ) -> BatchResult:
        """Send one batch; one outcome per lead, in order.

        Args:
            batch: At most ``spec.batch_size`` leads.
            destination: Campaign id (or ``list:<id>`` for an Instantly lead list).
            options: The provider options for this run.
            replay: True when an earlier attempt's answer was lost, so the request must be
                one the provider deduplicates; a duplicate answer then means uploaded.

        Raises:
            FatalProviderError: The run must stop (401, 402, 403).
            RateLimited: 429, with the provider's wait when it gave one.
            TransientError: 5xx, network or timeout: the batch's fate is unknown.
        """
        ...

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """Confirm uploaded ids in the destination; None when the provider offers no way."""
        ...

    async def campaign_text(self, campaign_id: str) -> CampaignText | None:
        """The campaign's emails as stored; None when the provider publishes none (Aktify, SendPilot).

        Raises:
            ProviderError: The sequence could not be read, or came in a shape we do not know.
        """
        ...

    async def pull_do_not_contact(
        self, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> tuple[str, ...] | None:
        """Every value on the provider's do-not-contact list, paged to the end; None when it has none.

        Raises:
            Cancelled: ``cancel`` was flipped between two pages.
            ProviderError: The list could not be read, or came in a shape we do not know.
        """
        ...

    async def push_do_not_contact(self, values: Sequence[str]) -> int:
        """Add values to the provider's list, ``spec.dnc_push_batch`` per request; how many it accepted.

        Raises:
            ProviderError: The provider has no list (``dnc_push_batch == 0``) or refused a request.
        """
        ...

    async def remove(self, destination: str, provider_ids: Sequence[str]) -> tuple[Removal, ...]:
        """Delete leads a run created from the destination; one :class:`Removal` per distinct id.

        Args:
            destination: The campaign id (or ``list:<id>``) the run uploaded to.
            provider_ids: At most ``spec.remove_batch_size`` ids; an empty sequence sends nothing.

        Raises:
            ProviderError: The provider cannot remove leads (``remove_batch_size == 0``).
            FatalProviderError, RateLimited, TransientError: As for :meth:`send`; a removal is
                safe to repeat (a lead already gone answers 404, counted ``already_gone``).
        """
        ...

    async def find_existing(self, destination: str, lead: Lead) -> Existing | None:
        """The lead with ``lead``'s identity in the destination, as the provider holds it; None if absent.

        Raises:
            ProviderError: The provider offers no update (``spec.update_fields`` empty), or the read failed.
        """
        ...

    async def update_lead(self, destination: str, change: LeadChange) -> FieldUpdate:
        """Change only the fields and custom variables in ``change`` of a lead already in the destination.

        A field the provider's API cannot change, or whose request it refused (4xx), is named
        in the answer; the others still go.

        Raises:
            ProviderError: The provider offers no update (``spec.update_fields`` empty).
            FatalProviderError, RateLimited, TransientError: As for :meth:`send`; an update is
                safe to repeat (it sets the same values again).
        """
        ...

    async def aclose(self) -> None:
        """Close the HTTP client."""
        ...
