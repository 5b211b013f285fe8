"""Pure Python: the HTTP plumbing every provider client shares.

Errors are turned into the core error tree here, once, so the engine can act on a class
(fatal, rate-limited, transient) instead of on status codes, and so no message is ever
built from request headers (where the key lives).

httpx is imported where a request is made, not at module level: the app lists the provider
specs (and so imports every provider module) before its first window, and httpx costs a
quarter of a second there. This module is the one place that decision lives.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from gui import __version__
from gui.core.errors import (
    AuthError,
    ForbiddenError,
    NotFoundError,
    PlanError,
    ProviderError,
    RateLimited,
    TransientError,
)

if TYPE_CHECKING:
    import httpx

_log = logging.getLogger(__name__)

#: Says who calls, so a provider's support can find our traffic in their logs.
USER_AGENT = f"LeadLoader/{__version__} (desktop lead uploader; python-httpx)"

#: Connect fast or fail (10 s: a provider that takes longer to accept a connection is down for us);
#: 30 s for an answer, which covers a one-lead write and a page of a listing. The pool wait is
#: short because we never keep more requests in flight than connections.
#: (connect, read, write, pool) seconds, the tuple form httpx accepts wherever it takes a timeout.
TIMEOUT = (10.0, 30.0, 30.0, 10.0)

#: A bulk write (1000 Instantly leads, 100 SendPilot leads) is validated and deduplicated on the
#: provider's side before it answers: give it twice the read time. A timeout here makes the
#: batch's fate unknown, so the engine replays it in the provider's deduplicating form.
BULK_WRITE_TIMEOUT = (10.0, 60.0, 60.0, 10.0)

#: How much of an error body reaches a message: enough for the provider's reason, no dumps.
_BODY_CHARS = 300


def make_client(
    base_url: str,
    headers: Mapping[str, str] | None = None,
    auth: httpx.Auth | tuple[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An AsyncClient with our User-Agent, timeouts and pool sized for a few requests in flight."""
    import httpx

    return httpx.AsyncClient(
        base_url=base_url,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        auth=auth,
        timeout=TIMEOUT,
        transport=transport,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
        follow_redirects=False,
    )


async def request(
    client: httpx.AsyncClient, provider: str, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """Send a request; network failures become :class:`TransientError`.

    The message holds the exception's class name only: httpx texts can carry the URL with
    its query, and some providers accept the key as a query parameter.
    """
    import httpx

    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        _log.info("%s %s %s: timeout (%s)", provider, method, _path(url), type(exc).__name__)
        raise TransientError(provider, f"{provider} did not answer in time ({type(exc).__name__}).") from None
    except httpx.ConnectError as exc:
        _log.info("%s %s %s: cannot connect (%s)", provider, method, _path(url), type(exc).__name__)
        raise TransientError(provider, f"Could not reach {provider} ({type(exc).__name__}).") from None
    except httpx.RequestError as exc:
        _log.info("%s %s %s: no answer (%s)", provider, method, _path(url), type(exc).__name__)
        raise TransientError(
            provider, f"The connection to {provider} broke before it answered ({type(exc).__name__})."
        ) from None
    _log.debug("%s %s %s: %d", provider, method, _path(url), response.status_code)
    return response


_T = TypeVar("_T")

#: A read may be repeated safely, so a 429 on one is waited out here instead of reaching the user:
#: a campaign picker refreshed right after an upload meets the key's window still full.
READ_RETRIES = 5
#: The longest single wait for a read, whatever Retry-After says: a picker must not hang for minutes.
MAX_READ_WAIT = 10.0


async def patiently(fetch: Callable[[], Awaitable[_T]]) -> _T:
    """Run a read, waiting out 429s (Retry-After, else 1, 2, 4... s) up to :data:`READ_RETRIES` times.

    Only for reads: a write's retry policy belongs to the engine, which knows about replays.
    A long paginated read that calls this per page resumes at its page instead of restarting.
    """
    for attempt in range(READ_RETRIES):
        try:
            return await fetch()
        except RateLimited as exc:
            if attempt == READ_RETRIES - 1:
                raise
            wait = exc.retry_after if exc.retry_after is not None else 2.0**attempt
            await asyncio.sleep(min(MAX_READ_WAIT, wait))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _path(url: str) -> str:
    """The path of a request URL without its query (where a key could hide)."""
    return url.split("?", 1)[0]


def json_of(provider: str, label: str, response: httpx.Response) -> Any:
    """The JSON of a successful answer; an unreadable one is transient (its fate is unknown).

    A 2xx whose body is not JSON happens behind proxies and load balancers that answer for the
    provider; for a write we cannot tell whether it was applied, so the engine must replay it.
    """
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        raise TransientError(
            provider,
            f"{label} answered {response.status_code} with a body that is not JSON.",
            response.status_code,
        ) from None


def _secrets(response: httpx.Response) -> list[str]:
    """The credentials the request carried, so a body that echoes one can be scrubbed."""
    try:
        headers = response.request.headers
    except RuntimeError:  # a Response built without a request (tests)
        return []
    found: list[str] = []
    for name in ("x-api-key", "authorization"):
        value = headers.get(name, "")
        if not value:
            continue
        found.append(value)
        scheme, _, token = value.partition(" ")
        if token:
            found.append(token)
            if scheme.lower() == "basic":
                with contextlib.suppress(ValueError):
                    found.append(base64.b64decode(token).decode("utf-8", "replace").partition(":")[2])
    return sorted({f for f in found if len(f) >= 4}, key=len, reverse=True)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret replaced by ``***``."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def body_text(response: httpx.Response) -> str:
    """The provider's reason from a body: a JSON ``message``/``error`` or the plain text.

    Any credential the request carried is scrubbed out: a provider that echoes the key it
    rejected must not put it into our messages, logs or reports.
    """
    return redact(_reason(response), _secrets(response))


def _reason(response: httpx.Response) -> str:
    text = response.text.strip()
    try:
        data = response.json()
    except ValueError:
        return text[:_BODY_CHARS]
    if isinstance(data, dict):
        for key in ("message", "error", "reason"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value[:_BODY_CHARS]
            if isinstance(value, list) and value:
                return "; ".join(str(v) for v in value)[:_BODY_CHARS]
    return text[:_BODY_CHARS]


def json_or_none(response: httpx.Response) -> Any:
    """The JSON of an answer whose status already says what happened; None when unreadable."""
    try:
        return response.json() if response.content else None
    except ValueError:
        return None


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (delta or HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_to_datetime(value) if "," in value else None
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def remaining(response: httpx.Response) -> int | None:
    """``X-RateLimit-Remaining`` as an int when the provider sends it."""
    value = response.headers.get("X-RateLimit-Remaining")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def raise_for_run(provider: str, label: str, response: httpx.Response) -> None:
    """Raise the run-level error an answer means; return quietly for 2xx and row-level 4xx.

    Row-level answers (400, 409...) are left to the client, which knows which row they
    belong to. Everything here concerns the key, the plan, the pace or the server.
    """
    status = response.status_code
    if status < 400:
        return
    reason = body_text(response)
    if status == 401:
        raise AuthError(provider, f"{label} rejected the API key (401): {reason or 'unauthorized'}.", status)
    if status == 402:
        raise PlanError(
            provider, f"{label} says the workspace has no active paid plan (402): {reason}.", status
        )
    if status == 403:
        raise ForbiddenError(provider, f"{label} refused access (403): {reason or 'forbidden'}.", status)
    if status == 429:
        raise RateLimited(provider, f"{label} asked us to slow down (429).", retry_after(response))
    if status >= 500:
        raise TransientError(provider, f"{label} had a server error ({status}): {reason}", status)


def raise_for_read(provider: str, label: str, response: httpx.Response) -> None:
    """Like :func:`raise_for_run`, and any other 4xx on a read is an error too."""
    raise_for_run(provider, label, response)
    if response.status_code == 404:
        raise NotFoundError(provider, f"{label}: not found (404): {body_text(response)}", 404)
    if response.status_code >= 400:
        raise ProviderError(
            provider, f"{label} answered {response.status_code}: {body_text(response)}", response.status_code
        )
