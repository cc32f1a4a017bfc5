"""The workspace's client, contacts and lead as the defaults of every incident.

`meptool.yaml` usually serves one client project: an incident that names no
lead, no client or no contacts falls back to the workspace's, whenever it is
read (drafting, approving, sending, showing). Nothing is written back: the
file keeps what a person wrote, and a later change to `meptool.yaml` reaches
every incident that relies on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meptool.model.config import Config
    from meptool.model.incident import Incident


def with_defaults(incident: Incident, config: Config) -> Incident:
    """`incident` with what it leaves out taken from the workspace configuration."""
    from meptool.model.incident import Client, Team

    changes: dict[str, Any] = {}
    if incident.project is None and config.project:
        changes["project"] = config.project
    base = config.team
    if base and (base.lead or base.members):
        team = incident.team or Team()
        fill: dict[str, Any] = {}
        if team.lead is None and base.lead is not None:
            fill["lead"] = base.lead
        if not team.members and base.members:
            fill["members"] = list(base.members)
        if fill:
            changes["team"] = team.model_copy(update=fill)
    ours = config.client
    if ours and (ours.name or ours.contacts):
        client = incident.client or Client()
        fill = {}
        if client.name is None and ours.name:
            fill["name"] = ours.name
        if not client.contacts and ours.contacts:
            # Their greetings are in the workspace's language, not necessarily the incident's.
            fill["contacts"] = [c.written_in(config.language.value) for c in ours.contacts]
        if fill:
            changes["client"] = client.model_copy(update=fill)
    return incident.model_copy(update=changes) if changes else incident
