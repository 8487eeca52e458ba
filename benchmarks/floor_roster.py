"""The floor for `xueji enroll --file`: the leanest Python that does the same work into the same schema.

    python benchmarks/floor_roster.py --db xueji.db --file real.csv --year 2025 --class-size 73 [--config config.toml]

As a module: ``enroll(db_path, csv_path, class_size, year, ...)`` returns the number of students written.

The database must be one `xueji init` created (the real schema and migrations); the code table is read from the
configuration beside it (config.toml, and the code_table file it names when that exists). Nothing of xueji is
imported: the checks, the numbering and the audit chain's hashes are re-implemented here, with the standard
library (csv, sqlite3, hashlib, json, unicodedata, re), python-stdnum for the county codes (as xueji uses it) and
OpenCC once at start to fold the code table's names to Simplified (as xueji does on a name that does not match).

What it does, row by row, is what xueji does for the same roster (issue 10, "Speed"):

- decode (BOM → UTF-8, else UTF-8, else GB18030) and read with ``csv``; the header is the row among the first ten
  naming the most known columns (title rows above it), headers in either script; other columns are ignored;
- name (NFC, letters of any script and marks, the middle dot, single spaces and hyphens, ≤ 50), gender
  (男/女, M/F, 1/2, 0, 9), birth date in every form xueji reads (2007-04-16, 2007/4/16, 2007.4.16, 20070416,
  2007年4月16日, full-width digits, Excel serials) and the age at 1 September of the year (12–80), exam number
  (14 digits), GB 11643 ID number (freed of ' and ="…" wrappers, 17 digits and the ISO 7064 MOD 11-2 check
  character, a real embedded date equal to the birth date, the sex digit's parity against the gender, the county
  code in python-stdnum's cn/loc — looked up once per code), ethnicity / political status / place of origin to
  their national codes, college and major against the code table (by code, name or Simplified name), the same
  person twice in the roster;
- in one transaction (BEGIN IMMEDIATE): the live-registration check against the database (batched lookups on the
  partial unique index), classes of at most ``class_size`` formed per year/college/major in input order (the
  fewest classes, as even as possible, numbered after the highest class the major already has), seats 01.. in
  order, one ``students`` row (origin 'enroll') and one ``events`` row (kind 'enroll') per row, each event chained
  by hash exactly as xueji chains it (record/1–2 and event/1–2 forms), COMMIT. Where the schema has the
  ``name_keys`` table (xueji's migration m006: the name's search key, the name as written, its pinyin
  and initials), it is filled as xueji fills it (pypinyin's reading table, read without the phrase dictionary).

The cyclic garbage collector is paused while it works, as xueji pauses it for a batch (0.3–0.5 s of this floor).
Per-row values are not memoised: every row's name, date and ID number are checked; only lookups by a code or a
name (county, code table, national codes) go through dictionaries. Any problem: nothing is written, the problems
are printed, exit 1. The floor supports the roster shape the benchmark uses (no class column or a blank one, no
year column); anything else is refused rather than done differently.
"""

from __future__ import annotations

import argparse
import csv
import gc
import hashlib
import io
import json
import os
import re
import sqlite3
import sys
import time
import tomllib
import unicodedata
from datetime import date, datetime, timedelta, timezone
from operator import mul
from pathlib import Path

GENESIS = "0" * 64
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

# Header (after NFKC, lower-casing, dropping marks and spaces, folding Traditional to Simplified) → field.
_HEADER_ALIASES = {
    "name": ("name", "姓名", "学生姓名", "考生姓名", "xm"),
    "gender": ("gender", "sex", "性别", "xb"),
    "birth_date": ("birth_date", "birthdate", "birthday", "dob", "出生日期", "出生年月", "出生年月日", "生日", "csrq"),
    "id_number": ("id_number", "idnumber", "id_no", "idno", "身份证号", "身份证号码", "身份证件号", "身份证件号码",
                  "证件号码", "证件号", "公民身份号码", "sfzh"),
    "id_type": ("id_type", "证件类型", "身份证件类型"),
    "college": ("college", "学院", "院系", "录取院系", "院系名称", "学院名称", "录取学院"),
    "major": ("major", "专业", "录取专业", "专业名称"),
    "class": ("class", "班级", "行政班", "班号", "行政班级"),
    "exam_no": ("exam_no", "examno", "考生号", "考生编号", "ksh"),
    "year": ("year", "enroll_year", "入学年份", "年级"),
    "ethnicity": ("ethnicity", "nation", "民族", "mz"),
    "political": ("political", "political_status", "政治面貌", "zzmm"),
    "region": ("region", "origin", "source_region", "生源地", "生源地区", "生源省份", "生源所在地"),
}
_FOLD = str.maketrans("學號碼證類別專業級錄稱編態狀區備註務處國際齡貌屬戶籍顯示", "学号码证类别专业级录称编态状区备注务处国际龄貌属户籍显示")
_MARKS = re.compile(r"[\s*:()\[\]【】<>《》\-_/\\.]")

_GENDERS = {"1": "1", "男": "1", "m": "1", "male": "1", "2": "2", "女": "2", "f": "2", "female": "2", "0": "0",
            "未知": "0", "unknown": "0", "9": "9", "未說明": "9", "未说明": "9", "unspecified": "9"}
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "･": "·", "∙": "·", "⋅": "·", "．": "·", "●": "·"})
_DATE = re.compile(r"^(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})(?:[\sT]+0{1,2}:00(?::00)?)?$"
                   r"|^(\d{4})(\d{2})(\d{2})$|^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff·]) (?=[\u3400-\u9fff\uf900-\ufaff·])")
_NOTE = re.compile(r"[(\[【<《].*?[)\]】>》]")
_WRAPPED = re.compile(r'^="(.*)"$')
_SEPARATORS = re.compile(r"[\s\-]")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_EXAM_NO = re.compile(r"\d{14}")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_DIGIT_BIAS = 48 * sum(_WEIGHTS)  # the digits' bytes are their codes: the weighted sum is this much too high
_CHECK = "10X98765432"

# GB/T 3304 ethnicities, GB/T 4762 political status and GB/T 2260 provinces, Simplified, in code order.
_ETHNICITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 "
    "达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 "
    "门巴 珞巴 基诺").split()
_ETHNICITY = {f"{n}族": f"{i:02d}" for i, n in enumerate(_ETHNICITIES, 1)}
_ETHNICITY |= {n: c for n, c in list(_ETHNICITY.items()) if len(n) > 2 for n in [n[:-1]]}
_ETHNICITY |= {"其他": "97", "外国血统中国籍人士": "98"}
_ETHNICITY_CODES = set(_ETHNICITY.values())
_POLITICAL = {n: f"{i:02d}" for i, n in enumerate((
    "中国共产党党员", "中国共产党预备党员", "中国共产主义青年团团员", "中国国民党革命委员会会员", "中国民主同盟盟员",
    "中国民主建国会会员", "中国民主促进会会员", "中国农工民主党党员", "中国致公党党员", "九三学社社员", "台湾民主自治同盟盟员",
    "无党派人士", "群众"), 1)}
_POLITICAL |= {"中共党员": "01", "党员": "01", "中共预备党员": "02", "预备党员": "02", "共青团员": "03", "团员": "03",
               "民革党员": "04", "民革会员": "04", "民盟盟员": "05", "民建会员": "06", "民进会员": "07",
               "农工党党员": "08", "致公党党员": "09", "无党派": "12"}
_POLITICAL_CODES = set(_POLITICAL.values())
_PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省", "22": "吉林省",
    "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省",
    "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
    "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省",
    "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区",
    "82": "澳门特别行政区",
}
_PROVINCE = {name: code for code, name in _PROVINCES.items()}
for _code, _name in _PROVINCES.items():
    for _ending in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if _name.endswith(_ending):
            _PROVINCE[_name[:-len(_ending)]] = _code
            break


# The search key of a name (table name_keys, where the schema has it): the name as written, its pinyin (each
# character's first reading in pypinyin's table, without tones; surnames read as surnames) and the initials,
# e.g. 陳浩蘭 → "陳浩蘭 chenhaolan chl".
_COMPOUND_SURNAMES = (
    "歐陽", "欧阳", "司馬", "司马", "上官", "諸葛", "诸葛", "尉遲", "尉迟", "東方", "东方", "皇甫", "令狐", "慕容",
    "公孫", "公孙", "長孫", "长孙", "宇文", "司徒", "夏侯", "軒轅", "轩辕", "端木", "澹臺", "澹台", "西門", "西门",
    "南宮", "南宫", "呼延", "獨孤", "独孤", "聞人", "闻人", "万俟", "申屠", "鐘離", "钟离", "百里", "東郭", "东郭",
)
_SURNAME_READINGS = {
    "曾": "zeng", "單": "shan", "单": "shan", "區": "ou", "区": "ou", "仇": "qiu", "解": "xie", "查": "zha",
    "樂": "yue", "乐": "yue", "朴": "piao", "尉遲": "yuchi", "尉迟": "yuchi", "万俟": "moqi", "蓋": "ge", "盖": "ge",
    "繆": "miao", "缪": "miao", "覃": "qin", "華": "hua", "华": "hua", "任": "ren", "沈": "shen", "冼": "xian",
    "翟": "zhai", "種": "chong", "种": "chong", "秘": "bi", "隗": "wei", "員": "yun", "员": "yun", "那": "na",
    "燕": "yan", "葛": "ge", "長孫": "zhangsun", "长孙": "zhangsun", "澹臺": "tantai", "澹台": "tantai",
    "黑": "he", "召": "shao", "折": "she", "句": "gou", "相": "xiang", "宿": "su", "郇": "xun", "汤": "tang",
}
_COMPOUND = frozenset(_COMPOUND_SURNAMES)  # all of two characters
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


def _name_keyer():
    """The function computing a name's search key. pypinyin's reading table (pinyin_dict.json) is read once, here,
    straight from the package's folder: importing ``pypinyin.pinyin_dict`` would run the package's __init__, which
    also loads its 2.5 MB phrase dictionary (~0.3 s) that a key does not use."""
    from importlib.util import find_spec  # finds the package without running its __init__

    with open(Path(find_spec("pypinyin").submodule_search_locations[0]) / "pinyin_dict.json", encoding="utf-8") as f:
        readings = {int(code): text.split(",", 1)[0].translate(_TONELESS) for code, text in json.load(f).items()}
    get = readings.get

    def key(name: str) -> str:
        if "·" in name:
            surname, given = name, ""
        elif len(name) > 2 and name[:2] in _COMPOUND:
            surname, given = name[:2], name[2:]
        else:
            surname, given = name[:1], name[1:]
        syllables = [_SURNAME_READINGS.get(surname) or "".join(get(ord(c), c) for c in surname)]
        syllables += [get(ord(c), c.lower()) for c in given if c not in " ·-"]
        return f"{name} {''.join(syllables).lower()} {''.join(s[:1] for s in syllables).lower()}"

    return key


class Problems(Exception):
    """Every problem of the roster (row, field, value, why); nothing was written."""

    def __init__(self, problems: list[tuple[int, str, str, str]]):
        super().__init__(f"{len(problems)} problems in the roster; nothing was written")
        self.problems = problems


def _t2s():
    import opencc  # as xueji: OpenCC t2s, for names that do not match as written

    return opencc.OpenCC("t2s").convert


class _Codes:
    """Code → code, name → code and Simplified name → code for the code table's colleges and each college's majors
    (and national codes for majors), built once; plus the national code lists, with OpenCC only on a miss."""

    def __init__(self, config: Path):
        with open(config, "rb") as handle:
            table = tomllib.load(handle)
        colleges = dict(table.get("colleges", {}))
        extra = config.parent / table.get("code_table", "codes.toml")
        if extra.is_file():
            with open(extra, "rb") as handle:
                for code, entry in tomllib.load(handle).get("colleges", {}).items():
                    merged = colleges.setdefault(code, {"name": entry.get("name"), "majors": {}})
                    merged["majors"] = {**merged.get("majors", {}), **entry.get("majors", {})}
        self._convert = _t2s()
        self.college: dict[str, str] = {}
        self.majors: dict[str, dict[str, str]] = {}
        for code, entry in colleges.items():
            self.college[code] = code
            self.college.setdefault(entry["name"], code)
            self.college.setdefault(self._convert(entry["name"]), code)
            majors = self.majors[code] = {}
            for major, m in entry.get("majors", {}).items():
                majors[major] = major
                majors.setdefault(m["name"], major)
                majors.setdefault(self._convert(m["name"]), major)
                if m.get("national_code"):
                    majors.setdefault(m["national_code"].upper(), major)

    def find(self, index: dict[str, str], value: str) -> str | None:
        text = unicodedata.normalize("NFKC", value).strip()
        if not text:
            return None
        if len(text) == 1 and text.isdigit():  # a spreadsheet dropped the 0 of 01
            text = "0" + text
        return index.get(text) or index.get(self._convert(text)) or index.get(text.upper())

    def national(self, index: dict[str, str], value: str) -> str | None:
        return index.get(value) or index.get(self._convert(value))


def _header_key(cell: str) -> str:
    text = unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip().lower()
    return _MARKS.sub("", text).translate(_FOLD)


def _field(cell: str) -> str | None:
    """The field a header names, also with a note after it (身份证号（必填）)."""
    found = _HEADERS.get(_header_key(cell))
    if found is None and cell:
        found = _HEADERS.get(_header_key(_NOTE.sub("", unicodedata.normalize("NFKC", cell))))
    return found


_HEADERS = {_header_key(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding:
        return data.decode(encoding)
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _county_checker():
    from stdnum import numdb  # as xueji: the national division list of python-stdnum

    table = numdb.get("cn/loc")
    known: dict[str, bool] = {}

    def exists(code: str) -> bool:
        found = known.get(code)
        if found is None:
            found = known[code] = any("county" in props for _, props in table.info(code))
        return found

    return exists


def _identifier(value: str) -> str:
    if value.isdigit() and value.isascii():
        return value
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    text = value.strip()
    if text[:2] == '="':
        wrapped = _WRAPPED.match(text)
        if wrapped:
            text = wrapped.group(1).strip()
    if text[:1] == "'":
        text = text[1:]
    return _SEPARATORS.sub("", text)


def _name(value: str) -> str | None:
    text = unicodedata.normalize("NFC", value).strip().translate(_DOTS)
    if not text.isalpha():  # letters only (the common case) need no look at each character
        text = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)
        for ch in text:
            category = unicodedata.category(ch)
            if ch in "?？\ufffd" or category == "Nd" or ch.isdigit() or category[0] == "C" \
                    or not (category[0] in "LM" or ch in "· -"):
                return None
        text = _CJK_GAP.sub("", " ".join(text.split()))
        if not any(unicodedata.category(ch)[0] == "L" for ch in text):
            return None
    return text if 0 < len(text) <= 50 else None


def _date(value: str) -> date | None:
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    text = value.strip()
    if len(text) == 5 and text.isdigit():  # an Excel serial, as xueji's reader turns it into a date
        number = int(text)
        if 1 <= number <= 73050:
            return date(1899, 12, 30) + timedelta(days=number)
    m = _DATE.match(text)
    if m is None:
        return None
    g = m.groups()
    y, mo, d = (g[0], g[2], g[3]) if g[0] else (g[4], g[5], g[6]) if g[4] else (g[7], g[8], g[9])
    y = int(y)
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, int(mo), int(d))
    except ValueError:
        return None


def _split_sizes(count: int, size: int) -> list[int]:
    classes = -(-count // size)
    base, extra = divmod(count, classes)
    return [base + 1 if i < extra else base for i in range(classes)]


def _account() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def _read(csv_path: Path, encoding: str | None):
    """Column index of each known field, the header's spreadsheet row, and an iterator over the records below it
    (read as they are used: the rows are not held twice)."""
    text = _decode(Path(csv_path).read_bytes(), encoding)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if first.count("\t") > first.count(",") else ",")
    del text
    records = []
    for record in reader:
        records.append(record)
        if len(records) == 10:
            break
    best, best_count = 0, 0
    for index, record in enumerate(records):  # the most known fields; on a tie the later row
        count = len({_field(cell) for cell in record} - {None})
        if count >= best_count and count > 0:
            best, best_count = index, count
    columns: dict[str, int] = {}
    for i, cell in enumerate(records[best]):
        field = _field(cell)
        if field:
            if field in columns:
                raise Problems([(best + 1, field, cell, "two columns mean the same field")])
            columns[field] = i

    def rest():
        yield from records[best + 1:]
        yield from reader

    return columns, best + 1, rest()


def enroll(db_path: str | Path, csv_path: str | Path, class_size: int, year: int, *, config: str | Path | None = None,
           encoding: str | None = None, operator: str | None = None, today: date | None = None) -> int:
    """Enroll every row of a roster into a registry `xueji init` created; all or nothing. Returns the count."""
    db_path = Path(db_path)
    codes = _Codes(Path(config) if config else db_path.parent / "config.toml")
    county_exists = _county_checker()
    account = _account()
    operator = operator or account
    today = today or date.today()
    on = today.isoformat()
    autumn = (year, 9, 1)
    if not 1 <= class_size <= 99:
        raise ValueError("the class size must be 1 to 99")
    if not 1900 <= year <= today.year + 1:
        raise ValueError(f"{year} is not an enrollment year (1900 to {today.year + 1})")

    columns, header_row, records = _read(Path(csv_path), encoding)
    for required in ("name", "gender", "birth_date", "id_number", "college", "major"):
        if required not in columns:
            raise Problems([(header_row, required, "", "the roster has no such column")])
    if "year" in columns or "id_type" in columns:
        raise Problems([(header_row, "year/id_type", "", "not supported by the floor")])
    width = max(columns.values()) + 1
    c_name, c_gender, c_birth, c_id = columns["name"], columns["gender"], columns["birth_date"], columns["id_number"]
    c_college, c_major = columns["college"], columns["major"]
    c_exam, c_class = columns.get("exam_no"), columns.get("class")
    c_eth, c_pol, c_reg = columns.get("ethnicity"), columns.get("political"), columns.get("region")
    wanted = list(columns.values())
    college_of: dict[str, str | None] = {}
    major_of: dict[tuple[str, str], str | None] = {}
    national: dict[tuple[int, str], str | None] = {}

    def code(kind: int, raw: str) -> str | None:
        """Ethnicity (0), political status (1) or place of origin (2) → its code; "" for blank, None for unknown."""
        text = "".join(unicodedata.normalize("NFKC", raw).split())
        if not text:
            return ""
        key = (kind, text)
        if key in national:
            return national[key]
        found = None
        if kind == 0:
            if text.isdigit() and text.zfill(2) in _ETHNICITY_CODES:
                found = text.zfill(2)
            else:
                found = codes.national(_ETHNICITY, text) or codes.national(_ETHNICITY, text + "族")
        elif kind == 1:
            if text.isdigit() and text.zfill(2) in _POLITICAL_CODES:
                found = text.zfill(2)
            else:
                found = codes.national(_POLITICAL, text)
        elif text.isdigit() and text.isascii():
            if len(text) == 2 and text in _PROVINCES:
                found = text + "0000"
            elif len(text) == 6 and (text[2:] == "0000" and text[:2] in _PROVINCES or county_exists(text)):
                found = text
        else:
            province = codes.national(_PROVINCE, text)
            found = province + "0000" if province else None
        national[key] = found
        return found

    problems: list[tuple[int, str, str, str]] = []
    people: dict[str, int] = {}
    admitted: list[tuple] = []  # (college, major, name, gender, born, id, exam, ethnicity, political, region)
    row_number = header_row
    for record in records:
        row_number += 1
        if len(record) < width:
            record = record + [""] * (width - len(record))
        if not any(record[i].strip() for i in wanted):
            continue  # a blank row
        bad = len(problems)
        name = _name(record[c_name])
        if name is None:
            problems.append((row_number, "name", record[c_name], "not a name"))
        sex = _GENDERS.get(record[c_gender].strip().lower())
        if sex is None:
            problems.append((row_number, "gender", record[c_gender], "unknown gender"))
        born = _date(record[c_birth])
        if born is None:
            problems.append((row_number, "birth_date", record[c_birth], "not a date"))
        elif not 12 <= year - born.year - (autumn[1:] < (born.month, born.day)) <= 80:
            problems.append((row_number, "birth_date", record[c_birth], "age out of range"))
            born = None
        exam = None
        if c_exam is not None:
            exam = _identifier(record[c_exam]).upper() or None
            if exam is not None and not (exam.isascii() and _EXAM_NO.fullmatch(exam)):
                problems.append((row_number, "exam_no", record[c_exam], "not an exam number"))
        number = _identifier(record[c_id]).upper()
        if not (number.isascii() and _RESIDENT_ID.fullmatch(number)):
            problems.append((row_number, "id_number", record[c_id], "not a resident ID number"))
        elif _CHECK[(sum(map(mul, number[:17].encode(), _WEIGHTS)) - _DIGIT_BIAS) % 11] != number[17]:
            problems.append((row_number, "id_number", record[c_id], "wrong check character"))
        else:
            try:
                embedded = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
            except ValueError:
                embedded = None
            if embedded is None:
                problems.append((row_number, "id_number", record[c_id], "no real date in the ID number"))
            elif born is not None and embedded != born:
                problems.append((row_number, "id_number", record[c_id], "birth date differs from the ID number"))
            elif sex in ("1", "2") and int(number[16]) % 2 != (sex == "1"):
                problems.append((row_number, "id_number", record[c_id], "sex digit differs from the gender"))
            elif not county_exists(number[:6]):
                problems.append((row_number, "id_number", record[c_id], "unknown county code"))
        raw_college, raw_major = record[c_college], record[c_major]
        college = college_of.get(raw_college, 0)
        if college == 0:
            college = college_of[raw_college] = codes.find(codes.college, raw_college)
        major = None
        if college is None:
            problems.append((row_number, "college", raw_college, "unknown college"))
        else:
            major = major_of.get((college, raw_major), 0)
            if major == 0:
                major = major_of[(college, raw_major)] = codes.find(codes.majors[college], raw_major)
            if major is None:
                problems.append((row_number, "major", raw_major, "unknown major"))
        if c_class is not None and record[c_class].strip():
            problems.append((row_number, "class", record[c_class], "the floor forms classes itself: leave it blank"))
        extra = []
        for kind, column in enumerate((c_eth, c_pol, c_reg)):
            value = code(kind, record[column]) if column is not None else ""
            if value is None:
                problems.append((row_number, ("ethnicity", "political", "region")[kind], record[column], "unknown"))
            extra.append(value or None)
        if len(problems) > bad:
            continue
        if number in people:
            problems.append((row_number, "id_number", number, f"the same person is on row {people[number]}"))
            continue
        people[number] = row_number
        admitted.append((college, major, name, sex, born.isoformat(), number, exam, *extra))
    if problems:
        raise Problems(problems)

    conn = sqlite3.connect(db_path, isolation_level=None, timeout=10)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        # Schema of xueji's working tree: the name_keys table (m006) is filled as xueji fills it.
        name_key = _name_keyer() if conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'name_keys'").fetchone() else None
        conn.execute("BEGIN IMMEDIATE")
        # One person, one live registration: batched searches of the partial unique index.
        numbers = sorted(people)
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            for id_number, student_no in conn.execute(
                    f"SELECT id_number, student_no FROM students WHERE id_type = '1' AND id_number IN "
                    f"({', '.join('?' * len(chunk))}) AND status IN ('active', 'suspended')", chunk):
                problems.append((people[id_number], "id_number", id_number, f"already registered as {student_no}"))
        if problems:
            raise Problems(sorted(problems))
        # Classes per year/college/major in input order, numbered after the highest the major has.
        groups: dict[tuple[str, str], list[tuple]] = {}
        for row in admitted:
            groups.setdefault((row[0], row[1]), []).append(row)
        placed: list[tuple[str, str, int, tuple]] = []  # (student number, class, seat, row)
        for (college, major), members in groups.items():
            prefix = f"{year:04d}{college}{major}"
            highest = conn.execute("SELECT max(student_no) FROM students WHERE student_no BETWEEN ? AND ?",
                                   (prefix + "0000", prefix + "9999")).fetchone()[0]
            klass_number = int(highest[8:10]) if highest else 0
            start = 0
            for count in _split_sizes(len(members), class_size):
                klass_number += 1
                if klass_number > 99:
                    raise Problems([(0, "class", prefix, "no class number left")])
                klass = f"{klass_number:02d}"
                for seat, row in enumerate(members[start:start + count], 1):
                    placed.append((f"{prefix}{klass}{seat:02d}", klass, seat, row))
                start += count

        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        first_id = (conn.execute("SELECT max(id) FROM students").fetchone()[0] or 0) + 1

        def students():
            for offset, (student_no, klass, seat, r) in enumerate(placed):
                yield (first_id + offset, student_no, r[2], r[3], r[4], "1", r[5], r[6], year, r[0], r[1], klass,
                       seat, year, r[0], r[1], klass, "active", on, None, "enroll", created, r[7], r[8], r[9])

        conn.executemany(
            "INSERT INTO students (id, student_no, name, gender, birth_date, id_type, id_number, exam_no, enroll_year, "
            "college, major, class, seat, cur_year, cur_college, cur_major, cur_class, status, status_since, "
            "suspended_until, origin, created_at, ethnicity, political, region) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", students())
        if name_key:
            conn.executemany("INSERT INTO name_keys (student_id, key) VALUES (?, ?)",
                             ((first_id + offset, name_key(r[2])) for offset, (_, _, _, r) in enumerate(placed)))

        recorded = datetime.now(timezone.utc).isoformat(timespec="seconds")
        last = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
        first_event, prev = ((last[0] or 0) + 1, last[1] or GENESIS) if last else (1, GENESIS)
        sha256 = hashlib.sha256

        def events():
            nonlocal prev
            for offset, (student_no, klass, seat, r) in enumerate(placed):
                record = [student_no, r[2], r[3], r[4], "1", r[5], r[6], year, r[0], r[1], klass, seat, year, r[0],
                          r[1], klass, "active", on, None]
                if r[7] is None and r[8] is None and r[9] is None:
                    record_hash = sha256(_ENCODE(["record/1", *record]).encode()).hexdigest()
                else:
                    record_hash = sha256(_ENCODE(["record/2", *record, r[7], r[8], r[9]]).encode()).hexdigest()
                event_id = first_event + offset
                event = [event_id, student_no, "enroll", None, on, recorded, operator, None, None, None, "active",
                         None, operator, operator, None, record_hash]
                digest = sha256(_ENCODE(["event/2", *event, account, prev]).encode()).hexdigest()
                yield (event_id, first_id + offset, "enroll", None, on, recorded, operator, None, None, None,
                       "active", None, operator, operator, None, record_hash, account, prev, digest)
                prev = digest

        conn.executemany(
            "INSERT INTO events (id, student_id, kind, jyt_code, effective_date, recorded_at, operator, reason, "
            "doc_no, status_before, status_after, detail, submitted_by, approved_by, request_id, record_hash, "
            "account, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", events())
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.close()
    return len(placed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The floor for `xueji enroll --file`: the same checks and writes in "
                                                 "lean Python (benchmarks/bench_roster.py times it).")
    parser.add_argument("--db", type=Path, required=True, help="a registry created by `xueji init`")
    parser.add_argument("--file", type=Path, required=True, help="the roster (CSV)")
    parser.add_argument("--year", type=int, required=True, help="enrollment year")
    parser.add_argument("--class-size", type=int, required=True, help="classes of at most N (1–99)")
    parser.add_argument("--config", type=Path, help="configuration with the code table (default: beside --db)")
    parser.add_argument("--encoding", help="encoding of the CSV (default: detected as xueji does)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    gc.disable()  # as xueji pauses the cyclic collector during a batch (xueji/_gc.py): the floor gains as much
    try:
        count = enroll(args.db, args.file, args.class_size, args.year, config=args.config, encoding=args.encoding)
    except Problems as error:
        print(f"{error}:", file=sys.stderr)
        for row, field, value, why in error.problems[:20]:
            print(f"  row {row} {field} {value!r}: {why}", file=sys.stderr)
        return 1
    print(f"{count} students enrolled in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
