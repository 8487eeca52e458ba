"""Certificates (在讀證明 / 學籍證明, §八.1): issued on a student's or guardian's own request, recorded, checkable by
their code."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from xueji.domain import audit
from xueji.domain import certificate as cert
from xueji.domain import validate as v
from xueji.domain.access import Action
from xueji.domain.errors import N_, IntegrityFailure, InvalidData, Msgid, PermissionDenied, RuleViolation
from xueji.domain.number import parse_number
from xueji.domain.status import LIVE, Status
from xueji.domain.model import Student
from xueji.i18n import listed
from xueji.services import Session
from xueji.services.disclosure import publish, viewing
from xueji.store.repository import now

LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@dataclass
class Issued:
    serial: int
    code: str          # grouped, as printed
    kind: cert.Kind
    student: Student   # as of issue (the person unmasked: the certificate is the student's own paper)
    facts: dict
    issued_at: str
    lang: str
    bilingual: bool
    requester: str
    proof: str


def issue(session: Session, student_no: str, kind: str, *, lang: str, bilingual: bool = False, prepare) -> Issued:
    """Issue a certificate: checked, recorded (the certificate and an access-log entry, in the ledger), laid out by
    ``prepare(issued)`` (a file not yet visible), and put in place only once all of it is committed."""
    session.require(Action.READ)
    session.require(Action.CERTIFY)
    look = session.look
    check = v.Collector()
    number = check(lambda: str(parse_number(student_no)))
    wanted = check(lambda: kind_of(kind))
    if lang not in LANGUAGES:
        check.fail(InvalidData.one("lang", lang, N_("Unknown language {value!r}: use one of {choices}."),
                                   value=lang, choices=listed(LANGUAGES)))
    if bilingual and lang == "en":
        check.fail(InvalidData.one("lang", lang, N_("--bilingual prints the English beneath the Chinese: use it with "
                                                    "--lang zh-Hans or zh-Hant.")))
    if not (look.requester and look.proof):
        check.fail(InvalidData.one("requester", look.requester or "", N_(
            "A certificate is issued on the student's or a guardian's own request: give --requester \"NAME (本人)\" "
            "and --proof (the document shown).")))
    check.done()

    def work(repo) -> Issued:
        student = session.visible(repo.get(number), number)
        if student.status not in _statuses(repo, wanted):
            raise RuleViolation(N_("{student_no} is {status}: a {kind} is not issued for that status."),
                                student_no=number, status=Msgid(student.status.label), kind=wanted.label,
                                hint=N_("A certificate of student status (--kind record) states the record as it "
                                        "stands."))
        _own_request(look.requester, student)
        facts = cert.facts_of(student)
        (head_event, head), _ = repo.heads()
        serial = repo.next_id("certificates")
        code = cert.code(repo.certificate_key(), serial, number, wanted.value, facts, head_event, head)
        issued_at = now()
        repo.log_access({"operator": session.operator, "account": session.account, "command": "certificate",
                         "filters": {"student_no": number, "kind": wanted.value}, "revealed": True,
                         "purpose": look.purpose, "requester": look.requester, "proof": look.proof}, [number])
        repo.add_certificate({"id": serial, "code": code, "kind": wanted.value, "student_no": number, "lang": lang,
                              "facts": cert.digest(facts), "head_event": head_event, "head": head,
                              "issued_at": issued_at, "operator": session.operator, "account": session.account,
                              "requester": look.requester, "proof": look.proof, "purpose": look.purpose})
        return Issued(serial, cert.grouped(code), wanted, student, facts, issued_at, lang, bilingual, look.requester,
                      look.proof)

    return publish(session, work, prepare)


@dataclass
class Verdict:
    """What a code says: ``unknown`` (not issued here), ``true`` (genuine and still true) or ``changed`` (genuine,
    but the record has changed since: ``changes`` as (fact, printed, now))."""

    state: str
    code: str
    certificate: dict | None = None
    changes: list = field(default_factory=list)


def verify(session: Session, text: str) -> Verdict:
    """Check a certificate's code against the registry. A certificate whose record was changed behind xueji's back
    (its row, its ledger entry, the chain head it was issued at, the student's record) is an integrity failure."""
    session.require(Action.CERTIFY)
    code = cert.parse_code(text)
    shown = cert.grouped(code) if code else "".join(ch for ch in (text or "").strip() if ch.isprintable())[:40]
    if code is None:
        return Verdict("unknown", shown)
    with viewing(session) as repo:
        row = repo.certificate(code)
        if row is None:
            return Verdict("unknown", shown)
        student = repo.get(row["student_no"])
        if student is None:
            return Verdict("unknown", shown)
        if session.scope and student.current.college != session.scope:  # the code (79 bits) is the holder's own
            raise PermissionDenied(N_("Certificate {code} is genuine but concerns a student outside college {college}: "
                                      "the office checks it."), code=shown, college=session.scope)
        facts = json.loads(row["facts"])
        intact = (cert.code(repo.certificate_key(), row["id"], row["student_no"], row["kind"], facts,
                            row["head_event"], row["head"]) == code
                  and repo.attested(row, "certificate")
                  and (row["head_event"] == 0 and row["head"] == audit.GENESIS
                       or repo.hash_at("events", row["head_event"]) == row["head"])
                  and repo.record_intact(student))
        if not intact:
            raise IntegrityFailure(N_("Certificate {serial} ({code}) no longer matches what the registry recorded "
                                      "when it was issued: the registry was changed behind xueji's back."),
                                   serial=row["id"], code=shown,
                                   hint=N_("Run `xueji audit verify` and call the supervision group."))
        repo.log_access({"operator": session.operator, "account": session.account, "command": "certificate verify",
                         "filters": {"code": shown}, "revealed": False, "purpose": session.look.purpose,
                         "requester": session.look.requester, "proof": session.look.proof}, [row["student_no"]])
        repo.commit()
    changes = cert.changed(facts, cert.facts_of(student))
    return Verdict("changed" if changes else "true", shown, row, changes)


def listing(session: Session, student_no: str | None = None, since: str | None = None) -> list[dict]:
    """The certificates issued (a college's staff: their college's students), oldest first."""
    session.require(Action.CERTIFY)
    check = v.Collector()
    number = check(lambda: str(parse_number(student_no))) if student_no else None
    day = check(lambda: v.iso_date(since, "since").isoformat()) if since else None
    check.done()
    with session.store.snapshot() as repo:
        rows = repo.certificates(number, day, session.scope)
    return [row | {"code": cert.grouped(row["code"]), "facts": json.loads(row["facts"])} for row in rows]


def _statuses(repo, kind: cert.Kind) -> tuple:
    """The statuses ``kind`` is issued for: the office's setting in the registry, or the default."""
    kept = repo.setting(f"certificate.{kind.value}")
    return tuple(Status(s) for s in json.loads(kept)) if kept else cert.DEFAULT_STATUSES[kind]


def statuses(session: Session, kind: str, wanted: list[str] | None = None) -> tuple:
    """The statuses a kind of certificate is issued for; with ``wanted``, the office sets them (kept in the registry
    with who and when, in the ledger — never in a configuration file somebody could point elsewhere)."""
    chosen = kind_of(kind)
    if not wanted:
        session.require(Action.CERTIFY)
        return _statuses(session.store.reader(), chosen)
    session.require(Action.SETTINGS)
    check = v.Collector()
    values = []
    for text in wanted:
        status = check(lambda t=text: v.status(t))
        if status is None:
            continue
        if chosen is cert.Kind.ENROLLMENT and status not in LIVE:
            check.fail(InvalidData.one("status", text, N_("A certificate of enrollment says the student is "
                                                          "registered here now: {status} is not such a status."),
                                       status=Msgid(status.label)))
        else:
            values.append(status.value)
    check.done()
    with session.store.transaction() as repo:
        repo.set_setting(f"certificate.{chosen.value}", json.dumps(sorted(set(values))), session.operator,
                         session.account)
        repo.commit()
        return _statuses(repo, chosen)


def _own_request(requester: str, student: Student) -> None:
    """A student's own request (本人) names the student (in either script); a guardian's names the guardian."""
    from xueji.domain.national import simplified

    name, _, kind = requester.replace("（", "(").replace("）", ")").rpartition("(")
    if kind.rstrip(")") == "本人" and simplified(name.strip()) != simplified(student.person.name):
        raise RuleViolation(N_("The requester {requester} is not {student_no} ({name}): a student's own request "
                               "names the student; a guardian writes \"NAME (監護人)\"."),
                            requester=requester, student_no=student.student_no, name=student.person.name)


def kind_of(value: str) -> cert.Kind:
    """A certificate kind as typed (enrollment or record), or refused with the choices."""
    try:
        return cert.Kind(value)
    except ValueError:
        raise InvalidData.one("certificate_kind", value, N_("Unknown certificate kind {value!r}: use one of {choices}."),
                              value=value, choices=listed(k.value for k in cert.Kind)) from None
