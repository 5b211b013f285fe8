"""Pure Python: SendPilot, up to 100 LinkedIn leads per request, deduplicated by LinkedIn URL.

Sources: ``shared/seeds/sendpilot-add-leads.md`` (authoritative) and ``shared/providers.md`` §3.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gui.core.domain import BatchResult, Campaign, Lead, RowOutcome, Status
from gui.core.errors import (
    FatalProviderError,
    ForbiddenError,
    NotFoundError,
    ProviderError,
    RateLimited,
    TransientError,
)
from gui.core.providers import http
from gui.core.providers.attribution import count_of, linkedin_key, whole_request_rejected
from gui.core.providers.base import Options, ProviderSpec, RatePolicy, RateWindow, ReadBack
from gui.core.providers.client import HttpClient
from gui.core.providers.fields import concept_fields
from gui.core.providers.shaping import flat_body

if TYPE_CHECKING:
    import httpx

_log = logging.getLogger(__name__)

SPEC = ProviderSpec(
    id="sendpilot",
    label="SendPilot",
    fields=(
        *concept_fields(
            linkedin="linkedinUrl", first_name="firstName", last_name="lastName", required=("linkedin",)
        ),
        *concept_fields(company="company", job_title="title", email="email", icebreaker="icebreaker"),
    ),
    required_groups=(("linkedinUrl",),),
    dedupe_field="linkedinUrl",
    batch_size=100,
    # Undocumented limit: about one write a second (providers.md §3.4), adapting to 429s.
    rate=RatePolicy(windows=(RateWindow(1, 1.0),), max_in_flight=1, documented=False),
    custom_shape="flat",
    has_read_back=True,
    default_url="https://api.sendpilot.ai",
    key_help="SendPilot: Settings > API.",
)

_PAGE = 100
#: Campaign pages to follow at most (providers.md §3.2 suggests a cap of about 50).
_MAX_CAMPAIGN_PAGES = 50
#: Lead pages to read at most when learning or verifying a campaign's leads (20 000 leads).
_MAX_LEAD_PAGES = 200
_URL_KEYS = ("linkedinUrl", "linkedInUrl", "linkedin_url", "profileUrl", "url")
REPLAY_REASON = "created by an earlier attempt (SendPilot skipped it as a duplicate on replay)"


def _page(data: Any, keys: tuple[str, ...]) -> tuple[list[dict[str, Any]], int | None]:
    """Items and total pages in either envelope: ``{campaigns|leads, pagination}`` or ``{data, meta}``."""
    if isinstance(data, list):
        return [i for i in data if isinstance(i, dict)], None
    if not isinstance(data, dict):
        return [], None
    items: Any = next((data[k] for k in keys if isinstance(data.get(k), list)), [])
    meta: dict[str, Any] = next(
        (data[k] for k in ("pagination", "meta") if isinstance(data.get(k), dict)), {}
    )
    pages = next(
        (meta[k] for k in ("totalPages", "total_pages", "totalPage") if isinstance(meta.get(k), int)), None
    )
    if pages is None and isinstance(meta.get("total"), int) and isinstance(meta.get("limit"), int):
        pages = math.ceil(meta["total"] / meta["limit"]) if meta["limit"] > 0 else None
    return [i for i in items if isinstance(i, dict)], pages


def _lead_url(item: Mapping[str, Any]) -> str:
    return next((str(item[k]) for k in _URL_KEYS if isinstance(item.get(k), str) and item[k]), "")


def attribute(
    batch: Sequence[Lead], data: Mapping[str, Any], known: set[str] | None = None, *, replay: bool = False
) -> tuple[RowOutcome, ...]:
    """One outcome per lead from an add-leads answer.

    SendPilot names invalid leads in ``errors[]`` (by ``index``, else by LinkedIn URL) and gives
    only a count of duplicates. The rule for duplicates:

    1. a row repeating an earlier row's LinkedIn URL in the same request is a duplicate;
    2. a row whose URL was already in the campaign before this request (``known``: learned from
       ``GET /v1/leads`` before the first send, then kept up to date) is a duplicate;
    3. when ``duplicatesSkipped`` equals the count of 1 and 2, every other row was uploaded; when
       it equals the count of 1 alone, ``known`` was stale and the rows of 2 were uploaded; when
       it leaves exactly as many duplicates as there are other rows, they are all duplicates;
    4. otherwise the duplicates cannot be pinned to rows: every row not in ``errors[]`` is in the
       campaign either way, so it is uploaded with a reason that says so; if invalid entries are
       unaccounted for too, those rows are failed (not retryable) with the counts.

    On a replay, duplicates of rule 3's last case were most likely added by the lost first
    attempt and count as uploaded; duplicates of rules 1 and 2 stay duplicates.
    """
    size = len(batch)
    keys = [linkedin_key(lead.fields.get("linkedinUrl", "")) for lead in batch]
    outcomes: dict[int, RowOutcome] = {}
    errors = data.get("errors")
    for error in errors if isinstance(errors, list) else []:
        if not isinstance(error, dict):
            continue
        words = next((error[k] for k in ("reason", "message", "error") if error.get(k)), "invalid entry")
        index = error.get("index")
        if not (isinstance(index, int) and 0 <= index < size and index not in outcomes):
            url = linkedin_key(str(error.get("linkedinUrl") or ""))
            index = next((i for i in range(size) if url and keys[i] == url and i not in outcomes), None)
        if index is not None:
            outcomes[index] = RowOutcome(batch[index].row, Status.INVALID, f"SendPilot: {words}")
    invalid_left = max(0, count_of(data, "invalidEntries") - len(outcomes))
    duplicates = count_of(data, "duplicatesSkipped")
    rest = [i for i in range(size) if i not in outcomes]
    first: dict[str, int] = {}
    repeats: dict[int, int] = {}
    for i in rest:
        if keys[i] and keys[i] in first:
            repeats[i] = first[keys[i]]
        first.setdefault(keys[i], i)
    for i, earlier in repeats.items():
        url = batch[earlier].fields.get("linkedinUrl", "")
        reason = f"the same LinkedIn URL is on an earlier row of this request ({url})"
        outcomes[i] = RowOutcome(batch[i].row, Status.DUPLICATE, reason)
    rest = [i for i in rest if i not in repeats]
    before = [i for i in rest if known is not None and keys[i] in known]
    fresh = [i for i in rest if i not in before]
    in_campaign = "already in the campaign (SendPilot skipped it)"
    if invalid_left == 0 and duplicates == len(repeats) + len(before):
        duplicate_rows, uploaded_rows = before, fresh
    elif invalid_left == 0 and duplicates == len(repeats):
        duplicate_rows, uploaded_rows = [], rest
    elif invalid_left == 0 and duplicates == len(repeats) + len(rest):
        duplicate_rows, uploaded_rows = before, []
        for i in fresh:
            outcomes[i] = (
                _uploaded(batch[i], REPLAY_REASON)
                if replay
                else RowOutcome(batch[i].row, Status.DUPLICATE, in_campaign)
            )
    elif invalid_left and invalid_left == len(fresh) and duplicates == len(repeats) + len(before):
        duplicate_rows, uploaded_rows = before, []
        for i in fresh:
            outcomes[i] = RowOutcome(
                batch[i].row, Status.INVALID, "SendPilot counted it invalid (no reason given)"
            )
    else:
        added = count_of(data, "leadsAdded")
        counts = f"SendPilot added {added}, skipped {duplicates} as duplicates"
        if invalid_left:
            reason = f"{counts} and counted {invalid_left} more invalid without naming the rows"
            for i in rest:
                outcomes[i] = RowOutcome(batch[i].row, Status.FAILED, reason)
        else:
            reason = f"in the campaign: {counts} without naming them; this row may be one of those"
            for i in rest:
                outcomes[i] = _uploaded(batch[i], reason)
        duplicate_rows, uploaded_rows = [], []
    for i in duplicate_rows:
        outcomes[i] = RowOutcome(batch[i].row, Status.DUPLICATE, in_campaign)
    for i in uploaded_rows:
        outcomes[i] = _uploaded(batch[i])
    return tuple(outcomes[i] for i in range(size))


def _uploaded(lead: Lead, reason: str = "") -> RowOutcome:
    """Uploaded, with the LinkedIn URL as the id (SendPilot returns none; see the client)."""
    return RowOutcome(lead.row, Status.UPLOADED, reason, provider_id=lead.fields.get("linkedinUrl", ""))


class SendPilotClient(HttpClient):
    """SendPilot API client (``X-API-Key`` header).

    SendPilot's add-leads answer has no lead ids, and its duplicates are a bare count. The
    client therefore reads a campaign's LinkedIn URLs once, before its first send there, so a
    duplicate can be pinned to its row (:func:`attribute`), and reports the LinkedIn URL (the
    key SendPilot deduplicates on) as the row's ``provider_id`` for :meth:`read_back`.
    """

    spec = SPEC
    key_header = "X-API-Key"

    def __init__(self, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(api_key, transport=transport)
        self._known: dict[str, set[str] | None] = {}
        self._lock = asyncio.Lock()

    async def check_key(self) -> str:
        """The workspace name from ``GET /v1/me``; a key without ``workspace:read`` is tried on campaigns."""
        try:
            data = await self._get("/v1/me")
        except (ForbiddenError, NotFoundError):
            await self._get("/v1/campaigns", {"page": 1, "limit": 1})
            return "SendPilot workspace"
        workspace = data.get("workspace") if isinstance(data, dict) else None
        name = workspace.get("name") if isinstance(workspace, dict) else None
        missing = data.get("missingScopes") if isinstance(data, dict) else None
        if missing:
            _log.warning("sendpilot: the key lacks scopes %s", ", ".join(str(s) for s in missing))
        return str(name) if name else "SendPilot workspace"

    async def list_campaigns(self) -> list[Campaign]:
        """Pages of 100 until ``totalPages`` (or a short or empty page); statuses lower-cased."""
        campaigns: list[Campaign] = []
        for page in range(1, _MAX_CAMPAIGN_PAGES + 1):
            data = await self._get("/v1/campaigns", {"page": page, "limit": _PAGE})
            items, pages = _page(data, ("campaigns", "data", "items"))
            campaigns.extend(
                Campaign(
                    id=str(item.get("id", "")),
                    name=str(item.get("name", "")),
                    status=str(item.get("status") or "").lower(),
                )
                for item in items
            )
            if not items or (page >= pages if pages is not None else len(items) < _PAGE):
                break
        return campaigns

    async def _campaign_urls(self, campaign_id: str) -> set[str]:
        """The LinkedIn keys of every lead in a campaign (``GET /v1/leads``, paged)."""
        urls: set[str] = set()
        for page in range(1, _MAX_LEAD_PAGES + 1):
            data = await self._get("/v1/leads", {"campaignId": campaign_id, "page": page, "limit": _PAGE})
            items, pages = _page(data, ("leads", "data", "items"))
            urls.update(linkedin_key(_lead_url(item)) for item in items)
            if not items or (page >= pages if pages is not None else len(items) < _PAGE):
                return urls - {""}
        raise ProviderError(SPEC.id, f"SendPilot: campaign {campaign_id} has more leads than we read back.")

    async def _known_urls(self, campaign_id: str) -> set[str] | None:
        """The campaign's URLs before our first send there; None when SendPilot would not list them."""
        async with self._lock:
            if campaign_id not in self._known:
                try:
                    self._known[campaign_id] = await self._campaign_urls(campaign_id)
                except (FatalProviderError, RateLimited, TransientError):
                    raise
                except ProviderError as exc:
                    _log.info("sendpilot: cannot list the campaign's leads first (%s)", exc)
                    self._known[campaign_id] = None
            return self._known[campaign_id]

    def payload(self, batch: Sequence[Lead], destination: str, options: Options) -> dict[str, object]:
        """``{campaignId, leads}`` with custom fields as flat keys (current docs, providers.md §3.3)."""
        reserved = [f.name for f in SPEC.fields]
        return {
            "campaignId": destination,
            "leads": [flat_body(lead.fields, lead.custom, reserved) for lead in batch],
        }

    async def send(
        self, batch: Sequence[Lead], destination: str, options: Options, *, replay: bool = False
    ) -> BatchResult:
        """POST up to 100 leads; rows are attributed by :func:`attribute`."""
        known = await self._known_urls(destination)
        response = await self._request(
            "POST",
            "/v1/leads",
            json=self.payload(batch, destination, options),
            timeout=http.BULK_WRITE_TIMEOUT,
        )
        if response.status_code == 404:
            reason = http.body_text(response) or "Campaign not found"
            raise NotFoundError(SPEC.id, f"SendPilot: {reason} ({destination}).", 404)
        http.raise_for_run(SPEC.id, SPEC.label, response)
        wait = http.retry_after(response)
        if response.status_code >= 400:
            return BatchResult(whole_request_rejected(batch, SPEC.label, http.body_text(response)), wait)
        data = http.json_of(SPEC.id, SPEC.label, response)
        if not isinstance(data, dict):
            raise TransientError(SPEC.id, "SendPilot answered without the counts of added leads.")
        outcomes = attribute(batch, data, known, replay=replay)
        if known is not None:
            known.update(
                linkedin_key(lead.fields.get("linkedinUrl", ""))
                for lead, outcome in zip(batch, outcomes, strict=True)
                if outcome.status in (Status.UPLOADED, Status.DUPLICATE)
            )
        return BatchResult(outcomes, wait)

    async def read_back(self, destination: str, provider_ids: Sequence[str]) -> ReadBack | None:
        """Look the uploaded LinkedIn URLs (our ``provider_id``) up in ``GET /v1/leads``.

        A failed read raises (the engine reports "could not verify") rather than claiming 0 found.
        """
        wanted = {linkedin_key(i) for i in provider_ids if i} - {""}
        if not wanted:
            return None
        listed = await self._campaign_urls(destination)
        found = len(wanted & listed)
        return ReadBack(len(wanted), found, f"verified {found} of {len(wanted)} in the campaign")


#: The registry looks for ``Client`` in every provider module.
Client = SendPilotClient
