"""The pre-filter in front of detect-secrets never changes what a check finds.

`secret_scan.scan` skips detect-secrets when no line has what any of its
default plugins needs; these tests hold that claim against detect-secrets
itself: the plugins and their settings are the reviewed ones, a sample of
each plugin is let through, and wherever the filter says "nothing here",
a full detect-secrets run agrees.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meptool.updates import secret_scan

SNAPSHOTS = Path(__file__).parent / "snapshots"
B64 = string.ascii_letters + string.digits + "+/\\-_="

# One line per plugin that detect-secrets reports with that plugin's type.
SAMPLES = {
    "ArtifactoryDetector": 'artifactory: "AKCp5budTFpbypBqQbGJPz3pGCi28pPivfWczqjfYb9drAmd9LbRZb"',
    "AWSKeyDetector": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    "AzureStorageKeyDetector": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey="
    "lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ==;",
    "BasicAuthDetector": "voir https://admin:hunter2x@intranet.example.com/status",
    "CloudantDetector": 'cloudant_password: "' + "0123456789abcdef" * 4 + '"',
    "DiscordBotTokenDetector": "token MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
    "GitHubTokenDetector": "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",
    "GitLabTokenDetector": "glpat-Aa1Bb2Cc3Dd4Ee5Ff6Gg7H",
    "Base64HighEntropyString": 'cle = "c2VjcmV0IGtleSBoZXJlIQ9Zx7Rk3pQm"',
    "HexHighEntropyString": "digest = '3c9909afec25354d551dae21590bb26e"
    "38d53f2173b8d3dc3eee4c047e7ab1c1'",
    "IbmCloudIamDetector": 'ibm_cloud_iam_api_key: "abcd1234abcd1234abcd1234ABCD1234ABCD1234abcd"',
    "IbmCosHmacDetector": 'cos_hmac_secret_access_key = "' + "0123456789abcdef" * 3 + '"',
    "JwtTokenDetector": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "KeywordDetector": 'password = "hunter2!"',
    "MailchimpDetector": "clé 343ea45721923ed956e2b38c31db76aa-us30",
    "NpmDetector": "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789",
    "OpenAIDetector": "sk-" + "A" * 20 + "T3BlbkFJ" + "B" * 20,
    "PrivateKeyDetector": "-----BEGIN RSA PRIVATE KEY-----",
    "PypiTokenDetector": "pypi-AgEIcHlwaS5vcmc" + "A" * 70,
    "SendGridDetector": "SG." + "a" * 22 + "." + "b" * 43,
    "SlackDetector": "xoxb-1234567890-abcdefghij",
    "SoftlayerDetector": 'softlayer_api_key = "' + "a1" * 32 + '"',
    "SquareOAuthDetector": "sq0csp-" + "A" * 43,
    "StripeDetector": "sk_live_" + "a1B2" * 6,
    "TelegramBotTokenDetector": "telegram_token: 5367193248:AAGx9LmN0pQrStUvWxYz1234567890AbCdEfG",
    "TwilioKeyDetector": "AC" + "a1" * 16,
}
# detect-secrets' default filter `is_not_alphanumeric_string` drops every finding
# without a letter, so this plugin never reports: its sample is only let through.
NEVER_REPORTS = {"IPPublicDetector": "le serveur 93.184.216.34 ne répond plus"}


def plugin_types() -> dict[str, str]:
    from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class

    return {cls.__name__: kind for kind, cls in get_mapping_from_secret_type_to_class().items()}


def test_the_plugins_and_their_settings_are_the_reviewed_ones() -> None:
    from detect_secrets.plugins import high_entropy_strings, keyword

    assert set(plugin_types()) == set(secret_scan.NEEDS) == set(SAMPLES) | set(NEVER_REPORTS)
    assert keyword.DENYLIST == secret_scan.KEYWORDS
    b64 = high_entropy_strings.Base64HighEntropyString()
    hexa = high_entropy_strings.HexHighEntropyString()
    assert set(hexa.charset) <= set(b64.charset) == set(B64)
    # More than `limit` bits take more than 2**limit characters.
    shortest = secret_scan.SHORTEST_HIGH_ENTROPY
    assert 2 ** min(b64.entropy_limit, hexa.entropy_limit) < shortest <= 2**hexa.entropy_limit + 1


@pytest.mark.parametrize("plugin", sorted(SAMPLES))
def test_a_sample_of_every_plugin_is_let_through(plugin: str) -> None:
    lines = ["Bonjour Claire,", SAMPLES[plugin], "Bien cordialement,"]
    assert secret_scan.could_hold_secret([SAMPLES[plugin]])
    found = secret_scan.scan(lines)
    assert (2, plugin_types()[plugin]) in found


def test_a_plugin_that_never_reports_is_still_let_through() -> None:
    (line,) = NEVER_REPORTS.values()
    assert secret_scan.could_hold_secret([line])
    assert secret_scan.detect_secrets([line]) == []


def test_text_that_reads_as_ini_is_let_through() -> None:
    # detect-secrets quotes INI values, so an unquoted token counts as quoted.
    lines = ["bot 110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"]
    assert not secret_scan._any_need().search(lines[0])  # no plugin's need: the INI rule
    assert secret_scan.could_hold_secret(lines)
    assert secret_scan.scan(lines) != []  # let through, and detect-secrets finds it


def test_every_shipped_update_and_report_is_scanned_without_detect_secrets() -> None:
    files = sorted(p for p in SNAPSHOTS.rglob("*") if p.suffix in {".md", ".txt", ".html"})
    assert len(files) >= 30
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert not secret_scan.could_hold_secret(lines), path.name
        assert secret_scan.detect_secrets(lines) == [], path.name


WORDS = [
    "Bonjour",
    "Claire",
    "nous",
    "avons",
    "identifié",
    "la",
    "cause",
    "incident",
    "paiement",
    "refusé",
    "cartes",
    "étrangères",
    "MEP",
    "2.3.0",
    "correctif",
    "déployé",
    "demain",
    "14h00",
    "prochaine",
    "mise",
    "à",
    "jour",
    "responsabilité",
    "We",
    "apologise",
    "the",
    "payment",
    "release",
    "fix",
    "deployed",
    "tomorrow",
    "next",
    "update",
    "owner",
    "passage",
    "clé",
    "jeton",
    "accès",
    "serveur",
    "https://status.example.com/incidents",
    "claire.martin@example.com",
    "+33",
    "1",
    "23",
    "45",
    "67",
    "89",
    "2026-11-21T09:30",
    "A1",
    "A2",
    "MEP-2026-001",
]
NEAR_MISSES = [
    "AKIA",
    "ghp_",
    "xoxb",
    "eyJ",
    "sk_live",
    "SG.",
    "AccountKey",
    "://",
    "@",
    "PRIVATE",
    "pass",
    "key",
    "token",
    "api",
    "aws",
    "AC",
    "SK",
    "AP1",
    "AKC",
    "glpat",
    "sq0csp",
    "pypi-",
    "T3Blbk",
    "_authToken",
    "1.2.3",
    "12345678:",
]
fragment = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(NEAR_MISSES),
    st.text(alphabet=B64, min_size=1, max_size=30),
    st.text(alphabet="0123456789abcdef", min_size=1, max_size=12),
    st.text(alphabet=string.printable, max_size=12),
)
separator = st.sampled_from([" ", "", ": ", " = ", "=", ":", "'", '"', "\t", ". ", "\r"])


@st.composite
def texts(draw: st.DrawFn) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        parts = draw(st.lists(st.tuples(fragment, separator), min_size=1, max_size=8))
        lines.append("".join(f + s for f, s in parts))
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts())
def test_where_the_filter_sees_nothing_detect_secrets_finds_nothing(lines: list[str]) -> None:
    # (Where it lets a text through, `scan` is detect-secrets itself: nothing to compare.)
    if not secret_scan.could_hold_secret(lines):
        assert secret_scan.detect_secrets(lines) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REVIEWED_VERSION", "0.9"),
        ("REVIEWED_PLUGIN_FILES", secret_scan.REVIEWED_PLUGIN_FILES - {"aws.py"}),
    ],
)
def test_another_detect_secrets_release_is_scanned_whole(
    monkeypatch: pytest.MonkeyPatch, name: str, value: object
) -> None:
    prose = ["Bonjour Claire,", "le correctif est en production depuis 14h00."]
    assert secret_scan.reviewed_release()  # the installed one is the reviewed one
    assert not secret_scan.could_hold_secret(prose)
    monkeypatch.setattr(secret_scan, name, value)
    secret_scan.reviewed_release.cache_clear()
    try:
        assert secret_scan.could_hold_secret(prose)  # not trusted: detect-secrets decides
    finally:
        secret_scan.reviewed_release.cache_clear()
