"""A throwaway PostgreSQL cluster for tests and benchmarks: ``initdb`` into a temporary folder,
start it on a unix socket only, create and drop databases, stop it for good.

Why a real server rather than a mock: the case store's promises on PostgreSQL (migrations,
advisory-lock serialisation, types) are only proven by PostgreSQL itself. Why one cluster of
our own rather than the machine's: nothing is assumed installed or running, no TCP port is
opened (``listen_addresses = ''``), and each pytest-xdist worker gets its own.

The binaries (``initdb``, ``pg_ctl``) are looked for on ``PATH``, then in
``/usr/lib/postgresql/<version>/bin`` (Debian's layout, newest version first); ``make postgres``
installs them. PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
account (``runuser -u postgres --``) and its folder is handed to that account.

Example::

    server = PostgresServer()
    server.start()
    server.create_database("cases_1")
    url = server.url("cases_1")  # postgresql+psycopg://postgres@/cases_1?host=/tmp/...&port=5432
    ...
    server.stop()
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

DEBIAN_BINARIES = "/usr/lib/postgresql"
SERVER_ACCOUNT = "postgres"
SUPERUSER = "postgres"
DEFAULT_PORT = 5432
START_SECONDS = 60
INSTALL_HINT = "run `make postgres` (it installs the PostgreSQL server package when missing)"

# Durability is worthless for a cluster deleted at the end of the run; speed is not.
TEST_SETTINGS = {
    "listen_addresses": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "50",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


def find_binaries(search_roots: Iterable[Path] = (Path(DEBIAN_BINARIES),)) -> tuple[Path, Path]:
    """``(initdb, pg_ctl)``: from ``PATH`` if both are there, else from the newest
    ``<root>/<version>/bin``. Raises :class:`RuntimeError` naming ``make postgres`` if none."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(initdb), Path(pg_ctl)
    candidates: list[tuple[tuple[int, ...], Path]] = []
    for root in search_roots:
        for bindir in root.glob("*/bin"):
            if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
                version = tuple(int(part) for part in re.findall(r"\d+", bindir.parent.name))
                candidates.append((version, bindir))
    if not candidates:
        searched = ", ".join(str(root) for root in search_roots)
        raise RuntimeError(
            f"PostgreSQL server binaries (initdb, pg_ctl) not found on PATH nor under "
            f"{searched}/*/bin: {INSTALL_HINT}"
        )
    bindir = max(candidates)[1]
    return bindir / "initdb", bindir / "pg_ctl"


class PostgresServer:
    """One throwaway cluster. :meth:`start` it, ask :meth:`url` for SQLAlchemy URLs,
    :meth:`stop` it (also done at interpreter exit); its folder is deleted on stop."""

    def __init__(self, *, port: int = DEFAULT_PORT, prefix: str = "moneytrail-pg-") -> None:
        # Only the socket's file name carries the port: no TCP listener, so any number works.
        self.port = port
        self.prefix = prefix
        self.base_dir: Path | None = None
        self._run_as: list[str] = []
        self._pg_ctl: Path | None = None

    @property
    def socket_dir(self) -> Path:
        """The folder holding the unix socket (``.s.PGSQL.<port>``); it is the cluster's folder."""
        if self.base_dir is None:
            raise RuntimeError("the PostgreSQL test server is not started")
        return self.base_dir

    @property
    def data_dir(self) -> Path:
        return self.socket_dir / "data"

    def start(self) -> None:
        """initdb (trust auth, UTF8, locale C) and start; returns once connections are accepted."""
        if self.base_dir is not None:
            return
        initdb, pg_ctl = find_binaries()
        self._run_as = _run_as_prefix()
        # mkdtemp in the system temp folder, not pytest's: that one is private to the test user
        # and its long paths would overflow a unix socket name (107 bytes).
        self.base_dir = Path(tempfile.mkdtemp(prefix=self.prefix))
        self._pg_ctl = pg_ctl
        atexit.register(self.stop)
        try:
            if self._run_as:
                account = pwd.getpwnam(SERVER_ACCOUNT)
                os.chown(self.base_dir, account.pw_uid, account.pw_gid)
            self._run(
                [
                    initdb,
                    *("--pgdata", self.data_dir, "--username", SUPERUSER, "--auth", "trust"),
                    *("--encoding", "UTF8", "--locale", "C", "--no-sync"),
                ]
            )
            settings = {**TEST_SETTINGS, "port": str(self.port)}
            settings["unix_socket_directories"] = f"'{self.socket_dir}'"
            with (self.data_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write("".join(f"{key} = {value}\n" for key, value in settings.items()))
            log = self.socket_dir / "server.log"
            self._run(
                [
                    pg_ctl,
                    *("start", "--pgdata", self.data_dir, "--wait"),
                    *("--timeout", str(START_SECONDS), "--log", log),
                ]
            )
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the server at once (``-m immediate``: nothing to keep) and delete its folder.
        Safe to call twice; if ``pg_ctl`` fails, the postmaster is killed by its pid."""
        base_dir, self.base_dir = self.base_dir, None
        if base_dir is None:
            return
        atexit.unregister(self.stop)
        data_dir = base_dir / "data"
        if (data_dir / "postmaster.pid").exists() and self._pg_ctl is not None:
            command = [self._pg_ctl, "stop", "--pgdata", data_dir, "--mode", "immediate", "--wait"]
            result = subprocess.run(
                [*self._run_as, *map(str, command)],
                cwd=base_dir,
                capture_output=True,
                check=False,
            )
            if result.returncode != 0:
                _kill_postmaster(data_dir / "postmaster.pid")
        shutil.rmtree(base_dir, ignore_errors=True)

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for ``database`` on this server, through the unix socket."""
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self.port}"
        )

    def connect(self, database: str = "postgres") -> psycopg.Connection[TupleRow]:
        """A psycopg connection in autocommit mode (for statements that refuse a transaction)."""
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,
        )

    def create_database(self, name: str) -> None:
        """Create an empty database ``name`` (from ``template1``)."""
        with self.connect() as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop_database(self, name: str) -> None:
        """Drop ``name``, closing whatever connections a test left open (PostgreSQL 13+)."""
        with self.connect() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def _run(self, command: Sequence[str | Path]) -> None:
        assert self.base_dir is not None
        # cwd: the server account may not be allowed into the caller's working directory.
        result = subprocess.run(
            [*self._run_as, *map(str, command)],
            cwd=self.base_dir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            log = self.base_dir / "server.log"
            log_text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(command[0]).name} failed (exit {result.returncode}): "
                f"{result.stdout}{result.stderr}{log_text}"
            )


def _run_as_prefix() -> list[str]:
    """How to run a server binary: directly, or as root through ``runuser`` as ``postgres``."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SERVER_ACCOUNT)
    except KeyError:
        raise RuntimeError(
            f"PostgreSQL refuses to run as root and there is no '{SERVER_ACCOUNT}' account "
            f"to run it as: {INSTALL_HINT}"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("running PostgreSQL as root needs `runuser` (util-linux)")
    return [runuser, "-u", SERVER_ACCOUNT, "--"]


def _kill_postmaster(pid_file: Path) -> None:
    """Last resort when ``pg_ctl stop`` failed: SIGKILL the postmaster named in its pid file
    (its children exit when they notice it is gone)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)
