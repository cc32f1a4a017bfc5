"""What a workspace still lacks to draft and send a client update (`meptool doctor`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from meptool.model.enums import ContactKind

if TYPE_CHECKING:
    from meptool.model.config import Config

DRAFT = "draft"
SEND = "send"
NOTE = "note"


@dataclass(frozen=True)
class Gap:
    """One thing missing: what, what it stops (draft, send, or only a note), how to add it."""

    what: str
    stops: str
    fix: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready."""
        return {"what": self.what, "stops": self.stops, "fix": self.fix}


def mail_domain(config: Config, lead_email: str | None = None) -> str | None:
    """`mail_domain`, else the domain of our sending address (never the machine's name)."""
    if config.mail_domain:
        return config.mail_domain
    lead = config.team.lead if config.team else None
    sender = (
        (config.smtp.from_ if config.smtp else None) or lead_email or (lead.email if lead else None)
    )
    return sender.rpartition("@")[2] if sender and "@" in sender else None


def gaps(config: Config, environ: Mapping[str, str] | None = None) -> list[Gap]:
    """Every gap of the workspace configuration, in the order a person fills them in."""
    env = os.environ if environ is None else environ
    out: list[Gap] = []
    client = config.client
    if not (client and client.name):
        out.append(Gap("the client's name", DRAFT, 'meptool init --client "Maison Dupont"'))
    contacts = [c for c in (client.contacts if client else []) if c.email]
    kinds = {c.kind for c in contacts}
    example = "'Claire Martin <claire.martin@client.example>; Directrice; decision-maker'"
    if ContactKind.DECISION_MAKER not in kinds:
        out.append(
            Gap(
                "a client decision-maker with an e-mail address (who gets the business update)",
                DRAFT,
                f"meptool init --contact {example}",
            )
        )
    if ContactKind.DOMAIN_EXPERT not in kinds:
        out.append(
            Gap(
                "a client domain expert with an e-mail address (who gets the technical account)",
                NOTE,
                "meptool init --contact 'Paul Durand <paul.durand@client.example>; "
                "Responsable technique; domain-expert'",
            )
        )
    lead = config.team.lead if config.team else None
    if lead is None:
        out.append(
            Gap(
                "the project lead, who signs every update", DRAFT, 'meptool init --lead "Your Name"'
            )
        )
    smtp_from = config.smtp.from_ if config.smtp else None
    if not (lead and lead.email) and not smtp_from:
        out.append(
            Gap(
                "the project lead's e-mail address (the sender, and the client's contact)",
                DRAFT,
                "meptool init --lead-email you@agency.example",
            )
        )
    if lead and not lead.phone:
        out.append(
            Gap(
                "the project lead's phone (to offer a call)",
                NOTE,
                "meptool init --lead-phone '+33 …'",
            )
        )
    if lead and not lead.title:
        out.append(
            Gap(
                "the project lead's title, for the signature",
                NOTE,
                'meptool init --lead-title "Cheffe de projet"',
            )
        )
    if config.agency is None:
        out.append(
            Gap("the agency's name, for the signature", NOTE, 'meptool init --agency "Your Agency"')
        )
    if mail_domain(config) is None and (smtp_from or (lead and lead.email)):
        out.append(
            Gap(
                "the mail domain of the e-mails' Message-ID",
                DRAFT,
                "meptool init --mail-domain agency.example",
            )
        )
    smtp = config.smtp
    if smtp is None:
        out.append(
            Gap(
                "the mail server that sends updates",
                SEND,
                "add to meptool.yaml: smtp: {host: smtp.agency.example, "
                "username: you@agency.example, password_env: MEPTOOL_SMTP_PASSWORD}",
            )
        )
    elif smtp.password_env and not env.get(smtp.password_env):
        out.append(
            Gap(
                f"the SMTP password in ${smtp.password_env} (never in a file)",
                SEND,
                f"export {smtp.password_env}=…",
            )
        )
    return out
