"""The invitation to a client call: an iCalendar `METHOD:REQUEST` (RFC 5545/5546) and its mail.

Built with `icalendar` (well kept, reads back what it writes, and writes the
`VTIMEZONE` of an IANA zone from zoneinfo): the organiser is the project lead,
every invited contact with an e-mail address is an ATTENDEE, the times are in
the workspace's zone with its VTIMEZONE (plain UTC when the zone is UTC), the
UID is stable (`call-<ID>-<seq>@<mail_domain>`) and SEQUENCE counts the times
the call was planned again. The description is the short agenda of the
`calls/<lang>/agenda.txt.j2` template: nothing internal.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from meptool.errors import InputError
from meptool.files.workspace import Workspace
from meptool.model.incident import Call, Incident

if TYPE_CHECKING:
    from jinja2 import Environment

PRODID = "-//meptool//client call//EN"


def uid(incident_id: str, seq: int, domain: str | None) -> str:
    """The call's UID: the same for every version of its invitation."""
    if not domain:
        raise InputError(
            "mail_domain is not set in meptool.yaml: it is needed for the invitation's UID",
            hint="add e.g. 'mail_domain: agence.example' to meptool.yaml, or prepare the "
            "brief alone: --format md,html",
        )
    return f"call-{incident_id}-{seq}@{domain}"


def organiser(incident: Incident) -> tuple[str, str]:
    """The lead's name and e-mail address (an invitation needs both)."""
    lead = incident.team.lead if incident.team else None
    if lead is None or not lead.email:
        raise InputError(
            f"{incident.id} has no project lead with an e-mail address: the invitation is "
            "sent in their name",
            hint="add team.lead with name and email to the incident or to meptool.yaml",
        )
    return lead.name, lead.email


def calendar(
    ws: Workspace,
    env: Environment,
    incident: Incident,
    call: Call,
    context: dict[str, Any],
    *,
    method: str = "REQUEST",
) -> str:
    """The invitation (or, with `method="CANCEL"`, its cancellation) as iCalendar text."""
    from icalendar import Calendar, Event, vCalAddress, vText

    from meptool.writing.templating import render

    lang = context["lang"]
    lead_name, lead_email = organiser(incident)
    summary = " ".join(render(env, f"calls/{lang}/summary.txt.j2", context).split())
    agenda = render(env, f"calls/{lang}/agenda.txt.j2", context).strip() + "\n"
    if lang == "fr":
        from meptool.updates.compose import typo_fr

        summary, agenda = typo_fr(summary), typo_fr(agenda)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", call.uid or uid(incident.id, call.seq, ws.config.mail_domain))
    event.add("sequence", call.sequence)
    event.add("dtstamp", ws.now().astimezone(dt.UTC))
    start = call.at.astimezone(ws.tz)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=call.duration))
    event.add("summary", summary)
    event.add("description", agenda)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    who = vCalAddress(f"mailto:{lead_email}")
    who.params["cn"] = vText(lead_name)
    event.add("organizer", who, encode=False)
    chair = vCalAddress(f"mailto:{lead_email}")
    chair.params.update(
        {"cn": vText(lead_name), "role": "CHAIR", "partstat": "ACCEPTED", "cutype": "INDIVIDUAL"}
    )
    event.add("attendee", chair, encode=False)
    for person in context["recipients"]:
        address = vCalAddress(f"mailto:{person['email']}")
        address.params.update(
            {
                "cn": vText(person["name"]),
                # decision-makers and domain experts are needed; others are welcome
                "role": "REQ-PARTICIPANT" if person["kind"] != "other" else "OPT-PARTICIPANT",
                "partstat": "NEEDS-ACTION",
                "rsvp": "TRUE",
                "cutype": "INDIVIDUAL",
            }
        )
        event.add("attendee", address, encode=False)
    cal.add_component(event)
    cal.add_missing_timezones(
        first_date=dt.date(start.year - 1, 1, 1), last_date=dt.date(start.year + 2, 1, 1)
    )
    return str(cal.to_ical().decode("utf-8"))


def mail(
    ws: Workspace,
    env: Environment,
    incident: Incident,
    context: dict[str, Any],
    ics: str,
    *,
    comm_seq: int,
    method: str = "REQUEST",
) -> tuple[bytes, str, str]:
    """The invitation mail (text, HTML and the calendar request): bytes, subject, Message-ID.

    With `method="CANCEL"`, the mail that cancels the call (`calls/<lang>/cancel*.j2`).
    """
    from meptool.updates import mail as mailer
    from meptool.updates.drafts import sender
    from meptool.updates.render import render_mail

    lang = context["lang"]
    if not context["recipients"]:
        raise InputError(
            f"nobody invited to the call of {incident.id} has an e-mail address",
            hint="add an email to the contacts under client.contacts, or invite others with "
            "--with NAME",
        )
    stem = "cancel" if method == "CANCEL" else "invite"
    subject = "cancel-subject" if method == "CANCEL" else "subject"
    out = render_mail(env, f"calls/{lang}/{stem}.md.j2", f"calls/{lang}/{subject}.txt.j2", context)
    message_id = mailer.new_message_id(ws.config.mail_domain, incident.id, comm_seq)
    msg = mailer.build(
        subject=out.subject,
        text=out.txt,
        html=out.html,
        sender=sender(ws, incident),
        to=[mailer.address(p["name"], p["email"], "recipient") for p in context["recipients"]],
        date=ws.now(),
        message_id=message_id,
        language=lang,
        calendar=ics,
        calendar_method=method,
    )
    return mailer.to_bytes(msg), out.subject, message_id
