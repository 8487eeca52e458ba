"""A throwaway PostgreSQL cluster for the test suite and CI: initdb into a temporary folder, one server, no TCP.

The server listens on a Unix socket in the cluster's own folder only (``listen_addresses=''``), trusts every local
connection (``-A trust``) and trades durability for speed (``fsync``, full-page writes and synchronous commit off):
it lives for one test run and is removed by :meth:`Cluster.stop`.

PostgreSQL refuses to run as root; as root the server binaries run as the ``postgres`` account
(``runuser -u postgres --``), which owns the folder.

From Python::

    cluster = Cluster().start()            # a fresh folder under the system's temporary directory
    psycopg.connect(cluster.url())         # postgresql:///postgres?host=%2Ftmp%2F…&port=54123&user=xueji_admin
    cluster.stop()                         # the server and its folder are gone

From a shell (CI, .ci/run)::

    dir=$(mktemp -d)
    eval "$(python -m tests.pg_cluster start "$dir")"   # export XUEJI_TEST_PG_HOST=… _PORT=… _USER=…
    python -m tests.pg_cluster stop "$dir"

Standard library only: psycopg is the tests' business, not this module's.
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

PREFERRED_VERSION = "15"
SUPERUSER = "xueji_admin"  # the bootstrap superuser's name (initdb -U): not "postgres", so nothing relies on it
RUN_AS = "postgres"  # the account the server runs as when we are root
DEBIAN_ROOT = Path("/usr/lib/postgresql")
SOCKET_PATH_MAX = 107  # sun_path (108 bytes with its NUL) on Linux: the socket is <host>/.s.PGSQL.<port>
SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]+")  # the folder goes through pg_ctl's shell and a GUC list unquoted
ENV_HOST, ENV_PORT, ENV_USER = "XUEJI_TEST_PG_HOST", "XUEJI_TEST_PG_PORT", "XUEJI_TEST_PG_USER"


class ClusterError(RuntimeError):
    """The cluster could not be set up, started or stopped; the message carries the tool's own output."""


def _has_tools(folder: Path) -> bool:
    return all(os.access(folder / tool, os.X_OK) for tool in ("initdb", "pg_ctl"))


def _version_key(folder: Path) -> tuple:
    return tuple(int(part) if part.isdigit() else -1 for part in re.split(r"[.]", folder.parent.name))


def find_bin() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None.

    $XUEJI_PG_BIN when set (and None if it lacks them: an explicit choice is not overridden); else Debian's
    /usr/lib/postgresql/15/bin, else the highest /usr/lib/postgresql/*/bin; else the folder of ``pg_ctl`` on PATH
    (symbolic links followed, so /usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin/pg_ctl gives the latter).
    """
    chosen = os.environ.get("XUEJI_PG_BIN")
    if chosen:
        folder = Path(chosen).expanduser()
        return folder if _has_tools(folder) else None
    preferred = DEBIAN_ROOT / PREFERRED_VERSION / "bin"
    if _has_tools(preferred):
        return preferred
    if DEBIAN_ROOT.is_dir():
        found = sorted((p for p in DEBIAN_ROOT.glob("*/bin") if _has_tools(p)), key=_version_key, reverse=True)
        if found:
            return found[0]
    on_path = shutil.which("pg_ctl")
    if on_path:
        for folder in (Path(on_path).parent, Path(on_path).resolve().parent):
            if _has_tools(folder):
                return folder
    return None


def install_hint() -> str:
    """The one-line reason a local run skips the tests that need a PostgreSQL server."""
    return "no PostgreSQL server binaries (initdb/pg_ctl) found: apt-get install postgresql, or set XUEJI_PG_BIN"


def install() -> Path:
    """Install the server binaries with apt-get (CI only: root and apt-get required); returns :func:`find_bin`.

    Debian's package would also create and start a system cluster ("main", port 5432) that nothing here uses and
    nothing would stop; a drop-in for postgresql-common (read by its createcluster.conf since version 2xx) asks it
    not to. Package lists are refreshed only if the first attempt fails (containers often ship without them).
    """
    if find_bin() is not None:
        return find_bin()
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ClusterError(f"cannot install PostgreSQL here (needs root and apt-get): {install_hint()}")
    dropin = Path("/etc/postgresql-common/createcluster.d")
    if not Path("/etc/postgresql-common/createcluster.conf").exists():  # not installed yet: nothing to override
        dropin.mkdir(parents=True, exist_ok=True)
        (dropin / "xueji-no-main-cluster.conf").write_text("create_main_cluster = false\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "postgresql"]
    if subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, stdin=subprocess.DEVNULL, check=True)
        subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=True)
    found = find_bin()
    if found is None:
        raise ClusterError(f"apt-get installed postgresql but {install_hint()}")
    return found


def _free_port() -> int:
    """A port number for the socket's name. Nothing listens on TCP and every cluster has its own socket folder,
    so any number is free; the process id only keeps two clusters' numbers apart in logs and `ps`."""
    return 54000 + os.getpid() % 1000


def _locale_available(name: str) -> bool:
    wanted = name.lower().replace("-", "")
    try:
        listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        import locale  # no `locale` program: ask the C library, and put the process's locale back

        saved = locale.setlocale(locale.LC_COLLATE)
        try:
            locale.setlocale(locale.LC_COLLATE, name)
            return True
        except locale.Error:
            return False
        finally:
            locale.setlocale(locale.LC_COLLATE, saved)
    return any(entry.lower().replace("-", "") == wanted for entry in listed)


class Cluster:
    """One PostgreSQL server in a folder of its own: ``start(base)`` → ``host``/``port``/``url()`` → ``stop()``.

    The folder holds ``data`` (the cluster), ``log`` (the server's log) and the socket; :meth:`stop` removes it.
    Usable as a context manager: ``with Cluster().start() as cluster: ...``.
    """

    def __init__(self, bin_dir: Path | None = None):
        found = Path(bin_dir) if bin_dir is not None else find_bin()
        if found is None or not _has_tools(found):
            raise ClusterError(install_hint())
        self.bin: Path = found
        self.base: Path | None = None
        self._port: int | None = None
        self._owned = False  # we made base (mkdtemp): removed even when start fails

    # -- where to connect -------------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        """The socket folder: libpq's ``host`` for a Unix-socket connection."""
        if self.base is None:
            raise ClusterError("the cluster is not started")
        return str(self.base)

    @property
    def port(self) -> int:
        if self._port is None:
            raise ClusterError("the cluster is not started")
        return self._port

    @property
    def superuser(self) -> str:
        return SUPERUSER

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        """A libpq URL: ``postgresql:///DB?host=%2Ftmp%2F…&port=NNNN&user=xueji_admin`` (trust: no password)."""
        return (f"postgresql:///{quote(dbname, safe='')}?host={quote(self.host, safe='')}&port={self.port}"
                f"&user={quote(user or self.superuser, safe='')}")

    def exports(self) -> str:
        """Shell lines for ``eval``: XUEJI_TEST_PG_HOST, _PORT and _USER."""
        values = {ENV_HOST: self.host, ENV_PORT: str(self.port), ENV_USER: self.superuser}
        return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in values.items())

    # -- life cycle -------------------------------------------------------------------------------------------

    def start(self, base: Path | None = None) -> Cluster:
        """initdb into ``base/data`` and start the server; ``base`` defaults to a fresh temporary folder.

        A given ``base`` must exist (the caller made it) and be empty of a previous cluster.
        """
        if self.base is not None:
            raise ClusterError(f"the cluster is already started in {self.base}")
        if base is None:
            base = Path(tempfile.mkdtemp(prefix="xueji-pg-"))
            self._owned = True
        base = Path(base).resolve()
        if not base.is_dir():
            raise ClusterError(f"{base} is not a folder")
        if not SAFE_PATH.fullmatch(str(base)):
            raise ClusterError(f"{base}: the socket folder may hold only letters, digits and _ . / + -")
        port = _free_port()
        if len(f"{base}/.s.PGSQL.{port}") > SOCKET_PATH_MAX:
            raise ClusterError(f"{base}: too long for a Unix socket's path (at most {SOCKET_PATH_MAX - 16} characters)")
        if (base / "data").exists():
            raise ClusterError(f"{base / 'data'} exists: stop that cluster first")
        self.base, self._port = base, port
        try:
            self._prepare_folder()
            self._initdb()
            self._pg_ctl_start()
        except BaseException:
            self._abandon()
            raise
        return self

    def stop(self) -> None:
        """Stop the server (``pg_ctl -m immediate``) and remove the folder. Nothing to do if not started."""
        if self.base is None:
            return
        data = self.base / "data"
        if (data / "postmaster.pid").exists():
            stopped = self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
            if stopped.returncode != 0 and self._run("pg_ctl", "-D", str(data), "status").returncode != 3:
                raise ClusterError(f"pg_ctl stop failed; {self.base} left in place:\n{stopped.stdout}")
        shutil.rmtree(self.base, ignore_errors=True)
        self.base, self._port, self._owned = None, None, False

    def __enter__(self) -> Cluster:
        if self.base is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- helpers ----------------------------------------------------------------------------------------------

    @staticmethod
    def _as_root() -> bool:
        return os.geteuid() == 0

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        """A server tool with its output captured; through runuser as root. Run from the cluster's folder: the
        server's account may not be allowed into the caller's working directory (pytest's, as root, is 0700)."""
        command = [str(self.bin / tool), *args]
        if self._as_root():
            command = ["runuser", "-u", RUN_AS, "--", *command]
        return subprocess.run(command, cwd=self.base or "/", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)

    def _prepare_folder(self) -> None:
        """As root: the folder belongs to the server's account, which must be able to reach it, and is 0755 (so
        that any local account can reach the socket, as with a packaged server). A parent below the temporary
        directory that the account cannot pass gets o+x (pytest's pytest-of-root is 0700; pytest puts it back on
        its next run); other parents are left alone."""
        assert self.base is not None
        if not self._as_root():
            return
        try:
            account = pwd.getpwnam(RUN_AS)
        except KeyError:
            raise ClusterError(f"PostgreSQL does not run as root and there is no {RUN_AS!r} account to run it as")
        self.base.chmod(0o755)
        os.chown(self.base, account.pw_uid, account.pw_gid)
        tmp = Path(tempfile.gettempdir()).resolve()
        for parent in self.base.parents:
            if parent == tmp or tmp not in parent.parents:
                continue
            mode = stat.S_IMODE(parent.stat().st_mode)
            if not mode & stat.S_IXOTH:
                parent.chmod(mode | stat.S_IXOTH)

    def _initdb(self) -> None:
        assert self.base is not None
        locale = ["--locale=C.UTF-8"] if _locale_available("C.UTF-8") else ["--no-locale"]
        done = self._run("initdb", "-D", str(self.base / "data"), "-A", "trust", "-U", SUPERUSER, "--no-sync",
                         "-E", "UTF8", *locale)
        if done.returncode != 0:
            raise ClusterError(f"initdb failed (exit {done.returncode}):\n{done.stdout}")

    # Durability traded for speed: the server lives for one test run. A subclass may ask for PostgreSQL's defaults.
    SPEED = {"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off"}

    def _pg_ctl_start(self) -> None:
        assert self.base is not None
        settings = {"listen_addresses": "''", "unix_socket_directories": str(self.base), **self.SPEED,
                    "max_connections": "200", "port": str(self._port)}
        options = " ".join(f"-c {name}={value}" for name, value in settings.items())
        log = self.base / "log"
        done = self._run("pg_ctl", "-D", str(self.base / "data"), "-l", str(log), "-o", options, "-w", "start")
        if done.returncode != 0:
            server_log = log.read_text(errors="replace") if log.exists() else "(no log)"
            raise ClusterError(f"pg_ctl start failed (exit {done.returncode}):\n{done.stdout}\n{server_log}")

    def _abandon(self) -> None:
        """After a failed start: no server left behind; the folder removed if we made it, else kept to look at."""
        assert self.base is not None
        data = self.base / "data"
        if (data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop")
        if self._owned:
            shutil.rmtree(self.base, ignore_errors=True)
        self.base, self._port, self._owned = None, None, False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.pg_cluster",
                                     description="A throwaway PostgreSQL cluster in a folder the caller made.")
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("dir", type=Path, help="start: an existing (empty) folder; stop: the same folder")
    args = parser.parse_args(argv)
    try:
        if args.action == "start":
            cluster = Cluster().start(args.dir)
            sys.stdout.write(cluster.exports())
        else:
            cluster = Cluster()
            cluster.base = args.dir.resolve()
            if not cluster.base.is_dir():
                print(f"{cluster.base}: no such folder (already stopped?)", file=sys.stderr)
                return 0
            cluster.stop()
    except ClusterError as error:
        print(f"pg_cluster {args.action}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
