"""Review: the queue and one proposal's findings, verdicts, decision and history (reviewers only).

Every action passes the `row_version` the reviewer was looking at (bound into the button's callback
when the page was drawn), so a concurrent change raises ConflictError and is shown as a message
asking to reload; nothing is overwritten silently. Run by `st.navigation` as a page script.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from assistant.errors import AssistantError, ConflictError
from assistant.exports.review import default_filename, mime_type, render_docx, render_markdown
from assistant.proposal import parse_draft
from assistant.review import scan_signoff
from assistant.review.models import DECISIONS, STATUSES, VERDICTS, ProposalView
from assistant.review.validate import MIN_REASON_WORDS
from assistant.ui import history, state
from assistant.ui.draft_form import load_draft_into_form
from assistant.ui.i18n import error_text
from assistant.ui.render import escape_md
from assistant.ui.scan_view import scan_panel
from assistant.ui.state import Identity, t
from assistant.ui.widgets import SEVERITY_ICON, finding_details

__all__ = ["render"]

_FLASH = "review_flash"
_OPEN = ("submitted", "in_review")
_RESUBMITTABLE = ("submitted", "changes_requested")  # ReviewService.resubmit accepts these


def _service():
    return state.review_service(state.settings())


def _run(action: Callable[[], object], ok: str) -> None:
    """Do a review action inside a callback; the outcome is shown on the next draw, in the UI's
    language with the fields named by their widget labels."""
    try:
        action()
    except ConflictError as exc:
        st.session_state[_FLASH] = ("conflict", error_text(exc, state.lang()))
    except AssistantError as exc:
        st.session_state[_FLASH] = ("error", error_text(exc, state.lang()))
    else:
        st.session_state[_FLASH] = ("success", ok)


def _evaluate(pid: int, fid: int, row_version: int) -> None:
    ss = st.session_state
    key = f"ev.{pid}.{fid}"
    verdict = ss.get(f"{key}.verdict")
    if not verdict:
        ss[_FLASH] = ("error", t("review.verdict") + ": " + " / ".join(t(f"verdict.{v}") for v in VERDICTS))
        return
    extra = {}
    if verdict == "improvable":
        extra = {
            "action": ss.get(f"{key}.action"),
            "owner": ss.get(f"{key}.owner"),
            "due": ss.get(f"{key}.due"),
        }
    reviewer = state.identity(state.settings()).name
    _run(
        lambda: _service().evaluate(
            pid,
            fid,
            verdict,
            reviewer,
            comment=ss.get(f"{key}.comment"),
            expected_row_version=row_version,
            accept_risk=bool(ss.get(f"{key}.accept_risk")),
            **extra,
        ),
        t("review.saved"),
    )


def _decide(pid: int, decision: str, row_version: int) -> None:
    """A decision button's callback; a decision taken from a view acts once (the second click of a
    double click is not sent again; the service treats a repeated identical decision as a no-op too).
    A refused decision (e.g. not approvable yet) can be tried again from the same view."""
    ss = st.session_state
    acted = ss.setdefault("review_acted", set())
    if (pid, row_version) in acted:
        ss[_FLASH] = ("success", t("decide.done"))
        return
    reviewer = state.identity(state.settings()).name
    comment = ss.get(f"dec.{pid}.comment")

    def act() -> None:
        _service().decide(pid, reviewer, decision, comment=comment, expected_row_version=row_version)
        acted.add((pid, row_version))

    _run(act, t("review.decided", decision=t(f"status.{decision}")))


def _flash() -> None:
    flash = st.session_state.pop(_FLASH, None)
    if not flash:
        return
    kind, message = flash
    if kind == "success":
        st.success(message, icon=":material/check_circle:")  # our own catalogue text
        st.toast(message, icon=":material/check_circle:")
    elif kind == "conflict":
        st.toast(t("review.conflict"), icon=":material/sync_problem:")
        st.error(t("review.conflict"), icon=":material/sync_problem:")
        st.caption(escape_md(message))
        st.button(t("review.reload"), icon=":material/refresh:", key="reload")
    else:
        st.toast(escape_md(message), icon=":material/error:")
        st.error(escape_md(message), icon=":material/error:")


def _queue_rows(rows) -> list[dict]:
    return [
        {
            t("review.col.id"): r.id,
            t("review.col.title"): r.title,
            t("review.col.author"): r.author,
            t("review.col.status"): t(f"status.{r.status}"),
            t("review.col.version"): r.version,
            t("review.col.blocker"): r.severities.get("blocker", 0),
            t("review.col.major"): r.severities.get("major", 0),
            t("review.col.updated"): r.updated_at.strftime("%Y-%m-%d %H:%M"),
        }
        for r in rows
    ]


def _mine(who: Identity) -> None:
    """A non-reviewer's view: their own proposals, each read-only with every verdict, comment, action
    and decision; "Revise" takes one back to the form."""
    st.info(t("review.not_reviewer"), icon=":material/lock:")
    if not who.name:
        st.caption(t("review.no_name"))
        return
    st.subheader(t("review.mine"), anchor=False)
    svc = _service()
    rows = svc.list(author=who.name)
    if not rows:
        st.caption(t("review.none_mine"))
        return
    _open_one(svc, rows, t("loop.open"), "mine_open", who)


def _revise(view: ProposalView) -> None:
    """The author's "Revise": the draft goes into the form of Draft & check as the next version."""
    st.caption(t("loop.revise_help", next=view.version + 1, id=view.id))
    if st.button(t("loop.revise"), type="primary", icon=":material/edit:", key=f"revise.{view.id}"):
        load_draft_into_form(
            parse_draft(view.draft, source=f"#{view.id}"), {"revising": [view.id, view.version]}
        )
        st.session_state["draft_proposal"] = view.id
        st.switch_page("assistant/ui/draft.py")


def _finding(view: ProposalView, f, controls: bool) -> None:
    with st.container(border=True):
        st.markdown(
            f"{SEVERITY_ICON.get(f.severity, '')} **{t('sev.' + f.severity)}** · {escape_md(f.message)}"
        )
        if f.evaluation:
            e = f.evaluation
            line = t(
                "review.current_verdict", verdict=t(f"verdict.{e.verdict}"), reviewer=escape_md(e.reviewer)
            )
            if e.comment:
                line += f" · {escape_md(e.comment)}"
            if e.action:
                line += f" · {escape_md(e.action)} ({escape_md(e.owner or '')}, {e.due})"
            st.caption(line)
        else:
            st.caption(t("review.no_verdict"))
        label = (
            t("draft.passage") + " · " + t("draft.fix") + (" · " + t("review.verdict") if controls else "")
        )
        with st.expander(label, icon=":material/gavel:" if controls else ":material/menu_book:"):
            finding_details(f)
            if controls:
                _verdict_form(view, f)


def _verdict_form(view: ProposalView, f) -> None:
    key = f"ev.{view.id}.{f.id}"
    with st.form(key=f"form.{key}", border=True):
        st.radio(
            t("review.verdict"),
            VERDICTS,
            key=f"{key}.verdict",
            horizontal=True,
            index=VERDICTS.index(f.verdict) if f.verdict in VERDICTS else None,
            format_func=state.labeler("verdict."),
        )
        st.text_input(t("review.comment"), key=f"{key}.comment", help=t("review.comment_help"))
        if f.severity == "blocker":
            st.checkbox(
                t("decide.accept_risk"),
                key=f"{key}.accept_risk",
                help=t("decide.accept_risk_help", n=MIN_REASON_WORDS),
            )
        st.caption(t("review.plan_note"))
        c1, c2, c3 = st.columns(3)
        c1.text_input(t("review.action"), key=f"{key}.action")
        c2.text_input(t("review.owner"), key=f"{key}.owner")
        c3.date_input(t("review.due"), value=None, key=f"{key}.due", format="YYYY-MM-DD")
        st.form_submit_button(
            t("review.save"),
            icon=":material/save:",
            on_click=_evaluate,
            args=(view.id, f.id, view.row_version),
        )


def _mark(pid: int, item_id: str, widget: str) -> None:
    """A scan item's mark changed (callback)."""
    mark = st.session_state.get(widget)
    if mark:
        reviewer = state.identity(state.settings()).name
        _run(lambda: scan_signoff.mark_item(_service(), pid, item_id, mark, reviewer),
             t("scan.mark.saved", item=item_id, mark=t(f"scan.mark.{mark}")))  # fmt: skip


def _sign_off(pid: int, row_version: int) -> None:
    reviewer = state.identity(state.settings()).name
    _run(lambda: scan_signoff.sign_off(_service(), pid, reviewer, expected_row_version=row_version),
         t("scan.signoff.saved"))  # fmt: skip


def _scan(view: ProposalView, scan, controls: bool) -> None:
    """The privacy scan with the reviewers' marks: read-only for authors; reviewers mark every item and
    sign the scan off (only then does the proposal's privacy scan count as done)."""
    lang = state.lang()
    review = scan_signoff.scan_review(view)
    on_mark = (lambda item_id, widget: _mark(view.id, item_id, widget)) if controls else None
    scan_panel(scan, lang, marks=review.marks, on_mark=on_mark, key=f"scan.{view.id}.{view.shown_version}")
    if review.done:
        when = review.signed_off_at.strftime("%Y-%m-%d %H:%M UTC") if review.signed_off_at else ""
        st.success(t("scan.signoff.done", who=escape_md(review.signed_off_by), when=when),
                   icon=":material/verified_user:")  # fmt: skip
        return
    st.info(t("scan.signoff.pending"), icon=":material/pending:")
    unmarked = sum(1 for i in scan.items if i.id not in review.marks)
    if controls:
        if unmarked:
            st.caption(t("scan.signoff.unmarked", n=unmarked, total=len(scan.items)))
        st.button(t("scan.signoff.button"), icon=":material/verified_user:", key=f"scan.signoff.{view.id}",
                  on_click=_sign_off, args=(view.id, view.row_version))  # fmt: skip


def _decision(view: ProposalView) -> None:
    st.subheader(t("review.decision"), anchor=False)
    if view.approval_blockers:
        st.warning(
            t("review.approval_blocked")
            + "\n\n"
            + "\n".join(f"- {escape_md(p)}" for p in history.open_points(view)),
            icon=":material/pending_actions:",
        )
    st.text_area(t("review.decision_comment"), key=f"dec.{view.id}.comment", height=68)
    labels = {
        "approved": ("review.approve", ":material/verified:"),
        "changes_requested": ("review.changes", ":material/edit_note:"),
        "rejected": ("review.reject", ":material/cancel:"),
    }
    cols = st.columns(len(DECISIONS))
    for col, decision in zip(cols, DECISIONS, strict=True):
        label, icon = labels[decision]
        col.button(
            t(label),
            icon=icon,
            key=f"dec.{view.id}.{decision}",
            width="stretch",
            type="primary" if decision == "approved" else "secondary",
            disabled=decision == "approved" and bool(view.approval_blockers),
            on_click=_decide,
            args=(view.id, decision, view.row_version),
        )


def _proposal(view: ProposalView, who: Identity) -> None:
    st.subheader(t("review.header", id=view.id, title=escape_md(view.title)), anchor=False, divider="gray")
    st.caption(
        t(
            "review.meta",
            author=escape_md(view.author),
            status=t(f"status.{view.status}"),
            version=view.version,
        )
    )
    if view.draft.get("summary"):
        st.markdown(escape_md(view.draft["summary"]))
    try:
        scan = scan_signoff.scan_of(view, state.lang())
    except AssistantError as exc:  # a stored draft the scan cannot read: the rest of the review still shows
        scan = None
        state.show_error(exc)
    c1, c2 = st.columns(2)
    c1.download_button(
        f"{t('review.export')} (Markdown)",
        render_markdown(view, state.lang(), scan=scan),
        default_filename(view, "md"),
        mime_type("md"),
        icon=":material/download:",
        key=f"exp.md.{view.id}",
    )
    c2.download_button(
        f"{t('review.export')} (DOCX)",
        render_docx(view, state.lang(), scan=scan),
        default_filename(view, "docx"),
        mime_type("docx"),
        icon=":material/download:",
        key=f"exp.docx.{view.id}",
    )
    with st.expander(t("review.draft"), icon=":material/description:"):
        for label, value in history.draft_fields(view.draft):
            st.markdown(f"**{label}:** {escape_md(value)}")
    history.changes(view, lambda version: _service().show(view.id, version=version).draft)
    own = view.author.casefold() == who.name.casefold()
    controls = view.status in _OPEN and not own and who.reviewer
    history.decision(view)
    if own:
        st.info(t("loop.author_note") if not who.reviewer else t("review.own"), icon=":material/person:")
        if view.status in _RESUBMITTABLE:
            _revise(view)
    elif view.status not in _OPEN:
        st.info(t("review.final", status=t(f"status.{view.status}")), icon=":material/lock:")
    st.subheader(t("review.findings"), anchor=False)
    if not view.findings:
        st.caption(t("review.no_findings"))
    for f in view.findings:
        _finding(view, f, controls)
    if scan is not None:
        _scan(view, scan, controls and view.shown_version == view.version)
    if controls:
        _decision(view)
    history.action_plan(view)
    history.history(view)


def render() -> None:
    s = state.settings()
    who = state.identity(s)
    st.title(t("review.title"))
    if not who.reviewer:
        _mine(who)
        return
    _flash()
    st.subheader(t("review.queue"), anchor=False)
    status = st.selectbox(
        t("review.filter"),
        ("", *STATUSES),
        key="review_status",
        format_func=state.labeler("status.", "review.all"),
    )
    svc = _service()
    rows = svc.list(status=status or None)
    if not rows:
        st.caption(t("review.empty"))
        return
    _open_one(svc, rows, t("review.open"), "review_open", who)


def _open_one(svc, rows: list, label: str, key: str, who) -> None:
    """The list of `rows` as a table, a choice of one (session key `key`; a choice no longer listed is
    dropped) and that proposal in full."""
    st.dataframe(_queue_rows(rows), hide_index=True, width="stretch")
    ids = [r.id for r in rows]
    titles = {r.id: f"#{r.id} · {r.title} · {t('status.' + r.status)}" for r in rows}
    if st.session_state.get(key) not in ids:
        st.session_state.pop(key, None)
    pid = st.selectbox(label, ids, key=key, format_func=titles.get)
    try:
        view = svc.show(pid)
    except AssistantError as exc:
        state.show_error(exc)
        return
    _proposal(view, who)


if __name__ == "__main__":
    render()
