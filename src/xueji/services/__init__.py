"""Services: one function per use case, each in one transaction, called alike by the CLI, batches and tests."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from xueji.domain.access import Action, Operator, Role
from xueji.domain.codetable import CodeTable
from xueji.domain.errors import N_, ConfigError, PermissionDenied, UnknownStudent
from xueji.domain.model import Event, Student
from xueji.domain.suspension import SuspensionLimits
from xueji.store import open_store  # noqa: F401  (the services open registries through it)


@dataclass
class Session:
    """What every use case needs: the store, the code table, the limits, who is working and what day it is."""

    store: object  # the store of store/sqlite/ or store/postgres.py: one interface
    operator: str
    today: date = field(default_factory=date.today)
    codes_table: CodeTable | None = None
    limits: SuspensionLimits = field(default_factory=SuspensionLimits)
    role: Role = Role.OFFICE
    scope: str | None = None        # college staff see their own college only
    approval: tuple | None = None   # (submitted_by, request_id) while the office applies a college's request
    rehearsal: bool = False         # validating a college's request: everything is rolled back
    account: str = field(default_factory=lambda: os_account())  # the OS account, from the process's user id
    look: "Look" = field(default_factory=lambda: Look("api"))     # how the caller asked to see personal data
    notices: list = field(default_factory=list)  # (msgid, params) the caller should tell the person

    @property
    def actor(self) -> Operator:
        return Operator(self.operator, self.role, self.scope, self.account)

    def notice(self, message: str, **params) -> None:
        self.notices.append((message, params))

    def require(self, action: Action) -> None:
        self.actor.require(action)

    def require_change(self) -> None:
        """Changes by college staff happen only as requests the office approves (§六)."""
        self.require(Action.CHANGE)
        if self.actor.makes_requests and not self.rehearsal:
            raise PermissionDenied(N_("College staff submit changes as requests for the office to approve."))

    def visible(self, student: Student | None, student_no: str) -> Student:
        """The student, if this operator may see them; others are not found, so their existence does not leak."""
        if student is None or (self.scope and student.current.college != self.scope):
            raise UnknownStudent(student_no)
        return student

    def event(self, kind, on, before, after, reason=None, doc_no=None, detail=None) -> Event:
        """An event stamped with who recorded it, who submitted it and who approved it."""
        submitted_by, request_id = self.approval or (self.operator, None)
        return Event(kind, on, self.operator, before, after, reason, doc_no, detail or {},
                     submitted_by=submitted_by, approved_by=self.operator, request_id=request_id,
                     account=self.account)

    @property
    def codes(self) -> CodeTable:
        if self.codes_table is None:
            raise ConfigError(
                N_("This command needs the code table from the configuration file."),
                hint=N_("Run `xueji init` here, or point to the file with --config or $XUEJI_CONFIG."),
            )
        return self.codes_table


@dataclass
class Look:
    """A use case that shows personal data: the command, whether to reveal (checked against the role), why, and for
    a student's or guardian's own request (§八.1) who asked and the proof shown."""

    command: str
    reveal: bool = False
    purpose: str | None = None
    requester: str | None = None
    proof: str | None = None
    grant_id: int | None = None             # a department's read: the grant it was made under
    fields: tuple[str, ...] | None = None   # and the fields that grant opens (the others are absent)


def os_account() -> str:
    """The OS account running the process, from its user id (not from $USER, which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        import getpass

        return getpass.getuser()


def storage_failure(error: BaseException):
    """The xueji error for a failure of the database engine (busy past the timeout, disk full, read-only…), or None
    when ``error`` is not one: the CLI asks here, and never handles the engine's own exceptions."""
    from xueji.store import storage_failure as translated

    return translated(error)
