"""Durations, clocks and time zones (stdlib only)."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_DURATION_DAYS = 3650
_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")


def parse_duration(text: str) -> dt.timedelta:
    """'2h', '30m', '1d', '1h30m' as a timedelta; ValueError when malformed."""
    match = _DURATION.match(text) if len(text) <= 40 else None
    if not text.strip() or not match or not any(match.groups()):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(f"'{shown}' is not a duration; write it like 2h, 30m, 1d or 1h30m")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    total = (days * 24 + hours) * 60 + minutes
    if total <= 0:
        raise ValueError(f"'{text}' must be longer than zero")
    if total > MAX_DURATION_DAYS * 24 * 60:
        raise ValueError(f"'{text}' is longer than {MAX_DURATION_DAYS} days; write a shorter one")
    return dt.timedelta(minutes=total)


def format_duration(delta: dt.timedelta) -> str:
    """A short, exact rendering: '2h', '1d 4h', '45m'."""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return sign + (" ".join(p for p in parts if p) or "0m")


def zone(name: str) -> ZoneInfo:
    """The IANA zone; ValueError with a hint when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: a name that is a folder of the tz database (`Europe`), or unreadable
        raise ValueError(f"'{name}' is not an IANA time zone, e.g. Europe/Paris") from None


def now(tz: dt.tzinfo) -> dt.datetime:
    """The current time in `tz`, to the second.

    `MEPTOOL_NOW` (ISO 8601) freezes the clock for tests, demos and snapshots.
    """
    frozen = os.environ.get("MEPTOOL_NOW")
    if frozen:
        from meptool.errors import UsageError

        try:
            value = dt.datetime.fromisoformat(frozen.strip())
        except ValueError:
            value = None
        if value is None or not 1970 <= value.year <= 2100:
            shown = frozen if len(frozen) <= 40 else frozen[:37] + "..."
            raise UsageError(
                f"MEPTOOL_NOW={shown!r} is not a date and time between 1970 and 2100",
                hint="write it as ISO 8601, e.g. MEPTOOL_NOW=2026-11-20T18:40:00+01:00, "
                "or unset it to use the real clock",
            )
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(tz)
    return dt.datetime.now(tz).replace(microsecond=0)


def iso(value: dt.datetime) -> str:
    """ISO 8601 with offset, to the second."""
    return value.replace(microsecond=0).isoformat()


def floor_quarter(value: dt.datetime) -> dt.datetime:
    """Round down to the quarter of an hour: a promise of 22:45 keeps a 22:49 deadline."""
    value = value.replace(second=0, microsecond=0)
    return value - dt.timedelta(minutes=value.minute % 15)
