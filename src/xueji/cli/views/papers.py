"""Certificates: the words of the paper in its language, the verdict on a code, the list of those issued."""

from __future__ import annotations

import json
import sys

from xueji.domain.codetable import CodeTable
from xueji.domain.errors import Msgid
from xueji.domain.status import Status
from xueji.domain.validate import GENDERS
from xueji.i18n import N_, _

from xueji.cli.views.core import say, _console, _table, local_time, _emit_data, message_text


def check_certificate_target(path, force: bool) -> None:
    from xueji.files import pdf, safe

    pdf.check_target(path)
    safe.check_new(path, force)


def _day(iso: str, language: str) -> str:
    """A date as a certificate writes it: 2026年12月3日 in Chinese, 3 December 2026 in English."""
    year, month, day = (int(part) for part in iso[:10].split("-"))
    if language.startswith("zh"):
        return f"{year}年{month}月{day}日"
    months = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
    return f"{day} {months[month - 1]} {year}"


def _names(codes: CodeTable | None, facts: dict, school: str, language: str) -> tuple[str, str, str]:
    """The school's, the college's and the major's names (the configuration's and the code table's), in the script
    of the certificate. The student's name is printed as registered: it is a legal name, not a label."""
    college = major = None
    if codes is not None and facts["college"] in codes.colleges:
        entry = codes.colleges[facts["college"]]
        college = entry.name
        major = entry.majors[facts["major"]].name if facts["major"] in entry.majors else None
    college, major = college or facts["college"], major or facts["major"]
    if language == "zh-Hans":
        from xueji.domain import national

        return national.simplified(school), national.simplified(college), national.simplified(major)
    return school, college, major


_BODY = {
    "enrollment": N_("This is to certify that {name} ({gender}, born {birth_date}), student number {student_no}, "
                     "is a student of {school}, {college}, major {major}, class {klass} of the {year} cohort, and is "
                     "studying here at present (status: {status})."),
    "record": N_("This is to certify that {name} ({gender}, born {birth_date}), student number {student_no}, holds a "
                 "student record at {school}: {college}, major {major}, class {klass} of the {year} cohort; status "
                 "{status} since {since}."),
}


def _text(issued, codes: CodeTable | None, school: str, language: str):
    from xueji.files.pdf import CertificateText
    from xueji.i18n import translator

    t = translator(language)
    facts = issued.facts
    school, college, major = _names(codes, facts, school, language)
    body = t(_BODY[issued.kind.value]).format(
        name=facts["name"], gender=t(GENDERS.get(facts["gender"], facts["gender"])),
        birth_date=_day(facts["birth_date"], language), student_no=facts["student_no"], school=school,
        college=college, major=major, klass=facts["class"], year=facts["year"],
        status=t(Status(facts["status"]).label), since=_day(facts["status_since"], language))
    lines = [t(N_("Serial number: {serial}")).format(serial=issued.serial),
             t(N_("Issued on the request of {requester}, who showed {proof}.")).format(
                 requester=issued.requester, proof=issued.proof)]
    signature = [t(N_("{school}, Academic Affairs Office")).format(school=school),
                 _day(issued.issued_at, language)]
    check = t(N_("Verification code {code}: check it with the academic affairs office of {school} "
                 "(xueji certificate verify {code}).")).format(code=issued.code, school=school)
    return CertificateText(language, t(issued.kind.label), body, lines, signature,
                           t(N_("Verification code: {code}")).format(code=issued.code), check,
                           qr=f"XUEJI-CERT {issued.code}")


def certificate_file(path, codes: CodeTable | None, school: str, force: bool):
    """How the certificate is laid out once issued (the service calls this inside its unit of work)."""
    def prepare(issued):
        from xueji.files import pdf

        text = _text(issued, codes, school, issued.lang)
        if issued.bilingual and issued.lang != "en":
            text.second = _text(issued, codes, school, "en")
        return pdf.certificate(path, text, force)

    return prepare


_FACT_LABELS = {"student_no": N_("Student number"), "name": N_("Name"), "gender": N_("Gender"),
                "birth_date": N_("Birth date"), "year": N_("Cohort"), "college": N_("College"), "major": N_("Major"),
                "class": N_("Class"), "status": N_("Status"), "status_since": N_("Since")}


def _fact(key: str, value) -> str:
    if value is None:
        return "—"
    if key == "status":
        return _(Status(value).label)
    if key == "gender":
        return _(GENDERS.get(value, value))
    return str(value)


def certificate_verdict(verdict, fmt: str) -> None:
    row = verdict.certificate
    if fmt != "table":
        record = {"code": verdict.code, "state": verdict.state,
                  "serial": row["id"] if row else None, "kind": row["kind"] if row else None,
                  "student_no": row["student_no"] if row else None, "issued_at": row["issued_at"] if row else None,
                  "changes": [{"fact": k, "printed": a, "now": b} for k, a, b in verdict.changes]}
        if fmt == "json":
            print(json.dumps(record, ensure_ascii=False, indent=2))
        else:
            _emit_data([record], ("code", "state", "serial", "kind", "student_no", "issued_at", "changes"), fmt)
        return
    if verdict.state == "unknown":
        print(message_text(N_("Error: no certificate with the code {code} was issued by this registry."),
                           {"code": verdict.code}), file=sys.stderr)
        return
    params = {"serial": row["id"], "code": verdict.code, "student_no": row["student_no"],
              "issued": local_time(row["issued_at"])}
    if verdict.state == "true":
        say(N_("Certificate {serial} ({code}) for {student_no}, issued {issued}, is genuine and still true."), **params)
        return
    print(message_text(N_("Certificate {serial} ({code}) for {student_no}, issued {issued}, is genuine, but the "
                          "record has changed since:"), params), file=sys.stderr)
    for key, printed, now in verdict.changes:
        print(message_text(N_("  {fact}: {printed} → {now}"),
                           {"fact": Msgid(_FACT_LABELS[key]), "printed": _fact(key, printed),
                            "now": _fact(key, now)}), file=sys.stderr)


def certificates_table(rows: list[dict], fmt: str) -> None:
    keys = ("id", "code", "kind", "student_no", "lang", "issued_at", "operator", "account", "requester", "proof",
            "purpose")
    if fmt != "table":
        _emit_data([{k: r[k] for k in keys} for r in rows], keys, fmt)
        return
    if not rows:
        say(N_("No certificates were issued for this selection."))
        return
    from xueji.domain.certificate import Kind

    headers = [_("Serial"), _("Code"), _("Kind"), _("Student number"), _("Issued"), _("Operator"), _("Requester"),
               _("Proof"), _("Purpose")]
    table = [[r["id"], r["code"], _(Kind(r["kind"]).label), r["student_no"], local_time(r["issued_at"]), r["operator"],
              r["requester"] or "", r["proof"] or "", r["purpose"] or ""] for r in rows]
    _console().print(_table(_("Certificates"), headers, table))
