"""Backups with SQLite's online backup API — consistent while others write — verified before they are trusted."""

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
from xueji.store import copies


@dataclass(frozen=True)
class Copy:
    path: Path
    events: int
    head: str
    kept: Path | None = None


def verify_file(path: Path) -> tuple[int, str]:
    """SQLite's integrity check and the audit chain of a database file; IntegrityFailure (exit 7) if either fails."""
    with copies.reading(path) as repo:
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
    session.require(Action.BACKUP)
    target = Path(destination).expanduser().absolute()
    safe.refuse_link(target)
    if os.path.exists(target):
        raise RuleViolation(N_("{path} already exists; a backup never overwrites a file."),
                            hint=N_("Give a new name, e.g. with the date in it."), path=str(target))
    if not target.parent.is_dir():
        raise InvalidData.one("file", str(target), N_("The folder {path} does not exist."), path=str(target.parent))
    copies.create_like(target, session.store.path)
    copies.copy_into(session.store.conn, target)
    events, head = verify_file(target)
    return Copy(target, events, head)


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
    kept = session.store.path.with_name(
        f"{session.store.path.name}.before-restore-{datetime.now():%Y%m%dT%H%M%S}")
    copies.create_like(kept, session.store.path)
    copies.copy_into(session.store.conn, kept)
    copies.replace_from(origin, session.store.conn)
    return Copy(session.store.path, events, head, kept)
