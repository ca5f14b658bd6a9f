"""The review store: SQLAlchemy 2 ORM over SQLite (default, WAL) or PostgreSQL (psycopg 3).

Every write runs in one transaction (`Store.write()`), and writers are serialised on both backends:
on SQLite the transaction starts with `BEGIN IMMEDIATE`, on PostgreSQL it first takes a transaction-
scoped advisory lock (`WRITE_LOCK`), so a writer always reads the state the previous writer committed
and a crash mid-write leaves the previous state. Waiting for that lock is bounded by `busy_timeout_ms`
on both (SQLite `busy_timeout`, PostgreSQL `lock_timeout`); running out raises ConflictError
("busy"). A read session is one snapshot (SQLite WAL read transaction; PostgreSQL REPEATABLE READ).
Proposals carry a `row_version` for optimistic concurrency (`bump_row_version`: compare-and-set in the
UPDATE). The schema is created and migrated on start from a versioned list (`MIGRATIONS`,
`schema_version`); the same steps run on both backends. The audit log is append-only in the database
itself: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) with an integrity error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.pool import StaticPool

from assistant.errors import ConfigError, ConflictError

__all__ = [
    "SCHEMA_VERSION",
    "MIGRATIONS",
    "Base",
    "Proposal",
    "Version",
    "FindingRow",
    "Verdict",
    "Decision",
    "AuditEntry",
    "SchemaVersion",
    "Store",
    "WRITE_LOCK",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON}


class SchemaVersion(Base):
    """One row per applied migration."""

    __tablename__ = "schema_version"
    version: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    applied_at: Mapped[datetime]


class Proposal(Base):
    """A submitted draft under review; `row_version` increases with every change."""

    __tablename__ = "proposals"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    current_version: Mapped[int]
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    versions: Mapped[list[Version]] = relationship(back_populates="proposal", order_by="Version.version")


class Version(Base):
    """One submitted version of a proposal's draft (JSON exchange format)."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("proposal_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"))
    version: Mapped[int]
    draft_json: Mapped[dict[str, Any]]
    submitted_at: Mapped[datetime]
    proposal: Mapped[Proposal] = relationship(back_populates="versions")
    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="version_row", order_by="FindingRow.position"
    )


class FindingRow(Base):
    """A checker finding stored with the version it was found in."""

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int]
    rule: Mapped[str] = mapped_column(String(100))
    principle: Mapped[str] = mapped_column(String(100))
    severity: Mapped[str] = mapped_column(String(16))
    field: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fix: Mapped[str] = mapped_column(Text, default="")
    version_row: Mapped[Version] = relationship(back_populates="findings")
    verdicts: Mapped[list[Verdict]] = relationship(back_populates="finding", order_by="Verdict.id")


class Verdict(Base):
    """A reviewer's verdict on one finding; a later verdict supersedes, none is ever deleted."""

    __tablename__ = "verdicts"
    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="RESTRICT"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due: Mapped[date | None] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    finding: Mapped[FindingRow] = relationship(back_populates="verdicts")


class Decision(Base):
    """A reviewer's decision on one version: approved, changes_requested or rejected."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int]
    decision: Mapped[str] = mapped_column(String(32))
    reviewer: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class AuditEntry(Base):
    """Append-only: who did what, when, on which version (triggers refuse UPDATE/DELETE; migrations 2, 3)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_proposal", "proposal_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="RESTRICT"))
    version: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


# --------------------------------------------------------------------------- migrations


def _m1_tables(conn: Connection) -> None:
    """Create the review tables (v1)."""
    tables = [t for name, t in Base.metadata.tables.items() if name != "schema_version"]
    Base.metadata.create_all(conn, tables=tables)


def _m2_append_only_audit(conn: Connection) -> None:
    """Make audit_log append-only at the database level on SQLite (triggers; PostgreSQL: step 3)."""
    if conn.dialect.name != "sqlite":
        return
    for op in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{op.lower()} BEFORE {op} ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        )


def _m3_append_only_audit_postgresql(conn: Connection) -> None:
    """Make audit_log append-only on PostgreSQL: a statement trigger refuses UPDATE, DELETE and TRUNCATE
    with SQLSTATE 23000 (integrity_constraint_violation, an IntegrityError as on SQLite). A table owner
    can still drop the trigger, so the app's role should not own the tables (docs/scale-out.md)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only (' || TG_OP || ' refused)', "
        "ERRCODE = 'integrity_constraint_violation'; END $$"
    )
    conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
    conn.exec_driver_sql(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


# Append only; never edit an applied step (add a new one). Step 1 creates the tables from the ORM
# models, so a later column change must be a new step that checks for the column before adding it.
# A step that concerns one backend returns early on the others, so the numbering is the same on both.
MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _m1_tables),
    (2, _m2_append_only_audit),
    (3, _m3_append_only_audit_postgresql),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]

# PostgreSQL advisory-lock keys: the migration (held while migrating) and every write transaction.
MIGRATION_LOCK = 727001
WRITE_LOCK = 727002


# --------------------------------------------------------------------------- engine and store


def _sqlite_engine(url, busy_timeout_ms: int) -> Engine:
    database = url.database or ""
    memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": busy_timeout_ms / 1000}}
    if memory:
        kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys = ON")
            if not memory:
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("assistant_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgresql_engine(url, busy_timeout_ms: int) -> Engine:
    try:
        import psycopg  # noqa: F401 - only to name the missing extra clearly
    except ImportError:
        raise ConfigError(key="error.store.driver_missing", field="db_url", extra="postgres") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("assistant_write", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout_ms)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def _is_busy(exc: OperationalError) -> bool:
    """SQLite: "database is locked"/"busy"; PostgreSQL: lock_timeout (SQLSTATE 55P03)."""
    return getattr(exc.orig, "sqlstate", None) == "55P03" or "locked" in str(exc) or "busy" in str(exc)


class Store:
    """Database access for the review workflow. Use `read()` / `write()` sessions; `close()` at the end.

    `url` is a SQLAlchemy URL (the `db_url` setting): `sqlite:///PATH`, or `postgresql+psycopg://...`
    (`postgresql://` means the same; needs the `postgres` extra). A URL that does not parse, or a
    PostgreSQL URL without the driver installed, or a server that cannot be reached when the store
    opens (the message shows the URL without its password), raises ConfigError with `field="db_url"`.
    `busy_timeout_ms` is how long a writer waits for another writer's lock before ConflictError.
    """

    def __init__(self, url: str, *, busy_timeout_ms: int = 15000, migrate: bool = True) -> None:
        try:
            parsed = make_url(url)
        except Exception as exc:
            raise ConfigError(key="error.store.bad_url", field="db_url", url=repr(url), reason=exc) from None
        self.url = parsed
        backend = parsed.get_backend_name()
        self.is_sqlite = backend == "sqlite"
        if self.is_sqlite:
            self.engine = _sqlite_engine(parsed, busy_timeout_ms)
        elif backend == "postgresql":
            self.engine = _postgresql_engine(parsed, busy_timeout_ms)
        else:
            self.engine = create_engine(parsed)
        if migrate:
            try:
                self.migrate()
            except OperationalError as exc:
                self.engine.dispose()
                if self.is_sqlite or _is_busy(exc):
                    raise
                reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
                raise ConfigError(
                    key="error.store.unreachable",
                    field="db_url",
                    url=parsed.render_as_string(hide_password=True),
                    reason=reason,
                ) from None
            except BaseException:
                self.engine.dispose()
                raise

    @classmethod
    def from_settings(cls, settings) -> Store:
        return cls(settings.database_url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session: one consistent snapshot, rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                session.connection(execution_options={"assistant_write": True})
                yield session
                session.commit()
            except OperationalError as exc:
                session.rollback()
                if _is_busy(exc):
                    raise ConflictError(key="error.store.busy") from exc
                raise
            except BaseException:
                session.rollback()
                raise

    # ----------------------------------------------------------------------- schema

    def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("schema_version"):
                return 0
            return conn.scalar(text("SELECT COALESCE(MAX(version), 0) FROM schema_version")) or 0

    def migrate(self, target: int | None = None) -> int:
        """Apply the pending migrations (up to `target`) in one write transaction; returns the version."""
        target = SCHEMA_VERSION if target is None else target
        if (current := self.schema_version()) >= target:  # the common case: no write lock needed
            return current
        with self.engine.connect() as conn:
            conn = conn.execution_options(assistant_write=True)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
                SchemaVersion.__table__.create(conn, checkfirst=True)
                current = (
                    conn.scalar(select(SchemaVersion.version).order_by(SchemaVersion.version.desc())) or 0
                )
                for version, step in MIGRATIONS:
                    if current < version <= target:
                        step(conn)
                        conn.execute(
                            SchemaVersion.__table__.insert().values(version=version, applied_at=utcnow())
                        )
                        current = version
        return current

    # ----------------------------------------------------------------------- optimistic concurrency

    @staticmethod
    def bump_row_version(session: Session, proposal_id: int, expected: int, **values: Any) -> int:
        """Compare-and-set: `UPDATE proposals SET row_version = expected + 1, ... WHERE id = ? AND
        row_version = expected`. Raises ConflictError when another writer got there first."""
        result = session.execute(
            update(Proposal)
            .where(Proposal.id == proposal_id, Proposal.row_version == expected)
            .values(row_version=expected + 1, **values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ConflictError(key="error.store.changed", id=proposal_id)
        return expected + 1
