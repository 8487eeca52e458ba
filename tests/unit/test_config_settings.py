"""The configuration's settings, described once (config.SPEC): every one checked, defaulted and named alike."""

from __future__ import annotations

import pytest

from xueji import config as cfg
from xueji.domain.errors import ConfigError


def _write(tmp_path, key: str, value: str):
    section, _, name = key.rpartition(".")
    text = f"[{section}]\n{name} = {value}\n" if section else f"{name} = {value}\n"
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("key", [key for key, *_ in cfg.SPEC])
def test_every_setting_refuses_a_value_of_the_wrong_kind_naming_itself(tmp_path, key):
    with pytest.raises(ConfigError) as refused:
        cfg.load(_write(tmp_path, key, "[1, 2]"))
    assert refused.value.params["key"] == key


def test_a_file_without_settings_takes_every_default(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    config = cfg.load(path)
    defaults = {key: default for key, default, *_ in cfg.SPEC}
    assert config.school == defaults["school"] and config.seat_order == defaults["seat_order"]
    assert config.database == tmp_path / defaults["database"]
    assert config.busy_timeout == defaults["busy_timeout"] and config.locale is None and config.witness is None
    assert (config.limits.max_months, config.limits.max_total_months) == (
        defaults["suspension.max_months"], defaults["suspension.max_total_months"])


def test_the_example_configuration_holds_only_described_settings():
    import tomllib

    example = tomllib.loads(cfg.example_text())
    for key, value in example.items():
        assert key in cfg.SETTINGS[""], key
        if key in cfg.SETTINGS and isinstance(value, dict):
            assert set(value) <= set(cfg.SETTINGS[key]), key
