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
    from xueji.services import os_account

    return os_account()


@dataclass
class State:
    config_option: str | None = None
    db_option: str | None = None
    lang_option: str | None = None
    operator_option: str | None = None
    command: str = ""
    _config: cfg.Config | None = field(default=None, repr=False)
    _session: object = field(default=None, repr=False)

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
            except ConfigError:  # reported when the configuration is needed, in the language it asks for
                locale = cfg.read_locale(self.config_path)
        return i18n.resolve(self.lang_option, locale)

    def operator(self) -> str:
        return (self.operator_option or os.environ.get("XUEJI_OPERATOR") or "").strip() or os_login()

    def database_override(self) -> Path | str | None:
        """--db or $XUEJI_DB: a file (made absolute) or a PostgreSQL URL (as given; a password in it is refused)."""
        value = self.db_option or os.environ.get("XUEJI_DB")
        if not value:
            return None
        location = cfg.database_location(value, Path.cwd(), "--db" if self.db_option else "$XUEJI_DB")
        return location.absolute() if isinstance(location, Path) else location

    def session(self, needs_codes: bool = True):
        """The session for this command, opened once: the registry, the code table, and who is working (decided by
        the services from the process's user id and the registry's operators, not by anything given here)."""
        from xueji.services.identity import open_session

        if self._session is not None:
            if needs_codes and self._session.codes_table is None:
                self.config()  # raises the configuration error
            return self._session
        config = self.config() if needs_codes else self.config_if_present()
        database = self.database_override() or config.database
        self._session = open_session(
            database,
            busy_timeout=config.busy_timeout if config else 10.0,
            codes=config.codes if config else None,
            limits=config.limits if config else cfg.SuspensionLimits(),
            requested=self.operator_option or os.environ.get("XUEJI_OPERATOR"),
            configured=config.operators if config else None,
            witness=config.witness if config else None,
        )
        return self._session

    def notices(self) -> list:
        """What the services asked to tell the person (warnings), once."""
        if self._session is None:
            return []
        items, self._session.notices = self._session.notices, []
        return items

    def close(self) -> None:
        if self._session is not None:
            self._session.store.close()
