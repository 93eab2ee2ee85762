"""Rules: the certifying bodies' renewal rules Recert applies, editable for this session and downloadable."""

import streamlit as st

import cpd
from app_pages import _shared
from cpd import views

ss = st.session_state
loaded = _shared.current()
cat = loaded.catalogue
bundled = cpd.load_catalogue()
GEN = "_rules_gen"  # bumped on apply/reset so the editor starts from the rules in force

st.title("Rules")
st.markdown("The renewal rules of each credential: credits required per cycle, what a credit unit is worth in "
            "hours, grace period and CPR/AED. Edits apply to **this browser session only**; download them as a "
            "rules file to use them again (`python -m cpd standing --rules FILE`).")
if loaded.rules_error:
    st.error(f"Your rules could not be used, so the bundled rules apply: {views.md_escape(loaded.rules_error)}",
             icon=":material/error:")
elif ss.get(_shared.RULES):
    st.info("Your edited rules are in force for this session.", icon=":material/edit_note:")

gen = ss.setdefault(GEN, 0)
table = views.rules_table(cat)
key = f"rules_editor_{gen}"


def apply_rules() -> None:
    """Button callback: the edited table, compared with the bundled rules, becomes this session's rules file."""
    edited = views.apply_editor_state(views.rules_table(cat), ss.get(key))
    changes = views.rules_changes(edited, bundled)
    text = views.rules_yaml(changes) if changes else None
    if text:
        try:
            cpd.load_catalogue(rules_text=text)
        except cpd.RecertError as exc:
            ss["_rules_problem"] = str(exc)
            return
    _use_rules(text)


def _use_rules(text: str | None) -> None:
    """This session's rules become ``text`` (None: the bundled rules); the editor starts afresh."""
    ss.pop("_rules_problem", None)
    ss[_shared.RULES] = text
    ss[GEN] = ss.get(GEN, 0) + 1


def reset_rules() -> None:
    _use_rules(None)


def load_rules_file() -> None:
    """Uploader callback: a rules file in the bundled format replaces this session's edits."""
    up = ss.get("rules_upload")
    if up is None:
        return
    try:
        text = up.getvalue().decode("utf-8-sig")
        cpd.load_catalogue(rules_text=text)
    except UnicodeDecodeError:
        ss["_rules_problem"] = f"The rules file {up.name} is not UTF-8 text."
        return
    except cpd.RecertError as exc:
        ss["_rules_problem"] = str(exc)
        return
    _use_rules(text)


if ss.get("_rules_problem"):
    st.error(views.md_escape(ss["_rules_problem"]), icon=":material/error:")

edited = st.data_editor(
    table, key=key, hide_index=True, width="stretch", height=560, num_rows="add",
    column_config={
        "id": st.column_config.TextColumn("Id", pinned=True, help="Stable id used by the CLI and exports",
                                          validate=r"^[a-z0-9_]+$"),
        "kind": st.column_config.SelectboxColumn("Kind", options=["certification", "cpr_card"], disabled=False),
        "body": st.column_config.TextColumn("Body"),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "unit": st.column_config.TextColumn("Unit"),
        "hours_per_unit": st.column_config.NumberColumn("Hours per unit", min_value=0.0, format="%g"),
        "required_credits": st.column_config.NumberColumn("Credits required", min_value=0.0, format="%g"),
        "cycle_years": st.column_config.NumberColumn("Cycle (years)", min_value=0.0, format="%g"),
        "grace_days": st.column_config.NumberColumn("Grace (days)", min_value=0, format="%d"),
        "cpr_required": st.column_config.SelectboxColumn("CPR/AED required", options=["yes", "no", "unknown"]),
        "cpr_counts_credits": st.column_config.NumberColumn("CPR/AED credit", min_value=0.0, format="%g"),
        "confidence": st.column_config.TextColumn("Confidence", help="C confirmed, I inferred, U unknown"),
        "sources": st.column_config.TextColumn("Sources", width="medium"),
        "notes": st.column_config.TextColumn("Notes", width="large"),
    })
pending = views.rules_changes(edited, bundled)
in_force = ss.get(_shared.RULES)

b1, b2, b3 = st.columns([1, 1, 2])
b1.button("Apply to this session", on_click=apply_rules, type="primary", icon=":material/check:",
          disabled=(views.rules_yaml(pending) if pending else None) == in_force)
b2.button("Back to the bundled rules", on_click=reset_rules, icon=":material/restart_alt:", disabled=not in_force)
with b3:
    st.download_button("Download these rules (YAML)", data=cat.to_yaml, file_name="recert-rules.yaml",
                       mime="application/x-yaml", icon=":material/download:", on_click="ignore",
                       help="The rules in force, in the bundled format: use with --rules or upload it here later.")
if pending:
    with st.expander(f"Your changes to the bundled rules ({len(pending)} credential{'s' if len(pending) != 1 else ''})"):
        st.code(views.rules_yaml(pending), language="yaml")

st.file_uploader("Load a rules file", type=["yaml", "yml"], key="rules_upload", on_change=load_rules_file,
                 help="A file downloaded here or written for --rules: its entries override the bundled ones by id.")
st.caption(f"Rules version in force: {views.md_escape(cat.version)}")
