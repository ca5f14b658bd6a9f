"""Draft & check: a project idea becomes a draft; every field is editable; the checker runs live.

The form itself is in `draft_form`; this page adds the idea box, upload, detected areas, the live
check with downloads and "submit for review". Run by `st.navigation` as a page script.
"""

from __future__ import annotations

import streamlit as st

from assistant.checker import check_draft
from assistant.errors import AssistantError, InputError
from assistant.exports.draft import draft_to_docx, draft_to_markdown
from assistant.pii import find_pii
from assistant.policy import AREAS, passage_for
from assistant.proposal import DRAFT_FIELDS, Draft, parse_draft
from assistant.review.redaction import PiiInField, describe, redact_data
from assistant.ui import findings_panel, state
from assistant.ui.draft_form import DRAFT, META, REV, apply_suggestion, form, load_draft_into_form
from assistant.ui.i18n import MESSAGES
from assistant.ui.render import escape_md, slug
from assistant.ui.scan_view import scan_for, scan_panel
from assistant.ui.state import t
from assistant.ui.widgets import findings_by_severity, severity_counts

__all__ = ["render"]

_MIME_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --------------------------------------------------------------------------- actions


def _make_draft(description: str, project_type: str | None) -> None:
    from assistant.services import make_draft

    s = state.settings()
    result = make_draft(s, description, project_type, embedder=state.embedder(s))
    load_draft_into_form(
        result.draft,
        {
            "areas_ranked": list(result.areas_ranked),
            "warnings": list(result.warnings),
            "method": result.method,
            "evidence": dict(result.evidence),
            "suggested": dict(result.suggested),
            "open_fields": list(result.open_fields),
        },
    )


def _upload(uploaded) -> None:
    """An uploaded draft goes into the form with its personal data already redacted (and a warning)."""
    try:
        draft = parse_draft(uploaded.getvalue(), source=uploaded.name, lang=state.lang())
    except InputError as exc:
        st.error(f"{escape_md(str(exc))}\n\n{t('draft.upload_error')}", icon=":material/error:")
        return
    data, found = redact_data(draft, state.lang())
    if found:
        draft = parse_draft(data, source=uploaded.name)
    load_draft_into_form(
        draft, {"loaded_from": uploaded.name, "pii": [[f.field, list(f.kinds)] for f in found]}
    )


def _field_label(path: str) -> str:
    """A draft field (dotted path, e.g. `data.source`) by the label of its form widget."""
    key = f"field.{path}"
    label = t(key) if key in MESSAGES else path
    parent = path.rpartition(".")[0]
    return f"{_field_label(parent)} › {label}" if parent and key in MESSAGES else label


def _pii_text(found: list[PiiInField]) -> str:
    return describe(found, state.lang(), _field_label)


def _remove_pii(data: dict) -> None:
    """Callback: the redacted draft replaces the form's values (same proposal, same notes)."""
    ss = st.session_state
    pid, meta = ss.get("draft_proposal"), ss.get(META)
    load_draft_into_form(parse_draft(data, source="form"), meta)
    if pid:
        ss["draft_proposal"] = pid


# --------------------------------------------------------------------------- drawing


def _idea() -> None:
    ss = st.session_state
    if "d_desc" not in ss:
        ss["d_desc"] = ss.get("_keep.d_desc", "")
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_area(t("draft.description"), key="d_desc", height=110, help=t("draft.description_help"))
    ptype = right.selectbox(
        t("draft.type"),
        ("", "implementation", "research"),
        key="d_ptype",
        format_func=state.labeler("value.", "draft.type_auto"),
    )
    ss["_keep.d_desc"] = ss["d_desc"]
    if personal := find_pii(ss["d_desc"] or ""):
        kinds = ", ".join(t(f"draft.pii.{k}") for k in sorted({m.kind for m in personal}))
        left.warning(t("redact.description", kinds=kinds), icon=":material/privacy_tip:")
    if right.button(t("draft.make"), type="primary", icon=":material/auto_awesome:", width="stretch"):
        try:
            with st.spinner(t("draft.making")):
                _make_draft(ss["d_desc"], ptype or None)
        except AssistantError as exc:
            state.show_error(exc)
    uploaded = st.file_uploader(
        t("draft.upload"), type=["json"], key=f"draft_upload_{ss.get(REV, 0)}", max_upload_size=2
    )
    if uploaded is not None:
        _upload(uploaded)


def _areas(meta: dict) -> None:
    ranked = [(a, float(c)) for a, c in meta.get("areas_ranked") or [] if a in AREAS]
    if not ranked:
        return
    shown = [(a, c) for a, c in ranked if c >= 0.05][:4] or ranked[:1]
    lang = state.lang()
    evidence = meta.get("evidence") or {}
    st.markdown(f"**{t('draft.areas')}**")
    cols = st.columns(len(shown))
    for col, (a, c) in zip(cols, shown, strict=True):
        area = AREAS[a]
        with col:
            st.progress(
                min(max(c, 0.0), 1.0), text=t("draft.confidence", id=a, label=area.label(lang), conf=c)
            )
            if evidence.get(a):
                st.caption(escape_md(t("draft.evidence", span=evidence[a])))
            with st.popover(t("draft.definition"), icon=":material/menu_book:"):
                if lang == "en" and area.summary_en:
                    st.write(area.summary_en)
                passage = passage_for(area.ref)
                st.caption(escape_md(passage.section))
                st.markdown("> " + escape_md(passage.text))


def _suggestions(meta: dict) -> None:
    """Values the policy implies (draft format v1 `suggested`), each with a button that moves it into the
    form, and the fields the description left open."""
    ss = st.session_state
    for field, value in (meta.get("suggested") or {}).items():
        shown = t(f"value.{value}") if isinstance(value, str) else str(value)
        left, right = st.columns([5, 1], vertical_alignment="center")
        key = "draft.guessed" if field == "project_type" else "draft.suggested"
        left.caption(":material/lightbulb: " + escape_md(t(key, field=t(f"field.{field}"), value=shown)))
        if right.button(t("draft.use_suggestion"), key=f"suggest_{field}_{ss.get(REV, 0)}"):
            if apply_suggestion(field, value):
                meta["suggested"] = {k: v for k, v in meta["suggested"].items() if k != field}
                st.rerun()
    open_fields = [f for f in meta.get("open_fields") or [] if f not in (meta.get("suggested") or {})]
    if open_fields:
        st.caption(escape_md(t("draft.open", fields=", ".join(t(f"field.{f}") for f in open_fields))))


def _actions(draft: Draft, findings: list, scan=None) -> None:
    s = state.settings()
    lang = state.lang()
    stem = slug(draft.title)
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        ".json",
        draft.to_json(),
        f"{stem}.json",
        "application/json",
        icon=":material/download:",
        width="stretch",
    )
    c2.download_button(
        ".md",
        draft_to_markdown(draft, findings, lang, scan=scan),
        f"{stem}.md",
        "text/markdown",
        icon=":material/download:",
        width="stretch",
    )
    c3.download_button(
        ".docx",
        draft_to_docx(draft, findings, lang, scan=scan),
        f"{stem}.docx",
        _MIME_DOCX,
        icon=":material/download:",
        width="stretch",
    )
    who = state.identity(s)
    ss = st.session_state
    pid = ss.get("draft_proposal")  # this draft was submitted before: the next submit is a new version
    label = t("draft.resubmit", id=pid) if pid else t("draft.submit")
    if st.button(label, type="primary", icon=":material/send:", width="stretch", key="submit_draft"):
        if not who.name:
            st.warning(t("draft.submit_needs_name"), icon=":material/person:")
            return
        try:
            svc = state.review_service(s)
            lang = state.lang()
            view = (
                svc.resubmit(pid, draft, author=who.name, lang=lang)
                if pid
                else svc.submit(draft, author=who.name, lang=lang)
            )
        except AssistantError as exc:
            state.show_error(exc)
            return
        ss["draft_proposal"] = view.id
        (ss.get(META) or {})["revising"] = [view.id, view.version]
        ss["draft_submitted"] = (view.id, view.status, view.version)
    if submitted := ss.get("draft_submitted"):
        pid, status, version = submitted
        key = "draft.submitted" if version == 1 else "draft.resubmitted"
        st.success(
            t(key, id=pid, status=t(f"status.{status}"), version=version), icon=":material/check_circle:"
        )


def _check(d: dict) -> None:
    st.subheader(t("draft.check"), anchor=False)
    try:
        draft = parse_draft(d, source="form", lang=state.lang())
    except InputError as exc:
        st.error(f"{t('draft.invalid')}\n\n{escape_md(str(exc))}", icon=":material/error:")
        return
    st.session_state[DRAFT] = draft.model_dump(mode="json") | {
        k: v for k, v in d.items() if k not in DRAFT_FIELDS
    }
    data, found = redact_data(draft, state.lang())
    if found:  # checked, downloaded and submitted without it; the form keeps it until removed
        st.warning(escape_md(t("redact.found", items=_pii_text(found))), icon=":material/privacy_tip:")
        st.button(
            t("redact.remove"),
            icon=":material/ink_eraser:",
            key="remove_pii",
            on_click=_remove_pii,
            args=(data,),
        )
        draft = parse_draft(data, source="form")
    findings = check_draft(draft, lang=state.lang())  # findings in the UI language (issue 16 point 3)
    counts = severity_counts(findings)
    if counts["blocker"] or counts["major"]:
        st.error(t("draft.counts", **counts), icon=":material/rule:")
    else:
        st.success(t("draft.passed"), icon=":material/task_alt:")
    findings_panel.show(findings)  # compact summary, fields marked (issue 19, point 6)
    scan = scan_for(draft, state.lang())
    _actions(draft, findings, scan)
    findings_by_severity(findings)
    st.divider()
    scan_panel(scan, state.lang(), key="draft_scan")


def render() -> None:
    st.title(t("draft.title"))
    st.caption(t("draft.intro"))
    _idea()
    ss = st.session_state
    if ss.get(DRAFT) is None:
        st.info(t("draft.empty_hint"), icon=":material/lightbulb:")
        if st.button(t("draft.new"), icon=":material/note_add:"):
            load_draft_into_form(Draft.empty())
            st.rerun()
        return
    meta = ss.get(META) or {}
    if meta.get("loaded_from"):
        st.success(t("draft.loaded", name=escape_md(meta["loaded_from"])), icon=":material/upload_file:")
    if meta.get("revising") and ss.get("draft_proposal"):
        pid, version = meta["revising"]
        st.info(t("loop.revising", id=pid, version=version, next=version + 1), icon=":material/edit:")
    if meta.get("pii"):
        found = [PiiInField(field, tuple(kinds)) for field, kinds in meta["pii"]]
        st.warning(escape_md(t("redact.upload", items=_pii_text(found))), icon=":material/privacy_tip:")
    if meta.get("method") == "llm":
        st.caption(t("draft.method_llm"))
    for w in meta.get("warnings") or []:
        st.caption(":material/info: " + escape_md(w))
    _areas(meta)
    _suggestions(meta)
    st.divider()
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("draft.form"), anchor=False)
        current = form(ss[DRAFT])
    with right, st.container(border=True, key=findings_panel.PANEL_KEY):  # sticky / first on a phone
        _check(current)


if __name__ == "__main__":
    render()
