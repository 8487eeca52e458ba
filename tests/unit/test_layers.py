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


def test_no_cli_module_is_a_catch_all():
    """Rooms, not halls (issue 12): every module of the CLI stays small enough to read in one sitting."""
    cli = ROOT / "src" / "xueji" / "cli"
    sizes = {str(p.relative_to(cli)): len(p.read_text(encoding="utf-8").splitlines()) for p in cli.rglob("*.py")}
    assert {name: lines for name, lines in sizes.items() if lines > 300} == {}
    assert {"commands/enrollment.py", "views/students.py", "options.py", "steps.py"} <= set(sizes)
