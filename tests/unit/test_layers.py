"""The layers of STYLE.md, checked by import-linter with the contracts in pyproject.toml ([tool.importlinter])."""

from __future__ import annotations

from pathlib import Path

import importlinter.cli as importlinter  # a test extra: a missing checker fails here, it is never skipped

ROOT = Path(__file__).resolve().parents[2]


def test_the_layer_contracts_hold():
    assert importlinter.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_the_checker_does_find_a_broken_contract(tmp_path):
    """The same tool on a contract the code breaks (the CLI does call the services): it must say so."""
    config = tmp_path / "broken.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "xueji"\n\n[[tool.importlinter.contracts]]\nname = "no services"\n'
        'type = "forbidden"\nsource_modules = ["xueji.cli"]\nforbidden_modules = ["xueji.services"]\n',
        encoding="utf-8")
    assert importlinter.lint_imports(config_filename=str(config), no_cache=True) == 1
