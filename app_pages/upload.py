"""Upload: drop in the spreadsheets, see how each was understood, correct a wrong column and re-run."""

import streamlit as st

from app_pages import _shared, _store
from cpd.export import rejected_csv as rejected_rows_csv
from cpd.fmt import capitalised
from cpd.views import upload
from cpd.views.escape import md_escape

ss = st.session_state
loaded = _shared.current()
viewing = _store.viewing_info()  # a saved snapshot shown read-only: no upload, no save

st.title("Recert")
st.markdown(
    "Drop in the spreadsheets you already keep — rosters, certification lists, training matrices, "
    "CE logs — and see who is fine, who is at risk of lapsing and what to do about it."
)

left, right = st.columns([3, 1], vertical_alignment="center")
with left:
    st.file_uploader(
        "Upload spreadsheets",
        type=list(_shared.UPLOAD_TYPES),
        accept_multiple_files=True,
        key=_shared.uploader_key(),
        on_change=_shared.on_upload,
        disabled=viewing is not None,
        help=f"{_shared.ACCEPTED_SENTENCE} Several files at once, up to {_shared.SESSION_MB} MB "
        "together: Recert matches people across them. Files are kept only for this browser "
        "session, and saved only when you press Save as snapshot.",
    )
with right:
    st.button(
        "Try it with sample data",
        on_click=_shared.load_sample,
        icon=":material/science:",
        type="primary",
        width="stretch",
        disabled=viewing is not None,
        help="Three made-up files for a three-club gym, dated so every status shows.",
    )
    if ss.get(_shared.FILES):
        st.button(
            "Remove all files",
            on_click=_shared.clear_files,
            icon=":material/delete:",
            width="stretch",
            disabled=viewing is not None,
        )

files = ss.get(_shared.FILES) or []
if viewing is not None:
    st.caption("Saved files: " + ", ".join(md_escape(name) for name in viewing.files))
elif files:
    origin = "Sample data" if ss.get(_shared.ORIGIN) == "sample" else "Loaded"
    st.caption(f"{origin}: " + ", ".join(md_escape(name) for name, _, _ in files))

for sentence in loaded.problems:
    st.error(md_escape(sentence), icon=":material/error:")
if _store.corrections_notice():
    st.info(md_escape(_store.corrections_notice()), icon=":material/auto_fix_high:")

standing = loaded.standing
if standing is None:
    if not files:
        st.info(
            _shared.ACCEPTED_SENTENCE + " It finds the header row and the columns by their names, whatever "
            "order they are in.",
            icon=":material/info:",
        )
    st.stop()

counts = standing.counts
st.subheader("What was read")
c = st.columns(4)
c[0].metric("Rows read", f"{counts['rows_read']:,}", border=True)
c[1].metric("Accepted", f"{counts['accepted']:,}", border=True)
c[2].metric(
    "Rejected",
    f"{counts['rejected']:,}",
    border=True,
    help="Rows that could not be used: see the reasons below.",
)
c[3].metric("Blank", f"{counts['blank']:,}", border=True)
per_file = upload.counts_by_file(standing)
if len(per_file) > 1:
    st.dataframe(per_file.rename(columns={"file": "File"}), hide_index=True, width="content")

st.page_link("app_pages/team.py", label="See the team's standing", icon=":material/arrow_forward:")
_store.save_form(standing)  # Save as snapshot (as-of, label, note) and what was saved

main_warnings, duplicates = upload.group_warnings(standing.warnings)
if standing.warnings:
    st.subheader("Warnings")
    for w in main_warnings[:5]:
        st.warning(md_escape(w), icon=":material/warning:")
    rest = main_warnings[5:]
    if rest:
        with st.expander(f"{len(rest)} more warnings"):
            st.dataframe({"Warning": rest}, hide_index=True, width="stretch")
    if duplicates:
        with st.expander(
            f"{len(duplicates)} certifications appear in more than one row or file: the latest "
            "expiry was used for each"
        ):
            st.dataframe({"Listed more than once": duplicates}, hide_index=True, width="stretch")

rejected_total = len(standing.rejected)
# The first REJECTED_ROWS are drawn (a browser chokes on 187,000 rows); the CSV download has them all.
rejected = upload.rejected_table(standing, limit=upload.REJECTED_ROWS)
st.subheader(f"Rejected rows ({rejected_total:,})")
if rejected.empty:
    st.success("Every non-blank row was used.", icon=":material/check_circle:")
else:
    if not rejected["Sheet"].str.strip().any():  # csv files have no sheets
        rejected = rejected.drop(columns="Sheet")
    if rejected_total > len(rejected):
        st.caption(
            f"Showing the first {len(rejected):,} of {rejected_total:,} rejected rows; download the CSV below "
            "for all of them."
        )
    st.dataframe(
        rejected,
        hide_index=True,
        width="stretch",
        column_config={
            "File": st.column_config.TextColumn(width="medium"),
            "Sheet": st.column_config.TextColumn(width="small"),
            "Row": st.column_config.NumberColumn(format="%d", width="small"),
            "Trainer": st.column_config.TextColumn(width="medium"),
            "Column": st.column_config.TextColumn(width="small"),
            "Reason": st.column_config.TextColumn(width="large"),
        },
    )

    def rejected_csv() -> str:
        return rejected_rows_csv(standing)

    st.download_button(
        "Download rejected rows (CSV)",
        data=rejected_csv,
        file_name="recert-rejected-rows.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )

# How each sheet was understood ---------------------------------------------------------------------------------
st.subheader("How each file was read")
st.caption(
    "Check the column mapping. If a column was read wrongly, pick what it holds in **Read as** (or "
    "**(ignored)** to leave it out) and press **Apply mapping**; Recert reads the file again."
)
options = upload.field_options(loaded.catalogue)
overrides_now = ss.get(_shared.OVERRIDES) or {}


# The button callbacks live in _shared: Streamlit keeps a widget's callback after the widget is gone, and a
# function defined here would keep this page's globals (the whole standing) alive for the rest of the session.
for i, m in enumerate(standing.mappings):
    layout = upload.layout_label(m)
    unreadable_sheet = upload.sheet_needs_mapping(
        m
    )  # by the note's kind: empty, hidden and copies stay closed
    with st.expander(md_escape(f"{upload.sheet_title(m)} · {layout}"), expanded=unreadable_sheet):
        if m.layout == "skipped":
            st.write(md_escape(capitalised(m.note) if m.note else "This sheet was not read."))
            if not unreadable_sheet:
                continue
            st.caption(
                "Type a column header exactly as written in the file and pick what it holds; "
                "Recert then reads the first row as the header."
            )
        else:
            st.caption(f"Header on row {m.header_row} · {m.rows_read:,} rows below it")
        rows = upload.mapping_rows(m)
        key = f"mapping_{i}_{abs(hash((m.file, m.sheet, tuple(m.columns.items()), m.ignored))) % 10**8}"
        edited = st.data_editor(
            rows,
            key=key,
            hide_index=True,
            width="stretch",
            num_rows="dynamic" if rows.empty else "fixed",
            column_config={
                "Column in file": st.column_config.TextColumn(disabled=not rows.empty),
                "Read as": st.column_config.SelectboxColumn(
                    options=options, required=False, format_func=lambda v: upload.field_label(v, loaded.names)
                ),
                "Date order": st.column_config.TextColumn(disabled=True, help="How slashed dates were read"),
            },
        )
        b1, b2, _ = st.columns([1, 1, 3])
        b1.button(
            "Apply mapping",
            key=f"{key}_apply",
            on_click=_shared.apply_mapping,
            args=(key, m),
            type="primary",
            icon=":material/refresh:",
            disabled=viewing is not None or not upload.overrides_from_edit(m, edited),
        )
        if (m.file, m.sheet) in overrides_now and viewing is None:
            b2.button(
                "Undo my corrections",
                key=f"{key}_reset",
                on_click=_shared.reset_mapping,
                args=(m.file, m.sheet),
            )
