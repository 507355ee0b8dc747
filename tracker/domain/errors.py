"""The one exception tree of the tracker. Errors carry a short code and a message a person can act on.

Domain errors carry no HTTP status: tracker/web/errors.py maps them. A CheckError never reaches a
user as an HTTP error: the check records it as its outcome.
"""

from __future__ import annotations


class TrackerError(Exception):
    """Root of every error the tracker raises on purpose."""

    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the keyword fields when errors cross into or out of a process pool.
        return (rebuild_error, (type(self), self.message, dict(vars(self))))


class InvalidInput(TrackerError):
    """Something a caller sent cannot be used (bad URL, bad field)."""

    default_code = "invalid_input"


class NotFound(TrackerError):
    """The thing asked for does not exist (or the caller may not know it does)."""

    default_code = "not_found"


class Conflict(TrackerError):
    """The request clashes with what is stored (a name already taken)."""

    default_code = "conflict"


class AuthRequired(TrackerError):
    """The request needs a signed-in user or a valid token."""

    default_code = "auth_required"


class Forbidden(TrackerError):
    """The caller is known but may not do this."""

    default_code = "forbidden"


class CheckError(TrackerError):
    """A check of an article failed; recorded as the check's outcome, never raised to users."""

    default_code = "check_failed"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        final_url: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.http_status = http_status
        self.retry_after = retry_after
        self.final_url = final_url  # where redirects led, when the page that failed is known


class FetchError(CheckError):
    """Fetching the page failed: network, address guard, HTTP status, size or content type."""

    default_code = "fetch_failed"


class ExtractError(CheckError):
    """The page was fetched but holds no article text."""

    default_code = "no_article"


def rebuild_error(kind: type[TrackerError], message: str, fields: dict[str, object]) -> TrackerError:
    """Return an error unpickled from another process, with all its fields."""
    error = kind.__new__(kind)
    Exception.__init__(error, message)
    vars(error).update(fields)
    return error
