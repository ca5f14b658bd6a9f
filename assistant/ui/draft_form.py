"""The draft form: one widget per field of the draft exchange format, with the schema's help texts.

The current draft lives in `st.session_state["draft"]` (exchange-format dict). Widgets are
initialised from it whenever they are missing (first draw, or after visiting another page, when
Streamlit drops widget state), so nothing typed is lost when navigating.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from assistant.policy import AREA_IDS, AREAS
from assistant.proposal import DRAFT_FIELDS, AIInfo, DataItem, Draft
from assistant.ui import state
from assistant.ui.i18n import MESSAGES
from assistant.ui.state import t

__all__ = ["DRAFT", "META", "REV", "load_draft_into_form", "draft_from_form", "apply_suggestion", "form"]

DRAFT, META, REV, _DATA_BASE = "draft", "draft_meta", "draft_rev", "draft_data_base"
_P = "d."  # widget key prefix
_LINES = ("purposes", "stakeholders", "security_measures")
_LONG = ("summary", "necessity", "retention", "human_in_the_loop", "interests_weighed", "analysis_validation")
_SHORT = ("title", "responsible")
_CHOICES = {
    "project_type": ("", "implementation", "research"),  # "" = not given (never assumed)
    "legal_basis": ("", "public_interest", "consent"),
    "privacy_scan": ("", "done", "planned", "not_planned"),
}
_TRISTATE = ("informed_consent", "ethics_approval", "privacy_statement")
_AI_TEXT = ("models", "training_data", "decision_process")
_AI_FLAGS = ("ai_officer_consulted", "prohibited_practices_checked")


def _help(name: str, model: type = Draft) -> str:
    """A field's help text in the UI's language (`help.<field>`), else the draft format's description."""
    key = "help." + {DataItem: "data.", AIInfo: "ai."}.get(model, "") + name
    return t(key) if key in MESSAGES else model.model_fields[name].description or ""


def _cell(value: Any) -> str:
    """A data-editor cell as text (empty cells arrive as None or NaN)."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _widget_values(d: dict) -> dict[str, Any]:
    """Widget key -> value for a draft dict."""
    w: dict[str, Any] = {}
    for f in _SHORT + _LONG:
        w[_P + f] = str(d.get(f) or "")
    for f in _LINES:
        w[_P + f] = "\n".join(str(x) for x in d.get(f) or [])
    for f, options in _CHOICES.items():
        w[_P + f] = d.get(f) if d.get(f) in options else options[0]
    for f in _TRISTATE:
        w[_P + f] = {True: "yes", False: "no"}.get(d.get(f), "")
    w[_P + "areas"] = [str(a) for a in d.get("areas") or []]
    w[_P + "uses_ai"] = bool(d.get("uses_ai"))
    ai = d.get("ai") or {}
    for f in _AI_TEXT:
        w[f"{_P}ai.{f}"] = str(ai.get(f) or "")
    for f in _AI_FLAGS:
        w[f"{_P}ai.{f}"] = bool(ai.get(f))
    return w


def load_draft_into_form(draft: Draft, meta: dict | None = None) -> None:
    """Make `draft` the current draft: reset every form widget to its values."""
    data = draft.model_dump(mode="json")
    ss = st.session_state
    for key in [k for k in ss if isinstance(k, str) and k.startswith(_P)]:
        del ss[key]
    ss[DRAFT] = data
    ss[META] = meta or {}
    ss[REV] = ss.get(REV, 0) + 1
    ss[_DATA_BASE] = list(data.get("data") or [])
    ss.pop("draft_submitted", None)
    ss.pop("draft_proposal", None)
    ss.update(_widget_values(data))


def apply_suggestion(field: str, value: Any) -> bool:
    """Move a suggested value (draft format v1 `suggested`) into its form widget; False when the field
    has no widget that can hold it. The author confirms it by doing this; the checker never counts a
    suggestion that stays a suggestion."""
    widgets = _widget_values({field: value})
    key = _P + field
    if key not in widgets or (field in _CHOICES and value not in _CHOICES[field]):
        return False
    st.session_state[key] = widgets[key]
    return True


def draft_from_form(base: dict, data_rows: list[dict]) -> dict:
    """The draft dict from the widgets' current values (extra fields of `base` are kept)."""
    ss = st.session_state
    d = {k: v for k, v in base.items() if k not in DRAFT_FIELDS}
    for f in _SHORT + _LONG:
        d[f] = ss.get(_P + f, "")
    for f in _LINES:
        d[f] = [line.strip() for line in str(ss.get(_P + f, "")).splitlines() if line.strip()]
    for f in _CHOICES:
        d[f] = ss.get(_P + f) or None
    for f in _TRISTATE:
        d[f] = {"yes": True, "no": False}.get(ss.get(_P + f))
    d["areas"] = list(ss.get(_P + "areas") or [])
    d["data"] = data_rows
    d["uses_ai"] = bool(ss.get(_P + "uses_ai"))
    if d["uses_ai"]:
        d["ai"] = {f: ss.get(f"{_P}ai.{f}", "") for f in _AI_TEXT} | {
            f: bool(ss.get(f"{_P}ai.{f}")) for f in _AI_FLAGS
        }
    else:
        d["ai"] = None
    return d


def form(draft: dict) -> dict:
    """The editable fields; returns the draft dict they describe."""
    ss = st.session_state
    for key, value in _widget_values(draft).items():
        ss.setdefault(key, value)
    rev = ss.get(REV, 0)
    data_key = f"{_P}data.{rev}"
    if data_key not in ss:
        ss[_DATA_BASE] = list(draft.get("data") or [])

    values = state.labeler("value.", "value.none")
    lang = state.lang()
    st.text_input(t("field.title"), key=_P + "title", help=_help("title"))
    st.text_area(t("field.summary"), key=_P + "summary", help=_help("summary"), height=100)
    c1, c2 = st.columns(2)
    c1.selectbox(
        t("field.project_type"),
        _CHOICES["project_type"],
        key=_P + "project_type",
        format_func=values,
        help=_help("project_type"),
    )
    extra_areas = [a for a in ss[_P + "areas"] if a not in AREA_IDS]
    c2.multiselect(
        t("field.areas"),
        list(AREA_IDS) + extra_areas,
        key=_P + "areas",
        help=_help("areas"),
        format_func=lambda a: f"{a} · {AREAS[a].label(lang)}" if a in AREAS else a,
    )
    for f in ("purposes", "stakeholders"):
        st.text_area(t(f"field.{f}"), key=_P + f, help=f"{_help(f)} {t('draft.lines_help')}", height=90)
    st.markdown(f"**{t('field.data')}**", help=_help("data"))
    rows = pd.DataFrame(ss[_DATA_BASE], columns=["name", "category", "source"])
    edited = st.data_editor(
        rows,
        key=data_key,
        num_rows="dynamic",
        width="stretch",
        hide_index=True,
        column_config={
            "name": st.column_config.TextColumn(t("field.data.name"), help=_help("name", DataItem)),
            "category": st.column_config.SelectboxColumn(
                t("field.data.category"),
                options=["general", "sensitive", "special"],
                default="general",
                help=_help("category", DataItem),
            ),
            "source": st.column_config.TextColumn(t("field.data.source"), help=_help("source", DataItem)),
        },
    )
    data_rows = [
        {
            "name": _cell(r.get("name")),
            "category": _cell(r.get("category")) or "general",
            "source": _cell(r.get("source")),
        }
        for r in edited.to_dict("records")
        if _cell(r.get("name")) or _cell(r.get("source"))
    ]
    st.text_area(t("field.necessity"), key=_P + "necessity", help=_help("necessity"), height=90)
    c1, c2, c3 = st.columns(3)
    c1.selectbox(
        t("field.legal_basis"),
        _CHOICES["legal_basis"],
        key=_P + "legal_basis",
        format_func=values,
        help=_help("legal_basis"),
    )
    tri = {"": t("common.unknown"), "yes": t("common.yes"), "no": t("common.no")}
    for col, f in zip((c2, c3), ("informed_consent", "ethics_approval"), strict=True):
        col.selectbox(t(f"field.{f}"), tuple(tri), key=_P + f, format_func=tri.get, help=_help(f))
    st.text_area(t("field.retention"), key=_P + "retention", help=_help("retention"), height=68)
    c1, c2 = st.columns(2)
    c1.selectbox(
        t("field.privacy_statement"),
        tuple(tri),
        key=_P + "privacy_statement",
        format_func=tri.get,
        help=_help("privacy_statement"),
    )
    c2.selectbox(
        t("field.privacy_scan"),
        _CHOICES["privacy_scan"],
        key=_P + "privacy_scan",
        format_func=values,
        help=_help("privacy_scan"),
    )
    st.text_area(
        t("field.security_measures"),
        key=_P + "security_measures",
        help=f"{_help('security_measures')} {t('draft.lines_help')}",
        height=90,
    )
    for f in ("human_in_the_loop", "interests_weighed", "analysis_validation"):
        st.text_area(t(f"field.{f}"), key=_P + f, help=_help(f), height=80)
    st.text_input(t("field.responsible"), key=_P + "responsible", help=_help("responsible"))
    st.toggle(t("field.uses_ai"), key=_P + "uses_ai", help=_help("uses_ai"))
    if ss[_P + "uses_ai"]:
        with st.container(border=True):
            st.markdown(f"**{t('draft.ai_section')}**", help=_help("ai"))
            for f in _AI_TEXT:
                st.text_area(t(f"field.ai.{f}"), key=f"{_P}ai.{f}", help=_help(f, AIInfo), height=68)
            for f in _AI_FLAGS:
                st.checkbox(t(f"field.ai.{f}"), key=f"{_P}ai.{f}", help=_help(f, AIInfo))
    return draft_from_form(draft, data_rows)
