"""Pure Python: the one error tree of LeadLoader.

Every message is written for a sales-ops person and names the file, row or column when it
can. No message ever holds an API key: provider errors are built from status codes and
response bodies, never from request headers.
"""

from __future__ import annotations

from pathlib import Path


class LeadLoaderError(Exception):
    """Base of every error the app reports to the user in words."""


class Cancelled(LeadLoaderError):  # noqa: N818 - a state, not a failure: "Cancelled" reads right
    """The user cancelled; not a failure, so callers usually stop quietly."""

    def __init__(self, message: str = "Cancelled by the user.") -> None:
        super().__init__(message)


class SheetError(LeadLoaderError):
    """A file could not be read as a sheet of leads.

    Attributes:
        path: The file, so the message can name it.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path.name}: {problem}")


class MappingError(LeadLoaderError):
    """A column mapping cannot be used (unknown column or field, a preset that does not fit)."""


class CredentialError(LeadLoaderError):
    """An account could not be stored, found or removed."""


class KeyringUnavailable(CredentialError):  # noqa: N818 - named for the state the user is in
    """No OS keyring is usable here; the app offers a session-only key instead of a file."""


class ProviderError(LeadLoaderError):
    """A provider answered something other than success, or could not be reached.

    Attributes:
        provider: The provider id (``lemlist``...).
        status: The HTTP status, 0 when there was no answer.
    """

    def __init__(self, provider: str, message: str, status: int = 0) -> None:
        self.provider = provider
        self.status = status
        super().__init__(message)


class FatalProviderError(ProviderError):
    """An answer that stops the whole run: the key, the plan or the account is the problem."""


class AuthError(FatalProviderError):
    """401: the key is wrong, revoked or missing."""


class PlanError(FatalProviderError):
    """402: the workspace has no active paid plan."""


class ForbiddenError(FatalProviderError):
    """403: the key may not do this, or its user is blocked."""


class NotFoundError(ProviderError):
    """404: the campaign or list does not exist (any more) for this key."""


class RateLimited(ProviderError):  # noqa: N818 - the provider's own word
    """429: wait, then try again.

    Attributes:
        retry_after: Seconds the provider asked for, None when it did not say.
    """

    def __init__(self, provider: str, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(provider, message, 429)


class TransientError(ProviderError):
    """5xx, a dropped connection or a timeout: worth retrying, possibly ambiguous for writes."""
