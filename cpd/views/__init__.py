"""What the dashboard pages show, computed from a Standing without Streamlit: one module per page of ``app_pages/``.

Pages only lay out what these functions return, so every number on screen can be checked in a plain test.
Nothing here re-derives a status: statuses, reasons and compliance come from ``cpd.standing``.

A page imports its own sibling (``from cpd.views import team as view``) and the shared modules it needs:

- ``team``, ``trainer``, ``upload``, ``rules``, ``reminders``: the logic of the page of the same name.
- ``filters``: the sidebar filters (their options, the Standing they leave), credential names, a chart click.
- ``escape``: file text made literal for Streamlit markdown (``md_escape``) and Plotly (``plot_text``).
- ``table``: a certification row as Team and Trainer list it; the state of an edited table.

Numbers and dates are written by ``cpd.fmt``, amounts with their units by ``cpd.wording``. Nothing is
re-exported here, so each name has one home.
"""
