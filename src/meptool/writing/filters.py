"""Jinja filters for client documents: dates, times and numbers in the reader's language.

They read `lang`, `timezone` and `now` from the template context, so one
environment serves every language. Babel is imported when a filter runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
# Babel patterns: "vendredi 20 novembre 2026 à 18 h 40", "Friday 20 November 2026 at 6:40 pm".
DATE_LONG = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y"}
DAY = {"fr": "EEEE d MMMM", "en": "EEEE d MMMM"}
TIME = {"fr": "H 'h' mm", "en": "h:mm a"}
AT = {"fr": "à", "en": "at"}
TODAY = {"fr": "aujourd’hui", "en": "today"}
TOMORROW = {"fr": "demain", "en": "tomorrow"}
DAYS = {"fr": ("jour", "jours"), "en": ("day", "days")}


def _lang(ctx: Context) -> str:
    lang = str(ctx.get("lang", "en"))
    return lang if lang in LOCALES else "en"


def _local(ctx: Context, value: dt.datetime) -> dt.datetime:
    name = ctx.get("timezone")
    return value.astimezone(ZoneInfo(str(name))) if name else value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"expected a date, got {value!r}")


def _fmt_date(value: dt.date, pattern: str, lang: str) -> str:
    from babel.dates import format_date

    return str(format_date(value, pattern, locale=LOCALES[lang]))


def _fmt_time(value: dt.datetime, lang: str) -> str:
    from babel.dates import format_time

    text = str(format_time(value, TIME[lang], locale=LOCALES[lang]))
    return text.replace("AM", "am").replace("PM", "pm")


@pass_context
def datetime_filter(ctx: Context, value: dt.datetime) -> str:
    """'vendredi 20 novembre 2026 à 18 h 40' in the workspace timezone."""
    lang = _lang(ctx)
    local = _local(ctx, value)
    return f"{_fmt_date(local.date(), DATE_LONG[lang], lang)} {AT[lang]} {_fmt_time(local, lang)}"


@pass_context
def date_filter(ctx: Context, value: dt.date | dt.datetime) -> str:
    """'vendredi 4 décembre 2026'."""
    lang = _lang(ctx)
    if isinstance(value, dt.datetime):
        value = _local(ctx, value)
    return _fmt_date(_date(value), DATE_LONG[lang], lang)


@pass_context
def day_filter(ctx: Context, value: dt.date | dt.datetime) -> str:
    """'lundi 23 novembre' (no year: for dates close to now)."""
    lang = _lang(ctx)
    if isinstance(value, dt.datetime):
        value = _local(ctx, value)
    return _fmt_date(_date(value), DAY[lang], lang)


@pass_context
def time_filter(ctx: Context, value: dt.datetime) -> str:
    """'18 h 40', '6:40 pm'."""
    lang = _lang(ctx)
    return _fmt_time(_local(ctx, value), lang)


@pass_context
def when_filter(ctx: Context, value: dt.datetime) -> str:
    """'aujourd’hui à 11 h 30', 'demain à 9 h 00', else the full date and time."""
    lang = _lang(ctx)
    local = _local(ctx, value)
    now = ctx.get("now")
    if isinstance(now, dt.datetime):
        today = _local(ctx, now).date()
        if local.date() == today:
            return f"{TODAY[lang]} {AT[lang]} {_fmt_time(local, lang)}"
        if local.date() == today + dt.timedelta(days=1):
            return f"{TOMORROW[lang]} {AT[lang]} {_fmt_time(local, lang)}"
    return datetime_filter(ctx, value)


@pass_context
def number_filter(ctx: Context, value: float) -> str:
    """'3,5' in French, '3.5' in English; whole numbers without decimals."""
    from babel.numbers import format_decimal

    return str(format_decimal(value, format="#,##0.##", locale=LOCALES[_lang(ctx)]))


@pass_context
def days_filter(ctx: Context, value: float) -> str:
    """'1 jour', '3,5 jours', '2 days'."""
    lang = _lang(ctx)
    one, many = DAYS[lang]
    unit = one if (value <= 1 if lang == "fr" else value == 1) else many
    return f"{number_filter(ctx, value)} {unit}"


def default_filters() -> dict[str, Callable[..., Any]]:
    """The filters every meptool template may use."""
    return {
        "datetime": datetime_filter,
        "date": date_filter,
        "day": day_filter,
        "time": time_filter,
        "when": when_filter,
        "number": number_filter,
        "days": days_filter,
    }
