"""Instantly API v2 emulator (providers.md §2, seeds/instantly-add-leads-bulk.md).

Bearer auth, Fastify-style JSON errors, 100 req/s and 6000 req/min per workspace with no rate headers.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox import seed, sequences
from gui.sandbox.common import At, Context, Provider, envelope, key_ok, read_body
from gui.sandbox.instantly_blocklist import InstantlyBlockList
from gui.sandbox.instantly_bodies import (
    EMAIL,
    bad_request,
    is_uuid,
    validate_body,
    validate_delete,
)
from gui.sandbox.instantly_pages import listing
from gui.sandbox.ledger import LedgerLead
from gui.sandbox.limits import Decision
from gui.sandbox.updates import InstantlyUpdates


class Instantly(InstantlyUpdates, InstantlyBlockList, Provider):
    name = "instantly"
    ROUTES = (
        At("GET", "/api/v2/workspaces/current", "workspace"),
        At("GET", "/api/v2/campaigns", "list_campaigns"),
        At("GET", "/api/v2/campaigns/{campaign_id}", "get_campaign"),
        At("GET", "/api/v2/lead-lists", "list_lists"),
        At("POST", "/api/v2/leads/add", "add_leads", write=True),
        At("POST", "/api/v2/leads/list", "list_leads"),
        At("DELETE", "/api/v2/leads", "delete_leads", write=True),
        At("DELETE", "/api/v2/leads/{lead_id}", "delete_lead", write=True),
        At("PATCH", "/api/v2/leads/{lead_id}", "patch_lead", write=True),
        At("GET", "/api/v2/block-lists-entries", "list_block_entries"),
        At("POST", "/api/v2/block-lists-entries/bulk-create", "add_block_entries", write=True),
    )
    RICH_SEQUENCES = frozenset((seed.INSTANTLY_CAMPAIGN, seed.INSTANTLY_CAMPAIGN_2))
    """The demo campaigns whose emails use every kind of tag (the others get a short sequence)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.campaign_ids = set(self.by_id)
        self.lists = seed.instantly_lists()
        self.list_ids = {lst["id"] for lst in self.lists}
        self.remaining_in_plan = seed.INSTANTLY_PLAN_LEADS
        self._block(
            [seed.INSTANTLY_BLOCKLISTED_EMAIL, seed.INSTANTLY_BLOCKLISTED_DOMAIN], seed.EPOCH.timestamp()
        )

    def seeded(self) -> seed.Seed:
        campaigns = [
            {**c, "sequences": sequences.instantly_sequences(c["id"] in self.RICH_SEQUENCES)}
            for c in seed.instantly_campaigns()
        ]
        return seed.Seed(campaigns, seed.instantly_leads())

    def lead_key(self, payload: dict[str, Any]) -> str | None:
        return str(payload["email"]).lower()

    # -- auth and shapes ------------------------------------------------------------------------------
    def authenticate(self, request: Request) -> str | Response:
        header = request.headers.get("authorization")
        if not header:
            return envelope(401, "Unauthorized", "Missing Authorization header")
        scheme, _, key = header.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key_ok(key):
            return envelope(401, "Unauthorized", "Invalid API key")
        if key.startswith(seed.INSTANTLY_UNPAID_KEY):
            return envelope(402, "Payment Required", "Workspace does not have an active paid plan")
        return key

    def bucket(self, key: str) -> str:
        return "workspace"  # "workspace-wide, shared ... across all keys" (§2.5)

    def throttled(self, decision: Decision) -> Response:
        return envelope(429, "Too Many Requests", "Rate limit exceeded")  # and no rate headers (§2.5)

    def server_error(self) -> Response:
        return envelope(500, "Internal Server Error", "Internal Server Error")

    # -- reads ----------------------------------------------------------------------------------------
    async def workspace(self, request: Request, key: str) -> Response:
        return JSONResponse(
            {
                "id": seed.INSTANTLY_WORKSPACE_ID,
                "name": "Sandbox workspace",
                "owner": "0198f000-0000-7000-8000-00000000c001",
                "plan_id": "pid_hg_v1",
                "timestamp_created": seed.iso(seed.EPOCH),
                "timestamp_updated": seed.iso(seed.EPOCH),
                "org_logo_url": None,
                "org_client_domain": None,
            }
        )

    async def list_campaigns(self, request: Request, key: str) -> Response:
        """``GET /api/v2/campaigns``: ``starting_after`` is the last id seen (§2.1, §2.2)."""

        def by_status(items: list[dict[str, Any]]) -> list[dict[str, Any]] | Response:
            status = request.query_params.get("status")
            if status in (None, ""):
                return items
            try:
                return [c for c in items if c["status"] == int(status)]
            except ValueError:
                return bad_request("querystring/status must be equal to one of the allowed values")

        return listing(request, self.campaigns, "id", by_status)

    async def get_campaign(self, request: Request, key: str) -> Response:
        campaign = self.by_id.get(request.path_params["campaign_id"])
        if campaign is None:
            return envelope(404, "Not Found", "Resource not found")
        return JSONResponse(campaign)

    async def list_lists(self, request: Request, key: str) -> Response:
        """``GET /api/v2/lead-lists``: the cursor is a ``timestamp_created`` (§2.1)."""
        return listing(request, self.lists, "timestamp_created")

    async def list_leads(self, request: Request, key: str) -> Response:
        """``POST /api/v2/leads/list``: filters, ``limit`` and ``starting_after`` in the body (§2.1).

        Supports the filters a read-back and an update need: ``campaign``, ``list_id``, ``ids``, ``contacts``
        (emails) and ``search`` (part of the email, first or last name, any case);
        other filters of the real endpoint are accepted and ignored. The cursor is the last lead id.
        """
        body = await read_body(request, lambda _err: bad_request("Body is not valid JSON"))
        if isinstance(body, Response):
            return body
        body = {} if body is None else body
        if not isinstance(body, dict):
            return bad_request("body must be object")
        limit = body.get("limit", 100)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
            return bad_request(
                "body/limit must be <= 100" if isinstance(limit, int) else "body/limit must be integer"
            )
        for name in ("campaign", "list_id"):
            if body.get(name) is not None and not is_uuid(body[name]):
                return bad_request(f'body/{name} must match format "uuid"')
        for name in ("ids", "contacts"):
            if name in body and not (
                isinstance(body[name], list) and all(isinstance(v, str) for v in body[name])
            ):
                return bad_request(f"body/{name} must be array")
        if body.get("campaign"):
            containers = [body["campaign"]]
        elif body.get("list_id"):
            containers = [body["list_id"]]
        else:
            containers = self.ctx.ledger.containers(self.name)
        leads = [lead for c in containers for lead in self.ctx.ledger.leads(self.name, c)]
        if "ids" in body:
            wanted = set(body["ids"])
            leads = [lead for lead in leads if lead.id in wanted]
        search = body.get("search")
        if isinstance(search, str) and search.strip():
            needle = search.strip().lower()
            leads = [lead for lead in leads if needle in _searchable(lead.payload)]
        if "contacts" in body:
            emails = {e.strip().lower() for e in body["contacts"]}
            leads = [lead for lead in leads if lead.key in emails]
        after = body.get("starting_after")
        if after:
            ids = [lead.id for lead in leads]
            leads = leads[ids.index(after) + 1 :] if after in ids else []
        items = [self._lead_object(lead) for lead in leads[:limit]]
        answer: dict[str, Any] = {"items": items}
        if items:
            answer["next_starting_after"] = items[-1]["id"]
        return JSONResponse(answer)

    def _lead_object(self, lead: LedgerLead) -> dict[str, Any]:
        payload = lead.payload
        in_campaign = lead.container in self.campaign_ids
        created = seed.iso(datetime.fromtimestamp(lead.created_at, UTC))
        email = payload.get("email")
        return {
            "id": lead.id,
            "timestamp_created": created,
            "timestamp_updated": created,
            "organization": seed.INSTANTLY_WORKSPACE_ID,
            "email_open_count": 0,
            "email_reply_count": 0,
            "email_click_count": 0,
            "company_domain": str(email).rpartition("@")[2] if email else "",
            "status_summary": {},
            "campaign": lead.container if in_campaign else None,
            "list_id": None if in_campaign else lead.container,
            "status": 1,
            "email": payload.get("email"),
            "first_name": payload.get("first_name"),
            "last_name": payload.get("last_name"),
            "company_name": payload.get("company_name"),
            "job_title": payload.get("job_title"),
            "phone": payload.get("phone"),
            "website": payload.get("website"),
            "personalization": payload.get("personalization"),
            "payload": dict(payload.get("custom_variables") or {}),
        }

    # -- write ----------------------------------------------------------------------------------------
    async def add_leads(self, request: Request, key: str) -> Response:
        """``POST /api/v2/leads/add``: 1..1000 leads to a campaign xor a list (§2.3, §2.4)."""
        body = await read_body(request, lambda _err: bad_request("Body is not valid JSON"))
        if isinstance(body, Response):
            return body
        if isinstance(body, dict) and isinstance(body.get("leads"), list):
            target = body.get("campaign_id") or body.get("list_id")
            if isinstance(target, str):
                for lead in body["leads"]:
                    if (
                        isinstance(lead, dict)
                        and isinstance(lead.get("email"), str)
                        and lead["email"].strip()
                    ):
                        self.ctx.ledger.count_attempt(self.name, target, lead["email"].strip().lower())
        return await self.write(lambda: self._commit(body))

    def _in_workspace(self, email: str, *, campaigns: bool, lists: bool) -> bool:
        for container in self.ctx.ledger.containers_with(self.name, email):
            if campaigns and container in self.campaign_ids:
                return True
            if lists and container in self.list_ids:
                return True
        return False

    def _blocked(self, email: str) -> bool:
        """On the block list by the email or its domain: such leads count in ``in_blocklist`` (§2.4)."""
        ledger = self.ctx.ledger
        return ledger.on_dnc(self.name, email) or ledger.on_dnc(self.name, email.rpartition("@")[2])

    def _commit(self, body: Any) -> Response:
        error = validate_body(body)
        if error:
            return bad_request(error)
        campaign_id, list_id = body.get("campaign_id"), body.get("list_id")
        if bool(campaign_id) == bool(list_id):
            return bad_request("You must provide a campaign_id or a list_id, but not both")
        target = campaign_id or list_id
        if (campaign_id and campaign_id not in self.campaign_ids) or (
            list_id and list_id not in self.list_ids
        ):
            return envelope(404, "Not Found", "Resource not found")
        leads: list[dict[str, Any]] = body["leads"]
        counts = dict.fromkeys(
            (
                "leads_uploaded",
                "in_blocklist",
                "duplicated_leads",
                "skipped_count",
                "invalid_email_count",
                "incomplete_count",
                "duplicate_email_count",
            ),
            0,
        )
        in_workspace = bool(body.get("skip_if_in_workspace"))
        skip_campaign = in_workspace or bool(body.get("skip_if_in_campaign"))
        skip_list = in_workspace or bool(body.get("skip_if_in_list"))
        seen: set[str] = set()
        created: list[dict[str, Any]] = []
        ledger = self.ctx.ledger
        for index, lead in enumerate(leads):
            raw_email = lead.get("email")
            email = raw_email.strip().lower() if isinstance(raw_email, str) and raw_email.strip() else None
            # Counter order of providers.md §2.4: invalid email → in-payload duplicate → blocklist →
            # skip_if flags → already in the target; the rest is created.
            if email is None:
                if campaign_id:
                    counts["invalid_email_count"] += 1
                    continue
                if not (lead.get("first_name") or lead.get("last_name")):
                    counts["incomplete_count"] += 1
                    continue
            elif not EMAIL.match(email):
                counts["invalid_email_count"] += 1
                continue
            if email is not None:
                if email in seen:
                    counts["duplicate_email_count"] += 1
                    continue
                seen.add(email)
                if self._blocked(email):
                    counts["in_blocklist"] += 1
                    continue
                if (skip_campaign or skip_list) and self._in_workspace(
                    email, campaigns=skip_campaign, lists=skip_list
                ):
                    counts["skipped_count"] += 1
                    continue
                if ledger.has(self.name, target, email):
                    counts["duplicated_leads"] += 1
                    continue
            if campaign_id and self.remaining_in_plan <= 0:
                counts["skipped_count"] += 1
                continue
            stored = ledger.add(self.name, target, self.ctx.ids.uuid(), email, lead)
            if stored is None:
                counts["duplicated_leads"] += 1
                continue
            counts["leads_uploaded"] += 1
            if campaign_id:
                self.remaining_in_plan -= 1
            created.append(
                {
                    "index": index,
                    "id": stored.id,
                    "email": lead.get("email"),
                    "first_name": lead.get("first_name"),
                    "last_name": lead.get("last_name"),
                    "phone": lead.get("phone"),
                }
            )
        return JSONResponse(
            {
                "status": "success",
                "total_sent": len(leads),
                **counts,
                "blocklist_used": body.get("blocklist_id") or seed.INSTANTLY_BLOCKLIST,
                "remaining_in_plan": self.remaining_in_plan if campaign_id else None,
                "created_leads": created,
            }
        )

    # -- taking leads back (providers-next.md §3) --------------------------------------------------------
    async def delete_leads(self, request: Request, key: str) -> Response:
        """``DELETE /api/v2/leads``: ``ids`` deletes those; **without ``ids`` it empties the target** (§3)."""
        body = await read_body(request, lambda _err: bad_request("Body is not valid JSON"))
        if isinstance(body, Response):
            return body
        error = validate_delete(body)
        if error:
            return bad_request(error)
        return await self.write(lambda: self._delete(body))

    def _delete(self, body: dict[str, Any]) -> Response:
        target = str(body.get("campaign_id") or body.get("list_id"))
        if target not in self.campaign_ids and target not in self.list_ids:
            return envelope(404, "Not Found", "Resource not found")
        leads = self.ctx.ledger.leads(self.name, target)
        if "ids" in body:
            wanted = set(body["ids"])
            leads = [lead for lead in leads if lead.id in wanted]
        if "status" in body and body["status"] != 1:  # every sandbox lead is Active (1)
            leads = []
        leads = leads[: body.get("limit", len(leads))]
        for lead in leads:
            self.ctx.ledger.remove(self.name, target, lead.id)
        return JSONResponse({"count": len(leads)})

    async def delete_lead(self, request: Request, key: str) -> Response:
        """``DELETE /api/v2/leads/{id}``: one lead, 404 when no campaign or list holds it."""
        lead_id = request.path_params["lead_id"]
        return await self.write(lambda: self._delete_one(lead_id))

    def _delete_one(self, lead_id: str) -> Response:
        ledger = self.ctx.ledger
        for container in ledger.containers(self.name):
            lead = ledger.remove(self.name, container, lead_id)
            if lead is not None:
                return JSONResponse(self._lead_object(lead))
        return envelope(404, "Not Found", "Lead not found")


def _searchable(payload: dict[str, Any]) -> str:
    """What ``search`` matches: the email, first and last name, lower-cased."""
    return " ".join(str(payload.get(k) or "") for k in ("email", "first_name", "last_name")).lower()
