"""Values typed on the command line: times, dates, choices (usage errors name the flag)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TypeVar

from meptool.errors import UsageError

E = TypeVar("E", bound=Enum)


def parse_time(text: str, tz: dt.tzinfo, flag: str) -> dt.datetime:
    """ISO 8601 date and time; a naive one is in the workspace time zone."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{flag}: '{text}' is not a date and time",
            hint="write it as ISO 8601, e.g. 2026-11-20T18:40 or 2026-11-20T18:40:00+01:00",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.replace(microsecond=0)


def parse_date(text: str, flag: str) -> dt.date:
    """A YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{flag}: '{text}' is not a date", hint="write it as YYYY-MM-DD") from None


def choices(values: list[str], enum: type[E], flag: str) -> set[E]:
    """Values of a closed list, or a usage error listing the allowed ones."""
    allowed = [str(m.value) for m in enum]
    out: set[E] = set()
    for value in values:
        try:
            out.add(enum(value))
        except ValueError:
            raise UsageError(f"{flag}: '{value}' is not one of: {', '.join(allowed)}") from None
    return out
