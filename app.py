"""Tổng quan (overview) and the app's entry point: `streamlit run app.py`.

This one file has two roles. `streamlit run app.py` finds the `st.App` below and imports this
file as the module `app` to serve it: the app plus the routes that set and clear the sign-in
cookie (tracker/ui/session_routes.py), after tracker/ui/serving.py has settled which proxies
are trusted and refused a sample database served to the network. Streamlit then runs this same file as the Tổng quan page,
as `__main__`, which draws the page like every page: its scope from the shell, its body in
tracker/ui/pages/tong_quan.py.
"""

import streamlit as st

from tracker.ui import serving, session_routes, shell
from tracker.ui.pages import tong_quan

if __name__ == "__main__":
    tong_quan.render(shell.frame("tong_quan"))
else:
    serving.configure()  # trusted proxies, and no sample database served to the network
    app = st.App("app.py", routes=session_routes.ROUTES)
