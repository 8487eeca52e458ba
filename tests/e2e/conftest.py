from __future__ import annotations

import pytest
from typer.testing import CliRunner

from xueji.cli import narrowed
from xueji.cli.app import app


@pytest.fixture
def xj():
    """Run xueji in-process like a clerk would type it; ``lang`` goes first as a global option."""
    runner = CliRunner()

    def run(*args: str, lang: str | None = "en", env: dict | None = None):
        argv = (["--lang", lang] if lang else []) + list(args)
        with narrowed(app, argv):  # as the installed command does (xueji.cli.main)
            return runner.invoke(app, argv, env=env, catch_exceptions=False)

    return run
