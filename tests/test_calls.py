"""`meptool call` and `meptool expect`: the brief, the invitation read back, the mail sent over
real SMTP, the walk-through on a real terminal, and an expectation from the call to the retro."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from meptool.files import store
from meptool.files.workspace import Workspace
from test_walkthrough import answer, session, spawn
from updates_helpers import ID, add_english, set_smtp, snapshot

CALLS = Path("incidents") / ID / "calls"
UTC = dt.UTC


def flat(text: str) -> str:
    """French typography's no-break spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def incident(root: Path, incident_id: str = ID) -> Any:
    return store.read(Workspace(root), incident_id)[0]


def ics(path: Path) -> Any:
    cal = Calendar.from_ical(path.read_bytes())
    (event,) = cal.walk("VEVENT")
    return cal, event


def attendees(event: Any) -> dict[str, dict[str, str]]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in found}


# --- snapshots ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_brief_and_invitation_snapshots(example: Path, run_in, lang: str) -> None:
    incident_id = add_english(example) if lang == "en" else ID
    run = run_in(example)
    result = run(
        "call", "prepare", incident_id, "--at", "2026-11-23 10:00", "--format", "md,html,ics,eml"
    )
    assert result.exit_code == 0, result.output
    folder = example / "incidents" / incident_id / "calls"
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-brief.html",
        "001-brief.md",
        "001-invite.eml",
        "001-invite.ics",
    ]
    snapshot(f"calls/brief-{lang}.md", (folder / "001-brief.md").read_text())
    snapshot(f"calls/brief-{lang}.html", (folder / "001-brief.html").read_text())
    snapshot(f"calls/invite-{lang}.ics", (folder / "001-invite.ics").read_text())
    msg = email.message_from_bytes(
        (folder / "001-invite.eml").read_bytes(), policy=email.policy.default
    )
    text = msg.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    snapshot(f"calls/invite-{lang}.txt", f"Subject: {msg['Subject']}\n\n{text}")
    brief = (folder / "001-brief.md").read_text()
    # the brief is internal: it says so and carries what the client must not read
    assert ("Document interne" if lang == "fr" else "Internal document") in brief
    assert ("Alerte sur le taux" if lang == "fr" else "Alert on the payment refusal") in brief
    # the invitation carries nothing internal: no internal action, no root-cause detail
    for client_facing in ((folder / "001-invite.ics").read_text(), text):
        assert "taux de refus" not in client_facing and "refusal rate" not in client_facing
        assert "Karim" not in client_facing and "3-D Secure" not in client_facing


# --- the invitation read back ----------------------------------------------------------


def test_invitation_read_back_across_dst_and_replanned(example: Path, run_in) -> None:
    run = run_in(example)
    # Paris leaves winter time on 28 March 2027: the first slot is before, the re-plan after
    first = run("call", "prepare", ID, "--at", "2027-03-26 10:00", "--duration", "45m")
    assert first.exit_code == 0, first.output
    cal, event = ics(example / CALLS / "001-invite.ics")
    assert str(cal["method"]) == "REQUEST"
    uid = str(event["uid"])
    assert uid == "call-MEP-2026-001-1@agence.example"
    assert int(event["sequence"]) == 0
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Europe/Paris"
    assert start.astimezone(UTC) == dt.datetime(2027, 3, 26, 9, 0, tzinfo=UTC)
    assert end - start == dt.timedelta(minutes=45)
    (tz,) = cal.walk("VTIMEZONE")
    assert str(tz["tzid"]) == "Europe/Paris"
    offsets = {c["tzoffsetto"].to_ical() for c in tz.subcomponents}
    assert {"+0100", "+0200"} <= offsets
    organizer = event["organizer"]
    assert str(organizer) == "mailto:julie.leroy@agence.example"
    assert organizer.params["CN"] == "Julie Leroy"
    people = attendees(event)
    assert people["claire.martin@maison-dupont.example"]["CN"] == "Claire Martin"
    assert people["claire.martin@maison-dupont.example"]["ROLE"] == "REQ-PARTICIPANT"
    assert people["marc.petit@maison-dupont.example"]["RSVP"] == "TRUE"
    assert people["julie.leroy@agence.example"]["ROLE"] == "CHAIR"
    assert "Ordre du jour" in str(event["description"])

    again = run("call", "prepare", ID, "--seq", "1", "--at", "2027-03-29 10:00")
    assert again.exit_code == 0, again.output
    _, event2 = ics(example / CALLS / "001-invite-2.ics")
    assert str(event2["uid"]) == uid
    assert int(event2["sequence"]) == 1
    start2 = event2.decoded("dtstart")
    assert start2.astimezone(UTC) == dt.datetime(2027, 3, 29, 8, 0, tzinfo=UTC)  # summer time
    assert event2.decoded("dtend") - start2 == dt.timedelta(minutes=45)  # kept
    # the first version keeps its bytes; the call points at the new one
    assert (example / CALLS / "001-invite.ics").read_bytes() != (
        example / CALLS / "001-invite-2.ics"
    ).read_bytes()
    (call,) = incident(example).calls
    assert call.sequence == 1 and call.uid == uid
    assert f"{CALLS.as_posix()}/001-invite-2.ics" in call.files
    # preparing it again unchanged does not bump SEQUENCE
    same = run("call", "prepare", ID, "--seq", "1", "--format", "md")
    assert same.exit_code == 0, same.output
    assert incident(example).calls[0].sequence == 1


def test_contact_without_email_is_left_out_with_a_warning(example: Path, run_in) -> None:
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text()
    marker = "      kind: domain-expert\n"
    assert marker in text
    path.write_text(
        text.replace(
            marker,
            marker + "    - name: Paul Girard\n      role: PDG\n      kind: decision-maker\n",
            1,
        )
    )
    result = run_in(example)("call", "prepare", ID, "--at", "2026-11-23 10:00")
    assert result.exit_code == 0, result.output
    assert "Paul Girard has no e-mail address: left out" in result.stderr
    _, event = ics(example / CALLS / "001-invite.ics")
    assert len(attendees(event)) == 3  # the lead and the two contacts with an address
    assert "Paul Girard" not in str(event.get("attendee"))
    brief = (example / CALLS / "001-brief.md").read_text()
    assert "**Paul Girard**, PDG" in brief and "ne recevra pas l’invitation" in brief


# --- bad input ---------------------------------------------------------------------------


def test_bad_input_is_refused_and_nothing_is_written(example: Path, run_in) -> None:
    run = run_in(example)
    path = example / "incidents" / ID / "incident.yaml"
    before = path.read_bytes()
    typo = run("call", "prepare", ID, "--at", "2026-11-23 10:00", "--with", "Claire Martn")
    assert typo.exit_code == 2
    assert "did you mean 'Claire Martin'?" in typo.stderr and "Traceback" not in typo.output
    past = run("call", "prepare", ID, "--at", "2026-11-20 10:00")
    assert past.exit_code == 2
    assert "is in the past" in past.stderr and "call record" in past.stderr
    assert run("call", "prepare", ID, "--format", "pdf").exit_code == 2
    assert run("call", "prepare", ID, "--duration", "forever").exit_code == 2
    assert run("call", "prepare", ID, "--seq", "7").exit_code == 3
    assert run("call", "record", ID, "--seq", "7", "--heard", "x").exit_code == 3
    assert run("expect", "met", ID, "E9").exit_code == 3
    unknown = run("expect", "met", ID, "E9")
    assert "no expectation E9" in unknown.stderr
    assert run("call", "record", ID).exit_code == 2  # nothing to record, nothing asked
    early = run("call", "record", ID, "--at", "2026-11-01T10:00", "--heard", "x")
    assert early.exit_code == 2 and "before the incident began" in early.stderr
    assert path.read_bytes() == before
    assert not (example / CALLS).exists()
    # no mail_domain: no UID for the invitation; the brief alone still works
    config = example / "meptool.yaml"
    config.write_text(config.read_text().replace("mail_domain: agence.example\n", ""))
    no_domain = run("call", "prepare", ID, "--at", "2026-11-23 10:00")
    assert no_domain.exit_code == 1 and "mail_domain" in no_domain.stderr
    assert path.read_bytes() == before and not any((example / CALLS).glob("*"))
    assert run("call", "prepare", ID, "--format", "md").exit_code == 0


def test_a_template_error_leaves_no_file_behind(example: Path, run_in) -> None:
    custom = example / "my-templates" / "calls" / "fr"
    custom.mkdir(parents=True)
    (custom / "agenda.txt.j2").write_text("{{ no_such_variable }}\n")
    config = example / "meptool.yaml"
    config.write_text(config.read_text() + "templates_dir: my-templates\n")
    before = (example / "incidents" / ID / "incident.yaml").read_bytes()
    result = run_in(example)("call", "prepare", ID, "--at", "2026-11-23 10:00")
    assert result.exit_code == 1
    assert "agenda.txt.j2" in result.stderr and "no_such_variable" in result.stderr
    assert (example / "incidents" / ID / "incident.yaml").read_bytes() == before
    assert not any((example / CALLS).glob("*")) if (example / CALLS).exists() else True


# --- the invitation mail over SMTP ---------------------------------------------------------


def test_invitation_mail_is_approved_sent_and_read_back(example: Path, run_in, smtp_server) -> None:
    handler, port = smtp_server()
    set_smtp(example, port)
    run = run_in(example)
    made = run("call", "prepare", ID, "--at", "2026-11-23 10:00", "--format", "eml", "--json")
    assert made.exit_code == 0, made.output
    data = json.loads(made.stdout)
    assert data["update_seq"] == 1 and data["findings"] == []
    (comm,) = incident(example).communications
    assert comm.call == 1 and comm.status.value == "draft"
    assert comm.files == [
        f"{CALLS.as_posix()}/001-invite.eml",
        f"{CALLS.as_posix()}/001-invite.ics",
    ]
    assert run("update", "check", ID, "--seq", "1").exit_code == 0
    refused = run("update", "send", ID, "--seq", "1", "--yes")
    assert refused.exit_code == 1 and "not approved" in refused.stderr
    assert run("update", "approve", ID, "--seq", "1", "--by", "Paul Roux").exit_code == 0
    sent = run("update", "send", ID, "--seq", "1", "--yes")
    assert sent.exit_code == 0, sent.output
    (mail_from, rcpt, raw) = handler.messages[0]
    assert mail_from == "julie.leroy@agence.example"
    assert sorted(rcpt) == [
        "claire.martin@maison-dupont.example",
        "marc.petit@maison-dupont.example",
    ]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p for p in msg.iter_parts()}
    assert set(parts) == {"text/plain", "text/html", "text/calendar"}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    cal = Calendar.from_ical(calendar.get_content())
    assert str(cal["method"]) == "REQUEST"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == "call-MEP-2026-001-1@agence.example"
    assert set(attendees(event)) >= {"claire.martin@maison-dupont.example"}
    assert "vous écouter" in parts["text/plain"].get_content()
    after = incident(example)
    assert after.communications[0].status.value == "sent"
    assert after.timeline[-1].text.startswith("Invitation à l’appel n° 1 envoyée à Claire Martin")
    # an invitation is not an update: the next update is still the first one, not threaded
    draft = run("update", "draft", ID)
    assert draft.exit_code == 0, draft.output
    assert "(first)" in draft.stderr
    assert incident(example).communications[1].in_reply_to is None


# --- call record: flags and a real terminal ---------------------------------------------------


def test_record_by_flags_keeps_the_agreement_in_step(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("call", "prepare", ID, "--at", "2026-11-23 10:00", "--format", "md").exit_code == 0
    result = run(
        "call", "record", ID,
        "--heard", "Nos clients étrangers appellent le service client depuis vendredi",
        "--expects", "Un point écrit chaque matin à 9 h",
        "--agreed-schedule", "--by", "claire martin",
        "--words", "D'accord pour le 4 décembre, pas un jour de plus",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    inc = incident(example)
    (call,) = inc.calls
    assert call.status.value == "held" and len(call.heard) == 1
    (e,) = inc.expectations
    assert (e.id, e.by, e.call, e.status.value) == ("E1", "Claire Martin", 1, "open")
    sched = inc.schedule_impact
    assert sched.client_agreement.value == "agreed"
    assert sched.agreement.by == "Claire Martin" and sched.agreement.via.value == "call"
    assert sched.agreement.words == "D'accord pour le 4 décembre, pas un jour de plus"
    # moving the agreement back to pending drops the recorded answer with it
    assert run("incident", "plan", ID, "--agreement", "pending").exit_code == 0
    assert incident(example).schedule_impact.agreement is None
    listed = json.loads(run("call", "list", ID, "--json").stdout)
    assert listed[0]["with"] == ["Claire Martin", "Marc Petit"] and listed[0]["expectations"] == [
        "E1"
    ]


def test_record_a_call_never_prepared_creates_it(example: Path, run_in) -> None:
    result = run_in(example)(
        "call", "record", ID, "--at", "08:45", "--with", "Marc Petit", "--expects", "Les tests"
    )
    assert result.exit_code == 0, result.output
    assert "a new call" in result.stdout
    (call,) = incident(example).calls
    assert call.status.value == "held" and call.with_ == ["Marc Petit"]
    assert call.at.isoformat() == "2026-11-21T08:45:00+01:00"
    assert incident(example).expectations[0].by == "Marc Petit"
    future = run_in(example)(
        "call", "record", ID, "--seq", "1", "--at", "2026-11-30T10:00", "--heard", "x"
    )
    assert future.exit_code == 2


def test_record_walkthrough_on_a_real_terminal(example: Path, run_in) -> None:
    assert (
        run_in(example)(
            "call", "prepare", ID, "--at", "2026-11-23 10:00", "--format", "md"
        ).exit_code
        == 0
    )
    child = spawn(example, "call", "record", ID)
    answer(child, "What did they say? In their words", "Nos clients étrangers sont furieux")
    answer(child, "What did they say? In their words", "")
    answer(child, "What do they expect from us?", "Un appel chaque matin à 9 h")
    answer(child, "What do they expect from us?", "Être prévenus avant chaque MEP")
    answer(child, "What do they expect from us?", "")
    answer(child, "Their answer on the new schedule and budget", "agreed")
    answer(child, "Their words on it (optional)", "Le 4 décembre nous convient")
    answer(child, "Who said it (the client's spokesperson)", "Claire Martin")
    child.expect_exact("call 1 of MEP-2026-001 recorded")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 0, session(child)
    inc = incident(example)
    assert inc.calls[0].heard == ["Nos clients étrangers sont furieux"]
    assert [e.text for e in inc.expectations] == [
        "Un appel chaque matin à 9 h",
        "Être prévenus avant chaque MEP",
    ]
    assert inc.schedule_impact.agreement.words == "Le 4 décembre nous convient"


def pexpect_eof() -> Any:
    import pexpect

    return pexpect.EOF


# --- an expectation, from the call to the retrospective -----------------------------------------


def test_expectation_is_answered_met_and_shown_in_the_retro(example: Path, run_in) -> None:
    run = run_in(example)
    wish = "Un point écrit chaque matin à 9 h jusqu'à la correction"
    assert run("call", "record", ID, "--expects", wish, "--by", "Claire Martin").exit_code == 0
    listed = json.loads(run("incident", "list", "--json").stdout)
    assert next(r for r in listed if r["id"] == ID)["open_expectations"] == 1
    assert "1 open" in run("incident", "list").stdout
    shown = run("incident", "show", ID)
    assert "client expectations: 1 open of 1" in shown.stdout
    assert json.loads(run("incident", "show", ID, "--json").stdout)["open_expectations"] == 1

    first = run("update", "draft", ID, "--format", "md")
    assert first.exit_code == 0, first.output
    md = (example / "incidents" / ID / "updates" / "001-decision-makers-fr.md").read_text()
    assert "### Vos demandes" in md
    assert "« Un point écrit chaque matin à 9 h jusqu’à la correction ». C’est noté" in flat(md)
    assert "unanswered-expectation" not in first.stderr
    # a draft that leaves it out is warned about (not blocked)
    edited = md.replace("Un point écrit chaque matin", "Un point")
    (example / "incidents" / ID / "updates" / "001-decision-makers-fr.md").write_text(edited)
    check = run("update", "check", ID, "--json")
    assert check.exit_code == 0
    rules = {f["rule"]: f for f in json.loads(check.stdout)["findings"]}
    assert rules["unanswered-expectation"]["level"] == "warning"
    assert rules["unanswered-expectation"]["field"] == "expectations[0].text"

    met = run("expect", "met", ID, "E1", "--answer", "Un point écrit part chaque matin à 9 h")
    assert met.exit_code == 0, met.output
    (e,) = incident(example).expectations
    assert e.status.value == "met" and e.answered_at is not None
    second = run("update", "draft", ID, "--format", "md", "--output", "-")
    assert "C’est fait. Un point écrit part chaque matin à 9 h." in flat(second.stdout)

    retro = run("retro", "report", ID, "--audience", "client", "--format", "md", "--output", "-")
    assert retro.exit_code == 0, retro.output
    assert "## Ce que vous nous avez demandé, et ce que nous avons fait" in retro.stdout
    assert "**fait** — Un point écrit part chaque matin à 9 h." in flat(retro.stdout)
    html = run("retro", "report", ID, "--audience", "client", "--format", "html", "--output", "-")
    assert "Ce que vous nous avez demandé, et ce que nous avons fait</h2>" in html.stdout

    declined = run("expect", "add", ID, "--text", "Un geste commercial", "--by", "Claire Martin")
    assert declined.exit_code == 0 and "E2" in declined.stdout
    assert run("expect", "declined", ID, "E2").exit_code == 2  # the reason is needed
    assert run("expect", "declined", ID, "E2", "--answer", "Hors contrat").exit_code == 0
    portfolio = run("retro", "report", "--all", "--format", "md", "--output", "-")
    assert portfolio.exit_code == 0, portfolio.output
    assert "| Maison Dupont | 1 | 1 | 0 |" in portfolio.stdout


def test_a_replaced_invitation_is_not_sent(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("call", "prepare", ID, "--at", "2026-11-23 10:00", "--format", "eml").exit_code == 0
    # the brief alone again, nothing changed: the invitation logged as update 1 stays current
    assert run("call", "prepare", ID, "--seq", "1", "--format", "md").exit_code == 0
    assert run("update", "approve", ID, "--seq", "1", "--by", "Paul Roux").exit_code == 0
    assert run("update", "send", ID, "--seq", "1", "--dry-run").exit_code == 0
    moved = run("call", "prepare", ID, "--seq", "1", "--at", "2026-11-24 14:00", "--format", "eml")
    assert moved.exit_code == 0, moved.output
    assert "update 2" in moved.stderr
    old = run("update", "send", ID, "--seq", "1", "--dry-run")
    assert old.exit_code == 1
    assert "was planned again" in old.stderr and "update 2" in old.stderr
    msg = email.message_from_bytes(
        (example / CALLS / "001-invite-2.eml").read_bytes(), policy=email.policy.default
    )
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "remplace la précédente" in text
    (event,) = Calendar.from_ical(
        next(p for p in msg.walk() if p.get_content_type() == "text/calendar").get_content()
    ).walk("VEVENT")
    assert int(event["sequence"]) == 1
    assert run("update", "approve", ID, "--seq", "2", "--by", "Paul Roux").exit_code == 0
    assert run("update", "send", ID, "--seq", "2", "--dry-run").exit_code == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_expectations_part_of_the_update_snapshot(example: Path, run_in, lang: str) -> None:
    incident_id = add_english(example) if lang == "en" else ID
    run = run_in(example)
    wishes = {
        "fr": ["Un point écrit chaque matin à 9 h", "Un geste commercial", "Être prévenus avant"],
        "en": ["A written update every morning at 9", "A commercial gesture", "Notice before"],
    }[lang]
    args = [a for w in wishes for a in ("--expects", w)]
    assert run("call", "record", incident_id, *args, "--by", "Claire Martin").exit_code == 0
    answers = {
        "fr": ("Il part chaque matin depuis le 23 novembre", "Hors contrat", "Dès la prochaine"),
        "en": ("It goes out every morning since 23 November", "Outside the contract", "Next time"),
    }[lang]
    assert run("expect", "met", incident_id, "E1", "--answer", answers[0]).exit_code == 0
    assert run("expect", "declined", incident_id, "E2", "--answer", answers[1]).exit_code == 0
    assert run("expect", "answer", incident_id, "E3", "--answer", answers[2]).exit_code == 0
    out = run("update", "draft", incident_id, "--format", "txt", "--output", "-")
    assert out.exit_code == 0, out.output
    title = "Vos demandes" if lang == "fr" else "What you asked of us"
    part = out.stdout[out.stdout.index(title) :]
    part = part[: part.index("\n\n", part.index("\n- ")) + 1]
    snapshot(f"calls/update-expectations-{lang}.txt", part)
    assert "unanswered-expectation" not in out.stderr


def test_record_walkthrough_of_a_call_never_prepared(example: Path) -> None:
    child = spawn(example, "call", "record", ID)
    child.expect_exact("This call was not prepared: it is recorded as a new one.")
    answer(child, "When did the call take place (now)", "08:15")
    answer(child, "What did they say? In their words", "")
    answer(child, "What do they expect from us?", "Un interlocuteur joignable le soir")
    answer(child, "What do they expect from us?", "")
    answer(child, "Their answer on the new schedule and budget", "")
    answer(child, "Their words on it (optional)", "")
    answer(child, "Who said it (the client's spokesperson)", "Marc Petit")
    child.expect_exact("(a new call: it was not prepared)")
    child.expect(pexpect_eof())
    child.close()
    assert child.exitstatus == 0, session(child)
    inc = incident(example)
    (call,) = inc.calls
    assert call.at.isoformat() == "2026-11-21T08:15:00+01:00" and call.status.value == "held"
    assert inc.schedule_impact.agreement is None
    assert inc.schedule_impact.client_agreement.value == "pending"
    (e,) = inc.expectations
    assert (e.text, e.by, e.call) == ("Un interlocuteur joignable le soir", "Marc Petit", 1)


def test_invitation_in_utc_and_optional_attendees(example: Path, run_in) -> None:
    config = example / "meptool.yaml"
    config.write_text(config.read_text().replace("timezone: Europe/Paris", "timezone: UTC"))
    path = example / "incidents" / ID / "incident.yaml"
    text = path.read_text()
    marker = "      kind: domain-expert\n"
    path.write_text(
        text.replace(
            marker,
            marker + "    - name: Lina Roche\n      email: lina.roche@maison-dupont.example\n"
            "      role: Service client\n",
            1,
        )
    )
    result = run_in(example)("call", "prepare", ID, "--at", "2026-11-23T09:00:00+00:00")
    assert result.exit_code == 0, result.output
    raw = (example / CALLS / "001-invite.ics").read_text()
    assert "BEGIN:VTIMEZONE" not in raw and "DTSTART:20261123T090000Z" in raw
    _, event = ics(example / CALLS / "001-invite.ics")
    people = attendees(event)
    assert people["lina.roche@maison-dupont.example"]["ROLE"] == "OPT-PARTICIPANT"
    assert people["marc.petit@maison-dupont.example"]["ROLE"] == "REQ-PARTICIPANT"


def test_workspace_templates_override_the_call_templates(example: Path, run_in) -> None:
    custom = example / "my-templates" / "calls" / "fr"
    custom.mkdir(parents=True)
    (custom / "agenda.txt.j2").write_text("Ordre du jour de {{ lead.name }} : vous écouter.\n")
    (custom / "brief.md.j2").write_text("# Notre fiche {{ incident.id }}\n")
    config = example / "meptool.yaml"
    config.write_text(config.read_text() + "templates_dir: my-templates\n")
    result = run_in(example)("call", "prepare", ID, "--at", "2026-11-23 10:00")
    assert result.exit_code == 0, result.output
    _, event = ics(example / CALLS / "001-invite.ics")
    assert str(event["description"]) == "Ordre du jour de Julie Leroy\u202f: vous écouter.\n"
    assert (example / CALLS / "001-brief.md").read_text() == "# Notre fiche MEP-2026-001\n"
    assert "Notre fiche MEP-2026-001</h1>" in (example / CALLS / "001-brief.html").read_text()


def test_cancel_withdraws_the_invitation(example: Path, run_in) -> None:
    run = run_in(example)
    assert run("call", "prepare", ID, "--at", "2026-11-23 10:00", "--format", "eml").exit_code == 0
    assert run("update", "approve", ID, "--seq", "1", "--by", "Paul Roux").exit_code == 0
    gone = run("call", "cancel", ID, "--reason", "le correctif est déjà en production",
               "--format", "eml")  # fmt: skip
    assert gone.exit_code == 0, gone.output
    cal, event = ics(example / CALLS / "001-cancel.ics")
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == "call-MEP-2026-001-1@agence.example"
    assert int(event["sequence"]) == 1
    inc = incident(example)
    assert inc.calls[0].status.value == "cancelled" and inc.calls[0].sequence == 1
    msg = email.message_from_bytes(
        (example / CALLS / "001-cancel.eml").read_bytes(), policy=email.policy.default
    )
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "n’aura pas lieu" in text and "le correctif est déjà en production" in text
    # the invitation may no longer go out; the cancellation may, once approved
    assert run("update", "send", ID, "--seq", "1", "--dry-run").exit_code == 1
    assert run("update", "approve", ID, "--seq", "2", "--by", "Paul Roux").exit_code == 0
    assert run("update", "send", ID, "--seq", "2", "--dry-run").exit_code == 0
    assert run("call", "cancel", ID, "--seq", "1").exit_code == 1  # already cancelled
    assert run("call", "cancel", ID).exit_code == 3  # no planned call left
    assert run("call", "record", ID, "--seq", "1", "--heard", "x").exit_code == 1
