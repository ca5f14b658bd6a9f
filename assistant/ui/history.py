"""What happened to a proposal, for people: its fields, the decision, the action plan, the history as
sentences and what changed between versions. Read-only pieces shared by the reviewer's and the
author's view of the Review page; every text from the message catalogue.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assistant.proposal import DRAFT_FIELDS
from assistant.review.models import HistoryEntry, ProposalView
from assistant.review.views import field_changes
from assistant.ui import state
from assistant.ui.i18n import MESSAGES
from assistant.ui.render import escape_md
from assistant.ui.state import t

__all__ = [
    "value_text",
    "field_label",
    "rule_label",
    "draft_fields",
    "decision",
    "action_plan",
    "history_sentences",
    "history",
    "changes",
    "open_points",
]


def value_text(value: Any) -> str:
    """A draft value as text in the UI's language (choices by their label, gaps as such)."""
    if value is None or value == "" or value == []:
        return t("value.none")
    if isinstance(value, bool):
        return t("common.yes") if value else t("common.no")
    if isinstance(value, list):
        return "; ".join(value_text(v) for v in value)
    if isinstance(value, dict):
        if "category" in value:
            return (
                f"{value.get('name', '')} ({value_text(value.get('category'))}, {value.get('source') or '–'})"
            )
        return "; ".join(f"{field_label('ai.' + k)}: {value_text(v)}" for k, v in value.items())
    if isinstance(value, str) and f"value.{value}" in MESSAGES:
        return t(f"value.{value}")
    return str(value)


def field_label(path: str) -> str:
    """A draft field by the label of its form widget (`field.<path>`); unknown keys as they are."""
    key = f"field.{path}"
    return t(key) if key in MESSAGES else path


def rule_label(rule: str, fallback: str = "") -> str:
    """A checker rule by its one-line description (`check.<rule>.flags`), else `fallback` or the id."""
    key = f"check.{rule}.flags"
    return t(key).rstrip(".") if key in MESSAGES else (fallback or rule)


def draft_fields(draft: dict) -> list[tuple[str, str]]:
    """(label, text) for every field of the draft exchange format, gaps shown as such."""
    return [
        (field_label(name), value_text(draft.get(name)))
        for name in DRAFT_FIELDS
        if name != "ai" or draft.get("ai")
    ]


def _when(at) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def decision(view: ProposalView) -> None:
    """The latest decision with the reviewer's comment (or that there is none yet)."""
    d = view.decision
    if d is None:
        st.caption(t("loop.no_decision", status=t(f"status.{view.status}")))
        return
    line = t(
        "loop.decision",
        version=d.version,
        decision=t(f"status.{d.decision}"),
        reviewer=escape_md(d.reviewer),
        at=_when(d.at),
    )
    if d.comment:
        line += "\n\n" + t("loop.decision_comment", comment=escape_md(d.comment))
    icon = {"approved": ":material/verified:", "rejected": ":material/cancel:"}.get(d.decision)
    st.info(line, icon=icon or ":material/edit_note:")


def action_plan(view: ProposalView) -> None:
    """The action plan (improvable verdicts) as a table with labelled columns."""
    if not view.action_plan:
        return
    messages = {f.id: f.message for f in view.findings}
    st.subheader(t("review.action_plan"), anchor=False)
    st.dataframe(
        [
            {
                t("loop.col.finding"): rule_label(a.rule, messages.get(a.finding_id, "")),
                t("review.action"): a.what,
                t("review.owner"): a.owner,
                t("review.due"): a.due.isoformat(),
                t("review.comment"): a.comment or "",
            }
            for a in view.action_plan
        ],
        hide_index=True,
        width="stretch",
    )


def _sentence(h: HistoryEntry) -> str:
    d, at, actor = h.details, _when(h.at), h.actor
    if h.action in ("submit", "resubmit"):
        fields = {"at": at, "actor": actor, "version": h.version, "findings": d.get("findings", 0)}
        if h.action == "resubmit":
            fields["previous"] = t(f"status.{d.get('previous_status', 'submitted')}")
        text = t(f"history.{h.action}", **fields)
        if d.get("redacted"):
            text += " " + t("history.redacted", fields=", ".join(field_label(f) for f in d["redacted"]))
        return text
    if h.action == "evaluate":
        parts = [
            t(
                "history.evaluate",
                at=at,
                actor=actor,
                finding=rule_label(str(d.get("rule", ""))),
                verdict=t(f"verdict.{d.get('verdict')}"),
            )
        ]
        if d.get("comment"):
            parts.append(t("history.comment", comment=d["comment"]))
        if d.get("action"):
            parts.append(
                t("history.action", action=d["action"], owner=d.get("owner", ""), due=d.get("due", ""))
            )
        if d.get("risk_accepted"):
            parts.append(t("history.risk"))
        return " ".join(parts)
    if h.action == "decide":
        text = t("history.decide", at=at, actor=actor, decision=t(f"status.{d.get('decision')}"))
        return text + (" " + t("history.comment", comment=d["comment"]) if d.get("comment") else "")
    if h.action == "scan_mark" and d.get("mark"):
        return t(
            "history.scan_mark", at=at, actor=actor, item=d.get("item", ""), mark=t(f"scan.mark.{d['mark']}")
        )
    if h.action == "scan_signoff":
        from assistant.scan import render_value

        return t(
            "history.scan_signoff", at=at, actor=actor, verdict=render_value(d.get("verdict"), state.lang())
        )
    return t("history.other", at=at, actor=actor, action=h.action)


def history_sentences(view: ProposalView) -> list[str]:
    """The audit log of `view` as sentences in the UI's language, oldest first (plain text)."""
    return [_sentence(h) for h in view.history]


def history(view: ProposalView) -> None:
    st.subheader(t("review.history"), anchor=False)
    st.markdown("\n".join(f"- {escape_md(line)}" for line in history_sentences(view)))


def changes(view: ProposalView, older) -> None:
    """What changed between an earlier version and the shown one: a field table. `older(version)`
    returns that version's draft dict."""
    if view.shown_version < 2:
        return
    with st.expander(t("loop.changes"), icon=":material/difference:", expanded=True):
        earlier = list(range(view.shown_version - 1, 0, -1))
        base = st.selectbox(
            t("loop.base", new=view.shown_version), earlier, key=f"diff.{view.id}.{view.shown_version}"
        )
        rows = field_changes(older(base), view.draft)
        if not rows:
            st.caption(t("loop.no_changes"))
            return
        st.dataframe(
            [
                {
                    t("loop.col.field"): field_label(c.field),
                    t("loop.col.before", version=base): value_text(c.before),
                    t("loop.col.after", version=view.shown_version): value_text(c.after),
                }
                for c in rows
            ],
            hide_index=True,
            width="stretch",
        )


def open_points(view: ProposalView) -> list[str]:
    """Why approval is refused now, in the UI's language: the rules of
    `assistant.review.views.approval_problems` (a blocker or major finding without a verdict, or any
    finding to fix) over the shown findings."""
    points = []
    for f in view.findings:
        name = rule_label(f.rule, f.message)
        if f.verdict is None and f.severity in ("blocker", "major"):
            points.append(t("loop.open.no_verdict", severity=t(f"sev.{f.severity}"), finding=name))
        elif f.verdict == "to_fix":
            points.append(t("loop.open.to_fix", finding=name))
    return points
