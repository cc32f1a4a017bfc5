"""The characters meptool escapes when it writes YAML are exactly those outside YAML's
printable set, plus the line and paragraph separators and the BOM (every code point)."""

from __future__ import annotations

import re

from meptool.files import yamledit


def test_escaped_characters_are_yamls_non_printable_ones_and_the_separators() -> None:
    spec = re.compile(f"[^{yamledit.YAML_PRINTABLE}]|[\u2028\u2029\ufeff]")
    escaped = yamledit._PRINTABLE
    differ = [c for c in range(0x110000) if bool(spec.match(chr(c))) != bool(escaped.match(chr(c)))]
    assert differ == []
    assert escaped.match("\x1b") and escaped.match("\u2028") and not escaped.match("é")
