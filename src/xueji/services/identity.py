"""Who is working: the operators of the registry, kept in the registry itself, and the session of one process.

Identity is never taken from anything the caller chooses. The OS account comes from the process's user id; the
operator it may act as, its role and its college come from the registry's operator table. A configuration file's
``[operators]`` table is read only to fill an empty registry (the first use after ``init`` or an upgrade) and by
``xueji operators import``; once the registry has operators, a configuration that says otherwise is ignored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from xueji.domain import validate as v
from xueji.domain.access import Action, Operator, OperatorEntry, Role
from xueji.domain.codetable import CodeTable
from xueji.domain.errors import N_, IntegrityFailure, InvalidData, PermissionDenied, RuleViolation
from xueji.domain.suspension import SuspensionLimits
from xueji.services import Session, os_account
from xueji.store import open_store

_LOGIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")


def open_session(database: Path, *, busy_timeout: float = 10.0, codes: CodeTable | None = None,
                 limits: SuspensionLimits | None = None, requested: str | None = None,
                 configured: dict[str, OperatorEntry] | None = None, witness: Path | None = None) -> Session:
    """Open the registry and find out who is working; PermissionDenied (exit 6) for an account it does not know."""
    store = open_store(database, busy_timeout)
    try:
        account = store.login() or os_account()  # the database login on PostgreSQL; else the OS account
        session = Session(store, account, codes_table=codes, limits=limits or SuspensionLimits(), account=account)
        operator = identify(session, requested, configured)
        session.operator, session.role, session.scope = operator.name, operator.role, operator.scope
        if witness is not None:
            store.witness = _witness(Path(witness), session)
        if store.readable_by_others:
            session.notice(N_("Warning: {path} can be read by other users of this machine; it holds personal data "
                              "(chmod o-rwx)."), path=str(database))
    except BaseException:
        store.close()
        raise
    return session


def _entries(rows: list[dict]) -> dict[str, OperatorEntry]:
    return {r["name"]: OperatorEntry(Role(r["role"]), r["college"], bool(r["act_as"])) for r in rows}


def identify(session: Session, requested: str | None, configured: dict[str, OperatorEntry] | None) -> Operator:
    """The operator of this process: its OS account, or the operator it names if the registry lets it act as others.

    With no operators in the registry the tool is single-user: whoever can open the file is office staff.
    """
    account = session.account
    wanted = (requested or "").strip() or None
    repo = session.store.reader()
    if not repo.has_operators():
        if not configured:
            return Operator(wanted or account, Role.OFFICE, None, account)
        if not session.store.read_only:
            _import(session, configured, by=account)  # the registry's first operators
            session.notice(N_("The operators of {path} were taken into the registry; from now on the registry's "
                              "operators are in force (xueji operators list)."), path="[operators]")
        table = configured
    else:
        rows = repo.operators()
        table = _entries(rows)
        for row in rows:
            if row["name"] in (account, wanted) and not repo.attested(row):
                raise IntegrityFailure(
                    N_("The operator record of {name} does not match the ledger: it was added or changed outside "
                       "xueji."), hint=N_("Nothing was done. Call the supervision group (xueji audit verify)."),
                    name=row["name"])
        if configured is not None and configured != table:
            session.notice(N_("Warning: the [operators] table of the configuration differs from the registry's "
                              "operators and is ignored (xueji operators list; xueji operators import)."))
    entry = table.get(account)
    if entry is None:
        raise PermissionDenied(
            N_("The account {account} is not an operator of this registry."),
            hint=N_("Ask the office to add it: xueji operators add NAME --role ROLE."), account=account,
        )
    if wanted and wanted != account:
        if not entry.act_as or entry.role != Role.OFFICE:  # acting for others is an office account's, never a reader's
            raise PermissionDenied(
                N_("The account {account} may not record in another operator's name ({name})."),
                account=account, name=wanted,
            )
        entry = table.get(wanted)
        if entry is None:
            raise PermissionDenied(N_("There is no operator {name} in this registry."), name=wanted)
        return Operator(wanted, entry.role, entry.college, account)
    return Operator(account, entry.role, entry.college, account)


def _witness(path: Path, session: Session):
    """After every commit, append the heads to a file outside the database (append-only, never through a link)."""
    def write(heads) -> None:
        from xueji.store.repository import now

        (events, event_hash), (entries, ledger_hash) = heads
        line = f"{now()} events {events} {event_hash} ledger {entries} {ledger_hash}\n"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o640)
            try:
                os.write(fd, line.encode("ascii"))
            finally:
                os.close(fd)
        except OSError as error:
            session.notice(N_("Warning: the head could not be written to the witness file {path} ({detail}); tell "
                              "the supervision group."), path=str(path), detail=error.strerror or str(error))

    return write


# --- the operator table's use cases ------------------------------------------------------------------

def _name(value: str | None, field: str = "operator") -> str:
    text = (value or "").strip()
    if not _LOGIN.match(text):
        raise InvalidData.one(field, value, N_("An operator is an account name: letters, digits, '_', '.', '@' or "
                                               "'-', at most 64 characters."))
    return text


def _role(value: str | None) -> Role:
    try:
        return Role((value or "").strip())
    except ValueError:
        raise InvalidData.one("role", value, N_("The role must be office, college, inspector, viewer or department, "
                                                "not {value!r}."), value=value or "") from None


def add(session: Session, name: str, role: str, college: str | None = None, act_as: bool = False) -> dict:
    """Add an operator (office only); an event in the ledger."""
    session.require(Action.OPERATORS)
    check = v.Collector()
    who = check(lambda: _name(name))
    kind = check(lambda: _role(role))
    code = None
    if kind == Role.COLLEGE:
        if college is None:
            check.fail(InvalidData.one("college", "", N_("College staff need --college.")))
        else:
            code = check(lambda: session.codes.college(college).code)
    elif college is not None:
        check.fail(InvalidData.one("college", college, N_("Only college staff have a college.")))
    if act_as and kind is not None and kind != Role.OFFICE:
        check.fail(InvalidData.one("act_as", "", N_("Only an office account may record in another operator's name "
                                                    "(--act-as): a {role} could otherwise act as the office."),
                                   role=kind.label))
    check.done()
    with session.store.transaction() as repo:
        if any(r["name"] == who for r in repo.operators()):
            raise RuleViolation(N_("{name} is already an operator."),
                                hint=N_("Remove the operator first to change the role."), name=who)
        row = repo.add_operator(who, kind.value, code, act_as, session.operator, session.account)
        repo.commit()
    return row


def remove(session: Session, name: str, reason: str | None = None) -> dict:
    """End an operator (office only): never deleted, the history keeps who was an operator when."""
    session.require(Action.OPERATORS)
    who = _name(name)
    why = v.label(reason, "reason", required=False)
    with session.store.transaction() as repo:
        current = repo.operators()
        row = next((r for r in current if r["name"] == who), None)
        if row is None:
            raise RuleViolation(N_("{name} is not an operator."), name=who)
        if row["role"] == Role.OFFICE and sum(r["role"] == Role.OFFICE for r in current) == 1:
            raise RuleViolation(N_("{name} is the last office operator; add another before removing them."), name=who)
        ended = repo.end_operator(row, session.operator, session.account, why)
        repo.commit()
    return ended


def listing(session: Session, history: bool = False) -> list[dict]:
    """Operators in force (office and inspectors), or their whole history."""
    session.require(Action.AUDIT)
    return session.store.reader().operators(current=not history)


def import_configured(session: Session, configured: dict[str, OperatorEntry] | None) -> list[dict]:
    """Take the configuration's [operators] table into the registry: new names added, changed ones ended and added
    again; operators the file does not name are kept (remove them with `xueji operators remove`)."""
    session.require(Action.OPERATORS)
    if not configured:
        raise RuleViolation(N_("The configuration has no [operators] table to import."))
    return _import(session, configured, by=session.operator)


def _import(session: Session, configured: dict[str, OperatorEntry], by: str) -> list[dict]:
    added = []
    with session.store.transaction() as repo:
        current = {r["name"]: r for r in repo.operators()}
        for name, entry in configured.items():
            who = _name(name)
            row = current.get(who)
            if row is not None:
                if _entries([row])[who] == entry:
                    continue
                repo.end_operator(row, by, session.account, "operators import")
            added.append(repo.add_operator(who, entry.role.value, entry.college, entry.act_as, by, session.account))
        repo.commit()
    return added
