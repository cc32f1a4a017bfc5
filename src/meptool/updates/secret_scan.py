"""Yelp's detect-secrets over drafts, run only when a line could hold what it finds.

detect-secrets is the authority on secrets in a client update, but it is the
dearest part of a check: ~0.5 s in each process (importing it pulls in
`requests`, and its plugins compile some 300 regular expressions), more than
drafting the update itself. Most updates hold nothing any of its plugins
could report, so `scan` first looks for what each default plugin needs before
it can report anything — its prefix, its keyword, the shortest token it can
flag (`NEEDS`) — and calls detect-secrets only when some line has one of
them, or when the text could be read as an INI file (detect-secrets then
re-quotes every value, so that an unquoted token counts as quoted).

Each condition is a superset of its plugin's patterns, read from detect-secrets
1.5.0's source. At run time, any other release (another version, other plugin
files) is not trusted to the filter: every text goes through detect-secrets.
tests/test_secret_scan.py keeps the filter honest: the plugin list, keywords,
charsets and entropy limits must be the reviewed ones, a sample of every plugin
must be let through, and wherever the filter stops a text (shipped updates and
reports, generated texts) a full detect-secrets run must find nothing.
"""

from __future__ import annotations

import configparser
import functools
import io
import os
import re
import tempfile

# detect-secrets 1.5 `plugins.keyword.DENYLIST` (searched case-insensitively).
KEYWORDS = (
    "api_?key",
    "auth_?key",
    "service_?key",
    "account_?key",
    "db_?key",
    "database_?key",
    "priv_?key",
    "private_?key",
    "client_?key",
    "db_?pass",
    "database_?pass",
    "key_?pass",
    "password",
    "passwd",
    "pwd",
    "secret",
    "contraseña",
    "contrasena",
)
# The characters of the high-entropy plugins (base64 and url-safe base64; hex is within).
B64 = r"A-Za-z0-9+/\\\-_="
# A token needs more than 3.0 bits of entropy (hex), or more than 4.5 (base64), and
# n characters hold at most log2(n) bits: 9 characters at the very least.
SHORTEST_HIGH_ENTROPY = 9
# A quoted run of them that long (hex and base64 alike; quotes need not match).
_QUOTED_TOKEN = rf"['\"][{B64}]{{{SHORTEST_HIGH_ENTROPY},}}['\"]"

# plugin class -> what every line it reports contains (a regular expression).
NEEDS: dict[str, str] = {
    "ArtifactoryDetector": r"AKC[a-zA-Z0-9]{10}|AP[\dABCDEF][a-zA-Z0-9]{8}",
    "AWSKeyDetector": r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}"
    r"|['\"][0-9a-zA-Z/+]{40}['\"]",
    "AzureStorageKeyDetector": r"AccountKey=",
    "BasicAuthDetector": r"://[^\s:]+:[^\s@]+@",
    "CloudantDetector": r"(?i:[0-9a-f]{64}|[a-z]{24})",
    "DiscordBotTokenDetector": r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.",
    "GitHubTokenDetector": r"(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}",
    "GitLabTokenDetector": r"(?:glpat|gldt|glft|glsoat|glrt|glcbt|glimt|glptt|glagent|gloas)-"
    r"|GR1348941",
    "Base64HighEntropyString": _QUOTED_TOKEN,
    "HexHighEntropyString": _QUOTED_TOKEN,
    "IbmCloudIamDetector": r"[a-zA-Z0-9_\-]{44}",
    "IbmCosHmacDetector": r"(?i:[a-f0-9]{48})",
    "IPPublicDetector": r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",
    "JwtTokenDetector": r"eyJ",
    "KeywordDetector": "(?i:" + "|".join(KEYWORDS) + ")",
    "MailchimpDetector": r"[0-9a-z]{32}-us[0-9]",
    "NpmDetector": r"_authToken=",
    "OpenAIDetector": r"T3BlbkFJ",
    "PrivateKeyDetector": r"PRIVATE KEY|PuTTY-User-Key-File-2",
    "PypiTokenDetector": r"pypi-AgE",
    "SendGridDetector": r"SG\.[a-zA-Z0-9_-]{22}\.",
    "SlackDetector": r"(?i:xox[aboprs]-|hooks\.slack\.com)",
    "SoftlayerDetector": r"(?i:[a-z0-9]{64})",
    "SquareOAuthDetector": r"sq0csp-",
    "StripeDetector": r"[rs]k_live_",
    "TelegramBotTokenDetector": r"\d{8,10}:[0-9A-Za-z_-]{35}",
    "TwilioKeyDetector": r"AC[a-z0-9]{32}|SK[a-z0-9]{32}",
}


@functools.cache
def _any_need() -> re.Pattern[str]:
    from meptool.updates.check_regex import compile_cached

    return compile_cached("|".join(f"(?:{needs})" for needs in NEEDS.values()))


def _physical_lines(text: str) -> list[str]:
    """The lines detect-secrets reads back from the file (universal newlines)."""
    return io.StringIO(text, newline=None).readlines()


def _reads_as_ini(text: str) -> bool:
    """Whether detect-secrets' INI transformers could read the file (then values are quoted)."""
    for content in (text, "[global]\n" + text):
        parser = configparser.ConfigParser()
        try:
            parser.read_string(content)
        except configparser.Error:
            continue
        return True
    return False


# What NEEDS was read from. Another detect-secrets (a newer release, other plugin
# files) is not trusted to the filter: every text then goes through it.
REVIEWED_VERSION = "1.5.0"
REVIEWED_PLUGIN_FILES = frozenset(
    {
        "__init__.py", "base.py", "artifactory.py", "aws.py", "azure_storage_key.py",
        "basic_auth.py", "cloudant.py", "discord.py", "github_token.py", "gitlab_token.py",
        "high_entropy_strings.py", "ibm_cloud_iam.py", "ibm_cos_hmac.py", "ip_public.py",
        "jwt.py", "keyword.py", "mailchimp.py", "npm.py", "openai.py", "private_key.py",
        "pypi_token.py", "sendgrid.py", "slack.py", "softlayer.py", "square_oauth.py",
        "stripe.py", "telegram_token.py", "twilio.py",
    }
)  # fmt: skip


@functools.cache
def reviewed_release() -> bool:
    """Whether the installed detect-secrets is the one NEEDS was read from (not imported)."""
    import importlib.util
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("detect_secrets")
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    folder = Path(next(iter(spec.submodule_search_locations)))
    try:
        version = (folder / "__version__.py").read_text(encoding="utf-8")
        plugins = {p.name for p in (folder / "plugins").glob("*.py")}
    except OSError:
        return False
    found = re.search(r"""VERSION\s*=\s*['"]([^'"]+)['"]""", version)
    return (
        found is not None
        and found.group(1) == REVIEWED_VERSION
        and plugins == REVIEWED_PLUGIN_FILES
    )


def could_hold_secret(lines: list[str]) -> bool:
    """False only when no default detect-secrets plugin can report anything in these lines."""
    if not reviewed_release():
        return True
    text = "\n".join(lines) + "\n"
    physical = _physical_lines(text)
    pattern = _any_need()
    if any(pattern.search(line) for line in physical):
        return True
    return _reads_as_ini("".join(physical))


def scan(lines: list[str]) -> list[tuple[int, str]]:
    """(line, secret type) found by detect-secrets in these lines; see the module's text."""
    if not could_hold_secret(lines):
        return []
    return detect_secrets(lines)


def detect_secrets(lines: list[str]) -> list[tuple[int, str]]:
    """(line, secret type) found by Yelp's detect-secrets with its default plugins and filters."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    fd, tmp = tempfile.mkstemp(suffix=".txt", prefix="meptool-check-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        with default_settings():
            collection = SecretsCollection()
            collection.scan_file(tmp)
            found = sorted({(s.line_number, str(s.type)) for _, s in collection})
    finally:
        os.unlink(tmp)
    return found


# --- what detect-secrets does not look for -------------------------------------------

_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?!\w|\.\d)")
_IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:/\d{1,3})?(?![\w:])")


def internal_addresses(line: str) -> list[str]:
    """Private, loopback, link-local and shared IPv4/IPv6 addresses in a line."""
    import ipaddress

    shared = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
    found: list[str] = []
    for match in [*_IPV4.finditer(line), *_IPV6.finditer(line)]:
        text = match.group(0)
        try:
            ip = ipaddress.ip_address(text.split("/")[0])
        except ValueError:
            continue
        if (
            ip.is_private
            or ip.is_loopback
            or ip.is_link_local
            or (ip.version == 4 and ip in shared)
            or (ip.version == 6 and ip.is_site_local)
        ) and not ip.is_unspecified:
            found.append(text)
    return found


_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_CARD = re.compile(r"(?<![\d,.])(?:\d[ -]?){12,18}\d(?![\d,])")
_CARD_CONTEXT = re.compile(r"\b(?:siret|siren|tva|vat|ref|réf|n° de commande|order)\b[^\d]{0,12}$")


def iban_valid(text: str) -> bool:
    """Whether an IBAN's ISO 7064 mod-97 check holds."""
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in moved)
    return int(digits) % 97 == 1


def luhn_valid(digits: str) -> bool:
    """Whether a number passes the Luhn check (the one payment cards carry)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        value = int(char)
        if i % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _card_shaped(digits: str) -> bool:
    """Length and first digits of a Visa, Mastercard, Amex, Diners, Discover or CB card."""
    n = len(digits)
    if len(set(digits)) == 1:
        return False
    if digits[0] == "4":
        return n in (13, 16, 19)
    if digits[:2] in ("34", "37"):
        return n == 15
    if digits[:2] in ("30", "36", "38"):
        return n == 14
    if "51" <= digits[:2] <= "55" or "2221" <= digits[:4] <= "2720":
        return n == 16
    if digits[0] == "6":
        return n in (16, 19)
    return False


def personal_data(line: str) -> list[tuple[str, str]]:
    """(what, text) for IBANs and payment card numbers whose check digits hold."""
    found: list[tuple[str, str]] = []
    for match in _IBAN.finditer(line):
        if iban_valid(match.group(0)):
            found.append(("an IBAN", match.group(0)))
    for match in _CARD.finditer(line):
        digits = re.sub(r"\D", "", match.group(0))
        before = line[: match.start()].casefold()
        if _card_shaped(digits) and luhn_valid(digits) and not _CARD_CONTEXT.search(before):
            found.append(("a payment card number", match.group(0).strip()))
    return found
