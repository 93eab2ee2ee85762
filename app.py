"""Recert dashboard: which trainers are about to lose a certification, and what each one still needs.

Run with ``streamlit run app.py`` (``RECERT_DEMO=1`` opens with the bundled sample loaded). This file only
routes: the sidebar (settings and filters) is shared by every page; the pages lay out what ``cpd`` computes.
Page files live in ``app_pages/``, not ``pages/``: in Streamlit 1.67 a ``pages/`` folder next to the entrypoint
switches on the legacy multipage mode, in which AppTest runs a page file without this script (no sidebar).
"""

from pathlib import Path

import streamlit as st

from app_pages import _access, _shared, _store
from cpd import safety

safety.assert_defusedxml()  # openpyxl must parse XML through defusedxml before any upload is opened

# The page icon is a local SVG (sent inline as a data: URL). A ":material/...:" page icon would make every browser
# fetch it from fonts.gstatic.com: a self-hosted app holding staff data makes no request outside this server.
# (The :material/...: icons of pages and buttons are drawn with the font Streamlit serves itself.)
ICON = Path(__file__).resolve().parent / "assets" / "recert-icon.svg"
st.set_page_config(page_title="Recert", page_icon=str(ICON), layout="wide", initial_sidebar_state="expanded")
# Sign-in (issue 14): the sign-in page, a sentence without a grant, or the bind check; then this person's scope.
scope = _access.gate()
_shared.init_state()

pages = [
    st.Page(
        "app_pages/upload.py",
        title="Upload",
        icon=":material/upload_file:",
        url_path="upload",
        default=scope.admin,
    ),
    st.Page(
        "app_pages/team.py", title="Team", icon=":material/groups:", url_path="team", default=not scope.admin
    ),
    st.Page("app_pages/trainer.py", title="Trainer", icon=":material/person:", url_path="trainer"),
    st.Page("app_pages/reminders.py", title="Reminders", icon=":material/mail:", url_path="reminders"),
    st.Page("app_pages/rules.py", title="Rules", icon=":material/rule:", url_path="rules"),
    st.Page("app_pages/history.py", title="History", icon=":material/history:", url_path="history"),
]
if _access.auth_configured():
    pages.append(
        st.Page(
            "app_pages/access.py", title="Access", icon=":material/admin_panel_settings:", url_path="access"
        )
    )
page = st.navigation([p for p in pages if scope.admin or p.url_path not in _access.ADMIN_ONLY])
_shared.sidebar()
_access.sidebar()
if scope.admin:
    _store.banner()  # a saved snapshot shown read-only, or the store's failure, above every page
else:
    _access.viewing_caption()
page.run()
