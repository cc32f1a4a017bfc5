"""Numbers written in a form only YAML 1.1 reads as numbers (`010`, `0x10`, `1_5`, `1:30`).

The YAML reader (`meptool.files.yamldoc`) marks them with these types, so that
number fields refuse them with a located message while text fields keep reading
them as before. Stdlib only: the quick YAML paths import it.
"""

from __future__ import annotations


class Yaml11Int(int):
    """A whole number written in a form only YAML 1.1 reads as one (`010`, `0x10`, `1_5`, `1:30`).

    Number fields refuse it with a located message (a person writing `010` meant
    ten, not eight); text fields see it as a number written unquoted, as before.
    """

    raw: str

    def __new__(cls, value: int, raw: str) -> Yaml11Int:
        made = super().__new__(cls, value)
        made.raw = raw
        return made


class Yaml11Float(float):
    """A decimal written in a form only YAML 1.1 reads as one (`1_000.5`, `1:30.5`)."""

    raw: str

    def __new__(cls, value: float, raw: str) -> Yaml11Float:
        made = super().__new__(cls, value)
        made.raw = raw
        return made
