"""Updating a lead that is already there, as lemlist and Instantly answer it (providers-next.md §4).

Mixins for the two emulators, with the providers' field rules:

- lemlist ``PATCH /campaigns/{campaignId}/leads/{leadId}`` takes ``firstName, lastName,
  companyName, jobTitle, preferredContactMethod`` (string values) and answers the campaign lead;
  another key is refused 400 (the sandbox is strict where lemlist's schema is silent, so a
  client sending more than the documented set is caught). ``PATCH /leads/{leadId}/variables``
  changes variables the lead has (400 ``Variable not found`` otherwise) and ``POST`` adds new
  ones; the values come in the query string, and a standard field is not a variable (400).
- Instantly ``PATCH /api/v2/leads/{id}``: the schema's ``additionalProperties: false`` and
  ``minProperties: 1``, ``custom_variables`` merged into the lead's, the updated ``Lead`` back.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox.common import Provider, envelope, read_body, text
from gui.sandbox.instantly_bodies import INTEREST_STATUSES, STRING_FIELDS, bad_request, is_uuid

LEMLIST_CAMPAIGN_LEAD = ("firstName", "lastName", "companyName", "jobTitle", "preferredContactMethod")
LEMLIST_CONTACT_METHODS = ("email", "linkedIn")
#: What ``PATCH /api/v2/leads/{id}`` accepts (instantly_api_v2.json): a lead's keys but its email.
INSTANTLY_PATCH = (*(f for f in STRING_FIELDS if f != "email"), "lt_interest_status", "custom_variables")


class LemlistUpdates(Provider):
    """lemlist's two update routes; ``KNOWN_FIELDS`` are the standard (non-variable) lead fields."""

    KNOWN_FIELDS: tuple[str, ...] = ()

    async def patch_lead(self, request: Request, key: str) -> Response:
        campaign_id, lead_id = request.path_params["campaign_id"], request.path_params["lead"]
        body = await read_body(request, lambda _err: text(400, "Bad request"))
        if isinstance(body, Response):
            return body
        if not isinstance(body, dict):
            return text(400, "Bad params")
        for name, value in body.items():
            if name not in LEMLIST_CAMPAIGN_LEAD:
                return text(400, f"Bad params: {name} cannot be updated on a campaign lead")
            if not isinstance(value, str):
                return text(400, f"Bad params: {name} must be a string")
        method = body.get("preferredContactMethod")
        if method is not None and method not in LEMLIST_CONTACT_METHODS:
            return text(400, "Bad params: preferredContactMethod must be email or linkedIn")
        return await self.write(lambda: self._patch_lead(campaign_id, lead_id, body))

    def _patch_lead(self, campaign_id: str, lead_id: str, body: dict[str, Any]) -> Response:
        campaign = self.by_id.get(campaign_id)
        if campaign is None:
            return text(404, "Campaign not found")
        lead = self.ctx.ledger.patch(self.name, campaign_id, lead_id, dict(body))
        if lead is None:
            return text(404, "Lead not found")
        answer: dict[str, Any] = {"campaignId": campaign_id, "campaignName": campaign["name"]}
        answer.update({k: v for k, v in lead.payload.items() if isinstance(v, str) and k in _LEMLIST_ANSWER})
        answer.update({"_id": lead.id, "isPaused": False})
        return JSONResponse(answer)

    async def change_variables(self, request: Request, key: str) -> Response:
        lead_id = request.path_params["lead_id"]
        values = dict(request.query_params)
        adding = request.method == "POST"
        if not values:
            return text(400, "Bad params: no variable given")
        for name in values:
            if name in self.KNOWN_FIELDS:
                return text(400, f"Bad params: {name} is a lead field, not a custom variable")
        return await self.write(lambda: self._variables(lead_id, values, adding))

    def _variables(self, lead_id: str, values: dict[str, str], adding: bool) -> Response:
        ledger = self.ctx.ledger
        for container in ledger.containers(self.name):
            lead = ledger.by_id(self.name, container, lead_id)
            if lead is None:
                continue
            if not adding and any(name not in lead.payload for name in values):
                return text(400, "Variable not found")
            ledger.patch(self.name, container, lead_id, dict(values))
            return JSONResponse({"ok": True})
        return text(404, "Lead not found")


_LEMLIST_ANSWER = (
    "email",
    "firstName",
    "lastName",
    "companyName",
    "jobTitle",
    "companyDomain",
    "preferredContactMethod",
)


class InstantlyUpdates(Provider):
    """Instantly's ``PATCH /api/v2/leads/{id}``, answered in the emulator's ``Lead`` shape."""

    async def patch_lead(self, request: Request, key: str) -> Response:
        lead_id = request.path_params["lead_id"]
        if not is_uuid(lead_id):
            return bad_request('params/id must match format "uuid"')
        body = await read_body(request, lambda _err: bad_request("Body is not valid JSON"))
        if isinstance(body, Response):
            return body
        if not isinstance(body, dict):
            return bad_request("body must be object")
        if not body:
            return bad_request("body must NOT have fewer than 1 properties")
        for name, value in body.items():
            if name not in INSTANTLY_PATCH:
                return bad_request("body must NOT have additional properties")
            if name == "custom_variables":
                if not isinstance(value, dict) or not all(
                    v is None or isinstance(v, str | int | float | bool) for v in value.values()
                ):
                    return bad_request("body/custom_variables must be object")
            elif name == "lt_interest_status":
                if value not in INTEREST_STATUSES:
                    return bad_request("body/lt_interest_status must be equal to one of the allowed values")
            elif value is not None and not isinstance(value, str):
                return bad_request(f"body/{name} must be string,null")
        return await self.write(lambda: self._patch(lead_id, body))

    def _patch(self, lead_id: str, body: dict[str, Any]) -> Response:
        ledger = self.ctx.ledger
        for container in ledger.containers(self.name):
            if ledger.by_id(self.name, container, lead_id) is not None:
                lead = ledger.patch(self.name, container, lead_id, dict(body))
                return JSONResponse(self._lead_object(lead))  # type: ignore[attr-defined]
        return envelope(404, "Not Found", "Lead not found")
