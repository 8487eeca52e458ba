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
    command: str = ""
    params: dict = field(default_factory=dict)
    purpose: str | None = None
    requester: str | None = None
    proof: str | None = None
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
            except ConfigError:
                locale = None  # reported when the configuration is needed, in the fallback language
        return i18n.resolve(self.lang_option, locale)

    def operator(self) -> str:
        return (self.operator_option or os.environ.get("XUEJI_OPERATOR") or "").strip() or os_login()

    def database_override(self) -> Path | None:
        value = self.db_option or os.environ.get("XUEJI_DB")
        return Path(value).expanduser().absolute() if value else None

    def session(self, needs_codes: bool = True):
        """The session for this command, opened once: store, code table, and who is working with which role."""
        from xueji.domain.access import identify
        from xueji.services import Session
        from xueji.store.db import Store

        if self._session is not None:
            if needs_codes and self._session.codes_table is None:
                self.config()  # raises the configuration error
            return self._session
        config = self.config() if needs_codes else self.config_if_present()
        operator = identify(config.operators if config else None, os_login(),
                            self.operator_option or os.environ.get("XUEJI_OPERATOR"))
        database = self.database_override() or config.database
        store = Store(database, config.busy_timeout if config else 10.0)
        self._session = Session(
            store=store,
            operator=operator.name,
            codes_table=config.codes if config else None,
            limits=config.limits if config else cfg.SuspensionLimits(),
            role=operator.role,
            scope=operator.scope,
        )
        if store.readable_by_others:
            from xueji.cli import render
            from xueji.domain.errors import N_

            render.note(N_("Warning: {path} can be read by other users of this machine; it holds personal data "
                           "(chmod o-rwx)."), path=str(database))
        return self._session

    def unlogged(self) -> bool:
        """Personal data was rendered but its access-log entry was not written."""
        from xueji.cli import render

        return bool(render.disclosure.shown)

    def operator_for_codes(self):
        """Only the office changes the code table."""
        from xueji.domain.access import Action, identify

        config = self.config()
        operator = identify(config.operators, os_login(), self.operator_option or os.environ.get("XUEJI_OPERATOR"))
        operator.require(Action.CODES)
        return operator

    def log_access(self) -> None:
        """One access-log entry if this command showed personal data (render.person_view records each student)."""
        from xueji.cli import render
        from xueji.domain.errors import N_

        if not render.disclosure.shown or self._session is None:
            return
        from xueji.services import access

        if self._session.store.read_only:
            # A read-only copy (a backup on read-only media) can be read, but cannot take the entry: say so.
            render.note(N_("Warning: the database is read-only, so this look at personal data was not written to "
                           "the access log."))
            render.disclosure.shown = []
            return
        filters = {k: v for k, v in self.params.items()
                   if v not in (None, False, [], ()) and k not in ("fmt", "purpose", "requester", "proof", "reveal")}
        access.record(self._session, self.command, {k: str(v) if not isinstance(v, (int, list)) else v
                                                    for k, v in filters.items()},
                      render.disclosure.shown, revealed=render.disclosure.reveal, purpose=self.purpose,
                      requester=self.requester, proof=self.proof)
        render.disclosure.shown = []

    def close(self) -> None:
        if self._session is not None:
            self._session.store.close()
