"""lemlist emulator (providers.md §1, seeds/lemlist-*.md): Basic auth, text/plain errors, 20 req / 2 s."""

from __future__ import annotations

import base64
import binascii
import re
import time
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox import seed, sequences
from gui.sandbox.common import At, Provider, int_param, key_ok, read_body, seconds_header, text
from gui.sandbox.ledger import DncEntry, LedgerLead
from gui.sandbox.limits import Decision
from gui.sandbox.normalize import linkedin_key
from gui.sandbox.updates import LemlistUpdates

KNOWN_FIELDS = (
    "email",
    "firstName",
    "lastName",
    "companyName",
    "jobTitle",
    "linkedinUrl",
    "picture",
    "phone",
    "companyDomain",
    "icebreaker",
    "timezone",
    "contactOwner",
)
_RESPONSE_FIELDS = ("email", "firstName", "lastName", "companyName", "jobTitle", "companyDomain")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TRUE = {"true", "1", "yes"}


def js_date(epoch: float) -> str:
    """A JavaScript ``Date.toString()`` in UTC, the format lemlist puts in ``X-RateLimit-Reset`` (§1.5)."""
    return time.strftime("%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", time.gmtime(epoch))


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "false").strip().lower() in _TRUE


class Lemlist(LemlistUpdates, Provider):
    name = "lemlist"
    prefix = "/lemlist/api"
    aliases = ("/api",)
    plain_not_found = True
    limit_before_auth = True  # the rate headers are on "the responses of all queries" (§1.5)
    campaign_id_field = "_id"
    KNOWN_FIELDS = KNOWN_FIELDS
    ROUTES = (
        At("GET", "/team", "team"),
        At("GET", "/campaigns", "list_campaigns", slash=True),
        At("GET", "/campaigns/{campaign_id}", "get_campaign"),
        At("GET", "/campaigns/{campaign_id}/leads", "campaign_leads", slash=True),
        At("POST", "/campaigns/{campaign_id}/leads", "create_lead", write=True, slash=True),
        At("POST", "/campaigns/{campaign_id}/leads/{email}", "create_lead", write=True),
        At("GET", "/leads/{email}", "find_lead"),
        At("GET", "/campaigns/{campaign_id}/sequences", "campaign_sequences"),
        At("DELETE", "/campaigns/{campaign_id}/leads/{lead}", "delete_lead", write=True),
        At("PATCH", "/campaigns/{campaign_id}/leads/{lead}", "patch_lead", write=True),
        At("PATCH", "/leads/{lead_id}/variables", "change_variables", write=True),
        At("POST", "/leads/{lead_id}/variables", "change_variables", write=True),
        At("GET", "/v2/unsubscribes/variables", "list_unsubscribes"),
        At("POST", "/v2/unsubscribes/variables", "add_unsubscribes", write=True),
    )
    RICH_SEQUENCES = frozenset((seed.LEMLIST_CAMPAIGN, seed.LEMLIST_CAMPAIGN_2))
    """The demo campaigns whose emails use every kind of tag (the others get a short sequence)."""
    MAX_UNSUBSCRIBES = 10_000

    def seeded(self) -> seed.Seed:
        campaigns = seed.lemlist_campaigns()
        self.sequences = {
            c["_id"]: sequences.lemlist_sequences(c["sequenceId"], c["_id"] in self.RICH_SEQUENCES)
            for c in campaigns
        }
        return seed.Seed(campaigns, seed.lemlist_leads())

    # -- auth and shapes ------------------------------------------------------------------------------
    def presented_key(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        if header[:6].lower() == "basic ":
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return ""
            _login, sep, password = decoded.partition(":")
            return password if sep else ""  # the key is the password; "KEY:" has none (§1.5)
        return request.query_params.get("access_token", "")

    def authenticate(self, request: Request) -> str | Response:
        key = self.presented_key(request)
        if not key:
            return text(400, "No API key provided")
        if key == seed.LEMLIST_BLOCKED_KEY:
            return text(403, "User linked to this API key is blocked")
        if not key_ok(key):
            return text(401, "The authentication you supplied is incorrect")
        return key

    def throttled(self, decision: Decision) -> Response:
        return text(429, "Too Many Requests")

    def server_error(self) -> Response:
        return text(500, "Internal Server Error")

    def decorate(self, response: Response, decision: Decision | None) -> Response:
        if decision is None:
            return response
        wait = decision.retry_after if not decision.allowed else max(0.0, decision.reset_at - time.time())
        response.headers["Retry-After"] = seconds_header(wait)
        response.headers["X-RateLimit-Limit"] = str(decision.limit)
        response.headers["X-RateLimit-Remaining"] = str(decision.remaining)
        response.headers["X-RateLimit-Reset"] = js_date(decision.reset_at)
        return response

    def lead_key(self, payload: dict[str, Any]) -> str | None:
        """Duplicates are the same email, case-insensitively (§1.4); LinkedIn-only leads by their URL."""
        email = payload.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip().lower()
        url = payload.get("linkedinUrl")
        if isinstance(url, str) and url.strip():
            return linkedin_key(url) or url.strip().lower()
        return None

    # -- reads ----------------------------------------------------------------------------------------
    async def team(self, request: Request, key: str) -> Response:
        """``GET /team``: the cheap key check (§1.1)."""
        body: dict[str, Any] = {
            "_id": seed.LEMLIST_TEAM_ID,
            "name": "Sandbox Team",
            "userIds": [seed.LEMLIST_USER_ID],
            "createdBy": seed.LEMLIST_USER_ID,
            "createdAt": seed.iso(seed.EPOCH),
            "beta": [],
            "invitedUsers": [],
            "customDomain": None,
        }
        if request.query_params.get("version") == "v2":
            body["users"] = [
                {"_id": seed.LEMLIST_USER_ID, "email": "owner@sandbox-team.example", "name": "Sandbox Owner"}
            ]
        return JSONResponse(body)

    async def list_campaigns(self, request: Request, key: str) -> Response:
        """``GET /campaigns``: an array (offset/limit ≤ 100), or ``{campaigns, pagination}`` with v2."""
        limit = int_param(request, "limit", 100, 1, 100)
        if limit is None:
            return text(400, "Bad params")
        items = self.campaigns
        status = request.query_params.get("status")
        if status:
            wanted = {s.strip() for s in status.split(",") if s.strip()}
            items = [c for c in items if c["status"] in wanted or ("errors" in wanted and c["hasError"])]
        created_by = request.query_params.get("createdBy")
        if created_by:
            items = [c for c in items if c["createdBy"] == created_by]
        if request.query_params.get("sortOrder", "asc").lower() == "desc":
            items = list(reversed(items))
        if request.query_params.get("version") == "v2":
            page = int_param(request, "page", 1, 1, None)
            if page is None:
                return text(400, "Bad params")
            total_page = max(1, -(-len(items) // limit))
            chunk = items[(page - 1) * limit : page * limit]
            return JSONResponse(
                {
                    "campaigns": chunk,
                    "pagination": {
                        "page": page,
                        "limit": limit,
                        "totalRecords": len(items),
                        "currentPage": page,
                        "nextPage": page + 1 if page < total_page else None,
                        "totalPage": total_page,
                    },
                }
            )
        offset = int_param(request, "offset", 0, 0, None)
        if offset is None:
            return text(400, "Bad params")
        return JSONResponse(items[offset : offset + limit])

    async def get_campaign(self, request: Request, key: str) -> Response:
        return self._of_campaign(request, self.by_id)

    @staticmethod
    def _of_campaign(request: Request, table: dict[str, Any]) -> Response:
        """What ``table`` holds for the path's campaign, or lemlist's text 404."""
        found = table.get(request.path_params["campaign_id"])
        return text(404, "Campaign not found") if found is None else JSONResponse(found)

    async def campaign_leads(self, request: Request, key: str) -> Response:
        """``GET /campaigns/{id}/leads/``: newest first, ``state`` filter, limit ≤ 500, no email in items."""
        if request.path_params["campaign_id"] not in self.by_id:
            return text(404, "Campaign not found")
        limit = int_param(request, "limit", 100, 1, 500)
        if limit is None:
            return text(400, "Bad params")
        leads = self.ctx.ledger.leads(self.name, request.path_params["campaign_id"])
        state = request.query_params.get("state")
        ordered = sorted(enumerate(leads), key=lambda p: (p[1].created_at, p[0]), reverse=True)
        items = [
            {"_id": lead.id, "contactId": self.contact_id(lead.id), "state": lead.state}
            for _, lead in ordered
            if not state or lead.state == state
        ]
        return JSONResponse(items[:limit])

    async def find_lead(self, request: Request, key: str) -> Response:
        """``GET /leads/{email}`` (optionally ``campaignId``): the pre-check without posting (§1.4)."""
        email = request.path_params["email"].strip().lower()
        only = request.query_params.get("campaignId")
        found = []
        for container in self.ctx.ledger.containers_with(self.name, email):
            if only and container != only:
                continue
            lead = self.ctx.ledger.find(self.name, container, email)
            campaign = self.by_id.get(container)
            if lead is None or campaign is None:
                continue
            found.append(
                {
                    "_id": lead.id,
                    "isPaused": False,
                    "state": lead.state,
                    "status": "active",
                    "source": "api",
                    "variables": dict(lead.payload),
                    "contactId": self.contact_id(lead.id),
                    "campaign": {
                        "id": campaign["_id"],
                        "name": campaign["name"],
                        "status": campaign["status"],
                    },
                }
            )
        if not found:
            return text(404, "Lead not found")
        return JSONResponse(found)

    @staticmethod
    def contact_id(lead_id: str) -> str:
        return f"ctc_{seed.token_for('contact-' + lead_id)}"

    # -- write ----------------------------------------------------------------------------------------
    async def create_lead(self, request: Request, key: str) -> Response:
        """``POST /campaigns/{id}/leads/`` (and the legacy ``…/leads/{email}``): one lead per request."""
        campaign_id = request.path_params["campaign_id"]
        body = await read_body(request, lambda _err: text(400, "Bad request"))
        if isinstance(body, Response):
            return body
        if body is None:
            body = {}  # "Body is optional" (LEM-LEGACY)
        if not isinstance(body, dict):
            return text(400, "Bad params")
        payload = dict(body)
        if "email" in request.path_params:
            payload["email"] = request.path_params["email"]
        lead_key = self.lead_key(payload)
        if lead_key is not None:
            self.ctx.ledger.count_attempt(self.name, campaign_id, lead_key)
        return await self.write(lambda: self._commit(request, campaign_id, payload, lead_key))

    def _commit(
        self, request: Request, campaign_id: str, payload: dict[str, Any], lead_key: str | None
    ) -> Response:
        campaign = self.by_id.get(campaign_id)
        if campaign is None:
            return text(404, "Campaign not found")
        for name, value in payload.items():
            if value is not None and not isinstance(value, str):
                # The body schema is additionalProperties {type: string} (§1.3): values must be strings.
                return text(400, f"Bad params: {name} must be a string")
        if lead_key is None:
            return text(400, "Bad params: a lead needs an email or a linkedinUrl")
        email = payload.get("email")
        if isinstance(email, str) and email.strip() and not _EMAIL.match(email.strip()):
            return text(400, "Bad params: email is not valid")
        ledger = self.ctx.ledger
        if ledger.has(self.name, campaign_id, lead_key):
            return text(400, "Lead already in the campaign")
        if _flag(request, "deduplicate") and any(
            c != campaign_id for c in ledger.containers_with(self.name, lead_key)
        ):
            return text(500, "Lead already in other campaign")
        lead = ledger.add(self.name, campaign_id, f"lea_{self.ctx.ids.token()}", lead_key, payload)
        if lead is None:
            return text(400, "Lead already in the campaign")
        answer: dict[str, Any] = {"campaignId": campaign_id, "campaignName": campaign["name"]}
        answer.update({f: payload[f] for f in _RESPONSE_FIELDS if f in payload})
        answer.update({"_id": lead.id, "isPaused": False, "contactId": self.contact_id(lead.id)})
        return JSONResponse(answer)

    # -- the campaign's emails, taking leads back, the unsubscribe list (providers-next.md §1-3) -------
    async def campaign_sequences(self, request: Request, key: str) -> Response:
        """``GET /campaigns/{id}/sequences``: an object keyed by sequence id, branches at ``level`` ≥ 1."""
        return self._of_campaign(request, self.sequences)

    async def delete_lead(self, request: Request, key: str) -> Response:
        """``DELETE /campaigns/{id}/leads/{leadId|email}``: the trap of §3 emulated.

        Only a lead id with ``action=remove`` deletes; without it, and always by email, the lead is
        unsubscribed from the campaign and stays in it (state ``unsubscribed``).
        """
        campaign_id, ref = request.path_params["campaign_id"], request.path_params["lead"]
        remove = request.query_params.get("action") == "remove"
        return await self.write(lambda: self._delete(campaign_id, ref, remove))

    def _delete(self, campaign_id: str, ref: str, remove: bool) -> Response:
        if campaign_id not in self.by_id:
            return text(404, "Campaign not found")
        ledger = self.ctx.ledger
        by_email = "@" in ref
        lead = (
            ledger.find(self.name, campaign_id, ref.strip().lower())
            if by_email
            else ledger.by_id(self.name, campaign_id, ref)
        )
        if lead is None:
            return text(404, "Lead not found")
        if remove and not by_email:
            ledger.remove(self.name, campaign_id, lead.id)
            return JSONResponse(self._lead_answer(lead))
        changed = ledger.set_state(self.name, campaign_id, lead.id, "unsubscribed") or lead
        if by_email:
            return JSONResponse(
                {
                    "email": changed.payload.get("email"),
                    "_id": changed.id,
                    "isPaused": False,
                    "campaignId": campaign_id,
                    "contactId": self.contact_id(changed.id),
                }
            )
        return JSONResponse(self._lead_answer(changed))

    def _lead_answer(self, lead: LedgerLead) -> dict[str, Any]:
        answer: dict[str, Any] = {k: v for k, v in lead.payload.items() if isinstance(v, str)}
        answer.update(
            {
                "_id": lead.id,
                "isPaused": False,
                "campaignId": lead.container,
                "contactId": self.contact_id(lead.id),
            }
        )
        return answer

    async def list_unsubscribes(self, request: Request, key: str) -> Response:
        """``GET /v2/unsubscribes/variables?offset&limit``: a bare array, ``limit`` ≤ 100."""
        offset = int_param(request, "offset", 0, 0, None)
        limit = int_param(request, "limit", 100, 1, 100)
        if offset is None or limit is None:
            return text(400, "Bad params")
        chunk = self.ctx.ledger.dnc_page(self.name, limit, offset=offset)
        return JSONResponse(
            [
                {
                    "_id": entry.id,
                    "value": entry.value,
                    "source": entry.source,
                    "createdAt": seed.iso(datetime.fromtimestamp(entry.created_at, UTC)),
                }
                for entry in chunk
            ]
        )

    async def add_unsubscribes(self, request: Request, key: str) -> Response:
        """``POST /v2/unsubscribes/variables`` ``{"values": [...]}``, at most 10,000 per request."""
        body = await read_body(request, lambda _err: text(400, "Bad request"))
        if isinstance(body, Response):
            return body
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            return text(400, "values must be an array of strings")
        if len(values) > self.MAX_UNSUBSCRIBES:
            return text(400, f"Maximum {self.MAX_UNSUBSCRIBES} values allowed")
        return await self.write(lambda: self._unsubscribe(values, "api"))

    def _unsubscribe(self, values: list[str], source: str) -> Response:
        for value in values:
            entry = DncEntry(f"uns_{self.ctx.ids.token()}", value.strip().lower(), source, time.time())
            self.ctx.ledger.dnc_add(self.name, entry)
        return JSONResponse("Variables unsubscribed")
