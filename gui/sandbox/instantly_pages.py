"""Instantly's cursor listings: a page of ``limit`` items and the cursor of the next one.

Every ``GET`` listing of Instantly v2 (campaigns, lead lists, block-list entries) pages the same
way: ``limit`` 1..100, ``starting_after`` the last cursor seen, and even the last page with data
carries a cursor, so a client stops on an empty page (providers.md §2.2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gui.sandbox.instantly_bodies import bad_request


def page(items: list[dict[str, Any]], cursor_field: str) -> Response:
    """A listing page; even the last page with data carries a cursor (the caller stops on an empty one)."""
    body: dict[str, Any] = {"items": items}
    if items:
        body["next_starting_after"] = items[-1][cursor_field]
    return JSONResponse(body)


def limit_of(request: Request) -> int | Response:
    """The ``limit`` query parameter (1..100, default 10), or the 400 Instantly answers."""
    raw = request.query_params.get("limit", "10")
    try:
        limit = int(raw)
    except ValueError:
        return bad_request("querystring/limit must be integer")
    if limit < 1:
        return bad_request("querystring/limit must be >= 1")
    if limit > 100:
        return bad_request("querystring/limit must be <= 100")
    return limit


def listing(
    request: Request,
    items: list[dict[str, Any]],
    cursor_field: str,
    narrow: Callable[[list[dict[str, Any]]], list[dict[str, Any]] | Response] | None = None,
) -> Response:
    """One page of a ``GET`` listing: ``limit`` ≤ 100, ``search`` in the name, ``starting_after``.

    Even the last page with data carries a cursor; the caller stops on an empty page (§2.2).
    """
    limit = limit_of(request)
    if isinstance(limit, Response):
        return limit
    search = request.query_params.get("search")
    if search:
        items = [item for item in items if search.lower() in str(item.get("name", "")).lower()]
    if narrow is not None:
        narrowed = narrow(items)
        if isinstance(narrowed, Response):
            return narrowed
        items = narrowed
    after = request.query_params.get("starting_after")
    if after:
        items = [item for item in items if item[cursor_field] > after]
    return page(items[:limit], cursor_field)
