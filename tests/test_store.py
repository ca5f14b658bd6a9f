"""The review store on SQLite and on a real PostgreSQL (tests/pg.py): migrations from an empty database,
backend settings, transactions, the append-only audit log, writer serialisation, compare-and-set."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import inspect, make_url, select, text
from sqlalchemy.exc import IntegrityError

from assistant.cli.errors import error_text
from assistant.config import load_settings
from assistant.errors import ConfigError, ConflictError
from assistant.review.store import MIGRATIONS, SCHEMA_VERSION, WRITE_LOCK, AuditEntry, Proposal, Store, utcnow

TABLES = {"schema_version", "proposals", "versions", "findings", "verdicts", "decisions", "audit_log"}


@pytest.fixture
def store(review_db_url):
    s = Store(review_db_url)
    yield s
    s.close()


def _proposal(session, **kw) -> Proposal:
    now = utcnow()
    p = Proposal(
        title="t", author="alice", status="submitted", current_version=1, created_at=now, updated_at=now, **kw
    )
    session.add(p)
    session.flush()
    return p


def test_migration_from_an_empty_database(review_db_url):
    url = review_db_url
    with Store(url, migrate=False) as s:
        assert s.schema_version() == 0
        assert s.migrate() == SCHEMA_VERSION
        assert s.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1][0]
        with s.engine.connect() as conn:
            assert TABLES <= set(inspect(conn).get_table_names())
            applied = (
                conn.execute(text("SELECT version FROM schema_version ORDER BY version")).scalars().all()
            )
        assert applied == [v for v, _ in MIGRATIONS]
    with Store(url) as again:  # re-opening migrates nothing twice
        assert again.schema_version() == SCHEMA_VERSION
        with again.engine.connect() as conn:
            assert conn.scalar(text("SELECT COUNT(*) FROM schema_version")) == len(MIGRATIONS)


def test_migration_step_by_step_keeps_data(review_db_url):
    url = review_db_url
    with Store(url, migrate=False) as s:
        assert s.migrate(target=1) == 1
        with s.write() as session:
            _proposal(session)
    with Store(url) as s:  # opening applies the rest
        assert s.schema_version() == SCHEMA_VERSION
        with s.read() as session:
            assert session.scalar(select(Proposal.title)) == "t"


def test_default_database_lives_in_home_with_wal_and_foreign_keys(tmp_path):
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    with Store.from_settings(settings) as s:
        assert (settings.home / "assistant.db").exists()
        with s.read() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_db_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_DB_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with Store.from_settings(load_settings()) as s:
        assert s.schema_version() == SCHEMA_VERSION
    assert (tmp_path / "elsewhere.db").exists()


def test_in_memory_database_works():
    with Store("sqlite://") as s:
        with s.write() as session:
            _proposal(session)
        with s.read() as session:
            assert session.scalar(select(Proposal.id)) == 1


def test_bad_url_is_a_config_error():
    with pytest.raises(ConfigError, match="not a valid SQLAlchemy URL") as info:
        Store("not a url at all")
    assert info.value.field == "db_url" and "ASSISTANT_DB_URL" in error_text(info.value)


def test_write_rolls_back_on_exception(store):
    with pytest.raises(RuntimeError):
        with store.write() as session:
            _proposal(session)
            raise RuntimeError("crash mid-write")
    with store.read() as session:
        assert session.scalar(select(Proposal.id)) is None


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError):
        with store.write() as session:
            session.add(
                AuditEntry(at=utcnow(), actor="x", action="submit", proposal_id=999, version=1, details={})
            )


def test_audit_log_is_append_only(store):
    with store.write() as session:
        p = _proposal(session)
        session.add(
            AuditEntry(at=utcnow(), actor="alice", action="submit", proposal_id=p.id, version=1, details={})
        )
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(IntegrityError, match="append-only"):
            with store.write() as session:
                session.execute(text(sql))
    with store.read() as session:
        assert session.scalar(select(AuditEntry.actor)) == "alice"


def test_compare_and_set_row_version(store):
    with store.write() as session:
        pid = _proposal(session).id
    with store.write() as session:
        assert Store.bump_row_version(session, pid, 1, status="in_review") == 2
    with pytest.raises(ConflictError, match="changed meanwhile.*reload"):
        with store.write() as session:
            Store.bump_row_version(session, pid, 1, status="rejected")
    with store.read() as session:
        p = session.get(Proposal, pid)
        assert (p.status, p.row_version) == ("in_review", 2)


def test_datetimes_come_back_timezone_aware(store):
    with store.write() as session:
        pid = _proposal(session).id
    with store.read() as session:
        assert session.get(Proposal, pid).created_at.utcoffset().total_seconds() == 0


def test_sqlite_creates_the_folder_of_its_file(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'x.db'}") as s:
        assert s.schema_version() == SCHEMA_VERSION
    assert (tmp_path / "new" / "deeper" / "x.db").exists()


# --------------------------------------------------------------------------- PostgreSQL specifics


def _hold_write_lock(postgres_server, dbname: str):
    """Another session that holds the store's write lock (as a writer in the middle of a transaction)."""
    import psycopg

    conn = psycopg.connect(host=str(postgres_server.root), user="postgres", dbname=dbname, autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", (WRITE_LOCK,))
    return conn


def test_postgresql_audit_trigger_refuses_truncate_and_a_stale_version_gets_it(pg_url):
    with Store(pg_url, migrate=False) as s:
        s.migrate(target=2)  # a database migrated before step 3 has no trigger yet ...
        with s.write() as session:
            session.execute(text("DELETE FROM audit_log"))
        assert s.migrate() == SCHEMA_VERSION  # ... and gets it from step 3
        with s.write() as session:
            p = _proposal(session)
            session.add(AuditEntry(at=utcnow(), actor="a", action="submit", proposal_id=p.id, version=1))
        with pytest.raises(IntegrityError, match="append-only"):
            with s.write() as session:
                session.execute(text("TRUNCATE audit_log CASCADE"))
        with s.read() as session:
            assert session.scalar(select(AuditEntry.actor)) == "a"
            trigger = session.scalar(
                text(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
                )
            )
            assert trigger == "audit_log_append_only"


def test_postgresql_url_without_driver_name_uses_psycopg(postgres_server, pg_url):
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    with Store(plain) as s:
        assert s.engine.dialect.driver == "psycopg" and s.schema_version() == SCHEMA_VERSION


def test_postgresql_writers_wait_for_each_other_and_time_out_busy(postgres_server, pg_url):
    Store(pg_url).close()
    dbname = make_url(pg_url).database
    holder = _hold_write_lock(postgres_server, dbname)
    try:
        with Store(pg_url, busy_timeout_ms=200) as s:
            with s.read() as session:  # readers are not blocked
                assert session.scalar(select(Proposal.id)) is None
            start = time.monotonic()
            with pytest.raises(ConflictError, match="database is busy.*try again"):
                with s.write() as session:
                    _proposal(session)
            assert 0.15 <= time.monotonic() - start < 5
        release = threading.Timer(0.5, lambda: holder.execute("SELECT pg_advisory_unlock_all()"))
        release.start()
        with Store(pg_url) as s:
            start = time.monotonic()
            with s.write() as session:  # waits for the other writer instead of failing (within 15 s)
                _proposal(session)
            assert time.monotonic() - start >= 0.3
            release.join()
            with s.read() as session:
                assert session.scalar(select(Proposal.title)) == "t"
    finally:
        holder.close()


def test_postgresql_schema_migrates_once_when_replicas_start_together(pg_url):
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def replica() -> None:
        try:
            barrier.wait(timeout=30)
            Store(pg_url).close()
        except BaseException as exc:  # noqa: BLE001 - asserted below
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    with Store(pg_url) as s, s.read() as session:
        assert session.execute(
            text("SELECT version FROM schema_version ORDER BY version")
        ).scalars().all() == [v for v, _ in MIGRATIONS]


def test_missing_postgresql_driver_is_a_config_error(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_psycopg(name, *args, **kwargs):
        if name == "psycopg" or name.startswith("psycopg."):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_psycopg)
    with pytest.raises(ConfigError, match=r"driver is not installed.*\[postgres\]") as info:
        Store("postgresql+psycopg://u@/db?host=/nonexistent")
    assert info.value.field == "db_url"


DOCS = Path(__file__).resolve().parent.parent / "docs" / "scale-out.md"


def _docs_sql(label: str) -> list[str]:
    """The statements of the ```sql block marked `<!-- tested: ...roles_from_the_docs (label) -->`."""
    text_ = DOCS.read_text(encoding="utf-8")
    marker = f"test_postgresql_roles_from_the_docs ({label}) -->"
    block = text_[text_.index(marker) :].split("```sql\n", 1)[1].split("```", 1)[0]
    return [stmt.strip() for stmt in block.split(";") if stmt.strip()]


class D(BaseModel):
    title: str


def test_postgresql_roles_from_the_docs(postgres_server):
    """docs/scale-out.md's roles, run as written: the app role works the whole review flow but cannot
    change, delete or truncate the audit log, nor drop or disable its trigger; the owner is refused too."""
    import psycopg
    from psycopg import errors

    from assistant.review.service import ReviewService

    def connect(user: str, dbname: str):
        return psycopg.connect(host=str(postgres_server.root), user=user, dbname=dbname, autocommit=True)

    def url(user: str) -> str:
        return f"postgresql+psycopg://{user}@/la_assistant?host={postgres_server.root}"

    try:
        with postgres_server.admin() as su:
            for stmt in _docs_sql("superuser"):
                su.execute(stmt)
        Store(url("la_owner")).close()  # the owner creates the schema
        with connect("la_owner", "la_assistant") as owner:
            for stmt in _docs_sql("owner"):
                owner.execute(stmt)

        checker = lambda d: [  # noqa: E731
            {"rule": "retention", "principle": "storage_limitation", "severity": "major", "citation": {}}
        ]
        with ReviewService(Store(url("la_assistant")), ["bob", "carol"], checker=checker) as svc:
            assert svc.store.schema_version() == SCHEMA_VERSION  # nothing to migrate: no DDL needed
            pid = svc.submit(D(title="Dashboard"), "alice").id
            svc.evaluate(pid, "retention", "to_fix", "bob")
            svc.decide(pid, "carol", "changes_requested")
            svc.resubmit(pid, D(title="Dashboard v2"), "alice")
            assert [h.action for h in svc.show(pid).history] == ["submit", "evaluate", "decide", "resubmit"]

        with connect("la_assistant", "la_assistant") as app:
            for sql in (
                "UPDATE audit_log SET actor = 'mallory'",
                "DELETE FROM audit_log",
                "TRUNCATE audit_log",
                "DELETE FROM decisions",
                "DROP TRIGGER audit_log_append_only ON audit_log",
                "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
                "CREATE TABLE mine (x int)",
            ):
                with pytest.raises(errors.InsufficientPrivilege):
                    app.execute(sql)
        with connect("la_owner", "la_assistant") as owner:
            with pytest.raises(errors.IntegrityConstraintViolation, match="append-only"):
                owner.execute("UPDATE audit_log SET actor = 'mallory'")
            assert owner.execute("SELECT DISTINCT actor FROM audit_log ORDER BY 1").fetchall() == [
                ("alice",),
                ("bob",),
                ("carol",),
            ]
    finally:
        with postgres_server.admin() as su:
            su.execute("DROP DATABASE IF EXISTS la_assistant WITH (FORCE)")
            su.execute("DROP ROLE IF EXISTS la_assistant")
            su.execute("DROP ROLE IF EXISTS la_owner")


def test_missing_server_binaries_skip_with_the_fix_named(monkeypatch):
    from tests import pg

    monkeypatch.setattr(pg, "find_bindir", lambda: None)
    reason = pg.unavailable()
    assert "make postgres-deps" in reason and "apt-get install postgresql" in reason


def test_unreachable_postgresql_is_a_config_error_without_the_password(tmp_path):
    url = f"postgresql+psycopg://la_assistant:s3cret@/la_assistant?host={tmp_path}"  # no server there
    with pytest.raises(ConfigError, match="cannot be reached") as info:
        Store(url)
    message = error_text(info.value)
    assert info.value.field == "db_url" and "ASSISTANT_DB_URL" in message
    assert "s3cret" not in message and "la_assistant:***@" in message
