"""Client satisfaction: record a CSAT score on an incident."""

from __future__ import annotations

import datetime as dt
from typing import Any

from meptool.errors import UsageError
from meptool.files import store
from meptool.files.workspace import Workspace
from meptool.model.enums import EntryKind, Visibility

CSAT_RANGE = range(1, 6)


def check_csat(value: int) -> int:
    """A CSAT score from 1 to 5, or a usage error naming --csat."""
    if value not in CSAT_RANGE:
        raise UsageError(
            f"--csat: {value} is not a score from 1 to 5",
            hint="1 = very dissatisfied … 5 = very satisfied",
        )
    return value


def record(
    ws: Workspace,
    incident_id: str,
    *,
    csat: int,
    comment: str | None = None,
    by: str | None = None,
    at: dt.datetime | None = None,
    expected: store.Snapshot | None = None,
) -> dict[str, Any]:
    """Append the score to `feedback` and note it on the timeline (internal); the new item."""
    check_csat(csat)
    at = at or ws.now()
    item: dict[str, Any] = {"at": at, "csat": csat}
    if by:
        item["by"] = by
    if comment:
        item["comment"] = comment
    with store.edit(ws, incident_id, expected=expected) as ed:
        ed.append("feedback", item=item)
        lang = (ed.incident.language or ws.config.language).value
        who = f" ({by})" if by else ""
        text = (
            f"Retour du client{who} : satisfaction {csat}/5"
            if lang == "fr"
            else f"Client feedback{who}: satisfaction {csat}/5"
        )
        ed.entry(text, kind=EntryKind.FEEDBACK, visibility=Visibility.INTERNAL.value, at=at)
    return item
