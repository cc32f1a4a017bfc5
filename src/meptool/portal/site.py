"""The portal's pages, rendered through the one Jinja environment (`meptool.templating`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from meptool.portal import wording
from meptool.portal.visible import View

if TYPE_CHECKING:
    from jinja2 import Environment

    from meptool.workspace import Workspace


def _moment(value: Any) -> Any:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def filters(lang: str, tz: dt.tzinfo) -> dict[str, Callable[..., Any]]:
    """`portal_*` filters: times as people say them, in the client's language and zone."""
    from babel.dates import format_date, format_time

    def day(value: Any) -> str:
        value = _moment(value)
        if isinstance(value, dt.datetime):
            value = value.astimezone(tz).date()
        text = str(format_date(value, "d MMMM y", locale=lang))
        if lang == "fr" and value.day == 1:
            text = "1er" + text[1:]  # « le 1er décembre »
        return text

    def when(value: Any) -> str:
        value = _moment(value).astimezone(tz)
        if lang == "fr":
            return f"{day(value)} à {format_time(value, 'H', locale=lang)} h {value:%M}"
        return f"{day(value)} at {format_time(value, 'h:mm a', locale=lang)}"

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
    from meptool import templating

    return templating.for_workspace(ws, filters=filters(lang, ws.tz))


def city(tz: dt.tzinfo, lang: str) -> str:
    """'Paris' for Europe/Paris: how the footer names the time zone."""
    from babel.dates import get_timezone_location

    return str(get_timezone_location(tz, locale=lang, return_city=True))


def _common(lang: str, client: str, langs: list[dict[str, Any]], city_name: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "w": wording.WORDS[lang],
        "words_status": wording.STATUS[lang],
        "words_severity": wording.SEVERITY[lang],
        "client": client,
        "langs": langs,
        "city": city_name,
        "feed_href": "feed.atom",
        "ics_href": "updates.ics",
    }


def incident_page(
    env: Environment,
    v: View,
    *,
    client: str,
    langs: list[dict[str, Any]],
    city_name: str,
) -> str:
    """The page of one incident."""
    from meptool import templating

    done = sum(1 for a in v.actions if a["status"] == "done")
    context = {
        **_common(v.lang, client, langs, city_name),
        "v": v,
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
    city_name: str,
    prefix: str,
) -> str:
    """The client's home: open incidents first, then past ones."""
    from meptool import templating

    rank = {"critical": 0, "major": 1, "minor": 2}
    open_ = sorted(
        (c for c in cards if c["open"]),
        key=lambda c: (rank[c["severity"]], _neg(c["opened"]), c["id"]),
    )
    past = sorted((c for c in cards if not c["open"]), key=lambda c: (_neg(c["opened"]), c["id"]))
    last = max((c["last_sent"] for c in cards if c["last_sent"]), default=None, key=_utc)
    context = {
        **_common(lang, client, langs, city_name),
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
    }
