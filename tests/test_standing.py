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
    st = run(
        {
            "certs.csv": WORKBOOK_CERTS
            + "1,Ana Silva,NASM-CPT,,2026-07-31\n1,Ana Silva,CPR/AED,2024-12-01,2026-12-01\n",
            "log.csv": LOG
            + "1,Ana Silva,2025-03-02,Course A,1.0,CEU,NASM\n1,Ana Silva,2026-01-10,Course B,6,hours,\n",
        }
    )
    r = row_of(st, "Ana Silva", "nasm_cpt")
    assert r["cycle_start"] == pd.Timestamp("2024-07-31")
    assert r["earned"] == pytest.approx(1.7)
    assert r["remaining"] == pytest.approx(0.3)
    assert r["days_left"] == 60
    assert r["status"] == "at_risk"
    assert bool(r["cpr_current"]) is True


def test_worked_example_2_issa_flat_roster_12_hrs_is_on_track():
    st = run(
        {
            "roster.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\n"
            "Ben Cole,ISSA CPT,2027-03-31,12 hrs,2027-01-01\n"
        }
    )
    r = row_of(st, "Ben Cole")
    assert r["earned"] == pytest.approx(12)
    assert r["elapsed"] == pytest.approx(427 / 730)
    assert r["status"] == "on_track"


def test_worked_example_3_ace_in_grace_is_not_compliant_alone():
    st = run(
        {
            "roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nCara Diaz,ACE CPT,2026-04-30,2027-01-01\n"
        }
    )
    assert row_of(st, "Cara Diaz")["status"] == "grace"
    t = st.trainers.set_index("trainer").loc["Cara Diaz"]
    assert not t["compliant"] and t["status"] == "grace"


def test_worked_example_3_grace_trainer_with_another_valid_certification_is_compliant():
    st = run(
        {
            "roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nCara Diaz,ACE CPT,2026-04-30,2027-01-01\n"
            "Cara Diaz,ISSA,2027-04-30,2027-01-01\n"
        }
    )
    assert bool(st.trainers.set_index("trainer").loc["Cara Diaz", "compliant"]) is True


def test_worked_example_4_ncsf_20_hours_without_body_is_10_ceu_met():
    st = run(
        {
            "roster.csv": "Trainer,Certification,Expiration,CPR/AED exp\nDev Rao,NCSF,2026-09-30,2027-01-01\n",
            "log.csv": "Name,Date,Course,Amount,Unit\nDev Rao,2025-05-01,Workshop,20,hours\n",
        }
    )
    r = row_of(st, "Dev Rao")
    assert r["earned"] == pytest.approx(10)
    assert r["status"] == "met"


def test_worked_example_5_bare_ceu_for_nasm_and_issa_holder_is_rejected_as_ambiguous():
    st = run(
        {
            "certs.csv": WORKBOOK_CERTS + "7,Eli Fox,NASM,,2027-07-31\n7,Eli Fox,ISSA,,2027-07-31\n",
            "log.csv": LOG + "7,Eli Fox,2026-01-10,Course,2,CEU,\n",
        }
    )
    rej = st.rejected
    assert len(rej) == 1
    assert rej.iloc[0]["file"] == "log.csv" and rej.iloc[0]["row"] == 2 and rej.iloc[0]["column"] == "Unit"
    assert (
        "ambiguous for this trainer" in rej.iloc[0]["reason"]
        and "name the body or give hours" in rej.iloc[0]["reason"]
    )
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
    st = run(
        {
            "roster.csv": f"Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nX Y,NASM-CPT,{expires},{ceus},{cpr_exp}\n"
        }
    )
    assert row_of(st, "X Y")["status"] == status


@pytest.mark.parametrize(
    ("credential", "hours", "earned"),
    [
        ("NASM-CPT", 6, 0.6),
        ("ISSA CPT", 6, 6.0),
        ("NCSF CPT", 6, 3.0),
        ("NFPT CPT", 6, 1.2),
        ("ACE CPT", 6, 0.6),
        ("ACSM CPT", 6, 6.0),
        ("AFAA", 6, 6.0),
        ("Yoga Alliance", 6, 6.0),
        ("canfitpro PTS", 6, 3.0),
    ],
)
def test_hours_without_body_convert_with_each_credentials_hours_per_unit(credential, hours, earned):
    st = run(
        {
            "r.csv": f"Trainer,Certification,Expiration\nZed Q,{credential},2027-01-31\n",
            "log.csv": f"Name,Date,Amount,Unit\nZed Q,2026-03-01,{hours},hours\n",
        }
    )
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
    st = run(
        {
            "c.csv": "Trainer,Certification,Expiration\nMo Ali,NASM,2027-01-31\nMo Ali,ACE,2027-01-31\n",
            "log.csv": f'Name,Date,Amount,Unit,Approved for\nMo Ali,2026-03-01,{amount},{unit},"{approved_for}"\n',
        }
    )
    assert row_of(st, "Mo Ali", "nasm_cpt")["earned"] == pytest.approx(nasm)
    assert row_of(st, "Mo Ali", "ace_cpt")["earned"] == pytest.approx(ace)
    assert st.counts["rejected"] == rejected


@pytest.mark.parametrize(
    ("activity_date", "counted"),
    [
        ("2025-01-31", False),  # = S: outside (S < d)
        ("2025-02-01", True),
        ("2026-06-01", True),  # d = T counts
        ("2026-06-02", False),
    ],  # after as-of: listed as a warning
)
def test_cycle_window_is_start_exclusive_and_ends_at_as_of(activity_date, counted):
    st = run(
        {
            "c.csv": "Trainer,Certification,Expiration\nNo Ah,ISSA,2027-01-31\n",
            "log.csv": f"Name,Date,Amount,Unit\nNo Ah,{activity_date},3,hours\n",
        }
    )
    assert row_of(st, "No Ah")["earned"] == (3 if counted else 0)
    assert any("dated after as-of" in w for w in st.warnings) == (activity_date == "2026-06-02")


def test_cycle_start_of_29_february_becomes_28_february():
    s = cycle_start(pd.Series(pd.to_datetime(["2028-02-29"])), pd.Series([1.0]))
    assert s.iloc[0] == pd.Timestamp("2027-02-28")
    s = cycle_start(pd.Series(pd.to_datetime(["2028-02-29"])), pd.Series([2.0]))
    assert s.iloc[0] == pd.Timestamp("2026-02-28")


def test_cpr_card_with_only_an_expiry_earns_no_credit():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nAl B,NASM,2026-07-31,1.9,2026-12-01\n"
        }
    )
    r = row_of(st, "Al B")
    assert r["earned"] == pytest.approx(1.9) and r["status"] == "at_risk"


def test_cpr_card_issued_in_the_cycle_adds_the_credentials_cpr_credit():
    st = run(
        {
            "c.csv": WORKBOOK_CERTS + "1,Al B,NASM,,2026-07-31\n1,Al B,AHA BLS,2025-01-15,2027-01-31\n",
            "log.csv": LOG + "1,Al B,2025-06-01,Course,1.9,CEU,NASM\n",
        }
    )
    r = row_of(st, "Al B")
    assert r["earned"] == pytest.approx(2.0) and r["status"] == "met"


@pytest.mark.parametrize(
    ("cpr_exp", "reason"),
    [
        ("", "no CPR/AED on file"),
        ("2026-05-01", "CPR/AED expired on 1 May 2026"),
        ("2026-09-01", "CPR/AED expires 1 Sep 2026, before renewal"),
    ],
)
def test_cpr_reasons_in_plain_words(cpr_exp, reason):
    st = run(
        {
            "r.csv": f"Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nAl B,NASM,2027-01-31,2.0,{cpr_exp}\n"
        }
    )
    assert reason in row_of(st, "Al B")["reasons"]


def test_cpr_current_is_null_when_not_required_and_no_card():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned\nYo Ga,Yoga Alliance,2027-01-31,30\n"})
    r = row_of(st, "Yo Ga")
    assert pd.isna(r["cpr_current"]) and r["status"] == "met"


def test_unknown_credential_is_kept_and_tracked_by_expiry_only():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration\nZu Mba,Zumba Instructor,2026-07-01\nZu Mba,Spin Pro,2026-01-01\n"
        }
    )
    r = row_of(st, "Zu Mba", "Zumba Instructor")
    assert r["status"] == "at_risk" and pd.isna(r["required"]) and pd.isna(r["earned"])
    assert "no rules for Zumba Instructor: expiry tracked, credits not checked" in r["reasons"]
    assert row_of(st, "Zu Mba", "Spin Pro")["status"] == "expired"


def test_known_credential_without_any_credit_information_says_credits_not_recorded():
    st = run({"m.csv": "Name,NASM CPT,CPR/AED\nMa Trix,2027-06-30,2027-01-01\n"})
    r = row_of(st, "Ma Trix")
    assert r["status"] == "on_track" and "credits not recorded" in r["reasons"] and pd.isna(r["earned"])


def test_trainer_without_certification_is_missing_and_not_compliant():
    st = run(
        {
            "staff.csv": "Staff ID,First Name,Last Name,Club\n1,No,Cert,Downtown\n",
            "certs.csv": "Staff ID,Credential,Expires\n2,NASM,2027-01-01\n",
            "more.csv": "Staff ID,Name,Club\n2,Has Cert,Downtown\n",
        }
    )
    t = st.trainers.set_index("trainer")
    assert t.loc["No Cert", "status"] == "missing" and not t.loc["No Cert", "compliant"]


def test_trainer_status_is_the_worst_of_their_certifications():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\n"
            "Wo Rst,ISSA,2027-05-31,20,2028-01-01\nWo Rst,ACE,2026-07-01,0,2028-01-01\n"
        }
    )
    assert st.trainers.set_index("trainer").loc["Wo Rst", "status"] == "at_risk"


def test_trainer_needing_cpr_without_a_current_card_is_not_compliant():
    st = run({"r.csv": "Trainer,Certification,Expiration,CEUs earned\nNo Cpr,NASM,2027-05-31,2\n"})
    assert not bool(st.trainers.set_index("trainer").loc["No Cpr", "compliant"])


def test_window_is_configurable():
    body = "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nWi Ndow,ISSA,2026-08-15,0,2028-01-01\n"
    assert row_of(run({"r.csv": body}, window=90), "Wi Ndow")["status"] == "at_risk"
    assert row_of(run({"r.csv": body}, window=30), "Wi Ndow")["status"] == "behind"


def test_earned_is_not_capped_and_remaining_never_negative():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nOv Er,ISSA,2027-01-31,35,2028-01-01\n"
        }
    )
    r = row_of(st, "Ov Er")
    assert r["earned"] == 35 and r["remaining"] == 0 and r["status"] == "met"


def test_rules_override_changes_the_requirement(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("credentials:\n  - id: issa_cpt\n    required_credits: 10\n", encoding="utf-8")
    cat = load_catalogue(rules)
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED exp\nRu Le,ISSA,2027-01-31,12,2028-01-01\n"
        },
        catalogue=cat,
    )
    assert row_of(st, "Ru Le")["status"] == "met"


@pytest.mark.parametrize(
    ("amounts", "status"),
    [
        ([0.2631529, 0.0869954, 0.1899281, 1.4599231], "met"),
        ([0.0525337, 0.5703575, 0.4625083, 0.9146], "on_track"),
    ],
)
def test_credits_are_added_in_the_order_the_log_lists_them(amounts, status):
    # Amounts whose total (with NASM's CPR/AED credit) lands half a millionth from the 2 CEU requirement: adding
    # them in another order
    # (the activity named for two bodies last instead of first) flips met / not met. The statuses are the ones
    # the log order gives (pinned from the engine before activities were split by number of bodies).
    book = xlsx_bytes(
        {
            "Staff": [["Staff ID", "Name"], ["S1", "Ana Silva"]],
            "Certifications": [
                ["Staff ID", "Credential", "Issued", "Expires"],
                ["S1", "NASM", date(2025, 6, 1), date(2027, 6, 1)],
                ["S1", "CPR/AED", date(2025, 6, 1), date(2027, 6, 1)],
            ],
            "CE Log": [
                ["Staff ID", "Date", "Amount", "Unit", "Approved For"],
                ["S1", date(2026, 1, 1), amounts[0], "CEU", "NASM, ACE"],
            ]
            + [["S1", date(2026, 1, 2 + i), a, "CEU", "NASM"] for i, a in enumerate(amounts[1:])],
        }
    )
    assert row_of(run({"w.xlsx": book}, as_of=date(2026, 12, 1)), "Ana Silva", "nasm_cpt")["status"] == status


# standing.md v1.1 -------------------------------------------------------------------------------------------
# Rule 6: hours toward a credential that publishes no hours per unit are not counted, and the reasons say so.
AUS = "Trainer,Certification,Expiration,CPR/AED exp\nAu Sy,AUSactive,2027-01-31,2027-06-01\n"
NZ = "Trainer,Certification,Expiration\nKi Wi,REPs NZ,2026-12-31\n"


@pytest.mark.parametrize(
    ("files", "who", "credential", "earned", "reason"),
    [
        (
            {"r.csv": AUS, "log.csv": "Name,Date,Amount,Unit\nAu Sy,2026-03-01,6,hours\n"},
            "Au Sy",
            "ausactive_rep",
            0,
            "6 hours could not be counted: AUSactive gives no hours per CEC",
        ),
        (
            {"r.csv": AUS, "log.csv": "Name,Date,Amount,Unit\nAu Sy,2026-03-01,1,hours\n"},
            "Au Sy",
            "ausactive_rep",
            0,
            "1 hour could not be counted: AUSactive gives no hours per CEC",
        ),
        (
            {
                "r.csv": AUS,
                "log.csv": "Name,Date,Amount,Unit,Approved for\nAu Sy,2026-03-01,2.5,hours,AUSactive\n"
                "Au Sy,2026-04-01,2,hours,AUSactive\n",
            },
            "Au Sy",
            "ausactive_rep",
            0,
            "4.5 hours could not be counted: AUSactive gives no hours per CEC",
        ),
        (
            {"r.csv": AUS, "log.csv": "Name,Date,Amount,Unit\nAu Sy,2026-03-01,3,CEC\n"},
            "Au Sy",
            "ausactive_rep",
            3,
            None,
        ),
        (
            {"r.csv": AUS, "log.csv": "Name,Date,Amount,Unit\nAu Sy,2024-03-01,6,hours\n"},
            "Au Sy",
            "ausactive_rep",
            0,
            None,
        ),  # outside the cycle: nothing to say
        (
            {
                "r.csv": "Trainer,Certification,Expiration,CECs earned,CPR/AED exp\nAu Sy,AUSactive,2027-01-31,6 hrs,"
                "2027-06-01\n"
            },
            "Au Sy",
            "ausactive_rep",
            0,
            "6 hours could not be counted: AUSactive gives no hours per CEC",
        ),  # a flat roster's hours
        (
            {"r.csv": NZ, "log.csv": "Name,Date,Amount,Unit\nKi Wi,2026-03-01,8,hours\n"},
            "Ki Wi",
            "repsnz_rep",
            0,
            "8 hours could not be counted: REPs NZ gives no hours per CPD point",
        ),
        (
            {
                "r.csv": AUS + "Au Sy,NASM,2027-01-31,2027-06-01\n",
                "log.csv": "Name,Date,Amount,Unit\nAu Sy,2026-03-01,6,hours\n",
            },
            "Au Sy",
            "nasm_cpt",
            0.6,
            None,
        ),  # the same hours count where they can be converted
    ],
)
def test_rule_6_hours_that_cannot_be_converted_are_not_counted_and_the_reasons_say_so(
    files, who, credential, earned, reason
):
    r = row_of(run(files), who, credential)
    assert r["earned"] == pytest.approx(earned)
    said = [x for x in r["reasons"] if "could not be counted" in x]
    assert said == ([reason] if reason else [])


# Rule 7: a CE log anywhere in the upload means a trainer with no row in it earned 0 from it, whichever way the
# sheets came; "credits not recorded" only for an upload with no credit information at all.
R7_STAFF = [
    ["Staff ID", "Name", "Club"],
    ["S1", "Ana Silva", "Downtown"],
    ["S2", "Ben Ito", "Downtown"],
    ["S3", "Cy Dee", "Riverside"],
]
R7_CERTS = [
    ["Staff ID", "Credential", "Issued", "Expires"],
    ["S1", "NASM CPT", date(2024, 8, 1), date(2026, 8, 1)],
    ["S2", "NASM CPT", date(2025, 9, 30), date(2027, 9, 30)],
    ["S2", "CPR/AED", date(2025, 11, 5), date(2027, 11, 5)],
    ["S3", "ISSA CPT", date(2025, 3, 31), date(2027, 3, 31)],
    ["S3", "Yoga Alliance", None, date(2027, 12, 31)],
]
R7_LOG = [
    ["Staff ID", "Date", "Course", "Amount", "Unit", "Approved for"],
    ["S1", date(2025, 5, 1), "Course A", 1.2, "CEU", "NASM"],
    ["S1", date(2026, 2, 1), "Course B", 5, "hours", ""],
]


def _r7_sources(split: str) -> list:
    from cpd import Source
    from tests.helpers import csv_bytes

    sheets = {"Staff": R7_STAFF, "Certifications": R7_CERTS, "CE Log": R7_LOG}
    if split == "one workbook":
        return [Source("hr.xlsx", xlsx_bytes(sheets))]
    if split == "a workbook per sheet":
        return [Source(f"{n}.xlsx", xlsx_bytes({n: rows})) for n, rows in sheets.items()]
    if split == "log as a separate file":
        return [
            Source("hr.xlsx", xlsx_bytes({"Staff": R7_STAFF, "Certifications": R7_CERTS})),
            Source(
                "ce.csv",
                csv_bytes([[v.isoformat() if isinstance(v, date) else v for v in row] for row in R7_LOG]),
            ),
        ]
    if split == "csv files":
        return [
            Source(
                f"{n}.csv",
                csv_bytes(
                    [
                        ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
                        for row in rows
                    ]
                ),
            )
            for n, rows in sheets.items()
        ]
    raise AssertionError(split)


R7_SPLITS = ["one workbook", "a workbook per sheet", "log as a separate file", "csv files"]


def _r7_standing(split: str):
    from cpd import compute_standing, read_sources

    cat = load_catalogue()
    return compute_standing(read_sources(_r7_sources(split), catalogue=cat), cat, as_of=T, window=90)


@pytest.mark.parametrize("split", R7_SPLITS)
def test_rule_7_a_trainer_with_no_log_row_earned_zero_from_the_log_however_the_log_came(split):
    st = _r7_standing(split)
    ana, ben = row_of(st, "Ana Silva", "nasm_cpt"), row_of(st, "Ben Ito", "nasm_cpt")
    assert ana["earned"] == pytest.approx(1.7) and ana["status"] == "at_risk"
    # Ben has no log row: 0 from the log, plus NASM's 0.1 for the CPR/AED card completed in his cycle.
    assert (
        ben["earned"] == pytest.approx(0.1) and ben["status"] == "behind"
    )  # 5% of 2 CEU, 33% of the cycle gone
    cy = row_of(st, "Cy Dee", "issa_cpt")
    assert cy["earned"] == 0 and cy["status"] == "behind"  # 0 of 20 with 58% of the cycle gone
    assert row_of(st, "Cy Dee", "ya_ryt")["earned"] == 0
    for r in st.standings.itertuples():
        assert "credits not recorded" not in r.reasons, (split, r.trainer, r.credential)


def test_rule_7_the_result_does_not_depend_on_how_the_sheets_were_split_into_files():
    cols = ["trainer", "credential", "status", "earned", "remaining", "days_left", "cpr_current"]
    frames = {}
    for split in R7_SPLITS:
        s = _r7_standing(split).standings
        frames[split] = (
            s[cols].sort_values(["trainer", "credential"]).reset_index(drop=True),
            sorted(map(tuple, s["reasons"])),
        )
    first = frames[R7_SPLITS[0]]
    for split in R7_SPLITS[1:]:
        pd.testing.assert_frame_equal(frames[split][0], first[0], check_dtype=False)
        assert frames[split][1] == first[1], split


@pytest.mark.parametrize(
    ("files", "recorded"),
    [
        ({"m.csv": "Name,NASM CPT,CPR/AED\nMa Trix,2027-06-30,2027-01-01\n"}, False),  # dates only
        ({"c.csv": "Trainer,Certification,Expiration\nMa Trix,NASM,2027-06-30\n"}, False),
        (
            {"c.csv": "Trainer,Certification,Expiration,CEUs earned\nMa Trix,NASM,2027-06-30,\n"},
            False,
        ),  # all blank
        (
            {
                "c.csv": "Trainer,Certification,Expiration\nMa Trix,NASM,2027-06-30\n",
                "log.csv": "Name,Date,Amount,Unit\n",
            },
            True,
        ),  # a CE log with no rows yet: nobody has earned anything
        # A credits column with this trainer's cell blank: the upload records credits, so 0 were earned.
        (
            {
                "c.csv": "Trainer,Certification,Expiration,CEUs earned\nMa Trix,NASM,2027-06-30,\nOt Her,NASM,2027-06-30,1\n"
            },
            True,
        ),
        (
            {
                "c.csv": "Trainer,Certification,Expiration\nMa Trix,NASM,2027-06-30\n",
                "log.csv": "Name,Date,Amount,Unit\nOt Her,2026-03-01,5,hours\n",
            },
            True,
        ),  # someone else's log
    ],
)
def test_rule_7_credits_not_recorded_only_when_the_upload_has_no_credit_information(files, recorded):
    r = row_of(run(files), "Ma Trix", "nasm_cpt")
    assert ("credits not recorded" in r["reasons"]) is not recorded
    assert (r["earned"] == 0) if recorded else pd.isna(r["earned"])


# A trainer: compliant. A lapsed certification imposes nothing; no certification at all is `missing`.
@pytest.mark.parametrize(
    ("rows", "compliant", "status"),
    [
        (
            ["Yoga Alliance,2027-12-31,", "NASM CPT,2025-01-31,"],
            True,
            "expired",
        ),  # valid RYT + lapsed NASM, no card
        (
            ["Yoga Alliance,2027-12-31,", "NASM CPT,2026-03-31,"],
            True,
            "grace",
        ),  # ... NASM in its grace period
        (["NASM CPT,2027-06-30,"], False, "on_track"),  # valid, but its CPR/AED requirement does not hold
        (["NASM CPT,2027-06-30,2027-01-01"], True, "on_track"),
        (["NASM CPT,2026-03-31,2027-01-01"], False, "grace"),  # in grace: not valid to work
        (["Yoga Alliance,2025-12-31,", "NASM CPT,2027-06-30,2026-01-01"], False, "expired"),  # card expired
        (
            ["Zumba Instructor,2027-06-30,"],
            True,
            "on_track",
        ),  # not in the catalogue: no CPR/AED rule to break
        (
            ["ACE CPT,2027-06-30,", "Yoga Alliance,2027-12-31,"],
            True,
            "on_track",
        ),  # RYT holds, ACE lacks a card
    ],
)
def test_trainer_is_compliant_with_one_valid_certification_whose_own_cpr_requirement_holds(
    rows, compliant, status
):
    body = "Trainer,Certification,Expiration,CPR/AED exp\n" + "".join(f"Co Mp,{r}\n" for r in rows)
    t = run({"r.csv": body}).trainers.set_index("trainer").loc["Co Mp"]
    assert bool(t["compliant"]) is compliant and t["status"] == status


def test_staff_sheet_trainer_without_certification_is_missing_not_compliant():
    book = xlsx_bytes(
        {
            "Staff": [["Staff ID", "Name"], ["S1", "Has One"], ["S2", "Has None"]],
            "Certifications": [
                ["Staff ID", "Credential", "Expires"],
                ["S1", "Yoga Alliance", date(2027, 1, 1)],
            ],
        }
    )
    t = run({"hr.xlsx": book}).trainers.set_index("trainer")
    assert (t.loc["Has None", "status"], bool(t.loc["Has None", "compliant"])) == ("missing", False)
    assert bool(t.loc["Has One", "compliant"]) is True


# Reasons read as English.
@pytest.mark.parametrize(
    ("n", "unit", "text"),
    [
        (0, "hour", "0 hours"),
        (1, "hour", "1 hour"),
        (30, "hour", "30 hours"),
        (1.5, "hour", "1.5 hours"),
        (1, "hours", "1 hour"),
        (2, "hrs", "2 hours"),
        (1, "CEU", "1 CEU"),
        (2, "CEU", "2 CEUs"),
        (0.3, "CEU", "0.3 CEUs"),
        (1.0, "CEUs", "1 CEU"),
        (1, "CEC", "1 CEC"),
        (4, "CEC", "4 CECs"),
        (1, "CPD point", "1 CPD point"),
        (4, "CPD point", "4 CPD points"),
        (2, "CPD points", "2 CPD points"),
        (1, "credits", "1 credit"),
        (0, "", "0 credits"),
        (1.001, "CEU", "1 CEU"),
        (12, "CE hour", "12 CE hours"),
        (3, "point", "3 points"),
    ],
)
def test_number_and_unit_read_as_english(n, unit, text):
    from cpd.wording import quantity

    assert quantity(n, unit) == text
    assert quantity(n, unit, more=True) == text.replace(" ", " more ", 1)


@pytest.mark.parametrize(
    ("row", "log", "reason"),
    [
        ("Yo Ga,Yoga Alliance,2026-03-31,", "", "0 of 30 hours were earned in the cycle"),
        (
            "Yo Ga,Yoga Alliance,2026-07-31,",
            "Yo Ga,2026-01-05,29,hours",
            "needs 1 more hour (29 of 30 earned)",
        ),
        ("Yo Ga,Yoga Alliance,2026-07-31,", "Yo Ga,2026-01-05,30,hours", "credits met: 30 of 30 hours"),
        (
            "Uk Pt,CIMSPA,2026-07-31,",
            "Uk Pt,2026-01-05,6,CPD points",
            "needs 4 more CPD points (4 hours) (6 of 10 earned)",
        ),
        (
            "Na Sm,NASM,2026-07-31,2027-01-01",
            "Na Sm,2026-01-05,1,CEU",
            "needs 1 more CEU (10 hours) (1 of 2 earned)",
        ),
        (
            "Na Sm,NASM,2026-07-31,2027-01-01",
            "Na Sm,2026-01-05,19,hours",
            "needs 0.1 more CEUs (1 hour) (1.9 of 2 earned)",
        ),
        (
            "Ca Fp,canfitpro PTS,2026-07-31,2027-01-01",
            "Ca Fp,2026-01-05,3,CEC",
            "needs 1 more CEC (2 hours) (3 of 4 earned)",
        ),
    ],
)
def test_reasons_say_amounts_in_english(row, log, reason):
    files = {
        "r.csv": "Trainer,Certification,Expiration,CPR/AED exp\n" + row + "\n",
        "log.csv": "Name,Date,Amount,Unit\n" + log + "\n",
    }
    st = run(files)
    reasons = [x for rs in st.standings["reasons"] for x in rs]
    assert any(reason in x for x in reasons), reasons
