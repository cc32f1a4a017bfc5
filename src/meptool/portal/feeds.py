"""The portal's feeds: Atom (RFC 4287) of updates and status changes, iCalendar (RFC 5545)
of the next updates due. Same facts, same bytes: every id and time comes from the data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from meptool.portal import wording
from meptool.portal.visible import View, stable_id

if TYPE_CHECKING:
    from jinja2 import Environment

FEED_LIMIT = 100  # the newest entries; a feed reader polls, it does not archive
EPOCH = "1970-01-01T00:00:00Z"


def utc(value: dt.datetime) -> str:
    """RFC 3339 in UTC, as Atom wants it."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def events(v: View, slug: str) -> list[dict[str, Any]]:
    """One entry per sent update (in its language) and per status change (worded in `v.lang`)."""
    w = wording.WORDS[v.lang]
    out: list[dict[str, Any]] = []
    for u in v.updates:
        out.append(
            {
                "id": stable_id("update", slug, v.id, str(u.seq)),
                "kind": "update",
                "at": utc(u.sent_at),
                "incident": v.id,
                "title": f"{v.title} — {w['update_n'].format(seq=u.seq)}",
                "lang": u.language,
                "content": None,
                "source": u.source,
                "anchor": u.anchor,
            }
        )
    for item in v.timeline:
        if item["seq"] is not None or not item.get("status"):
            continue
        out.append(
            {
                "id": stable_id("status", slug, v.id, v.lang, utc(item["at"]), item["status"]),
                "kind": "status",
                "at": utc(item["at"]),
                "incident": v.id,
                "title": f"{v.title} — {wording.STATUS[v.lang][item['status']]}",
                "lang": v.lang if item["own"] else v.text_lang,
                "content": item["text"],
                "source": None,
                "anchor": "timeline",
            }
        )
    return out


def atom(
    env: Environment,
    *,
    lang: str,
    client: str,
    slug: str,
    author: str,
    base: str,
    found: list[dict[str, Any]],
    text_of: Any,
) -> str:
    """The Atom feed of one client in one language; `text_of(source)` reads an update's text."""
    from meptool.writing import templating

    chosen = [e for e in found if e["kind"] != "update" or e["lang"] == lang]
    chosen.sort(key=lambda e: (e["at"], e["id"]), reverse=True)
    chosen = chosen[:FEED_LIMIT]
    w = wording.WORDS[lang]
    entries = []
    for e in chosen:
        content = e["content"] if e["kind"] == "status" else text_of(e["source"])
        entries.append(
            {
                **e,
                "updated": e["at"],
                "link": f"{base}{e['incident']}.html#{e['anchor']}",
                "content": content or e["title"],
            }
        )
    feed = {
        "id": stable_id("feed", slug, lang),
        "title": w["feed_title"].format(client=client),
        "updated": max((e["at"] for e in chosen), default=EPOCH),
        "author": author,
        "self": f"{base}feed.atom",
        "home": f"{base}index.html",
    }
    return templating.render(
        env, "portal/feed.xml.j2", {"lang": lang, "feed": feed, "entries": entries}
    )


def calendar(*, lang: str, client: str, slug: str, base: str, cards: list[dict[str, Any]]) -> bytes:
    """The iCalendar feed of the next updates due on the client's open incidents."""
    from icalendar import Calendar, Event

    w = wording.WORDS[lang]
    cal = Calendar()
    cal.add("prodid", f"-//meptool//portal//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", w["ics_name"].format(client=client))
    for c in sorted(cards, key=lambda c: (c["due"] or "", c["id"])):
        if not c["open"] or not c["due"]:
            continue
        due = dt.datetime.fromisoformat(c["due"]).astimezone(dt.UTC)
        stamp = c["last_sent"] or c["opened"] or c["due"]
        event = Event()
        event.add("uid", stable_id("due", slug, c["id"], lang)[len("urn:uuid:") :])
        event.add("dtstamp", dt.datetime.fromisoformat(stamp).astimezone(dt.UTC))
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(minutes=15))
        event.add("summary", w["ics_summary"].format(title=c["title"]))
        event.add("description", w["ics_description"].format(id=c["id"]))
        if base:
            event.add("url", f"{base}{c['id']}.html")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    for c in sorted(cards, key=lambda c: c["id"]):  # the planned client calls (SPEC.md 8)
        for call in c.get("calls", []):
            start = dt.datetime.fromisoformat(call["at"]).astimezone(dt.UTC)
            event = Event()
            event.add("uid", stable_id("call", slug, c["id"], call["at"], lang)[len("urn:uuid:") :])
            event.add("dtstamp", start)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(minutes=call["minutes"]))
            event.add("summary", f"{c['id']} — {call['text']}")
            if base:
                event.add("url", f"{base}{c['id']}.html")
            cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
