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
            f"{flag}: '{_short(text)}' is not a date and time",
            hint="write it as ISO 8601, e.g. 2026-11-20T18:40 or 2026-11-20T18:40:00+01:00",
        ) from None
    _check_year(value, text, flag)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.replace(microsecond=0)


def parse_date(text: str, flag: str) -> dt.date:
    """A YYYY-MM-DD date."""
    try:
        value = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{flag}: '{_short(text)}' is not a date", hint="write it as YYYY-MM-DD"
        ) from None
    _check_year(value, text, flag)
    return value


YEARS = (1970, 2100)


def _check_year(value: dt.date, text: str, flag: str) -> None:
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise UsageError(
            f"{flag}: '{_short(text)}' is outside the years {YEARS[0]}-{YEARS[1]}",
            hint="check the year",
        )


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def env_seconds(name: str, default: float, *, low: float, high: float) -> float:
    """A number of seconds from the environment variable `name`, range-checked."""
    import math
    import os

    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw) if len(raw) <= 40 else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise UsageError(
            f"{name}={_short(raw)!r} is not a number of seconds from {low:g} to {high:g}",
            hint=f"set it to e.g. {name}={default:g}, or unset it",
        )
    return value


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
