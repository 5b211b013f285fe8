"""Pure Python: lemlist, one lead per request, 20 requests per rolling 2 s per key.

Sources: ``shared/seeds/lemlist-create-lead.md`` and ``lemlist-get-campaign-leads.md``
(authoritative), ``shared/providers.md`` §1 (duplicates and pagination, partly third-party).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.campaign_text import CampaignText, EmailStep, TagVocabulary
from gui.core.cancel import CancelToken, ProgressCallback
from gui.core.domain import BatchResult, Campaign, FieldKind, Lead, LeadField, RowOutcome, Status
from gui.core.errors import AuthError, NotFoundError, ProviderError
from gui.core.providers import http, lemlist_update
from gui.core.providers.base import (
    Existing,
    FieldUpdate,
    LeadChange,
    Options,
    ProviderOption,
    ProviderSpec,
    RatePolicy,
    RateWindow,
    ReadBack,
    Removal,
)
from gui.core.providers.client import HttpClient
from gui.core.providers.fields import concept_fields
from gui.core.providers.shaping import flat_body, option_on

if TYPE_CHECKING:
    import httpx


_FIELDS = (
    *concept_fields(email="email", first_name="firstName", last_name="lastName", company="companyName"),
    *concept_fields(job_title="jobTitle", linkedin="linkedinUrl", phone="phone"),
    LeadField("companyDomain", "Company domain", concept="company_domain"),
    LeadField("icebreaker", "Icebreaker", concept="icebreaker"),
    LeadField("picture", "Picture URL", FieldKind.URL, concept="picture"),
    LeadField("timezone", "Timezone (IANA)", FieldKind.TIMEZONE, concept="timezone"),
    LeadField("contactOwner", "Contact owner", concept="contact_owner"),
)

#: lemlist's merge tags. Lead data: the standard fields under their own names [D: lead
#: variables, seeds/lemlist-create-lead.md]; anything else is a custom variable by exact key.
#: lemlist's own: ``{{senderName}}`` appears in the sequence examples of lemlist's OpenAPI
#: (``POST /campaigns/{id}/sequences/{sequenceId}/steps``, shared/specs/lemlist_openapi.json) [D];
#: the signature, unsubscribe and other sender/sending-account tags are what lemlist's editor
#: inserts [I: providers-next.md §1 "sender/system tags"].
TAGS = TagVocabulary(
    fields={f.name: f.name for f in _FIELDS},
    own=frozenset({"senderName", "signature", "unsubscribe", "unsubscribeLink", "unsubscribeUrl"}),
    own_prefixes=("sender", "sendingAccount"),
    source="lemlist OpenAPI sequence examples ({{senderName}}); providers-next.md §1",
)

SPEC = ProviderSpec(
    id="lemlist",
    label="lemlist",
    fields=_FIELDS,
    required_groups=(("email", "linkedinUrl"),),
    dedupe_field="email",
    batch_size=1,
    # Documented: 20 requests per 2 s per key. Steady pacing with a few in flight reaches the
    # ceiling without 429s (DESIGN §6); a burst of 20 does not.
    rate=RatePolicy(windows=(RateWindow(20, 2.0),), max_in_flight=4),
    custom_shape="flat",
    options=(
        ProviderOption(
            "deduplicate",
            "Skip leads already in another campaign",
            help="lemlist searches the email in your other campaigns and does not add it again.",
        ),
        ProviderOption("linkedinEnrichment", "LinkedIn enrichment", help="Let lemlist enrich from LinkedIn."),
        ProviderOption(
            "findEmail", "Find email", help="Let lemlist look for a verified email (uses credits)."
        ),
        ProviderOption(
            "verifyEmail", "Verify email", help="Let lemlist verify existing emails (uses credits)."
        ),
        ProviderOption("findPhone", "Find phone", help="Let lemlist look for a phone number (uses credits)."),
    ),
    has_read_back=True,
    has_campaign_text=True,
    merge_tags=TAGS,
    # No bulk delete: one DELETE per lead, paced like uploads (providers-next.md §3).
    remove_batch_size=1,
    # PATCH /campaigns/{id}/leads/{leadId} and /leads/{leadId}/variables (providers-next.md §4).
    update_fields=lemlist_update.CAMPAIGN_LEAD_FIELDS,
    updates_custom=True,
    dnc_push_batch=10_000,
    default_url="https://api.lemlist.com/api",
    key_help="lemlist: Settings > Integrations > API keys.",
)

#: Field names a custom variable may not take (it would overwrite the field).
_FIELD_NAMES = tuple(f.name for f in SPEC.fields)

_DUPLICATE = re.compile(r"already (in|exist)", re.IGNORECASE)
#: Texts lemlist answers when the key itself is the problem, whatever the status (400, 404).
_KEY_PROBLEMS = ("no api key provided", "no user found for this api key", "bad team")
_PAGE = 100
#: Campaign pages to follow at most (20 000 campaigns), whatever the server says.
_MAX_PAGES = 200
_READ_LIMIT = 500
_OPTION_NAMES = tuple(o.name for o in SPEC.options)
REPLAY_REASON = "our earlier attempt had reached lemlist"
_DNC_PATH = "/v2/unsubscribes/variables"
#: Unsubscribe pages to follow at most (2,000,000 entries).
_MAX_DNC_PAGES = 20_000
#: The query that turns lemlist's lead DELETE from "unsubscribe" into "delete".
REMOVE_PARAMS = {"action": "remove"}


class LemlistClient(HttpClient):
    """lemlist API client (Basic auth: empty login, the key as password)."""

    spec = SPEC
    basic_auth = True

    def _screen(self, response: httpx.Response) -> None:
        """Lemlist reports a missing or unknown key as 400 or 404 text: that stops the run like a 401."""
        if response.status_code in (400, 404):
            reason = http.body_text(response)
            if reason.lower().rstrip(".") in _KEY_PROBLEMS:
                raise AuthError(
                    SPEC.id,
                    f"lemlist rejected the API key ({response.status_code}): {reason}.",
                    response.status_code,
                )

    async def check_key(self) -> str:
        """``GET /team`` is cheap and needs no scope beyond the key itself."""
        data = await self._get("/team")
        return str(data.get("name") or "lemlist team") if isinstance(data, dict) else "lemlist team"

    async def list_campaigns(self) -> list[Campaign]:
        """Offset pages of 100 until an empty or short page.

        Without ``version`` lemlist answers a plain array (providers.md §1.2). A server that
        answers the v2 object ``{campaigns, pagination}`` instead is followed by its
        ``pagination`` (``page`` + ``totalPage``) rather than by offset.
        """
        campaigns: list[Campaign] = []
        offset, page = 0, 0
        seen: set[str] = set()
        for _ in range(_MAX_PAGES):
            params: dict[str, str | int] = {"limit": _PAGE}
            params.update({"page": page} if page else {"offset": offset})
            data = await self._get("/campaigns", params)
            items = data.get("campaigns", []) if isinstance(data, dict) else data
            if not isinstance(items, list) or not items:
                break
            fresh = [i for i in items if isinstance(i, dict) and str(i.get("_id", "")) not in seen]
            if not fresh:
                break  # a server that ignores our paging repeats its first page
            for item in fresh:
                seen.add(str(item.get("_id", "")))
                errors = item.get("errors") or []
                campaigns.append(
                    Campaign(
                        id=str(item.get("_id", "")),
                        name=str(item.get("name", "")),
                        status=str(item.get("status", "")),
                        warning=str(errors[0]) if errors and item.get("hasError", True) else "",
                    )
                )
            pagination = data.get("pagination") if isinstance(data, dict) else None
            if isinstance(pagination, dict):
                current = _int(pagination.get("currentPage") or pagination.get("page")) or max(page, 1)
                total = _int(pagination.get("totalPage") or pagination.get("totalPages"))
                if total is None or current >= total:
                    break
                page = current + 1
                continue
            if len(items) < _PAGE:
                break
            offset += _PAGE
        return campaigns

    def payload(self, batch: Sequence[Lead], destination: str, options: Options) -> dict[str, object]:
        """The lead's fields, then custom variables as flat string keys (lemlist has no nesting).

        A custom column named like a lemlist field (``email``, ``Phone``...) is sent as
        ``custom_<name>`` so it cannot overwrite the field.
        """
        (lead,) = batch
        return flat_body(lead.fields, lead.custom, _FIELD_NAMES)

    async def send(
        self, batch: Sequence[Lead], destination: str, options: Options, *, replay: bool = False
    ) -> BatchResult:
        """POST one lead; a duplicate text (400, or 500 with ``deduplicate``) is an outcome, never retried.

        On a replay, "already in the campaign" means our lost first attempt created the lead:
        uploaded. "Already in other campaign" stays a duplicate: that lead was elsewhere before.
        """
        (lead,) = batch
        params = {name: "true" for name in _OPTION_NAMES if option_on(options, name)}
        response = await self._request(
            "POST",
            f"/campaigns/{destination}/leads/",
            params=params,
            json=self.payload(batch, destination, options),
        )
        wait, left = http.retry_after(response), http.remaining(response)
        if response.status_code < 400:  # the common case: no error text to read
            data = http.json_or_none(response)
            lead_id = str(data.get("_id") or "") if isinstance(data, dict) else ""
            return BatchResult((RowOutcome(lead.row, Status.UPLOADED, provider_id=lead_id),), wait, left)
        reason = http.body_text(response)
        if response.status_code in (400, 409, 500) and _DUPLICATE.search(reason):
            if replay and "other campaign" not in reason.lower():
                outcome = RowOutcome(lead.row, Status.UPLOADED, f"{reason} ({REPLAY_REASON})")
            else:
                outcome = RowOutcome(lead.row, Status.DUPLICATE, reason)
            return BatchResult((outcome,), wait, left)
        self._screen(response)
        if response.status_code == 404:
            raise NotFoundError(SPEC.id, f"lemlist: {reason or 'Campaign not found'} ({destination}).", 404)
        http.raise_for_run(SPEC.id, SPEC.label, response)
        return BatchResult((RowOutcome(lead.row, Status.INVALID, reason or "Bad request"),), wait, left)

    async def campaign_text(self, campaign_id: str) -> CampaignText | None:
        """``GET /campaigns/{id}/sequences``: the main sequence, then each conditional branch.

        The answer is an object keyed by sequence id (providers-next.md §1); ``level`` 0 is the
        main sequence, 1+ a branch opened by the step at ``conditionalStepIndex``. Every step
        with a subject or a message counts (LinkedIn steps carry text too); ``conditional``
        steps carry none.
        """
        data = await self._get(f"/campaigns/{campaign_id}/sequences")
        if not isinstance(data, dict) or not all(isinstance(s, dict) for s in data.values()):
            raise self._unknown_shape(campaign_id, "not an object of sequences")
        sequences = sorted(
            data.values(), key=lambda s: (_int(s.get("level")) or 0, _int(s.get("conditionalStepIndex")) or 0)
        )
        steps: list[EmailStep] = []
        for sequence in sequences:
            items = sequence.get("steps", [])
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise self._unknown_shape(campaign_id, "a sequence's steps are not a list of objects")
            level = _int(sequence.get("level")) or 0
            after = _int(sequence.get("conditionalStepIndex"))
            branch = f" (conditional branch after step {after})" if level and after is not None else ""
            if level and not branch:
                branch = " (conditional branch)"
            # Steps are numbered as lemlist's editor shows them: 1, 2, ... in order of their 0-based
            # "index", LinkedIn and other non-email steps included, so "step 3" is the third box.
            ordered = sorted(enumerate(items), key=lambda p: (_step_index(p[1], p[0]), p[0]))
            for rank, (_position, item) in enumerate(ordered):
                subject, body = item.get("subject") or "", item.get("message") or ""
                if not isinstance(subject, str) or not isinstance(body, str):
                    raise self._unknown_shape(campaign_id, "a step's subject or message is not text")
                if subject or body:
                    number = rank + 1
                    steps.append(EmailStep(number, f"step {number}{branch}", subject, body))
        return CampaignText(SPEC.id, campaign_id, tuple(steps))

    async def pull_do_not_contact(
        self, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> tuple[str, ...] | None:
        """``GET /v2/unsubscribes/variables`` by offset pages of 100 (never the v1 ``/unsubscribes``)."""
        values: list[str] = []
        paced = self._list_pace(cancel)
        for page in range(_MAX_DNC_PAGES):
            data = await self._get(_DNC_PATH, {"offset": page * _PAGE, "limit": _PAGE}, paced=paced)
            if not isinstance(data, list) or not all(isinstance(i, dict) for i in data):
                raise ProviderError(SPEC.id, "lemlist answered its unsubscribes in a shape we do not know.")
            values.extend(str(i["value"]) for i in data if isinstance(i.get("value"), str) and i["value"])
            self._pulled(progress, cancel, len(values))
            if len(data) < _PAGE:
                return tuple(values)
        raise ProviderError(SPEC.id, "lemlist: the unsubscribe list has more entries than we read.")

    async def push_do_not_contact(self, values: Sequence[str]) -> int:
        """``POST /v2/unsubscribes/variables`` ``{"values": [...]}``, up to 10,000 per request."""
        return await self._push_values(_DNC_PATH, "values", values)

    async def remove(self, destination: str, provider_ids: Sequence[str]) -> tuple[Removal, ...]:
        """``DELETE /campaigns/{id}/leads/{leadId}?action=remove``, one request per lead.

        ``action=remove`` is what makes it a delete: without it lemlist keeps the lead and
        unsubscribes it from the campaign for good (providers-next.md §3), so it is set here,
        in the one place a removal request is built, never by the caller.
        """
        removals: list[Removal] = []
        for lead_id in dict.fromkeys(i for i in provider_ids if i):
            response = await self._request(
                "DELETE", f"/campaigns/{destination}/leads/{lead_id}", params=REMOVE_PARAMS
            )
            failed = self._removals(response, [lead_id])
            removals.extend(failed or (Removal(lead_id, "removed", "deleted from the campaign"),))
        return tuple(removals)

    async def find_existing(self, destination: str, lead: Lead) -> Existing | None:
        """``GET /leads/{email}?campaignId=…`` (see :mod:`lemlist_update`)."""
        return await lemlist_update.find_existing(self, frozenset(_FIELD_NAMES), destination, lead)

    async def update_lead(self, destination: str, change: LeadChange) -> FieldUpdate:
        """The campaign lead's fields, then its variables (see :mod:`lemlist_update`)."""
        return await lemlist_update.update_lead(self, destination, change)

    async def _newest(self, destination: str, state: str = "") -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"limit": _READ_LIMIT}
        if state:
            params["state"] = state
        data = await self._get(f"/campaigns/{destination}/leads/", params)
        items = data.get("leads", []) if isinstance(data, dict) else data
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []

    async def lead_states(self, destination: str) -> dict[str, int]:
        """Counts by state of the campaign's newest leads (up to 500): a glance for the picker."""
        counts: dict[str, int] = {}
        for item in await self._newest(destination):
            state = str(item.get("state") or "unknown")
            counts[state] = counts.get(state, 0) + 1
        return counts

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """Look for the newest uploaded ids among the campaign's newest 500 leads (newest first).

        The endpoint has no paging beyond its 500 newest, so only the last 500 ids uploaded
        (``provider_ids`` is in upload order) can be checked; the note says so. A failed read
        raises (the engine reports "could not verify") rather than claiming 0 found.
        """
        ids = [i for i in provider_ids if i]
        wanted = ids[-_READ_LIMIT:]
        if not wanted:
            return None
        listed = {str(i.get("_id")) for i in await self._newest(destination)}
        found = sum(1 for i in wanted if i in listed)
        scope = "newest uploaded" if len(wanted) < len(ids) else "uploaded"
        return ReadBack(len(wanted), found, f"verified {found} of {len(wanted)} {scope} in the campaign")


def _step_index(step: dict[str, Any], position: int) -> int:
    """A step's place in its sequence: its ``index`` when it has one, else where it stands in the list."""
    index = _int(step.get("index"))
    return position if index is None else index


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


#: The registry looks for ``Client`` in every provider module.
Client = LemlistClient
