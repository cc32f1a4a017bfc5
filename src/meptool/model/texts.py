"""Client-facing texts in two languages: which they are, which a document lacks, and filling them.

A client-facing free text (SPEC.md 2 *(v2)*) is a string in the incident's
language or a mapping `{fr: …, en: …}` (`meptool.model.incident.Localized`). A document
in a language that one of the texts it needs lacks is refused, naming every
missing field and the command that fills them; `translate` fills them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError
from meptool.model.enums import Visibility

if TYPE_CHECKING:
    from meptool.model.incident import Incident, Localized

# Texts only the domain experts' update (the technical account) and the retrospective read.
TECHNICAL = ("root_cause.summary", "root_cause.escape")


@dataclass(frozen=True)
class Field:
    """One client-facing text of an incident, where it is in the file and what it says."""

    path: str
    keys: tuple[str | int, ...]
    value: Localized
    technical: bool = False


def home(incident: Incident, default: str = "fr") -> str:
    """The language a plain string of this incident is written in."""
    return incident.language.value if incident.language else default


def client_fields(incident: Incident) -> Iterator[Field]:
    """Every client-facing text of the incident that is filled in."""
    for keys, value, technical in _filled(incident):
        path = ".".join(str(k) if isinstance(k, str) else f"[{k}]" for k in keys)
        yield Field(path.replace(".[", "["), keys, value, technical)


def _filled(incident: Incident) -> Iterator[tuple[tuple[str | int, ...], Localized, bool]]:
    """Where each filled-in client-facing text is, the text, and whether it is technical."""

    def one(keys: tuple[str | int, ...], value: Localized | None, technical: bool = False) -> Any:
        if value is not None and str(value).strip():
            yield keys, value, technical

    yield from one(("title",), incident.title)
    if incident.impact:
        yield from one(("impact", "summary"), incident.impact.summary)
        yield from one(("impact", "users_affected"), incident.impact.users_affected)
    if incident.acknowledgement:
        yield from one(("acknowledgement", "statement"), incident.acknowledgement.statement)
    rc = incident.root_cause
    if rc:
        yield from one(("root_cause", "client_summary"), rc.client_summary)
        yield from one(("root_cause", "summary"), rc.summary, True)
        yield from one(("root_cause", "escape"), rc.escape, True)
    for i, entry in enumerate(incident.timeline):
        if entry.visibility is Visibility.CLIENT:
            # The mitigation's note is the workaround every audience reads; the other
            # entries only the domain experts' account and the retrospective show.
            fix = (
                entry.kind is not None
                and entry.kind.value == "status"
                and (entry.status is not None and entry.status.value == "mitigated")
            )
            if is_person_text(entry):
                yield from one(("timeline", i, "text"), entry.text, not fix)
            yield from one(("timeline", i, "note"), entry.note, not fix)
    for i, action in enumerate(incident.corrective_plan):
        if action.client_visible:
            yield from one(("corrective_plan", i, "action"), action.action)
    if incident.schedule_impact:
        yield from one(("schedule_impact", "budget_impact"), incident.schedule_impact.budget_impact)
    for i, expectation in enumerate(incident.expectations):
        yield from one(("expectations", i, "text"), expectation.text)
        yield from one(("expectations", i, "answer"), expectation.answer)
    if incident.team and incident.team.lead:
        yield from one(("team", "lead", "title"), incident.team.lead.title)  # the signature


def is_person_text(entry: Any) -> bool:
    """Whether a timeline entry's `text` was written by a person (not meptool's own log line)."""
    kind = entry.kind.value if entry.kind is not None else "note"
    return kind == "note" or (kind == "detection" and entry.status is None and not entry.note)


def missing(incident: Incident, lang: str, *, technical: bool = True) -> list[str]:
    """Fields a document in `lang` needs but that have no text in `lang`."""
    origin = home(incident)
    return [
        f.path
        for f in client_fields(incident)
        if (technical or not f.technical) and f.value.in_language(lang, origin) is None
    ]


def require(incident: Incident, lang: str, *, technical: bool = True, what: str) -> None:
    """Refuse (exit 1) a document in `lang` when a text it needs lacks that language."""
    lacking = missing(incident, lang, technical=technical)
    if lacking:
        raise InputError(
            f"{incident.id}: {what} in {lang} needs these texts in {lang}: {', '.join(lacking)}",
            hint=f"give them with: meptool incident translate {incident.id} --lang {lang}",
        )


def prime(incident: Incident, lang: str) -> None:
    """Make every two-language text read, as a `str`, in `lang` (in place).

    Run by every validation: a text given in one language reads the same in all, so
    only those with translations are touched.
    """
    for keys, value, _ in list(_filled(incident)):
        if value.translations:
            _assign(incident, keys, value.primed(lang))
    if incident.detected_by is not None:
        incident.detected_by = incident.detected_by.primed(lang)


def localized(incident: Incident, lang: str) -> Incident:
    """A copy of the incident whose texts read in `lang` (for checks of a draft in `lang`)."""
    copy = incident.model_copy(deep=True)
    prime(copy, lang)
    return copy


def _assign(target: Any, keys: tuple[str | int, ...], value: Any) -> None:
    for key in keys[:-1]:
        target = target[key] if isinstance(key, int) else getattr(target, key)
    last = keys[-1]
    if isinstance(last, int):
        target[last] = value
    else:
        object.__setattr__(target, last, value)
