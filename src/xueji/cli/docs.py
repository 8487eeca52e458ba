"""docs/cli.md, generated from the Typer app itself: `python -m xueji.cli.docs > docs/cli.md`.

A test compares the file with this output, so the reference cannot drift from the commands.
"""

from __future__ import annotations


def _commands():
    from typer.main import get_command

    from xueji.cli.app import app

    root = get_command(app)
    found = []

    def walk(command, path):
        found.append((path, command))
        for name in sorted(getattr(command, "commands", {}) or {}):
            walk(command.commands[name], path + [name])

    walk(root, ["xueji"])
    return found


def _option_row(param) -> str | None:
    if getattr(param, "hidden", False) or param.name == "help":
        return None
    names = ", ".join(f"`{n}`" for n in (*param.opts, *param.secondary_opts))
    if param.param_type_name == "argument":
        label = getattr(param, "metavar", None) or param.name.upper()
        names = f"`{label}`"
    help_text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    extra = []
    if getattr(param, "required", False):
        extra.append("required")
    default = getattr(param, "default", None)
    if default not in (None, False, (), []) and not callable(default) and getattr(param, "show_default", True) is not False:
        extra.append(f"default: `{default}`")
    return f"| {names} | {help_text}{' (' + '; '.join(extra) + ')' if extra else ''} |"


def render() -> str:
    lines = ["# xueji command reference", "",
             "Generated from the program by `python -m xueji.cli.docs > docs/cli.md`; a test keeps it current.",
             "Global options go before the command: `xueji [--config PATH] [--db PATH] [--lang L] "
             "[--operator NAME] COMMAND …`.", ""]
    for path, command in _commands():
        title = " ".join(path)
        lines.append(f"## `{title}`")
        lines.append("")
        help_text = (command.help or "").strip()
        for paragraph in help_text.split("\n\n"):
            paragraph = " ".join(line.strip() for line in paragraph.splitlines())
            if paragraph.startswith("Example:"):
                lines += ["```sh", paragraph[len("Example:"):].strip(), "```"]
            else:
                lines.append(paragraph)
            lines.append("")
        rows = [row for row in (_option_row(p) for p in command.params) if row]
        if rows:
            lines += ["| argument or option | meaning |", "|---|---|", *rows, ""]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
