"""Secrets this process knows (the SMTP password), and redaction of them from any text.

The password lives only in an environment variable; once read, it is registered
here so that an error message, a `--debug` traceback or anything printed can be
passed through `redact` first. Its base64 forms are registered too: SMTP AUTH
sends them, and a server may quote them back in an error reply.
"""

from __future__ import annotations

import base64

MASK = "********"
_known: set[str] = set()


def register(value: str | None, *, username: str | None = None) -> None:
    """Remember a secret (and its SMTP AUTH encodings) so that `redact` hides it."""
    if not value:
        return
    forms = {value, _b64(value)}
    if username:
        forms.add(_b64(f"\0{username}\0{value}"))  # AUTH PLAIN
    _known.update(f for f in forms if len(f) >= 4)


def redact(text: str) -> str:
    """`text` with every registered secret replaced by a mask."""
    for value in sorted(_known, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


def forget() -> None:
    """Drop every registered secret (for tests)."""
    _known.clear()


def _b64(value: str) -> str:
    return base64.b64encode(value.encode("utf-8")).decode("ascii")
