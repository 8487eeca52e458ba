"""A grant's expiry against a fixed clock (the session's day): in force on its last day, refused the day after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tests.conftest import person
from xueji.domain.access import Role
from xueji.domain.errors import PermissionDenied
from xueji.services import grants, identity, queries, registry


def test_a_grant_holds_through_its_last_day_and_not_a_day_longer(session):
    registry.enroll(session, person(1), college="01", major="01", klass="01", year="2023", date="2023-09-01")
    identity.add(session, "finance", "department")
    session.today = date(2026, 12, 1)
    grants.add(session, operator="finance", purpose="學費核對", fields="student_no,name", until="2026-12-31",
               doc_no="D1")
    department = replace(session, operator="finance", role=Role.DEPARTMENT, today=date(2026, 12, 31))
    found, total = queries.query(department)
    assert total == 1 and found[0].student_no == "202301010101"
    later = replace(department, today=date(2027, 1, 1))
    with pytest.raises(PermissionDenied) as refused:
        queries.query(later)
    assert refused.value.params["day"] == "2026-12-31" and refused.value.params["id"] == 1
