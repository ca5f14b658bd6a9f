"""The review workflow: state machine, roles, approval rules, concurrency, crash safety, export."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select, text

from assistant.cli.errors import error_text
from assistant.errors import ConfigError, ConflictError, InputError, ReviewError
from assistant.exports.review import export_review, render_docx, render_markdown, safe_output_path
from assistant.review.service import ReviewService
from assistant.review.store import AuditEntry, Decision, FindingRow, Proposal, Store, Verdict, Version

ROOT = Path(__file__).resolve().parent.parent
REVIEWERS = ["Bob", "Carol"]
GAPS = [("legal_basis", "blocker"), ("retention", "major"), ("privacy_statement", "minor")]


class FakeDraft(BaseModel):
    """Stands in for proposal.Draft: the fake checker reports `gaps` as findings."""

    model_config = ConfigDict(extra="allow")
    title: str = "Study-progress dashboard"
    summary: str = "Students see their own progress per course."
    project_type: str = "implementation"
    areas: list[str] = ["1a"]
    gaps: list[tuple[str, str]] = GAPS


def fake_checker(draft: FakeDraft) -> list[dict]:
    return [
        {
            "rule": rule,
            "principle": rule,
            "severity": severity,
            "field": rule,
            "message": f"{rule} is missing.",
            "fix": f"Describe the {rule}.",
            "citation": {
                "source": "uu-learning-analytics-beleid.md",
                "section": "3.2 Privacy-principes",
                "text": f"Passage about {rule}.",
            },
        }
        for rule, severity in draft.gaps
    ]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def db_url(review_db_url) -> str:
    """Every test of the workflow runs on SQLite and on a real PostgreSQL (conftest.review_db_url)."""
    return review_db_url


def assert_database_sound(store: Store) -> None:
    """SQLite: the file passes `PRAGMA integrity_check`. PostgreSQL: the killed client's transaction
    was rolled back by the server, so no session holds the write lock any more (waited for up to 10 s)."""
    if store.is_sqlite:
        with store.read() as s:
            assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        return
    deadline = time.monotonic() + 10
    while True:
        with store.read() as s:
            held = s.scalar(text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"))
        if held == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert held == 0, "a killed writer's transaction still holds the write lock"


@pytest.fixture
def svc(db_url):
    service = ReviewService(Store(db_url), REVIEWERS, checker=fake_checker, clock=Clock())
    yield service
    service.close()


def ready_for_approval(svc, pid):
    svc.evaluate(
        pid,
        "legal_basis",
        "acceptable",
        "bob",
        comment="Public interest task; see the faculty privacy memo.",
        accept_risk=True,
    )
    svc.evaluate(
        pid,
        "retention",
        "improvable",
        "bob",
        action="Set a retention period",
        owner="Alice",
        due="2027-01-31",
    )


def bring_to(svc, status: str) -> int:
    pid = svc.submit(FakeDraft(), "Alice").id
    if status == "in_review":
        svc.evaluate(pid, "privacy_statement", "to_fix", "bob")
    elif status in ("approved", "changes_requested", "rejected"):
        if status == "approved":
            ready_for_approval(svc, pid)
        svc.decide(pid, "carol", status)
    assert svc.show(pid).status == status
    return pid


# --------------------------------------------------------------------------- submit / show


def test_submit_stores_findings_with_the_version(svc):
    view = svc.submit(FakeDraft(), "Alice")
    assert (view.status, view.version, view.row_version, view.author) == ("submitted", 1, 1, "Alice")
    assert [(f.rule, f.severity, f.verdict) for f in view.findings] == [(r, s, None) for r, s in GAPS]
    assert view.findings[0].citation.section == "3.2 Privacy-principes"
    assert view.draft["title"] == "Study-progress dashboard"
    assert [(h.action, h.actor, h.version) for h in view.history] == [("submit", "Alice", 1)]
    assert view.severities == {"blocker": 1, "major": 1, "minor": 1}
    assert "blocker finding legal_basis has no verdict" in view.approval_blockers


def test_submit_runs_the_real_checker_on_a_dict_draft(db_url):
    draft = {
        "title": "Dashboard",
        "summary": "Students see their progress.",
        "project_type": "implementation",
        "areas": ["1a"],
        "purposes": [],
        "stakeholders": [],
        "data": [],
        "necessity": "",
        "legal_basis": None,
        "retention": "",
        "security_measures": [],
        "uses_ai": False,
        "human_in_the_loop": "",
        "interests_weighed": "",
        "analysis_validation": "",
        "responsible": "",
    }
    with ReviewService(Store(db_url), REVIEWERS) as svc:
        view = svc.submit(draft, "Alice")
    assert view.findings, "an almost empty draft has gaps"
    assert {f.severity for f in view.findings} <= {"blocker", "major", "minor"}
    assert all(f.citation.section for f in view.findings)


def test_submit_rejects_a_bad_draft_with_input_error(db_url):
    with ReviewService(Store(db_url), REVIEWERS) as svc:
        with pytest.raises(InputError):
            svc.submit({"title": 3, "project_type": "space"}, "Alice")
        assert svc.list() == []


def test_unknown_id_is_a_clear_error(svc):
    for call in (
        lambda: svc.show(42),
        lambda: svc.decide(42, "bob", "rejected"),
        lambda: svc.evaluate(42, "x", "to_fix", "bob"),
    ):
        with pytest.raises(ReviewError, match="no proposal with id 42"):
            call()


def test_list_filters_by_status(svc):
    a = bring_to(svc, "submitted")
    b = bring_to(svc, "rejected")
    assert {p.id for p in svc.list()} == {a, b}
    assert [p.id for p in svc.list(status="rejected")] == [b]
    assert svc.list(status="submitted")[0].severities == {"blocker": 1, "major": 1, "minor": 1}
    with pytest.raises(InputError, match="Unknown status"):
        svc.list(status="done")


# --------------------------------------------------------------------------- the state machine

ALLOWED = [
    ("submitted", "evaluate", "in_review"),
    ("in_review", "evaluate", "in_review"),
    ("submitted", "changes_requested", "changes_requested"),
    ("submitted", "rejected", "rejected"),
    ("in_review", "changes_requested", "changes_requested"),
    ("in_review", "rejected", "rejected"),
    ("in_review", "approved", "approved"),
    ("submitted", "resubmit", "submitted"),
    ("changes_requested", "resubmit", "submitted"),
]
REFUSED = [
    (status, action)
    for status in ("approved", "rejected", "changes_requested")
    for action in ("evaluate", "approved", "changes_requested", "rejected")
    if action != status  # the same decision by the same reviewer again is a no-op (issue 19)
] + [("in_review", "resubmit"), ("approved", "resubmit"), ("rejected", "resubmit")]


def act(svc, pid, action):
    if action == "evaluate":
        return svc.evaluate(pid, "retention", "to_fix", "bob")
    if action == "resubmit":
        return svc.resubmit(pid, FakeDraft(title="Changed"), "alice")
    if action == "approved":
        # make the approval rules hold when the state allows evaluating at all
        if svc.show(pid).status in ("submitted", "in_review"):
            ready_for_approval(svc, pid)
            svc.evaluate(pid, "privacy_statement", "acceptable", "bob")
    return svc.decide(pid, "carol", action)


@pytest.mark.parametrize(("start", "action", "end"), ALLOWED)
def test_allowed_transition(svc, start, action, end):
    pid = bring_to(svc, start)
    view = act(svc, pid, action)
    assert view.status == end
    assert view.history[-1].action in ("evaluate", "decide", "resubmit")


@pytest.mark.parametrize(("start", "action"), REFUSED)
def test_refused_transition_leaves_state_unchanged(svc, start, action):
    pid = bring_to(svc, start)
    before = svc.show(pid)
    with pytest.raises(ReviewError, match=f"is (already )?{start}"):
        act(svc, pid, action)
    after = svc.show(pid)
    assert (after.status, after.row_version, len(after.history)) == (
        start,
        before.row_version,
        len(before.history),
    )


@pytest.mark.parametrize("decision", ["approved", "rejected", "changes_requested"])
def test_a_repeated_identical_decision_is_a_no_op(svc, decision):
    """A double-clicked decision button: the second, identical decision changes nothing and is no
    conflict, even from the stale view; another decision or another reviewer is still refused."""
    pid = bring_to(svc, decision)
    before = svc.show(pid)
    again = svc.decide(pid, "carol", decision, expected_row_version=before.row_version - 1)
    assert (again.status, again.row_version, len(again.history)) == (
        decision,
        before.row_version,
        len(before.history),
    )
    with pytest.raises(ReviewError, match=f"is already {decision}"):
        svc.decide(pid, "bob", decision)
    with pytest.raises(ConflictError):
        svc.decide(pid, "carol", decision, comment="A different comment.", expected_row_version=1)


def test_clean_draft_can_be_approved_straight_from_submitted(svc):
    pid = svc.submit(FakeDraft(gaps=[("privacy_statement", "minor")]), "Alice").id
    assert svc.decide(pid, "bob", "approved").status == "approved"


def test_resubmit_keeps_every_version_finding_and_verdict(svc):
    pid = bring_to(svc, "in_review")
    svc.decide(pid, "carol", "changes_requested", comment="Add a retention period.")
    v2 = svc.resubmit(pid, FakeDraft(title="Dashboard v2", gaps=[("retention", "major")]), "ALICE")
    assert (v2.status, v2.version, v2.title) == ("submitted", 2, "Dashboard v2")
    assert [(f.rule, f.verdict) for f in v2.findings] == [("retention", None)]
    assert [v.version for v in v2.versions] == [1, 2]
    v1 = svc.show(pid, version=1)
    assert v1.draft["title"] == "Study-progress dashboard"
    assert {f.rule: f.verdict for f in v1.findings}["privacy_statement"] == "to_fix"
    assert [h.action for h in v2.history] == ["submit", "evaluate", "decide", "resubmit"]
    assert [h.version for h in v2.history] == [1, 1, 1, 2]
    assert v2.decision.decision == "changes_requested"  # the latest decision stays visible
    with pytest.raises(InputError, match="no version 3"):
        svc.show(pid, version=3)


# --------------------------------------------------------------------------- roles


def test_author_cannot_review_own_draft(db_url):
    with ReviewService(Store(db_url), ["alice", "bob"], checker=fake_checker) as svc:
        pid = svc.submit(FakeDraft(), "Alice").id
        with pytest.raises(
            ReviewError, match=r"author of proposal 1 and cannot review it \(separation of duties\)"
        ):
            svc.evaluate(pid, "retention", "to_fix", "alice")
        with pytest.raises(ReviewError, match="separation of duties"):
            svc.decide(pid, " ALICE ", "rejected")
        assert svc.show(pid).status == "submitted"


def test_only_configured_reviewers_evaluate_and_decide(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(ReviewError, match="Mallory is not a configured reviewer"):
        svc.evaluate(pid, "retention", "to_fix", "Mallory")
    with pytest.raises(ReviewError, match="not a configured reviewer"):
        svc.decide(pid, "Mallory", "rejected")
    assert svc.evaluate(pid, "retention", "to_fix", "bOB").findings[1].evaluation.reviewer == "bOB"


def test_no_reviewers_configured_names_the_setting(db_url):
    with ReviewService(Store(db_url), [], checker=fake_checker) as svc:
        pid = svc.submit(FakeDraft(), "Alice").id
        with pytest.raises(ConfigError) as info:
            svc.decide(pid, "bob", "rejected")
    assert info.value.field == "reviewers"  # the library names the setting by its field ...
    assert "ASSISTANT_REVIEWERS" in error_text(info.value)  # ... the CLI by its environment variable


def test_reviewers_from_settings_and_roles_file(tmp_path, monkeypatch):
    from assistant.config import load_settings

    roles = tmp_path / "roles.toml"
    roles.write_text('reviewers = ["Dana"]\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_REVIEWERS", "Bob, Carol")
    monkeypatch.setenv("ASSISTANT_ROLES_FILE", str(roles))
    with ReviewService.from_settings(load_settings(), checker=fake_checker) as svc:
        pid = svc.submit(FakeDraft(), "Alice").id
        svc.evaluate(pid, "retention", "to_fix", "dana")
        assert svc.decide(pid, "CAROL", "rejected").status == "rejected"


def test_only_the_author_resubmits(svc):
    pid = bring_to(svc, "changes_requested")
    with pytest.raises(ReviewError, match=r"Only the author \(Alice\)"):
        svc.resubmit(pid, FakeDraft(), "Bob")


def test_names_are_required(svc):
    with pytest.raises(InputError, match="author name"):
        svc.submit(FakeDraft(), "  ")
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(InputError, match="reviewer name"):
        svc.decide(pid, "", "rejected")


# --------------------------------------------------------------------------- approval rules


def test_approval_needs_verdicts_on_blockers_and_majors(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(
        ReviewError, match="blocker finding legal_basis has no verdict.*major finding retention"
    ):
        svc.decide(pid, "bob", "approved")
    ready_for_approval(svc, pid)  # the minor finding may stay without a verdict
    view = svc.decide(pid, "bob", "approved", comment="Good to go.")
    assert view.status == "approved"
    assert (view.decision.decision, view.decision.reviewer, view.decision.comment) == (
        "approved",
        "bob",
        "Good to go.",
    )


def test_approval_refused_while_a_to_fix_is_left(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    ready_for_approval(svc, pid)
    svc.evaluate(pid, "privacy_statement", "to_fix", "carol")
    with pytest.raises(ReviewError, match="privacy_statement is marked to_fix"):
        svc.decide(pid, "bob", "approved")
    svc.evaluate(pid, "privacy_statement", "acceptable", "carol")  # a later verdict supersedes
    assert svc.decide(pid, "bob", "approved").status == "approved"


def test_blocker_acceptable_needs_a_reason(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(ReviewError, match="blocker: `acceptable` needs a reason") as info:
        svc.evaluate(pid, "legal_basis", "acceptable", "bob", comment="   ")
    assert info.value.field == "comment" and "(--comment)" in error_text(info.value)
    svc.evaluate(pid, "retention", "acceptable", "bob")  # a major needs none
    reason = "Accepted risk: a pilot only, the privacy officer agreed."
    view = svc.evaluate(pid, "legal_basis", "acceptable", "bob", comment=reason, accept_risk=True)
    assert view.findings[0].evaluation.comment == reason


@pytest.mark.parametrize(
    ("kwargs", "error", "message", "field"),
    [
        ({"action": "Do it", "owner": "Alice"}, ReviewError, "missing --due", "due"),
        ({"owner": "Alice", "due": "2027-01-01"}, ReviewError, "missing --action", "action"),
        ({"due": "2027-01-01"}, ReviewError, "missing --action, --owner", "action"),
        ({"action": "Do it", "owner": "Alice", "due": "31-01-2027"}, InputError, "YYYY-MM-DD", "due"),
        ({"action": "Do it", "owner": "Alice", "due": "2027-02-30"}, InputError, "YYYY-MM-DD", "due"),
    ],
)
def test_improvable_needs_action_owner_and_due(svc, kwargs, error, message, field):
    """The library names the missing field; the CLI shows it as its flag."""
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(error) as info:
        svc.evaluate(pid, "retention", "improvable", "bob", **kwargs)
    assert re.search(message, error_text(info.value)), error_text(info.value)
    assert "--" not in str(info.value) and info.value.field == field


def test_action_fields_only_with_improvable(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(ReviewError, match="belong to an `improvable` verdict") as info:
        svc.evaluate(pid, "retention", "to_fix", "bob", owner="Alice")
    assert info.value.field == "owner"
    assert error_text(info.value).startswith("--action, --owner and --due belong")


def test_bad_verdict_decision_and_finding(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    with pytest.raises(InputError, match="Unknown verdict 'fine'.*acceptable, improvable, to_fix"):
        svc.evaluate(pid, "retention", "fine", "bob")
    with pytest.raises(InputError, match="Unknown decision"):
        svc.decide(pid, "bob", "maybe")
    with pytest.raises(InputError, match="no finding 'nope'.*legal_basis"):
        svc.evaluate(pid, "nope", "to_fix", "bob")
    assert svc.evaluate(pid, "RETENTION", "to-fix", "bob").findings[1].verdict == "to_fix"


def test_duplicate_rule_is_addressed_by_finding_id(svc):
    pid = svc.submit(FakeDraft(gaps=[("data", "major"), ("data", "major")]), "Alice").id
    with pytest.raises(InputError, match="has 2 findings.*finding id"):
        svc.evaluate(pid, "data", "to_fix", "bob")
    second = svc.show(pid).findings[1].id
    view = svc.evaluate(pid, str(second), "to_fix", "bob")
    assert [f.verdict for f in view.findings] == [None, "to_fix"]


def test_action_plan_and_history(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    ready_for_approval(svc, pid)
    plan = svc.action_plan(pid)
    assert [(a.what, a.owner, a.due, a.rule) for a in plan] == [
        ("Set a retention period", "Alice", date(2027, 1, 31), "retention")
    ]
    history = svc.show(pid).history
    assert [(h.action, h.actor, h.version) for h in history] == [
        ("submit", "Alice", 1),
        ("evaluate", "bob", 1),
        ("evaluate", "bob", 1),
    ]
    assert history[2].details["verdict"] == "improvable" and history[2].details["due"] == "2027-01-31"
    assert all(h.at.tzinfo is not None for h in history)


# --------------------------------------------------------------------------- concurrency


def test_stale_row_version_is_a_conflict(svc):
    pid = svc.submit(FakeDraft(), "Alice").id
    seen = svc.show(pid).row_version
    svc.evaluate(pid, "retention", "to_fix", "bob", expected_row_version=seen)
    with pytest.raises(ConflictError, match="changed meanwhile.*reload"):
        svc.decide(pid, "carol", "rejected", expected_row_version=seen)
    assert svc.show(pid).status == "in_review"


_WORKER = r"""
import json, os, sys, time
from assistant.review.service import ReviewService
from assistant.review.store import Store
from assistant.errors import ConflictError, ReviewError
url, reviewer, decision, go, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
svc = ReviewService(Store(url), ["bob", "carol"])
seen = {pid: svc.show(pid).row_version for pid in ids}
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
out = []
for i, pid in enumerate(ids):
    expected = seen[pid] if i % 2 == 0 else None  # half optimistic with the row_version read before, half fresh
    try:
        svc.decide(pid, reviewer, decision, expected_row_version=expected)
        out.append([pid, "ok"])
    except ConflictError:
        out.append([pid, "conflict"])
    except ReviewError:
        out.append([pid, "refused"])
svc.close()
print(json.dumps(out), flush=True)
"""


def _spawn(args, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", *args],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kw,
    )


def test_two_processes_deciding_at_once_record_exactly_one_decision(svc, db_url, tmp_path):
    ids = [svc.submit(FakeDraft(gaps=[]), f"Author{i}").id for i in range(10)]
    go = tmp_path / "go"
    workers = [
        _spawn([_WORKER, db_url, name, decision, str(go), json.dumps(ids)])
        for name, decision in (("bob", "rejected"), ("carol", "changes_requested"))
    ]
    for w in workers:
        assert w.stdout.readline().strip() == "ready", w.stderr.read()
    go.touch()
    results = []
    for w in workers:
        out, err = w.communicate(timeout=60)
        assert w.returncode == 0, err
        results.append(dict(json.loads(out.strip().splitlines()[-1])))
    for i, pid in enumerate(ids):
        outcomes = sorted(r[pid] for r in results)
        assert outcomes.count("ok") == 1, (pid, outcomes)
        # with the row_version read before: "changed meanwhile"; fresh: "already decided"
        assert outcomes == (["conflict", "ok"] if i % 2 == 0 else ["ok", "refused"]), (pid, outcomes)
    with svc.store.read() as s:
        per_proposal = dict(
            s.execute(select(Decision.proposal_id, func.count()).group_by(Decision.proposal_id)).all()
        )
        assert per_proposal == {pid: 1 for pid in ids}
        for pid in ids:
            p = s.get(Proposal, pid)
            assert p.row_version == 2 and p.status in ("rejected", "changes_requested")
            assert s.scalar(select(func.count()).where(AuditEntry.proposal_id == pid)) == 2


# --------------------------------------------------------------------------- crash safety


def test_exception_mid_transaction_leaves_previous_state(svc, monkeypatch):
    pid = svc.submit(FakeDraft(), "Alice").id
    before = svc.show(pid)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ReviewService, "_audit", staticmethod(boom))
    with pytest.raises(RuntimeError):
        svc.evaluate(pid, "retention", "improvable", "bob", action="x", owner="y", due="2027-01-01")
    with pytest.raises(RuntimeError):
        svc.decide(pid, "bob", "rejected")
    with pytest.raises(RuntimeError):
        svc.submit(FakeDraft(), "Alice")
    monkeypatch.undo()
    after = svc.show(pid)
    assert after.model_dump() == before.model_dump()
    assert [p.id for p in svc.list()] == [pid]
    with svc.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Verdict)) == 0


_KILL_MID_WRITE = r"""
import os, signal, sys
from assistant.review.service import ReviewService
from assistant.review.store import Store
svc = ReviewService(Store(sys.argv[1]), ["bob"])
real = ReviewService._audit
def audit_then_die(s, *args, **kwargs):
    real(s, *args, **kwargs)
    s.flush()  # every row of the change is written into the open transaction
    os.kill(os.getpid(), signal.SIGKILL)
ReviewService._audit = staticmethod(audit_then_die)
svc.decide(int(sys.argv[2]), "bob", "rejected")
"""


def test_process_killed_inside_a_write_leaves_previous_state(svc, db_url):
    pid = svc.submit(FakeDraft(), "Alice").id
    before = svc.show(pid)
    proc = _spawn([_KILL_MID_WRITE, db_url, str(pid)])
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err
    with ReviewService(Store(db_url), REVIEWERS) as fresh:
        assert_database_sound(fresh.store)
        assert fresh.show(pid).model_dump() == before.model_dump()
        with fresh.store.read() as s:
            assert s.scalar(select(func.count()).select_from(Decision)) == 0
        fresh.decide(pid, "bob", "rejected")  # and the next writer is not blocked by the dead one
        assert fresh.show(pid).status == "rejected"


_WRITE_LOOP = r"""
import sys
from assistant.review.service import ReviewService
from assistant.review.store import Store
svc = ReviewService(Store(sys.argv[1]), ["bob"], checker=lambda d: [
    {"rule": "retention", "principle": "storage_limitation", "severity": "major", "citation": {}}])
from pydantic import BaseModel
class D(BaseModel):
    title: str
while True:
    pid = svc.submit(D(title="loop"), "alice").id
    print("submit", pid, flush=True)
    svc.evaluate(pid, "retention", "to_fix", "bob")
    print("evaluate", pid, flush=True)
    svc.decide(pid, "bob", "rejected")
    print("decide", pid, flush=True)
"""


def test_sigkill_during_a_write_loop_loses_no_committed_change(db_url):
    Store(db_url).close()  # create the schema first
    proc = _spawn([_WRITE_LOOP, db_url])
    committed: list[tuple[str, int]] = []
    deadline = time.monotonic() + 30
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        action, pid = line.split()
        committed.append((action, int(pid)))
    time.sleep(0.05)  # land the kill somewhere inside the next writes
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert len(committed) >= 25, proc.stderr.read() if proc.stderr else ""
    with Store(db_url) as store:
        assert_database_sound(store)
    with Store(db_url) as store, store.read() as s:
        for action, pid in committed:  # every change the writer saw committed is there
            p = s.get(Proposal, pid)
            assert p is not None
            if action == "decide":
                assert p.status == "rejected"
        for p in s.scalars(select(Proposal)):  # and every proposal is whole: no half-written change
            verdicts = s.scalar(
                select(func.count())
                .select_from(Verdict)
                .join(FindingRow)
                .join(Version)
                .where(Version.proposal_id == p.id)
            )
            decisions = s.scalar(select(func.count()).where(Decision.proposal_id == p.id))
            audits = s.scalar(select(func.count()).where(AuditEntry.proposal_id == p.id))
            assert p.row_version == 1 + verdicts + decisions
            assert audits == 1 + verdicts + decisions
            assert p.status == {0: "submitted", 1: "in_review", 2: "rejected"}[verdicts + decisions]


# --------------------------------------------------------------------------- export


@pytest.fixture
def reviewed(svc):
    pid = svc.submit(FakeDraft(purposes=["Self-regulation"], uses_ai=False), "Alice").id
    ready_for_approval(svc, pid)
    svc.evaluate(pid, "privacy_statement", "acceptable", "carol", comment="Covered by the course statement.")
    return svc.decide(pid, "carol", "approved", comment="Approved with one action.")


def test_markdown_export_reads_well(reviewed):
    md = render_markdown(reviewed)
    assert md.startswith(f"# Review of proposal {reviewed.id}: Study-progress dashboard")
    for expected in (
        "Status: **approved**",
        "**Summary**: Students see their own progress per course.",
        "**Purposes**: Self-regulation",
        "**Uses AI**: no",
        "### [BLOCKER] legal_basis",
        "### [MAJOR] retention",
        "### [MINOR] privacy_statement",
        "Policy: *3.2 Privacy-principes* (uu-learning-analytics-beleid.md)",
        "> Passage about legal_basis.",
        "acceptable by bob",
        "reason: Public interest task; see the faculty privacy memo.",
        "| What | Owner | Due | Finding | Reviewer |",
        "| Set a retention period | Alice | 2027-01-31 |",
        "approved by carol",
        "Approved with one action.",
        "## History",
        "| submit |",
    ):
        assert expected in md, expected


def test_docx_export_has_findings_citations_action_plan_and_history(reviewed, tmp_path):
    import docx

    path = export_review(reviewed, "docx", tmp_path / "out" / "review.docx")
    doc = docx.Document(str(path))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    for expected in (
        "[BLOCKER] legal_basis (legal_basis)",
        "Passage about retention.",
        "Policy: 3.2 Privacy-principes",
        "Verdict: improvable by bob",
        "Action plan",
        "History",
    ):
        assert expected in paragraphs, expected
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    plan = next(t for t in tables if t[0] == ["What", "Owner", "Due", "Finding", "Reviewer"])
    assert plan[1] == ["Set a retention period", "Alice", "2027-01-31", "retention (major)", "bob"]
    history = next(t for t in tables if t[0][:3] == ["When", "Who", "Action"])
    assert [row[2] for row in history[1:]] == ["submit", "evaluate", "evaluate", "evaluate", "decide"]
    assert doc.core_properties.title.startswith(f"Review of proposal {reviewed.id}")
    assert render_docx(reviewed)[:2] == b"PK"


def test_export_path_safety(reviewed, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (tmp_path / "outside").mkdir()
    (folder / "link").symlink_to(tmp_path / "outside")
    written = export_review(reviewed, "md", "a/review.md", folder=folder)
    assert written == (folder / "a" / "review.md").resolve() and written.read_text().startswith("# Review")
    for bad, message in (
        ("../escape.md", "outside the export folder"),
        (str(tmp_path / "abs.md"), "outside the export folder"),
        ("link/x.md", "outside the export folder"),
        ("a", "is a directory"),
        ("review.docx", "does not match format md"),
    ):
        with pytest.raises(InputError, match=message):
            export_review(reviewed, "md", bad, folder=folder)
    with pytest.raises(InputError, match="is a directory"):
        safe_output_path(tmp_path, "md")
    with pytest.raises(InputError, match="Unknown export format"):
        safe_output_path(tmp_path / "x.pdf", "pdf")
    assert not list((tmp_path / "outside").iterdir())
    assert sorted(p.name for p in (folder / "a").iterdir()) == ["review.md"]  # no temp files left


# --------------------------------------------------------------------------- speed


def test_hundred_submissions_are_fast(svc):
    start = time.perf_counter()
    for i in range(100):
        svc.submit(FakeDraft(title=f"Draft {i}"), "Alice")
    elapsed = time.perf_counter() - start
    assert len(svc.list()) == 100
    assert elapsed < 10, f"100 submissions took {elapsed:.2f}s"
