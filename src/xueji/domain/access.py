"""Who may do what (seed §四, §八; DOMAIN.md §5): roles, scopes and the masking of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xueji.domain.errors import N_, InvalidData, Msgid, PermissionDenied


class Role(StrEnum):
    OFFICE = "office"
    COLLEGE = "college"
    INSPECTOR = "inspector"
    VIEWER = "viewer"
    DEPARTMENT = "department"  # a department of the school: reads only through the office's grants (§八.2)

    @property
    def label(self) -> str:
        return Msgid(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.OFFICE: N_("academic affairs office"),
    Role.COLLEGE: N_("college staff"),
    Role.INSPECTOR: N_("inspector"),
    Role.VIEWER: N_("viewer"),
    Role.DEPARTMENT: N_("department"),
}


class Action(StrEnum):
    READ = "read"            # query, show, due, export
    CHANGE = "change"        # enrollment and every status change
    IMPORT = "import"        # bringing in legacy records
    CODES = "codes"          # changing the code table
    DECIDE = "decide"        # approving or rejecting requests
    REQUESTS = "requests"    # listing requests
    REVEAL = "reveal"        # seeing full ID numbers and birth dates
    AUDIT = "audit"          # the access log, the audit trail and the integrity checks
    BACKUP = "backup"        # backups and restores
    OPERATORS = "operators"  # adding and ending operators
    CERTIFY = "certify"      # issuing certificates and checking their codes (§八.1)
    GRANTED = "granted"      # reading students' data through a grant (departments, §八.2)
    GRANTS = "grants"        # giving and revoking grants
    SETTINGS = "settings"    # the office's settings kept in the registry


_ALLOWED = {
    Role.OFFICE: set(Action) - {Action.GRANTED},
    Role.COLLEGE: {Action.READ, Action.CHANGE, Action.REQUESTS, Action.CERTIFY},
    Role.INSPECTOR: {Action.READ, Action.AUDIT},
    Role.VIEWER: {Action.READ},
    Role.DEPARTMENT: {Action.GRANTED},
}

_ACTION_LABELS = {
    Action.READ: N_("read the registry"),
    Action.CHANGE: N_("change registrations"),
    Action.IMPORT: N_("import records"),
    Action.CODES: N_("change the code table"),
    Action.DECIDE: N_("approve or reject requests"),
    Action.REQUESTS: N_("list requests"),
    Action.REVEAL: N_("reveal personal data"),
    Action.AUDIT: N_("read the access log and the audit trail"),
    Action.BACKUP: N_("back up or restore the database"),
    Action.OPERATORS: N_("change the operators"),
    Action.CERTIFY: N_("issue or check certificates"),
    Action.GRANTED: N_("read students' data through a grant"),
    Action.GRANTS: N_("give or revoke grants"),
    Action.SETTINGS: N_("change the office's settings"),
}


@dataclass(frozen=True)
class Operator:
    """The person behind a command: a name recorded on events, a role, and for college staff their college."""

    name: str
    role: Role = Role.OFFICE
    college: str | None = None
    account: str | None = None  # the OS account behind the process (from its uid), recorded beside the name

    @property
    def scope(self) -> str | None:
        """The only college whose students this operator sees (None: all)."""
        return self.college if self.role == Role.COLLEGE else None

    @property
    def makes_requests(self) -> bool:
        """College changes wait for the office (§六: college review, then office approval)."""
        return self.role == Role.COLLEGE

    def may(self, action: Action) -> bool:
        return action in _ALLOWED[self.role]

    def require(self, action: Action) -> None:
        if not self.may(action):
            raise PermissionDenied(
                N_("{operator} ({role}) may not {action}."),
                operator=self.name, role=self.role.label, action=Msgid(_ACTION_LABELS[action]),
            )


def mask_id(id_number: str) -> str:
    """First 6 and last 4 characters: 110105********002X."""
    if len(id_number) <= 10:
        return id_number[:2] + "*" * max(0, len(id_number) - 2)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def check_purpose(reveal: bool, purpose: str | None, operator: Operator) -> str | None:
    """--reveal needs office role and a stated purpose; the purpose goes to the access log."""
    from xueji.domain import validate as v

    if not reveal:
        return v.label(purpose, "purpose", required=False) if purpose else None
    operator.require(Action.REVEAL)
    if not (purpose or "").strip():
        raise InvalidData.one("purpose", "", N_("Revealing personal data needs --purpose: say why."))
    return v.label(purpose, "purpose")


def check_requester(requester: str | None, proof: str | None) -> tuple[str | None, str | None]:
    """A student's or guardian's own request (§八.1): "NAME (本人)" or "NAME (監護人)" and the proof shown."""
    from xueji.domain import validate as v

    if requester is None and proof is None:
        return None, None
    who = v.middle_dots(v.label(requester, "requester", max_len=100))
    normal = who.replace("（", "(").replace("）", ")")
    if not any(normal.endswith(f"({kind})") for kind in ("本人", "監護人", "监护人")) \
            or not normal.rsplit("(", 1)[0].strip() or normal.count("(") != 1:
        raise InvalidData.one("requester", requester,
                              N_("Write the requester as \"NAME (本人)\" or \"NAME (監護人)\"."))
    return who, v.label(proof, "proof", max_len=200)


@dataclass(frozen=True)
class OperatorEntry:
    """One operator of the registry: a role, a college for college staff, and whether the account may record in
    another operator's name (a shared or service account)."""

    role: Role
    college: str | None = None
    act_as: bool = False


@dataclass(frozen=True, slots=True)
class PersonView:
    """A person as it may be shown: birth date and ID number already masked unless the look was allowed to reveal."""

    name: str
    gender: str
    birth_date: str
    id_type: str
    id_number: str
    exam_no: str | None = None
    ethnicity: str | None = None
    political: str | None = None
    region: str | None = None


def masked_person(person, reveal: bool) -> PersonView:
    """Masked: ID number 110105********002X and the birth year only. Revealed: as stored."""
    extra = (person.ethnicity, person.political, person.region)
    if reveal:
        return PersonView(person.name, person.gender, person.birth_date.isoformat(), person.id_type,
                          person.id_number, person.exam_no, *extra)
    return PersonView(person.name, person.gender, str(person.birth_date.year), person.id_type,
                      mask_id(person.id_number), person.exam_no, *extra)


PERSONAL_DETAIL_KEYS = ("id_number", "birth_date")


def masked_detail(detail: dict, reveal: bool) -> dict:
    """Personal data inside an event (a correction's before and after) is masked like everywhere else."""
    if reveal:
        return detail
    out = {}
    for key, value in detail.items():
        if isinstance(value, dict):
            value = masked_detail(value, reveal)
        elif key == "id_number" and isinstance(value, str):
            value = mask_id(value)
        elif key == "birth_date" and isinstance(value, str):
            value = value[:4]
        out[key] = value
    return out


def shows_person(detail: dict) -> bool:
    """An event detail holding a person's fields (a correction's before and after)."""
    return "before" in detail or "after" in detail
