"""The code table's use cases: list, add a college, add a major."""

from __future__ import annotations

from xueji import config as cfg
from xueji.domain.access import Action, Operator
from xueji.domain.codetable import College, Major
from xueji.services.setup import name_codes


def add_college(config: cfg.Config, code: str, name: str, operator: Operator | None = None, store=None) -> College:
    (operator or Operator("office")).require(Action.CODES)
    college = cfg.add_college(config, code, name)
    if store is not None:
        name_codes(store, config.codes)
    return college


def add_major(config: cfg.Config, college: str, code: str, name: str, national_code: str | None = None,
              operator: Operator | None = None, store=None) -> Major:
    (operator or Operator("office")).require(Action.CODES)
    major = cfg.add_major(config, college, code, name, national_code)
    if store is not None:
        name_codes(store, config.codes)
    return major


def rows(config: cfg.Config) -> list[dict]:
    return config.codes.rows()
