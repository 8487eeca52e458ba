"""The practice sandbox's tour."""

from __future__ import annotations


from xueji.domain.status import Status
from xueji.i18n import _, listed

from xueji.cli.views.core import status_label, _console, _table, _emit_data


def demo_report(result, fmt: str = "table") -> None:
    """What the sandbox holds and the commands to try next, written so that they run as printed."""
    import shlex
    from pathlib import Path

    try:
        shown = result.config_path.relative_to(Path.cwd())
    except ValueError:
        shown = result.config_path
    if fmt != "table":
        _emit_data([{"folder": str(result.folder), "config": str(result.config_path), "database": str(result.database),
                     "students": sum(result.counts.values()), "counts": result.counts,
                     "admissions": [str(result.folder / name) for name in result.admissions],
                     "legacy": str(result.folder / result.legacy),
                     "operators": [name for name, _role, _college in result.operators]}],
                   ("folder", "config", "database", "students", "counts", "admissions", "legacy", "operators"), fmt,
                   many=False)
        return
    rows = [[status_label(s), s, result.counts.get(s.value, 0)] for s in Status if result.counts.get(s.value)]
    title = _("Practice sandbox in {path}").format(path=str(result.folder))
    _console().print(_table(title, [_("Status"), _("Code"), _("Students")], rows,
                            _("{count} students in all").format(count=sum(result.counts.values()))))
    prefix = f"{program()} --config {shlex.quote(str(shown))}"
    samples = result.samples
    year, number = samples["year"], samples["class"]
    clean, faulty = (shlex.quote(str(shown.parent / name)) for name in result.admissions)
    print()
    print(_("Two admissions lists to practise with (majors 01/03 and 05/02 are empty):"))
    print("  " + _("{path}: 30 new students, ready to enroll").format(path=clean))
    print("  " + _("{path}: the same list with 4 mistakes, as colleges send them").format(path=faulty))
    legacy = shlex.quote(str(shown.parent / result.legacy))
    print(_("Records the old system numbered, to bring in with xueji import: {path}").format(path=legacy))
    if result.operators:
        from xueji.domain.access import Role

        def who(name, role, college):
            kind = _(Role(role).label)
            return f"{name} ({kind} {college})" if college else f"{name} ({kind})"

        print(_("Operators: you (office; --operator NAME acts as another), {names}.").format(
            names=listed(who(*entry) for entry in result.operators)))
    commands = [
        f"{prefix} query --limit 10",
        f"{prefix} query --status suspended",
        f"{prefix} show {samples['suspended']}",
        f"{prefix} resume {samples['suspended']}",
        f"{prefix} suspend {samples['active']} --reason 因病 --until {_next_summer()}",
        f"{prefix} enroll --file {faulty} --year {year} --class-size 15 --dry-run",
        f"{prefix} enroll --file {clean} --year {year} --class-size 15 --order pinyin",
        f"{prefix} import --file {legacy} --dry-run",
        f"{prefix} enroll --name 林小雨 --gender 女 --birth-date 2007-05-04 --id-number {_sample_id()} "
        f"--college 01 --major 01 --class 03",
        f"{prefix} --operator clerk01 withdraw {samples['active']} --reason 因病",
        f"{prefix} requests",
        f"{prefix} show {samples['graduated']} -f json",
        f"{prefix} due",
        f"{prefix} stats --by college,status",
        f"{prefix} report annual --year {year} --out {shlex.quote(str(shown.parent / 'annual.xlsx'))}",
        f"{prefix} roster --year {year} --college {number[4:6]} --major {number[6:8]} --class {number[8:10]} "
        f"--out {shlex.quote(str(shown.parent / 'class.xlsx'))}",
        f"{prefix} audit verify",
        f"{prefix} check",
        f"{prefix} codes",
    ]
    if not result.operators:
        commands = [c for c in commands if "--operator" not in c and not c.endswith(" requests")]
    print()
    print(_("Try next (the sandbox is yours to change; `xueji demo` rebuilds it):"))
    for command in commands:
        print(f"  {command}")


def program() -> str:
    """How to call this very xueji so that a printed command runs as printed: `xueji` when that name on PATH is this
    program, else its full path (or `python -m xueji`)."""
    import os
    import shlex
    import shutil
    import sys

    running = sys.argv[0] if sys.argv and sys.argv[0] else ""
    found = shutil.which("xueji")
    if os.path.basename(running) == "xueji" and os.path.isfile(running):
        if found and os.path.realpath(found) == os.path.realpath(running):
            return "xueji"
        return shlex.quote(os.path.abspath(running))
    if found and os.path.realpath(os.path.dirname(found)) == os.path.realpath(os.path.dirname(sys.executable)):
        return "xueji"
    return f"{shlex.quote(sys.executable)} -m xueji"


def _sample_id() -> str:
    from xueji.domain.validate import check_character

    return "11010520070504002" + check_character("11010520070504002")


def _next_summer() -> str:
    from datetime import date

    today = date.today()
    return date(today.year + (1 if today.month >= 7 else 0), 8, 31).isoformat()


# --- batches -------------------------------------------------------------------------------
