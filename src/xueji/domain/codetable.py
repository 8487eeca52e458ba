"""The school's code table: colleges (學院) and their majors (專業), two-digit codes."""

from __future__ import annotations

from dataclasses import dataclass, field

from xueji.domain import validate as v
from xueji.domain.errors import N_, InvalidData, RuleViolation


def _key(value: str | None) -> str:
    """As typed, in NFKC; a one-digit code is the two-digit one (a spreadsheet drops the 0 of 01)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", value or "").strip()
    return "0" + text if len(text) == 1 and text.isdigit() else text


def _by_name(text: str, entries):
    """An entry whose name is ``text``, as written or folded to Simplified on both sides (OpenCC, only when the
    name does not match as written)."""
    if not text:
        return None
    entries = list(entries)
    for entry in entries:
        if entry.name == text:
            return entry
    from xueji.domain.national import simplified

    folded = simplified(text)
    for entry in entries:
        if simplified(entry.name) == folded:
            return entry
    return None


@dataclass(frozen=True)
class Major:
    code: str
    name: str
    national_code: str | None = None


@dataclass
class College:
    code: str
    name: str
    majors: dict[str, Major] = field(default_factory=dict)


@dataclass
class CodeTable:
    colleges: dict[str, College] = field(default_factory=dict)
    # Names already looked up (a roster names the same few colleges and majors on every row).
    _found: dict = field(default_factory=dict, compare=False, repr=False)

    def college(self, value: str | None) -> College:
        """A college by its code, or by its name in either script (文学院 finds 文學院)."""
        text = _key(value)
        if text in self.colleges:
            return self.colleges[text]
        found = self._found.get((None, text))
        if found is None:
            found = _by_name(text, self.colleges.values())
            if found is not None:
                self._found[(None, text)] = found
        if found is None:
            raise InvalidData.one("college", value, N_("Unknown college {value!r}: see `xueji codes`."), value=text)
        return found

    def major(self, college: College, value: str | None) -> Major:
        """A major of a college by its code, its name in either script, or its national catalogue code (050101)."""
        text = _key(value)
        if text in college.majors:
            return college.majors[text]
        found = self._found.get((college.code, text))
        if found is None:
            found = _by_name(text, college.majors.values())
            if found is not None:
                self._found[(college.code, text)] = found
        if found is None and len(text) >= 6:
            national = text.upper()
            found = next((m for m in college.majors.values() if m.national_code == national), None)
        if found is None:
            raise InvalidData.one(
                "major", value, N_("College {college} has no major {value!r}: see `xueji codes`."),
                college=college.code, value=text,
            )
        return found

    def add_college(self, code: str, name: str) -> College:
        code = v.two_digit_code(code, "college")
        name = v.label(name, "college_name", max_len=50)
        if code in self.colleges:
            raise RuleViolation(N_("College code {code} is already used by {name}."), code=code, name=self.colleges[code].name)
        if any(c.name == name for c in self.colleges.values()):
            raise RuleViolation(N_("A college named {name} already exists."), name=name)
        self.colleges[code] = College(code, name)
        self._found.clear()
        return self.colleges[code]

    def add_major(self, college_code: str, code: str, name: str, national_code: str | None = None) -> Major:
        college = self.college(v.two_digit_code(college_code, "college"))
        code = v.two_digit_code(code, "major")
        name = v.label(name, "major_name", max_len=50)
        national = v.national_code(national_code)
        if code in college.majors:
            raise RuleViolation(
                N_("Major code {code} of college {college} is already used by {name}."),
                code=code, college=college.code, name=college.majors[code].name,
            )
        if any(m.name == name for m in college.majors.values()):
            raise RuleViolation(N_("College {college} already has a major named {name}."), college=college.code, name=name)
        college.majors[code] = Major(code, name, national)
        self._found.clear()
        return college.majors[code]

    def merged(self, other: "CodeTable") -> "CodeTable":
        """This table with ``other``'s entries added; the same code defined twice is refused."""
        result = CodeTable({c: College(col.code, col.name, dict(col.majors)) for c, col in self.colleges.items()})
        for college in other.colleges.values():
            if college.code not in result.colleges:
                if any(c.name == college.name for c in result.colleges.values()):
                    raise RuleViolation(N_("A college named {name} already exists."), name=college.name)
                result.colleges[college.code] = College(college.code, college.name)
            elif result.colleges[college.code].name != college.name:
                raise RuleViolation(N_("College code {code} is defined twice with different names."), code=college.code)
            target = result.colleges[college.code]
            for major in college.majors.values():
                if major.code in target.majors:
                    raise RuleViolation(N_("Major code {code} of college {college} is defined twice."), code=major.code, college=college.code)
                if any(m.name == major.name for m in target.majors.values()):
                    raise RuleViolation(N_("College {college} already has a major named {name}."), college=college.code, name=major.name)
                target.majors[major.code] = major
        return result

    def rows(self) -> list[dict]:
        """One row per major (a college without majors gives one row), sorted by code."""
        rows = []
        for college in sorted(self.colleges.values(), key=lambda c: c.code):
            majors = sorted(college.majors.values(), key=lambda m: m.code) or [None]
            for major in majors:
                rows.append({
                    "college": college.code,
                    "college_name": college.name,
                    "major": major.code if major else None,
                    "major_name": major.name if major else None,
                    "national_code": major.national_code if major else None,
                })
        return rows
