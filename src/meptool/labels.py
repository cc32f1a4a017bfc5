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
        "state": {
            "open": "en cours",
            "acknowledged": "pris en charge",
            "mitigated": "service rétabli, correction en cours",
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
        "state": {
            "open": "ongoing",
            "acknowledged": "being handled",
            "mitigated": "service restored, fix in progress",
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

# Timeline entries meptool writes itself, told as sentences (SPEC.md 4a): kind, then status.
SENTENCES: dict[str, dict[str, str]] = {
    "fr": {
        "detection": "Le problème a été détecté.",
        "acknowledgement": "Nous avons reconnu notre erreur auprès de vous.",
        "status:open": "L'incident a été rouvert.",
        "status:acknowledged": "Nous avons reconnu notre erreur auprès de vous.",
        "status:mitigated": "Le service a été rétabli par une solution de contournement.",
        "status:resolved": "L'incident a été résolu : la correction définitive est en production.",
        "status:closed": "L'incident a été clos.",
        "root-cause": "Nous avons identifié la cause du problème.",
        "plan": "Nous avons complété le plan d'actions.",
        "action": "Une action du plan a avancé.",
        "note": "",
    },
    "en": {
        "detection": "The problem was detected.",
        "acknowledgement": "We acknowledged our error to you.",
        "status:open": "The incident was reopened.",
        "status:acknowledged": "We acknowledged our error to you.",
        "status:mitigated": "Service was restored with a workaround.",
        "status:resolved": "The incident was resolved: the permanent fix is in production.",
        "status:closed": "The incident was closed.",
        "root-cause": "We identified the cause of the problem.",
        "plan": "We added to the action plan.",
        "action": "An action of the plan moved forward.",
        "note": "",
    },
}


def entry_sentence(kind: str, status: str | None, lang: str, action: str | None = None) -> str:
    """The sentence that tells a client an entry meptool wrote (a status change, …)."""
    words = SENTENCES.get(lang, SENTENCES["en"])
    if kind == "status" and status:
        return words.get(f"status:{status}", "")
    return words.get(kind, "")


def plural(count: float, one: str, other: str, lang: str) -> str:
    """The word for `count` by the language's plural rules (CLDR, through Babel)."""
    from babel import Locale

    form = Locale.parse("fr_FR" if lang == "fr" else "en_GB").plural_form(count)
    return one if form == "one" else other


def count(n: float, one: str, other: str, lang: str) -> str:
    """'1 action', '3 actions', '1,5 jour' — the number and its word."""
    if lang == "en" and float(n).is_integer() and abs(n) < 1000:
        # CLDR's English rule for whole numbers, without importing Babel (CLI messages).
        return f"{int(n)} {one if int(n) == 1 else other}"
    from babel.numbers import format_decimal

    locale = "fr_FR" if lang == "fr" else "en_GB"
    return f"{format_decimal(n, format='#,##0.##', locale=locale)} {plural(n, one, other, lang)}"


def every(delta: dt.timedelta, lang: str) -> str:
    """'toutes les 2 h', 'chaque heure', 'chaque jour' / 'every 2 hours', 'every day'."""
    minutes = round(delta.total_seconds() / 60)
    if lang == "fr":
        if minutes == 60:
            return "chaque heure"
        if minutes == 24 * 60:
            return "chaque jour"
        return f"toutes les {format_span(delta, lang)}"
    if minutes == 60:
        return "every hour"
    if minutes == 24 * 60:
        return "every day"
    if minutes % (24 * 60) == 0:
        return f"every {minutes // (24 * 60)} days"
    if minutes % 60 == 0:
        return f"every {minutes // 60} hours"
    return f"every {format_span(delta, lang)}"


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


def premier(text: str) -> str:
    """French writes the first day of a month '1er': '1er déc. 2026', 'mardi 1er décembre'."""
    import re

    return re.sub(r"(?<![\d,.])1(?= [^\d\s])", "1er", text, count=1)


def filters(lang: str, tz: dt.tzinfo) -> dict[str, Callable[..., Any]]:
    """The `retro_*` Jinja filters: dates and durations in the document's language and zone."""
    from babel.dates import format_date, format_datetime, format_time

    def when(value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        pattern = "d MMM y 'à' H 'h' mm" if lang == "fr" else "d MMM y, HH:mm"
        text = str(format_datetime(value, pattern, tzinfo=tz, locale=lang))
        return premier(text) if lang == "fr" and value.astimezone(tz).day == 1 else text

    def clock(value: dt.datetime | None) -> str:
        if value is None:
            return "—"
        pattern = "H 'h' mm" if lang == "fr" else "HH:mm"
        return str(format_time(value, pattern, tzinfo=tz, locale=lang))

    def day(value: dt.date | None) -> str:
        if value is None:
            return "—"
        text = str(format_date(value, "d MMM y", locale=lang))
        return premier(text) if lang == "fr" and value.day == 1 else text

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
        "retro_every": lambda delta: every(delta, lang),
        "retro_count": lambda n, one, other: count(n, one, other, lang),
    }
