"""Digests: when an endpoint's next digest is due, how a schedule reads, and a digest's text.

Pure: times in and out are timezone-aware datetimes; the schedule is a frozen dataclass.
"""

from __future__ import annotations

import functools
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tracker.domain.vocabulary import DigestType

MODES = ("each", "daily", "weekly")  # "each": one message per event, as before digests
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # date.weekday()
DEFAULT_HOUR = 8
DEFAULT_TIMEZONE = "UTC"
TITLE = "Article revision tracker"
DIGEST: DigestType = "digest"  # the event type of a digest


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a digest goes out: every day, or every week on `weekday` (0 = Monday), at `hour`:00
    wall-clock time in `timezone` (an IANA name)."""

    every: str  # daily | weekly
    hour: int
    weekday: int | None
    timezone: str


@functools.cache
def time_zones() -> frozenset[str]:
    """Return the IANA names zoneinfo knows (the system's data, else the tzdata package)."""
    # "localtime" names whatever zone the server runs in: not a place a user means.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


def is_time_zone(name: str) -> bool:
    return name in time_zones()


def next_digest(schedule: Schedule, after: datetime) -> datetime:
    """Return the first digest moment strictly after `after`, in UTC.

    One moment per local day (or week), whatever daylight saving does: an hour the clocks skip
    (02:30 when they jump from 02:00 to 03:00) goes out when the clocks jump, an hour that happens
    twice goes out the first time.
    """
    zone = zoneinfo.ZoneInfo(schedule.timezone)
    first_day = after.astimezone(zone).date()
    for offset in range(9):  # a week and a day covers any weekday after any moment
        day = first_day + timedelta(days=offset)
        if schedule.weekday is not None and day.weekday() != schedule.weekday:
            continue
        moment = local_moment(day, schedule.hour, zone)
        if moment > after:
            return moment
    raise AssertionError("no digest moment within nine days")  # unreachable: every week has the weekday


def local_moment(day: date, hour: int, zone: zoneinfo.ZoneInfo) -> datetime:
    """Return hour:00 of the local day as a UTC moment. fold=0 picks the earlier offset: an
    ambiguous hour is its first occurrence, a skipped one lands just after the jump."""
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)


def describe(schedule: Schedule) -> str:
    """Return the schedule in words, e.g. 'daily digest at 08:00 Europe/Berlin'."""
    when = f"at {schedule.hour:02d}:00 {schedule.timezone}"
    if schedule.weekday is None:
        return f"daily digest {when}"
    return f"weekly digest on {WEEKDAYS[schedule.weekday].capitalize()}s {when}"


def local_time(moment: datetime, timezone: str) -> str:
    """Return the moment as wall-clock time in the zone, e.g. 'Fri 6 Mar 2026, 08:00 CET'."""
    local = moment.astimezone(zoneinfo.ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def message(lines: list[str], *, start: datetime, end: datetime, timezone: str) -> tuple[str, str]:
    """Return the title and plain-text body of a digest for a chat or mail channel: one line per event."""
    count = f"{len(lines)} change{'' if len(lines) == 1 else 's'}"
    title = f"{TITLE}: {count} since {local_time(start, timezone)}"
    heading = f"{count} from {local_time(start, timezone)} to {local_time(end, timezone)}:"
    return title, "\n".join([heading, "", *(f"- {line}" for line in lines)])


def channel_message(event_type: str, summary: str) -> tuple[str, str]:
    """Return the title and body a channel gets for an event: a digest's summary holds its title on
    the first line; any other event's summary is its whole text."""
    if event_type != DIGEST:
        return f"{TITLE}: {event_type}", summary
    title, _, body = summary.partition("\n")
    return title, body
