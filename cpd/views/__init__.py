"""What the dashboard pages show, computed from a Standing without Streamlit.

Pages only lay out what these functions return, so every number on screen can be checked in a plain test.
Nothing here re-derives a status: statuses, reasons and compliance come from ``cpd.standing``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..attention import ACTION_STATUSES, attention_frame
from ..catalogue import Catalogue
from ..ingest.header import FIELD_LABELS
from ..model import STATUS_LABELS, STATUSES, SheetMapping, Standing, warning_kind
from ..wording import quantity

LAPSED = ("grace", "expired")
# Certifications a manager has to act on, most urgent status first.
ATTENTION = ACTION_STATUSES
NO_BODY = "Not in catalogue"

NO_CLUB = "(no club)"  # how a trainer with no club on file is shown and filtered


# Filters -----------------------------------------------------------------------------------------------------
def _chosen(values: Iterable[str] | None) -> list[str]:
    return [v for v in (values or ()) if v is not None]


def filter_standing(
    st: Standing,
    *,
    clubs: Iterable[str] | None = None,
    bodies: Iterable[str] | None = None,
    credentials: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    roles: Iterable[str] | None = None,
) -> Standing:
    """The same Standing restricted to the chosen clubs, bodies, credentials, statuses and roles.

    An empty or missing choice means "all". Club and role select trainers; body, credential and status select
    certifications, and then only trainers holding a selected certification remain (status ``missing`` keeps
    trainers with no certification). Trainer verdicts (compliant, worst status) are the engine's and are not
    recomputed for the subset.
    """
    clubs, bodies, creds, statuses, roles = map(_chosen, (clubs, bodies, credentials, statuses, roles))
    if not any((clubs, bodies, creds, statuses, roles)):
        return st
    t = st.trainers
    keep_t = pd.Series(True, index=t.index)
    if clubs:
        keep_t &= t["club"].fillna("").replace("", NO_CLUB).isin(clubs) | t["club"].isin(clubs)
    if roles:
        keep_t &= t["role"].isin(roles)
    s = st.standings
    keep_s = s["trainer_id"].isin(t.loc[keep_t, "trainer_id"])
    cert_filter = bool(bodies or creds or (statuses and set(statuses) - {"missing"}))
    if bodies:
        keep_s &= s["body"].replace("", NO_BODY).isin(bodies) if NO_BODY in bodies else s["body"].isin(bodies)
    if creds:
        keep_s &= s["credential"].isin(creds)
    if statuses:
        keep_s &= s["status"].isin(statuses)
    standings = s[keep_s].reset_index(drop=True)
    if cert_filter or statuses:
        holders = set(standings["trainer_id"])
        with_cert = t["trainer_id"].isin(holders)
        if "missing" in (statuses or ()) and not (bodies or creds):
            with_cert |= t["status"].eq("missing")
        keep_t &= with_cert
    trainers = t[keep_t].reset_index(drop=True)
    ids = set(trainers["trainer_id"])
    keys = set(standings["cert_key"]) if "cert_key" in standings else None
    contrib = st.contributions
    if keys is not None and "cert_key" in contrib:
        contrib = contrib[contrib["cert_key"].isin(keys)]
    else:
        contrib = contrib[contrib["trainer_id"].isin(ids)]
    return replace(
        st,
        standings=standings,
        trainers=trainers,
        activities=st.activities[st.activities["trainer_id"].isin(ids)].reset_index(drop=True),
        contributions=contrib.reset_index(drop=True),
        cpr_cards=st.cpr_cards[st.cpr_cards["trainer_id"].isin(ids)].reset_index(drop=True),
    )


def filter_options(st: Standing, catalogue_names: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The values each sidebar filter can take, sorted for people (names, not ids)."""
    s, t = st.standings, st.trainers
    bodies = sorted({b or NO_BODY for b in s["body"].dropna()}, key=lambda b: (b == NO_BODY, b.casefold()))
    names = credential_names(st, catalogue_names)
    creds = sorted(names, key=lambda c: names[c].casefold())
    present = set(s["status"]) | ({"missing"} if t["status"].eq("missing").any() else set())
    statuses = [x for x in (*STATUSES, "missing") if x in present]
    return {
        "clubs": _sorted_text(t["club"]) + ([NO_CLUB] if t["club"].fillna("").eq("").any() else []),
        "roles": _sorted_text(t["role"]),
        "bodies": bodies,
        "credentials": creds,
        "statuses": statuses,
    }


def _sorted_text(col: pd.Series) -> list[str]:
    return sorted({str(v) for v in col.dropna() if str(v).strip()}, key=str.casefold)


def credential_names(st: Standing, catalogue_names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Credential id -> the name a manager reads (catalogue name when known, else as written)."""
    names: dict[str, str] = {}
    s = st.standings
    for cid, written, known in zip(s["credential"], s["credential_name"], s["known"], strict=True):
        if cid in names:
            continue
        if known and catalogue_names and cid in catalogue_names:
            names[cid] = catalogue_names[cid]
        else:
            names[cid] = str(written) if isinstance(written, str) and written.strip() else str(cid)
    return names


def credential_labels(catalogue: Catalogue) -> dict[str, str]:
    """Short names for charts and tables ("NASM CPT" rather than "NASM Certified Personal Trainer").

    The first short alias naming the body in words ("NASM CPT"), else the first short alias with a space, else
    any short alias, else the catalogue name.
    """
    out: dict[str, str] = {}
    for cred in catalogue.credentials.values():
        body = cred.body.casefold()
        short = [a for a in cred.aliases if 0 < len(a) <= 22]
        spaced = [a for a in short if " " in a]
        with_body = [a for a in spaced if body in a.casefold().split()]
        out[cred.id] = (with_body or spaced or short or [cred.name])[0]
    return out


# Display text from files --------------------------------------------------------------------------------------
# Every string that came from a file (names, clubs, file names, units, sentences quoting them) goes through one of
# these before Streamlit markdown or Plotly sees it, so it shows as the characters it is and never as markup.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=&^])")
WORD_JOINER = "\u2060"  # invisible, no line break: splits a pattern without changing what the reader sees
# Streamlit's markdown rewrites TEXT after backslash escapes are resolved, so escaping cannot stop these:
# GFM autolink literals (www., http://, https://, mailto:, a@b.c), :material/x: icons (the source is even
# rewritten before parsing), emoji shortcodes and :streamlit:, and "->", "--", ">=" typographic replacements.
# A word joiner after ':' and '@', between 'www' and '.', and inside those pairs breaks every one of them.
_MD_BREAK = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<=[-<>~=])(?=[-<>=])")
# Line breaks and runs of blanks become one space (HTML shows them so anyway): no hard break, no code block.
_BLANKS = re.compile(r"[ \t\r\n\v\f\x1c-\x1f\x85\u2028\u2029]+")


def md_escape(text: object) -> str:
    """File-derived text made literal for Streamlit markdown, on one line.

    Markdown and HTML syntax (``**x**``, ``<img ...>``, ``[a](b)``, ``$x$``, ``:red[x]``) is backslash-escaped;
    the patterns Streamlit turns into links, icons or emoji after parsing (``www.x.test``, ``https://x``,
    ``a@b.test``, ``:material/warning:``, ``:smile:``) are split by an invisible word joiner; line breaks and
    runs of blanks become one space. For markdown bodies and for widget labels (expander, metric, button, tab);
    widgets that show plain text (selectbox options, dataframe cells, ``st.text``) need none of it.
    """
    one_line = _BLANKS.sub(" ", str(text))
    return _MD_SPECIAL.sub(r"\\\1", _MD_BREAK.sub(WORD_JOINER, one_line))


# Plotly renders a subset of HTML (<a href>, <span style>, <b>, <br>) and $...$ in every label, tick, legend and
# hover text, and fills %{...} in hover templates; it decodes &entities; after that. So data is entity-escaped.
_PLOT_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "$": "&#36;", "%": "&#37;"}
_PLOT_SPECIAL = re.compile("[&<>$%]")


def plot_text(text: object) -> str:
    """File-derived text made literal for a Plotly figure: ``<b>x</b>`` shows as typed, ``%{x}`` is not filled.

    Plotly decodes the entities when it draws, so the reader sees the original; ``plot_unescape`` reverses it
    exactly (a clicked bar's club).
    """
    return _PLOT_SPECIAL.sub(lambda m: _PLOT_ENTITIES[m.group()], str(text))


def plot_texts(values: Iterable[object]) -> list[str]:
    """``plot_text`` of each value (a figure's categories, hover text or custom data)."""
    return [plot_text(v) for v in values]


def plot_unescape(text: str) -> str:
    """The original of a ``plot_text`` string (what a chart selection hands back)."""
    return html.unescape(text)


# Chart selection -> filter -----------------------------------------------------------------------------------
def club_from_selection(selection_event: Any) -> list[str]:
    """Clubs picked by clicking, box- or lasso-selecting bars of the status-by-club chart.

    ``selection_event`` is what ``st.plotly_chart(..., on_select="rerun")`` returns (or its session-state
    value): ``{"selection": {"points": [{"customdata": ..., "y": ..., "x": ...}, ...], ...}}``. The club is read
    from a point's ``customdata`` (the chart puts it there), else from its category axis value, both as the chart
    escaped them (``plot_text``), so the real name comes back. Order of first selection is kept, duplicates
    dropped; anything malformed gives no clubs.
    """
    if not selection_event:
        return []
    try:
        selection = selection_event["selection"]
        points = selection["points"] or []
    except (KeyError, TypeError, IndexError):
        return []
    clubs: dict[str, None] = {}
    for point in points:
        if not isinstance(point, Mapping):
            continue
        club = _club_of(point)
        if club:
            clubs.setdefault(club, None)
    return list(clubs)


def _club_of(point: Mapping[str, Any]) -> str | None:
    custom = point.get("customdata")
    if isinstance(custom, list | tuple):
        custom = custom[0] if custom else None
    if isinstance(custom, str) and custom.strip():
        return plot_unescape(custom)
    for axis in ("y", "x", "label"):  # the category axis holds text; the value axis holds a count
        v = point.get(axis)
        if isinstance(v, str) and v.strip():
            return plot_unescape(v)
    return None


# KPIs --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kpi:
    """One headline number: the big value, the line under it and what it counts."""

    label: str
    value: str
    count: int
    detail: str = ""
    help: str = ""


def _trainers_word(n: int) -> str:
    return f"{n:,} trainer{'s' if n != 1 else ''}"


def _certs_word(n: int) -> str:
    return f"{n:,} certification{'s' if n != 1 else ''}"


def kpis(st: Standing) -> dict[str, Kpi]:
    """The Team page headline, keyed by the exact labels the manager reads.

    "Trainers" and "Compliant" count people; "At risk", "Expiring in N days" (N = the risk window) and
    "Lapsed" (grace + expired) count certifications, with the number of trainers concerned underneath.
    """
    t, s, w = st.trainers, st.standings, st.window
    n = len(t)
    compliant = int(t["compliant"].fillna(False).astype(bool).sum())
    share = f"{compliant / n:.0%}" if n else "–"
    at_risk = s[s["status"].eq("at_risk")]
    expiring = s[s["days_left"].between(0, w)]
    lapsed = s[s["status"].isin(LAPSED)]

    def people(frame: pd.DataFrame) -> str:
        return _trainers_word(frame["trainer_id"].nunique())

    return {
        "Trainers": Kpi("Trainers", f"{n:,}", n, _certs_word(len(s)),
                        "People on the uploaded rosters (after filters)."),
        "Compliant": Kpi("Compliant", share, compliant, f"{compliant:,} of {n:,}",
                         "Trainers holding at least one valid certification, with a current CPR/AED card where "
                         "their credential requires one."),
        "At risk": Kpi("At risk", f"{len(at_risk):,}", len(at_risk), people(at_risk),
                       f"Certifications expiring within {w} days whose credits or CPR/AED are not yet in order."),
        f"Expiring in {w} days": Kpi(f"Expiring in {w} days", f"{len(expiring):,}", len(expiring), people(expiring),
                                     f"Certifications whose expiry falls in the next {w} days, whatever their "
                                     "credits: each one needs renewing."),
        "Lapsed": Kpi("Lapsed", f"{len(lapsed):,}", len(lapsed), people(lapsed),
                      "Certifications past their expiry (in the grace period or expired): not valid to work."),
    }


# Tables ------------------------------------------------------------------------------------------------------
def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, str(status))


def _cpr_text(required: Any, current: Any, expires: Any) -> str:
    if current is None or current is pd.NA:
        return "none on file" if bool(required) else "not required"
    if bool(current):
        return f"current to {_day(expires)}"
    return f"expired {_day(expires)}" if not pd.isna(expires) else "none on file"


def _day(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def day(value: Any) -> str:
    """A date as a manager writes it ("4 Feb 2026"); "" when there is none."""
    return _day(value)


def _credits_text(earned: float, required: float, unit: str) -> str:
    if pd.isna(required):
        return "not checked"
    if pd.isna(earned):
        return f"not recorded (needs {quantity(required, unit)})"
    return f"{_num(earned)} of {quantity(required, unit)}"


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if np.isfinite(x) else "?"


def _display_frame(s: pd.DataFrame, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    cred = s["credential"].map(names) if names else None
    held = (~s["status"].eq("missing")).tolist()  # a trainer with no certification: nothing to say on credits
    return pd.DataFrame({
        "Trainer": s["trainer"].astype(str),
        "Club": s["club"].astype(str),
        "Certification": (cred.fillna(s["credential_name"]) if cred is not None else s["credential_name"]).astype(str),
        "Status": s["status"].map(status_label),
        "Expires": pd.to_datetime(s["expires"]),
        "Days left": s["days_left"].astype("Int64"),
        "Progress": (s["progress"].astype(float) * 100).round(0),  # percent, for a ProgressColumn 0-100
        "Credits": [_credits_text(e, r, u) if h else "" for e, r, u, h in
                    zip(s["earned"], s["required"], s["unit"], held, strict=True)],
        "CPR/AED": [_cpr_text(r, c, x) if h else "" for r, c, x, h in
                    zip(s["cpr_required"], s["cpr_current"], s["cpr_expires"], held, strict=True)],
        "What to do": ["; ".join(r) for r in s["reasons"]],
    })


def attention_rows(st: Standing) -> pd.DataFrame:
    """Rows to act on (``cpd.attention``, the definition the report and the reminders use), in the engine's
    urgency order: trainers with no certification, then worst status first, soonest deadline first."""
    return attention_frame(st).sort_values(["urgency", "trainer"], kind="stable")


def needs_attention(st: Standing, names: Mapping[str, str] | None = None, *, limit: int | None = None) -> pd.DataFrame:
    """The "Needs attention" table: ``attention_rows`` ready for display, the ``limit`` most urgent when given.

    Only the rows shown are formatted, so a chain's 10,000 lapsed certifications cost what a page of them does.
    """
    rows = attention_rows(st)
    if limit is not None:
        rows = rows.head(limit)
    out = _display_frame(rows, names)
    out.insert(0, "trainer_id", rows["trainer_id"].astype(str).to_numpy())
    return out.reset_index(drop=True)


def trainer_choices(st: Standing) -> pd.DataFrame:
    """Trainers for the picker, most urgent first, with a label that tells namesakes apart."""
    t = st.trainers
    dup = t["trainer"].duplicated(keep=False)
    label = t["trainer"].astype(str).where(~dup, t["trainer"].astype(str) + " (" + t["club"].fillna("").astype(str)
                                           + ", " + t["trainer_id"].astype(str) + ")")
    return pd.DataFrame({"trainer_id": t["trainer_id"].astype(str), "label": label,
                         "status": t["status"]}).reset_index(drop=True)


def trainer_certifications(st: Standing, trainer_id: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every certification one trainer holds, in the engine's urgency order, ready for display."""
    s = st.standings[st.standings["trainer_id"].eq(trainer_id)]
    out = _display_frame(s, names)
    out["Required"] = s["required"].to_numpy()
    out["Earned"] = s["earned"].to_numpy()
    out["Remaining"] = s["remaining"].to_numpy()
    out["Unit"] = s["unit"].to_numpy()
    out["status"] = s["status"].to_numpy()
    out["cert_key"] = s["cert_key"].to_numpy() if "cert_key" in s else s["credential"].to_numpy()
    out["reasons"] = s["reasons"].to_numpy()
    return out.reset_index(drop=True)


def trainer_activities(st: Standing, trainer_id: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One trainer's CE activities, newest first, with the certifications each one counted toward."""
    a = st.activities[st.activities["trainer_id"].eq(trainer_id)]
    c = st.contributions[st.contributions["trainer_id"].eq(trainer_id)]
    s = st.standings[st.standings["trainer_id"].eq(trainer_id)]
    unit_of = dict(zip(s["credential"], s["unit"], strict=False))
    counted: dict[Any, list[str]] = {}
    for aid, cred, credits in zip(c["activity_id"], c["credential"], c["credits"], strict=True):
        name = (names or {}).get(cred) or cred
        counted.setdefault(aid, []).append(f"{name} ({quantity(float(credits), unit_of.get(cred, '') or 'credits')})")
    after = a["date"] > pd.Timestamp(st.as_of)
    counted_text = [
        "; ".join(counted[aid]) if aid in counted else ("not yet: dated after as-of" if late else
                                                        "not counted: outside every cycle or no matching body")
        for aid, late in zip(a["activity_id"], after, strict=True)
    ]
    out = pd.DataFrame({
        "Date": pd.to_datetime(a["date"]),
        "Course": a["course"].fillna("").astype(str),
        "Provider": a["provider"].fillna("").astype(str),
        "Amount": [f"{_num(float(x))} {u}".strip() for x, u in zip(a["amount"], a["unit_text"].fillna(""),
                                                                      strict=True)],
        "Approved for": a["bodies_text"].fillna("").astype(str),
        "Counted toward": counted_text,
        "Source": [f"{f} {sh} row {r}".replace("  ", " ") for f, sh, r in zip(a["file"], a["sheet"].fillna(""),
                                                                                 a["row"], strict=True)],
    })
    return out.sort_values("Date", ascending=False, kind="stable").reset_index(drop=True)


def trainer_timeline(st: Standing, trainer_id: str) -> pd.DataFrame:
    """Cumulative credits over each certification's cycle, for the credits-vs-pace chart.

    One row per step: the cycle start at 0, each counted activity, then "now" (as-of, or the expiry when it is
    past) at the total the engine reports as earned, which also holds roster-row credits and CPR/AED credit that
    have no date of their own. Columns: cert_key, credential, date, cumulative, kind ("start", "activity", "now").
    """
    s = st.standings[st.standings["trainer_id"].eq(trainer_id) & st.standings["known"]
                     & st.standings["required"].notna() & st.standings["cycle_start"].notna()]
    c = st.contributions
    key_col = "cert_key" if "cert_key" in c and "cert_key" in s else "credential"
    c = c[c["trainer_id"].eq(trainer_id)].merge(st.activities[["activity_id", "date"]], on="activity_id", how="left")
    rows: list[dict[str, Any]] = []
    T = pd.Timestamp(st.as_of)
    for key, cred, start, expires, earned in zip(s[key_col], s["credential"], s["cycle_start"], s["expires"],
                                                 s["earned"], strict=True):
        rows.append({"cert_key": key, "credential": cred, "date": start, "cumulative": 0.0, "kind": "start"})
        mine = c[c[key_col].eq(key)].sort_values("date", kind="stable")
        total = 0.0
        for d, credits in zip(mine["date"], mine["credits"], strict=True):
            total += float(credits)
            rows.append({"cert_key": key, "credential": cred, "date": d, "cumulative": total, "kind": "activity"})
        now = min(T, pd.Timestamp(expires))
        if not pd.isna(earned):
            rows.append({"cert_key": key, "credential": cred, "date": now, "cumulative": float(max(earned, total)),
                         "kind": "now"})
    frame = pd.DataFrame(rows, columns=["cert_key", "credential", "date", "cumulative", "kind"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def trainer_summary(st: Standing, trainer_id: str) -> dict[str, Any]:
    """Name, club, role, email and verdict of one trainer."""
    t = st.trainers[st.trainers["trainer_id"].eq(trainer_id)]
    if t.empty:
        return {}
    row = t.iloc[0]
    return {"trainer": str(row["trainer"]), "club": _text(row["club"]), "role": _text(row["role"]),
            "email": _text(row["email"]), "compliant": bool(row["compliant"]), "status": str(row["status"]),
            "certifications": int(row["certifications"]), "next_expiry": row["next_expiry"]}


def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


# Upload page -------------------------------------------------------------------------------------------------
LAYOUT_LABELS = {
    "roster": "Roster (one row per certification)",
    "certifications": "Certifications list",
    "matrix": "Training matrix (one column per credential)",
    "staff": "Staff list",
    "ce_log": "CE activity log",
    "skipped": "Not read",
}
# How the Upload page names a sheet that was not read, by its note's kind.
SKIPPED_LABELS = {"empty": "Empty", "hidden": "Hidden, not read", "copy": "A copy, read once",
                  "no_header": "Not read: no header found", "unreadable": "Not read: columns not recognised"}


def layout_label(mapping: SheetMapping) -> str:
    """What the Upload page says a sheet was read as ("Training matrix …", "Empty", "Hidden, not read")."""
    if mapping.layout == "skipped":
        return SKIPPED_LABELS.get(mapping.note_kind, LAYOUT_LABELS["skipped"])
    return LAYOUT_LABELS.get(mapping.layout, mapping.layout)
IGNORE = "ignored"  # what the mapping editor shows for a column Recert does not use ("" in overrides)
_ORDER_WORDS = {"mdy": "month first (03/04 = 4 March)", "dmy": "day first (03/04 = 3 April)"}


def field_options(catalogue: Catalogue) -> list[str]:
    """What a column can be read as: ignored, a field, or the expiry column of one credential (a matrix)."""
    return [IGNORE, *FIELD_LABELS, *(f"credential:{cid}" for cid in catalogue.credentials)]


def field_label(value: object, names: Mapping[str, str] | None = None) -> str:
    """How a mapping target reads to a manager: "expiry date", "expiry of NASM CPT", "(ignored)"."""
    if not isinstance(value, str) or not value or value == IGNORE:
        return "(ignored)"
    if value.startswith("credential:"):
        cid = value.split(":", 1)[1]
        return f"expiry of {(names or {}).get(cid, cid)}"
    return FIELD_LABELS.get(value, value)


def sheet_title(mapping: SheetMapping) -> str:
    return f"{mapping.file} — sheet '{mapping.sheet}'" if mapping.sheet else mapping.file


def mapping_rows(mapping: SheetMapping) -> pd.DataFrame:
    """Columns of one sheet and what Recert read each as ("" = ignored), in the file's order where known."""
    rows = [{"Column in file": h, "Read as": f, "Date order": _order_words(mapping.date_orders.get(h, ""))}
            for h, f in mapping.columns.items()]
    rows += [{"Column in file": h, "Read as": IGNORE, "Date order": ""} for h in mapping.ignored]
    return pd.DataFrame(rows, columns=["Column in file", "Read as", "Date order"])


def _order_words(order: str) -> str:
    """ "mdy (assumed)" -> "month first (03/04 = 4 March), assumed"."""
    code, _, note = order.partition(" ")
    words = _ORDER_WORDS.get(code, code)
    return f"{words}, {note.strip('()')}" if note else words


def overrides_from_edit(mapping: SheetMapping, edited: pd.DataFrame) -> dict[str, str]:
    """The {header: field or ""} corrections an edited mapping table asks for (only the changed columns)."""
    detected = {**{h: "" for h in mapping.ignored}, **mapping.columns}
    out: dict[str, str] = {}
    for header, target in zip(edited["Column in file"], edited["Read as"], strict=True):
        if not isinstance(header, str) or not header.strip():
            continue
        missing = target is None or (not isinstance(target, str) and pd.isna(target))
        target = "" if missing or target == IGNORE else str(target)
        if detected.get(header) != target:
            out[header] = target
    return out


def apply_editor_state(frame: pd.DataFrame, state: Mapping[str, Any] | None) -> pd.DataFrame:
    """The table a ``st.data_editor`` shows, given its input frame and its widget state (edits and added rows).

    Reading the widget state in a button callback sees the latest edit even when it arrives with the click.
    """
    out = frame.copy()
    if not state:
        return out
    for idx, change in (state.get("edited_rows") or {}).items():
        i = int(idx)
        for col, value in change.items():
            if col in out.columns and 0 <= i < len(out):
                out.loc[out.index[i], col] = value
    added = [r for r in (state.get("added_rows") or []) if isinstance(r, Mapping)]
    if added:
        out = pd.concat([out, pd.DataFrame(added).reindex(columns=out.columns)], ignore_index=True)
    deleted = {int(i) for i in (state.get("deleted_rows") or [])}
    if deleted:
        out = out.drop(index=[out.index[i] for i in sorted(deleted) if 0 <= i < len(out)])
    return out.reset_index(drop=True)




def group_warnings(warnings: Iterable[str]) -> tuple[list[str], list[str]]:
    """Warnings a manager should read first, and the routine "listed N times: the latest expiry was used" ones,
    told apart by their kind (``model.Notice``), never by their wording."""
    main: list[str] = []
    duplicates: list[str] = []
    for w in warnings:
        (duplicates if warning_kind(w) == "listed_twice" else main).append(w)
    return main, duplicates


# Notes on a sheet that was not read, by kind: whether a mapping editor helps, and how the note starts.
SHEET_NOT_READ = {"no_header", "unreadable"}  # a header typed by hand can make these readable


def sheet_needs_mapping(mapping: SheetMapping) -> bool:
    """A skipped sheet whose header Recert could not use: the Upload page opens it with a mapping editor. An
    empty, hidden or duplicate sheet opens collapsed, with its note only."""
    return mapping.layout == "skipped" and mapping.note_kind in SHEET_NOT_READ


def counts_by_file(st: Standing) -> pd.DataFrame:
    """Rows read / accepted / rejected / blank per file."""
    led = st.ledger
    if led.empty:
        return pd.DataFrame(columns=["file", "Rows read", "Accepted", "Rejected", "Blank"])
    tab = pd.crosstab(led["file"], led["fate"]).reindex(columns=["accepted", "rejected", "blank"], fill_value=0)
    out = pd.DataFrame({"file": tab.index, "Rows read": tab.sum(axis=1).to_numpy(),
                        "Accepted": tab["accepted"].to_numpy(), "Rejected": tab["rejected"].to_numpy(),
                        "Blank": tab["blank"].to_numpy()})
    return out.reset_index(drop=True)


def rejected_table(st: Standing) -> pd.DataFrame:
    """Rejected rows with where they are, whose they are (the trainer's name as written) and why, in file order."""
    r = st.rejected
    who = r["trainer"] if "trainer" in r else pd.Series("", index=r.index, dtype=object)
    return pd.DataFrame({"File": r["file"].astype(str), "Sheet": r["sheet"].fillna("").astype(str),
                         "Row": r["row"].astype(int), "Trainer": who.fillna("").astype(str),
                         "Column": r["column"].fillna("").astype(str), "Reason": r["reason"].astype(str)})


# Rules page --------------------------------------------------------------------------------------------------
RULE_COLUMNS = ["id", "kind", "body", "name", "unit", "hours_per_unit", "required_credits", "cycle_years",
                "grace_days", "cpr_required", "cpr_counts_credits", "confidence", "sources", "notes"]
_YES_NO = {True: "yes", False: "no", None: "unknown"}


def _confidence_text(conf: Mapping[str, str] | None) -> str:
    return "; ".join(f"{k}: {v}" for k, v in (conf or {}).items())


def _confidence_value(text: object) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in re.split(r"[;,]", str(text or "")):
        if ":" in part:
            k, v = part.split(":", 1)
            if k.strip():
                out[k.strip()] = v.strip()
    return out


def rules_table(catalogue: Catalogue) -> pd.DataFrame:
    """The catalogue as an editable table: one row per credential, lists and mappings as text."""
    rows = []
    for r in catalogue.to_rows():
        rows.append({
            **{c: r.get(c) for c in RULE_COLUMNS},
            "cpr_required": _YES_NO.get(r.get("cpr_required"), "unknown"),
            "confidence": _confidence_text(r.get("confidence")),
            "sources": "\n".join(r.get("sources") or ()),
            "notes": r.get("notes") or "",
            "unit": r.get("unit") or "",
        })
    frame = pd.DataFrame(rows, columns=RULE_COLUMNS)
    for col in ("hours_per_unit", "required_credits", "cycle_years", "grace_days", "cpr_counts_credits"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    return frame


def _rule_value(col: str, v: Any) -> Any:
    """A table cell as the rules file writes it; whatever the cell holds, the engine judges it, this never fails."""
    if v is None or (pd.api.types.is_scalar(v) and not isinstance(v, str) and pd.isna(v)):
        v = None  # an empty cell: None, NaN, NA or NaT
    if col in ("hours_per_unit", "required_credits", "cycle_years", "cpr_counts_credits", "grace_days"):
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        try:
            f = float(v)
        except (TypeError, ValueError, OverflowError):
            return v  # load_catalogue says what is wrong with it
        # 90.0 -> 90; 1.5 days, inf and 1e300 stay as they are for load_catalogue to refuse with a sentence.
        return int(f) if f.is_integer() and abs(f) < 1e15 else f
    if col == "cpr_required":
        return {"yes": True, "no": False}.get(str(v).strip().lower())
    if col == "confidence":
        return _confidence_value(v)
    if col == "sources":
        return [s.strip() for s in re.split(r"[\n;]| (?=https?://)", str(v or "")) if s.strip()]
    if v is None:
        return None
    text = str(v).strip()
    return text or None


def rules_changes(edited: pd.DataFrame, bundled: Catalogue) -> list[dict[str, Any]]:
    """Entries for a rules file: the fields that differ from the bundled catalogue, and new credentials whole."""
    base = {r["id"]: r for r in bundled.to_rows()}
    out: list[dict[str, Any]] = []
    for row in edited.to_dict("records"):
        cid = _rule_value("id", row.get("id"))
        if not cid:
            continue
        values = {c: _rule_value(c, row.get(c)) for c in RULE_COLUMNS if c != "id"}
        if cid not in base:
            entry = {"id": cid, **{k: v for k, v in values.items() if v not in (None, [], {})}}
            entry.setdefault("kind", "certification")
            out.append(entry)
            continue
        old = {c: _rule_value(c, v) for c, v in rules_table_row(base[cid]).items()}
        diff = {c: v for c, v in values.items() if c != "kind" and v != old.get(c)}
        if diff:
            out.append({"id": cid, **diff})
    return out


def rules_table_row(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One catalogue row in the table's text form (for comparing edits)."""
    return {"id": raw.get("id"), "kind": raw.get("kind"), "body": raw.get("body"), "name": raw.get("name"),
            "unit": raw.get("unit") or "", "hours_per_unit": raw.get("hours_per_unit"),
            "required_credits": raw.get("required_credits"), "cycle_years": raw.get("cycle_years"),
            "grace_days": raw.get("grace_days"), "cpr_required": _YES_NO.get(raw.get("cpr_required"), "unknown"),
            "cpr_counts_credits": raw.get("cpr_counts_credits"),
            "confidence": _confidence_text(raw.get("confidence")), "sources": "\n".join(raw.get("sources") or ()),
            "notes": raw.get("notes") or ""}


def rules_yaml(entries: list[dict[str, Any]]) -> str:
    """A rules file (the bundled format) holding only these entries; ``--rules`` merges it by id."""
    import yaml

    return yaml.safe_dump({"credentials": entries}, sort_keys=False, allow_unicode=True, width=110)


def number(x: Any) -> str:
    """2.0 -> "2", 0.3 -> "0.3" (for credits)."""
    try:
        return _num(float(x))
    except (TypeError, ValueError):
        return "?"


def cpr_badge(text: str) -> tuple[str, str]:
    """The CPR/AED cell ("current to 27 Dec 2026") as a short value and its detail ("Current", "to 27 Dec 2026")."""
    for lead, value in (("current to ", "Current"), ("expired ", "Expired")):
        if text.startswith(lead):
            return value, ("to " if value == "Current" else "on ") + text[len(lead):]
    return text[:1].upper() + text[1:], ""
