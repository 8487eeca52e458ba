"""Backups — consistent while others write, verified before they are trusted — and the move to PostgreSQL.

A SQLite registry is copied with SQLite's online backup API; a PostgreSQL registry is written row for row into a new
SQLite file (the portable archive inspectors can open anywhere) from one REPEATABLE READ snapshot. ``migrate``
copies a SQLite registry into PostgreSQL in one transaction; both sides' heads must agree before it commits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from xueji.domain import audit
from xueji.domain.access import Action
from xueji.domain.errors import N_, IntegrityFailure, InvalidData, RuleViolation
from xueji.files import safe
from xueji.services import Session
from xueji.store import open_store, reading_file, transfer


@dataclass(frozen=True)
class Copy:
    path: Path
    events: int
    head: str
    kept: Path | None = None


def verify_file(path: Path) -> tuple[int, str]:
    """SQLite's integrity check and the audit chain of a database file; IntegrityFailure (exit 7) if either fails."""
    with reading_file(path) as repo:
        rows = repo.integrity_check()
        if rows != ["ok"]:
            raise IntegrityFailure(N_("{path} fails SQLite's integrity check: {detail}"), path=str(path),
                                   detail="; ".join(rows[:3]))
        count, head, breaks = audit.verify(repo.chain_events(), repo.records(), repo.orphan_events())
        if repo.has_table("ledger"):  # older versions had none
            breaks += audit.verify_ledger(repo.ledger_entries(), repo.ledger_rows())[2]
    if breaks:
        raise IntegrityFailure(N_("The audit chain of {path} is broken; the first problem is at event {id} (problems found: {count})."),
                               path=str(path), count=len(breaks), id=breaks[0].event_id or "—")
    return count, head


def backup(session: Session, destination: str | Path) -> Copy:
    """A verified copy of the registry in a new file: the SQLite file copied while others work, or a PostgreSQL
    registry written into a new SQLite file (the portable archive) whose chains must end where the registry's did."""
    session.require(Action.BACKUP)
    target = Path(destination).expanduser().absolute()
    safe.refuse_link(target)
    if os.path.exists(target):
        raise RuleViolation(N_("{path} already exists; a backup never overwrites a file."),
                            hint=N_("Give a new name, e.g. with the date in it."), path=str(target))
    if not target.parent.is_dir():
        raise InvalidData.one("file", str(target), N_("The folder {path} does not exist."), path=str(target.parent))
    heads = session.store.backup_to(target)
    events, head = verify_file(target)
    if heads is not None and head != heads[0][1]:
        raise IntegrityFailure(N_("The copy of the registry in {path} does not end where the registry does; nothing "
                                  "can be trusted in it."), path=str(target))
    return Copy(target, events, head)


@dataclass(frozen=True)
class Moved:
    url: str
    rows: dict
    events: int
    head: str
    ledger: int
    ledger_head: str


def migrate(session: Session, url: str) -> Moved:
    """The whole registry (a SQLite file, or another PostgreSQL database) into PostgreSQL at ``url``, in one
    transaction there: the schema installed if missing, refused if the target already holds a registry's work,
    committed only if both sides' heads agree."""
    session.require(Action.BACKUP)
    if not isinstance(url, str):
        raise InvalidData.one("to", str(url), N_("{value} is not a PostgreSQL address (postgresql://host/name)."),
                              value=str(url))
    target = open_store(url, create=True)
    try:
        with session.store.snapshot() as source, target.transaction() as copy:
            if not transfer.is_empty(copy):
                raise RuleViolation(N_("{path} already holds a registry: nothing was copied."), path=target.path,
                                    hint=N_("Migrate into a new, empty database."))
            rows = transfer.copy_registry(source, copy)
            heads, copied = source.heads(), copy.heads()
            if heads != copied:
                raise IntegrityFailure(N_("The copy in {path} does not end where the registry does; nothing was "
                                          "copied."), path=target.path)
            copy.commit()
    finally:
        target.close()
    return Moved(target.path, rows, heads[0][0], heads[0][1], heads[1][0], heads[1][1])


def restore(session: Session, source: str | Path, force: bool = False) -> Copy:
    """Replace the database with a verified backup, keeping a copy of the current one first."""
    session.require(Action.BACKUP)
    origin = Path(source).expanduser().absolute()
    if not origin.is_file():
        raise InvalidData.one("file", str(origin), N_("There is no file {path}."), path=str(origin))
    events, head = verify_file(origin)
    if not force:
        raise RuleViolation(N_("Restoring replaces the whole database with {path} ({events} events, head {head})."),
                            hint=N_("Add --force to do it; the current database is kept as a copy first."),
                            path=str(origin), events=events, head=head[:16])
    path = Path(session.store.path)
    kept = path.with_name(f"{path.name}.before-restore-{datetime.now():%Y%m%dT%H%M%S}")
    session.store.restore_from(origin, kept)
    return Copy(path, events, head, kept)
