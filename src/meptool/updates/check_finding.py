"""A finding of `update check`; the lexicons of both languages; a sentence's stance."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from meptool.updates import check_rules_en, check_rules_fr
from meptool.updates.check_patterns import Lexicon

BLOCK, WARN = "error", "warning"


@functools.cache
def lexicon(name: str) -> Lexicon:
    """The French and English lexicons of that name, as one."""
    parts = [m.LEXICONS[name] for m in (check_rules_fr, check_rules_en)]
    return Lexicon(
        tuple(p for lex in parts for p in lex.patterns),
        tuple(e for lex in parts for e in lex.examples),
        tuple(e for lex in parts for e in lex.counterexamples),
    )


@dataclass(frozen=True)
class Finding:
    """One problem in a draft."""

    rule: str
    level: str
    message: str
    file: str
    line: int | None = None
    field: str | None = None

    @property
    def blocking(self) -> bool:
        return self.level == BLOCK

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        origin = f" (from {self.field})" if self.field else ""
        return f"{where}: {self.level}: {self.rule}: {self.message}{origin}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "field": self.field,
        }


def short(text: str, size: int = 70) -> str:
    """A text cut to fit a one-line finding."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


# A negation in the words just before an ownership phrase turns it into a denial:
# "this is not something we caused", "none of this was our doing".
_NEGATION = re.compile(
    r"\b(?:not|never|no|none|nothing|neither|nor|ne|pas|jamais|aucune?|nullement|aucunement)\b"
    r"|n't\b|\bn'"
)
_NOT_A_NEGATION = re.compile(
    r"\b(?:il n'y a |il ne fait )?(?:aucun|pas de|sans|no|without a?) ?doute\b|\bno doubt\b"
    r"|\bnot only\b|\bnon seulement\b"
)
_CLAUSE = re.compile(r"[,;:.!?()—–]|\b(?:mais|but|however|cependant)\b")


def stance(sentence: str) -> str | None:
    """'deny', 'deflect' or 'own' for one normalised sentence (None: none of them)."""
    if lexicon("deny").search(sentence):
        return "deny"
    owns = lexicon("own").search(sentence)
    if owns and negated(sentence, owns.start()):
        return "deny"
    if deflects(sentence):
        return "deflect"
    return "own" if owns else None


def negated(sentence: str, at: int) -> bool:
    """Whether the clause before position `at` negates what follows (a few words back)."""
    clause = _CLAUSE.split(sentence[:at])[-1]
    clause = _NOT_A_NEGATION.sub(" ", clause)
    return bool(_NEGATION.search(" ".join(clause.split()[-6:])))


def deflects(sentence: str) -> bool:
    """Whether a sentence moves the responsibility to a third party without owning ours."""
    return bool(lexicon("deflect").search(sentence)) and not lexicon("own").search(sentence)
