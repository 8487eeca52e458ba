"""The command line: a thin skin over the services."""


def main() -> None:
    from xueji.cli.app import app

    app(prog_name="xueji")
