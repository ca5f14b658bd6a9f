"""LA Policy Assistant, the web UI: `streamlit run streamlit_app.py` (or `make run`).

This file is only the frame: settings, sidebar, first-start indexing and navigation. The pages live in
`assistant/ui/` and call `assistant.*` functions; texts come from `assistant/ui/i18n.py`.
"""

from pathlib import Path

import streamlit as st

from assistant.ui import sidebar, state

PAGES = Path(__file__).resolve().parent / "assistant" / "ui"

st.set_page_config(page_title="LA Policy Assistant", page_icon=":material/policy:", layout="wide")
st.set_option("client.toolbarMode", "minimal")  # no "Deploy" button for staff

settings = state.settings()
who = sidebar.render_sidebar(settings)
sidebar.require_login(who)

page = st.navigation([
    st.Page(PAGES / "ask.py", title=state.t("nav.ask"), icon=":material/forum:", url_path="ask", default=True),
    st.Page(PAGES / "draft.py", title=state.t("nav.draft"), icon=":material/edit_document:", url_path="draft"),
    st.Page(PAGES / "review.py", title=state.t("nav.review"), icon=":material/fact_check:", url_path="review"),
    st.Page(PAGES / "evaluation.py", title=state.t("nav.evaluation"), icon=":material/monitoring:",
            url_path="evaluation"),
    st.Page(PAGES / "documents.py", title=state.t("nav.documents"), icon=":material/folder_open:",
            url_path="documents"),
])
state.ensure_index(settings)
sidebar.render_status(settings)
page.run()
