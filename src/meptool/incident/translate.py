"""`meptool incident translate`: give the client-facing texts in a second language.

Which texts a document needs and whether they have a language is
`meptool.model.texts`; this module asks for the missing ones and writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from meptool.errors import UsageError
from meptool.model.texts import client_fields, home

if TYPE_CHECKING:
    from meptool.files.store import Editor
    from meptool.model.incident import Incident


@dataclass(frozen=True)
class Wanted:
    """A text to translate: its field, and the words in the incident's language."""

    path: str
    source: str


def wanted(incident: Incident, lang: str) -> list[Wanted]:
    """The texts still missing in `lang`, with what they say in the incident's language."""
    origin = home(incident)
    out = []
    for f in client_fields(incident):
        if f.value.in_language(lang, origin) is None:
            out.append(Wanted(f.path, f.value.in_language(origin, origin) or str(f.value)))
    return out


def translate(ed: Editor, lang: str, given: dict[str, str]) -> list[str]:
    """Write `given` (field path → text in `lang`) as two-language texts; return the paths set."""
    incident = ed.incident
    origin = home(incident)
    if lang == origin and not any(f.value.translations for f in client_fields(incident)):
        raise UsageError(
            f"{incident.id} is written in {lang} already",
            hint="give the other language, e.g. --lang " + ("en" if lang == "fr" else "fr"),
        )
    by_path = {f.path: f for f in client_fields(incident)}
    done = []
    for path, raw in given.items():
        text = raw.strip()
        found = by_path.get(path)
        if found is None:
            known = ", ".join(by_path) or "none"
            raise UsageError(
                f"--field {path}: not a client-facing text of {incident.id}",
                hint=f"its client-facing texts: {known}",
            )
        if not text:
            raise UsageError(f"--text for {path} is empty", hint="give the words in " + lang)
        value = found.value
        texts = dict(value.translations) or {origin: str(value)}
        texts[lang] = text
        ed.set(*found.keys, value={k: texts[k] for k in sorted(texts, key=_order)})
        done.append(path)
    return done


def _order(lang: str) -> int:
    return ("fr", "en").index(lang) if lang in ("fr", "en") else 9
