"""Prompts as data: a walk-through is a list of steps, and one function asks them.

Every step has its flag. `ask` takes what the flags gave and, for each step,
parses a given value, asks on a terminal, takes the default, or (when nothing
may be asked) fails with a usage error naming the flag. The flag path and the
prompt path go through the same parsers, so both produce the same values.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from meptool.errors import Interrupted, UsageError

Answers = dict[str, Any]
Reader = Callable[[str, str | None], str]
Default = str | Callable[[Answers], str | None] | None


@dataclass(frozen=True)
class Step:
    """One question of a walk-through, and the flag that answers it without asking.

    `default` is offered at the prompt and used when the flag is absent;
    `suggest` is only offered (pre-filled for editing), never taken silently.
    `many` asks again until an empty answer; `fields` makes a group asked again
    per item until its first field is left empty.
    """

    name: str
    flag: str
    question: str
    required: bool = False
    default: Default = None
    suggest: Default = None
    choices: Mapping[str, str] | None = None
    parse: Callable[[str], Any] | None = None
    many: bool = False
    fields: tuple[Step, ...] = ()
    hint: str | None = None
    intro: str | None = None

    def convert(self, raw: Any) -> Any:
        """A typed value from what was typed or passed (ValueError when it does not fit)."""
        if isinstance(raw, Enum):
            raw = raw.value
        if not isinstance(raw, str):
            return raw
        text = raw.strip()
        if self.choices is not None:
            allowed = list(self.choices)
            match = [c for c in allowed if c == text.lower()]
            if not match:
                prefixed = [c for c in allowed if c.startswith(text.lower())] if text else []
                if len(prefixed) != 1:
                    raise ValueError(f"'{text}' is not one of: {', '.join(allowed)}")
                match = prefixed
            text = match[0]
        return self.parse(text) if self.parse else text


def _resolve(default: Default, answers: Answers) -> str | None:
    return default(answers) if callable(default) else default


def _given(raw: Any) -> bool:
    return raw is not None and raw not in ([], "")


def ask(
    steps: Sequence[Step],
    given: Mapping[str, Any],
    *,
    interactive: bool,
    walk: bool | None = None,
    read: Reader | None = None,
) -> Answers:
    """Answers for every step: from `given` (the flags), a prompt, or the default.

    On a terminal the whole walk-through runs when no flag was given (`walk`);
    otherwise only missing required values are asked. Without a terminal,
    nothing is asked and a missing required value is a UsageError naming its flag.
    """
    if walk is None:
        walk = interactive and not any(_given(given.get(s.name)) for s in steps)
    reader = read or read_line
    answers: Answers = {}
    for step in steps:
        raw = given.get(step.name)
        if _given(raw):
            answers[step.name] = _from_flag(step, raw)
        elif interactive and (walk or step.required):
            answers[step.name] = _prompt(step, answers, reader)
        else:
            answers[step.name] = _fallback(step, answers)
    return answers


def _from_flag(step: Step, raw: Any) -> Any:
    try:
        if step.fields:
            return [_item_from_flag(step, item) for item in raw]
        if step.many:
            return [step.convert(v) for v in raw]
        return step.convert(raw)
    except ValueError as exc:
        raise UsageError(f"{step.flag}: {exc}", hint=step.hint) from None


def _item_from_flag(group: Step, item: Any) -> dict[str, Any]:
    """One group item from a flag: a dict of raw field values, or one string `parse` splits."""
    if isinstance(item, str):
        item = group.convert(item)
    out: dict[str, Any] = {}
    for f in group.fields:
        raw = item.get(f.name)
        if _given(raw):
            try:
                out[f.name] = f.convert(raw)
            except ValueError as exc:
                raise UsageError(f"{f.flag}: {exc}", hint=f.hint) from None
        else:
            out[f.name] = _fallback(f, out)
    return out


def _fallback(step: Step, answers: Answers) -> Any:
    default = _resolve(step.default, answers)
    if default is not None:
        return step.convert(default)
    if step.required:
        raise UsageError(f"missing {step.flag}", hint=step.hint)
    return [] if (step.many or step.fields) else None


# --- asking on a terminal ------------------------------------------------------


def _prompt(step: Step, answers: Answers, read: Reader) -> Any:
    if step.intro:
        say(step.intro)
    if step.fields:
        return _prompt_group(step, read)
    if step.many:
        items: list[Any] = []
        while True:
            value = _prompt_one(step, answers, read, optional=True, first=not items)
            if value is None:
                return items
            items.append(value)
    return _prompt_one(step, answers, read, optional=not step.required)


def _prompt_group(group: Step, read: Reader) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    lead, *rest = group.fields
    while True:
        item: dict[str, Any] = {}
        head = _prompt_one(lead, item, read, optional=True, first=not items)
        if head is None:
            return items
        item[lead.name] = head
        for f in rest:
            item[f.name] = _prompt_one(f, item, read, optional=not f.required)
        items.append(item)


def _prompt_one(
    step: Step, answers: Answers, read: Reader, *, optional: bool, first: bool = True
) -> Any:
    """Ask until the answer parses; None for an empty optional answer."""
    default = _resolve(step.default, answers)
    suggest = _resolve(step.suggest, answers)
    if first and step.choices:
        width = max(len(c) for c in step.choices)
        for value, help_text in step.choices.items():
            if help_text:
                say(f"    {value:<{width}}  {help_text}")
    label = step.question
    if step.choices:
        label += f" [{'/'.join(step.choices)}]"
    if default is not None:
        label += f" ({default})"
    while True:
        text = read(label, suggest).strip()
        if not text:
            text = default or ""
        if not text:
            if optional:
                return None
            say(f"  an answer is needed ({step.flag})")
            continue
        try:
            return step.convert(text)
        except ValueError as exc:
            say(f"  {exc}")


def say(text: str) -> None:
    """A line of the walk-through on stderr (stdout stays for data, e.g. the new ID)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def read_line(question: str, prefill: str | None = None) -> str:
    """One answer from the terminal, UTF-8, with line editing; `prefill` is typed in for editing.

    The question goes on its own line on stderr, the answer on the next after
    "> ": long questions and long answers never fight for one terminal line.

    Ctrl-C propagates (the CLI edge says nothing was saved); end of input is
    treated the same way rather than as a bare "Aborted!".
    """
    _utf8_stdin()
    say(question)
    prompt = "> "
    try:
        if sys.stdin.isatty() and sys.stdout.isatty():
            return _readline(prompt, prefill)
        sys.stderr.write((f"  (Enter keeps: {prefill})\n" if prefill else "") + prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        text = line.rstrip("\r\n")
        return text or (prefill or "")
    except EOFError:
        sys.stderr.write("\n")
        raise Interrupted("input ended: nothing was saved") from None
    except UnicodeDecodeError:
        say("  that was not readable as UTF-8 text; please type it again")
        return read_line(question, prefill)


def _readline(prompt: str, prefill: str | None) -> str:
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without GNU readline
        return input(prompt) or (prefill or "")
    readline.set_startup_hook((lambda: readline.insert_text(prefill)) if prefill else None)
    try:
        return input(prompt)
    finally:
        readline.set_startup_hook(None)


def _utf8_stdin() -> None:
    """Read the terminal as UTF-8 whatever the locale says (accents in French answers).

    Python's readline re-reads the locale from the environment on every call:
    under LC_ALL=C it would drop a pre-filled "é" and erase half of one on
    backspace, so the process's own environment gets a UTF-8 character type.
    """
    encoding = (getattr(sys.stdin, "encoding", None) or "").lower().replace("-", "")
    reconfigure = getattr(sys.stdin, "reconfigure", None)
    if encoding != "utf8" and reconfigure is not None:
        reconfigure(encoding="utf-8", errors="strict")
    effective = next(
        (os.environ[n] for n in ("LC_ALL", "LC_CTYPE", "LANG") if os.environ.get(n)), "C"
    )
    if "utf" not in effective.lower().replace("-", ""):
        name = "LC_ALL" if os.environ.get("LC_ALL") else "LC_CTYPE"
        os.environ[name] = "C.UTF-8"


# --- parsers shared by the flags and the prompts -------------------------------------

_YES = {"y", "yes", "o", "oui", "true", "1"}
_NO = {"n", "no", "non", "false", "0"}
_CLOCK = re.compile(r"^(\d{1,2})[:h](\d{2})$")


def yes_no(text: str) -> bool:
    """yes/no, oui/non, y/n/o."""
    low = text.strip().lower()
    if low in _YES:
        return True
    if low in _NO:
        return False
    raise ValueError(f"'{text}' is not yes or no")


def time_parser(tz: dt.tzinfo, now: dt.datetime) -> Callable[[str], dt.datetime]:
    """A parser of times: ISO 8601, `now`, or a clock time (`18:40`, `18h40`).

    A clock time is the latest one not in the future: at 09:30, 18:40 is yesterday evening.
    """

    def parse(text: str) -> dt.datetime:
        low = text.strip().lower()
        if low in ("now", "maintenant"):
            return now
        clock = _CLOCK.match(low)
        if clock:
            try:
                value = now.replace(
                    hour=int(clock.group(1)), minute=int(clock.group(2)), second=0, microsecond=0
                )
            except ValueError:
                raise ValueError(f"'{text}' is not a time of day") from None
            return value if value <= now else value - dt.timedelta(days=1)
        try:
            value = dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValueError(
                f"'{text}' is not a date and time; write e.g. 2026-11-20 18:40, 18:40 or now"
            ) from None
        if not 1970 <= value.year <= 2100:
            raise ValueError(f"'{text}' is outside the years 1970-2100; check the year")
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.replace(microsecond=0)

    return parse


def date_parser(today: dt.date) -> Callable[[str], dt.date]:
    """A parser of dates: YYYY-MM-DD, or `+N` days from today."""

    def parse(text: str) -> dt.date:
        low = text.strip()
        if re.fullmatch(r"\+\d{1,4}", low):
            return today + dt.timedelta(days=int(low[1:]))
        try:
            return dt.date.fromisoformat(low)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a date; write it as YYYY-MM-DD (or +3 for in 3 days)"
            ) from None

    return parse


def number(text: str) -> float:
    """A non-negative number; a French decimal comma is fine (1,5)."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ValueError(f"'{text}' is not a number, e.g. 1.5") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"'{text}' must be a number of zero or more")
    return value


def one_line(text: str) -> str:
    """Text that must stay on one line (names, titles)."""
    if "\n" in text or "\r" in text:
        raise ValueError("must be on one line")
    return text


def email(text: str) -> str:
    """An e-mail address (checked loosely; the model checks it again)."""
    if not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+", text.strip()):
        raise ValueError(f"'{text}' is not an e-mail address")
    return text.strip()
