"""E-mail against real servers on 127.0.0.1: injection, Unicode, and every way a server fails.

aiosmtpd plays the well-behaved server (partial refusals, refused logins);
`smtp_fakes.FakeSmtp` plays the ones that hang, hang up or refuse STARTTLS.
Whatever happens, the communications log says exactly who received what,
and nothing is marked sent that the server did not accept.
"""

from __future__ import annotations

import email
import email.policy
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from meptool.files.workspace import Workspace
from meptool.updates.sending import interrupted_note
from smtp_fakes import FakeSmtp
from test_updates import comms
from updates_helpers import ID, free_port, set_smtp

UPDATES = Path("incidents") / ID / "updates"
EML = UPDATES / "001-decision-makers-fr.eml"


def _parse(raw: bytes) -> email.message.EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    return msg


def _edit(path: Path, before: str, after: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert before in text, before
    path.write_text(text.replace(before, after, 1), encoding="utf-8")


def _approved(example: Path, run_in) -> Any:
    run = run_in(example)
    drafted = run("update", "draft", ID)
    assert drafted.exit_code == 0, drafted.output
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    return run


# --- header injection through every field that reaches a header ------------------

INCIDENT = Path("incidents") / ID / "incident.yaml"
INJECTIONS = [
    (INCIDENT, "title: Paiement refusé pour", 'title: "Paiement\\u2028Bcc: evil@example.com"\nx_:'),
    (INCIDENT, "    - name: Claire Martin", '    - name: "Claire\\nBcc: evil@example.com"'),
    (INCIDENT, "    - name: Claire Martin", '    - name: "Claire\\x85Bcc: evil@example.com"'),
    (
        INCIDENT,
        "      email: claire.martin@maison-dupont.example",
        '      email: "claire.martin@maison-dupont.example, evil@example.com"',
    ),
    (
        INCIDENT,
        "      email: claire.martin@maison-dupont.example",
        '      email: "claire.martin@maison-dupont.example\\r\\nBcc: evil@example.com"',
    ),
    (INCIDENT, "name: Julie Leroy", 'name: "Julie\\rBcc: evil@example.com"'),
    (INCIDENT, "name: Julie Leroy", 'name: "Julie\\u2029Bcc: evil@example.com"'),
    (INCIDENT, "email: julie.leroy@agence.example", 'email: "julie@agence.example\\nBcc: e@x.io"'),
    (Path("meptool.yaml"), "mail_domain: ", 'mail_domain: "evil.example\\r\\nBcc: e@x.io"\nx_: '),
]


@pytest.mark.parametrize("where,before,after", INJECTIONS)
def test_header_injection_through_any_field_is_refused(
    where: Path, before: str, after: str, *, example: Path, run_in
) -> None:
    path = example / where
    text = path.read_text(encoding="utf-8")
    if before not in text:
        pytest.skip(f"{before!r} not in the example")
    line = next(x for x in text.splitlines() if before in x)
    path.write_text(text.replace(line, after.replace("\nx_:", "").replace("\nx_: ", "")), "utf-8")
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code in (0, 1), (after, result.output)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert not (example / EML).exists()
        return
    # Accepted only when the value could not break out of its header (e.g. a
    # title's line separator folded into a space): the e-mail has no extra header.
    msg = _parse((example / EML).read_bytes())
    assert msg.get_all("Bcc") is None and msg.get_all("Cc") is None
    assert [a.addr_spec for a in msg["To"].addresses] == ["claire.martin@maison-dupont.example"]
    assert "evil" not in str(msg["From"]) + str(msg["Message-ID"])


def _smtp(example: Path, port: int, **extra: object) -> None:
    timeout = extra.pop("timeout", None)
    set_smtp(example, port, **extra)
    if timeout is not None:
        _edit(example / "meptool.yaml", "  timeout: 5\n", f"  timeout: {timeout}\n")


def test_injection_through_smtp_from_is_refused(example: Path, run_in) -> None:
    set_smtp(example, free_port(), **{"from": '"julie@agence.example\\r\\nBcc: e@x.io"'})
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not (example / EML).exists()


def test_display_names_with_address_syntax_stay_names(example: Path, run_in) -> None:
    incident = example / INCIDENT
    _edit(incident, "    - name: Claire Martin", '    - name: "Martin, Claire <evil@example.com>"')
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code == 0, result.output
    msg = _parse((example / EML).read_bytes())
    (to,) = msg["To"].addresses
    assert to.addr_spec == "claire.martin@maison-dupont.example"
    assert to.display_name == "Martin, Claire <evil@example.com>"
    assert msg.get_all("Bcc") is None and msg.get_all("Cc") is None


# --- Unicode in subjects and names -------------------------------------------------

UNICODE = {
    "rtl": "\u202eRTL\u202c עברית العربية",
    "combining": "Zoe\u0301 Ñu\u0303n\u0303ez",
    "emoji": "😀🔥 👩\u200d👩\u200d👧",
    "cjk": "支付失败 決済 결제",
    "controls": "bell\x07 esc\x1b[31m del\x7f",
    "long": "Ünïcödé " * 20,
}


@pytest.mark.parametrize("text", list(UNICODE.values()), ids=list(UNICODE))
def test_unicode_subjects_and_names_are_encoded_and_read_back(
    text: str, example: Path, run_in, smtp_server
) -> None:
    handler, port = smtp_server()
    set_smtp(example, port)
    incident = example / INCIDENT
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode()
    quoted = quoted.replace("\\\\", "\\")
    _edit(incident, "title: Paiement refusé pour", f'title: "{quoted}"\nx_: ')
    lines = incident.read_text(encoding="utf-8").splitlines(keepends=True)
    incident.write_text("".join(x for x in lines if not x.startswith("x_: ")), encoding="utf-8")
    name = text.strip()[:40].strip() or "x"
    _edit(incident, "    - name: Claire Martin", f"    - name: {_yaml_str(name)}")
    result = run_in(example)("incident", "validate")
    if result.exit_code == 1:  # control characters may be refused by the model: a clear error
        assert re.search(r"incident\.yaml:\d+:\d+: ", result.output), result.output
        return
    if any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in name):
        refused = run_in(example)("update", "draft", ID)
        assert refused.exit_code == 1, refused.output
        assert "control character" in refused.stderr and "Traceback" not in refused.output
        assert not (example / EML).exists()
        return
    run = _approved(example, run_in)
    raw = (example / EML).read_bytes()
    raw.decode("ascii")  # 7-bit on the wire: every header encoded
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    sent = run("update", "send", ID, "--yes")
    assert sent.exit_code == 0, sent.output
    (_, rcpt, content) = handler.messages[0]
    for msg in (_parse(raw), _parse(content)):
        assert text.strip().split()[0] in str(msg["Subject"])
        assert rcpt == [msg["To"].addresses[0].addr_spec]
        # RFC 2047 decoding of the raw header (Python's address parser adds a space
        # between adjacent encoded words of a long name: a reader's bug, not the file's).
        decoded = str(make_header(decode_header(_raw_to(msg))))
        assert decoded.startswith(name), (decoded, name)


def _raw_to(msg: email.message.EmailMessage) -> str:
    raw = next(v for k, v in msg.raw_items() if k.lower() == "to")
    return str(raw).rsplit("<", 1)[0].strip()


def _yaml_str(value: str) -> str:
    return '"' + value.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


# --- failing servers ------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[Any]:
    servers: list[FakeSmtp] = []

    def start(mode: str) -> FakeSmtp:
        server = FakeSmtp(mode)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def _nothing_sent(example: Path) -> None:
    (comm,) = comms(example)
    assert comm.status.value == "approved"
    assert comm.sent_at is None and comm.recipients == []
    assert "Point de situation envoyé" not in (example / INCIDENT).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "mode,starttls,expected",
    [
        ("silent", False, "timed out"),
        ("drop-data", False, "nothing was sent"),
        ("bad-starttls", True, "nothing was sent"),
    ],
)
def test_failing_servers_give_a_clear_message_and_mark_nothing_sent(
    mode: str, starttls: bool, expected: str, *, example: Path, run_in, fake
) -> None:
    server = fake(mode)
    _smtp(example, server.port, starttls=starttls, timeout=1)
    run = _approved(example, run_in)
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 1, result.output
    assert f"127.0.0.1:{server.port}" in result.stderr and expected in result.stderr, result.stderr
    assert "Traceback" not in result.output
    _nothing_sent(example)
    assert run("update", "list", ID, "--json").stdout.count('"status": "approved"') == 1


def test_a_server_hanging_up_after_accepting_still_counts_as_sent(
    example: Path, run_in, fake
) -> None:
    server = fake("no-quit")
    _smtp(example, server.port, timeout=1)
    run = _approved(example, run_in)
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 0, result.output
    assert len(server.received) == 1
    (comm,) = comms(example)
    assert comm.status.value == "sent"
    assert comm.recipients == ["claire.martin@maison-dupont.example"]


def test_a_send_killed_after_the_message_left_is_not_sent_twice_by_accident(
    example: Path, run_in, fake
) -> None:
    server = fake("kill-client")
    _smtp(example, server.port, timeout=5)
    run = _approved(example, run_in)
    proc = subprocess.Popen(
        [sys.executable, "-m", "meptool", "update", "send", ID, "--yes"],
        cwd=example,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.victim = proc.pid
    assert proc.wait(timeout=60) == -signal.SIGKILL
    assert len(server.received) == 1  # the client has it; the file could not say so
    _nothing_sent(example)
    again = run("update", "send", ID, "--yes")
    assert again.exit_code == 1, again.output
    assert "may already have reached claire.martin@maison-dupont.example" in again.stderr
    assert "--seq 1 --resend" in again.stderr and "Traceback" not in again.output
    assert len(server.received) == 1  # nothing went out
    server.mode = "normal"  # someone checked: it did not arrive
    resent = run("update", "send", ID, "--yes", "--resend")
    assert resent.exit_code == 0, resent.output
    assert len(server.received) == 2
    (comm,) = comms(example)
    assert comm.status.value == "sent"
    assert not interrupted_note(Workspace(example), ID, 1).exists()  # the note is gone


def test_a_refused_message_leaves_no_note_of_an_interrupted_send(
    example: Path, run_in, fake
) -> None:
    server = fake("drop-data")
    _smtp(example, server.port, timeout=1)
    run = _approved(example, run_in)
    assert run("update", "send", ID, "--yes").exit_code == 1
    server.mode = "normal"
    sent = run("update", "send", ID, "--yes")  # no --resend needed: nothing had left
    assert sent.exit_code == 0, sent.output


def test_refused_login_is_clear_and_marks_nothing_sent(
    example: Path, run_in, monkeypatch, fake
) -> None:
    server = fake("echo-auth")
    monkeypatch.setenv("SMTP_PASSWORD", "Corr3ct-Horse-Battery")
    _smtp(example, server.port, username="julie", password_env="SMTP_PASSWORD", timeout=2)
    run = _approved(example, run_in)
    result = run("--debug", "update", "send", ID, "--yes")
    assert result.exit_code == 1, result.output
    assert "refused the login of julie" in result.stderr
    assert any(c.startswith(b"AUTH") for c in server.commands)  # the password did go out
    _assert_no_password(result.output, "Corr3ct-Horse-Battery", "julie")
    _nothing_sent(example)


def test_aiosmtpd_refusing_authentication(example: Path, run_in, monkeypatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from updates_helpers import Handler

    port = free_port()
    controller = Controller(
        Handler(set()),
        hostname="127.0.0.1",
        port=port,
        authenticator=lambda *args: AuthResult(success=False, handled=False),
        auth_require_tls=False,
    )
    controller.start()
    try:
        monkeypatch.setenv("SMTP_PASSWORD", "Corr3ct-Horse-Battery")
        set_smtp(example, port, username="julie", password_env="SMTP_PASSWORD")
        run = _approved(example, run_in)
        result = run("update", "send", ID, "--yes")
    finally:
        controller.stop()
    assert result.exit_code == 1 and "refused the login" in result.stderr, result.output
    _assert_no_password(result.output, "Corr3ct-Horse-Battery", "julie")
    _nothing_sent(example)


def test_partly_refused_recipients_are_logged_exactly(example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server({"marc.petit@maison-dupont.example"})
    set_smtp(example, port)
    run = run_in(example)
    assert run("update", "draft", ID, "--audience", "all").exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    assert run("update", "send", ID, "--yes").exit_code == 0
    (comm,) = comms(example)
    assert comm.recipients == handler.messages[0][1] == ["claire.martin@maison-dupont.example"]
    assert [r.split(":")[0] for r in comm.refused_recipients] == [
        "marc.petit@maison-dupont.example"
    ]
    listed = run("update", "list", ID, "--json").stdout
    assert '"refused_recipients": [\n      "marc.petit' in listed


# --- secrets ------------------------------------------------------------------------


def _assert_no_password(text: str, password: str, username: str) -> None:
    import base64

    forms = [
        password,
        base64.b64encode(password.encode()).decode(),
        base64.b64encode(f"\0{username}\0{password}".encode()).decode(),
    ]
    for form in forms:
        assert form not in text, f"{form!r} leaked"


def test_the_password_is_never_printed_nor_written(
    example: Path, run_in, monkeypatch, tmp_path: Path
) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from updates_helpers import Handler

    password = "Corr3ct-Horse-Battery"
    handler = Handler(set())
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=lambda server, session, envelope, mechanism, auth: AuthResult(
            success=auth.password.decode() == password
        ),
        auth_require_tls=False,
    )
    controller.start()
    outputs: list[str] = []
    try:
        monkeypatch.setenv("SMTP_PASSWORD", password)
        set_smtp(example, port, username="julie", password_env="SMTP_PASSWORD")
        run = run_in(example)
        for args in (
            ["update", "draft", ID],
            ["update", "check", ID],
            ["update", "approve", ID, "--by", "Paul Roux"],
            ["--debug", "update", "send", ID, "--dry-run"],
            ["--debug", "update", "send", ID, "--yes"],
            ["update", "list", ID, "--json"],
            ["incident", "show", ID, "--json"],
            ["retro", "report", ID],
        ):
            result = run(*args)
            assert result.exit_code in (0, 1), (args, result.output)
            outputs.append(result.output)
    finally:
        controller.stop()
    assert handler.messages, outputs
    assert comms(example)[0].status.value == "sent"
    for text in outputs:
        _assert_no_password(text, password, "julie")
    for path in example.rglob("*"):
        if path.is_file():
            _assert_no_password(path.read_bytes().decode("utf-8", "replace"), password, "julie")
