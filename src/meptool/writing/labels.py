"""Words of the retrospective documents, per language, and Babel-backed formatting filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "fr": {
        "severity": {"critical": "critique", "major": "majeur", "minor": "mineur"},
        "status": {
            "open": "ouvert",
            "acknowledged": "reconnu",
            "mitigated": "contourné",
            "resolved": "résolu",
            "closed": "clos",
        },
        "category": {
            "testing": "tests",
            "code-review": "revue de code",
            "configuration": "configuration",
            "infrastructure": "infrastructure",
            "third-party": "service tiers",
            "requirements": "expression du besoin",
            "process": "processus",
            "other": "autre",
            "unknown": "non renseignée",
        },
        "action_type": {"corrective": "corrective", "preventive": "préventive"},
        "action_status": {"todo": "à faire", "doing": "en cours", "done": "faite"},
        "agreement": {"pending": "en attente", "agreed": "accepté", "refused": "refusé"},
        "span": {
            "detect": "Détection",
            "acknowledge": "Reconnaissance",
            "mitigate": "Contournement",
            "resolve": "Résolution",
        },
        "milestone": {
            "impact_start": "Début de l'impact",
            "detected": "Détection",
            "acknowledged": "Reconnaissance",
            "mitigated": "Contournement",
            "resolved": "Résolution",
        },
        "kind": {
            "note": "note",
            "detection": "détection",
            "status": "statut",
            "acknowledgement": "reconnaissance",
            "root-cause": "cause",
            "plan": "plan",
            "action": "action",
            "update": "point client",
            "feedback": "retour client",
        },
    },
    "en": {
        "severity": {"critical": "critical", "major": "major", "minor": "minor"},
        "status": {
            "open": "open",
            "acknowledged": "acknowledged",
            "mitigated": "mitigated",
            "resolved": "resolved",
            "closed": "closed",
        },
        "category": {
            "testing": "testing",
            "code-review": "code review",
            "configuration": "configuration",
            "infrastructure": "infrastructure",
            "third-party": "third party",
            "requirements": "requirements",
            "process": "process",
            "other": "other",
            "unknown": "not recorded",
        },
        "action_type": {"corrective": "corrective", "preventive": "preventive"},
        "action_status": {"todo": "to do", "doing": "in progress", "done": "done"},
        "agreement": {"pending": "pending", "agreed": "agreed", "refused": "refused"},
        "span": {
            "detect": "Detection",
            "acknowledge": "Acknowledgement",
            "mitigate": "Mitigation",
            "resolve": "Resolution",
        },
        "milestone": {
            "impact_start": "Impact began",
            "detected": "Detected",
            "acknowledged": "Acknowledged",
            "mitigated": "Mitigated",
            "resolved": "Resolved",
        },
        "kind": {
            "note": "note",
            "detection": "detection",
            "status": "status",
            "acknowledgement": "acknowledgement",
            "root-cause": "root cause",
            "plan": "plan",
            "action": "action",
            "update": "client update",
            "feedback": "client feedback",
        },
    },
}

UNITS = {"fr": ("j", "h", "min"), "en": ("d", "h", "min")}


def format_span(delta: dt.timedelta | None, lang: str) -> str:
    """'2 h 05 min', '1 j 3 h' (fr) or '1 d 3 h' (en); '—' when unknown."""
    if delta is None:
        return "—"
    minutes = round(delta.total_seconds() / 60)
    sign = "−" if minutes < 0 else ""
    days, rem = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rem, 60)
    d, h, m = UNITS.get(lang, UNITS["en"])
    if days:
        parts = [f"{days} {d}", f"{hours} {h}" if hours else ""]
    elif hours:
        parts = [f"{hours} {h}", f"{mins:02d} {m}" if mins else ""]
    else:
        parts = [f"{mins} {m}"]
    return sign + " ".join(p for p in parts if p)


def filters(lang: str, tz: dt.tzinfo) -> dict[str, Callable[..., Any]]:
    """The `retro_*` Jinja filters: dates and durations in the document's language and zone."""
    from babel.dates import format_date, format_datetime, format_time

    def when(value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        return str(format_datetime(value, "d MMM y, HH:mm", tzinfo=tz, locale=lang))

    def clock(value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        return str(format_time(value, "HH:mm", tzinfo=tz, locale=lang))

    def day(value: dt.date | None) -> str:
        if value is None:
            return "—"
        return str(format_date(value, "d MMM y", locale=lang))

    def month(value: dt.date) -> str:
        return str(format_date(value, "MMM y", locale=lang))

    def number(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        text = f"{value:.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "fr" else text

    def cell(value: str | None) -> str:
        # Free text inside a Markdown table row: one line, no column separator.
        return " ".join((value or "").split()).replace("|", "\\|")

    return {
        "retro_when": when,
        "retro_clock": clock,
        "retro_day": day,
        "retro_month": month,
        "retro_span": lambda delta: format_span(delta, lang),
        "retro_number": number,
        "retro_cell": cell,
    }
