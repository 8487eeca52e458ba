"""Validators for every field (DOMAIN.md §4). Options and batch rows go through the same functions.

Each validator takes the raw text as typed and returns the normalised value, or raises
``InvalidData`` naming the field, the value and the reason.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from xueji.domain.errors import N_, InvalidData, Msgid

GENDERS = {"1": Msgid(N_("Male")), "2": Msgid(N_("Female")), "0": Msgid(N_("Unknown")), "9": Msgid(N_("Unspecified"))}
_GENDER_ALIASES = {
    "1": "1", "男": "1", "m": "1", "male": "1",
    "2": "2", "女": "2", "f": "2", "female": "2",
    "0": "0", "未知": "0", "unknown": "0",
    "9": "9", "未說明": "9", "未说明": "9", "unspecified": "9",
}

ID_TYPES = {
    "1": Msgid(N_("Resident identity card")),
    "6": Msgid(N_("Hong Kong passport or identity proof")),
    "7": Msgid(N_("Macao passport or identity proof")),
    "8": Msgid(N_("Mainland travel permit for Taiwan residents")),
    "9": Msgid(N_("Foreign permanent residence card")),
    "A": Msgid(N_("Passport")),
    "Z": Msgid(N_("Other")),
}

MIN_AGE, MAX_AGE = 12, 80
MIN_YEAR, MAX_YEAR = 1900, 2100
NAME_MAX = 50
TEXT_MAX = 200
_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "･": "·", "∙": "·", "⋅": "·", "．": "·", "●": "·"})


def middle_dots(text: str) -> str:
    """The dots people type between the parts of a minority name (•, ・, ‧ …) as the one middle dot (·)."""
    return text.translate(_DOTS)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# The forms a clerk or a spreadsheet writes: 2005-06-01, 2005-6-1, 2005/6/1, 2005.6.1, 20050601, 2005年6月1日 —
# in one pattern, so a date is matched once whatever its form.
_TIME = r"(?:[\sT]+0{1,2}:00(?::00)?)?"  # the midnight a spreadsheet appends to a date cell: 2005/6/1 0:00
_DATE = re.compile(
    r"^(?:(\d{4})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})" + _TIME
    + r"|(\d{4})(\d{2})(\d{2})"
    + r"|(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?)$")
DATE_FORMS_TEXT = "2005-06-01, 2005/6/1, 2005.6.1, 20050601, 2005年6月1日"
_OTHER_ID = re.compile(r"^[A-Z0-9()\-]{4,30}$")
_SPACES = re.compile(r"\s+")
# A space between two Han characters (or the middle dot). Compiled on first need: compiling it costs ~3 ms, more than
# the rest of this module, and start-up pays for every import (a name without a space never needs it).
_CJK_GAP = r"(?<=[\u3400-\u9fff\uf900-\ufaff·]) (?=[\u3400-\u9fff\uf900-\ufaff·])"
_ID_SEPARATORS = re.compile(r"[\s\-]")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?E\+\d+")
_RESIDENT_ID = re.compile(r"\d{17}[\dX]")
_EXAM_NO = re.compile(r"\d{14}")
_YEAR = re.compile(r"\d{4}")
_TWO_DIGITS = re.compile(r"\d{2}")
_CLASS = re.compile(r"\d{1,2}")


def _bad(field: str, raw: object, message: str, /, **params) -> InvalidData:
    return InvalidData.one(field, raw, message, **params)


def name(value: str | None) -> str:
    """Letters of any script, the middle dot of minority names (·) and, for transliterated names, single spaces and
    hyphens. A character lost to a file's encoding (? or �) is named as such."""
    text = unicodedata.normalize("NFC", (value or "")).strip().translate(_DOTS)
    if text.isalpha():  # letters only, the common case: nothing below could refuse or change it
        if len(text) > NAME_MAX:
            raise _bad("name", value, N_("The name is longer than {max} characters."), max=NAME_MAX)
        return text
    text = "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text)  # 张　三: a full-width space
    for ch in text:  # before spaces are folded, so a tab or a line break inside a name is refused
        category = unicodedata.category(ch)
        if ch in "?？\ufffd":
            raise _bad("name", value, N_("The name holds {char}: the file's encoding lost a character. Save the file "
                                         "as UTF-8 (in Excel: Save As, CSV UTF-8) and try again."), char=ch)
        if category == "Nd" or ch.isdigit():
            raise _bad("name", value, N_("A name cannot contain digits."))
        if category == "Co":
            raise _bad("name", value, N_("The name holds a private-use character: the file may be in Big5; try "
                                         "--encoding big5."))
        if category in ("Cc", "Cf", "Cs", "Cn"):
            raise _bad("name", value, N_("The name contains a control or invalid character."))
        if not (category[0] in "LM" or ch in "· -"):
            raise _bad("name", value, N_("A name holds letters, the middle dot (·) and, in transliterated names, "
                                         "spaces and hyphens; {char!r} is none of these."), char=ch)
    text = _SPACES.sub(" ", text)
    if " " in text:  # 张 三 (padded to line up) is 张三; Anna Müller keeps hers
        text = re.sub(_CJK_GAP, "", text)
    if not text:
        raise _bad("name", value, N_("The name is empty."))
    if not any(unicodedata.category(ch)[0] == "L" for ch in text):
        raise _bad("name", value, N_("A name needs at least one letter."))
    if len(text) > NAME_MAX:
        raise _bad("name", value, N_("The name is longer than {max} characters."), max=NAME_MAX)
    return text


def gender(value: str | None) -> str:
    key = (value or "").strip().lower()
    if key not in _GENDER_ALIASES:
        raise _bad("gender", value, N_("Unknown gender {value!r}: use 男/女, M/F or 1/2 (0 unknown, 9 unspecified)."), value=value or "")
    return _GENDER_ALIASES[key]


def iso_date(value: str | None, field: str = "date") -> date:
    """A date in any of the forms clerks and spreadsheets write (``DATE_FORMS_TEXT``), full-width digits included."""
    text = (value or "").strip()
    if not text.isascii():  # full-width digits, 年月日: folded; an ASCII date (the common case) needs no folding
        text = unicodedata.normalize("NFKC", text).strip()
    match = _DATE.match(text)
    if match is None:
        raise _bad(field, value, N_("{value!r} is not a date: write it as one of {forms}."), value=text,
                   forms=DATE_FORMS_TEXT)
    g = match.groups()
    year, month, day = (g[0], g[2], g[3]) if g[0] else (g[4], g[5], g[6]) if g[4] else (g[7], g[8], g[9])
    year, month, day = int(year), int(month), int(day)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _bad(field, value, N_("The year in {value} is out of range ({min}–{max})."), value=text, min=MIN_YEAR, max=MAX_YEAR)
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad(field, value, N_("{value} is not a real calendar date."), value=text) from None


def effective_date(value: str | None, today: date) -> date:
    """The day a change takes effect: any past day the registry can hold, or up to a year ahead (a decision recorded
    before the term it concerns); further ahead is a typing mistake."""
    on = iso_date(value, "date")
    if on > today + timedelta(days=366):
        raise _bad("date", value, N_("{value} is more than a year from today ({today}): check the year."),
                   value=on.isoformat(), today=today.isoformat())
    return on


def birth_date(value: str | None, on: date) -> date:
    born = iso_date(value, "birth_date")
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if not MIN_AGE <= age <= MAX_AGE:
        raise _bad(
            "birth_date", value,
            N_("A student born on {born} would be {age} at enrollment; expected {min} to {max}."),
            born=born.isoformat(), age=age, min=MIN_AGE, max=MAX_AGE,
        )
    return born


def id_type(value: str | None) -> str:
    key = (value or "1").strip().upper() or "1"
    if key not in ID_TYPES:
        raise _bad("id_type", value, N_("Unknown ID document type {value!r}: use 1, 6, 7, 8, 9, A or Z."), value=value or "")
    return key


_DIGIT_BIAS = 48 * sum(_WEIGHTS)  # the weighted sum of the digits' ASCII codes is this much above the digits'


def check_character(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2) of 17 ASCII digits (the bytes are the digits' codes: no int()
    per digit, a roster computes 100 000 of these)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"not 17 digits: {first17!r}")
    return _CHECK[(sum(map(operator.mul, first17.encode("ascii"), _WEIGHTS)) - _DIGIT_BIAS) % 11]


@lru_cache(maxsize=None)
def county_exists(code: str) -> bool:
    """Whether a six-digit division code exists or ever existed (any year: late registration is legal)."""
    from stdnum import numdb  # the division table is loaded only when an ID number is checked

    # The province part of a code always has data; a real county has a "county" entry of its own.
    return any("county" in props for _, props in numdb.get("cn/loc").info(code))


_EXCEL_TEXT = re.compile(r'^="(.*)"$')


def identifier(value: str | None) -> str:
    """An ID, exam or student number as a spreadsheet or a clerk writes it: full-width digits, surrounding spaces,
    a leading ' or the ="…" wrapper that keep it as text, inner spaces and hyphens — all taken away."""
    text = value or ""
    if text.isdigit() and text.isascii():  # already bare digits, the common case: nothing to take away
        return text
    if not text.isascii():  # full-width digits and the like; ASCII (the common case) needs no folding
        text = unicodedata.normalize("NFKC", text)
    text = text.strip()
    if text[:2] == '="':
        wrapped = _EXCEL_TEXT.match(text)
        if wrapped:
            text = wrapped.group(1).strip()
    if text.startswith("'"):
        text = text[1:]
    return _ID_SEPARATORS.sub("", text)


def id_number(value: str | None, kind: str = "1", born: date | None = None, sex: str | None = None) -> str:
    """An ID number; for resident cards (type 1) the full GB 11643 rule."""
    text = identifier(value).upper()
    if not text:
        raise _bad("id_number", value, N_("The ID number is empty."))
    if kind != "1":
        if not _OTHER_ID.match(text):
            raise _bad("id_number", value, N_("An ID document number has 4–30 letters or digits."))
        return text
    if _SCIENTIFIC.fullmatch(text):
        raise _bad(
            "id_number", value,
            N_("{value} is an ID number that a spreadsheet stored as a number and has lost digits: format the column as text and type it again."),
            value=value,
        )
    if not _RESIDENT_ID.fullmatch(text) or not text.isascii():
        raise _bad("id_number", value, N_("A resident ID number has 17 digits and a check character (digit or X)."))
    if check_character(text[:17]) != text[17]:
        if text.endswith("000"):  # Excel keeps 15 digits of a number: the last three came back as zeros
            raise _bad(
                "id_number", value,
                N_("{value} is an ID number that a spreadsheet stored as a number and has lost digits: format the column as text and type it again."),
                value=value,
            )
        raise _bad("id_number", value, N_("The check character of this ID number is wrong: it should be {expected}."), expected=check_character(text[:17]))
    try:
        embedded = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise _bad("id_number", value, N_("Digits 7–14 of this ID number are not a real date.")) from None
    if born is not None and embedded != born:
        raise _bad("id_number", value, N_("The ID number says born {embedded}, but the birth date given is {born}."),
                   embedded=embedded.isoformat(), born=born.isoformat())
    if sex in ("1", "2") and int(text[16]) % 2 != (1 if sex == "1" else 0):
        raise _bad("id_number", value, N_("The 17th digit of this ID number does not match the gender (odd for men, even for women)."))
    if not county_exists(text[:6]):
        raise _bad("id_number", value, N_("The first six digits {code} are not a county code of the national division list."), code=text[:6])
    return text


def birth_from_id(value: str | None) -> str | None:
    """The birth date held in an 18-digit resident ID number (digits 7–14), or None if it holds no real date."""
    text = identifier(value).upper()
    if not _RESIDENT_ID.fullmatch(text) or not text.isascii():
        return None
    try:
        return date(int(text[6:10]), int(text[10:12]), int(text[12:14])).isoformat()
    except ValueError:
        return None


def exam_no(value: str | None) -> str | None:
    text = identifier(value).upper()
    if len(text) == 14 and text.isdigit() and text.isascii():  # the common case
        return text
    if not text:
        return None
    if _SCIENTIFIC.fullmatch(text):
        raise _bad(
            "exam_no", value,
            N_("{value} is an exam number that a spreadsheet stored as a number and has lost digits: format the column as text and type it again."),
            value=value,
        )
    if not _EXAM_NO.fullmatch(text) or not text.isascii():
        raise _bad("exam_no", value, N_("An exam number has 14 digits."))
    return text


def year(value: str | int | None, today: date) -> int:
    text = str(value if value is not None else "").strip()
    if not _YEAR.fullmatch(text) or not text.isascii() or not MIN_YEAR <= int(text) <= today.year + 1:
        raise _bad("year", value, N_("{value!r} is not an enrollment year (four digits, {min} to {max})."),
                   value=text, min=MIN_YEAR, max=today.year + 1)
    return int(text)


def two_digit_code(value: str | None, field: str) -> str:
    """A code of exactly two digits, 01–99 (college, major)."""
    text = (value or "").strip()
    if not _TWO_DIGITS.fullmatch(text) or not text.isascii() or text == "00":
        raise _bad(field, value, N_("{value!r} is not a code: codes are two digits, 01 to 99."), value=text)
    return text


def class_code(value: str | None) -> str:
    """A class number 1–99, written as two digits."""
    text = (value or "").strip()
    if not _CLASS.fullmatch(text) or not text.isascii() or int(text) == 0:
        raise _bad("class", value, N_("{value!r} is not a class: classes are numbered 01 to 99."), value=text)
    return f"{int(text):02d}"


def national_code(value: str | None) -> str | None:
    """A national catalogue code (GB/T 普通高等學校本科專業目錄): six digits, T or K for special majors."""
    text = (value or "").strip().upper()
    if not text:
        return None
    if not re.fullmatch(r"\d{6}[TK]?", text) or not text.isascii() or not 1 <= int(text[:2]) <= 14:
        raise _bad("national_code", value, N_("{value!r} is not a national major code (six digits, discipline 01–14, then T or K for special majors)."), value=text)
    return text


def status(value: str | None):
    """A status as a clerk types it (code, JY/T code, or the word in either script), or refused with the choices."""
    from xueji.domain.status import status_choices, status_from_text

    found = status_from_text(value)
    if found is None:
        raise InvalidData.one("status", value, N_("Unknown status {value!r}: use one of {choices}."), value=value,
                              choices=status_choices())
    return found


def whole_number(value, field: str, message: str) -> int:
    """A number such as a request's or a grant's as typed (12, #12), within what the databases can number."""
    text = str(value or "").strip().lstrip("#")
    if not text.isdigit() or not text.isascii() or len(text) > 18:
        raise InvalidData.one(field, value, message)
    return int(text)


@lru_cache(maxsize=256)
def label(value: str | None, field: str, required: bool = True, max_len: int = TEXT_MAX) -> str | None:
    """Free text such as a reason, a school or a document number: trimmed, no control characters. (Remembered: a
    roster gives every row the same document number.)"""
    text = re.sub(r"\s+", " ", (value or "")).strip()
    if not text:
        if required:
            raise _bad(field, value, N_("The {field} is empty."), field=Msgid(FIELD_LABELS.get(field, field)))
        return None
    if len(text) > max_len:
        raise _bad(field, value, N_("The {field} is longer than {max} characters."), field=Msgid(FIELD_LABELS.get(field, field)), max=max_len)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs", "Cn") for ch in text):
        raise _bad(field, value, N_("The {field} contains a control or invalid character."), field=Msgid(FIELD_LABELS.get(field, field)))
    return text


def limit(value: str | None) -> int:
    text = (value or "").strip()
    if not re.fullmatch(r"\d{1,9}", text) or not text.isascii():
        raise _bad("limit", value, N_("The limit must be a whole number (0 for all)."))
    return int(text)


FIELD_LABELS = {
    "student_no": N_("student number"),
    "name": N_("name"),
    "gender": N_("gender"),
    "birth_date": N_("birth date"),
    "id_type": N_("ID document type"),
    "id_number": N_("ID number"),
    "exam_no": N_("exam number"),
    "year": N_("year"),
    "college": N_("college"),
    "major": N_("major"),
    "class": N_("class"),
    "date": N_("date"),
    "until": N_("end of suspension"),
    "reason": N_("reason"),
    "doc_no": N_("approval document number"),
    "from_school": N_("school transferred from"),
    "to_school": N_("school transferred to"),
    "national_code": N_("national code"),
    "school": N_("school name"),
    "limit": N_("limit"),
    "status": N_("status"),
    "outcome": N_("outcome"),
    "cause": N_("cause"),
    "order": N_("order"),
    "by": N_("grouping"),
    "head": N_("head hash"),
    "kind": N_("event kind"),
    "certificate_kind": N_("certificate kind"),
    "valid_until": N_("last day of the grant"),
    "since": N_("from"),
    "fields": N_("fields"),
    "grant": N_("grant"),
    "code": N_("verification code"),
    "act_as": N_("acting for others"),
    "request": N_("request"),
    "purpose": N_("purpose"),
    "requester": N_("requester"),
    "proof": N_("proof of identity"),
    "operator": N_("operator"),
    "college_name": N_("college name"),
    "major_name": N_("major name"),
    "enroll_date": N_("enrollment date"),
    "status_since": N_("status date"),
    "suspended_until": N_("end of suspension"),
    "class_size": N_("class size"),
    "file": N_("file"),
    "encoding": N_("encoding"),
    "sheet": N_("sheet"),
    "map": N_("column mapping"),
    "ethnicity": N_("ethnicity"),
    "political": N_("political status"),
    "region": N_("place of origin"),
    "header_row": N_("header row"),
    "role": N_("role"),
}


class Collector:
    """Run several checks and report every problem at once: ``c = Collector(); x = c(lambda: ...); c.done()``."""

    def __init__(self):
        self.problems: list = []

    def __call__(self, check):
        try:
            return check()
        except InvalidData as error:
            self.problems.extend(error.problems)
            return None

    def fail(self, error: InvalidData) -> None:
        self.problems.extend(error.problems)

    def done(self) -> None:
        if self.problems:
            raise InvalidData(self.problems)
