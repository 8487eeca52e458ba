"""Certificates (issue 14, §八.1): issued as a PDF with a code, checked by the code, listed — on both engines."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess

import pytest
from pypdf import PdfReader

from tests.conftest import make_id
from xueji.cli.state import os_login

ME = os_login()
NO = "202501010101"
REQUEST = ["--requester", "張三 (本人)", "--proof", "居民身份證"]


@pytest.fixture
def school(workdir, xj):
    with open(workdir / "config.toml", "a", encoding="utf-8") as handle:
        handle.write(f'\n[operators.{ME}]\nrole = "office"\nact_as = true\n\n[operators.li]\nrole = "college"\n'
                     f'college = "01"\n\n[operators.zhao]\nrole = "college"\ncollege = "02"\n\n'
                     f'[operators.view]\nrole = "viewer"\n\n[operators.insp]\nrole = "inspector"\n')
    for seq, college in ((1, "01"), (2, "02")):
        result = xj("enroll", "--name", "張三", "--gender", "男", "--birth-date", "2005-03-01", "--id-number",
                    make_id(seq=seq), "--college", college, "--major", "01", "--class", "01", "--year", "2025")
        assert result.exit_code == 0, result.output
    return workdir


def text_of(path) -> str:
    """The PDF's text, whitespace removed (runs in two fonts come out on lines of their own)."""
    reader = PdfReader(path)
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def issue(xj, folder, *extra, kind="enrollment", out="c.pdf", number=NO, lang="en"):
    return xj("certificate", number, "--kind", kind, *REQUEST, "--out", str(folder / out), *extra, lang=lang)


def code_of(result) -> str:
    return result.stderr.split("(")[1].split(")")[0]


def test_a_certificate_is_a_one_page_pdf_with_the_facts_and_its_code_recorded(xj, school, db):
    result = issue(xj, school, "--purpose", "出國留學")
    assert result.exit_code == 0, result.output
    code = code_of(result)
    path = school / "c.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(PdfReader(path).pages) == 1
    text = text_of(path)
    for expected in ("CertificateofEnrollment", "張三", NO, "born1March2005", "文學院", "漢語言文學", code):
        assert expected in text, (expected, text)
    assert db.rows("SELECT id, kind, student_no, requester, proof, purpose, operator FROM certificates") == [
        (1, "enrollment", NO, "張三 (本人)", "居民身份證", "出國留學", ME)]
    assert db.rows("SELECT command, revealed, requester, proof FROM access_log ORDER BY id DESC LIMIT 1") == [
        ("certificate", 1, "張三 (本人)", "居民身份證")]
    assert db.value("SELECT count(*) FROM ledger WHERE kind = 'certificate' AND ref = 1") == 1
    assert xj("audit", "verify").exit_code == 0
    assert xj("check").exit_code == 0
    listed = xj("certificate", "list", "-f", "json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["code"] == code


@pytest.mark.parametrize("lang, words", [
    ("zh-Hans", ("在读证明", "示范大学", "文学院", "汉语言文学", "兹证明張三", "2005年3月1日", "教务处")),
    ("zh-Hant", ("在讀證明", "文學院", "漢語言文學", "茲證明張三", "2005年3月1日", "教務處")),
    ("en", ("CertificateofEnrollment", "Thisistocertifythat", "AcademicAffairsOffice")),
])
def test_a_certificate_speaks_its_language(xj, school, lang, words):
    result = issue(xj, school, lang=lang)
    assert result.exit_code == 0, result.output
    text = text_of(school / "c.pdf")
    for word in words:
        assert word in text, (word, text)


def test_bilingual_has_the_chinese_and_the_english(xj, school):
    assert issue(xj, school, "--bilingual", lang="zh-Hant").exit_code == 0
    text = text_of(school / "c.pdf")
    assert "在讀證明" in text and "CertificateofEnrollment" in text and "學籍狀態" in text and "status:Active" in text


def test_a_code_checks_genuine_then_changed_then_unknown(xj, school):
    code = code_of(issue(xj, school))
    result = xj("certificate", "verify", code)
    assert result.exit_code == 0 and "genuine and still true" in result.stdout, result.output
    # typed from paper: lower case, spaces instead of dashes
    assert xj("certificate", "verify", code.lower().replace("-", " ")).exit_code == 0
    assert xj("suspend", NO, "--reason", "病", "--until", "2027-06-30", "--doc-no", "X1").exit_code == 0
    result = xj("certificate", "verify", code, lang="zh-Hant")
    assert result.exit_code == 1
    assert "真實，但其後學籍已有變動" in result.stderr and "在學 → 休學" in result.stderr, result.stderr
    shown = json.loads(xj("certificate", "verify", code, "-f", "json").stdout)
    assert shown["state"] == "changed" and {"fact": "status", "printed": "active", "now": "suspended"} in \
        shown["changes"]
    altered = code[:-1] + ("2" if code[-1] != "2" else "3")
    for wrong in (altered, "NOT-A-CODE", "0000-1111-OOOO-IIII", ""):
        result = xj("certificate", "verify", wrong)
        assert result.exit_code == 1 and "no certificate with the code" in result.stderr, (wrong, result.output)


def test_a_registry_changed_behind_a_certificate_is_exit_7(xj, school, db):
    code = code_of(issue(xj, school))
    db.tamper("DROP TRIGGER certificates_never_changed",
              "UPDATE certificates SET facts = replace(facts, '2005-03-01', '2004-03-01')")
    result = xj("certificate", "verify", code)
    assert result.exit_code == 7 and "changed behind xueji's back" in result.stderr, result.output


def test_a_record_changed_behind_a_certificate_is_exit_7(xj, school, db):
    code = code_of(issue(xj, school))
    db.tamper(("UPDATE students SET name = '李四' WHERE student_no = ?", (NO,)))
    assert xj("certificate", "verify", code).exit_code == 7


def test_refusals_write_nothing(xj, school, db):
    before = db.state()
    cases = [
        (["certificate", NO, "--kind", "diploma", *REQUEST, "--out", str(school / "x.pdf")], 3, "kind"),
        (["certificate", NO, "--kind", "record", "--requester", "張三", "--proof", "身份證", "--out",
          str(school / "x.pdf")], 3, "requester"),
        (["certificate", NO, "--kind", "record", *REQUEST, "--out", str(school / "x.docx")], 3, ".pdf"),
        (["certificate", "202509999999", "--kind", "record", *REQUEST, "--out", str(school / "x.pdf")], 1,
         "No student"),
        (["--operator", "view", "certificate", NO, "--kind", "record", *REQUEST, "--out", str(school / "x.pdf")], 6,
         "may not"),
        (["--operator", "insp", "certificate", "verify", "AAAA-BBBB-CCCC-DDDD"], 6, "may not"),
        (["--operator", "zhao", "certificate", NO, "--kind", "record", *REQUEST, "--out", str(school / "x.pdf")], 1,
         "No student"),
    ]
    for args, code, word in cases:
        result = xj(*args)
        assert result.exit_code == code and word in result.stderr, (args, result.output)
    assert not (school / "x.pdf").exists() and not (school / "x.docx").exists()
    assert db.state() == before


def test_an_enrollment_certificate_is_not_issued_for_a_student_who_left(xj, school, db):
    assert xj("withdraw", NO, "--reason", "自願", "--doc-no", "W1").exit_code == 0
    before = db.state()
    result = issue(xj, school)
    assert result.exit_code == 1 and "withdrawn" in result.stderr.lower() and "--kind record" in result.stderr
    assert not (school / "c.pdf").exists() and db.state() == before
    assert issue(xj, school, kind="record").exit_code == 0
    assert "Withdrawn" in text_of(school / "c.pdf")


def test_an_existing_file_is_kept_unless_forced(xj, school, db):
    (school / "c.pdf").write_bytes(b"mine")
    before = db.state()
    result = issue(xj, school)
    assert result.exit_code == 1 and "already exists" in result.stderr
    assert (school / "c.pdf").read_bytes() == b"mine" and db.state() == before
    assert issue(xj, school, "--force").exit_code == 0
    assert (school / "c.pdf").read_bytes().startswith(b"%PDF")


def test_a_college_issues_and_lists_its_own_students_certificates_only(xj, school):
    assert xj("--operator", "li", "certificate", NO, "--kind", "record", *REQUEST, "--out",
              str(school / "a.pdf")).exit_code == 0
    assert issue(xj, school, number="202502010101", out="b.pdf").exit_code == 0
    mine = json.loads(xj("--operator", "li", "certificate", "list", "-f", "json").stdout)
    assert [c["student_no"] for c in mine] == [NO]
    everyone = json.loads(xj("certificate", "list", "-f", "json").stdout)
    assert [c["student_no"] for c in everyone] == [NO, "202502010101"]
    other = everyone[1]["code"]
    refused = xj("--operator", "li", "certificate", "verify", other)  # genuine, but not their college's student
    assert refused.exit_code == 6 and "the office checks it" in refused.stderr, refused.output


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_certificate_renders_to_an_image_a_person_can_look_at(xj, school, tmp_path):
    """pdftoppm (poppler) draws the page: .ci/run installs it; locally the test says what is missing."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("XUEJI_REQUIRE_POPPLER"):
            pytest.fail("pdftoppm is required in CI (apt-get install poppler-utils poppler-data)")
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils poppler-data)")
    assert issue(xj, school, "--bilingual", lang="zh-Hant").exit_code == 0
    done = subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(school / "c.pdf"),
                           str(tmp_path / "page")], capture_output=True, text=True)
    assert done.returncode == 0 and "Unknown CMap" not in done.stderr and "No font" not in done.stderr, done.stderr
    assert (tmp_path / "page.png").stat().st_size > 10_000


def test_a_chain_rewritten_since_the_certificate_is_exit_7(xj, school, db):
    """The head the certificate was issued at must still be in the chain: events rewritten before it are found."""
    code = code_of(issue(xj, school))
    head_event = db.value("SELECT head_event FROM certificates")
    db.tamper(("UPDATE events SET hash = ? WHERE id = ?", ("0" * 64, head_event)))
    result = xj("certificate", "verify", code)
    assert result.exit_code == 7 and "audit verify" in result.stderr, result.output


def test_the_office_sets_which_statuses_a_kind_is_issued_for_in_the_registry(xj, school, db):
    assert xj("suspend", NO, "--reason", "病", "--until", "2027-06-30").exit_code == 0
    result = issue(xj, school)
    assert result.exit_code == 1 and "Suspended" in result.stderr  # the default: active students only
    shown = xj("certificate", "statuses", "enrollment")
    assert shown.exit_code == 0 and "Active (active)." in shown.stdout
    before = db.state()
    assert xj("--operator", "li", "certificate", "statuses", "enrollment", "active", "suspended").exit_code == 6
    assert xj("certificate", "statuses", "enrollment", "active", "studying").exit_code == 3
    assert db.state() == before
    assert xj("certificate", "statuses", "enrollment", "withdrawn").exit_code == 3  # never "studying here" for them
    assert db.state() == before
    result = xj("certificate", "statuses", "enrollment", "active", "休學")
    assert result.exit_code == 0 and "(active), Suspended (suspended)" in result.stdout, result.output
    assert db.rows("SELECT name, value, set_by FROM settings") == [("certificate.enrollment",
                                                                    '["active", "suspended"]', ME)]
    assert db.value("SELECT count(*) FROM ledger WHERE kind = 'setting'") == 1
    assert issue(xj, school).exit_code == 0
    assert xj("audit", "verify").exit_code == 0 and xj("check").exit_code == 0


def test_what_a_careless_or_hostile_hand_types_is_refused_cleanly(xj, school, db):
    before = db.state()
    cases = [
        (["certificate", NO, "--kind", "record", "--requester", "王五 (本人)", "--proof", "身份證", "--out",
          str(school / "x.pdf")], 1, "is not 202501010101"),                       # someone else's "own" request
        (["certificate", NO, "--kind", "record", "--requester", " (本人)", "--proof", "身份證", "--out",
          str(school / "x.pdf")], 3, "NAME (本人)"),                               # no name at all
        (["certificate", NO, "--kind", "record", "--requester", "張三 (本人) (監護人)", "--proof", "身份證",
          "--out", str(school / "x.pdf")], 3, "NAME (本人)"),
        (["certificate", NO, "--kind", "record", *REQUEST, "--bilingual", "--out", str(school / "x.pdf")], 3,
         "--bilingual"),                                                          # English beneath English
        (["certificate", NO, "--kind", "record", *REQUEST, "--out", str(school / ("a" * 300 + ".pdf"))], 4,
         "Cannot write"),                                                         # a name the file system refuses
        (["certificate", "verify", "YC7F\x1b[31mZP4S"], 1, "no certificate"),
        (["certificate", "verify", "A" * 100_000], 1, "no certificate"),
    ]
    for args, code, words in cases:
        result = xj(*args)
        assert result.exit_code == code and words in result.stderr, (args[:3], result.output[:300])
        assert "\x1b" not in result.output and len(result.output) < 2000
    assert db.state() == before
    # a bad --kind is invalid data even when the file exists already (the file is checked last)
    (school / "x.pdf").write_bytes(b"mine")
    result = xj("certificate", NO, "--kind", "diploma", *REQUEST, "--out", str(school / "x.pdf"))
    assert result.exit_code == 3 and (school / "x.pdf").read_bytes() == b"mine"


def test_a_code_typed_in_full_width_characters_is_the_same_code(xj, school):
    code = code_of(issue(xj, school))
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    result = xj("certificate", "verify", wide)
    assert result.exit_code == 0 and code in result.stdout, result.output


def test_a_requester_typed_with_another_dot_is_written_with_the_middle_dot(xj, school, db):
    assert xj("amend", NO, "--name", "阿依古麗·買買提", "--reason", "更名", "--doc-no", "D").exit_code == 0
    result = xj("certificate", NO, "--kind", "record", "--requester", "阿依古麗•買買提 (本人)", "--proof", "身份證",
                "--out", str(school / "c.pdf"))
    assert result.exit_code == 0, result.output
    assert db.value("SELECT requester FROM certificates") == "阿依古麗·買買提 (本人)"
