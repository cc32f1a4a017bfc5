"""What `call prepare` and `call record` share: their flags, parsed and checked, and the call
they are about."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import re
from pathlib import Path

from meptool.errors import NotFoundError, UsageError
from meptool.files.workspace import Workspace
from meptool.model.enums import Language
from meptool.model.incident import Call, Incident

FORMATS = ("md", "html", "ics", "eml")
DEFAULT_FORMATS = ("md", "html", "ics")
CALLS = "calls"
DEFAULT_DURATION = 30
_DURATION = re.compile(r"^(?:(?P<h>\d{1,2})\s*h)?\s*(?:(?P<m>\d{1,3})\s*(?:m|min|mn)?)?$")
_CLOCK = re.compile(r"^(?:(?P<day>tomorrow|demain)\s+)?(?P<h>\d{1,2})[:h](?P<m>\d{2})$")


# --- parsing the flags ---------------------------------------------------------------


def parse_formats(value: str | None) -> list[str]:
    """`md,html,ics,eml` as a checked list (default md,html,ics)."""
    from meptool.updates.drafts import parse_formats as checked

    wanted = checked(value, FORMATS, DEFAULT_FORMATS, "md,ics,eml")
    if "eml" in wanted and "ics" not in wanted:
        wanted.append("ics")  # the mail carries the invitation: it is kept beside it
    return wanted


def parse_duration(value: str | None) -> int:
    """`30m`, `45`, `1h`, `1h30` as minutes (5 to 480)."""
    if value is None:
        return DEFAULT_DURATION
    match = _DURATION.match(value.strip().lower())
    if not value.strip() or not match or not (match.group("h") or match.group("m")):
        raise UsageError(
            f"--duration {value}: not a duration", hint="write it as 30m, 45, 1h or 1h30"
        )
    minutes = int(match.group("h") or 0) * 60 + int(match.group("m") or 0)
    if not 5 <= minutes <= 480:
        raise UsageError(
            f"--duration {value}: {minutes} minutes is not between 5 minutes and 8 hours"
        )
    return minutes


def parse_time(value: str, ws: Workspace, flag: str = "--at") -> dt.datetime:
    """ISO 8601, `HH:MM` (the next such time) or `tomorrow HH:MM`, in the workspace zone."""
    text = value.strip()
    now = ws.now()
    clock = _CLOCK.match(text.lower())
    if clock:
        try:
            moment = now.replace(
                hour=int(clock.group("h")), minute=int(clock.group("m")), second=0, microsecond=0
            )
        except ValueError:
            raise UsageError(f"{flag} {value}: not a time of day") from None
        if clock.group("day"):
            return (moment + dt.timedelta(days=1)).replace(tzinfo=ws.tz)
        return moment if moment > now else moment + dt.timedelta(days=1)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{flag} {value}: not a date and time",
            hint=f"write e.g. {flag} '2026-11-23 10:00', {flag} 10:00 or {flag} 'tomorrow 9:30'",
        ) from None
    if len(text) <= 10:
        raise UsageError(f"{flag} {value}: no time of day", hint=f"e.g. {flag} '{text} 10:00'")
    return (moment if moment.tzinfo else moment.replace(tzinfo=ws.tz)).replace(microsecond=0)


def default_time(ws: Workspace) -> dt.datetime:
    """The next quarter hour at least an hour from now."""
    moment = (ws.now() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    return moment + dt.timedelta(minutes=(-moment.minute) % 15)


def resolve_contacts(incident: Incident, names: list[str], flag: str = "--with") -> list[str]:
    """Contact names as the incident spells them; an unknown one is a usage error (did you mean)."""
    contacts = [c.name for c in (incident.client.contacts if incident.client else [])]
    by_fold = {n.casefold(): n for n in contacts}
    out: list[str] = []
    for name in names:
        wanted = " ".join(name.split())
        found = by_fold.get(wanted.casefold())
        if found is None:
            close = difflib.get_close_matches(wanted.casefold(), list(by_fold), n=1, cutoff=0.6)
            known = ", ".join(contacts) or "none yet"
            hint = (
                f"did you mean '{by_fold[close[0]]}'? The contacts: {known}"
                if close
                else f"the contacts of {incident.id}: {known}; add one under client.contacts"
            )
            raise UsageError(f"{flag} {name}: not a client contact of {incident.id}", hint=hint)
        if found not in out:
            out.append(found)
    return out


def all_contacts(incident: Incident) -> list[str]:
    """Every client contact's name."""
    return [c.name for c in (incident.client.contacts if incident.client else [])]


def language_of(ws: Workspace, incident: Incident, language: Language | None) -> str:
    return (language or incident.language or ws.config.language).value


def pick_call(incident: Incident, seq: int) -> tuple[int, Call]:
    for i, call in enumerate(incident.calls):
        if call.seq == seq:
            return i, call
    known = ", ".join(str(c.seq) for c in incident.calls) or "none yet"
    raise NotFoundError(
        f"{incident.id} has no call {seq}",
        hint=f"its calls: {known}; prepare one with: meptool call prepare {incident.id}",
    )


def say(incident: Incident, fr: str, en: str) -> str:
    lang = incident.language.value if incident.language else "fr"
    return fr if lang == "fr" else en


def write_files(
    ws: Workspace, contents: dict[str, tuple[Path, bytes]], before: dict[Path, bytes | None]
) -> list[Path]:
    """Write the files (inside the workspace), keeping in `before` what each held."""
    from meptool.files import store
    from meptool.files.outputs import own_path

    paths = [own_path(ws.root, p, ws.display(p)) for p, _ in contents.values()]
    for (_, data), path in zip(contents.values(), paths, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        before[path] = path.read_bytes() if path.is_file() else None
        store.atomic_write(path, data)
    return paths


def put_back(before: dict[Path, bytes | None]) -> None:
    """Undo `write_files` after a failure: nothing half-written stays."""
    from meptool.files import store

    for path, old in before.items():
        with contextlib.suppress(OSError):
            if old is None:
                path.unlink()
            else:
                store.atomic_write(path, old)
