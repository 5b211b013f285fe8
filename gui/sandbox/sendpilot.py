"""SendPilot emulator (providers.md §3, seeds/sendpilot-add-leads.md): X-API-Key, NestJS JSON errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox import seed
from gui.sandbox.common import (
    At,
    Provider,
    envelope,
    header_key,
    int_param,
    key_ok,
    read_body,
    seconds_header,
)
from gui.sandbox.limits import Decision
from gui.sandbox.normalize import linkedin_key

MAX_LEADS = 100
_STATUS_FILTER = {"active": "started", "paused": "paused", "draft": "draft", "finished": "finished"}


def invalid(details: list[str]) -> Response:
    return envelope(400, "Bad Request", "Invalid request data", details=details)


class SendPilot(Provider):
    name = "sendpilot"
    ROUTES = (
        At("GET", "/v1/me", "me"),
        At("GET", "/v1/campaigns", "list_campaigns"),
        At("GET", "/v1/campaigns/{campaign_id}", "get_campaign"),
        At("GET", "/v1/leads", "list_leads"),
        At("POST", "/v1/leads", "add_leads", write=True),
    )

    def seeded(self) -> seed.Seed:
        return seed.Seed(seed.sendpilot_campaigns(), seed.sendpilot_leads())

    def lead_key(self, payload: dict[str, Any]) -> str | None:
        return linkedin_key(str(payload["linkedinUrl"]))

    def authenticate(self, request: Request) -> str | Response:
        key = header_key(request)
        if not key:
            return envelope(401, "Unauthorized", "Invalid or missing API key")
        if not key_ok(key):
            return envelope(401, "Unauthorized", "Invalid API key")
        return key

    def throttled(self, decision: Decision) -> Response:
        response = envelope(429, "Too Many Requests", "Rate limit exceeded")
        response.headers["Retry-After"] = seconds_header(decision.retry_after)
        return response

    def server_error(self) -> Response:
        return envelope(500, "Internal Server Error", "Internal server error")

    # -- reads ----------------------------------------------------------------------------------------
    async def me(self, request: Request, key: str) -> Response:
        """``GET /v1/me``: the key check (§3.1)."""
        return JSONResponse(
            {
                "apiKey": {
                    "id": f"key_{seed.token_for('sp-key-' + key, 10)}",
                    "name": "Sandbox key",
                    "scopes": ["campaigns:read", "leads:read", "leads:write", "workspace:read"],
                },
                "missingScopes": [],
                "subscription": {"plan": "growth", "status": "active"},
                "workspace": {"id": seed.SENDPILOT_WORKSPACE_ID, "name": "Sandbox workspace"},
            }
        )

    def _with_counts(self, campaign: dict[str, Any]) -> dict[str, Any]:
        return {
            **campaign,
            "totalLeads": self.ctx.ledger.count(self.name, campaign["id"], include_seeded=True),
        }

    async def list_campaigns(self, request: Request, key: str) -> Response:
        """``GET /v1/campaigns``: ``{campaigns, pagination{page,limit,total,totalPages}}`` (§3.2)."""
        page = int_param(request, "page", 1, 1, None)
        limit = int_param(request, "limit", 20, 1, 100)
        status = request.query_params.get("status", "all").lower()
        if page is None or limit is None or (status != "all" and status not in _STATUS_FILTER):
            return envelope(400, "Bad Request", "Validation failed")
        items = self.campaigns
        if status != "all":
            items = [c for c in items if c["status"] == _STATUS_FILTER[status]]
        total_pages = -(-len(items) // limit)
        chunk = [self._with_counts(c) for c in items[(page - 1) * limit : page * limit]]
        return JSONResponse(
            {
                "campaigns": chunk,
                "pagination": {"page": page, "limit": limit, "total": len(items), "totalPages": total_pages},
            }
        )

    async def get_campaign(self, request: Request, key: str) -> Response:
        campaign = self.by_id.get(request.path_params["campaign_id"])
        if campaign is None:
            return envelope(404, "Not Found", "Campaign not found")
        return JSONResponse(self._with_counts(campaign))

    async def list_leads(self, request: Request, key: str) -> Response:
        """``GET /v1/leads?campaignId=``: read-back of a campaign's leads, paged like campaigns."""
        campaign_id = request.query_params.get("campaignId")
        page = int_param(request, "page", 1, 1, None)
        limit = int_param(request, "limit", 20, 1, 100)
        if not campaign_id or page is None or limit is None:
            return envelope(400, "Bad Request", "Validation failed")
        if campaign_id not in self.by_id:
            return envelope(404, "Not Found", "Campaign not found")
        leads = self.ctx.ledger.leads(self.name, campaign_id)
        chunk = leads[(page - 1) * limit : page * limit]
        items = [
            {
                "id": lead.id,
                "campaignId": campaign_id,
                "linkedinUrl": lead.payload.get("linkedinUrl"),
                "firstName": lead.payload.get("firstName"),
                "lastName": lead.payload.get("lastName"),
                "company": lead.payload.get("company"),
                "title": lead.payload.get("title"),
                "email": lead.payload.get("email"),
                "status": lead.state,
                "createdAt": seed.iso(datetime.fromtimestamp(lead.created_at, UTC)),
            }
            for lead in chunk
        ]
        return JSONResponse(
            {
                "leads": items,
                "pagination": {
                    "page": page,
                    "limit": limit,
                    "total": len(leads),
                    "totalPages": -(-len(leads) // limit),
                },
            }
        )

    # -- write ----------------------------------------------------------------------------------------
    async def add_leads(self, request: Request, key: str) -> Response:
        """``POST /v1/leads``: 1..100 leads, deduped by LinkedIn URL within the campaign (§3.3)."""
        body = await read_body(request, lambda _err: invalid(["body must be valid JSON"]))
        if isinstance(body, Response):
            return body
        if (
            isinstance(body, dict)
            and isinstance(body.get("campaignId"), str)
            and isinstance(body.get("leads"), list)
        ):
            for lead in body["leads"]:
                url = lead.get("linkedinUrl") if isinstance(lead, dict) else None
                lead_key = linkedin_key(url) if isinstance(url, str) else None
                if lead_key:
                    self.ctx.ledger.count_attempt(self.name, body["campaignId"], lead_key)
        return await self.write(lambda: self._commit(body))

    def _commit(self, body: Any) -> Response:
        if not isinstance(body, dict):
            return invalid(["body must be an object"])
        details: list[str] = []
        campaign_id = body.get("campaignId")
        if not isinstance(campaign_id, str) or not campaign_id:
            details.append("campaignId must be a non-empty string")
        leads = body.get("leads")
        if not isinstance(leads, list):
            details.append("leads must be an array")
        elif not 1 <= len(leads) <= MAX_LEADS:
            details.append(f"leads must contain between 1 and {MAX_LEADS} elements")
        if details:
            return invalid(details)
        assert isinstance(campaign_id, str) and isinstance(leads, list)
        if campaign_id not in self.by_id:
            return envelope(404, "Not Found", "Campaign not found")
        added = duplicates = 0
        errors: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, lead in enumerate(leads):
            if not isinstance(lead, dict):
                errors.append({"index": index, "linkedinUrl": None, "reason": "Lead must be an object"})
                continue
            url = lead.get("linkedinUrl")
            if not isinstance(url, str) or not url.strip():
                errors.append({"index": index, "linkedinUrl": None, "reason": "linkedinUrl is required"})
                continue
            lead_key = linkedin_key(url)
            if lead_key is None:
                errors.append({"index": index, "linkedinUrl": url, "reason": "Invalid LinkedIn profile URL"})
                continue
            if lead_key in seen:
                duplicates += 1
                continue
            seen.add(lead_key)
            if (
                self.ctx.ledger.add(self.name, campaign_id, f"lead_{self.ctx.ids.token(12)}", lead_key, lead)
                is None
            ):
                duplicates += 1
                continue
            added += 1
        answer: dict[str, Any] = {
            "success": True,
            "leadsAdded": added,
            "duplicatesSkipped": duplicates,
            "invalidEntries": len(errors),
        }
        if errors:
            answer["errors"] = errors  # "only present if there are errors" (§3.3)
        return JSONResponse(answer)
