"""The incident file (SPEC.md 2) as Pydantic models.

Strings stay strings (a YAML `no` or `012345` in a text field is an error),
closed lists are enums, times are timezone-aware: a naive time is read in the
workspace timezone, passed as `context={"tz": ZoneInfo(...)}` when validating.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
)

from meptool.model.enums import (
    ActionStatus,
    ActionType,
    Agreement,
    Audience,
    Category,
    CommStatus,
    ContactKind,
    EntryKind,
    Language,
    Severity,
    Status,
    Visibility,
)

SCHEMA_VERSION = 1
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9]{0,15}-[0-9]{4}-[0-9]{3,6}$"
ACTION_ID_PATTERN = r"^A[0-9]{1,4}$"


def _tz(info: ValidationInfo) -> dt.tzinfo:
    ctx = info.context or {}
    tz = ctx.get("tz")
    return tz if isinstance(tz, dt.tzinfo) else ZoneInfo("UTC")


def _to_datetime(value: Any, info: ValidationInfo) -> dt.datetime:
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a date and time; write it as ISO 8601, "
                "e.g. 2026-11-20T18:40:00+01:00"
            ) from None
        if len(text) <= 10:
            raise ValueError(f"'{value}' has no time of day; add one, e.g. {text}T09:00")
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        raise ValueError(f"{value} has no time of day; add one, e.g. {value}T09:00")
    if not isinstance(value, dt.datetime):
        raise ValueError("expected a date and time, e.g. 2026-11-20T18:40:00+01:00")
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=_tz(info))
    return value


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date without time, e.g. {value.date().isoformat()}")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD") from None
    if isinstance(value, dt.date):
        return value
    raise ValueError("expected a date, written YYYY-MM-DD")


def _to_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError("expected a number, e.g. 1.5")
    if value < 0:
        raise ValueError("must not be negative")
    return float(value)


Text = Annotated[str, Field(strict=True), StringConstraints(max_length=20_000)]
Name = Annotated[str, Field(strict=True), StringConstraints(min_length=1, max_length=300)]
Time = Annotated[dt.datetime, BeforeValidator(_to_datetime)]
Day = Annotated[dt.date, BeforeValidator(_to_date)]
Number = Annotated[float, BeforeValidator(_to_number)]
Email = Annotated[
    str,
    Field(strict=True),
    StringConstraints(max_length=320, pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$"),
]


def _no_control(value: str) -> str:
    if "\n" in value or "\r" in value or "\x00" in value:
        raise ValueError("must be on one line")
    return value


Line = Annotated[Name, AfterValidator(_no_control)]


class Model(BaseModel):
    """Base of every file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_default=False, use_enum_values=False)


class CI(Model):
    """Where a release came from, when a pipeline opened the incident."""

    provider: Line | None = None
    run_url: Text | None = None
    job_url: Text | None = None
    run_id: Line | None = None
    attempt: Line | None = None
    """Which try of the run opened the incident (not part of its identity: a re-run finds it)."""
    ref: Line | None = None
    tag: Line | None = None
    actor: Line | None = None
    workflow: Line | None = None
    repository: Line | None = None


class Release(Model):
    """The production release ("MEP") that went wrong."""

    version: Line | None = None
    deployed_at: Time | None = None
    environment: Line | None = None
    commit: Line | None = None
    pipeline_url: Text | None = None
    ci: CI | None = None


class Impact(Model):
    """What the client sees, in the client's words."""

    summary: Text | None = None
    users_affected: Text | None = None
    started_at: Time | None = None
    ended_at: Time | None = None


class Contact(Model):
    """A person at the client."""

    name: Line
    email: Email | None = None
    role: Line | None = None
    kind: ContactKind = ContactKind.OTHER


class Client(Model):
    """The client and the people we write to."""

    name: Line | None = None
    contacts: list[Contact] = Field(default_factory=list)


class Person(Model):
    """Someone on our side."""

    name: Line
    email: Email | None = None
    phone: Line | None = None


class Team(Model):
    """Our side: the project lead (single point of contact) and the team."""

    lead: Person | None = None
    members: list[Line] = Field(default_factory=list)


class Acknowledgement(Model):
    """The words in which we own the error, who said them and when."""

    at: Time
    by: Line
    statement: Text


class Entry(Model):
    """One line of the timeline."""

    at: Time
    text: Text
    visibility: Visibility = Visibility.INTERNAL
    kind: EntryKind | None = None
    status: Status | None = None
    by: Line | None = None


class RootCause(Model):
    """Why it happened: the five whys, and why our release process let it through."""

    summary: Text | None = None
    category: Category | None = None
    whys: list[Text] = Field(default_factory=list)
    contributing_factors: list[Text] = Field(default_factory=list)
    escape: Text | None = None


class Action(Model):
    """A corrective or preventive action."""

    id: Annotated[str, Field(strict=True, pattern=ACTION_ID_PATTERN)]
    action: Text
    type: ActionType = ActionType.CORRECTIVE
    owner: Line | None = None
    due: Day | None = None
    status: ActionStatus = ActionStatus.TODO
    effort_days: Number | None = None
    client_visible: bool = False


class ScheduleImpact(Model):
    """Delay and budget, stated, never hidden."""

    delay_days: Number | None = None
    budget_impact: Text | None = None
    new_delivery_date: Day | None = None
    client_agreement: Agreement | None = None


class CheckOverride(Model):
    """A failed check someone chose to send anyway (`update send --force`)."""

    at: Time
    by: Line | None = None
    findings: list[Text] = Field(default_factory=list)


class Communication(Model):
    """One client update: drafted, approved, sent."""

    seq: Annotated[int, Field(strict=True, ge=1)]
    at: Time
    audience: Audience
    language: Language
    subject: Text
    files: list[Text] = Field(default_factory=list)
    sha256: Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")] | None = None
    status: CommStatus = CommStatus.DRAFT
    approved_by: Line | None = None
    approved_at: Time | None = None
    approved_sha256: Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")] | None = None
    sent_at: Time | None = None
    recipients: list[Text] = Field(default_factory=list)
    refused_recipients: list[Text] = Field(default_factory=list)
    next_update_at: Time | None = None
    message_id: Line | None = None
    in_reply_to: Line | None = None
    check_overrides: list[CheckOverride] = Field(default_factory=list)


class Feedback(Model):
    """What the client told us of how we handled it."""

    at: Time
    by: Line | None = None
    csat: Annotated[int, Field(strict=True, ge=1, le=5)]
    comment: Text | None = None


class Retro(Model):
    """What the team learnt."""

    went_well: list[Text] = Field(default_factory=list)
    went_badly: list[Text] = Field(default_factory=list)
    lessons: list[Text] = Field(default_factory=list)


class Incident(Model):
    """One incident file: `incidents/<ID>/incident.yaml`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"title": "meptool incident"},
    )

    schema_version: Literal[1]
    id: Annotated[str, Field(strict=True, pattern=ID_PATTERN)]
    title: Annotated[Line, StringConstraints(max_length=300)]
    project: Line | None = None
    language: Language | None = None
    severity: Severity
    status: Status
    release: Release | None = None
    detected_at: Time | None = None
    detected_by: Line | None = None
    impact: Impact | None = None
    client: Client | None = None
    team: Team | None = None
    acknowledgement: Acknowledgement | None = None
    timeline: list[Entry] = Field(default_factory=list)
    root_cause: RootCause | None = None
    corrective_plan: list[Action] = Field(default_factory=list)
    schedule_impact: ScheduleImpact | None = None
    communications: list[Communication] = Field(default_factory=list)
    next_update_due: Time | None = None
    feedback: list[Feedback] = Field(default_factory=list)
    retro: Retro | None = None

    def action(self, action_id: str) -> Action | None:
        """The corrective-plan action with that ID."""
        return next((a for a in self.corrective_plan if a.id == action_id), None)

    @property
    def opened_at(self) -> dt.datetime | None:
        """The earliest known moment of the incident."""
        times = [t for t in (self.detected_at, self.impact and self.impact.started_at) if t]
        if self.timeline:
            times.append(min(e.at for e in self.timeline))
        return min(times) if times else None


def json_schema(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    """JSON Schema 2020-12 of a file model."""
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        **schema,
    }
