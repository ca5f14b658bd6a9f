"""The Streamlit web UI: `streamlit_app.py` is the frame, each page is one module here.

Pages (`ask`, `draft`, `review`, `evaluation`, `documents`) are page scripts run by `st.navigation`;
they only call `assistant.*` functions. Shared state and cached resources are in `state`, every text
in the `i18n` catalogue, and escaping of passage / user text in `render`.
"""

__all__ = ["draft_form", "history", "i18n", "render", "sidebar", "state", "widgets"]
