"""The words `update check` looks for, in French and English (data only).

Each is a regular expression over normalised text (casefolded, straight
apostrophes, collapsed whitespace); see meptool.updates.check for the rules using them.
"""

from __future__ import annotations

import re


def rx(*alternatives: str) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of the alternatives."""
    return re.compile("|".join(alternatives), re.IGNORECASE)


ELEMENTS: list[tuple[str, str, str, re.Pattern[str]]] = [
    (
        "ownership",
        "acknowledgement.statement",
        "does not own the problem (say it is our error and that we take responsibility)",
        rx(
            r"responsabilit",
            r"notre erreur",
            r"de notre fait",
            r"nos excuses",
            r"responsib",
            r"our (mistake|error|fault)",
            r"mistake (is|was) ours",
            r"we apologi[sz]e",
            r"we are sorry",
        ),
    ),
    (
        "known",
        "impact.summary",
        "does not say what is known now (e.g. a 'Ce que nous savons' / 'What we know' part)",
        rx(r"ce que nous savons", r"what we know"),
    ),
    (
        "unknown",
        "root_cause",
        "does not say what is not known yet",
        rx(
            r"ne savons pas",
            r"reste à (confirmer|vérifier|établir)",
            r"pas encore",
            r"(don't|do not) (yet )?know",
            r"not (yet )?known",
            r"still to (confirm|check)",
            r"remains to be",
        ),
    ),
    (
        "actions",
        "corrective_plan",
        "does not list what is being done (e.g. 'Ce que nous faisons' / 'What we are doing')",
        rx(r"ce que nous faisons", r"plan d'actions?", r"what we are doing", r"action plan"),
    ),
    (
        "next-update",
        "next_update_due",
        "does not say when the next update will come",
        rx(
            r"prochain point",
            r"prochaine? (mise à jour|nouvelles|message)",
            r"nouveau point",
            r"next update",
            r"update you again",
        ),
    ),
    (
        "contact",
        "team.lead",
        "does not offer a call (e.g. 'je vous appelle' / 'I can call you')",
        rx(r"appel", r"vive voix", r"téléphone", r"\bcall\b", r"on the phone"),
    ),
]
SCHEDULE = rx(
    r"délai",
    r"décal",
    r"retard",
    r"calendrier",
    r"budget",
    r"livraison",
    r"delay",
    r"schedule",
    r"delivery",
)
AGREEMENT = rx(r"accord", r"valid", r"agree", r"approv", r"confirm")

SECRET_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
    (
        "a stack trace",
        re.compile(
            r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+"
            r"|^\s*at [\w$.<>]+\([\w$]+\.(java|kt|scala):\d+\)|Exception in thread \""
            r"|^\s*at .+ \(\S+:\d+:\d+\)|\b(?:[a-z]+\.)+[A-Z]\w*(?:Exception|Error)\b"
        ),
    ),
    (
        "a connection string",
        re.compile(
            r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@"
            r"|\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|sqlserver"
            r"|mssql|oracle)://\S+|\bjdbc:[a-z0-9]+:\S+"
            r"|\b(?:Server|Data Source|Host)=[^;\s]+;.*\b(?:Password|Pwd)=",
            re.IGNORECASE,
        ),
    ),
    (
        "a password or token",
        re.compile(
            r"\b(?:mot de passe|password|passwd|pwd|api[_ -]?key|secret|token)\s*[:=]\s*\S{4,}",
            re.IGNORECASE,
        ),
    ),
    (
        "an internal host name",
        re.compile(
            r"\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|intranet|corp|lan|local)\b", re.IGNORECASE
        ),
    ),
]

BLAME = rx(
    r"\bfaute\b",
    r"\bfautif",
    r"à cause d",
    r"\ba oublié",
    r"\bn'a pas (testé|vérifié|vu|fait)",
    r"\berreur de\b",
    r"\bnégligen",
    r"\bs'est trompé",
    r"\ba cassé",
    r"\bresponsable de l'",
    r"\bfault\b",
    r"\bblame",
    r"\bbecause of\b",
    r"\bforgot\b",
    r"\bfailed to\b",
    r"\bmistake\b",
    r"\bnegligen",
    r"\bbroke\b",
    r"\bresponsible for\b",
    r"\bcaused by\b",
)
JARGON = re.compile(
    r"\b(api|rollback|roll-back|hotfix|hot-fix|commit|pipeline|merge|sql|dns|endpoint|timeout"
    r"|backend|back-end|frontend|front-end|ci/cd|regex|null|exception|stack ?trace|kubernetes"
    r"|k8s|docker|cluster|cache|token|http|json|yaml|logs?|refactor\w*|webhook|cron|build"
    r"|staging)\b",
    re.IGNORECASE,
)
