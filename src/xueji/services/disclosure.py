"""Disclosure (§三 confidentiality, §八): how personal data leaves the registry.

Every use case that shows personal data reads it through ``viewing`` and hands it out through ``disclose``: the
students come back masked unless this session may reveal, and one access-log entry is written in the same unit of
work that read them. A Python caller gets exactly what the command line gets.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

from xueji.domain.access import Action, check_purpose, check_requester, mask_id, masked_person
from xueji.domain.errors import N_, ConfigError, InvalidData
from xueji.domain.model import Student
from xueji.services import Look, Session


def declare(session: Session, command: str, *, reveal: bool = False, purpose: str | None = None,
            requester: str | None = None, proof: str | None = None) -> Look:
    """Say how the next look is asked for; refused at once when the operator may not reveal or gives no purpose."""
    why = check_purpose(reveal, purpose, session.actor)
    who, shown = check_requester(requester, proof)
    session.look = Look(command, reveal, why, who, shown)
    return session.look


def may_reveal(session: Session) -> bool:
    """Checked again here, whatever the look says: only a role that may reveal, and only with a purpose."""
    look = session.look
    if not look.reveal:
        return False
    session.require(Action.REVEAL)
    if not (look.purpose or "").strip():
        raise InvalidData.one("purpose", "", N_("Revealing personal data needs --purpose: say why."))
    return True


@contextmanager
def viewing(session: Session):
    """The unit of work of a look: the data and its access-log entry together (a snapshot on a read-only copy)."""
    if session.store.read_only:
        with session.store.snapshot() as repo:
            yield repo
    else:
        with session.store.transaction() as repo:
            yield repo


def publish(session: Session, work, prepare):
    """Read and disclose (``work(repo)``) and lay out a file not yet visible (``prepare(result)``) in one unit of
    work; the file is put in place only after the access-log entry is committed, and not at all if that fails."""
    pending = None
    try:
        with viewing(session) as repo:
            result = work(repo)
            pending = prepare(result)
            repo.commit()
    except BaseException:
        if pending is not None:
            pending.discard()
        raise
    pending.publish()
    return result


def masked_filters(filters: dict) -> dict:
    """Filters as the access log keeps them: what was asked, with an ID number masked like everywhere else."""
    out = {}
    for key, value in filters.items():
        if value in (None, False, [], (), ""):
            continue
        out[key] = mask_id(value) if key == "id_number" and isinstance(value, str) else value
    return out


def record(session: Session, repo, student_nos: list[str], filters: dict) -> bool:
    """One access-log entry for a look at these students (in the caller's unit of work); True if written.

    A look that cannot be logged is not allowed to reveal: on a read-only copy a masked look is shown with a
    warning, an unmasked one is refused (exit 4)."""
    look = session.look
    reveal = may_reveal(session) or (look.grant_id is not None and bool({"id_number", "birth_date"} & set(look.fields)))
    if not student_nos:
        return False
    if session.store.read_only:
        if reveal:
            raise ConfigError(N_("The database is read-only, so this look at personal data cannot be written to the "
                                 "access log; nothing is shown."),
                              hint=N_("Open the registry itself (not a read-only copy or path) to reveal data."))
        session.notice(N_("Warning: the database is read-only, so this look at personal data was not written to "
                          "the access log."))
        return False
    look = session.look
    repo.log_access({"operator": session.operator, "account": session.account, "command": look.command,
                     "filters": masked_filters(filters), "revealed": reveal, "purpose": look.purpose,
                     "requester": look.requester, "proof": look.proof, "grant_id": look.grant_id}, student_nos)
    return True


def disclose(session: Session, repo, students: list[Student], filters: dict | None = None) -> list[Student]:
    """Students as they may be shown (``person`` becomes a ``PersonView``), the look logged once."""
    record(session, repo, [s.student_no for s in students], filters or {})
    reveal = session.look.reveal  # record() raised if revealing was not allowed
    return [replace(s, person=masked_person(s.person, reveal)) for s in students]


def unrecorded(students: list[Student]) -> list[Student]:
    """Masked views of people who are not in the registry (a dry run's rows, from the operator's own file): no
    access-log entry, since nothing of the registry was read."""
    return [replace(s, person=masked_person(s.person, False)) for s in students]
