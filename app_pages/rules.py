"""Rules: the certifying bodies' renewal rules Recert applies, editable for this session and downloadable."""

import logging

import streamlit as st

import cpd
from app_pages import _shared, _store
from cpd.catalogue import MAX_RULES_BYTES, RANGES, check_rules_size, rules_text_from_bytes
from cpd.views import rules
from cpd.views.escape import md_escape
from cpd.views.table import apply_editor_state

log = logging.getLogger("recert")

ss = st.session_state
loaded = _shared.current()
cat = loaded.catalogue
bundled = cpd.load_catalogue()
GEN = "_rules_gen"  # bumped on apply/reset so the editor starts from the rules in force

st.title("Rules")
st.markdown(
    "The renewal rules of each credential: credits required per cycle, what a credit unit is worth in "
    "hours, grace period and CPR/AED. Edits apply to **this browser session only**; download them as a "
    "rules file to use them again (`python -m cpd standing --rules FILE`)."
)
if loaded.rules_error:
    st.error(
        f"Your rules could not be used, so the bundled rules apply: {md_escape(loaded.rules_error)}",
        icon=":material/error:",
    )
elif ss.get(_shared.RULES) and _store.viewing() is None:
    st.info(
        "The team's saved rules are in force."
        if ss[_shared.RULES] == _store.team_rules_text()
        else "Your edited rules are in force for this session.",
        icon=":material/edit_note:",
    )
if _store.viewing() is not None:
    st.info(
        "These are the rules saved with the snapshot shown; editing is off until you go back to your files.",
        icon=":material/history:",
    )

gen = ss.setdefault(GEN, 0)
table = rules.rules_table(cat)
key = f"rules_editor_{gen}"
UNEXPECTED = (
    "These rules could not be checked because of an unexpected problem in Recert, so they were not "
    "applied; the rules in force are unchanged."
)


def apply_rules() -> None:
    """Button callback: the edited table, compared with the bundled rules, becomes this session's rules file."""
    try:
        edited = apply_editor_state(rules.rules_table(cat), ss.get(key))
        changes = rules.rules_changes(edited, bundled)
        text = rules.rules_yaml(changes) if changes else None
        if text:
            cpd.load_catalogue(rules_text=text)
    except cpd.RecertError as exc:
        ss["_rules_problem"] = str(exc)
        return
    except Exception:  # a bug must leave the page usable, with the rules in force unchanged
        log.exception("rules edit could not be checked")
        ss["_rules_problem"] = UNEXPECTED
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
    try:  # size first: the bytes are never decoded or parsed when they exceed the rules file cap
        check_rules_size(up.size, up.name)
        text = rules_text_from_bytes(up.getvalue(), up.name)
        cpd.load_catalogue(rules_text=text)
    except cpd.RecertError as exc:
        ss["_rules_problem"] = str(exc)
        return
    except Exception:  # noqa: BLE001 - a bug must leave the page usable
        log.exception("rules file could not be checked")
        ss["_rules_problem"] = UNEXPECTED
        return
    _use_rules(text)


def _number(label: str, field: str, fmt: str = "%g") -> st.column_config.NumberColumn:
    """A number column bounded as the engine bounds the field (the engine still checks every value)."""
    lo, hi, unit = RANGES[field]
    return st.column_config.NumberColumn(
        label,
        min_value=lo,
        max_value=hi,
        format=fmt,
        step=1 if fmt == "%d" else None,
        help=f"From {lo:g} to {hi:g} {unit}; empty when unknown",
    )


if ss.get("_rules_problem"):
    st.error(md_escape(ss["_rules_problem"]), icon=":material/error:")

edited = st.data_editor(
    table,
    key=key,
    hide_index=True,
    width="stretch",
    height=560,
    num_rows="add",
    column_config={
        "id": st.column_config.TextColumn(
            "Id", pinned=True, help="Stable id used by the CLI and exports", validate=r"^[a-z0-9_]+$"
        ),
        "kind": st.column_config.SelectboxColumn(
            "Kind", options=["certification", "cpr_card"], disabled=False
        ),
        "body": st.column_config.TextColumn("Body"),
        "name": st.column_config.TextColumn("Name", width="medium"),
        "unit": st.column_config.TextColumn("Unit"),
        "hours_per_unit": _number("Hours per unit", "hours_per_unit"),
        "required_credits": _number("Credits required", "required_credits"),
        "cycle_years": _number("Cycle (years)", "cycle_years"),
        "grace_days": _number("Grace (days)", "grace_days", "%d"),
        "cpr_required": st.column_config.SelectboxColumn(
            "CPR/AED required", options=["yes", "no", "unknown"]
        ),
        "cpr_counts_credits": _number("CPR/AED credit", "cpr_counts_credits"),
        "confidence": st.column_config.TextColumn("Confidence", help="C confirmed, I inferred, U unknown"),
        "sources": st.column_config.TextColumn("Sources", width="medium"),
        "notes": st.column_config.TextColumn("Notes", width="large"),
    },
)
try:
    pending = rules.rules_changes(edited, bundled)
    pending_text = rules.rules_yaml(pending) if pending else None
except Exception:  # noqa: BLE001 - whatever the table holds, the page stays usable
    log.exception("rules table could not be compared")
    pending, pending_text = [], None
    st.error(UNEXPECTED, icon=":material/error:")
in_force = ss.get(_shared.RULES)

b1, b2, b3 = st.columns([1, 1, 2])
b1.button(
    "Apply to this session",
    on_click=apply_rules,
    type="primary",
    icon=":material/check:",
    disabled=pending_text == in_force or _store.viewing() is not None,
)
b2.button(
    "Back to the bundled rules", on_click=reset_rules, icon=":material/restart_alt:", disabled=not in_force
)
with b3:
    st.download_button(
        "Download these rules (YAML)",
        data=cat.to_yaml,
        file_name="recert-rules.yaml",
        mime="application/x-yaml",
        icon=":material/download:",
        on_click="ignore",
        help="The rules in force, in the bundled format: use with --rules or upload it here later.",
    )
st.button(
    "Save as the team's rules",
    on_click=_store.save_team_rules,
    icon=":material/groups:",
    disabled=_store.viewing() is not None or (in_force or "") == (_store.team_rules_text() or ""),
    help="Saved in the team's store: every new session starts with the rules in force now.",
)
if ss.get("_rules_saved"):
    st.success(ss.pop("_rules_saved"), icon=":material/check_circle:")
if pending:
    with st.expander(
        f"Your changes to the bundled rules ({len(pending)} credential{'s' if len(pending) != 1 else ''})"
    ):
        st.code(pending_text, language="yaml")

st.file_uploader(
    "Load a rules file",
    type=["yaml", "yml"],
    key="rules_upload",
    on_change=load_rules_file,
    max_upload_size=1,  # MB, the smallest the browser enforces; the engine's cap is 256 KB
    help="A file downloaded here or written for --rules: its entries override the bundled ones by "
    f"id (at most {MAX_RULES_BYTES // 1024} KB).",
)
st.caption(f"Rules version in force: {md_escape(cat.version)}")
