"""Times as the API, webhooks, digests and feeds write them: ISO 8601 in UTC, with a Z."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import overload


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
@overload
def iso(moment: datetime | None) -> str | None: ...
def iso(moment: datetime | None) -> str | None:
    """Return an ISO 8601 UTC time with a Z, or None."""
    if moment is None:
        return None
    if moment.tzinfo is not UTC:  # what the database gives is UTC already: lists format hundreds
        moment = moment.astimezone(UTC)
    # isoformat takes half strftime's time, and writes years before 1000 with four digits as it should;
    # in UTC it ends in "+00:00".
    return moment.isoformat(timespec="seconds")[:-6] + "Z"
