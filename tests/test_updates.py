"""`meptool update`: draft, the .eml read back, approve, send over real SMTP, list."""

from __future__ import annotations

import email
import email.policy
import email.utils
from pathlib import Path
from typing import Any

import pytest

from meptool.files import store
from meptool.files.workspace import Workspace
from updates_helpers import ID, free_port, manifest_sha, set_smtp

UPDATES = Path("incidents") / ID / "updates"


def comms(root: Path) -> list[Any]:
    return store.read(Workspace(root), ID)[0].communications


def test_draft_writes_numbered_files_and_logs_them(example: Path, run_in) -> None:
    run = run_in(example)
    result = run("update", "draft", ID)
    assert result.exit_code == 0, result.output
    eml = example / UPDATES / "001-decision-makers-fr.eml"
    md = example / UPDATES / "001-decision-makers-fr.md"
    assert eml.is_file() and md.is_file()
    assert "001-decision-makers-fr.eml" in result.stdout
    assert "check: no problem found" in result.stderr
    (comm,) = comms(example)
    assert comm.seq == 1 and comm.status.value == "draft"
    assert comm.audience.value == "decision-makers" and comm.language.value == "fr"
    assert comm.files == [f"{UPDATES.as_posix()}/{p.name}" for p in (eml, md)]
    assert comm.sha256 == manifest_sha(example, comm.files)
    assert comm.subject.startswith("Incident MEP-2026-001\u202f: Paiement refusé")
    assert comm.next_update_at is not None and comm.next_update_at.isoformat() == (
        "2026-11-21T10:00:00+01:00"
    )  # the promise already in next_update_due, still ahead
    second = run("update", "draft", ID, "--audience", "domain-experts", "--format", "md,txt,html")
    assert second.exit_code == 0, second.output
    names = sorted(p.name for p in (example / UPDATES).iterdir())
    assert "002-domain-experts-fr.html" in names and "002-domain-experts-fr.txt" in names
    assert [c.seq for c in comms(example)] == [1, 2]
    text = (example / UPDATES / "002-domain-experts-fr.md").read_text()
    assert text.startswith("Bonjour Marc,") and "### La cause" in text


def test_output_dash_prints_without_recording(example: Path, run_in) -> None:
    result = run_in(example)("update", "draft", ID, "--output", "-", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Dear Claire,")
    assert "What we know" in result.stdout
    assert comms(example) == []
    assert not (example / UPDATES).exists()
    many = run_in(example)("update", "draft", ID, "-o", "-", "--format", "md,txt")
    assert many.exit_code == 2


def test_bad_format_and_unknown_incident(example: Path, run_in) -> None:
    assert run_in(example)("update", "draft", ID, "--format", "pdf").exit_code == 2
    missing = run_in(example)("update", "draft", "MEP-2026-099")
    assert missing.exit_code == 3


def test_eml_read_back(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    raw = (example / UPDATES / "001-decision-makers-fr.eml").read_bytes()
    assert b"\r\n" in raw and max(len(line) for line in raw.split(b"\r\n")) <= 998
    raw.decode("ascii")  # every header and body is 7-bit on the wire
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.iter_parts()
    assert text.get_content_type() == "text/plain" and html.get_content_type() == "text/html"
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    body = text.get_content().replace("\r\n", "\n")
    assert body.startswith("Bonjour Claire,") and "Ce que nous savons\n------" in body
    page = html.get_content()
    assert "<style" not in page and '<h3 style="' in page and "Ce que nous savons</h3>" in page
    assert str(msg["Subject"]) == comms(example)[0].subject
    assert str(msg["From"]) == "Julie Leroy <julie.leroy@agence.example>"
    assert str(msg["To"]) == "Claire Martin <claire.martin@maison-dupont.example>"
    assert msg["Date"] == "Sat, 21 Nov 2026 09:30:00 +0100"
    assert email.utils.parsedate_to_datetime(msg["Date"]).utcoffset() is not None
    assert msg["Message-ID"].endswith("@agence.example>")
    assert msg["Message-ID"] == comms(example)[0].message_id
    assert msg["In-Reply-To"] is None and msg["Content-Language"] == "fr"


def _mark_sent(root: Path, seq: int) -> None:
    ws = Workspace(root)
    incident, _ = store.read(ws, ID)
    i = next(i for i, c in enumerate(incident.communications) if c.seq == seq)
    with store.edit(ws, ID) as ed:
        ed.set("communications", i, "status", value="sent")
        ed.set("communications", i, "sent_at", value=ws.now())


def test_follow_up_is_threaded_under_the_first(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    _mark_sent(example, 1)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "draft", ID).exit_code == 0
    first, second, third = comms(example)
    for comm, name in ((second, "002"), (third, "003")):
        msg = email.message_from_bytes(
            (example / UPDATES / f"{name}-decision-makers-fr.eml").read_bytes(),
            policy=email.policy.default,
        )
        assert msg["In-Reply-To"] == first.message_id
        assert msg["References"] == first.message_id
        assert str(msg["Subject"]).startswith("Re: Incident MEP-2026-001")
        assert comm.in_reply_to == first.message_id
    body = (example / UPDATES / "002-decision-makers-fr.md").read_text()
    assert body.startswith("Bonjour Claire,\n\nComme promis")
    assert (
        "aujourd’hui à 11\u00a0h\u00a030" in body
    )  # the cadence (2h), since 10:00 was promised before


def test_resolution_update_invites_feedback(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("incident", "status", ID, "resolved").exit_code in (0, 2)
    ws = Workspace(example)
    with store.edit(ws, ID) as ed:
        ed.set("status", value="resolved")
    result = run("update", "draft", ID, "--format", "md", "-o", "-")
    assert result.exit_code == 0, result.output
    assert "est résolu" in result.stdout and "Votre avis compte" in result.stdout


def test_missing_mail_domain_is_a_clear_error(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(config.read_text().replace("mail_domain: agence.example\n", ""))
    result = run_in(example)("update", "draft", ID)
    assert result.exit_code == 1
    assert "mail_domain" in result.stderr and "Traceback" not in result.output
    assert comms(example) == []
    assert run_in(example)("update", "draft", ID, "--format", "md").exit_code == 0


# --- approval ------------------------------------------------------------------


def test_approval_records_hash_and_an_edit_voids_it(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    unapproved = run("update", "send", ID, "--dry-run")
    assert unapproved.exit_code == 1 and "not approved" in unapproved.stderr
    result = run("update", "approve", ID, "--by", "Paul Roux")
    assert result.exit_code == 0, result.output
    (comm,) = comms(example)
    assert comm.status.value == "approved" and comm.approved_by == "Paul Roux"
    assert comm.approved_at is not None
    assert comm.approved_sha256 == manifest_sha(example, comm.files)
    assert run("update", "send", ID, "--dry-run").exit_code == 0
    md = example / UPDATES / "001-decision-makers-fr.md"
    md.write_text(md.read_text().replace("Bonjour Claire", "Chère Claire"))
    listed = run("update", "list", ID)
    assert "edited after approval" in listed.stdout
    refused = run("update", "send", ID, "--dry-run")
    assert refused.exit_code == 1
    assert "changed after Paul Roux approved it" in refused.stderr
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    assert run("update", "send", ID, "--dry-run").exit_code == 0


def test_the_lead_cannot_approve_own_draft(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    result = run("update", "approve", ID, "--by", "Julie Leroy")
    assert result.exit_code == 1 and "second person" in result.stderr
    assert run("update", "approve", ID).exit_code == 2  # --by is required without a terminal


def test_without_require_approval_a_draft_may_go(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(
        config.read_text().replace("require_approval: true", "require_approval: false")
    )
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    result = run("update", "send", ID, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "claire.martin@maison-dupont.example" in result.stdout


# --- sending over a real SMTP server --------------------------------------------


def test_send_over_smtp_records_what_was_sent(example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server({"marc.petit@maison-dupont.example"})
    set_smtp(example, port)
    run = run_in(example)
    assert run("update", "draft", ID, "--audience", "all").exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    needs_yes = run("update", "send", ID)
    assert needs_yes.exit_code == 2 and "--yes" in needs_yes.stderr
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 0, result.output
    assert "refused by the server: marc.petit" in result.stderr
    (mail_from, rcpt, content) = handler.messages[0]
    assert mail_from == "julie.leroy@agence.example"
    assert rcpt == ["claire.martin@maison-dupont.example"]
    received = email.message_from_bytes(content, policy=email.policy.default)
    assert received.get_content_type() == "multipart/alternative"
    (comm,) = comms(example)
    assert comm.status.value == "sent" and comm.sent_at is not None
    assert received["Message-ID"] == comm.message_id
    assert comm.recipients == ["claire.martin@maison-dupont.example"]
    assert comm.refused_recipients[0].startswith("marc.petit@maison-dupont.example: 550")
    incident = store.read(Workspace(example), ID)[0]
    assert incident.next_update_due == comm.next_update_at
    last = incident.timeline[-1]
    assert last.kind.value == "update" and last.visibility.value == "client"
    assert last.text == "Point de situation envoyé à Claire Martin."
    again = run("update", "send", ID, "--yes")
    assert again.exit_code == 1 and "already sent" in again.stderr
    listed = run("update", "list", ID, "--json")
    assert '"status": "sent"' in listed.stdout and '"approved_by": "Paul Roux"' in listed.stdout


def test_every_recipient_refused_marks_nothing_sent(example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server({"claire.martin@maison-dupont.example"})
    set_smtp(example, port)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 1 and "refused every recipient" in result.stderr
    assert comms(example)[0].status.value == "approved" and not handler.messages


def test_network_errors_are_clear_and_nothing_is_marked_sent(example: Path, run_in) -> None:
    set_smtp(example, free_port())  # nobody listens there
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 1
    assert "could not reach the mail server 127.0.0.1" in result.stderr
    assert "Traceback" not in result.output
    assert comms(example)[0].sent_at is None


def test_starttls_required_by_default(example: Path, run_in, smtp_server) -> None:
    _, port = smtp_server()
    set_smtp(example, port, starttls=True)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 1 and "does not offer STARTTLS" in result.stderr


def test_password_only_from_the_environment(example: Path, run_in, monkeypatch) -> None:
    set_smtp(example, 2525, username="julie", password_env="MEPTOOL_TEST_SMTP_PW")
    monkeypatch.delenv("MEPTOOL_TEST_SMTP_PW", raising=False)
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    result = run("update", "send", ID, "--yes")
    assert result.exit_code == 1 and "MEPTOOL_TEST_SMTP_PW is not set" in result.stderr


def test_force_sends_a_failing_draft_and_logs_it(example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server()
    set_smtp(example, port)
    run = run_in(example)
    assert (
        run("update", "draft", ID, "--audience", "domain-experts", "--format", "eml").exit_code == 0
    )
    # An approver let an internal note slip in: the check blocks it.
    ws = Workspace(example)
    with store.edit(ws, ID) as ed:
        ed.set("timeline", 3, "visibility", value="internal")
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    blocked = run("update", "send", ID, "--yes")
    assert blocked.exit_code == 1 and "fails the check" in blocked.stderr
    assert not handler.messages
    forced = run("update", "send", ID, "--yes", "--force", "--by", "Julie Leroy")
    assert forced.exit_code == 0, forced.output
    (comm,) = comms(example)
    (override,) = comm.check_overrides
    assert override.by == "Julie Leroy" and "internal-timeline" in override.findings[0]
    assert len(handler.messages) == 1


def test_output_path_writes_there_and_records_it(example: Path, run_in, tmp_path: Path) -> None:
    run = run_in(example)
    single = tmp_path / "brouillon.md"
    result = run("update", "draft", ID, "--format", "md", "--output", str(single))
    assert result.exit_code == 0, result.output
    assert single.read_text().startswith("Bonjour Claire,")
    folder = example / "review"
    folder.mkdir()
    assert run("update", "draft", ID, "--format", "md,txt", "-o", "review").exit_code == 0
    first, second = comms(example)
    assert first.files == [str(single.resolve())]
    assert second.files == ["review/002-decision-makers-fr.md", "review/002-decision-makers-fr.txt"]
    assert second.sha256 == manifest_sha(example, second.files)


def test_send_asks_before_sending_on_a_terminal(example: Path, run_in) -> None:
    import os
    import shutil
    import sys

    pexpect = pytest.importorskip("pexpect")
    run = run_in(example)
    assert run("update", "draft", ID).exit_code == 0
    assert run("update", "approve", ID, "--by", "Paul Roux").exit_code == 0
    exe = shutil.which("meptool", path=str(Path(sys.executable).parent))
    assert exe
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    child = pexpect.spawn(
        exe, ["update", "send", ID], cwd=str(example), env=env, encoding="utf-8", timeout=30
    )
    child.expect(r"Send it now\? \[y/N\]")
    child.sendline("n")
    child.expect("nothing sent")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert comms(example)[0].sent_at is None
