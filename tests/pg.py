"""A real PostgreSQL server for the tests: one per session, a fresh database per test.

The server binaries come from Debian's `postgresql` package (`make postgres-deps`, which `make test`
runs). `PostgresServer.start()` runs `initdb` into a new temporary directory and `pg_ctl start` with
the server listening only on a unix socket in that directory (no TCP port, nothing beyond this
machine), trust authentication for the `postgres` superuser, and `fsync` off unless asked for (the
tests kill clients, never the server; benchmarks/review_db.py turns it on). `stop()` stops it (`pg_ctl stop -m fast`) and removes the directory.

PostgreSQL refuses to run as root ("initdb: cannot be run as root"), and CI runs as root: then the
binaries run as the unprivileged user `nobody` (subprocess `user=`/`group=`), and the directory is
handed to that user. pytest-postgresql has no option for this (dbfixtures/pytest-postgresql#341,
#455), hence this small module.

`find_bindir()` looks at `ASSISTANT_TEST_PG_BIN`, then `pg_ctl` on PATH, then
/usr/lib/postgresql/*/bin (highest version). `unavailable()` names what is missing (binaries or
psycopg) so that the tests needing a server skip with that reason instead of failing.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

START_TIMEOUT_S = 30
_USER = "nobody"


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when they are not installed."""
    candidates: list[Path] = []
    if env := os.environ.get("ASSISTANT_TEST_PG_BIN"):
        candidates.append(Path(env))
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).resolve().parent)

    def version(p: Path) -> tuple[int, ...]:
        return tuple(int(x) for x in p.parent.name.split(".") if x.isdigit())

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if all((folder / exe).is_file() for exe in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def unavailable() -> str | None:
    """Why no server can be started here (a sentence naming the fix), or None when one can."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed: pip install -e '.[postgres]' (or '.[dev]')"
    if find_bindir() is None:
        return (
            "the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed: "
            "run `make postgres-deps` as root (apt-get install postgresql) or set ASSISTANT_TEST_PG_BIN"
        )
    return None


class PostgresServer:
    """One throwaway server; `url(dbname)` is a SQLAlchemy URL for the review store."""

    def __init__(self, bindir: Path, *, fsync: bool = False) -> None:
        self.bindir = bindir
        self.fsync = fsync  # off for tests (clients are killed, never the server); on for benchmarks
        self.root = Path(tempfile.mkdtemp(prefix="la-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._names = itertools.count(1)
        self._ids: dict = {}
        self._tests_db = False
        if os.geteuid() == 0:  # postgres refuses root: run the binaries as an unprivileged user
            entry = pwd.getpwnam(_USER)
            self._ids = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.running = False

    # ----------------------------------------------------------------------- process control

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S + 10) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "TZ": "UTC"},
            capture_output=True,
            text=True,
            timeout=timeout,
            **self._ids,
        )

    def start(self) -> PostgresServer:
        """initdb + pg_ctl start (waits at most START_TIMEOUT_S); RuntimeError with the log on failure."""
        init = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale",
            "--no-sync",
        )  # fmt: skip
        if init.returncode != 0:
            self._discard()
            raise RuntimeError(f"initdb failed ({init.returncode}): {init.stderr.strip()}")
        options = f"-k {self.root} -c listen_addresses='' -c fsync={'on' if self.fsync else 'off'}"
        started = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t",
            str(START_TIMEOUT_S), "start",
        )  # fmt: skip
        if started.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            self.stop()
            raise RuntimeError(f"pg_ctl start failed ({started.returncode}): {started.stderr.strip()}\n{log}")
        self.running = True
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown; SIGQUIT to our postmaster if that times out) and remove it."""
        if self.data.exists() and (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "20", "stop", timeout=30)
            except subprocess.TimeoutExpired:
                pass
            pidfile = self.data / "postmaster.pid"
            if pidfile.exists():  # still running: the postmaster we started, by its own pid
                try:
                    os.kill(int(pidfile.read_text().split()[0]), signal.SIGQUIT)
                except (ValueError, ProcessLookupError):
                    pass
        self.running = False
        self._discard()

    def _discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # ----------------------------------------------------------------------- databases

    def url(self, dbname: str, schema: str | None = None) -> str:
        """A SQLAlchemy URL as the `postgres` superuser; with `schema`, its tables live in that schema
        (the connection's search_path), so each test can have its own set in one database."""
        url = f"postgresql+psycopg://postgres@/{dbname}?host={self.root}"
        return f"{url}&options=-csearch_path%3D{schema}" if schema else url

    def admin(self):
        """An autocommit psycopg connection to the `postgres` database as the superuser."""
        return self._connect("postgres")

    def create_database(self) -> str:
        """A new, empty database; returns its name. FILE_COPY copies template0's files (~30 ms); the
        default WAL_LOG strategy writes them through the WAL (~10x slower on a loaded machine)."""
        name = f"t{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' STRATEGY FILE_COPY")
        return name

    def create_schema(self) -> str:
        """A fresh, empty schema in the shared database `tests` (created on first use); returns a URL
        whose tables go there (~5 ms, against 100-500 ms for CREATE DATABASE on a busy machine)."""
        if not self._tests_db:
            with self.admin() as conn:
                conn.execute("CREATE DATABASE tests TEMPLATE template0 ENCODING 'UTF8' STRATEGY FILE_COPY")
            self._tests_db = True
        name = f"s{next(self._names)}"
        with self._connect("tests") as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return name

    def drop_schema(self, name: str) -> None:
        """Drop a test's schema; ends first any session still connected to `tests` (a killed worker's,
        a pool the test left open), so a leftover lock cannot block the next test."""
        with self._connect("tests") as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = 'tests' AND pid <> pg_backend_pid()"
            )
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def _connect(self, dbname: str):
        import psycopg

        return psycopg.connect(host=str(self.root), user="postgres", dbname=dbname, autocommit=True)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
