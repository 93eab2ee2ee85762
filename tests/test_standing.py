"""standing.md as tests: the worked examples, each status, each unit rule, CPR/AED and trainer compliance."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cpd import load_catalogue
from cpd.standing import cycle_start
from tests.helpers import row_of, run, xlsx_bytes

T = date(2026, 6, 1)

WORKBOOK_CERTS = "Staff ID,Name,Credential,Issued,Expires\n"
LOG = "Staff ID,Name,Date,Course,Amount,Unit,Approved for\n"


def test_worked_example_1_nasm_ceu_hours_and_cpr_credit_make_1_7_at_risk():
    st = run({
        "certs.csv": WORKBOOK_CERTS + "1,Ana Silva,NASM-CPT,,2026-07-31\n1,Ana Silva,CPR/AED,2024-12-01,2026-12-01\n",
        "log.csv": LOG + "1,Ana Silva,2025-03-02,Course A,1.0,CEU,NASM\n1,Ana Silva,2026-01-10,Course B,6,hours,\n",
    })
    r = row_of(st, "Ana Silva", "nasm_cpt")
    assert r["cycle_start"] == pd.Timestamp("2024-07-31")
    assert r["earned"] == pytest.approx(1.7)
    assert r["remaining"] == pytest.approx(0.3)
    assert r["days_left"] == 60
    assert r["status"] == "at_risk"
    assert bool(r["cpr_current"]) is True


def test_worked_example_2_issa_flat_roster_12_hrs_is_on_track():
    st = run({"roster.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\n"
                            "Ben Cole,ISSA CPT,2027-03-31,12 hrs,2027-01-01\n"})
    r = row_of(st, "Ben Cole")
    assert r["earned"] == pytest.approx(12)
    assert r["elapsed"] == pytest.approx(427 / 730)
    assert r["status"] == "on_track"


def test_worked_example_3_ace_in_grace_is_not_compliant_alone():
    st = run({"roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nCara Diaz,ACE CPT,2026-04-30,2027-01-01\n"})
    assert row_of(st, "Cara Diaz")["status"] == "grace"
    t = st.trainers.set_index("trainer").loc["Cara Diaz"]
    assert not t["compliant"] and t["status"] == "grace"


def test_worked_example_3_grace_trainer_with_another_valid_certification_is_compliant():
    st = run({"roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nCara Diaz,ACE CPT,2026-04-30,2027-01-01\n"
                            "Cara Diaz,ISSA,2027-04-30,2027-01-01\n"})
    assert bool(st.trainers.set_index("trainer").loc["Cara Diaz", "compliant"]) is True


def test_worked_example_4_ncsf_20_hours_without_body_is_10_ceu_met():
    st = run({"roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nDev Rao,NCSF,2026-09-30,2027-01-01\n",
              "log.csv": "Name,Date,Course,Amount,Unit\nDev Rao,2025-05-01,Workshop,20,hours\n"})
    r = row_of(st, "Dev Rao")
    assert r["earned"] == pytest.approx(10)
    assert r["status"] == "met"


def test_worked_example_5_bare_ceu_for_nasm_and_issa_holder_is_rejected_as_ambiguous():
    st = run({
        "certs.csv": WORKBOOK_CERTS + "7,Eli Fox,NASM,,2027-07-31\n7,Eli Fox,ISSA,,2027-07-31\n",
        "log.csv": LOG + "7,Eli Fox,2026-01-10,Course,2,CEU,\n",
    })
    rej = st.rejected
    assert len(rej) == 1
    assert rej.iloc[0]["file"] == "log.csv" and rej.iloc[0]["row"] == 2 and rej.iloc[0]["column"] == "Unit"
    assert "ambiguous for this trainer" in rej.iloc[0]["reason"] and "name the body or give hours" in rej.iloc[0]["reason"]
    assert row_of(st, "Eli Fox", "nasm_cpt")["earned"] == 0
    assert row_of(st, "Eli Fox", "issa_cpt")["earned"] == 0
    assert st.counts == {"rows_read": 3, "accepted": 2, "rejected": 1, "blank": 0}


# Each status of the table, on a NASM CPT (2.0 CEU, 2-year cycle, grace 365, CPR required).
@pytest.mark.parametrize(
    ("expires", "ceus", "cpr_exp", "status"),
    [
        ("2025-05-31", "2.0", "2027-01-01", "expired"),  # T > E + 365
        ("2025-06-01", "0", "2027-01-01", "grace"),  # T = E + 365: still grace (inclusive)
        ("2026-05-31", "2.0", "2027-01-01", "grace"),  # lapsed yesterday, credits do not matter
        ("2026-06-01", "2.0", "2027-01-01", "met"),  # valid through E inclusive
        ("2026-06-01", "1.9", "2027-01-01", "at_risk"),
        ("2026-08-30", "0.5", "2027-01-01", "at_risk"),  # days_left = 90 = W
        ("2026-08-31", "0.0", "2027-01-01", "behind"),  # 91 days left, 0 earned, elapsed ~0.88
        ("2027-12-31", "0.0", "2027-12-31", "on_track"),  # elapsed 0.21 < 0.25: not behind yet
        ("2027-06-01", "0.4", "2027-12-31", "behind"),  # elapsed 0.5, ratio 0.2 < 0.25
        ("2027-06-01", "0.5", "2027-12-31", "on_track"),  # ratio 0.25 = elapsed - 0.25: not strictly less
        ("2027-06-01", "2.0", "", "on_track"),  # credits met but no CPR/AED: not met
        ("2026-07-01", "2.0", "2026-05-01", "at_risk"),  # CPR expired: not met, 30 days left
    ],
)
def test_status_table_first_rule_that_applies_wins(expires, ceus, cpr_exp, status):
    st = run({"roster.csv": f"Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nX Y,NASM-CPT,{expires},{ceus},{cpr_exp}\n"})
    assert row_of(st, "X Y")["status"] == status


@pytest.mark.parametrize(
    ("credential", "hours", "earned"),
    [("NASM-CPT", 6, 0.6), ("ISSA CPT", 6, 6.0), ("NCSF CPT", 6, 3.0), ("NFPT CPT", 6, 1.2), ("ACE CPT", 6, 0.6),
     ("ACSM CPT", 6, 6.0), ("AFAA", 6, 6.0), ("Yoga Alliance", 6, 6.0), ("canfitpro PTS", 6, 3.0)],
)
def test_hours_without_body_convert_with_each_credentials_hours_per_unit(credential, hours, earned):
    st = run({"r.csv": f"Trainer,Certification,Expiration\nZed Q,{credential},2027-01-31\n",
              "log.csv": f"Name,Date,Amount,Unit\nZed Q,2026-03-01,{hours},hours\n"})
    assert row_of(st, "Zed Q")["earned"] == pytest.approx(earned)


@pytest.mark.parametrize(
    ("approved_for", "unit", "nasm", "ace", "rejected"),
    [
        ("NASM", "CEU", 0.5, 0.0, 0),
        ("ACE; NASM", "CEU", 0.5, 0.5, 0),  # both 10 h per unit: counts toward each
        ("ACE, NASM", "hours", 0.5, 0.5, 0),
        ("", "hours", 0.5, 0.5, 0),  # hours with no body count toward every certification
        ("", "CEU", 0.5, 0.5, 0),  # bare unit: both certifications share 10 h per unit
        ("ISSA", "CEU", 0.0, 0.0, 0),  # a body the trainer does not hold
        ("NASM; ISSA", "CEU", 0.0, 0.0, 1),  # named bodies' units differ in size: ambiguous
        ("NASM; ISSA", "hours", 0.5, 0.0, 0),  # ... unless given in hours
    ],
)
def test_which_credits_count_in_which_unit(approved_for, unit, nasm, ace, rejected):
    amount = 5 if unit == "hours" else 0.5
    st = run({"c.csv": "Trainer,Certification,Expiration\nMo Ali,NASM,2027-01-31\nMo Ali,ACE,2027-01-31\n",
              "log.csv": f"Name,Date,Amount,Unit,Approved for\nMo Ali,2026-03-01,{amount},{unit},\"{approved_for}\"\n"})
    assert row_of(st, "Mo Ali", "nasm_cpt")["earned"] == pytest.approx(nasm)
    assert row_of(st, "Mo Ali", "ace_cpt")["earned"] == pytest.approx(ace)
    assert st.counts["rejected"] == rejected


@pytest.mark.parametrize(
    ("activity_date", "counted"),
    [("2025-01-31", False),  # = S: outside (S < d)
     ("2025-02-01", True), ("2026-06-01", True),  # d = T counts
     ("2026-06-02", False)],  # after as-of: listed as a warning
)
def test_cycle_window_is_start_exclusive_and_ends_at_as_of(activity_date, counted):
    st = run({"c.csv": "Trainer,Certification,Expiration\nNo Ah,ISSA,2027-01-31\n",
              "log.csv": f"Name,Date,Amount,Unit\nNo Ah,{activity_date},3,hours\n"})
    assert row_of(st, "No Ah")["earned"] == (3 if counted else 0)
    assert any("dated after as-of" in w for w in st.warnings) == (activity_date == "2026-06-02")


def test_cycle_start_of_29_february_becomes_28_february():
    s = cycle_start(pd.Series(pd.to_datetime(["2028-02-29"])), pd.Series([1.0]))
    assert s.iloc[0] == pd.Timestamp("2027-02-28")
    s = cycle_start(pd.Series(pd.to_datetime(["2028-02-29"])), pd.Series([2.0]))
    assert s.iloc[0] == pd.Timestamp("2026-02-28")


def test_cpr_card_with_only_an_expiry_earns_no_credit():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nAl B,NASM,2026-07-31,1.9,2026-12-01\n"})
    r = row_of(st, "Al B")
    assert r["earned"] == pytest.approx(1.9) and r["status"] == "at_risk"


def test_cpr_card_issued_in_the_cycle_adds_the_credentials_cpr_credit():
    st = run({"c.csv": WORKBOOK_CERTS + "1,Al B,NASM,,2026-07-31\n1,Al B,AHA BLS,2025-01-15,2027-01-31\n",
              "log.csv": LOG + "1,Al B,2025-06-01,Course,1.9,CEU,NASM\n"})
    r = row_of(st, "Al B")
    assert r["earned"] == pytest.approx(2.0) and r["status"] == "met"


@pytest.mark.parametrize(
    ("cpr_exp", "reason"),
    [("", "no CPR/AED on file"), ("2026-05-01", "CPR/AED expired on 1 May 2026"),
     ("2026-09-01", "CPR/AED expires 1 Sep 2026, before renewal")],
)
def test_cpr_reasons_in_plain_words(cpr_exp, reason):
    st = run({"r.csv": f"Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nAl B,NASM,2027-01-31,2.0,{cpr_exp}\n"})
    assert reason in row_of(st, "Al B")["reasons"]


def test_cpr_current_is_null_when_not_required_and_no_card():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned\nYo Ga,Yoga Alliance,2027-01-31,30\n"})
    r = row_of(st, "Yo Ga")
    assert pd.isna(r["cpr_current"]) and r["status"] == "met"


def test_unknown_credential_is_kept_and_tracked_by_expiry_only():
    st = run({"r.csv": "Trainer,Certification,Expiration\nZu Mba,Zumba Instructor,2026-07-01\nZu Mba,Spin Pro,2026-01-01\n"})
    r = row_of(st, "Zu Mba", "Zumba Instructor")
    assert r["status"] == "at_risk" and pd.isna(r["required"]) and pd.isna(r["earned"])
    assert "no rules for Zumba Instructor: expiry tracked, credits not checked" in r["reasons"]
    assert row_of(st, "Zu Mba", "Spin Pro")["status"] == "expired"


def test_known_credential_without_any_credit_information_says_credits_not_recorded():
    st = run({"m.csv": "Name,NASM CPT,CPR/AED\nMa Trix,2027-06-30,2027-01-01\n"})
    r = row_of(st, "Ma Trix")
    assert r["status"] == "on_track" and "credits not recorded" in r["reasons"] and pd.isna(r["earned"])


def test_trainer_without_certification_is_missing_and_not_compliant():
    st = run({"staff.csv": "Staff ID,First Name,Last Name,Club\n1,No,Cert,Downtown\n",
              "certs.csv": "Staff ID,Credential,Expires\n2,NASM,2027-01-01\n",
              "more.csv": "Staff ID,Name,Club\n2,Has Cert,Downtown\n"})
    t = st.trainers.set_index("trainer")
    assert t.loc["No Cert", "status"] == "missing" and not t.loc["No Cert", "compliant"]


def test_trainer_status_is_the_worst_of_their_certifications():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\n"
                       "Wo Rst,ISSA,2027-05-31,20,2028-01-01\nWo Rst,ACE,2026-07-01,0,2028-01-01\n"})
    assert st.trainers.set_index("trainer").loc["Wo Rst", "status"] == "at_risk"


def test_trainer_needing_cpr_without_a_current_card_is_not_compliant():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned\nNo Cpr,NASM,2027-05-31,2\n"})
    assert not bool(st.trainers.set_index("trainer").loc["No Cpr", "compliant"])


def test_window_is_configurable():
    body = "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nWi Ndow,ISSA,2026-08-15,0,2028-01-01\n"
    assert row_of(run({"r.csv": body}, window=90), "Wi Ndow")["status"] == "at_risk"
    assert row_of(run({"r.csv": body}, window=30), "Wi Ndow")["status"] == "behind"


def test_earned_is_not_capped_and_remaining_never_negative():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nOv Er,ISSA,2027-01-31,35,2028-01-01\n"})
    r = row_of(st, "Ov Er")
    assert r["earned"] == 35 and r["remaining"] == 0 and r["status"] == "met"


def test_rules_override_changes_the_requirement(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("credentials:\n  - id: issa_cpt\n    required_credits: 10\n", encoding="utf-8")
    cat = load_catalogue(rules)
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nRu Le,ISSA,2027-01-31,12,2028-01-01\n"},
             catalogue=cat)
    assert row_of(st, "Ru Le")["status"] == "met"


@pytest.mark.parametrize(("amounts", "status"), [([0.2631529, 0.0869954, 0.1899281, 1.4599231], "met"),
                                                 ([0.0525337, 0.5703575, 0.4625083, 0.9146], "on_track")])
def test_credits_are_added_in_the_order_the_log_lists_them(amounts, status):
    # Amounts whose total (with NASM's CPR/AED credit) lands half a millionth from the 2 CEU requirement: adding
    # them in another order
    # (the activity named for two bodies last instead of first) flips met / not met. The statuses are the ones
    # the log order gives (pinned from the engine before activities were split by number of bodies).
    book = xlsx_bytes({
        "Staff": [["Staff ID", "Name"], ["S1", "Ana Silva"]],
        "Certifications": [["Staff ID", "Credential", "Issued", "Expires"],
                           ["S1", "NASM", date(2025, 6, 1), date(2027, 6, 1)],
                           ["S1", "CPR/AED", date(2025, 6, 1), date(2027, 6, 1)]],
        "CE Log": [["Staff ID", "Date", "Amount", "Unit", "Approved For"],
                   ["S1", date(2026, 1, 1), amounts[0], "CEU", "NASM, ACE"]]
        + [["S1", date(2026, 1, 2 + i), a, "CEU", "NASM"] for i, a in enumerate(amounts[1:])]})
    assert row_of(run({"w.xlsx": book}, as_of=date(2026, 12, 1)), "Ana Silva", "nasm_cpt")["status"] == status
