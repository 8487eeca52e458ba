"""The throwaway PostgreSQL cluster (tests/pg_cluster.py): a superuser, a login role, trust on the socket.

Uses the cluster CI started ($XUEJI_TEST_PG_HOST/_PORT/_USER) when there is one, else starts and stops its own.
Without server binaries it skips with the install hint, except under $XUEJI_REQUIRE_PG (CI), where it fails:
a test that needs PostgreSQL never skips in CI.
"""

from __future__ import annotations

import os

import pytest

from tests.pg_cluster import ENV_HOST, ENV_PORT, ENV_USER, Cluster, find_bin, install_hint


def _unavailable(reason: str):
    if os.environ.get("XUEJI_REQUIRE_PG"):
        pytest.fail(f"XUEJI_REQUIRE_PG is set but {reason}")
    pytest.skip(reason)


def test_a_superuser_creates_a_login_role_that_connects_by_trust_as_itself():
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install 'psycopg[binary]')")
    started = None
    if os.environ.get(ENV_HOST):
        host, port, superuser = os.environ[ENV_HOST], os.environ[ENV_PORT], os.environ[ENV_USER]
    else:
        if find_bin() is None:
            _unavailable(install_hint())
        started = Cluster().start()  # its own temporary folder, not tmp_path: root's pytest folders are 0700
        host, port, superuser = started.host, str(started.port), started.superuser
    try:
        with psycopg.connect(host=host, port=port, user=superuser, dbname="postgres", autocommit=True) as admin:
            assert admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (True,)
            admin.execute("DROP ROLE IF EXISTS probe")
            admin.execute("CREATE ROLE probe LOGIN")
            try:
                with psycopg.connect(host=host, port=port, user="probe", dbname="postgres") as probe:
                    assert probe.execute("SELECT session_user").fetchone() == ("probe",)
            finally:
                admin.execute("DROP ROLE probe")
    finally:
        if started is not None:
            started.stop()
