"""The questions of each walk-through, as data (asked by `meptool.cli.prompts.ask`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from meptool.cli.prompts import (
    Step,
    date_parser,
    email,
    number,
    one_line,
    time_parser,
    yes_no,
)
from meptool.model.enums import (
    SEVERITY_HELP,
    ActionStatus,
    ActionType,
    Agreement,
    Category,
    ContactKind,
    Language,
    Severity,
    Visibility,
)

if TYPE_CHECKING:
    from meptool.files.workspace import Workspace
    from meptool.model.incident import Incident

CATEGORY_HELP = {
    Category.TESTING: "a test was missing or did not cover the case",
    Category.CODE_REVIEW: "review did not catch it",
    Category.CONFIGURATION: "a setting, flag or secret was wrong",
    Category.INFRASTRUCTURE: "servers, network, capacity",
    Category.THIRD_PARTY: "a supplier or external service",
    Category.REQUIREMENTS: "the need was misunderstood or changed",
    Category.PROCESS: "how we release, plan or hand over",
    Category.OTHER: "none of these",
}
KIND_HELP = {
    ContactKind.DECISION_MAKER: "decides: gets the short business update",
    ContactKind.DOMAIN_EXPERT: "knows the trade: gets the technical account",
    ContactKind.OTHER: "kept informed",
}
_CONTACT = re.compile(r"^\s*(?P<name>[^<;]+?)\s*(?:<(?P<email>[^>]*)>)?\s*(?:;(?P<rest>.*))?$")


def _choices(help_texts: dict[Any, str]) -> dict[str, str]:
    return {k.value: v for k, v in help_texts.items()}


def _names(enum: type[Any]) -> dict[str, str]:
    return {m.value: "" for m in enum}


def contact(text: str) -> dict[str, str | None]:
    """`Name <email>; role; kind` (role and kind optional) as raw contact fields."""
    match = _CONTACT.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a contact; write it as 'Name <email>; role; kind'")
    rest = [p.strip() for p in (match.group("rest") or "").split(";")]
    return {
        "name": match.group("name"),
        "email": match.group("email"),
        "role": rest[0] if rest and rest[0] else None,
        "kind": rest[1] if len(rest) > 1 and rest[1] else None,
    }


def open_steps(ws: Workspace) -> list[Step]:
    """`incident open`: what happened, how bad, who noticed, who to tell."""
    cfg = ws.config
    when = time_parser(ws.tz, ws.now())
    known = ", ".join(c.name for c in cfg.client.contacts) if cfg.client else ""
    return [
        Step(
            "title",
            "--title",
            "What went wrong, in a few words",
            required=True,
            parse=one_line,
            hint='say what went wrong, e.g. --title "Paiement refusé"',
        ),
        Step("project", "--project", "Project", default=cfg.project, parse=one_line),
        Step(
            "language",
            "--lang",
            "Language of client documents",
            default=cfg.language.value,
            choices=_names(Language),
        ),
        Step(
            "severity",
            "--severity",
            "Severity",
            required=True,
            choices=_choices(SEVERITY_HELP),
            parse=Severity,
            hint="one of: critical, major, minor",
            intro="How bad is it for the client?",
        ),
        Step(
            "release", "--release", "Release version that went wrong (e.g. v2.3.0)", parse=one_line
        ),
        Step("deployed_at", "--deployed-at", "When was it deployed (e.g. 17:30)", parse=when),
        Step("impact", "--impact", "What does the client see? In the client's words"),
        Step("users_affected", "--users-affected", "Who or how much is affected"),
        Step("detected_by", "--detected-by", "Who noticed", parse=one_line),
        Step("detected_at", "--detected-at", "When was it noticed", default="now", parse=when),
        Step(
            "contacts",
            "--contact",
            "contact",
            parse=contact,
            intro=(
                f"Client contacts (already in the workspace: {known})."
                if known
                else "Client contacts."
            )
            + " Add anyone else to keep informed; leave the name empty when done.",
            fields=(
                Step("name", "--contact", "Contact name", parse=one_line),
                Step("email", "--contact", "  e-mail", parse=email),
                Step("role", "--contact", "  role (e.g. Directrice e-commerce)", parse=one_line),
                Step(
                    "kind",
                    "--contact",
                    "  kind",
                    default=ContactKind.OTHER.value,
                    choices=_choices(KIND_HELP),
                    parse=ContactKind,
                ),
            ),
        ),
    ]


def ack_steps(ws: Workspace, incident: Incident, draft: str) -> list[Step]:
    """`incident ack`: who owns the error, and in which words."""
    lead = ws.config.team.lead.name if ws.config.team and ws.config.team.lead else None
    if incident.team and incident.team.lead:
        lead = incident.team.lead.name
    return [
        Step(
            "by",
            "--by",
            "Who acknowledges (your name)",
            required=True,
            default=lead,
            parse=one_line,
            hint='your name, e.g. --by "Julie Leroy" (or set team.lead in meptool.yaml)',
        ),
        Step(
            "statement",
            "--statement",
            "Statement",
            required=True,
            suggest=draft,
            intro=(
                "Own the error in plain words: what happened, that it is our mistake, what we do "
                "now. A start built from the incident is typed in below: edit it, Enter keeps it."
            ),
            hint=f'write it in your own words, e.g. --statement "{draft}"',
        ),
    ]


def note_steps(ws: Workspace) -> list[Step]:
    """`incident note`: one timeline entry."""
    return [
        Step(
            "text", "--text", "What happened", required=True, hint='e.g. --text "Correctif déployé"'
        ),
        Step("at", "--at", "When", default="now", parse=time_parser(ws.tz, ws.now())),
        Step(
            "visibility",
            "--client/--internal",
            "Who may read it",
            default=Visibility.INTERNAL.value,
            choices={
                Visibility.INTERNAL.value: "the team only (default)",
                Visibility.CLIENT.value: "may appear in client updates",
            },
            parse=Visibility,
        ),
    ]


def rootcause_steps(incident: Incident) -> list[Step]:
    """`incident rootcause`: the five whys, category, factors, and why it escaped."""
    rc = incident.root_cause
    return [
        Step(
            "whys",
            "--why",
            "why?",
            many=True,
            intro=(
                "The five whys: start from what the client saw and ask 'why?' until you reach "
                "the cause. Leave it empty to stop."
            ),
        ),
        Step(
            "summary",
            "--summary",
            "Root cause in one or two sentences",
            required=True,
            default=rc.summary if rc else None,
            hint='e.g. --summary "La règle 3-D Secure refusait les cartes étrangères"',
        ),
        Step(
            "category",
            "--category",
            "Category",
            default=rc.category.value if rc and rc.category else None,
            choices=_choices(CATEGORY_HELP),
            parse=Category,
        ),
        Step(
            "factors",
            "--factor",
            "Contributing factor (empty when done)",
            many=True,
        ),
        Step(
            "escape",
            "--escape",
            "Why did our release process let it reach production? "
            "Which review, test or check should have caught it",
            default=rc.escape if rc else None,
        ),
    ]


def plan_steps(ws: Workspace, incident: Incident) -> list[Step]:
    """`incident plan`: actions, then the schedule and budget impact."""
    s = incident.schedule_impact
    today = ws.now().date()
    return [
        Step(
            "actions",
            "--action",
            "action",
            intro=(
                "Corrective actions fix what broke; preventive ones stop it happening again. "
                "Leave the action empty when done."
            ),
            fields=(
                Step("action", "--action", "Action"),
                Step(
                    "type",
                    "--type",
                    "  type",
                    default=ActionType.CORRECTIVE.value,
                    choices=_names(ActionType),
                    parse=ActionType,
                ),
                Step("owner", "--owner", "  owner", parse=one_line),
                Step("due", "--due", "  due (YYYY-MM-DD or +3)", parse=date_parser(today)),
                Step("effort", "--effort", "  effort in days", parse=number),
                Step(
                    "client_visible",
                    "--client-visible/--internal",
                    "  may the client see it? [y/n]",
                    default="no",
                    parse=yes_no,
                ),
            ),
        ),
        Step(
            "delay_days",
            "--delay-days",
            "Delay to the delivery, in days",
            default=f"{s.delay_days:g}" if s and s.delay_days is not None else None,
            parse=number,
            intro="Schedule and budget: state any delay, never hide it.",
        ),
        Step(
            "budget",
            "--budget",
            "Budget impact (who pays for what)",
            default=s.budget_impact if s else None,
        ),
        Step(
            "new_date",
            "--new-date",
            "New delivery date (YYYY-MM-DD)",
            default=s.new_delivery_date.isoformat() if s and s.new_delivery_date else None,
            parse=date_parser(today),
        ),
        Step(
            "agreement",
            "--agreement",
            "Client agreement",
            default=s.client_agreement.value if s and s.client_agreement else None,
            choices=_names(Agreement),
            parse=Agreement,
        ),
    ]


def action_steps(action_id: str) -> list[Step]:
    """`incident action`: the new status of one action."""
    return [
        Step(
            "status",
            "--status",
            f"Status of {action_id.upper()}",
            required=True,
            choices=_names(ActionStatus),
            parse=ActionStatus,
            hint="one of: todo, doing, done",
        )
    ]
