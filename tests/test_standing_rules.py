"""standing.md's rules on literal rosters (tests/build.py), one table per rule, no file read.

The same rules are tested through csv files in test_standing.py; here each row of a table is one sentence of
the spec with the numbers that make it true, at T = 1 Jun 2026 and a 90-day window unless a row says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from cpd.catalogue import load_catalogue
from cpd.model import ContractError, Notice, check_roster, check_standing
from cpd.samples import synthetic_standing
from cpd.standing import compute_standing, cycle_start
from tests.build import activity, card, cert, roster

T = date(2026, 6, 1)
LONG_CARD = "2027-12-31"  # a CPR/AED card current all along, with no issue date (earns no credit)


def standing(*, as_of: date = T, window: int = 90, **rows):
    return compute_standing(roster(**rows), load_catalogue(), as_of=as_of, window=window)


def row(st, trainer: str = "Ana", credential: str | None = None) -> pd.Series:
    s = st.standings
    m = s["trainer"].eq(trainer) & (s["credential"].eq(credential) if credential else True)
    assert m.sum() == 1, f"{int(m.sum())} standings for {trainer} {credential}"
    return s[m].iloc[0]


# The cycle: S = E - cycle_years; an activity counts when S < d <= min(E, T). ---------------------------------
CYCLE_WINDOW = [
    # (what the spec says, expires, activity date, earned)
    ("the day the cycle starts is outside it", "2026-07-31", "2024-07-31", 0.0),
    ("the day after the cycle starts is inside it", "2026-07-31", "2024-08-01", 1.0),
    ("an activity before the cycle does not count", "2026-07-31", "2023-01-01", 0.0),
    ("an activity on the as-of day counts", "2026-07-31", "2026-06-01", 1.0),
    ("an activity after as-of does not count yet", "2026-07-31", "2026-06-02", 0.0),
    ("after a lapse, an activity on the expiry day counts", "2026-03-31", "2026-03-31", 1.0),
    ("after a lapse, an activity after the expiry does not count", "2026-03-31", "2026-04-15", 0.0),
]


@pytest.mark.parametrize(("rule", "expires", "day", "earned"), CYCLE_WINDOW, ids=[r[0] for r in CYCLE_WINDOW])
def test_cycle_window_counts_activities_after_the_start_up_to_the_earlier_of_expiry_and_as_of(
    rule, expires, day, earned
):
    st = standing(
        certs=[cert("Ana", "nasm_cpt", expires)],
        activities=[activity("Ana", day, 10, "hours")],
        cpr=[card("Ana", LONG_CARD)],
    )
    assert row(st)["earned"] == pytest.approx(earned), rule


CYCLE_STARTS = [
    # (what the spec says, expires, cycle years, cycle start)
    ("two calendar years back", "2026-07-31", 2.0, "2024-07-31"),
    ("29 Feb becomes 28 Feb", "2028-02-29", 2.0, "2026-02-28"),
    ("29 Feb one year back", "2028-02-29", 1.0, "2027-02-28"),
    ("three years back", "2027-03-31", 3.0, "2024-03-31"),
]


@pytest.mark.parametrize(
    ("rule", "expires", "years", "start"), CYCLE_STARTS, ids=[r[0] for r in CYCLE_STARTS]
)
def test_cycle_start_is_expiry_minus_cycle_years_in_calendar_years(rule, expires, years, start):
    got = cycle_start(pd.Series(pd.to_datetime([expires])), pd.Series([years]))
    assert got.iloc[0] == pd.Timestamp(start), rule


def test_cycle_start_is_empty_when_the_cycle_is_unknown():
    assert pd.isna(cycle_start(pd.Series(pd.to_datetime(["2027-01-01"])), pd.Series([float("nan")])).iloc[0])


def test_activities_after_as_of_are_listed_in_one_future_warning():
    st = standing(
        certs=[cert("Ana", "nasm_cpt", "2026-07-31")],
        activities=[activity("Ana", "2026-06-02", 10, "hours", course="Booked course")],
    )
    future = [w for w in st.warnings if isinstance(w, Notice) and w.kind == "future"]
    assert future == [
        "1 activity is dated after as-of (1 Jun 2026) and not counted yet (booked courses?): "
        "Ana: Booked course on 2 Jun 2026."
    ]


# Which credits count, in which unit (rules 1, 2, 3, 5, 6). --------------------------------------------------
UNITS = [
    # (what the spec says, credential, amount, unit, bodies named, earned)
    ("a NASM CEU is 10 hours", "nasm_cpt", 10, "hours", (), 1.0),
    ("an ISSA CEU is 1 hour", "issa_cpt", 12, "hours", (), 12.0),
    ("an NCSF CEU is 2 hours", "ncsf_cpt", 20, "hours", (), 10.0),
    ("an NFPT CEC is 5 hours", "nfpt_cpt", 5, "hrs", (), 1.0),
    ("a row naming its body is in that body's unit", "nasm_cpt", 1.5, "CEU", ("NASM",), 1.5),
    ("hours naming the body are still hours", "nasm_cpt", 5, "hours", ("NASM",), 0.5),
    ("a bare CEU is the unit of the trainer's only certification", "issa_cpt", 3, "CEU", (), 3.0),
    ("a row naming another body does not count", "nasm_cpt", 1, "CEU", ("ISSA",), 0.0),
    ("hours toward a credential with no hours per unit count nothing", "ausactive_rep", 6, "hours", (), 0.0),
]


@pytest.mark.parametrize(
    ("rule", "credential", "amount", "unit", "bodies", "earned"), UNITS, ids=[r[0] for r in UNITS]
)
def test_units_convert_with_the_credentials_own_hours_per_unit(
    rule, credential, amount, unit, bodies, earned
):
    st = standing(
        certs=[cert("Ana", credential, "2026-12-01")],  # NFPT's one-year cycle starts 1 Dec 2025
        activities=[activity("Ana", "2026-01-10", amount, unit, bodies)],
    )
    assert row(st)["earned"] == pytest.approx(earned), rule


FLAT = [
    # (what the spec says, credential, credits on the row, in hours, earned)
    ("flat credits are in the credential's unit", "issa_cpt", 12.0, False, 12.0),
    ("flat hours convert with hours per unit", "nasm_cpt", 12.0, True, 1.2),
    ("flat hours with no hours per unit count nothing", "ausactive_rep", 6.0, True, 0.0),
]


@pytest.mark.parametrize(
    ("rule", "credential", "credits", "in_hours", "earned"), FLAT, ids=[r[0] for r in FLAT]
)
def test_flat_roster_credits_count_in_the_unit_they_are_written_in(
    rule, credential, credits, in_hours, earned
):
    st = standing(certs=[cert("Ana", credential, "2027-06-01", credits=credits, credits_in_hours=in_hours)])
    assert row(st)["earned"] == pytest.approx(earned), rule


@pytest.mark.parametrize("where", ["log", "flat"])
def test_hours_that_cannot_be_converted_are_said_in_the_reasons(where):
    st = standing(
        certs=[
            cert(
                "Ana",
                "ausactive_rep",
                "2027-06-01",
                credits=6.0 if where == "flat" else None,
                credits_in_hours=where == "flat",
            )
        ],
        activities=[activity("Ana", "2026-01-10", 6, "hours")] if where == "log" else [],
    )
    assert "6 hours could not be counted: AUSactive gives no hours per CEC" in row(st)["reasons"]


# Pairing: which certifications an activity counts toward. ------------------------------------------------
PAIRING = [
    # (what the spec says, amount, unit, bodies, NASM earned, ISSA earned, rejected)
    ("hours naming no body count toward every certification", 10, "hours", (), 1.0, 10.0, False),
    ("a row naming NASM counts toward NASM only", 1, "CEU", ("NASM",), 1.0, 0.0, False),
    ("a row naming ISSA counts toward ISSA only", 2, "CEU", ("ISSA",), 0.0, 2.0, False),
    ("bodies with the same unit size count toward each held", 1, "CEU", ("ACE", "NASM"), 1.0, 0.0, False),
    ("hours naming two bodies count toward both", 10, "hours", ("ISSA", "NASM"), 1.0, 10.0, False),
    ("a bare CEU with units of two sizes is rejected", 2, "CEU", (), 0.0, 0.0, True),
    ("CEUs naming bodies of two unit sizes are rejected", 1, "CEU", ("ISSA", "NASM"), 0.0, 0.0, True),
]


@pytest.mark.parametrize(
    ("rule", "amount", "unit", "bodies", "nasm", "issa", "rejected"), PAIRING, ids=[r[0] for r in PAIRING]
)
def test_pairing_counts_an_activity_toward_the_certifications_it_names_or_all_in_hours(
    rule, amount, unit, bodies, nasm, issa, rejected
):
    st = standing(
        certs=[
            cert("Ana", "nasm_cpt", "2027-06-01", name="NASM CPT"),
            cert("Ana", "issa_cpt", "2027-06-01", name="ISSA CPT"),
        ],
        activities=[activity("Ana", "2026-01-10", amount, unit, bodies)],
    )
    assert row(st, credential="nasm_cpt")["earned"] == pytest.approx(nasm), rule
    assert row(st, credential="issa_cpt")["earned"] == pytest.approx(issa), rule
    fates = st.ledger.set_index("row")["fate"]
    assert (fates.loc[4] == "rejected") is rejected  # rows 2, 3: the certifications; 4: the activity
    assert len(st.activities) == (0 if rejected else 1)
    counted = st.contributions.groupby("credential")["credits"].sum().to_dict()
    assert counted == {k: pytest.approx(v) for k, v in (("issa_cpt", issa), ("nasm_cpt", nasm)) if v}


AMBIGUOUS = [
    ((), "unit CEU is ambiguous for this trainer (holds NASM CPT and ISSA CPT): name the body or give hours"),
    (
        ("ISSA", "NASM"),
        "unit CEU is ambiguous: ISSA and NASM count credits in units of different sizes; give hours",
    ),
]


@pytest.mark.parametrize(("bodies", "reason"), AMBIGUOUS, ids=["no body named", "bodies named"])
def test_an_ambiguous_unit_is_rejected_with_a_reason_naming_what_makes_it_ambiguous(bodies, reason):
    st = standing(
        certs=[
            cert("Ana", "nasm_cpt", "2027-06-01", name="NASM CPT"),
            cert("Ana", "issa_cpt", "2027-06-01", name="ISSA CPT"),
        ],
        activities=[activity("Ana", "2026-01-10", 2, "CEU", bodies)],
    )
    rejected = st.rejected
    assert rejected[["row", "column", "reason"]].to_dict("records") == [
        {"row": 4, "column": "Unit", "reason": reason}
    ]


def test_an_activity_counts_only_for_its_own_trainer():
    st = standing(
        certs=[cert("Ana", "nasm_cpt", "2027-06-01"), cert("Ben", "nasm_cpt", "2027-06-01")],
        activities=[activity("Ana", "2026-01-10", 10, "hours")],
    )
    assert row(st, "Ana")["earned"] == pytest.approx(1.0)
    assert row(st, "Ben")["earned"] == 0.0  # the upload has a CE log: Ben has earned 0 from it (rule 7)


# CPR/AED credit (rule 4) and the current card. -----------------------------------------------------------
CPR_CREDIT = [
    # (what the spec says, credential, card issued, credit); NASM 0.1, NCSF 2, ISSA none; E = 31 Jul 2026
    ("a card issued inside the cycle earns the credit", "nasm_cpt", "2024-12-01", 0.1),
    ("a card issued on the cycle start earns nothing", "nasm_cpt", "2024-07-31", 0.0),
    ("a card issued the day after the start earns it", "nasm_cpt", "2024-08-01", 0.1),
    ("a card issued on the as-of day earns it", "nasm_cpt", "2026-06-01", 0.1),
    ("a card issued after as-of earns nothing yet", "nasm_cpt", "2026-06-02", 0.0),
    ("a card with only an expiry earns nothing", "nasm_cpt", None, 0.0),
    ("the credit is the credential's own", "ncsf_cpt", "2025-01-10", 2.0),
    ("a credential without CPR credit earns nothing", "issa_cpt", "2025-01-10", 0.0),
]


@pytest.mark.parametrize(
    ("rule", "credential", "issued", "credit"), CPR_CREDIT, ids=[r[0] for r in CPR_CREDIT]
)
def test_cpr_credit_is_added_for_a_card_issued_inside_the_cycle_window(rule, credential, issued, credit):
    st = standing(
        certs=[cert("Ana", credential, "2026-07-31")], cpr=[card("Ana", "2027-06-01", issued)], ce_log=True
    )
    assert row(st)["earned"] == pytest.approx(credit), rule


CPR_CURRENT = [
    # (what the spec says, card expires, cpr_current)
    ("a card expiring on the as-of day is current", "2026-06-01", True),
    ("a card expired the day before is not", "2026-05-31", False),
    ("the latest of two cards counts", ("2025-01-01", "2027-01-01"), True),
]


@pytest.mark.parametrize(("rule", "expires", "current"), CPR_CURRENT, ids=[r[0] for r in CPR_CURRENT])
def test_a_cpr_card_is_current_while_its_expiry_is_on_or_after_as_of(rule, expires, current):
    cards = [card("Ana", e) for e in (expires if isinstance(expires, tuple) else (expires,))]
    st = standing(certs=[cert("Ana", "nasm_cpt", "2027-06-01")], cpr=cards)
    assert bool(row(st)["cpr_current"]) is current, rule


def test_cpr_current_is_unknown_where_no_card_is_on_file_and_none_is_required():
    st = standing(certs=[cert("Ana", "ya_ryt", "2027-06-01")])
    assert pd.isna(row(st)["cpr_current"])


# Status of one certification: the first rule that applies wins. --------------------------------------------
STATUS = [
    # (what the spec says, credential, expires, flat credits, status); NASM: 2 CEU, grace 365 days
    ("a day past the grace period is expired", "nasm_cpt", "2025-05-31", 2.0, "expired"),
    ("the last day of the grace period is grace", "nasm_cpt", "2025-06-01", 2.0, "grace"),
    ("the day after expiry is grace", "nasm_cpt", "2026-05-31", 2.0, "grace"),
    ("no grace period: the day after expiry is expired", "ncsf_cpt", "2026-05-31", 10.0, "expired"),
    ("valid through the expiry day: met", "nasm_cpt", "2026-06-01", 2.0, "met"),
    ("not met on the expiry day: at risk", "nasm_cpt", "2026-06-01", 1.0, "at_risk"),
    ("90 days left, not met: at risk", "nasm_cpt", "2026-08-30", 1.0, "at_risk"),
    ("91 days left, on pace: on track", "nasm_cpt", "2026-08-31", 1.9, "on_track"),
    ("91 days left, behind pace: behind", "nasm_cpt", "2026-08-31", 0.0, "behind"),
    ("earned equal to required: met", "nasm_cpt", "2027-06-01", 2.0, "met"),
    ("earned above required: met", "nasm_cpt", "2027-06-01", 3.5, "met"),
    ("just short of required: not met", "nasm_cpt", "2027-06-01", 1.99, "on_track"),
    # Half the cycle gone (365 of 730 days): behind below 0.5 - 0.25 = 25% of the credits, not at it.
    ("exactly 25 points behind the cycle is not behind", "nasm_cpt", "2027-06-01", 0.5, "on_track"),
    ("more than 25 points behind the cycle is behind", "nasm_cpt", "2027-06-01", 0.49, "behind"),
]


@pytest.mark.parametrize(
    ("rule", "credential", "expires", "credits", "status"), STATUS, ids=[r[0] for r in STATUS]
)
def test_status_is_the_first_rule_that_applies(rule, credential, expires, credits, status):
    st = standing(certs=[cert("Ana", credential, expires, credits=credits)], cpr=[card("Ana", LONG_CARD)])
    assert row(st)["status"] == status, rule


WINDOWS = [
    # (what the spec says, risk window, status at 91 days left with half the credits)
    ("91 days left is outside a 90-day window", 90, "on_track"),
    ("91 days left is inside a 91-day window", 91, "at_risk"),
    ("a window of 0 days: at risk only on the expiry day", 0, "on_track"),
]


@pytest.mark.parametrize(("rule", "window", "status"), WINDOWS, ids=[r[0] for r in WINDOWS])
def test_the_risk_window_is_configurable(rule, window, status):
    st = standing(
        certs=[cert("Ana", "nasm_cpt", "2026-08-31", credits=1.9)],
        cpr=[card("Ana", LONG_CARD)],
        window=window,
    )
    assert row(st)["status"] == status, rule


MET_NEEDS_CPR = [
    # (what the spec says, credential, credits, cards, status, reason)
    ("credits met and no card: not met", "nasm_cpt", 2.0, [], "on_track", "no CPR/AED on file"),
    (
        "credits met and an expired card: not met",
        "nasm_cpt",
        2.0,
        [card("Ana", "2026-05-31")],
        "on_track",
        "CPR/AED expired on 31 May 2026",
    ),
    (
        "a card running out before renewal still counts now",
        "nasm_cpt",
        2.0,
        [card("Ana", "2026-12-01")],
        "met",
        "CPR/AED expires 1 Dec 2026, before renewal",
    ),
    ("no card needed: met without one", "ya_ryt", 30.0, [], "met", "credits met: 30 of 30 hours"),
]


@pytest.mark.parametrize(
    ("rule", "credential", "credits", "cards", "status", "reason"),
    MET_NEEDS_CPR,
    ids=[r[0] for r in MET_NEEDS_CPR],
)
def test_met_needs_the_cpr_card_the_credential_requires(rule, credential, credits, cards, status, reason):
    st = standing(certs=[cert("Ana", credential, "2027-06-01", credits=credits)], cpr=cards)
    r = row(st)
    assert (r["status"], reason in r["reasons"]) == (status, True), (rule, r["reasons"])


NO_CREDIT_INFORMATION = [
    # (what the spec says, credential, expires, status, first reason)
    (
        "a known credential without credits is on track, never behind",
        "nasm_cpt",
        "2026-08-31",
        "on_track",
        "credits not recorded",
    ),
    (
        "without credits, inside the window is at risk",
        "nasm_cpt",
        "2026-07-01",
        "at_risk",
        "credits not recorded",
    ),
    ("without credits, past grace is expired", "nasm_cpt", "2025-05-31", "expired", "credits not recorded"),
    (
        "an unknown credential is tracked by its dates",
        "Zumba Instructor",
        "2027-06-01",
        "on_track",
        "no rules for Zumba Instructor: expiry tracked, credits not checked",
    ),
    (
        "an unknown credential inside the window is at risk",
        "Zumba Instructor",
        "2026-07-01",
        "at_risk",
        "no rules for Zumba Instructor: expiry tracked, credits not checked",
    ),
    (
        "an unknown credential has no grace period",
        "Zumba Instructor",
        "2026-05-31",
        "expired",
        "no rules for Zumba Instructor: expiry tracked, credits not checked",
    ),
    (
        "an unknown credential with a placeholder expiry does not expire",
        "Zumba Instructor",
        "2099-12-31",
        "on_track",
        "no rules for Zumba Instructor: does not expire, credits not checked",
    ),
]


@pytest.mark.parametrize(
    ("rule", "credential", "expires", "status", "reason"),
    NO_CREDIT_INFORMATION,
    ids=[r[0] for r in NO_CREDIT_INFORMATION],
)
def test_without_credit_information_status_comes_from_dates_only(rule, credential, expires, status, reason):
    st = standing(certs=[cert("Ana", credential, expires)], cpr=[card("Ana", LONG_CARD)])
    r = row(st)
    assert (r["status"], r["reasons"][0]) == (status, reason), rule
    assert pd.isna(r["earned"])


def test_a_ce_log_anywhere_means_a_trainer_without_rows_has_earned_zero():
    st = standing(certs=[cert("Ana", "nasm_cpt", "2026-08-31")], cpr=[card("Ana", LONG_CARD)], ce_log=True)
    r = row(st)
    assert (r["earned"], r["remaining"], r["status"]) == (0.0, 2.0, "behind")


def test_remaining_is_never_below_zero_and_earned_is_not_capped():
    r = row(
        standing(certs=[cert("Ana", "nasm_cpt", "2027-06-01", credits=3.5)], cpr=[card("Ana", LONG_CARD)])
    )
    assert (r["earned"], r["remaining"], r["progress"]) == (3.5, 0.0, 1.0)


# Reasons: the sentences a manager acts on. ----------------------------------------------------------------
REASONS = [
    # (what the spec says, credential, expires, flat credits, reasons)
    (
        "expired names the expiry and the end of grace",
        "nasm_cpt",
        "2025-05-31",
        1.0,
        [
            "expired on 31 May 2025; the grace period ended on 31 May 2026: not valid to work; the trainer must "
            "re-certify",
            "1 of 2 CEUs were earned in the cycle",
        ],
    ),
    (
        "expired without a grace period names only the expiry",
        "ncsf_cpt",
        "2026-05-31",
        10.0,
        [
            "expired on 31 May 2026: not valid to work; the trainer must re-certify",
            "credits met: 10 of 10 CEUs",
        ],
    ),
    (
        "grace says until when it can be renewed",
        "nasm_cpt",
        "2026-05-31",
        2.0,
        [
            "lapsed on 31 May 2026: in the grace period until 31 May 2027, renewable with a late fee, but not valid "
            "to work until renewed",
            "credits met: 2 of 2 CEUs",
        ],
    ),
    (
        "at risk says the days left and what is missing, in hours too",
        "nasm_cpt",
        "2026-08-30",
        1.5,
        ["expires in 90 days (30 Aug 2026): needs 0.5 more CEUs (5 hours) (1.5 of 2 earned)"],
    ),
    (
        "behind says the pace",
        "nasm_cpt",
        "2026-08-31",
        0.5,
        [
            "renewal due 31 Aug 2026: needs 1.5 more CEUs (15 hours) (0.5 of 2 earned)",
            "behind pace: 25% of the credits earned with 88% of the cycle gone",
        ],
    ),
    ("met says the credits", "issa_cpt", "2027-06-01", 20.0, ["credits met: 20 of 20 CEUs"]),
]


@pytest.mark.parametrize(
    ("rule", "credential", "expires", "credits", "reasons"), REASONS, ids=[r[0] for r in REASONS]
)
def test_reasons_say_what_to_do_in_plain_sentences(rule, credential, expires, credits, reasons):
    st = standing(certs=[cert("Ana", credential, expires, credits=credits)], cpr=[card("Ana", LONG_CARD)])
    assert row(st)["reasons"] == reasons, rule


# A trainer: compliant and worst status. -------------------------------------------------------------------
TRAINERS = [
    # (what the spec says, certifications, cards, compliant, status)
    (
        "a valid RYT makes a trainer with a lapsed NASM compliant",
        [("ya_ryt", "2027-06-01"), ("nasm_cpt", "2026-05-31")],
        [],
        True,
        "grace",
    ),
    (
        "a certification in grace alone is not compliant",
        [("ace_cpt", "2026-04-30")],
        [LONG_CARD],
        False,
        "grace",
    ),
    (
        "a valid NASM without the card it requires is not compliant",
        [("nasm_cpt", "2027-06-01")],
        [],
        False,
        "on_track",
    ),
    (
        "a valid NASM with a current card is compliant",
        [("nasm_cpt", "2027-06-01")],
        [LONG_CARD],
        True,
        "on_track",
    ),
    (
        "the status is the worst of the trainer's certifications",
        [("issa_cpt", "2027-06-01"), ("nasm_cpt", "2026-07-01")],
        [LONG_CARD],
        True,
        "at_risk",
    ),
    ("no certification: missing, not compliant", [], [], False, "missing"),
]


@pytest.mark.parametrize(
    ("rule", "certs", "cards", "compliant", "status"), TRAINERS, ids=[r[0] for r in TRAINERS]
)
def test_a_trainer_is_compliant_with_one_valid_certification_whose_cpr_requirement_holds(
    rule, certs, cards, compliant, status
):
    st = standing(
        trainers=["Ana"], certs=[cert("Ana", c, e) for c, e in certs], cpr=[card("Ana", e) for e in cards]
    )
    t = st.trainers.set_index("trainer").loc["Ana"]
    assert (bool(t["compliant"]), t["status"], int(t["certifications"])) == (compliant, status, len(certs)), (
        rule
    )


# The worked examples, written literally. ------------------------------------------------------------------
def test_worked_example_1_nasm_one_ceu_six_hours_and_cpr_credit_is_at_risk_with_0_3_remaining():
    st = standing(
        certs=[cert("Ana", "nasm_cpt", "2026-07-31")],
        activities=[
            activity("Ana", "2025-03-02", 1.0, "CEU", ("NASM",)),
            activity("Ana", "2026-01-10", 6, "hours"),
        ],
        cpr=[card("Ana", "2026-12-01", issued="2024-12-01")],
    )
    r = row(st)
    assert r["cycle_start"] == pd.Timestamp("2024-07-31")
    assert (r["earned"], r["remaining"], r["days_left"], r["status"]) == (
        pytest.approx(1.7),
        pytest.approx(0.3),
        60,
        "at_risk",
    )
    assert r["reasons"] == [
        "expires in 60 days (31 Jul 2026): needs 0.3 more CEUs (3 hours) (1.7 of 2 earned)"
    ]


def test_worked_example_2_issa_flat_12_hours_is_on_track_at_58_percent_of_the_cycle():
    r = row(
        standing(
            certs=[cert("Ben", "issa_cpt", "2027-03-31", credits=12.0, credits_in_hours=True)],
            cpr=[card("Ben", "2027-01-01")],
        ),
        "Ben",
    )
    assert (r["earned"], r["elapsed"], r["status"]) == (12.0, pytest.approx(427 / 730), "on_track")


def test_worked_example_3_ace_32_days_past_expiry_is_grace_and_not_compliant_alone():
    st = standing(certs=[cert("Cara", "ace_cpt", "2026-04-30")], cpr=[card("Cara", "2027-01-01")])
    assert row(st, "Cara")["status"] == "grace"
    assert not bool(st.trainers.set_index("trainer").loc["Cara", "compliant"])


def test_worked_example_4_ncsf_20_hours_without_body_is_10_ceu_met():
    r = row(
        standing(
            certs=[cert("Dev", "ncsf_cpt", "2026-09-30")],
            activities=[activity("Dev", "2025-05-01", 20)],
            cpr=[card("Dev", "2027-01-01")],
        ),
        "Dev",
    )
    assert (r["earned"], r["required"], r["status"]) == (10.0, 10.0, "met")


def test_worked_example_5_a_bare_2_ceu_for_nasm_and_issa_is_rejected_and_both_are_computed_without_it():
    st = standing(
        certs=[cert("Eli", "nasm_cpt", "2027-06-01"), cert("Eli", "issa_cpt", "2027-06-01")],
        activities=[activity("Eli", "2026-01-10", 2, "CEU")],
    )
    assert st.counts["rejected"] == 1
    assert [row(st, "Eli", c)["earned"] for c in ("nasm_cpt", "issa_cpt")] == [0.0, 0.0]


# The column contract (model.py), checked where frames cross a boundary. -----------------------------------
def test_standing_frames_have_exactly_the_declared_columns():
    check_standing(
        standing(
            certs=[cert("Ana", "nasm_cpt", "2027-06-01")],
            activities=[activity("Ana", "2026-01-10", 1)],
            cpr=[card("Ana", LONG_CARD)],
        )
    )
    check_standing(synthetic_standing(50))


CONTRACT_BREAKS = {
    "a declared column missing": lambda f: f.drop(columns=["expires"]),
    "an undeclared column": lambda f: f.assign(extra=1),
}


@pytest.mark.parametrize("change", CONTRACT_BREAKS.values(), ids=CONTRACT_BREAKS.keys())
def test_a_frame_breaking_the_column_contract_is_a_programming_error(change):
    built = roster(certs=[cert("Ana", "nasm_cpt", "2027-06-01")])
    with pytest.raises(ContractError, match="certifications"):
        check_roster(replace(built, certifications=change(built.certifications)))
    st = compute_standing(built, load_catalogue(), as_of=T)
    with pytest.raises(ContractError, match="standings"):
        check_standing(replace(st, standings=change(st.standings)))
