"""What the portfolio needs of one incident, as plain data the cache can keep.

Computed once when a file is parsed (`meptool.incident.reading.derive`) and kept
in the cache, so that `retro report --all` over unchanged files needs neither
YAML nor Pydantic (this module imports the model only when `facts` is called on
one); folded across incidents by `meptool.reports.portfolio`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from meptool.model.enums import ActionStatus, Status

if TYPE_CHECKING:
    from meptool.model.incident import Incident

UNOWNED = "—"

Facts = dict[str, Any]


def us(value: dt.timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


_FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)  # any `now`: only gaps that are over are kept


def facts(inc: Incident) -> Facts:
    """What the portfolio needs of one incident, as JSON-ready data independent of `now`.

    The cache keeps it per file, so that a portfolio over unchanged files needs
    neither YAML nor Pydantic. Durations are whole microseconds and times ISO 8601
    text with their offset, so a JSON round trip gives back exactly the same values;
    what depends on the clock or the configuration (running spans, the last wait
    of an unresolved incident, overdue actions, the promised cadence) is kept as
    its inputs and computed by `aggregate`.
    """
    from meptool.incident import timing as retro  # the model with it: not for cached facts

    m = retro.milestones(inc)
    opened = inc.detected_at or inc.opened_at
    ack = us(retro.elapsed(m.detected, m.acknowledged)) if m.detected and m.acknowledged else None
    res = us(retro.elapsed(m.detected, m.resolved)) if m.detected and m.resolved else None
    gaps: list[int] = []
    waiting: str | None = None
    for gap in retro.update_gaps(inc, dt.timedelta(0), _FAR):
        if gap.running:
            waiting = gap.start.isoformat()
        else:
            gaps.append(us(gap.value))
    rc = inc.root_cause
    return {
        "client": inc.client.name if inc.client and inc.client.name else None,
        "opened": opened.isoformat() if opened else None,
        "severity": inc.severity.value,
        "resolved": retro.reached(inc, Status.RESOLVED),
        "ack": ack,
        "res": res,
        "category": rc.category.value if rc and rc.category else "unknown",
        "escape": rc.escape if rc and rc.escape else None,
        "actions": [
            [a.owner or UNOWNED, a.due.isoformat() if a.due else None]
            for a in inc.corrective_plan
            if a.status is not ActionStatus.DONE
        ],
        "gaps": gaps,
        "waiting": waiting,
        "feedback": [[fb.at.isoformat(), fb.csat] for fb in inc.feedback],
        "expectations": [e.status.value for e in inc.expectations],
        # The files logged in `communications` (what an --output may never overwrite).
        "logged": [name for comm in inc.communications for name in comm.files],
    }
