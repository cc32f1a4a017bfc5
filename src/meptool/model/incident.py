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
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from meptool.model.enums import (
    ActionStatus,
    ActionType,
    Agreement,
    Audience,
    CallStatus,
    Category,
    CommStatus,
    ContactKind,
    EntryKind,
    ExpectationStatus,
    Language,
    Severity,
    Status,
    Via,
    Visibility,
)
from meptool.safetext import SUSPECT, SUSPECT_LINE, describe

SCHEMA_VERSION = 1
ID_PATTERN = r"^[A-Za-z][A-Za-z0-9]{0,15}-[0-9]{4}-[0-9]{3,6}$"
ACTION_ID_PATTERN = r"^A[0-9]{1,4}$"
EXPECTATION_ID_PATTERN = r"^E[0-9]{1,4}$"


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
    if not 1970 <= value.year <= 2100:
        check_year(value)
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=_tz(info))
    return value


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date without time, e.g. {value.date().isoformat()}")
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"'{value}' is not a date; write it as YYYY-MM-DD") from None
    if isinstance(value, dt.date):
        check_year(value)
        return value
    raise ValueError("expected a date, written YYYY-MM-DD")


def _yaml11(value: Any) -> None:
    """Refuse a number YAML 1.1 read from a form a person rarely means (`010` is 8)."""
    if type(value) in _PLAIN_TYPES:
        return
    from meptool.model.numbers import Yaml11Float, Yaml11Int

    if isinstance(value, Yaml11Int | Yaml11Float):
        raw = value.raw
        if ":" in raw:
            form = "a sexagesimal (base 60) number"
        elif "x" in raw.lower():
            form = "a hexadecimal number"
        elif "b" in raw.lower():
            form = "a binary number"
        elif "_" in raw:
            form = "a number with '_' separators"
        else:
            form = "an octal number (a leading 0)"
        meant = f"{value:g}"
        if form.startswith("an octal"):  # `010` was most likely meant as ten
            meant = raw.lstrip("0") or "0"
        raise ValueError(
            f"YAML 1.1 reads unquoted {raw} as {form}, {value:g}; write the number as plain "
            f'digits (e.g. {meant}), or quote it ("{raw}") if it is not a number'
        )


def _to_number(value: Any) -> float:
    _yaml11(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise ValueError(f"'{shown}' is not a number meptool reads; write it like 1.5 or 12")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("expected a number, e.g. 1.5")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("expected a number, e.g. 1.5")
    if value < 0:
        raise ValueError("must not be negative")
    if value > NUMBER_MAX:
        raise ValueError(f"must be at most {NUMBER_MAX:,}")
    return float(value)


def whole_number(value: Any) -> Any:
    """A number as written, refused when only YAML 1.1 reads it as one."""
    _yaml11(value)
    return value


_PLAIN_TYPES = frozenset({int, float, bool, str, type(None)})
NUMBER_MAX = 100_000
YEARS = (1970, 2100)


def check_year(value: dt.date) -> None:
    """Refuse a date or time outside 1970-2100 (ValueError): beyond, arithmetic overflows."""
    if not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(
            f"{value.isoformat()} is outside the years {YEARS[0]}-{YEARS[1]} meptool accepts; "
            "check the year"
        )


def _safe_text(value: str) -> str:
    if SUSPECT.search(value):
        problem = describe(value, multiline=True)
        if problem:
            raise ValueError(problem)
    return value


def _safe_line(value: str) -> str:
    if SUSPECT_LINE.search(value):
        problem = describe(value, multiline=False)
        if problem:
            raise ValueError(problem)
    return value


Text = Annotated[
    str, Field(strict=True), StringConstraints(max_length=20_000), AfterValidator(_safe_text)
]
"""Free text: several lines and tabs, but no control, bidi or zero-width character."""
Name = Annotated[
    str,
    Field(strict=True),
    StringConstraints(min_length=1, max_length=300),
    AfterValidator(_safe_line),
]
"""A name or a short line: no line break, tab, control, bidi or zero-width character."""
Time = Annotated[dt.datetime, BeforeValidator(_to_datetime)]
Day = Annotated[dt.date, BeforeValidator(_to_date)]
Number = Annotated[float, BeforeValidator(_to_number)]
Email = Annotated[
    str,
    Field(strict=True),
    StringConstraints(max_length=320, pattern=r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$"),
]


Line = Name

_YES_NO = {"oui": True, "non": False}


def _flag(value: Any) -> Any:
    """true/false; a French `oui`/`non` reads as a person means it."""
    if isinstance(value, str) and value.strip().lower() in _YES_NO:
        return _YES_NO[value.strip().lower()]
    return value


Flag = Annotated[bool, BeforeValidator(_flag)]


class Localized(str):
    """A client-facing text: one string, or one per language (SPEC.md 2 *(v2)*).

    It *is* the string in the incident's language, so code that only needs the
    words reads it as a `str`; `translations` holds every language given, and
    `in_language(lang)` the one a document needs (None when it is missing).
    """

    translations: dict[str, str]

    def __new__(cls, text: str, translations: dict[str, str] | None = None) -> Localized:
        value = super().__new__(cls, text)
        value.translations = dict(translations or {})
        return value

    def in_language(self, lang: str, home: str) -> str | None:
        """The text in `lang` (None when missing); a plain string is in `home`, the file's."""
        if self.translations:
            return self.translations.get(lang)
        return str(self) if lang == home else None

    def primed(self, lang: str) -> Localized:
        """The same texts, read as a `str` in `lang` when that translation exists."""
        if not self.translations:
            return self
        text = self.translations.get(lang) or next(iter(self.translations.values()))
        return Localized(text, self.translations)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            _to_localized,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda v: dict(v.translations) if v.translations else str(v)
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        return {
            "anyOf": [
                {"type": "string", "maxLength": 20_000},
                {
                    "type": "object",
                    "properties": {
                        "fr": {"type": "string", "maxLength": 20_000},
                        "en": {"type": "string", "maxLength": 20_000},
                    },
                    "additionalProperties": False,
                    "minProperties": 1,
                },
            ],
            "description": "a text, or one text per language: {fr: …, en: …}",
        }


LANGS = ("fr", "en")


def _to_localized(value: Any) -> Localized:
    if isinstance(value, Localized):
        return value
    if isinstance(value, str):
        if len(value) > 20_000:
            raise ValueError("is longer than 20000 characters")
        return Localized(value)
    if isinstance(value, dict):
        if not value:
            raise ValueError("give the text, or one text per language: {fr: …, en: …}")
        out: dict[str, str] = {}
        for key, text in value.items():
            if key not in LANGS:
                raise ValueError(f"'{key}' is not a language: use fr or en, e.g. {{fr: …, en: …}}")
            if not isinstance(text, str):
                raise ValueError(f"{key}: expected a text")
            if len(text) > 20_000:
                raise ValueError(f"{key}: is longer than 20000 characters")
            out[str(key)] = text
        return Localized(next(iter(out.values())), out)
    raise ValueError("expected a text, or one text per language: {fr: …, en: …}")


def _safe_localized(value: Localized) -> Localized:
    for text in [str(value), *value.translations.values()]:
        _safe_text(text)
    return value


def _one_line_localized(value: Localized) -> Localized:
    for text in [str(value), *value.translations.values()]:
        _safe_line(text)
        if not text or len(text) > 300:
            raise ValueError("must be one line of 1 to 300 characters")
    return value


LText = Annotated[Localized, AfterValidator(_safe_localized)]
"""A client-facing free text: a string or `{fr: …, en: …}` (no control characters)."""
LLine = Annotated[Localized, AfterValidator(_one_line_localized)]


def empty_list() -> list[Any]:
    """A new empty list: the default of list fields.

    Not `list` itself: Pydantic reads a default factory's signature, and for a
    builtin `inspect` parses its text signature with the tokenizer (~0.3 ms a
    field, 25 fields, on every start).
    """
    return []


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

    summary: LText | None = None
    users_affected: LText | None = None
    started_at: Time | None = None
    ended_at: Time | None = None


class Contact(Model):
    """A person at the client."""

    name: Line
    email: Email | None = None
    role: Line | None = None
    kind: ContactKind = ContactKind.OTHER
    greeting: Line | None = None
    """How a letter to them opens, e.g. 'Madame la Directrice générale,'."""
    language: Language | None = None
    """The language they read (default: the incident's)."""
    _written_in: str | None = PrivateAttr(default=None)
    """The language of the file the contact is written in, when it is not the incident's
    (a workspace contact, `meptool.yaml`): the language of its `greeting`."""

    def greeting_language(self, home: str) -> str:
        """The language `greeting` is written in: the one they read, else their file's."""
        return self.language.value if self.language else self._written_in or home

    def written_in(self, lang: str) -> Contact:
        """A copy that knows it was written in `lang` (a workspace contact lent to an incident)."""
        copy = self.model_copy()
        copy._written_in = lang
        return copy


class Client(Model):
    """The client and the people we write to."""

    name: Line | None = None
    contacts: list[Contact] = Field(default_factory=empty_list)


class Person(Model):
    """Someone on our side."""

    name: Line
    email: Email | None = None
    phone: Line | None = None
    title: LLine | None = None
    """What they are, under their name in a signature, e.g. 'Cheffe de projet'
    (or one per language: {fr: Cheffe de projet, en: Project manager})."""


def _person(value: Any) -> Any:
    """`lead: Thomas Girard`, the natural reading of a name, is `{name: Thomas Girard}`."""
    return {"name": value} if isinstance(value, str) else value


class _NameOrPerson:
    """In the JSON Schema too, a lead may be written as a plain name."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        return {"anyOf": [schema, {"type": "string", "minLength": 1}]}


Lead = Annotated[Person, BeforeValidator(_person), _NameOrPerson()]


class Team(Model):
    """Our side: the project lead (single point of contact) and the team."""

    lead: Lead | None = None
    members: list[Line] = Field(default_factory=empty_list)


class Acknowledgement(Model):
    """The words in which we own the error, who said them and when."""

    at: Time
    by: Line
    statement: LText


class Entry(Model):
    """One line of the timeline."""

    at: Time
    text: LText
    visibility: Visibility = Visibility.INTERNAL
    kind: EntryKind | None = None
    status: Status | None = None
    by: Line | None = None
    note: LText | None = None
    """What a person added to an entry meptool wrote (e.g. why the status moved)."""
    old_status: Status | None = None
    """For a status entry: the status it moved from."""
    action: Annotated[str, Field(strict=True, pattern=ACTION_ID_PATTERN)] | None = None
    """For an action or plan entry: the action it is about."""


class RootCause(Model):
    """Why it happened: the five whys, and why our release process let it through."""

    summary: LText | None = None
    client_summary: LText | None = None
    """The cause in one plain sentence for the client's management."""
    category: Category | None = None
    whys: list[Text] = Field(default_factory=empty_list)
    contributing_factors: list[Text] = Field(default_factory=empty_list)
    escape: LText | None = None


class Action(Model):
    """A corrective or preventive action."""

    id: Annotated[str, Field(strict=True, pattern=ACTION_ID_PATTERN)]
    action: LText
    type: ActionType = ActionType.CORRECTIVE
    owner: Line | None = None
    due: Day | None = None
    status: ActionStatus = ActionStatus.TODO
    effort_days: Number | None = None
    client_visible: Flag = False


class ClientAnswer(Model):
    """Who agreed to (or refused) the new schedule and budget, when, in what words, how."""

    by: Line
    at: Time
    words: Text | None = None
    via: Via = Via.CALL


class ScheduleImpact(Model):
    """Delay and budget, stated, never hidden."""

    delay_days: Number | None = None
    budget_impact: LText | None = None
    new_delivery_date: Day | None = None
    client_agreement: Agreement | None = None
    agreement: ClientAnswer | None = None
    """The answer behind `client_agreement` (agreed or refused): kept in step with it."""

    @model_validator(mode="after")
    def _in_step(self) -> ScheduleImpact:
        if self.agreement is not None and self.client_agreement not in (
            Agreement.AGREED,
            Agreement.REFUSED,
        ):
            raise ValueError(
                "agreement records an answer, but client_agreement is "
                f"{self.client_agreement.value if self.client_agreement else 'not set'}; "
                "set client_agreement to agreed or refused, or remove agreement"
            )
        return self


class CheckOverride(Model):
    """A failed check someone chose to send anyway (`update send --force`)."""

    at: Time
    by: Line | None = None
    findings: list[Text] = Field(default_factory=empty_list)


class Communication(Model):
    """One client update: drafted, approved, sent."""

    seq: Annotated[int, BeforeValidator(whole_number), Field(strict=True, ge=1, le=100_000)]
    at: Time
    audience: Audience
    language: Language
    subject: Text
    files: list[Text] = Field(default_factory=empty_list)
    sha256: Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")] | None = None
    status: CommStatus = CommStatus.DRAFT
    approved_by: Line | None = None
    approved_at: Time | None = None
    approved_sha256: Annotated[str, Field(strict=True, pattern=r"^[0-9a-f]{64}$")] | None = None
    sent_at: Time | None = None
    recipients: list[Text] = Field(default_factory=empty_list)
    refused_recipients: list[Text] = Field(default_factory=empty_list)
    next_update_at: Time | None = None
    message_id: Line | None = None
    in_reply_to: Line | None = None
    check_overrides: list[CheckOverride] = Field(default_factory=empty_list)
    call: Annotated[int, Field(strict=True, ge=1)] | None = None
    """Set on the invitation to a client call (its `calls[].seq`): not an update."""

    @property
    def is_update(self) -> bool:
        """A client update, as opposed to a call invitation."""
        return self.call is None


class Feedback(Model):
    """What the client told us of how we handled it."""

    at: Time
    by: Line | None = None
    csat: Annotated[int, BeforeValidator(whole_number), Field(strict=True, ge=1, le=5)]
    comment: Text | None = None


class Call(Model):
    """A call with the client (SPEC.md 8): prepared, held, and what we heard."""

    model_config = Model.model_config | {"populate_by_name": True, "serialize_by_alias": True}
    seq: Annotated[int, Field(strict=True, ge=1)]
    at: Time
    duration: Annotated[int, Field(strict=True, ge=5, le=480)] = 30
    """Minutes."""
    with_: list[Line] = Field(default_factory=empty_list, alias="with")
    attendees_ours: list[Line] = Field(default_factory=empty_list)
    heard: list[Text] = Field(default_factory=empty_list)
    status: CallStatus = CallStatus.PLANNED
    files: list[Text] = Field(default_factory=empty_list)
    uid: Line | None = None
    sequence: Annotated[int, Field(strict=True, ge=0)] = 0
    """The invitation's iCalendar SEQUENCE: bumped each time the call is planned again."""


class Expectation(Model):
    """Something the client asked of us, and what became of it."""

    id: Annotated[str, Field(strict=True, pattern=EXPECTATION_ID_PATTERN)]
    text: LText
    by: Line | None = None
    at: Time
    call: Annotated[int, Field(strict=True, ge=1)] | None = None
    status: ExpectationStatus = ExpectationStatus.OPEN
    answer: LText | None = None
    answered_at: Time | None = None


class Retro(Model):
    """What the team learnt."""

    went_well: list[Text] = Field(default_factory=empty_list)
    went_badly: list[Text] = Field(default_factory=empty_list)
    lessons: list[Text] = Field(default_factory=empty_list)


class Incident(Model):
    """One incident file: `incidents/<ID>/incident.yaml`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"title": "meptool incident"},
    )

    schema_version: Literal[1]
    id: Annotated[str, Field(strict=True, pattern=ID_PATTERN)]
    title: LLine
    project: Line | None = None
    language: Language | None = None
    severity: Severity
    status: Status
    release: Release | None = None
    detected_at: Time | None = None
    detected_by: LLine | None = None
    impact: Impact | None = None
    client: Client | None = None
    team: Team | None = None
    acknowledgement: Acknowledgement | None = None
    timeline: list[Entry] = Field(default_factory=empty_list)
    root_cause: RootCause | None = None
    corrective_plan: list[Action] = Field(default_factory=empty_list)
    schedule_impact: ScheduleImpact | None = None
    communications: list[Communication] = Field(default_factory=empty_list)
    next_update_due: Time | None = None
    feedback: list[Feedback] = Field(default_factory=empty_list)
    retro: Retro | None = None
    calls: list[Call] = Field(default_factory=empty_list)
    expectations: list[Expectation] = Field(default_factory=empty_list)

    @model_validator(mode="after")
    def _detected_after_deploy(self) -> Incident:
        deployed = self.release.deployed_at if self.release else None
        if deployed is not None and self.detected_at is not None and self.detected_at < deployed:
            raise ValueError(
                f"detected_at {self.detected_at.isoformat()} is before release.deployed_at "
                f"{deployed.isoformat()}: a problem is noticed after the deploy; correct either"
            )
        return self

    @model_validator(mode="after")
    def _prime(self) -> Incident:
        """Read every two-language text as a string in the incident's language."""
        if self.language is not None:
            from meptool.model.texts import prime

            prime(self, self.language.value)
        return self

    @field_validator("corrective_plan")
    @classmethod
    def _unique_action_ids(cls, actions: list[Action]) -> list[Action]:
        _unique([a.id for a in actions], "corrective_plan", "id", "action")
        return actions

    @field_validator("communications")
    @classmethod
    def _unique_seqs(cls, comms: list[Communication]) -> list[Communication]:
        _unique([c.seq for c in comms], "communications", "seq", "update")
        return comms

    def action(self, action_id: str) -> Action | None:
        """The corrective-plan action with that ID."""
        return next((a for a in self.corrective_plan if a.id == action_id), None)

    def call(self, seq: int) -> Call | None:
        """The call numbered `seq`."""
        return next((c for c in self.calls if c.seq == seq), None)

    @property
    def open_expectations(self) -> list[Expectation]:
        """What the client asked of us and still waits for."""
        return [e for e in self.expectations if e.status is ExpectationStatus.OPEN]

    @property
    def opened_at(self) -> dt.datetime | None:
        """The earliest known moment of the incident."""
        times = [t for t in (self.detected_at, self.impact and self.impact.started_at) if t]
        if self.timeline:
            times.append(min(e.at for e in self.timeline))
        return min(times) if times else None


def _unique(values: list[Any], where: str, key: str, what: str) -> None:
    """Refuse a value of `key` used twice in the list `where`."""
    first: dict[Any, int] = {}
    for i, value in enumerate(values):
        if value in first:
            raise ValueError(
                f"{where}[{i}].{key} {value} is already the {key} of {where}[{first[value]}]; "
                f"give each {what} its own {key}"
            )
        first[value] = i


def json_schema(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    """JSON Schema 2020-12 of a file model."""
    schema = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id,
        **schema,
    }
