"""The labelled corpus of `update check` and its figures (see tests/data/check_corpus.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from meptool.model.enums import Audience
from meptool.model.incident import Incident
from meptool.updates.check import UPDATE, check_text, sentences_of
from meptool.updates.check_finding import stance

CORPUS = Path(__file__).resolve().parent / "data" / "check_corpus.yaml"
HELD_OUT = CORPUS.with_name("check_heldout.yaml")
HOSTS = ["db-prod-01.agence.internal", "jenkins.agence.internal"]
LEAKS = {"internal-timeline", "internal-action"}


@dataclass
class Item:
    text: str
    lang: str
    labels: set[str]
    draft: bool = False


@dataclass
class Figures:
    items: int = 0
    correct: int = 0
    wrong: list[tuple[Item, set[str]]] = field(default_factory=list)
    counts: dict[str, list[int]] = field(default_factory=dict)  # label -> [tp, fp, fn]

    def precision(self, label: str) -> float:
        tp, fp, _ = self.counts[label]
        return tp / (tp + fp) if tp + fp else 1.0

    def recall(self, label: str) -> float:
        tp, _, fn = self.counts[label]
        return tp / (tp + fn) if tp + fn else 1.0


def load(path: Path = CORPUS) -> tuple[dict[str, Incident], list[Item]]:
    """The corpus's incidents and the items of `path` (the corpus, or the held-out set)."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "incidents" not in data:
        data["incidents"] = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["incidents"]
    tz = ZoneInfo("Europe/Paris")
    incidents = {
        lang: Incident.model_validate(raw, context={"tz": tz})
        for lang, raw in data["incidents"].items()
    }
    items = [
        Item(i["text"], i["lang"], set(i["labels"]), bool(i.get("draft"))) for i in data["items"]
    ]
    return incidents, items


def judge(item: Item, incident: Incident) -> set[str]:
    """The labels the check gives an item (the same rules as `update check`)."""
    rules = UPDATE if item.draft else UPDATE - {"elements"}
    findings = check_text(
        item.text,
        source="corpus",
        incident=incident,
        internal_hostnames=HOSTS,
        rules=rules,
        audience=Audience.DECISION_MAKERS,
    )
    labels = {"leak" if f.rule in LEAKS else f.rule for f in findings}
    labels -= {"action-details"}
    if any(f.rule == "missing-actions" and not f.blocking for f in findings):
        labels.add("action-details")
    if any(stance(s.norm) == "own" for s in sentences_of(item.text.splitlines())):
        labels.add("own")
    return labels


def measure(path: Path = CORPUS) -> Figures:
    incidents, items = load(path)
    figures = Figures()
    for item in items:
        got = judge(item, incidents[item.lang])
        figures.items += 1
        if got == item.labels:
            figures.correct += 1
        else:
            figures.wrong.append((item, got))
        for label in got | item.labels:
            tp_fp_fn = figures.counts.setdefault(label, [0, 0, 0])
            if label in got and label in item.labels:
                tp_fp_fn[0] += 1
            elif label in got:
                tp_fp_fn[1] += 1
            else:
                tp_fp_fn[2] += 1
    return figures


def table(figures: Figures) -> str:
    """The README's table of figures."""
    rows = ["| rule | items labelled | found | precision | recall |", "|---|---|---|---|---|"]
    for label in sorted(figures.counts):
        tp, fp, fn = figures.counts[label]
        rows.append(
            f"| `{label}` | {tp + fn} | {tp + fp} | {figures.precision(label):.0%} "
            f"| {figures.recall(label):.0%} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":  # python tests/check_corpus.py [--held-out]: figures and misses
    import sys

    result = measure(HELD_OUT if "--held-out" in sys.argv else CORPUS)
    print(f"{result.correct}/{result.items} correct ({result.correct / result.items:.1%})")
    print(table(result))
    for item, got in result.wrong:
        print(f"MISS {item.lang} {sorted(item.labels)} got {sorted(got)}: {item.text[:90]!r}")
