"""What `update check` knows from the incident file: its texts, its people, its secrets-to-be.

- `fields`: every text of the incident with its path (`corrective_plan[0].action`),
  split into the internal ones (internal timeline entries, actions not
  `client_visible`) and the public ones;
- `origin`: the field a piece of the draft really came from — the field that
  holds the words *and* reads most like the sentence around them;
- `leak`: whether a sentence repeats an internal text, exactly, nearly
  (rapidfuzz over the sentence) or in other words (the internal text's own
  words, those no public field has, come back);
- the people: our team (lead, members, action owners) and the client's contacts,
  each with the forms a text may name them by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from meptool.model.incident import Incident
from meptool.updates.check_patterns import norm

_WORD = re.compile(r"[^\W\d_][\w'-]*|\d[\w.,-]*\w|\d")
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def _stopwords() -> frozenset[str]:
    from meptool.updates import check_rules_en, check_rules_fr

    return check_rules_fr.STOPWORDS | check_rules_en.STOPWORDS


def _abbreviations() -> list[tuple[re.Pattern[str], str]]:
    from meptool.updates import check_rules_en, check_rules_fr

    return [
        (re.compile(pattern), short)
        for module in (check_rules_fr, check_rules_en)
        for pattern, short in module.ABBREVIATIONS
    ]


@dataclass
class Vocabulary:
    """The meaningful words of texts: no stop words, abbreviations written one way."""

    stop: frozenset[str] = field(default_factory=_stopwords)
    abbreviations: list[tuple[re.Pattern[str], str]] = field(default_factory=_abbreviations)

    def words(self, text: str) -> list[str]:
        """Content words of a text, normalised, in order, without repeats."""
        acronyms = {a.casefold() for a in _ACRONYM.findall(text)}
        text = norm(text)
        for pattern, short in self.abbreviations:
            text = pattern.sub(short, text)
        out: list[str] = []
        for found_word in _WORD.findall(text):
            word = found_word.strip("'-")
            if "'" in word[:3]:
                word = word.split("'", 1)[1]
            if word in self.stop or (len(word) < 3 and word not in acronyms and word != "dg"):
                continue
            if word not in out:
                out.append(word)
        return out


def same_word(a: str, b: str) -> bool:
    """Two forms of one word (identifie/identifié, client/clients)."""
    if a == b:
        return True
    if min(len(a), len(b)) >= 5 and a[:5] == b[:5]:
        return True
    return fuzz.ratio(a, b) >= 85


def found(words: list[str], among: list[str]) -> list[str]:
    """The words that have a form in `among`."""
    return [w for w in words if any(same_word(w, o) for o in among)]


@dataclass(frozen=True)
class Person:
    """Someone a text may name, and the forms of the name (full, first, last)."""

    name: str
    forms: tuple[str, ...]
    pattern: re.Pattern[str]


def person(name: str) -> Person:
    """A person and a pattern finding any form of the name in normalised text."""
    full = norm(name)
    parts = [p for p in full.split() if len(p) >= 3]
    forms = tuple(dict.fromkeys([full, *parts]))
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return Person(name, forms, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"))


@dataclass
class Facts:
    """The incident as the rules need it (built once per check)."""

    incident: Incident | None
    internal: list[tuple[str, str, str]] = field(default_factory=list)  # (path, label, text)
    public: list[tuple[str, str]] = field(default_factory=list)
    team: list[Person] = field(default_factory=list)
    clients: list[Person] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    public_words: list[str] = field(default_factory=list)
    distinct: dict[str, list[str]] = field(default_factory=dict)  # internal path -> own words
    _norms: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, incident: Incident | None) -> Facts:
        """The facts of an incident (or none, for a file outside any incident)."""
        facts = cls(incident)
        if incident is None:
            return facts
        hidden: set[str] = set()
        for i, entry in enumerate(incident.timeline):
            if entry.visibility.value == "internal":
                path = f"timeline[{i}].text"
                facts.internal.append((path, "an internal timeline entry", entry.text))
                hidden.add(path)
        for i, action in enumerate(incident.corrective_plan):
            if not action.client_visible:
                path = f"corrective_plan[{i}].action"
                facts.internal.append(
                    (path, f"action {action.id} is not client-visible", action.action)
                )
                hidden.add(path)
        facts.public = [(p, t) for p, t in fields(incident) if p not in hidden]
        words: list[str] = []
        for _, text in facts.public:
            words.extend(facts.vocabulary.words(text))
        facts.public_words = list(dict.fromkeys(words))
        for path, _, text in facts.internal:
            own = facts.vocabulary.words(text)
            facts.distinct[path] = [w for w in own if not found([w], facts.public_words)]
        names: list[str] = []
        if incident.team:
            if incident.team.lead:
                names.append(incident.team.lead.name)
            names.extend(incident.team.members)
        names.extend(a.owner for a in incident.corrective_plan if a.owner)
        if incident.acknowledgement:
            names.append(incident.acknowledgement.by)
        facts.team = [person(n) for n in dict.fromkeys(names)]
        contacts = incident.client.contacts if incident.client else []
        facts.clients = [person(c.name) for c in contacts]
        return facts

    def norm_of(self, text: str) -> str:
        if text not in self._norms:
            self._norms[text] = norm(text)
        return self._norms[text]

    def origin(self, snippet: str, sentence: str | None = None) -> str | None:
        """The field holding `snippet` that reads most like `sentence` (see the module)."""
        if self.incident is None or len(snippet.strip()) < 2:
            return None
        needle = norm(snippet)
        pattern = (
            re.compile(rf"(?<![\w-]){re.escape(needle)}(?![\w-])")
            if needle[-1:].isalnum()
            else None
        )
        holders = [
            (path, text)
            for path, text in [*self.public, *((p, t) for p, _, t in self.internal)]
            if (pattern.search(self.norm_of(text)) if pattern else needle in self.norm_of(text))
        ]
        if not holders:
            return None
        if sentence is None or len(holders) == 1:
            return holders[0][0]
        around = norm(sentence)
        return max(
            holders, key=lambda h: (fuzz.partial_ratio(self.norm_of(h[1]), around), len(h[1]))
        )[0]

    def leak(self, sentence: str) -> tuple[str, str, str] | None:
        """The internal text a sentence repeats (path, label, text), if one."""
        said = norm(sentence)
        if not self.internal or len(said) < 8:
            return None
        words = self.vocabulary.words(sentence)
        for path, label, text in self.internal:
            inner = self.norm_of(text).rstrip(" .")
            if len(inner) >= 12 and inner in said:
                return path, label, text
            if len(inner) >= 15 and fuzz.partial_ratio(inner, said) >= 88:
                best_public = max(
                    (fuzz.partial_ratio(self.norm_of(t), said) for _, t in self.public), default=0
                )
                if best_public + 5 < fuzz.partial_ratio(inner, said):
                    return path, label, text
            # In other words: the internal text's own words (those no public field has)
            # come back, most of them.
            own = self.distinct[path]
            back = found(own, words)
            if len(own) >= 2 and len(back) >= 2 and len(back) >= 0.6 * len(own):
                return path, label, text
        return None


def fields(incident: Incident) -> list[tuple[str, str]]:
    """Every text of the incident with its path, e.g. ('timeline[1].text', '…')."""
    out: list[tuple[str, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, str):
            out.append((path, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")

    walk(incident.model_dump(mode="json", exclude={"communications"}), "")
    return out
