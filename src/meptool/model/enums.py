"""The closed lists of the incident file (stdlib only: the CLI imports them for choices)."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How bad it is for the client."""

    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


SEVERITY_HELP = {
    Severity.CRITICAL: "the service is down or data is at risk for the client's users",
    Severity.MAJOR: "an important feature is broken or badly degraded, with no easy workaround",
    Severity.MINOR: "a limited fault with a workaround; the client is inconvenienced",
}


class Status(StrEnum):
    """Where the incident stands in its lifecycle."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Language(StrEnum):
    """Language of client documents."""

    FR = "fr"
    EN = "en"


class Visibility(StrEnum):
    """Whether a timeline entry may reach the client."""

    CLIENT = "client"
    INTERNAL = "internal"


class ContactKind(StrEnum):
    """Who a client contact is to us."""

    DECISION_MAKER = "decision-maker"
    DOMAIN_EXPERT = "domain-expert"
    OTHER = "other"


class Category(StrEnum):
    """Root-cause category."""

    TESTING = "testing"
    CODE_REVIEW = "code-review"
    CONFIGURATION = "configuration"
    INFRASTRUCTURE = "infrastructure"
    THIRD_PARTY = "third-party"
    REQUIREMENTS = "requirements"
    PROCESS = "process"
    OTHER = "other"


class ActionType(StrEnum):
    """Fix what broke, or stop it happening again."""

    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"


class ActionStatus(StrEnum):
    """Progress of a corrective-plan action."""

    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class Agreement(StrEnum):
    """The client's answer to a schedule or budget change."""

    PENDING = "pending"
    AGREED = "agreed"
    REFUSED = "refused"


class CommStatus(StrEnum):
    """Where a client update stands."""

    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"


class Audience(StrEnum):
    """Who a client update is written for."""

    DECISION_MAKERS = "decision-makers"
    DOMAIN_EXPERTS = "domain-experts"
    ALL = "all"


class EntryKind(StrEnum):
    """What produced a timeline entry (entries written by meptool say so)."""

    NOTE = "note"
    DETECTION = "detection"
    STATUS = "status"
    ACKNOWLEDGEMENT = "acknowledgement"
    ROOT_CAUSE = "root-cause"
    PLAN = "plan"
    ACTION = "action"
    UPDATE = "update"
    FEEDBACK = "feedback"
