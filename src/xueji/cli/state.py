"""Global options and what follows from them: configuration, database, language, operator."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from xueji import config as cfg
from xueji import i18n
from xueji.domain.errors import ConfigError


def os_login() -> str:
    """The OS account running the process (from its user id, not from $USER)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        import getpass

        return getpass.getuser()


@dataclass
class State:
    config_option: str | None = None
    db_option: str | None = None
    lang_option: str | None = None
    operator_option: str | None = None
    _config: cfg.Config | None = field(default=None, repr=False)
    _store: object = field(default=None, repr=False)

    @property
    def config_path(self) -> Path:
        return cfg.find_config(self.config_option)

    def config(self) -> cfg.Config:
        if self._config is None:
            self._config = cfg.load(self.config_path)
        return self._config

    def config_if_present(self) -> cfg.Config | None:
        """The configuration when a file exists; a database given with --db works without one."""
        if self._config is None and not self.config_path.exists() and self.database_override():
            return None
        return self.config()

    def language(self) -> str:
        locale = None
        if not (self.lang_option or os.environ.get("XUEJI_LANG")):
            try:
                locale = self.config().locale if self.config_path.exists() else None
            except ConfigError:
                locale = None  # reported when the configuration is needed, in the fallback language
        return i18n.resolve(self.lang_option, locale)

    def operator(self) -> str:
        return (self.operator_option or os.environ.get("XUEJI_OPERATOR") or "").strip() or os_login()

    def database_override(self) -> Path | None:
        value = self.db_option or os.environ.get("XUEJI_DB")
        return Path(value).expanduser().absolute() if value else None

    def session(self, needs_codes: bool = True):
        from xueji.services import Session
        from xueji.store.db import Store

        config = self.config() if needs_codes else self.config_if_present()
        database = self.database_override() or config.database
        store = Store(database, config.busy_timeout if config else 10.0)
        self._store = store
        return Session(
            store=store,
            operator=self.operator(),
            codes_table=config.codes if config else None,
            limits=config.limits if config else cfg.SuspensionLimits(),
        )

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
