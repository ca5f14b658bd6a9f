"""The review store: migrations from an empty database, SQLite settings, transactions, compare-and-set."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from assistant.cli.errors import error_text
from assistant.config import load_settings
from assistant.errors import ConfigError, ConflictError
from assistant.review.store import MIGRATIONS, SCHEMA_VERSION, AuditEntry, Proposal, Store, utcnow

TABLES = {"schema_version", "proposals", "versions", "findings", "verdicts", "decisions", "audit_log"}


@pytest.fixture
def store(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'db' / 'review.db'}")
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


def test_migration_from_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'new' / 'x.db'}"
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


def test_migration_step_by_step_keeps_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
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
