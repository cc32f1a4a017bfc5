"""`meptool init`: a new workspace with a commented `meptool.yaml`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meptool.errors import UsageError
from meptool.files.workspace import CONFIG_NAME, INCIDENTS, SCHEMAS, STATE, Workspace

CONFIG_TEMPLATE = """\
# yaml-language-server: $schema=schemas/meptool.schema.json
# meptool workspace: keep this folder in the client project's git repository,
# so that every incident and every client update is a reviewable diff.
# 'meptool doctor' says what is still missing to draft and send a client update.

# Incident IDs look like {prefix}-2026-001.
prefix: {prefix}

# Default language of client documents: fr or en (each incident may override it).
language: {language}

# IANA time zone for times written without an offset, and for dates in e-mails.
timezone: {timezone}

# The project this workspace serves (default for every new incident).
project: {project}

# The client: decision-makers get short business updates, domain experts the
# technical account. kind: decision-maker, domain-expert or other; greeting is
# how a letter to them opens (default: their full name).
# Every incident that lists no contacts writes to these.
client:
  name: {client}
{contacts}
# Our side. The project lead signs every client update and is the single
# contact; every incident without a lead of its own is signed by this one.
team:
{lead}  members: []

# Who signs client documents with the lead, e.g. agency: {{name: Agence Exemple}}
{agency}
# Longest time between two client updates, per severity (30m, 2h, 1d...).
update_cadence:
  critical: 2h
  major: 4h
  minor: 1d

# A folder of Jinja templates overriding the shipped ones by name
# (see 'meptool templates list' and 'meptool templates export').
# templates_dir: templates

# Sending client updates ('meptool update send'). The password is never written
# here: password_env names the environment variable that holds it.
# smtp:
#   host: smtp.example.com
#   port: 587
#   starttls: true
#   username: lead@example.com
#   password_env: MEPTOOL_SMTP_PASSWORD
#   from: lead@example.com

# Domain for Message-IDs of client e-mails (never the machine's host name),
# e.g. agence.example; by default the domain of the lead's e-mail address.
{mail_domain}
# Host names that must never appear in a client update.
internal_hostnames: []

# A second person approves each update before it can be sent.
require_approval: true

# The client portal ('meptool portal build'): the folder it is written to, and
# where it is published (for the absolute links of its feeds).
# portal:
#   output: portal
#   base_url: https://acme.gitlab.io/portal
"""

CONTACTS_EXAMPLE = """\
  contacts: []
  #  - name: Claire Martin
  #    email: claire.martin@example.com
  #    role: Directrice e-commerce
  #    kind: decision-maker
  #    greeting: "Madame la Directrice,"
"""

GITIGNORE = """\
# meptool: locks and caches
.meptool/
# temporary files of interrupted writes
.*.tmp
# the client portal (meptool portal build), published by CI, not committed
portal/
"""


@dataclass
class Setup:
    """What `meptool init` was told (None: not said)."""

    language: str | None = None
    prefix: str | None = None
    client: str | None = None
    project: str | None = None
    contacts: list[dict[str, Any]] = field(default_factory=list)
    lead: str | None = None
    lead_title: str | None = None
    lead_email: str | None = None
    lead_phone: str | None = None
    agency: str | None = None
    mail_domain: str | None = None
    timezone: str | None = None


def _scalar(value: Any) -> str:
    from meptool.files.yamledit import scalar

    return scalar(value)


def _contacts_yaml(contacts: list[dict[str, Any]]) -> str:
    if not contacts:
        return CONTACTS_EXAMPLE
    lines = ["  contacts:"]
    for c in contacts:
        first = True
        for key in CONTACT_KEYS:
            if c.get(key) is None:
                continue
            lines.append(f"    {'- ' if first else '  '}{key}: {_scalar(c[key])}")
            first = False
    return "\n".join(lines) + "\n"


def _lead_yaml(setup: Setup) -> str:
    if not setup.lead:
        return (
            "  lead: null\n"
            "  #  name: Julie Leroy\n"
            "  #  title: Cheffe de projet\n"
            "  #  email: julie.leroy@example.com\n"
            '  #  phone: "+33 1 23 45 67 89"\n'
        )
    out = ["  lead:", f"    name: {_scalar(setup.lead)}"]
    todo = []
    for key, value, example in (
        ("title", setup.lead_title, "Cheffe de projet"),
        ("email", setup.lead_email, "lead@example.com"),
        ("phone", setup.lead_phone, '"+33 1 23 45 67 89"'),
    ):
        if value:
            out.append(f"    {key}: {_scalar(value)}")
        else:
            todo.append(f"  #  {key}: {example}")
    return "\n".join(out + todo) + "\n"


CONTACT_KEYS = ("name", "email", "role", "kind", "greeting")


def _check(setup: Setup) -> None:
    from meptool.timeutil import zone

    if setup.timezone is not None:
        try:
            zone(setup.timezone)
        except ValueError as exc:
            raise UsageError(str(exc), hint="an IANA name, e.g. Europe/Paris") from None
    prefix = setup.prefix
    if prefix is not None and (
        not prefix.isalnum() or not prefix[:1].isalpha() or len(prefix) > 16
    ):
        raise UsageError(
            f"'{prefix}' cannot be an ID prefix", hint="use letters and digits, e.g. MEP"
        )


def config_text(setup: Setup) -> str:
    """The commented `meptool.yaml` of a new workspace."""
    return CONFIG_TEMPLATE.format(
        prefix=setup.prefix or "MEP",
        language=setup.language or "fr",
        timezone=setup.timezone or "Europe/Paris",
        project=_scalar(setup.project) if setup.project else "null",
        client=_scalar(setup.client) if setup.client else "null",
        contacts=_contacts_yaml(setup.contacts),
        lead=_lead_yaml(setup),
        agency=f"agency:\n  name: {_scalar(setup.agency)}\n" if setup.agency else "agency: null\n",
        mail_domain=f"mail_domain: {_scalar(setup.mail_domain)}\n"
        if setup.mail_domain
        else "mail_domain: null\n",
    )


def init_workspace(path: Path, setup: Setup | None = None, **values: Any) -> list[Path]:
    """Create a workspace at `path`; return the files written."""
    from meptool.files.store import atomic_write
    from meptool.model.config import Config
    from meptool.model.incident import Incident

    setup = setup or Setup(**values)
    config_path = path / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} already exists", hint="this folder is a workspace already")
    _check(setup)
    if not setup.lead and (setup.lead_title or setup.lead_email or setup.lead_phone):
        raise UsageError(
            "--lead-title, --lead-email and --lead-phone describe a --lead",
            hint='add --lead "Your Name"',
        )
    text = config_text(setup)
    _valid(text, config_path)
    path.mkdir(parents=True, exist_ok=True)
    (path / INCIDENTS).mkdir(exist_ok=True)
    (path / SCHEMAS).mkdir(exist_ok=True)
    written = []
    for name, text_ in (
        (CONFIG_NAME, text),
        (".gitignore", GITIGNORE),
        (f"{SCHEMAS}/incident.schema.json", schema_text(Incident, "incident")),
        (f"{SCHEMAS}/meptool.schema.json", schema_text(Config, "meptool")),
    ):
        target = path / name
        content = text_
        if name == ".gitignore" and target.exists():
            existing = target.read_text(encoding="utf-8")
            if STATE in existing:
                continue
            content = existing.rstrip("\n") + "\n\n" + text_
        atomic_write(target, content.encode("utf-8"))
        written.append(target)
    return written


def _valid(text: str, path: Path) -> None:
    """The text as meptool will read it back (a bad e-mail or domain: a usage error)."""
    from meptool.errors import InvalidFile
    from meptool.files.validation import validate
    from meptool.files.yamlio import load
    from meptool.model.config import Config

    try:
        validate(load(text, str(path)), Config)
    except InvalidFile as exc:
        first = exc.problems[0]
        flag = _FLAGS.get(first.field) or _FLAGS.get(first.field.split(".")[0], "")
        raise UsageError(
            f"{flag + ': ' if flag else ''}{first.field}: {first.message}; nothing was written",
            hint=f"{path} would not be read back: give a one-line value without control characters",
        ) from None


# The flag of `meptool init` that sets a field of meptool.yaml, for messages.
_FLAGS = {
    "client": "--client",
    "project": "--project",
    "team.lead.name": "--lead",
    "team.lead.title": "--lead-title",
    "team.lead.email": "--lead-email",
    "team.lead.phone": "--lead-phone",
    "team": "--lead",
    "agency": "--agency",
    "mail_domain": "--mail-domain",
    "prefix": "--prefix",
    "timezone": "--timezone",
    "language": "--lang",
}


def complete_workspace(ws: Workspace, setup: Setup) -> list[str]:
    """Add to an existing `meptool.yaml` what `setup` says; return the keys set.

    Comments and everything else a person wrote stay as they are; contacts are
    added after the ones already there (same e-mail address: not added twice).
    """
    from meptool.files.store import atomic_write, locked
    from meptool.files.yamledit import edit_text

    _check(setup)
    ops: list[tuple[str, tuple[str | int, ...], Any]] = []
    cfg = ws.config
    for key, value in (
        ("language", setup.language),
        ("prefix", setup.prefix),
        ("timezone", setup.timezone),
        ("project", setup.project),
        ("mail_domain", setup.mail_domain),
    ):
        if value is not None and value != getattr(cfg, key):
            ops.append(("set", (key,), value))
    if setup.client is not None and (cfg.client is None or cfg.client.name != setup.client):
        ops.append(("set", ("client", "name"), setup.client))
    if setup.agency is not None and (cfg.agency is None or cfg.agency.name != setup.agency):
        ops.append(("set", ("agency",), {"name": setup.agency}))
    lead = cfg.team.lead if cfg.team else None
    if setup.lead is not None and (lead is None or lead.name != setup.lead):
        ops.append(("set", ("team", "lead"), {"name": setup.lead}))
        lead = None
    for key, value in (
        ("title", setup.lead_title),
        ("email", setup.lead_email),
        ("phone", setup.lead_phone),
    ):
        if value is not None and (lead is None or getattr(lead, key) != value):
            if lead is None and setup.lead is None:
                raise UsageError(
                    f"--lead-{key} needs the lead's name first", hint='add --lead "Your Name"'
                )
            ops.append(("set", ("team", "lead", key), value))
    known = {(c.email or c.name).casefold() for c in (cfg.client.contacts if cfg.client else [])}
    for c in setup.contacts:
        if (c.get("email") or c["name"]).casefold() in known:
            continue
        ops.append(("append", ("client", "contacts"), {k: c[k] for k in CONTACT_KEYS if c.get(k)}))
    if not ops:
        return []
    path = ws.config_path
    with locked(ws, CONFIG_NAME):
        text = path.read_text(encoding="utf-8")
        new = edit_text(text, ops)
        _valid(new, path)
        atomic_write(path, new.encode("utf-8"))
    ws.__dict__.pop("config", None)
    ws.__dict__.pop("facts", None)
    return [".".join(str(p) for p in op[1]) for op in ops]


def schema_text(model: type, kind: str) -> str:
    """JSON Schema text of a file model."""
    from meptool.model.incident import json_schema

    schema = json_schema(model, f"urn:meptool:schema:{kind}:1")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
