"""`meptool.yaml`, the workspace configuration, as a Pydantic model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from meptool.model.enums import Language, Severity
from meptool.model.incident import (
    Client,
    Email,
    Flag,
    Lead,
    Line,
    Model,
    Text,
    empty_list,
    whole_number,
)
from meptool.timeutil import parse_duration, zone

DEFAULT_CADENCE = {Severity.CRITICAL: "2h", Severity.MAJOR: "4h", Severity.MINOR: "1d"}


def _duration(value: str) -> str:
    parse_duration(value)
    return value


def _zone(value: str) -> str:
    zone(value)
    return value


Duration = Annotated[str, Field(strict=True), AfterValidator(_duration)]


class WorkspaceTeam(Model):
    """Our side, by default for every incident."""

    lead: Lead | None = None
    members: list[Line] = Field(default_factory=empty_list)


class Agency(Model):
    """Who signs with the lead: the agency or company doing the project."""

    name: Line | None = None


class Smtp(Model):
    """How `update send` reaches the mail server. The password is never in the file."""

    host: Line
    port: Annotated[int, BeforeValidator(whole_number), Field(strict=True, ge=1, le=65535)] = 587
    starttls: Flag = True
    ssl: Flag = False
    username: Line | None = None
    password_env: Annotated[str, Field(strict=True, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")] | None = (
        None
    )
    from_: Email | None = Field(default=None, alias="from")
    timeout: Annotated[float, BeforeValidator(whole_number), Field(gt=0, le=600)] = 30.0


def _base_url(value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError("must be an http(s) address, e.g. https://acme.gitlab.io/portal")
    return value.rstrip("/")


class Portal(Model):
    """The client portal (`meptool portal build`): where it is written, where it is published."""

    output: Line | None = None
    """The folder it is written to, relative to the workspace (default `portal`)."""
    base_url: Annotated[Line, AfterValidator(_base_url)] | None = None
    """Where it is published, for the absolute links of the feeds."""


class Config(Model):
    """The workspace configuration file."""

    model_config = Model.model_config | {"populate_by_name": True}

    prefix: Annotated[str, Field(strict=True, pattern=r"^[A-Za-z][A-Za-z0-9]{0,15}$")] = "MEP"
    language: Language = Language.FR
    timezone: Annotated[str, Field(strict=True), AfterValidator(_zone)] = "Europe/Paris"
    project: Line | None = None
    client: Client | None = None
    team: WorkspaceTeam | None = None
    update_cadence: dict[Severity, Duration] = Field(default_factory=lambda: dict(DEFAULT_CADENCE))
    templates_dir: Text | None = None
    smtp: Smtp | None = None
    mail_domain: (
        Annotated[
            str,
            Field(
                strict=True, pattern=r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)+$"
            ),
        ]
        | None
    ) = None
    internal_hostnames: list[Line] = Field(default_factory=empty_list)
    require_approval: Flag = True
    agency: Agency | None = None
    portal: Portal | None = None

    @field_validator("update_cadence", mode="before")
    @classmethod
    def _fill_cadence(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {**{k.value: v for k, v in DEFAULT_CADENCE.items()}, **value}
        return value

    def cadence(self, severity: Severity) -> dt.timedelta:
        """Longest time allowed between two client updates at this severity."""
        return parse_duration(self.update_cadence.get(severity, DEFAULT_CADENCE[severity]))
