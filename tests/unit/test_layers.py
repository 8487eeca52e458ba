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


def test_commands_import_the_views_at_the_top_and_pay_for_them_only_when_they_print():
    """Issue 12: the CLI's own output module is imported once per module, not inside every command; importing it
    loads no view (so ``--version`` and ``--help`` stay as light as before)."""
    import ast
    import subprocess
    import sys

    cli = ROOT / "src" / "xueji" / "cli"
    inside = []
    for path in cli.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (
                            inner.module == "xueji.cli.render"
                            or (inner.module == "xueji.cli" and any(a.name == "render" for a in inner.names))):
                        inside.append(f"{path.relative_to(cli)}:{inner.lineno}")
    assert inside == []
    probe = ("import sys, xueji.cli.render as r, xueji.cli.app;"
             "print(sorted(m for m in sys.modules if m.startswith(('xueji.cli.views', 'rich'))));"
             "r.say; print(sorted(m for m in sys.modules if m.startswith('xueji.cli.views')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1] == "['xueji.cli.views', 'xueji.cli.views.core']"
