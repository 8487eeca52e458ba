"""End to end through the command line: exit code, what the clerk reads, and the database afterwards."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import make_id

ENROLL = ["enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--college", "01",
          "--major", "01", "--class", "01", "--year", "2023", "--date", "2023-09-01"]


def enroll(xj, seq=1, *extra, lang="en"):
    result = xj(*ENROLL, "--id-number", make_id(seq=seq), *extra, lang=lang)
    assert result.exit_code == 0, result.output
    return result


# --- init and configuration ----------------------------------------------------------------

def test_init_writes_the_example_configuration_and_creates_the_database(xj, tmp_path):
    from xueji.config import example_text

    result = xj("init")
    assert result.exit_code == 0
    assert "created" in result.stdout
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == example_text()
    assert (tmp_path / "xueji.db").exists()


def test_init_run_again_keeps_what_exists(xj, tmp_path):
    xj("init")
    (tmp_path / "config.toml").write_text((tmp_path / "config.toml").read_text(encoding="utf-8") + "\n# mine\n",
                                          encoding="utf-8")
    result = xj("init")
    assert result.exit_code == 0
    assert result.stdout.count("kept") == 2
    assert (tmp_path / "config.toml").read_text(encoding="utf-8").endswith("# mine\n")


def test_the_packaged_example_is_the_one_at_the_top_of_the_repository():
    from pathlib import Path

    from xueji.config import example_text

    top = Path(__file__).resolve().parents[2] / "config.toml.example"
    assert top.read_text(encoding="utf-8") == example_text()


def test_a_missing_configuration_is_exit_4_with_the_hint_to_run_init(xj, tmp_path):
    result = xj("codes")
    assert result.exit_code == 4
    assert "config.toml" in result.stderr and "xueji init" in result.stderr


def test_malformed_toml_is_exit_4_naming_the_file_and_the_line(xj, tmp_path):
    (tmp_path / "config.toml").write_text('school = "x"\n\nbroken = = 1\n', encoding="utf-8")
    result = xj("codes")
    assert result.exit_code == 4
    assert "config.toml" in result.stderr and "line 3" in result.stderr
    assert "Traceback" not in result.output


def test_config_is_found_by_option_then_environment_then_current_folder(xj, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert xj("--config", str(tmp_path / "a" / "config.toml"), "init").exit_code == 0
    assert xj("init", env={"XUEJI_CONFIG": str(tmp_path / "b" / "config.toml")}).exit_code == 0
    assert xj("--config", str(tmp_path / "a" / "config.toml"), "codes", "add-college", "06", "藝術學院").exit_code == 0
    listed = xj("codes", "-f", "json", env={"XUEJI_CONFIG": str(tmp_path / "a" / "config.toml")})
    assert "06" in {r["college"] for r in json.loads(listed.stdout)}
    other = xj("codes", "-f", "json", env={"XUEJI_CONFIG": str(tmp_path / "b" / "config.toml")})
    assert "06" not in {r["college"] for r in json.loads(other.stdout)}
    assert not (tmp_path / "config.toml").exists()


@pytest.mark.sqlite_only  # the file itself (its path, mode, copies, restores)
def test_db_option_beats_the_environment_and_the_configuration(xj, workdir, tmp_path):
    assert xj("--db", str(tmp_path / "other.db"), "init").exit_code == 0
    result = xj("--db", str(tmp_path / "other.db"), *ENROLL, "--id-number", make_id(seq=1))
    assert result.exit_code == 0
    assert sqlite3.connect(tmp_path / "other.db").execute("SELECT count(*) FROM students").fetchone()[0] == 1
    assert sqlite3.connect(workdir / "xueji.db").execute("SELECT count(*) FROM students").fetchone()[0] == 0
    via_env = xj("query", "-f", "json", env={"XUEJI_DB": str(tmp_path / "other.db")})
    assert len(json.loads(via_env.stdout)) == 1


# --- the code table --------------------------------------------------------------------------

def test_codes_lists_the_seed_codes_in_every_format(xj, workdir):
    table = xj("codes")
    assert table.exit_code == 0 and "漢語言文學" in table.stdout and "數學與應用數學" in table.stdout
    rows = json.loads(xj("codes", "-f", "json").stdout)
    assert {"college": "01", "college_name": "文學院", "major": "01", "major_name": "漢語言文學",
            "national_code": "050101"} in rows
    assert {"college": "02", "college_name": "理學院", "major": "02", "major_name": "數學與應用數學",
            "national_code": "070101"} in rows
    csv_lines = xj("codes", "-f", "csv").stdout.splitlines()
    assert csv_lines[0] == "college,college_name,major,major_name,national_code"
    assert len(csv_lines) == len(rows) + 1


def test_adding_codes_writes_the_code_table_file_and_never_the_configuration(xj, workdir):
    before = (workdir / "config.toml").read_bytes()
    assert xj("codes", "add-college", "06", "藝術學院").exit_code == 0
    result = xj("codes", "add-major", "06", "01", "美術學", "--national-code", "130401")
    assert result.exit_code == 0
    assert (workdir / "config.toml").read_bytes() == before
    import tomllib

    written = tomllib.loads((workdir / "codes.toml").read_text(encoding="utf-8"))
    assert written["colleges"]["06"] == {"name": "藝術學院", "majors": {"01": {"name": "美術學", "national_code": "130401"}}}
    assert xj("codes", "add-major", "01", "09", "古典文獻學").exit_code == 0
    enrolled = xj(*[a if a != "01" or i != ENROLL.index("--major") + 1 else "09" for i, a in enumerate(ENROLL)],
                  "--id-number", make_id(seq=1))
    assert enrolled.exit_code == 0 and enrolled.stdout.strip() == "202301090101"


@pytest.mark.parametrize("args, code", [
    (["add-college", "01", "新學院"], 1),
    (["add-college", "07", "文學院"], 1),
    (["add-college", "7", "新學院"], 3),
    (["add-college", "100", "新學院"], 3),
    (["add-major", "01", "01", "新專業"], 1),
    (["add-major", "09", "01", "新專業"], 3),
    (["add-major", "01", "07", "新專業", "--national-code", "99999"], 3),
])
def test_bad_or_duplicate_codes_are_refused_and_nothing_is_written(xj, workdir, args, code):
    result = xj("codes", *args)
    assert result.exit_code == code
    assert result.stderr.startswith("Error:")
    assert not (workdir / "codes.toml").exists()


# --- enrollment --------------------------------------------------------------------------

def test_enroll_prints_the_new_number_and_stores_the_record_and_its_event(xj, db):
    result = enroll(xj, 1, "--doc-no", "招生〔2023〕1號")
    assert result.stdout.strip() == "202301010101"
    assert db.rows("SELECT student_no, name, gender, status FROM students") == [("202301010101", "張三", "1", "active")]
    assert db.rows("SELECT kind, doc_no, status_after FROM events") == [("enroll", "招生〔2023〕1號", "active")]


def test_the_fifth_enrollment_into_2023_01_01_class_01_is_202301010105(xj, workdir):
    numbers = [enroll(xj, seq).stdout.strip() for seq in range(1, 6)]
    assert numbers[-1] == "202301010105"


def test_enroll_as_json_prints_the_student_with_stable_keys(xj, workdir):
    student = json.loads(enroll(xj, 1, "-f", "json").stdout)
    for key in ("student_no", "name", "gender", "birth_date", "id_type", "id_number", "exam_no", "enroll_year",
                "college", "major", "class", "seat", "status", "status_since"):
        assert key in student
    assert (student["status"], student["gender"], student["seat"], student["class"]) == ("active", "1", 1, "01")


@pytest.mark.parametrize("option, value, field", [
    ("--class", "100", "class"),
    ("--class", "abc", "class"),
    ("--birth-date", "2005-02-30", "birth date"),
    ("--gender", "x", "gender"),
    ("--college", "99", "college"),
    ("--major", "77", "major"),
    ("--year", "23", "year"),
    ("--date", "yesterday", "date"),
    ("--name", "張3", "name"),
])
def test_an_invalid_value_is_exit_3_and_nothing_is_written(xj, db, option, value, field):
    args = list(ENROLL)
    args[args.index(option) + 1] = value
    result = xj(*args, "--id-number", make_id(seq=1))
    assert result.exit_code == 3
    assert result.stderr.startswith("Error:") and field in result.stderr
    assert db.snapshot() == ([], [])


def test_an_id_number_with_a_wrong_check_character_is_exit_3(xj, db):
    good = make_id(seq=1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    result = xj(*ENROLL, "--id-number", bad)
    assert result.exit_code == 3 and "check character" in result.stderr
    assert db.snapshot() == ([], [])


def test_an_id_number_a_spreadsheet_turned_into_a_number_is_explained(xj, db):
    result = xj(*ENROLL, "--id-number", "1.10105E+17")
    assert result.exit_code == 3 and "format the column as text" in result.stderr


def test_a_second_enrollment_of_the_same_person_is_exit_1_naming_the_existing_number(xj, db):
    enroll(xj, 1)
    before = db.snapshot()
    args = list(ENROLL)
    args[args.index("--major") + 1] = "02"
    result = xj(*args, "--id-number", make_id(seq=1))
    assert result.exit_code == 1 and "202301010101" in result.stderr
    assert db.snapshot() == before


def test_a_missing_option_is_a_usage_error_exit_2(xj, db):
    result = xj("enroll", "--name", "張三")
    assert result.exit_code == 2
    assert db.snapshot() == ([], [])


def test_an_unknown_option_is_a_usage_error_exit_2(xj, workdir):
    assert xj("query", "--colour", "red").exit_code == 2


# --- status changes ----------------------------------------------------------------------

def test_suspend_then_resume_prints_confirmations_and_keeps_the_number(xj, db):
    enroll(xj, 1)
    suspended = xj("suspend", "202301010101", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    assert suspended.exit_code == 0 and suspended.stdout.strip() == "202301010101 suspended until 2024-08-31."
    resumed = xj("resume", "202301010101", "--date", "2024-09-01", "--class", "02", "-f", "json")
    assert resumed.exit_code == 0
    student = json.loads(resumed.stdout)
    assert (student["student_no"], student["status"], student["current_class"], student["class"]) == (
        "202301010101", "active", "02", "01")
    assert db.rows("SELECT kind, jyt_code FROM events ORDER BY id") == [("enroll", None), ("suspend", "11"), ("resume", "12")]


STEPS = {
    "withdraw": (["withdraw", "202301010101", "--reason", "本人申請"], "withdrawn", "31"),
    "transfer_out": (["transfer", "out", "202301010101", "--to-school", "某大學"], "transferred_out", "21"),
    "graduate": (["graduate", "202301010101"], "graduated", None),
    "complete": (["graduate", "202301010101", "--outcome", "completed"], "completed", "62"),
    "incomplete": (["graduate", "202301010101", "--outcome", "incomplete"], "incomplete", "63"),
    "death": (["cancel", "202301010101", "--cause", "deceased"], "deceased", "51"),
    "missing": (["cancel", "202301010101", "--cause", "missing", "--reason", "經核實"], "missing", "99"),
}


@pytest.mark.parametrize("kind", sorted(STEPS))
def test_each_closing_change_is_recorded_and_the_number_is_never_issued_again(xj, db, kind):
    args, status, code = STEPS[kind]
    enroll(xj, 1)
    result = xj(*args, "--date", "2024-06-30")
    assert result.exit_code == 0, result.output
    assert db.rows("SELECT status, status_since FROM students") == [(status, "2024-06-30")]
    assert db.rows("SELECT kind, jyt_code, status_before, status_after FROM events ORDER BY id")[-1] == (
        kind, code, "active", status)
    assert enroll(xj, 2).stdout.strip() == "202301010102"
    again = xj(*args, "--date", "2024-07-01")
    assert again.exit_code == 1 and status.split("_")[0].capitalize()[:5] in again.stderr


@pytest.mark.parametrize("args", [
    ["resume", "202301010101"],
    ["graduate", "202301010101"],
    ["suspend", "202301010101", "--reason", "x", "--until", "2025-01-01"],
])
def test_a_change_the_lifecycle_does_not_allow_is_exit_1_naming_the_status(xj, db, args):
    enroll(xj, 1)
    xj("withdraw", "202301010101", "--reason", "本人申請", "--date", "2024-01-01")
    before = db.snapshot()
    result = xj(*args, "--date", "2024-02-01")
    assert result.exit_code == 1
    assert "Withdrawn" in result.stderr
    assert db.snapshot() == before


def test_an_unknown_student_is_exit_1(xj, db):
    result = xj("withdraw", "202301010199", "--reason", "x")
    assert result.exit_code == 1 and "202301010199" in result.stderr


def test_a_malformed_student_number_is_exit_3(xj, db):
    result = xj("show", "2023010101")
    assert result.exit_code == 3 and "12 digits" in result.stderr


def test_graduate_with_one_student_not_active_closes_nobody(xj, db):
    enroll(xj, 1)
    enroll(xj, 2)
    xj("suspend", "202301010102", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    before = db.snapshot()
    result = xj("graduate", "202301010101", "202301010102", "--date", "2024-06-30")
    assert result.exit_code == 1 and "202301010102" in result.stderr
    assert db.snapshot() == before


def test_graduate_as_json_lists_every_closed_student(xj, db):
    enroll(xj, 1)
    enroll(xj, 2)
    result = xj("graduate", "202301010101", "202301010102", "--date", "2027-06-30", "-f", "json")
    assert [s["status"] for s in json.loads(result.stdout)] == ["graduated", "graduated"]


def test_transfer_in_prints_a_new_number_in_the_receiving_class(xj, db):
    result = xj("transfer", "in", "--from-school", "某某大學", *ENROLL[1:], "--id-number", make_id(seq=3))
    assert result.exit_code == 0 and result.stdout.strip() == "202301010101"
    assert db.rows("SELECT kind, jyt_code, detail FROM events") == [("transfer_in", "22", '{"from_school": "某某大學"}')]


def test_suspension_past_the_configured_limit_is_exit_1(xj, db):
    enroll(xj, 1)
    result = xj("suspend", "202301010101", "--reason", "因病", "--until", "2025-06-01", "--date", "2023-12-01")
    assert result.exit_code == 1 and "12 months" in result.stderr
    assert db.value("SELECT status FROM students") == "active"


def test_the_operator_comes_from_the_option_then_the_environment(xj, db):
    enroll(xj, 1)
    xj("--operator", "王老師", "suspend", "202301010101", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    xj("resume", "202301010101", "--date", "2024-01-01", env={"XUEJI_OPERATOR": "李老師"})
    operators = [r[0] for r in db.rows("SELECT operator FROM events ORDER BY id")]
    from xueji.cli.state import os_login

    assert operators == [os_login(), "王老師", "李老師"]


# --- queries -------------------------------------------------------------------------------

def test_query_without_filters_lists_newest_first_as_json_array(xj, db):
    for seq in range(1, 4):
        enroll(xj, seq)
    rows = json.loads(xj("query", "-f", "json").stdout)
    assert [r["student_no"] for r in rows] == ["202301010103", "202301010102", "202301010101"]


def test_query_csv_has_a_header_row_and_one_row_per_student(xj, db):
    for seq in range(1, 3):
        enroll(xj, seq)
    lines = xj("query", "-f", "csv").stdout.splitlines()
    assert lines[0].startswith("student_no,name,gender,birth_date,id_type,id_number,exam_no,enroll_year,college,major,class,seat,status,status_since")
    assert len(lines) == 3


def test_query_by_number_name_and_status(xj, db):
    enroll(xj, 1)
    args = list(ENROLL)
    args[args.index("--name") + 1] = "歐陽明月"
    xj(*args, "--id-number", make_id(seq=2))
    xj("suspend", "202301010102", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    assert [r["name"] for r in json.loads(xj("query", "--name", "明月", "-f", "json").stdout)] == ["歐陽明月"]
    assert [r["student_no"] for r in json.loads(xj("query", "202301010101", "-f", "json").stdout)] == ["202301010101"]
    suspended = json.loads(xj("query", "--status", "suspended", "--status", "withdrawn", "-f", "json").stdout)
    assert [r["student_no"] for r in suspended] == ["202301010102"]
    assert json.loads(xj("query", "--id-number", make_id(seq=1).lower(), "--purpose", "核對身份", "-f", "json").stdout
                      )[0]["student_no"] == "202301010101"


def test_query_table_says_when_the_limit_cut_the_list(xj, db):
    for seq in range(1, 4):
        enroll(xj, seq)
    result = xj("query", "--limit", "2")
    assert result.exit_code == 0 and "2 of 3" in result.stdout and "--limit 0" in result.stdout


def test_query_with_a_bad_limit_or_status_is_exit_3(xj, db):
    assert xj("query", "--limit", "many").exit_code == 3
    assert xj("query", "--status", "sleeping").exit_code == 3


def test_query_finding_nobody_says_so_and_exits_0(xj, db):
    result = xj("query", "--name", "不存在")
    assert result.exit_code == 0 and "No students found" in result.stdout
    assert json.loads(xj("query", "--name", "不存在", "-f", "json").stdout) == []


def test_show_as_json_gives_the_student_and_every_event(xj, db):
    enroll(xj, 1, "--doc-no", "招生1號")
    xj("suspend", "202301010101", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01", "--doc-no", "休1號")
    data = json.loads(xj("show", "202301010101", "-f", "json").stdout)
    assert data["student"]["status"] == "suspended"
    assert data["student"]["suspended_until"] == "2024-08-31"
    events = data["events"]
    assert [e["kind"] for e in events] == ["enroll", "suspend"]
    for key in ("kind", "effective_date", "recorded_at", "operator", "reason", "doc_no", "status_before",
                "status_after", "jyt_code"):
        assert key in events[1]
    assert (events[1]["jyt_code"], events[1]["reason"], events[1]["doc_no"], events[1]["status_before"]) == (
        "11", "因病", "休1號", "active")


def test_show_table_has_the_record_and_its_history(xj, db):
    enroll(xj, 1)
    result = xj("show", "202301010101")
    assert result.exit_code == 0
    assert "張三" in result.stdout and "History" in result.stdout and "Enrollment" in result.stdout
    assert "\x1b[" not in result.stdout


def test_a_refused_write_leaves_a_busy_database_untouched_with_exit_5(xj, workdir, db):
    text = (workdir / "config.toml").read_text(encoding="utf-8").replace("busy_timeout = 10", "busy_timeout = 0.2")
    (workdir / "config.toml").write_text(text, encoding="utf-8")
    with db.write_lock():
        result = xj(*ENROLL, "--id-number", make_id(seq=1))
    assert result.exit_code == 5 and "busy" in result.stderr
    assert db.snapshot() == ([], [])


# --- languages -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang, words", [
    ("en", ["Error:", "Withdrawn"]),
    ("zh-Hant", ["錯誤", "退學"]),
    ("zh-Hans", ["错误", "退学"]),
])
def test_refusals_speak_the_chosen_language(xj, db, lang, words):
    enroll(xj, 1)
    xj("withdraw", "202301010101", "--reason", "本人申請", "--date", "2024-01-01")
    result = xj("resume", "202301010101", lang=lang)
    assert result.exit_code == 1
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("lang, header, status", [
    ("en", "Student number", "Suspended"),
    ("zh-Hant", "學號", "休學"),
    ("zh-Hans", "学号", "休学"),
])
def test_tables_and_status_labels_follow_the_language(xj, db, lang, header, status):
    enroll(xj, 1)
    xj("suspend", "202301010101", "--reason", "因病", "--until", "2024-08-31", "--date", "2023-12-01")
    result = xj("query", lang=lang)
    assert header in result.stdout and status in result.stdout
    data = json.loads(xj("query", "-f", "json", lang=lang).stdout)
    assert data[0]["status"] == "suspended"


@pytest.mark.parametrize("source, env, expected", [
    ("environment", {"XUEJI_LANG": "zh-Hant"}, "錯誤"),
    ("posix locale", {"LANG": "zh_CN.UTF-8"}, "错误"),
    ("posix locale", {"LANG": "zh_TW.UTF-8"}, "錯誤"),
    ("default", {}, "Error:"),
])
def test_the_language_comes_from_the_environment_when_not_given(xj, db, source, env, expected):
    result = xj("show", "202301010199", lang=None, env=env)
    assert result.exit_code == 1 and expected in result.stderr


def test_the_configuration_locale_beats_the_posix_locale(xj, workdir, db):
    path = workdir / "config.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('# locale = "zh-Hant"', 'locale = "zh-Hant"'), encoding="utf-8")
    result = xj("show", "202301010199", lang=None, env={"LANG": "zh_CN.UTF-8"})
    assert "錯誤" in result.stderr
    override = xj("show", "202301010199", lang="en", env={"LANG": "zh_CN.UTF-8"})
    assert "Error:" in override.stderr


def test_an_unknown_language_is_a_usage_error(xj, workdir):
    assert xj("query", lang="fr").exit_code == 2


# --- help ----------------------------------------------------------------------------------

def _commands():
    from xueji.cli.app import app
    from typer.main import get_command

    root = get_command(app)
    found = []

    def walk(group, prefix):
        for name, command in group.commands.items():
            found.append((prefix + [name], command))
            if hasattr(command, "commands"):
                walk(command, prefix + [name])

    walk(root, [])
    return found


@pytest.mark.parametrize("path", [" ".join(p) for p, _ in _commands()])
def test_every_command_has_help_with_an_example(xj, path):
    command = dict((" ".join(p), c) for p, c in _commands())[path]
    assert command.help and command.help.strip()
    result = xj(*path.split(), "--help")
    assert result.exit_code == 0
    if not hasattr(command, "commands") or path == "codes":
        assert "Example" in command.help, path
