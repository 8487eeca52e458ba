"""Configuration: the TOML file a person edits, and the code-table file the tool writes.

xueji never rewrites the configuration file (tomli-w would drop its comments); additions to the
code table go to the separate file named by ``code_table``, and both are read together.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from xueji.domain.access import OperatorEntry, Role
from xueji.domain.codetable import CodeTable, College, Major
from xueji.domain.errors import N_, ConfigError, InvalidData, Msgid, RuleViolation
from xueji.domain.order import ORDERS
from xueji.domain.suspension import SuspensionLimits
from xueji.store import is_url

CONFIG_NAME = "config.toml"
LANGUAGES = ("en", "zh-Hans", "zh-Hant")
CODE_TABLE_HEADER = (
    "# Written by `xueji codes add-college` / `add-major`: comments here are not kept.\n"
    "# Colleges and majors you define by hand belong in the configuration file.\n\n"
)


@dataclass
class Config:
    path: Path
    school: str = ""
    database: Path = Path("xueji.db")
    code_table_path: Path = Path("codes.toml")
    locale: str | None = None
    busy_timeout: float = 10.0
    seat_order: str = "input"
    limits: SuspensionLimits = field(default_factory=SuspensionLimits)
    operators: dict[str, OperatorEntry] | None = None
    witness: Path | None = None  # [audit] witness: a file outside the database that every commit's head goes to
    inline_codes: CodeTable = field(default_factory=CodeTable)
    file_codes: CodeTable = field(default_factory=CodeTable)

    @property
    def codes(self) -> CodeTable:
        return self.inline_codes.merged(self.file_codes)


def example_text() -> str:
    from importlib import resources  # only `init` needs the example: start-up stays light

    return resources.files("xueji").joinpath("data/config.toml.example").read_text(encoding="utf-8")


def find_config(option: str | None) -> Path:
    """--config > $XUEJI_CONFIG > ./config.toml."""
    return Path(option or os.environ.get("XUEJI_CONFIG") or CONFIG_NAME).expanduser().absolute()


_LAST_READ: list = [None, None]  # (path, stat) of the last file parsed, and what it held: read once per command


def _read_toml(path: Path) -> dict:
    """The parsed file, to read only: the language is read before the command line is parsed and the whole
    configuration after, and the same file unchanged is parsed once."""
    try:
        with open(path, "rb") as handle:
            status = os.fstat(handle.fileno())
            key = (str(path), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)
            if _LAST_READ[0] == key:
                return _LAST_READ[1]
            data = tomllib.load(handle)
            _LAST_READ[:] = [key, data]
            return data
    except FileNotFoundError:
        raise ConfigError(
            N_("No configuration file at {path}."),
            hint=N_("Run `xueji init` here, or point to the file with --config or $XUEJI_CONFIG."),
            path=str(path),
        ) from None
    except tomllib.TOMLDecodeError as error:
        import re

        where = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = where.groups() if where else ("?", "?")
        raise ConfigError(
            N_("{path} is not valid TOML at line {line}, character {char}."),
            hint=N_("Check that line: quotes, = between key and value, [table] headers; or start again from "
                    "config.toml.example (`xueji init` in an empty folder)."),
            path=str(path), line=line, char=column,
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(N_("{path} is not UTF-8 text: save it as UTF-8."), path=str(path)) from None
    except OSError as error:
        raise ConfigError(N_("Cannot read {path}: {detail}."), path=str(path), detail=error.strerror) from None


def read_locale(path: Path) -> str | None:
    """Only the configured language, read before the command line is parsed (the whole configuration is loaded
    later, once, by the command that needs it)."""
    try:
        locale = _read_toml(path).get("locale")
    except ConfigError:
        return None
    return locale if locale in LANGUAGES else None


def _text(value) -> bool:
    return isinstance(value, str)


def _path(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _seconds(value) -> bool:  # finite and sensible: inf, nan and 1e308 are not waits
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 86400


def _months(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# Every scalar setting, described once: its key (dotted within its table), its default, what it must be, and the
# check. `load` reads them from this table; anything else in the file is a mistake to name (a misspelt
# `busy_timout` would otherwise be ignored in silence and its default used).
SPEC = (
    ("school", "", Msgid(N_("text")), _text),
    ("database", "xueji.db", Msgid(N_("a file path")), _path),
    ("code_table", "codes.toml", Msgid(N_("a file path")), _path),
    ("locale", None, " / ".join(LANGUAGES), lambda value: value in LANGUAGES),
    ("busy_timeout", 10, Msgid(N_("a number of seconds above 0")), _seconds),
    ("seat_order", "input", " / ".join(ORDERS), lambda value: value in ORDERS),
    ("suspension.max_months", SuspensionLimits.max_months, Msgid(N_("a whole number of months above 0")), _months),
    ("suspension.max_total_months", SuspensionLimits.max_total_months,
     Msgid(N_("a whole number of months above 0")), _months),
    ("audit.witness", None, Msgid(N_("a file path")), _path),
)
TABLES = ("colleges", "operators")  # checked by their own readers below


def _sections() -> dict[str, tuple[str, ...]]:
    sections: dict[str, list[str]] = {"": list(TABLES)}
    for key, *_ in SPEC:
        section, _, name = key.rpartition(".")
        sections.setdefault(section, [])
        sections[section].append(name)
        if section and section not in sections[""]:
            sections[""].append(section)
    return {section: tuple(names) for section, names in sections.items()}


SETTINGS = _sections()
CODE_FILE_SETTINGS = {"": ("colleges",)}
COLLEGE_KEYS = ("name", "majors")
MAJOR_KEYS = ("name", "national_code")
OPERATOR_KEYS = ("role", "college", "act_as")


def _known(keys, allowed, path: Path, where: str = "") -> None:
    """Refuse a key that is not a setting, naming the nearest one."""
    import difflib

    for key in keys:
        if key not in allowed:
            name = f"{where}.{key}" if where else key
            nearest = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if nearest:
                raise ConfigError(N_("In {path}: there is no setting {key}; did you mean {nearest}?"), path=str(path),
                                  key=name, nearest=f"{where}.{nearest[0]}" if where else nearest[0])
            raise ConfigError(N_("In {path}: there is no setting {key}; the settings here are {keys}."),
                              path=str(path), key=name, keys=" ".join(allowed))


def _settings(data: dict, path: Path, table: dict) -> None:
    for section, allowed in table.items():
        values = data.get(section, {}) if section else data
        if section and not isinstance(values, dict):
            raise _bad(path, section, Msgid(N_("a table")))
        _known(values, allowed, path, section)


def _bad(path: Path, key: str, expected: str) -> ConfigError:
    return ConfigError(N_("In {path}: {key} must be {expected}."), path=str(path), key=key, expected=expected)


def _codes(data: dict, path: Path) -> CodeTable:
    table = CodeTable()
    colleges = data.get("colleges", {})
    if not isinstance(colleges, dict):
        raise _bad(path, "colleges", Msgid(N_("a table of colleges")))
    try:
        for code, college in colleges.items():
            if not isinstance(college, dict) or not isinstance(college.get("name"), str):
                raise _bad(path, f"colleges.{code}", Msgid(N_("a table with a name")))
            _known(college, COLLEGE_KEYS, path, f"colleges.{code}")
            table.add_college(code, college["name"])
            majors = college.get("majors", {})
            if not isinstance(majors, dict):
                raise _bad(path, f"colleges.{code}.majors", Msgid(N_("a table of majors")))
            for major_code, major in majors.items():
                where = f"colleges.{code}.majors.{major_code}"
                if not isinstance(major, dict) or not isinstance(major.get("name"), str):
                    raise _bad(path, where, Msgid(N_("a table with a name")))
                _known(major, MAJOR_KEYS, path, where)
                national = major.get("national_code")
                if national is not None and not isinstance(national, str):
                    raise _bad(path, f"{where}.national_code", Msgid(N_("text in quotes, such as \"050101\"")))
                table.add_major(code, major_code, major["name"], national)
    except (InvalidData, RuleViolation) as error:
        raise ConfigError(
            N_("The code table in {path} is wrong: {detail}"), path=str(path), detail=error
        ) from None
    return table


def _operators(table: object, path: Path, codes: CodeTable) -> dict[str, OperatorEntry]:
    if not isinstance(table, dict):
        raise _bad(path, "operators", Msgid(N_("a table of operators")))
    operators = {}
    for name, entry in table.items():
        key = f"operators.{name}"
        if not isinstance(entry, dict) or entry.get("role") not in {r.value for r in Role}:
            raise _bad(path, f"{key}.role", "office / college / inspector / viewer")
        _known(entry, OPERATOR_KEYS, path, key)
        role = Role(entry["role"])
        college = entry.get("college")
        if role == Role.COLLEGE:
            if not isinstance(college, str) or college not in codes.colleges:
                raise _bad(path, f"{key}.college", Msgid(N_("the code of a college in the code table")))
        elif college is not None:
            raise _bad(path, f"{key}.college", Msgid(N_("left out unless the role is college")))
        act_as = entry.get("act_as", False)
        if not isinstance(act_as, bool):
            raise _bad(path, f"{key}.act_as", "true / false")
        operators[name] = OperatorEntry(role, college, act_as)
    return operators


def _values(data: dict, path: Path) -> dict:
    """Every setting of SPEC: as given (checked) or its default."""
    values = {}
    for key, default, expected, valid in SPEC:
        section, _, name = key.rpartition(".")
        table = data.get(section, {}) if section else data
        if name in table:
            if not valid(table[name]):
                raise _bad(path, key, expected)
            values[key] = table[name]
        else:
            values[key] = default
    return values


def database_location(value: str, base: Path, where: str) -> Path | str:
    """A registry's location: a PostgreSQL URL as given (never with a password in it), or a file relative to
    ``base``. ``where`` names the setting or option for the refusal."""
    value = value.strip()
    if is_url(value):
        from urllib.parse import urlsplit

        try:
            password = urlsplit(value).password
        except ValueError:
            password = None
        if password is not None or "password=" in value.lower():
            raise ConfigError(N_("{setting} holds a password: nothing was done."), setting=where,
                              hint=N_("Keep passwords in ~/.pgpass (or $PGPASSFILE, a service file), never in a "
                                      "command line or a configuration file."))
        return value
    return base / Path(value).expanduser()


def load(path: Path) -> Config:
    data = _read_toml(path)
    _settings(data, path, SETTINGS)
    values = _values(data, path)
    base = path.parent
    config = Config(path=path)
    config.school = values["school"]
    config.database = database_location(values["database"], base, "database")
    config.code_table_path = base / Path(values["code_table"]).expanduser()
    config.locale = values["locale"]
    config.busy_timeout = float(values["busy_timeout"])
    config.seat_order = values["seat_order"]
    config.limits = SuspensionLimits(values["suspension.max_months"], values["suspension.max_total_months"])
    if values["audit.witness"] is not None:
        config.witness = base / Path(values["audit.witness"]).expanduser()
    config.inline_codes = _codes(data, path)
    if config.code_table_path.exists():
        codes = _read_toml(config.code_table_path)
        _settings(codes, config.code_table_path, CODE_FILE_SETTINGS)
        config.file_codes = _codes(codes, config.code_table_path)
    try:
        config.codes  # the two tables must agree
    except RuleViolation as error:
        raise ConfigError(
            N_("The code table in {path} is wrong: {detail}"), path=str(config.code_table_path), detail=error
        ) from None
    if "operators" in data:
        config.operators = _operators(data["operators"], path, config.codes)
    return config


def write_code_table(config: Config) -> None:
    """Write the tool's own code-table file (never the configuration file)."""
    import tomli_w

    data = {
        "colleges": {
            college.code: {
                "name": college.name,
                "majors": {
                    major.code: {"name": major.name, **({"national_code": major.national_code} if major.national_code else {})}
                    for major in sorted(college.majors.values(), key=lambda m: m.code)
                },
            }
            for college in sorted(config.file_codes.colleges.values(), key=lambda c: c.code)
        }
    }
    from xueji.files import safe

    # Not personal data, and every clerk's process reads it: the configuration file's own read bits.
    mode = (os.stat(config.path).st_mode & 0o444) | 0o600 if config.path.exists() else 0o644
    safe.write_new(config.code_table_path, (CODE_TABLE_HEADER + tomli_w.dumps(data)).encode("utf-8"), force=True,
                   mode=mode)


def add_college(config: Config, code: str, name: str) -> College:
    """Add to the tool's file, refusing codes or names the merged table already has."""
    config.codes.add_college(code, name)  # the merged copy checks against both files
    college = config.file_codes.add_college(code, name)
    write_code_table(config)
    return college


def add_major(config: Config, college: str, code: str, name: str, national_code: str | None) -> Major:
    merged = config.codes
    major = merged.add_major(college, code, name, national_code)
    owner = merged.college(college)
    if owner.code not in config.file_codes.colleges:
        config.file_codes.colleges[owner.code] = College(owner.code, owner.name)
    config.file_codes.colleges[owner.code].majors[major.code] = major
    write_code_table(config)
    return major
