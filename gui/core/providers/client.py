"""Pure Python: the part of a provider client that is the same for every provider.

A provider client subclasses :class:`HttpClient`, names its ``spec`` and where its key goes
(``key_header``/``key_scheme`` or ``basic_auth``), and writes only what its API does
differently: the routes, the shapes of the answers, the attribution of rows. Reads wait out
429s and turn every failure into the core error tree in one place, here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from gui.core.campaign_text import CampaignText
from gui.core.cancel import CancelToken, ProgressCallback, check
from gui.core.domain import Lead, Progress
from gui.core.errors import ProviderError
from gui.core.paced_calls import PacedCaller
from gui.core.providers import http
from gui.core.providers.base import Existing, FieldUpdate, LeadChange, ProviderSpec, Removal

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import httpx


class HttpClient:
    """The HTTP client, authenticated reads and closing, shared by the provider clients.

    Attributes:
        spec: The provider this client talks to (each subclass sets its own).
        key_header: The header that carries the key (``X-API-Key``, ``Authorization``...).
        key_scheme: Put before the key in that header (``Bearer``); empty for the bare key.
        basic_auth: True when the key is the password of HTTP Basic auth with an empty login.
        list_backoff: First wait after a transient failure of a long paged read (tests shorten it).
    """

    spec: ClassVar[ProviderSpec]
    key_header: ClassVar[str] = ""
    key_scheme: ClassVar[str] = ""
    basic_auth: ClassVar[bool] = False
    #: First wait after a 5xx or lost answer during a long paged read; it doubles each try.
    list_backoff: ClassVar[float] = 1.0

    def __init__(self, api_key: str, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        value = f"{self.key_scheme} {api_key}" if self.key_scheme else api_key
        self._http = http.make_client(
            self.spec.base_url(),
            headers={self.key_header: value} if self.key_header else None,
            auth=("", api_key) if self.basic_auth else None,
            transport=transport,
        )

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._http.aclose()

    async def campaign_text(self, campaign_id: str) -> CampaignText | None:
        """None: this provider's API publishes no campaign text (``spec.has_campaign_text`` False)."""
        return None

    def _unknown_shape(self, campaign_id: str, what: str) -> ProviderError:
        """The error for a sequence answer we cannot read, naming what was unexpected."""
        return ProviderError(
            self.spec.id,
            f"{self.spec.label} answered campaign {campaign_id}'s emails in a shape we do not know ({what}).",
        )

    async def pull_do_not_contact(
        self, progress: ProgressCallback | None, cancel: CancelToken | None
    ) -> tuple[str, ...] | None:
        """None: this provider publishes no do-not-contact list (the app's own list is the guard)."""
        return None

    async def push_do_not_contact(self, values: Sequence[str]) -> int:
        """Refuse: this provider publishes no do-not-contact list (``spec.dnc_push_batch == 0``)."""
        raise ProviderError(self.spec.id, f"{self.spec.label} has no do-not-contact list to add to.")

    async def _push_values(self, path: str, key: str, values: Sequence[str]) -> int:
        """POST distinct non-empty values as ``{key: [...]}``, ``spec.dnc_push_batch`` at a time.

        Any answer other than 2xx raises (see :func:`http.raise_for_read`): the caller keeps
        what it pushed so far by the count of the requests that did succeed.
        """
        unique = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        size = self.spec.dnc_push_batch
        accepted = 0
        for start in range(0, len(unique), size):
            chunk = unique[start : start + size]
            response = await self._request("POST", path, json={key: chunk}, timeout=http.BULK_WRITE_TIMEOUT)
            self._screen(response)
            http.raise_for_read(self.spec.id, self.spec.label, response)
            accepted += self._accepted(http.json_or_none(response), len(chunk))
        return accepted

    def _accepted(self, data: Any, sent: int) -> int:
        """How many values of a push the provider took: all of them unless its answer counts."""
        return sent

    @staticmethod
    def _pulled(progress: ProgressCallback | None, cancel: CancelToken | None, done: int) -> None:
        """Report a pull's progress and stop between pages when cancelled."""
        if progress is not None:
            progress(Progress(done=done, message=f"{done:,} do-not-contact entries read"))
        check(cancel)

    async def remove(self, destination: str, provider_ids: Sequence[str]) -> tuple[Removal, ...]:
        """Refuse: this provider publishes no way to delete leads (``spec.remove_batch_size == 0``)."""
        raise ProviderError(
            self.spec.id,
            f"{self.spec.label} has no API to remove leads: remove them in {self.spec.label}'s web app.",
        )

    def _no_update(self) -> ProviderError:
        return ProviderError(self.spec.id, update_refusal(self.spec))

    async def find_existing(self, destination: str, lead: Lead) -> Existing | None:
        """Refuse: this provider publishes no way to change a lead (``spec.update_fields`` empty)."""
        raise self._no_update()

    async def update_lead(self, destination: str, change: LeadChange) -> FieldUpdate:
        """Refuse: this provider publishes no way to change a lead (``spec.update_fields`` empty)."""
        raise self._no_update()

    def _removals(self, response: httpx.Response, ids: Sequence[str]) -> tuple[Removal, ...] | None:
        """The outcome of a delete answered other than 2xx: 404 already gone, other 4xx failed.

        Run-level answers (401, 403, 429, 5xx) raise as for any write. None for a 2xx, whose
        body the provider's client reads itself.
        """
        self._screen(response)
        if response.status_code == 404:
            reason = f"{self.spec.label} no longer had it (404)"
            return tuple(Removal(i, "already_gone", reason) for i in ids)
        http.raise_for_run(self.spec.id, self.spec.label, response)
        if response.status_code >= 400:
            reason = f"{self.spec.label} refused ({response.status_code}): {http.body_text(response)}"
            return tuple(Removal(i, "failed", reason) for i in ids)
        return None

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request, network failures already turned into :class:`TransientError`."""
        return await http.request(self._http, self.spec.id, method, path, **kwargs)

    def _screen(self, response: httpx.Response) -> None:
        """Raise for answers only this provider words its own way; called before the shared checks."""

    def _list_pace(self, cancel: CancelToken | None) -> PacedCaller:
        """The pace of a long paged read (a do-not-contact pull of thousands of pages).

        Waiting out each 429 (:func:`http.patiently`) is right for a picker's few pages, but a
        pull that bursts into the window and then sleeps a whole ``Retry-After`` each time runs
        well under the limit; spacing the pages on the provider's documented grid, as uploads
        are, keeps it at the limit with hardly a 429.
        """
        return PacedCaller(self.spec.rate, cancel=cancel, backoff_base=self.list_backoff)

    async def _read(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: object = None,
        paced: PacedCaller | None = None,
    ) -> Any:
        """The JSON of a read, 429s waited out (or paced by ``paced``); any failure raises.

        See :func:`http.raise_for_read` for which answers raise what.
        """

        async def once() -> Any:
            response = await self._request(method, path, params=params, json=body)
            self._screen(response)
            http.raise_for_read(self.spec.id, self.spec.label, response)
            return http.json_of(self.spec.id, self.spec.label, response)

        return await (paced.call(once) if paced is not None else http.patiently(once))

    async def _get(
        self, path: str, params: Mapping[str, str | int] | None = None, *, paced: PacedCaller | None = None
    ) -> Any:
        """A GET through :meth:`_read`."""
        return await self._read("GET", path, params=params, paced=paced)


def update_refusal(spec: ProviderSpec) -> str:
    """Why leads already in ``spec``'s provider cannot be updated, in words; "" when they can."""
    if spec.update_fields:
        return ""
    return (
        f"{spec.label} offers no way to update a lead that is already there through its API: "
        f"rows it already has stay 'duplicate'; change them in {spec.label}'s own app."
    )
