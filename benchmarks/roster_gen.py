"""Realistic freshman rosters for benchmarks: as a module (`generate`, `write_csv`, `write_xlsx`, `write_real_csv`)
or a script.

    python benchmarks/roster_gen.py --rows 100000 --out roster.csv [--xlsx roster.xlsx] [--seed 1]
    python benchmarks/roster_gen.py --rows 100000 --out real.csv --real [--year 2025] [--seed 1]

Every row is one that `xueji enroll --file` must accept:

- names in Traditional characters, surnames drawn by their real frequency (the ~100 most common, plus compound
  surnames such as 歐陽 司馬 and surnames with a reading of their own such as 曾 單 區 仇 解 查 樂 朴), given names of
  one or two characters chosen by gender;
- genders (性別 男/女) and birth dates from 2005 to 2008;
- GB 11643 resident ID numbers, all different: a real county code, the birth date, a three-digit order code (odd
  for men, even for women) and the ISO 7064 MOD 11-2 check character;
- 14-digit exam numbers (考生號), all different;
- colleges and majors by code from the example code table (config.toml.example), spread evenly so that no class
  holds more than 99 students (classes 01–99, about 60 a class when the roster is small enough for that; the
  example table has 14 majors, so 100 000 rows need ~72 a class);
- Chinese headers 姓名,性別,出生日期,身份證號,學院,專業,班級,考生號; rows shuffled (a roster is not in seat order).

CSV is written as Excel saves it: UTF-8 with a BOM, CRLF line ends. XLSX (openpyxl) keeps the ID and exam numbers
as text cells (format "@") and the birth date as a real date cell, as a clerk's workbook would.

``--real`` (``write_real_csv``) writes the file as a mainland admissions office exports it instead (the shape of
tests/rosters.py ``admissions()``): GBK, CRLF, a title row above the header
序号,考生号,姓名,性别,出生日期,身份证号,民族,政治面貌,生源地,录取院系,录取专业,科类,总分,班级,备注; names in
Simplified characters; college and major by their Simplified NAME (文学院 / 汉语言文学, which xueji matches to the
example table's 文學院 / 漢語言文學 through OpenCC); the class column left blank (xueji needs ``--class-size N``);
birth dates as 2007/4/16, 20061201 or 2007年1月1日; ID numbers as '1101…, ="1101…" or bare; ethnicity, political
status and place of origin (province name, short name or county code) as admissions offices write them; score,
subject group and remarks as extra columns xueji ignores. Its people come from other counties
(``REAL_COUNTIES``) than those of the registries bench_query.py / bench_reports.py build, so a real roster can be
enrolled into such a registry without meeting anyone already in it.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

HEADERS = ("姓名", "性別", "出生日期", "身份證號", "學院", "專業", "班級", "考生號")
FIELDS = ("name", "gender", "birth_date", "id_number", "college", "major", "class", "exam_no")

# Surname → approximate share of the population in per mille (census-style figures, Traditional characters).
SURNAMES: dict[str, float] = {
    "王": 71.2, "李": 70.0, "張": 67.4, "劉": 53.8, "陳": 45.3, "楊": 30.8, "黃": 22.3, "趙": 21.5, "吳": 20.5,
    "周": 18.9, "徐": 13.4, "孫": 12.8, "馬": 11.8, "朱": 11.5, "胡": 11.4, "郭": 10.5, "何": 10.2, "林": 9.7,
    "高": 8.8, "羅": 8.6, "鄭": 8.4, "梁": 8.2, "謝": 7.4, "宋": 6.8, "唐": 6.6, "許": 6.0, "韓": 5.8, "馮": 5.6,
    "鄧": 5.6, "曹": 5.3, "彭": 5.2, "曾": 5.0, "蕭": 4.9, "田": 4.8, "董": 4.6, "袁": 4.5, "潘": 4.3, "于": 4.2,
    "蔣": 4.2, "蔡": 4.1, "余": 4.1, "杜": 3.9, "葉": 3.8, "程": 3.8, "蘇": 3.6, "魏": 3.6, "呂": 3.5, "丁": 3.5,
    "任": 3.3, "沈": 3.2, "姚": 3.1, "盧": 3.1, "姜": 3.0, "崔": 3.0, "鍾": 2.9, "譚": 2.8, "陸": 2.8, "汪": 2.7,
    "范": 2.7, "金": 2.6, "石": 2.6, "廖": 2.5, "賈": 2.4, "夏": 2.4, "韋": 2.3, "傅": 2.3, "方": 2.2, "白": 2.2,
    "鄒": 2.1, "孟": 2.1, "熊": 2.1, "秦": 2.0, "邱": 2.0, "江": 2.0, "尹": 1.9, "薛": 1.9, "閻": 1.8, "段": 1.8,
    "雷": 1.8, "侯": 1.7, "龍": 1.7, "史": 1.7, "陶": 1.6, "黎": 1.6, "賀": 1.6, "顧": 1.6, "毛": 1.5, "郝": 1.5,
    "龔": 1.5, "邵": 1.5, "萬": 1.4, "錢": 1.4, "嚴": 1.4, "覃": 1.4, "武": 1.3, "戴": 1.3, "莫": 1.3, "孔": 1.2,
    "向": 1.2, "湯": 1.2, "華": 0.9, "葛": 0.8, "繆": 0.3,
    # Surnames read differently from the character's everyday reading.
    "單": 0.3, "解": 0.3, "仇": 0.2, "查": 0.2, "樂": 0.2, "朴": 0.2, "區": 0.1, "蓋": 0.1,
    # Compound surnames.
    "歐陽": 0.4, "司馬": 0.1, "上官": 0.1, "諸葛": 0.05, "司徒": 0.05, "皇甫": 0.03, "東方": 0.03, "尉遲": 0.02,
    "令狐": 0.02, "慕容": 0.02, "夏侯": 0.02, "公孫": 0.02,
}

GIVEN_MALE = (
    "偉強磊軍洋勇傑濤明超輝鵬浩宇軒晨博文昊然睿澤俊凱天翔辰皓嘉豪銘逸瑞航志建家宏鑫昱哲梓宸煜承彥恒"
    "子一程奕宏錦楷霖毅安東峰康帥林斌鋒波旭陽榮誠飛雲龍翰卓遠"
)
GIVEN_FEMALE = (
    "芳娜敏靜麗艷婷雪慧穎琳欣怡萱涵雨佳悅思詩夢瑤琪晗婉嘉曉彤可馨語桐若妍蕊韻菲靈璐潔雅倩"
    "子一依沐梓雯蓉瑾紫晴琳月心玥曼薇柔穎璇慧凝嫣"
)
SINGLE_GIVEN_SHARE = 0.2  # one-character given names

# Real six-digit county codes (each exists in the national division list) and their weight.
COUNTIES: dict[str, float] = {
    "110105": 3, "110108": 3, "310104": 3, "440106": 3, "440305": 2, "510107": 3, "330106": 2, "420111": 2,
    "370102": 2, "320102": 2, "500103": 2, "610113": 2, "210102": 1, "350203": 1,
}

# Real county codes of the admissions-format rosters: none of them is one of COUNTIES above or of the counties of
# the registries that bench_query.py / bench_reports.py build, so their ID numbers never meet those registries'.
REAL_COUNTIES: dict[str, float] = {
    "130102": 2, "140105": 2, "150102": 1, "220102": 1, "230103": 2, "340104": 3, "360102": 2, "450103": 2,
    "460105": 1, "520102": 2, "530102": 2, "620102": 1, "640104": 1, "650102": 1, "120101": 2, "440304": 3,
    "320583": 2, "330203": 2,
}

# Birth years of a 2025 cohort and their weight.
BIRTH_YEARS = {2005: 8, 2006: 35, 2007: 47, 2008: 10}

CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"

TARGET_CLASS = 60
MAX_CLASS = 99
MAX_CLASSES = 99

EXAMPLE_CONFIG = Path(__file__).resolve().parent.parent / "src" / "xueji" / "data" / "config.toml.example"


# --- the admissions office's format (--real) ---------------------------------------------------------------------

REAL_HEADERS = ("序号", "考生号", "姓名", "性别", "出生日期", "身份证号", "民族", "政治面貌", "生源地", "录取院系", "录取专业",
                "科类", "总分", "班级", "备注")
REAL_TITLE = "{year}年普通本科招生录取名单（第一批）"
# Traditional → Simplified for every character of the name pools above that differs (OpenCC t2s, fixed here so
# that the generator needs no OpenCC).
_NAME_T2S = str.maketrans(
    "偉傑凱劉區吳呂單嚴夢孫帥張強彥悅曉東楊榮樂歐湯潔澤濤瑤盧穎繆羅艷華萬葉蓋蔣蕭蘇許詩語誠諸謝譚賀賈趙軍軒輝遠遲鄒鄧鄭"
    "銘鋒錢錦鍾閻陳陸陽雲靈靜韋韓韻顧飛馬馮鵬麗黃龍龔",
    "伟杰凯刘区吴吕单严梦孙帅张强彦悦晓东杨荣乐欧汤洁泽涛瑶卢颖缪罗艳华万叶盖蒋萧苏许诗语诚诸谢谭贺贾赵军轩辉远迟邹邓郑"
    "铭锋钱锦钟阎陈陆阳云灵静韦韩韵顾飞马冯鹏丽黄龙龚",
)
# The example code table's names in Simplified characters (its own are Traditional), by code.
REAL_COLLEGES = {"01": "文学院", "02": "理学院", "03": "工学院", "04": "经济管理学院", "05": "外国语学院"}
REAL_MAJORS = {
    ("01", "01"): "汉语言文学", ("01", "02"): "汉语国际教育", ("01", "03"): "历史学",
    ("02", "01"): "物理学", ("02", "02"): "数学与应用数学", ("02", "03"): "化学",
    ("03", "01"): "计算机科学与技术", ("03", "02"): "软件工程", ("03", "03"): "数据科学与大数据技术",
    ("04", "01"): "经济学", ("04", "02"): "会计学", ("04", "03"): "工商管理",
    ("05", "01"): "英语", ("05", "02"): "日语",
}
# Province (first two digits of a county code) → full and short Simplified name, for the place of origin.
PROVINCE_NAMES = {
    "12": ("天津市", "天津"), "13": ("河北省", "河北"), "14": ("山西省", "山西"), "15": ("内蒙古自治区", "内蒙古"),
    "22": ("吉林省", "吉林"), "23": ("黑龙江省", "黑龙江"), "32": ("江苏省", "江苏"), "33": ("浙江省", "浙江"),
    "34": ("安徽省", "安徽"), "36": ("江西省", "江西"), "44": ("广东省", "广东"), "45": ("广西壮族自治区", "广西"),
    "46": ("海南省", "海南"), "52": ("贵州省", "贵州"), "53": ("云南省", "云南"), "62": ("甘肃省", "甘肃"),
    "64": ("宁夏回族自治区", "宁夏"), "65": ("新疆维吾尔自治区", "新疆"),
}
# Ethnicity as written (汉族 and the larger minorities, now and then without 族) and its weight.
ETHNICITY_WRITTEN = {
    "汉族": 900, "汉": 10, "壮族": 14, "壮": 2, "回族": 8, "满族": 8, "维吾尔族": 8, "苗族": 7, "彝族": 7, "土家族": 7,
    "藏族": 5, "蒙古族": 4, "侗族": 2, "布依族": 2, "瑶族": 2, "白族": 2, "朝鲜族": 1, "哈尼族": 1, "黎族": 1,
    "哈萨克族": 1, "傣族": 1,
}
POLITICAL_WRITTEN = {"共青团员": 760, "团员": 20, "群众": 180, "中共预备党员": 25, "中共党员": 10, "预备党员": 5}
SUBJECT_GROUPS = {"物理类": 55, "历史类": 30, "理工": 10, "文史": 5}
REMARKS = {"": 90, "国家专项计划": 5, "高校专项计划": 2, "地方专项计划": 2, "中外合作办学": 1}
DATE_FORMS = (lambda d: f"{d.year}/{d.month}/{d.day}", lambda d: d.strftime("%Y%m%d"),
              lambda d: f"{d.year}年{d.month}月{d.day}日")
ID_WRAPPERS = (lambda i: "'" + i, lambda i: f'="{i}"', lambda i: i)


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits of a GB 11643 number."""
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, CHECK_WEIGHTS)) % 11]


def example_majors(config: Path | None = None) -> list[tuple[str, str]]:
    """(college code, major code) of every major in a code table (default: the packaged example), in code order."""
    if config is None and not EXAMPLE_CONFIG.is_file():  # xueji installed without its source tree
        from importlib.resources import files

        table = tomllib.loads(files("xueji").joinpath("data/config.toml.example").read_text(encoding="utf-8"))
    else:
        with open(config or EXAMPLE_CONFIG, "rb") as handle:
            table = tomllib.load(handle)
    return sorted((college, major) for college, entry in table.get("colleges", {}).items()
                  for major in entry.get("majors", {}))


def class_size_for(rows: list[dict[str, str]], at_least: int = TARGET_CLASS) -> int:
    """The smallest --class-size (at least ``at_least``) that forms every major of ``rows`` into ≤ 99 classes."""
    per_major: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["college"], row["major"])
        per_major[key] = per_major.get(key, 0) + 1
    return max(at_least, -(-max(per_major.values()) // MAX_CLASSES))


def _classes(rows: int, majors: list[tuple[str, str]], rng: random.Random) -> list[tuple[str, str, str]]:
    """One (college, major, class) per row: majors as even as possible, each split into even classes ≤ 99."""
    if rows > len(majors) * MAX_CLASSES * MAX_CLASS:
        raise ValueError(f"{rows} rows do not fit {len(majors)} majors of {MAX_CLASSES} classes of {MAX_CLASS}")
    base, extra = divmod(rows, len(majors))
    bigger = set(rng.sample(range(len(majors)), extra))
    placements: list[tuple[str, str, str]] = []
    for index, (college, major) in enumerate(majors):
        count = base + (index in bigger)
        if not count:
            continue
        classes = min(MAX_CLASSES, -(-count // TARGET_CLASS))
        size, more = divmod(count, classes)
        for klass in range(1, classes + 1):
            placements.extend([(college, major, f"{klass:02d}")] * (size + (klass <= more)))
    return placements


def generate(rows: int, seed: int = 1, majors: list[tuple[str, str]] | None = None,
             counties: dict[str, float] | None = None) -> list[dict[str, str]]:
    """``rows`` valid, distinct roster rows (field → text), shuffled, reproducible from ``seed``; ID numbers from
    ``counties`` (code → weight; default ``COUNTIES``)."""
    rng = random.Random(seed)
    majors = majors or example_majors()
    surnames, surname_weights = list(SURNAMES), list(SURNAMES.values())
    counties, county_weights = list(counties or COUNTIES), list((counties or COUNTIES).values())
    years, year_weights = list(BIRTH_YEARS), list(BIRTH_YEARS.values())
    placements = _classes(rows, majors, rng)
    rng.shuffle(placements)
    exam_tails = rng.sample(range(10**8), rows)
    first17s: set[str] = set()
    out: list[dict[str, str]] = []
    for i, (college, major, klass) in enumerate(placements):
        male = rng.random() < 0.52
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        given = rng.choice(pool) if rng.random() < SINGLE_GIVEN_SHARE else rng.choice(pool) + rng.choice(pool)
        name = rng.choices(surnames, surname_weights)[0] + given
        year = rng.choices(years, year_weights)[0]
        born = date(year, 1, 1) + timedelta(days=rng.randrange((date(year + 1, 1, 1) - date(year, 1, 1)).days))
        county = rng.choices(counties, county_weights)[0]
        while True:  # order codes 001–999: odd for men, even (never 000) for women
            order = rng.randrange(0, 500) * 2 + 1 if male else rng.randrange(1, 500) * 2
            first17 = f"{county}{born:%Y%m%d}{order:03d}"
            if first17 not in first17s:
                first17s.add(first17)
                break
        out.append({
            "name": name,
            "gender": "男" if male else "女",
            "birth_date": born.isoformat(),
            "id_number": first17 + check_character(first17),
            "college": college,
            "major": major,
            "class": klass,
            # 考生號: year, province and city of the exam place, then a serial number.
            "exam_no": f"25{county[:4]}{exam_tails[i]:08d}",
        })
    return out


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """CSV as Excel saves it ("CSV UTF-8"): BOM, CRLF, Chinese headers."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows([row[f] for f in FIELDS] for row in rows)
    return Path(path)


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    """XLSX with the ID and exam numbers as text cells and the birth date as a date cell."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("新生名單")
    sheet.append(list(HEADERS))
    for row in rows:
        cells = []
        for f in FIELDS:
            if f == "birth_date":
                cell = WriteOnlyCell(sheet, value=date.fromisoformat(row[f]))
                cell.number_format = "yyyy-mm-dd"
            elif f in ("id_number", "exam_no", "college", "major", "class"):
                cell = WriteOnlyCell(sheet, value=row[f])
                cell.number_format = "@"
            else:
                cell = row[f]
            cells.append(cell)
        sheet.append(cells)
    workbook.save(path)
    return Path(path)


def generate_real(rows: int, seed: int = 1) -> list[dict[str, str]]:
    """Rows for ``write_real_csv``: ``generate`` with the people drawn from ``REAL_COUNTIES``."""
    return generate(rows, seed, counties=REAL_COUNTIES)


def real_rows(rows: list[dict[str, str]], seed: int = 1) -> list[list[str]]:
    """The rows as the admissions office's file has them (after the title and header rows), reproducible from seed."""
    rng = random.Random(seed * 7919 + 17)
    pick = lambda table: rng.choices(list(table), list(table.values()), k=len(rows))  # noqa: E731
    ethnicities, politicals, groups, remarks = pick(ETHNICITY_WRITTEN), pick(POLITICAL_WRITTEN), pick(
        SUBJECT_GROUPS), pick(REMARKS)
    out = []
    for i, row in enumerate(rows):
        born = date.fromisoformat(row["birth_date"])
        county = row["id_number"][:6]
        roll = rng.random()  # place of origin: province name, short name or the county's code
        origin = PROVINCE_NAMES[county[:2]][0] if roll < 0.6 else PROVINCE_NAMES[county[:2]][1] if roll < 0.8 else county
        out.append([
            str(i + 1), row["exam_no"], row["name"].translate(_NAME_T2S), row["gender"],
            DATE_FORMS[rng.randrange(3)](born), ID_WRAPPERS[rng.randrange(3)](row["id_number"]), ethnicities[i],
            politicals[i], origin, REAL_COLLEGES[row["college"]], REAL_MAJORS[(row["college"], row["major"])],
            groups[i], str(rng.randint(480, 690)), "", remarks[i],
        ])
    return out


def write_real_csv(path: Path, rows: list[dict[str, str]], year: int = 2025, seed: int = 1) -> Path:
    """The admissions office's CSV: GBK, CRLF, a title row, Simplified headers and names, a blank class column."""
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([REAL_TITLE.format(year=year)] + [""] * (len(REAL_HEADERS) - 1))
    writer.writerow(REAL_HEADERS)
    writer.writerows(real_rows(rows, seed))
    Path(path).write_bytes(buffer.getvalue().encode("gbk"))
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a realistic freshman roster (CSV with BOM, optional XLSX; "
                                                 "or, with --real, the admissions office's GBK CSV).")
    parser.add_argument("--rows", type=int, default=100_000, help="number of students (default 100000)")
    parser.add_argument("--out", type=Path, required=True, help="CSV file to write")
    parser.add_argument("--xlsx", type=Path, help="also write this XLSX file")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--real", action="store_true",
                        help="write the admissions office's format (GBK, title row, Simplified names, blank class)")
    parser.add_argument("--year", type=int, default=2025, help="year in the --real title row (default 2025)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    if args.real and args.xlsx:
        parser.error("--xlsx is written in the plain format only")
    try:
        rows = generate_real(args.rows, args.seed) if args.real else generate(args.rows, args.seed)
    except ValueError as error:
        parser.error(str(error))
    if args.real:
        write_real_csv(args.out, rows, args.year, args.seed)
        print(f"{len(rows)} rows → {args.out} (admissions format, GBK; enroll with --class-size "
              f"{class_size_for(rows)} or more)", file=sys.stderr)
        return 0
    write_csv(args.out, rows)
    if args.xlsx:
        write_xlsx(args.xlsx, rows)
    print(f"{len(rows)} rows → {args.out}" + (f", {args.xlsx}" if args.xlsx else ""), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
