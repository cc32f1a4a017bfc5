"""`meptool init`: a new workspace with a commented `meptool.yaml`."""

from __future__ import annotations

import json
from pathlib import Path

from meptool.errors import UsageError
from meptool.files.workspace import CONFIG_NAME, INCIDENTS, SCHEMAS, STATE

CONFIG_TEMPLATE = """\
# yaml-language-server: $schema=schemas/meptool.schema.json
# meptool workspace: keep this folder in the client project's git repository,
# so that every incident and every client update is a reviewable diff.

# Incident IDs look like {prefix}-2026-001.
prefix: {prefix}

# Default language of client documents: fr or en (each incident may override it).
language: {language}

# IANA time zone for times written without an offset, and for dates in e-mails.
timezone: {timezone}

# The project this workspace serves (default for every new incident).
project: {project}

# The client: decision-makers get short business updates, domain experts the
# technical account. kind: decision-maker, domain-expert or other.
client:
  name: {client}
  contacts: []
  #  - name: Claire Martin
  #    email: claire.martin@example.com
  #    role: Directrice e-commerce
  #    kind: decision-maker

# Our side. The project lead signs every client update and is the single contact.
team:
  lead:
    name: {lead}
  #  email: lead@example.com
  #  phone: "+33 1 23 45 67 89"
  members: []

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

# Domain for Message-IDs of client e-mails (never the machine's host name).
# mail_domain: example.com

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

GITIGNORE = """\
# meptool: locks and caches
.meptool/
# temporary files of interrupted writes
.*.tmp
# the client portal (meptool portal build), published by CI, not committed
portal/
"""


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def init_workspace(
    path: Path,
    *,
    language: str = "fr",
    prefix: str = "MEP",
    client: str | None = None,
    project: str | None = None,
    lead: str | None = None,
    timezone: str = "Europe/Paris",
) -> list[Path]:
    """Create a workspace at `path`; return the files written."""
    from meptool.files.store import atomic_write
    from meptool.model.config import Config
    from meptool.model.incident import Incident
    from meptool.timeutil import zone

    config_path = path / CONFIG_NAME
    if config_path.exists():
        raise UsageError(f"{config_path} already exists", hint="this folder is a workspace already")
    try:
        zone(timezone)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not prefix.isalnum() or not prefix[:1].isalpha() or len(prefix) > 16:
        raise UsageError(
            f"'{prefix}' cannot be an ID prefix", hint="use letters and digits, e.g. MEP"
        )
    text = CONFIG_TEMPLATE.format(
        prefix=prefix,
        language=language,
        timezone=timezone,
        project=_scalar(project) if project else "null",
        client=_scalar(client) if client else "null",
        lead=_scalar(lead) if lead else "null",
    )
    if not lead:
        text = text.replace("  lead:\n    name: null\n", "  lead: null\n")
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


def schema_text(model: type, kind: str) -> str:
    """JSON Schema text of a file model."""
    from meptool.model.incident import json_schema

    schema = json_schema(model, f"urn:meptool:schema:{kind}:1")
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
