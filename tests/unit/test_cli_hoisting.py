"""Where to work and in which language may follow the command: `xueji init --db URL` (issue 13's own examples)."""

from __future__ import annotations

import pytest

from xueji.cli import hoisted


@pytest.mark.parametrize(("argv", "expected"), [
    (["init", "--db", "x.db"], ["--db", "x.db", "init"]),
    (["operators", "add", "li", "--role", "college", "--db=postgresql:///r"],
     ["--db=postgresql:///r", "operators", "add", "li", "--role", "college"]),
    (["query", "-f", "json", "--lang", "zh-Hant", "--config", "c.toml"],
     ["--lang", "zh-Hant", "--config", "c.toml", "query", "-f", "json"]),
    (["--db", "a.db", "query"], ["--db", "a.db", "query"]),
    (["access-log", "--operator", "li"], ["access-log", "--operator", "li"]),  # a command's own option stays
    (["enroll", "--reason", "x", "--", "--db", "y"], ["enroll", "--reason", "x", "--", "--db", "y"]),
])
def test_global_options_after_the_command_move_before_it(argv, expected):
    assert hoisted(argv) == expected


def test_init_with_db_after_the_command_creates_that_database(tmp_path, monkeypatch):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "xueji", "init", "--db", str(tmp_path / "other.db")],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "other.db").exists() and not (tmp_path / "xueji.db").exists()
