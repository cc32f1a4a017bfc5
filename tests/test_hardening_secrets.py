"""Secrets: the SMTP password never shows; a draft carrying a secret never leaves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_updates import comms
from updates_helpers import ID, set_smtp

PASSWORD = "Corr3ct-Horse-Battery"
UPDATES = Path("incidents") / ID / "updates"


@pytest.fixture(autouse=True)
def _forget() -> None:
    from meptool import secret

    secret.forget()


def test_an_unexpected_error_carrying_the_password_is_redacted(
    example: Path, run_in, monkeypatch, smtp_server
) -> None:
    """A bug whose message holds the password: the traceback is printed, the password is not."""
    from meptool.updates import mail

    _, port = smtp_server()
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    set_smtp(example, port, username="julie", password_env="SMTP_PASSWORD")

    def broken(settings, *args, **kwargs):
        raise RuntimeError(f"connection failed with password {settings.password}")

    monkeypatch.setattr(mail, "send", broken)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    # A crash while sending may have let the message out: the second try needs --resend.
    for args in (
        ["--debug", "update", "send", ID, "--yes"],
        ["update", "send", ID, "--yes", "--resend"],
    ):
        result = run(*args)
        assert result.exit_code == 1, result.output
        assert "RuntimeError: connection failed with password ********" in result.stderr
        assert PASSWORD not in result.output
    assert comms(example)[0].sent_at is None


def test_a_meptool_error_carrying_the_password_is_redacted_with_and_without_debug(
    example: Path, run_in, monkeypatch, smtp_server
) -> None:
    from meptool.errors import InputError
    from meptool.updates import mail

    _, port = smtp_server()
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    set_smtp(example, port, username="julie", password_env="SMTP_PASSWORD")

    def refused(settings, *args, **kwargs):
        raise InputError(f"server said: bad password {settings.password}")

    monkeypatch.setattr(mail, "send", refused)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    for args in (["--debug", "update", "send", ID, "--yes"], ["update", "send", ID, "--yes"]):
        result = run(*args)
        assert result.exit_code == 1
        assert "bad password ********" in result.stderr and PASSWORD not in result.output


def test_redaction_covers_the_smtp_auth_encodings() -> None:
    import base64

    from meptool import secret

    secret.register(PASSWORD, username="julie")
    plain = base64.b64encode(f"\0julie\0{PASSWORD}".encode()).decode()
    login = base64.b64encode(PASSWORD.encode()).decode()
    text = secret.redact(f"a {PASSWORD} b {plain} c {login}")
    assert text == "a ******** b ******** c ********"


SECRETS = {
    "github-token": "Jeton : ghp_1234567890abcdefghijklmnopqrstuvwxyzAB",
    "aws-key": "Clé AWS : AKIAIOSFODNN7EXAMPLE",
    "private-key": "-----BEGIN OPENSSH PRIVATE KEY-----",
    "password": "password: Sup3rS3cret!",
    "postgres": "Base : postgres://shop:hunter2@db.example:5432/shop",
    "mysql": "mysql://root:toor@10.0.0.5/shop",
    "python-trace": 'Traceback (most recent call last):\n  File "app.py", line 4, in pay',
    "java-trace": "java.lang.IllegalStateException\n\tat com.shop.Pay.run(Pay.java:42)",
}


@pytest.mark.parametrize("text", list(SECRETS.values()), ids=list(SECRETS))
def test_a_secret_in_the_incident_is_blocked_before_sending(
    text: str, example: Path, run_in, smtp_server
) -> None:
    """The secret arrives the way it would: a client-visible timeline entry."""
    handler, port = smtp_server()
    set_smtp(example, port)
    incident = example / "incidents" / ID / "incident.yaml"
    quoted = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    )
    body = incident.read_text(encoding="utf-8")
    body = re.sub(
        r"^timeline:\n",
        f'timeline:\n  - at: 2026-11-20T21:20:00+01:00\n    text: "{quoted}"\n'
        "    visibility: client\n",
        body,
        count=1,
        flags=re.M,
    )
    incident.write_text(body, encoding="utf-8")
    run = run_in(example)
    drafted = run("update", "draft", ID, "--audience", "domain-experts", "--format", "eml,md")
    assert drafted.exit_code == 0, drafted.output
    # French typography may change the spaces around ':'; the secret itself is there.
    secret_part = text.splitlines()[0].split()[-1]
    assert secret_part in (example / UPDATES / "001-domain-experts-fr.md").read_text()
    check = run("update", "check", ID)
    assert check.exit_code == 1, check.output
    assert "secret" in check.stdout, check.stdout
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    sent = run("update", "send", ID, "--yes")
    assert sent.exit_code == 1 and "fails the check; nothing was sent" in sent.stderr
    assert not handler.messages
    assert comms(example)[0].sent_at is None
