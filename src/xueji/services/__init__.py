"""Services: one function per use case, each in one transaction, called alike by the CLI, batches and tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xueji.domain.codetable import CodeTable
from xueji.domain.errors import N_, ConfigError
from xueji.domain.suspension import SuspensionLimits
from xueji.store.db import Store


@dataclass
class Session:
    """What every use case needs: the store, the code table, the limits, who is working and what day it is."""

    store: Store
    operator: str
    today: date = field(default_factory=date.today)
    codes_table: CodeTable | None = None
    limits: SuspensionLimits = field(default_factory=SuspensionLimits)

    @property
    def codes(self) -> CodeTable:
        if self.codes_table is None:
            raise ConfigError(
                N_("This command needs the code table from the configuration file."),
                hint=N_("Run `xueji init` here, or point to the file with --config or $XUEJI_CONFIG."),
            )
        return self.codes_table
