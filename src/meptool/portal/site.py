"""The portal's pages, rendered through the one Jinja environment (`meptool.writing.templating`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from meptool.portal import wording
from meptool.portal.visible import View

if TYPE_CHECKING:
    from jinja2 import Environment

    from meptool.files.workspace import Workspace


def _moment(value: Any) -> Any:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def filters(lang: str, tz: dt.tzinfo) -> dict[str, Callable[..., Any]]:
    """`portal_*` filters: times as people say them, in the client's language and zone.

    Babel's names of months and day periods are read once: thousands of pages
    format tens of thousands of times, and Babel's pattern formatting is the
    slow part of that.
    """
    from babel import Locale

    locale = Locale.parse(lang)
    months = dict(locale.months["format"]["wide"])
    periods = dict(locale.day_periods["format"]["abbreviated"])

    def day(value: Any) -> str:
        value = _moment(value)
        if isinstance(value, dt.datetime):
            value = value.astimezone(tz).date()
        if lang == "fr":  # « le 1er décembre 2026 »
            return f"{value.day}{'er' if value.day == 1 else ''} {months[value.month]} {value.year}"
        return f"{value.day} {months[value.month]} {value.year}"

    def when(value: Any) -> str:
        value = _moment(value).astimezone(tz)
        if lang == "fr":
            minutes = f" {value.minute:02d}" if value.minute else ""  # « à 10 h », « à 9 h 30 »
            return f"{day(value)} à {value.hour}\u00a0h{minutes}"
        hour = value.hour % 12 or 12
        period = periods["am" if value.hour < 12 else "pm"]
        return f"{day(value)} at {hour}:{value.minute:02d} {period}"

    def iso(value: Any) -> str:
        value = _moment(value)
        if isinstance(value, dt.datetime):
            return value.astimezone(tz).isoformat()
        return str(value.isoformat())

    return {
        "portal_day": day,
        "portal_when": when,
        "portal_iso": iso,
        "portal_days": lambda n: wording.days(float(n), lang),
    }


def environment(ws: Workspace, lang: str) -> Environment:
    """The workspace's environment (its `templates_dir` first) with the portal's filters."""
    from meptool.writing import templating

    return templating.for_workspace(ws, filters=filters(lang, ws.tz))


def city(tz: dt.tzinfo, lang: str) -> str:
    """'Paris' for Europe/Paris: how the footer names the time zone."""
    from babel.dates import get_timezone_location

    return str(get_timezone_location(tz, locale=lang, return_city=True))


def style(env: Environment) -> Any:
    """The pages' CSS, rendered once per build (a workspace may override it by name)."""
    from markupsafe import Markup

    from meptool.writing import templating

    return Markup(templating.render(env, "portal/_style.css.j2", {}))


def chrome(env: Environment, tz: dt.tzinfo, lang: str) -> dict[str, Any]:
    """What every page of a language shares: its CSS and how it names the time zone."""
    return {"css": style(env), "city": city(tz, lang)}


def _common(
    lang: str, client: str, langs: list[dict[str, Any]], shared: dict[str, Any]
) -> dict[str, Any]:
    return {
        **shared,
        "lang": lang,
        "w": wording.WORDS[lang],
        "words_status": wording.STATUS[lang],
        "words_severity": wording.SEVERITY[lang],
        "client": client,
        "langs": langs,
        "feed_href": "feed.atom",
        "ics_href": "updates.ics",
    }


def incident_page(
    env: Environment,
    v: View,
    *,
    client: str,
    langs: list[dict[str, Any]],
    shared: dict[str, Any],
) -> str:
    """The page of one incident."""
    from meptool.writing import templating

    done = sum(1 for a in v.actions if a["status"] == "done")
    # Plain dicts: the sandbox checks every attribute read, an item read is ~10x cheaper.
    page = {
        **vars(v),
        "last_sent": v.last_sent,
        "updates": [{**vars(u), "anchor": u.anchor} for u in v.updates],
    }
    context = {
        **_common(v.lang, client, langs, shared),
        "v": page,
        "progress_text": wording.progress(done, len(v.actions), v.lang),
        "retro_href": f"../retro/{v.id}.html",
    }
    return templating.render(env, "portal/incident.html.j2", context)


def home_page(
    env: Environment,
    *,
    lang: str,
    client: str,
    cards: list[dict[str, Any]],
    langs: list[dict[str, Any]],
    shared: dict[str, Any],
    prefix: str,
) -> str:
    """The client's home: open incidents first, then past ones."""
    from meptool.writing import templating

    rank = {"critical": 0, "major": 1, "minor": 2}
    open_ = sorted(
        (c for c in cards if c["open"]),
        key=lambda c: (rank[c["severity"]], _neg(c["opened"]), c["id"]),
    )
    past = sorted((c for c in cards if not c["open"]), key=lambda c: (_neg(c["opened"]), c["id"]))
    last = max((c["last_sent"] for c in cards if c["last_sent"]), default=None, key=_utc)
    context = {
        **_common(lang, client, langs, shared),
        "open": open_,
        "past": past,
        "last_sent": last,
        "prefix": prefix,
        "feed_href": f"{prefix}feed.atom",
        "ics_href": f"{prefix}updates.ics",
    }
    return templating.render(env, "portal/home.html.j2", context)


def _utc(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC)


def _neg(value: str | None) -> float:
    """Newest first, unknown last."""
    return -_utc(value).timestamp() if value else float("inf")


def card(v: View) -> dict[str, Any]:
    """What the home page (and the calendar) needs of an incident: plain JSON."""
    return {
        "id": v.id,
        "title": v.title,
        "text_lang": v.text_lang,
        "status": v.status,
        "severity": v.severity,
        "open": v.is_open,
        "due": v.next_update_due.isoformat() if v.next_update_due else None,
        "last_sent": v.last_sent.isoformat() if v.last_sent else None,
        "opened": v.opened_at.isoformat() if v.opened_at else None,
        "calls": [
            {"at": c["at"].isoformat(), "minutes": c["minutes"], "text": c["text"]}
            for c in v.calls
            if c["status"] == "planned"
        ],
    }


def switch(langs: list[str], current: str, page: str, depth: int) -> list[dict[str, Any]]:
    """The language links of a page: `depth` 1 inside `<client>/<lang>/`, 0 at `<client>/`."""
    up = "../" if depth else ""
    return [
        {
            "code": code,
            "name": wording.WORDS[code]["language_name"][code].capitalize(),
            "href": f"{up}{code}/{page}",
            "current": code == current,
        }
        for code in langs
    ]
