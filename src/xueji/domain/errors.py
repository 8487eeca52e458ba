"""One error hierarchy. Each error carries its exit code and a message for a clerk.

Messages are gettext msgids (marked with ``N_``) plus parameters; the edge translates them,
so the domain never needs to know the operator's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def N_(message: str) -> str:
    """Mark a string for extraction; translation happens where it is shown."""
    return message


class Msgid(str):
    """A message parameter that is itself a msgid (a status label...): the edge translates it too."""


class Choices(tuple):
    """A message parameter listing allowed values as (code, msgid label) pairs: shown as 休學 (suspended), …"""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value: which field, what was given, why it is refused."""

    field: str
    value: str
    message: str
    params: dict = field(default_factory=dict)


class XuejiError(Exception):
    """Base of every error a user can cause; never shown as a traceback."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None, **params):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.params = params


class RuleViolation(XuejiError):
    """Refused by a rule of the registry (unknown student, illegal transition, class full...)."""

    exit_code = 1


class UnknownStudent(RuleViolation):
    """No student holds that number."""

    def __init__(self, student_no: str):
        super().__init__(
            N_("No student has the number {student_no}."),
            hint=N_("Check the number with `xueji query`."),
            student_no=student_no,
        )


class IllegalTransition(RuleViolation):
    """The status change is not allowed from the student's current status."""


class DuplicateRegistration(RuleViolation):
    """The person already holds a live (active or suspended) registration."""


class ClassFull(RuleViolation):
    """All 99 seats of a class have been issued."""


class InvalidData(XuejiError):
    """A value failed validation; carries every problem found."""

    exit_code = 3

    def __init__(self, problems: list[Problem]):
        first = problems[0]
        super().__init__(first.message, **first.params)
        self.problems = problems

    @classmethod
    def one(cls, field: str, raw: object, message: str, /, **params) -> "InvalidData":
        return cls([Problem(field, "" if raw is None else str(raw), message, params)])


class ConfigError(XuejiError):
    """The configuration file is missing or malformed."""

    exit_code = 4


class DatabaseBusy(XuejiError):
    """Another writer held the lock past the busy timeout; safe to retry."""

    exit_code = 5

    def __init__(self):
        super().__init__(
            N_("The database is busy: another process is writing. Nothing was changed."),
            hint=N_("Try again in a moment."),
        )


class PermissionDenied(XuejiError):
    """The operator may not do this (reserved for roles)."""

    exit_code = 6


class IntegrityFailure(XuejiError):
    """An integrity check failed (reserved for the audit chain)."""

    exit_code = 7
