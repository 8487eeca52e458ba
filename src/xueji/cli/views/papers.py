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
    from xueji.files import pdf

    pdf.check_target(path)  # an existing file is refused when the certificate is laid out, after every other check


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


def grants_table(items, fmt: str) -> None:
    keys = ("id", "operator", "purpose", "fields", "college", "year", "statuses", "until", "doc_no", "granted_by",
            "granted_at", "revoked_by", "revoked_at", "revoke_reason")
    records = [{k: (list(v) if isinstance(v, tuple) else v.isoformat() if k == "until" else v)
                for k, v in ((k, getattr(g, k)) for k in keys)} for g in items]
    if fmt != "table":
        _emit_data(records, keys, fmt)
        return
    if not records:
        say(N_("No grants."))
        return
    headers = [_("Grant"), _("Operator"), _("Purpose"), _("Fields"), _("Students"), _("Until"), _("Approval"),
               _("Revoked")]
    rows = []
    for r in records:
        scope = " ".join(filter(None, [r["college"] and _("college {code}").format(code=r["college"]),
                                       r["year"] and str(r["year"]), ", ".join(r["statuses"])])) or _("all")
        rows.append([r["id"], r["operator"], r["purpose"], ", ".join(r["fields"]), scope, r["until"], r["doc_no"],
                     (local_time(r["revoked_at"]) + " " + (r["revoke_reason"] or "")) if r["revoked_at"] else ""])
    _console().print(_table(_("Grants"), headers, rows))


def access_report(rows: list[dict], fmt: str) -> None:
    keys = ("grant", "department", "purpose", "looks", "students")
    if fmt != "table":
        _emit_data(rows, keys, fmt)
        return
    if not rows:
        say(N_("No reads under grants in this year."))
        return
    headers = [_("Grant"), _("Department"), _("Purpose"), _("Looks"), _("Students shown")]
    _console().print(_table(_("Reads under grants"), headers, [[r[k] for k in keys] for r in rows]))


def _granted_records(items, fields) -> list[dict]:
    from xueji.cli.views.students import student_record

    return [{k: v for k, v in student_record(s).items() if k in fields} for s in items]


def granted_students(items, total: int, fmt: str, fields, codes: CodeTable | None) -> None:
    """What a department reads: only the fields its grant opens (the others are absent, not masked)."""
    from xueji.cli.views.students import EXPORT_HEADERS

    keys = [k for k in EXPORT_HEADERS if k in fields]
    records = _granted_records(items, fields)
    if fmt != "table":
        _emit_data(records, keys, fmt)
        return
    if not records:
        say(N_("No students match."))
        return
    from xueji.cli.views.core import status_label

    def cell(key, value):
        if value is None:
            return ""
        return status_label(value) if key == "status" else _(GENDERS.get(value, value)) if key == "gender" else value

    _console().print(_table(_("Students"), [_(EXPORT_HEADERS[k]) for k in keys],
                            [[cell(k, r.get(k)) for k in keys] for r in records]))


def granted_export(session, path, *, excel: bool, force: bool, otherwise):
    """A department's export: the fields of the grant it read under (known once the service chose it)."""
    def prepare(items):
        if session.look.fields is None:
            return otherwise(items)
        from xueji.cli.views.students import EXPORT_HEADERS
        from xueji.files import export

        keys = [k for k in EXPORT_HEADERS if k in session.look.fields]
        headers = keys if path.suffix.lower() == ".json" else [_(EXPORT_HEADERS[k]) for k in keys]
        return export.prepare(path, keys, headers, _granted_records(items, session.look.fields), excel=excel,
                              force=force, text_columns=("student_no", "id_number", "exam_no"))

    return prepare
