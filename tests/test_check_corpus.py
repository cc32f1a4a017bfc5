"""`update check` on its labelled corpus: the figures README.md shows, and the goals."""

from __future__ import annotations

from pathlib import Path

from check_corpus import HELD_OUT, load, measure, table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_corpus_is_big_and_covers_both_languages_and_every_rule() -> None:
    _, items = load()
    assert len(items) >= 150
    assert {i.lang for i in items} == {"fr", "en"}
    labels = {label for i in items for label in i.labels}
    expected = {"own", "denial", "deflection", "blame", "client-blame", "secret"}
    assert labels >= expected | {"personal-data", "leak", "jargon", "missing-ownership"}
    assert sum(1 for i in items if not i.labels) >= 40  # neutral sentences and look-alikes
    assert sum(1 for i in items if i.draft) >= 5


def test_goals_and_readme_figures() -> None:
    figures = measure()
    misses = [f"{sorted(i.labels)} got {sorted(g)}: {i.text[:80]}" for i, g in figures.wrong]
    assert figures.correct >= 0.95 * figures.items, misses
    assert figures.recall("denial") == 1.0, misses  # every denial blocked
    assert figures.precision("blame") == 1.0 and figures.precision("secret") == 1.0, misses
    readme = README.read_text(encoding="utf-8")
    assert f"{figures.correct} of {figures.items}" in readme, "update the figures in README.md"
    assert table(figures) in readme, "update the table in README.md (python tests/check_corpus.py)"


def test_the_second_set_written_after_the_rules() -> None:
    """Sentences first run blind (README gives that first figure, and today's)."""
    figures = measure(HELD_OUT)
    misses = [f"{sorted(i.labels)} got {sorted(g)}: {i.text[:80]}" for i, g in figures.wrong]
    assert figures.items >= 50
    assert figures.correct >= 0.9 * figures.items, misses
    assert figures.recall("denial") == 1.0, misses
    readme = README.read_text(encoding="utf-8")
    assert f"today {figures.correct} of {figures.items}" in readme, "update README.md"
