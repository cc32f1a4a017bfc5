"""The rules of `update check` as data: lexicons with the examples that pin them.

Each language has its own module (`check_rules_fr`, `check_rules_en`) holding
`LEXICONS`, a mapping of lexicon name -> `Lexicon`. A lexicon is a list of
regular expressions over normalised text (casefolded, straight apostrophes,
collapsed whitespace, see `norm`), with sentences it must match (`examples`)
and sentences it must not (`counterexamples`); tests/test_check_rules.py holds
every lexicon to its examples. The rules themselves (meptool.updates.check) read the
lexicons of both languages at once, so that a French draft with an English
sentence, or the reverse, is judged too.

What does not depend on a language (identifiers, secrets' shapes) is here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from meptool.updates.check_regex import compile_cached

# The lexicons every language module defines (checked by the tests).
NAMES = (
    "own",  # we own the error
    "deny",  # we deny it (block)
    "deflect",  # we move it to a third party (warn)
    "blame_verb",  # what follows a person who failed ("Paul a oublié")
    "blame_noun",  # what precedes a person who failed ("erreur de Paul")
    "blame_passive",  # a failure done "by" a person ("oublié par Paul")
    "client_blame",  # the client blamed (warn)
    "known",  # what is known now
    "unknown",  # what is not known yet
    "actions",  # what is being done
    "schedule",  # the delay, the delivery date, the budget
    "agreement",  # the client's agreement
    "ask",  # a request to the reader
    "next_update",  # the promise of the next update
    "when",  # a time or a day
    "call",  # a call offered
    "jargon",  # words a decision-maker should not have to decode
    "secret_label",  # the words that introduce a credential
)


def norm(text: str) -> str:
    """Casefolded, straight apostrophes, whitespace (including no-break spaces) collapsed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'").casefold()
    return " ".join(text.split())


MEMO = 10_000  # texts whose first match a lexicon remembers


@dataclass(frozen=True)
class Lexicon:
    """Regular expressions (over `norm`-alised text) and the sentences that pin them."""

    patterns: tuple[str, ...]
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    note: str = ""
    _compiled: list[re.Pattern[str]] = field(default_factory=list, compare=False, repr=False)
    _found: dict[str, re.Match[str] | None] = field(default_factory=dict, compare=False, repr=False)

    @property
    def regex(self) -> re.Pattern[str]:
        """One pattern for all the alternatives."""
        if not self._compiled:
            self._compiled.append(compile_cached("|".join(f"(?:{p})" for p in self.patterns)))
        return self._compiled[0]

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in already normalised text.

        Remembered per text (up to MEMO of them): the formats of one update (.eml text
        and HTML, .md) say the same sentences, and the rules ask of some twice.
        """
        if text in self._found:
            return self._found[text]
        found = self.regex.search(text)
        if len(self._found) < MEMO:
            self._found[text] = found
        return found


# --- language-independent shapes ---------------------------------------------

SECRET_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
    (
        "a stack trace",
        compile_cached(
            r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+"
            r"|^\s*at [\w$.<>]+\([\w$]+\.(java|kt|scala):\d+\)|Exception in thread \""
            r"|^\s*at .+ \(\S+:\d+:\d+\)|\b(?:[a-z]+\.)+[A-Z]\w*(?:Exception|Error)\b"
        ),
    ),
    (
        "a connection string",
        compile_cached(
            r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@"
            r"|\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|sqlserver"
            r"|mssql|oracle)://\S+|\bjdbc:[a-z0-9]+:\S+"
            r"|\b(?:Server|Data Source|Host)=[^;\s]+;.*\b(?:Password|Pwd)=",
            re.IGNORECASE,
        ),
    ),
    (
        "an internal host name",
        compile_cached(
            r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|intranet|corp|lan|local)\b", re.IGNORECASE
        ),
    ),
]

# A value after "mdp :", "password=" etc. that is a credential, not a word of prose:
# it holds a digit or a sign next to letters, or capitals inside, or is a classic.
WEAK_PASSWORDS = frozenset(
    [
        "admin",
        "root",
        "password",
        "motdepasse",
        "azerty",
        "qwerty",
        "changeme",
        "letmein",
        "secret",
        "test",
        "toor",
        "administrateur",
        "welcome",
        "bienvenue",
    ]
)
CREDENTIAL_VALUE = re.compile(
    r"^(?=.*[A-Za-zÀ-ÿ])(?:(?=.*\d)|(?=.*[^\w\s])|(?=.*[a-zà-ÿ][A-ZÀ-Þ])).{4,}$"
)

# A word shaped like a password even without a label: ten signs or more, with lower and
# upper case, a digit and one of the signs password rules ask for ("Paiement2026!").
PASSWORD_SHAPED = re.compile(
    r"(?<!\S)(?!\S*(?:://|@|www\.))(?=\S*[a-zà-ÿ])(?=\S*[A-ZÀ-Þ])(?=\S*\d)"
    r"(?=\S*[!#$%&*?+=~^])\S{10,64}(?!\S)"
)

# Identifiers and tokens a decision-maker should not meet (case matters here, so
# these run over the original text, not `norm`).
IDENTIFIERS: list[tuple[str, re.Pattern[str]]] = [
    # getUserById, PaymentServiceImpl: two humps; OOMKilled, CheckoutService: a code suffix.
    (
        "a code identifier",
        re.compile(
            r"\b(?:[a-z]+(?:[A-Z][a-z0-9]+){2,}|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+){2,}"
            r"|[A-Za-z][A-Za-z0-9]*(?:Service|Controller|Manager|Handler|Exception|Error"
            r"|Killed|Factory|Repository|Client|Config|Impl|Id|Dto|Api))\b"
        ),
    ),
    ("a code identifier", re.compile(r"(?<![\w@./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")),
    ("a commit hash", re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")),
]
# Brands and words that look like identifiers to the patterns above.
IDENTIFIER_ALLOWED = frozenset(
    [
        "iPhone",
        "iPad",
        "iCloud",
        "eBay",
        "LinkedIn",
        "YouTube",
        "PayPal",
        "WordPress",
        "WooCommerce",
        "PrestaShop",
        "JavaScript",
        "TypeScript",
        "PowerPoint",
        "SharePoint",
        "OneDrive",
        "McDonald",
        "MasterCard",
        "FedEx",
        "GitHub",
        "GitLab",
        "DevOps",
    ]
)
