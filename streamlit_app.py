"""LA Policy Assistant, the web UI: `streamlit run streamlit_app.py` (or `make run`).

This file is only the frame: settings, sidebar, first-start indexing and navigation. The pages live in
`assistant/ui/` and call `assistant.*` functions; texts come from `assistant/ui/i18n.py`.
"""

from pathlib import Path

import streamlit as st

from assistant.ui import persist, sidebar, state

PAGES = Path(__file__).resolve().parent / "assistant" / "ui"
# (page module and url path, icon); the first is the landing page
NAVIGATION = [
    ("ask", ":material/forum:"),
    ("policy", ":material/menu_book:"),
    ("draft", ":material/edit_document:"),
    ("review", ":material/fact_check:"),
    ("evaluation", ":material/monitoring:"),
    ("documents", ":material/folder_open:"),
]

st.set_page_config(page_title=state.t("app.title"), page_icon=":material/policy:", layout="wide")
st.set_option("client.toolbarMode", "minimal")  # no "Deploy" button for staff

settings = state.settings()
persist.restore()  # state that survives a reload (issue 19, point 7)
who = sidebar.render_sidebar(settings)
sidebar.require_login(who)
page = st.navigation(
    [
        st.Page(PAGES / f"{name}.py", title=state.t(f"nav.{name}"), icon=icon, url_path=name, default=i == 0)
        for i, (name, icon) in enumerate(NAVIGATION)
    ]
)
state.ensure_index(settings)
sidebar.render_status(settings)
page.run()
persist.save()
