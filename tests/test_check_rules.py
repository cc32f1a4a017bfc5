"""Every lexicon of `update check` holds to the examples that pin it, in both languages."""

from __future__ import annotations

import pytest

from meptool.updates import check_rules_en, check_rules_fr
from meptool.updates.check_finding import stance
from meptool.updates.check_patterns import NAMES, norm

MODULES = {"fr": check_rules_fr, "en": check_rules_en}
CASES = [
    (lang, name, text, expected)
    for lang, module in MODULES.items()
    for name, lex in module.LEXICONS.items()
    for text, expected in [
        *((t, True) for t in lex.examples),
        *((t, False) for t in lex.counterexamples),
    ]
]


@pytest.mark.parametrize("lang", MODULES)
def test_every_language_defines_every_lexicon(lang: str) -> None:
    assert set(MODULES[lang].LEXICONS) == set(NAMES)
    for name, lex in MODULES[lang].LEXICONS.items():
        assert lex.examples, f"{lang}.{name} has no example pinning it"


@pytest.mark.parametrize(("lang", "name", "text", "expected"), CASES)
def test_lexicon_example(lang: str, name: str, text: str, expected: bool) -> None:
    lex = MODULES[lang].LEXICONS[name]
    assert bool(lex.search(norm(text))) is expected, (lang, name, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ce n'est pas la faute du partenaire : c'est la nôtre.", "own"),
        ("Ce n'est pas notre erreur.", "deny"),
        ("This was not our fault.", "deny"),
        ("The outage was caused by our provider.", "deflect"),
        ("The outage was caused by our provider, but the mistake is ours.", "own"),
        ("Le service fonctionne de nouveau.", None),
        # A negation just before an ownership phrase makes it a denial.
        ("This is not something we caused.", "deny"),
        ("None of this was our doing.", "deny"),
        ("Nous ne pensons pas que l'erreur nous revient.", "deny"),
        ("There is no doubt that this is our mistake.", "own"),
        ("Il n'y a aucun doute : c'est notre erreur.", "own"),
        ("Nous n'avons pas assez testé ce cas.", "own"),
        ("We are not sure yet of the cause, but we take full responsibility.", "own"),
    ],
)
def test_stance_denial_wins_and_owning_cancels_a_deflection(
    text: str, expected: str | None
) -> None:
    assert stance(norm(text)) == expected
