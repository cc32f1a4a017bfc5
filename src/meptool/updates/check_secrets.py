"""`update check`'s secrets: credentials, keys, internal addresses, personal data.

detect-secrets (meptool.updates.secret_scan) finds tokens and keys; these rules add what it
does not look for: a credential after « mdp », « mot de passe », `pwd`, `token`… (a
value, not a word of prose), a password-shaped word, private keys, stack traces,
connection strings, private and internal IPv4/IPv6 addresses, the workspace's
`internal_hostnames` (and their distinctive short names), and — as warnings — IBANs
and payment card numbers whose check digits hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from meptool.updates import secret_scan
from meptool.updates.check_facts import Facts
from meptool.updates.check_finding import BLOCK, WARN, Finding, lexicon, short
from meptool.updates.check_patterns import (
    CREDENTIAL_VALUE,
    PASSWORD_SHAPED,
    SECRET_RULES,
    WEAK_PASSWORDS,
)


def secrets(
    lines: list[str], source: str, facts: Facts, hostnames: list[str], hits: list[tuple[int, str]]
) -> Iterator[Finding]:
    """Secrets, internal addresses (block) and personal data (warn), line by line.

    `hits` are detect-secrets' findings for these lines (line number, type), run by
    the caller once for all the files of a draft.
    """
    listed = [h.casefold() for h in hostnames if h]
    short_names = [h.split(".")[0] for h in listed if "." in h]
    distinctive = [n for n in short_names if re.search(r"[\d-]", n)]
    label = lexicon("secret_label")
    for number, line in enumerate(lines, start=1):
        for what, pattern in SECRET_RULES:
            match = pattern.search(line)
            if match and match.group(0).casefold() not in listed:
                yield Finding(
                    "secret",
                    BLOCK,
                    f"looks like {what}: {short(match.group(0), 40)!r}",
                    source,
                    number,
                    facts.origin(match.group(0), line),
                )
        for match in PASSWORD_SHAPED.finditer(line):
            yield Finding(
                "secret",
                BLOCK,
                f"looks like a password: {match.group(0)[:2]}… (letters, digits and signs)",
                source,
                number,
                facts.origin(match.group(0), line),
            )
        lowered = line.lower().replace("\u2019", "'")
        for match in label.regex.finditer(lowered):
            rest = line[match.end() :].split()
            value = rest[0] if rest else ""
            if _credential(value):
                yield Finding(
                    "secret",
                    BLOCK,
                    f"looks like a password or token: {short(match.group(0).strip(), 20)!r} "
                    "followed by a value",
                    source,
                    number,
                    facts.origin(value, line),
                )
        low = line.casefold()
        for host in listed:
            if host in low:
                yield Finding(
                    "secret",
                    BLOCK,
                    f"names the internal host {host}",
                    source,
                    number,
                    facts.origin(host, line),
                )
        for name in distinctive:
            if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|\.\w)", low):
                yield Finding(
                    "secret",
                    BLOCK,
                    f"names the internal host {name}",
                    source,
                    number,
                    facts.origin(name, line),
                )
        for address in secret_scan.internal_addresses(line):
            yield Finding(
                "secret",
                BLOCK,
                f"gives an internal network address: {address}",
                source,
                number,
                facts.origin(address, line),
            )
        for what, text in secret_scan.personal_data(line):
            yield Finding(
                "personal-data",
                WARN,
                f"looks like {what}: {short(text, 12)}… (never in an update)",
                source,
                number,
                facts.origin(text, line),
            )
    for number, kind in hits:
        line = lines[number - 1]
        yield Finding(
            "secret",
            BLOCK,
            f"looks like a secret ({kind})",
            source,
            number,
            facts.origin(line.strip(" -"), line),
        )


def _credential(value: str) -> bool:
    value = value.strip("'\"«»`.,;()")
    if not value:
        return False
    if value.casefold() in WEAK_PASSWORDS or CREDENTIAL_VALUE.match(value):
        return True
    # A long unbroken token that is not a word of prose (ghp_abcdefghijklmnop).
    return len(value) >= 12 and not value.isalpha() and bool(re.fullmatch(r"[\w+/=.-]+", value))
