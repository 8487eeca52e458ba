"""Setting up a registry: `init` writes what is missing and keeps what exists."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xueji import config as cfg
from xueji.domain.errors import N_, ConfigError
from xueji.store import open_store


@dataclass
class InitResult:
    config_path: Path
    config_created: bool
    database_path: Path
    database_created: bool


def init(config_path: Path, database_override: Path | None = None, *, locale: str | None = None,
         script: str | None = None) -> InitResult:
    """Write config.toml from the packaged example if missing, then create (or upgrade) the database.

    ``script`` "zh-Hans" writes the school and the code table's names in Simplified characters (the example is in
    Traditional)."""
    created = False
    if not config_path.exists():
        if not config_path.parent.is_dir():
            raise ConfigError(N_("The folder {path} does not exist."), path=str(config_path.parent))
        text = cfg.example_text()
        if locale:
            text = text.replace('# locale = "zh-Hant"', f'locale = "{locale}"')
        if (script or locale) == "zh-Hans":
            text = _simplified_names(text)
        try:
            with open(config_path, "x", encoding="utf-8") as handle:
                handle.write(text)
            created = True
        except FileExistsError:
            pass
        except OSError as error:
            raise ConfigError(N_("Cannot create {path}: {detail}."), path=str(config_path), detail=error.strerror) from None
    config = cfg.load(config_path)
    database = database_override or config.database
    store = open_store(database, config.busy_timeout, create=True)
    try:
        if config.operators and not store.reader().has_operators():
            # The registry's first operators; from now on they live in the registry, not in this file.
            from xueji.services import Session, os_account
            from xueji.services.identity import _import

            account = store.login() or os_account()
            _import(Session(store, account, account=account), config.operators, by=account)
        if not store.read_only:
            name_codes(store, config.codes)
    finally:
        store.close()
    return InitResult(config_path, created, database, store.created)


def name_codes(store, codes) -> None:
    """The code table's names into the database, for whoever reads the file with other tools (`init` after a hand
    edit of the code table brings them up to date)."""
    with store.transaction() as repo:
        repo.name_codes(codes.rows())
        repo.commit()


def _simplified_names(text: str) -> str:
    """The example's names (school, colleges, majors) in Simplified characters; comments are left as they are."""
    import re

    from xueji.domain.national import simplified

    return re.sub(r'^((?:name|school) = ")([^"]*)(")', lambda m: m.group(1) + simplified(m.group(2)) + m.group(3),
                  text, flags=re.MULTILINE)
