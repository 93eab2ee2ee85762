"""inputs.md as tests: each layout, each kind of mess, and the ledger that accounts for every row."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd import Source, load_catalogue, read_sources
from cpd.ingest.header import field_for
from cpd.ingest.values import parse_amounts, parse_dates
from tests import hostile
from tests.helpers import csv_bytes, row_of, run, xlsx_bytes

CAT = load_catalogue()


def roster(files, **kw):
    return read_sources(
        [Source(n, d if isinstance(d, bytes) else d.encode()) for n, d in files.items()], catalogue=CAT, **kw
    )


# Header spellings ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Trainer", "trainer"),
        ("Employee", "trainer"),
        ("Staff", "trainer"),
        ("Name", "trainer"),
        ("Trainer Name", "trainer"),
        ("  trainer NAME ", "trainer"),
        ("Club", "club"),
        ("Location", "club"),
        ("Site", "club"),
        ("Certification", "credential"),
        ("Cert", "credential"),
        ("Credential", "credential"),
        ("Cert Body", "credential"),
        ("Cert #", "number"),
        ("Number", "number"),
        ("Cert Number", "number"),
        ("Expiration", "expires"),
        ("Exp. Date", "expires"),
        ("Exp. Date (mm/dd/yyyy)", "expires"),
        ("Valid until", "expires"),
        ("Expiry date", "expires"),
        ("CEUs earned", "amount"),
        ("CE hours", "amount"),
        ("Credits", "amount"),
        ("CPR/AED exp", "cpr_expires"),
        ("First aid valid until", "cpr_expires"),
        ("Staff ID", "trainer_id"),
        ("Employee #", "trainer_id"),
        ("First Name", "first_name"),
        ("Surname", "last_name"),
        ("E-mail", "email"),
        ("Role", "role"),
        ("Position", "role"),
        ("Issued", "issued"),
        ("Expires", "expires"),
        ("Date", "date"),
        ("Course", "course"),
        ("Provider", "provider"),
        ("Amount", "amount"),
        ("Unit", "unit"),
        ("Approved for", "approved_for"),
        ("Notes", None),
        ("Phone", None),
        ("", None),
    ],
)
def test_header_spellings_map_to_fields(header, field):
    assert field_for(header) == field


# Dates -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cells", "expected", "order"),
    [
        (["03/15/2027", "01/02/2027"], ["2027-03-15", "2027-01-02"], "mdy"),  # 15 in 2nd place: month first
        (["15/03/2027", "01/02/2027"], ["2027-03-15", "2027-02-01"], "dmy"),  # 15 in 1st place: day first
        (["2027-03-15"], ["2027-03-15"], None),
        (["Mar 15 2027", "15-Mar-27", "March 15, 2027", "15 March 2027"], ["2027-03-15"] * 4, None),
        ([46461.0], ["2027-03-15"], None),  # Excel serial
        (["46461"], ["2027-03-15"], None),  # serial as text
        ([datetime(2027, 3, 15, 0, 0)], ["2027-03-15"], None),
        (["15.03.2027"], ["2027-03-15"], "dmy"),
        (["12/2027", "2027-02", "Mar 2027"], ["2027-12-31", "2027-02-28", "2027-03-31"], None),  # month only
    ],
)
def test_dates_in_every_way_managers_write_them(cells, expected, order):
    parsed = parse_dates(pd.Series(cells, dtype=object))
    assert [d.date().isoformat() for d in parsed.values] == expected
    assert parsed.order == order and not parsed.bad.any()


def test_a_column_never_mixes_orders_the_minority_is_rejected():
    parsed = parse_dates(pd.Series(["15/03/2027", "16/03/2027", "03/17/2027"], dtype=object))
    assert parsed.order == "dmy"
    assert parsed.bad.tolist() == [False, False, True]


def test_wholly_ambiguous_column_uses_configured_order_and_says_so():
    body = "Trainer,Certification,Expiration\nA B,ISSA,03/04/2027\n"
    r = roster({"r.csv": body})
    assert r.certifications["expires"].iloc[0] == pd.Timestamp("2027-03-04")
    assert any("could be read either way" in w for w in r.warnings)
    r = roster({"r.csv": body}, date_order="dmy")
    assert r.certifications["expires"].iloc[0] == pd.Timestamp("2027-04-03")


def test_header_note_states_the_date_order():
    r = roster({"r.csv": "Trainer,Certification,Exp. Date (dd/mm/yyyy)\nA B,ISSA,03/04/2027\n"})
    assert r.certifications["expires"].iloc[0] == pd.Timestamp("2027-04-03")
    assert not any("either way" in w for w in r.warnings)


@pytest.mark.parametrize("date1904", [False, True])
def test_workbooks_in_the_1904_date_system_are_read_right(date1904):
    data = xlsx_bytes(
        {"Roster": [["Trainer", "Certification", "Expiration"], ["A B", "ISSA", date(2027, 3, 15)]]},
        date1904=date1904,
    )
    r = roster({"r.xlsx": data})
    assert r.certifications["expires"].iloc[0] == pd.Timestamp("2027-03-15")


# Numbers and units -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "value", "kind"),
    [
        ("12 hrs", 12.0, "hours"),
        ("1.5 CEU", 1.5, "units"),
        ("0,5", 0.5, None),
        (2, 2.0, None),
        ("2 CECs", 2.0, "units"),
        ("3 hours", 3.0, "hours"),
        ("10 CPD points", 10.0, "units"),
        (" 4 ", 4.0, None),
        ("1.5h", 1.5, "hours"),
    ],
)
def test_amounts_with_units_and_decimal_commas(cell, value, kind):
    a = parse_amounts(pd.Series([cell], dtype=object))
    assert a.values.iloc[0] == pytest.approx(value)
    assert (a.kinds.iloc[0] if isinstance(a.kinds.iloc[0], str) else None) == kind
    assert not a.bad.iloc[0]


@pytest.mark.parametrize("cell", ["lots", "3 bananas", "-1", "n/a"])
def test_amounts_that_are_not_numbers_are_bad_with_a_reason(cell):
    a = parse_amounts(pd.Series([cell], dtype=object))
    assert a.bad.iloc[0] and a.why.iloc[0]


def test_semicolon_csv_with_decimal_commas():
    body = "Trainer;Certification;Expiration;CEUs earned\nA B;NASM;31/12/2027;1,5\n"
    st = run({"r.csv": body})
    assert row_of(st, "A B")["earned"] == pytest.approx(1.5)


def test_header_unit_hours_converts_flat_credits():
    st = run({"r.csv": "Trainer,Certification,Expiration,CE hours\nA B,NASM,2027-12-31,15\n"})
    assert row_of(st, "A B")["earned"] == pytest.approx(1.5)


# Credentials -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "cid"),
    [
        ("NASM", "nasm_cpt"),
        ("NASM-CPT", "nasm_cpt"),
        ("NASM Certified Personal Trainer", "nasm_cpt"),
        ("ACE PT", "ace_cpt"),
        ("ACE-GFI", "ace_gfi"),
        ("Group Fitness (AFAA)", "afaa_cgfi"),
        ("ACE", "ace_cpt"),
        ("NSCA", "nsca_cscs"),
        ("ACSM", "acsm_cpt"),
        ("AFAA", "afaa_cgfi"),
        ("Yoga Alliance", "ya_ryt"),
        ("CPR/AED", "arc_cpr_aed"),
        ("BLS", "aha_cpr_aed"),
        ("nasm cpt ", "nasm_cpt"),
        ("ISSA", "issa_cpt"),
        ("NSCA-CPT", "nsca_cpt"),
        ("ACSM EP", "acsm_ep"),
        ("RYT 200", "ya_ryt"),
        ("Zumba Instructor", None),
    ],
)
def test_credential_names_match_catalogue_ids_through_aliases(written, cid):
    assert CAT.match(written) == cid


# Layouts ---------------------------------------------------------------------------------------------------
MESSY_ROSTER = [
    ["Downtown Fitness — Staff certifications"],
    [""],
    ["Exported 2026-05-30"],
    [""],
    ["Trainer Name", "Club", "Certification", "Cert #", "Exp. Date", "CEUs earned", "CPR/AED exp", "Notes"],
    ["Ana Silva", "Downtown", "NASM-CPT", "000123", "07/31/2026", "1.2", "12/31/2026", "ok"],
    ["  ana silva ", "Downtown", "ACE-GFI", "", "15-Mar-27", "", "", ""],
    ["", "", "", "", "", "", "", ""],
    ["Bruno Costa", "Riverside", "ISSA", "A-77", "2027-01-15", "12 hrs", "2026-12-01", ""],
    ["José Martínez", "Riverside", "Zumba Instructor", "", "Aug 1 2026", "", "", ""],
    ["Carla Gómez", "Northgate", "ACE PT", "", "soon", "", "", ""],
    ["", "Northgate", "NASM", "", "2027-01-01", "", "", ""],
    ["Total", "", "5", "", "", "13.2", "", ""],
]


def test_long_roster_with_title_rows_blank_and_total_rows_accounts_for_every_row():
    r = roster({"roster.csv": csv_bytes(MESSY_ROSTER)})
    m = r.mappings[0]
    assert m.layout == "certifications" and m.header_row == 5
    assert m.columns["Exp. Date"] == "expires" and m.columns["Cert #"] == "number"
    assert m.ignored == ("Notes",)
    c = r.ledger["fate"].value_counts()
    assert (len(r.ledger), c["accepted"], c["rejected"], c["blank"]) == (8, 4, 2, 2)
    rej = r.ledger[r.ledger["fate"].eq("rejected")].set_index("row")
    assert rej.loc[11, "column"] == "Exp. Date" and "'soon' is not a date" in rej.loc[11, "reason"]
    assert rej.loc[12, "column"] == "Trainer Name" and "no trainer name" in rej.loc[12, "reason"]
    # "Ana Silva" and "  ana silva " are one trainer; the number keeps its leading zeros.
    assert sorted(r.trainers["trainer"]) == ["Ana Silva", "Bruno Costa", "José Martínez"]
    assert r.certifications.set_index("credential").loc["nasm_cpt", "number"] == "000123"


def test_roster_in_xlsx_gives_excel_row_numbers_below_title_rows():
    data = xlsx_bytes(
        {
            "Certs": [
                ["Staff list"],
                [],
                ["Trainer", "Certification", "Expiration"],
                ["A B", "NASM", date(2027, 1, 1)],
                ["C D", "NASM", "never"],
            ]
        },
        start_row=2,
    )
    st = run({"r.xlsx": data})
    rej = st.rejected
    assert (rej.iloc[0]["file"], rej.iloc[0]["sheet"], rej.iloc[0]["row"], rej.iloc[0]["column"]) == (
        "r.xlsx",
        "Certs",
        6,
        "Expiration",
    )


def test_training_matrix_one_column_per_credential():
    data = xlsx_bytes(
        {
            "Matrix": [
                [
                    "Name",
                    "Club",
                    "NASM CPT",
                    "ACE GFI",
                    "CPR/AED",
                    "Spin Instructor",
                    "Zumba",
                    "Hire date",
                    "Notes",
                ],
                [
                    "Ana Silva",
                    "Downtown",
                    date(2027, 3, 1),
                    None,
                    date(2026, 12, 1),
                    None,
                    None,
                    date(2020, 1, 1),
                    "x",
                ],
                [
                    "Ben Ito",
                    "Downtown",
                    None,
                    date(2026, 7, 1),
                    date(2025, 1, 1),
                    None,
                    date(2026, 5, 1),
                    None,
                    "",
                ],
                ["Cy Dee", "Riverside", None, None, None, None, None, None, None],
            ]
        }
    )
    st = run({"matrix.xlsx": data})
    assert st.mappings[0].layout == "matrix"
    assert set(zip(st.standings["trainer"], st.standings["credential"], strict=True)) == {
        ("Ana Silva", "nasm_cpt"),
        ("Ben Ito", "ace_gfi"),
        ("Ben Ito", "Zumba"),
    }
    assert {"Spin Instructor", "Hire date", "Notes"} <= set(st.mappings[0].ignored)
    assert row_of(st, "Ben Ito", "Zumba")["status"] == "expired"
    ben = row_of(st, "Ben Ito", "ace_gfi")
    assert ben["status"] == "at_risk" and "CPR/AED expired on 1 Jan 2025" in ben["reasons"]
    assert st.trainers.set_index("trainer").loc["Cy Dee", "status"] == "missing"


def test_workbook_with_staff_certifications_and_ce_log_sheets():
    data = xlsx_bytes(
        {
            "Staff": [
                ["Staff ID", "First Name", "Last Name", "Email", "Club", "Role"],
                ["S1", "Ana", "Silva", "ana@example.com", "Downtown", "Personal Trainer"],
                ["S2", "Ben", "Ito", "ben@example.com", "Riverside", "Group Fitness Instructor"],
            ],
            "Certifications": [
                ["Staff ID", "Credential", "Cert Number", "Issued", "Expires"],
                ["S1", "NASM-CPT", "000123", date(2024, 7, 31), date(2026, 7, 31)],
                ["S1", "CPR/AED", "", date(2024, 12, 1), date(2026, 12, 1)],
                ["S2", "ACE GFI", "", None, date(2027, 5, 31)],
                ["S9", "ISSA", "", None, date(2027, 5, 31)],
            ],
            "CE Log": [
                ["Staff ID", "Date", "Course", "Provider", "Amount", "Unit", "Approved For"],
                ["S1", date(2025, 3, 2), "Corrective Exercise", "NASM", 1.0, "CEU", "NASM"],
                ["S1", date(2026, 1, 10), "Kettlebells", "Local", 6, "hours", None],
                ["S2", "TBD", "Barre", "", 1, "CEC", "ACE"],
                ["S2", date(2026, 2, 1), "Cycling", "", "lots", "CEC", "ACE"],
            ],
        }
    )
    st = run({"club.xlsx": data})
    layouts = {m.sheet: m.layout for m in st.mappings}
    assert layouts == {"Staff": "staff", "Certifications": "certifications", "CE Log": "ce_log"}
    assert row_of(st, "Ana Silva")["earned"] == pytest.approx(1.7)
    assert row_of(st, "Ana Silva")["status"] == "at_risk"
    rej = st.rejected.set_index(["sheet", "row"])
    assert "S9" in rej.loc[("Certifications", 5), "reason"]
    assert "'TBD' is not a date" in rej.loc[("CE Log", 4), "reason"]
    assert "'lots' is not a number" in rej.loc[("CE Log", 5), "reason"]
    assert st.trainers.set_index("trainer").loc["Ana Silva", "email"] == "ana@example.com"


def test_same_trainer_recognised_across_files():
    a = csv_bytes(
        [["Trainer", "Club", "Certification", "Expiration"], ["Ana Silva", "Downtown", "NASM", "2027-01-01"]]
    )
    b = csv_bytes(
        [["Trainer", "Club", "Certification", "Expiration"], ["ANA SILVA ", "Downtown", "ISSA", "2027-01-01"]]
    )
    st = run({"downtown.csv": a, "riverside.csv": b})
    assert len(st.trainers) == 1 and len(st.standings) == 2


def test_same_certification_in_two_files_keeps_the_later_expiry_and_says_so():
    a = csv_bytes([["Trainer", "Certification", "Expiration"], ["Ana Silva", "NASM", "2026-01-01"]])
    b = csv_bytes([["Trainer", "Certification", "Expiration"], ["Ana Silva", "NASM-CPT", "2028-01-01"]])
    st = run({"a.csv": a, "b.csv": b})
    assert len(st.standings) == 1 and st.standings["expires"].iloc[0] == pd.Timestamp("2028-01-01")
    assert any("listed 2 times" in w for w in st.warnings)


def test_hidden_sheets_are_never_used_silently():
    data = xlsx_bytes(
        {
            "Roster": [["Trainer", "Certification", "Expiration"], ["A B", "NASM", date(2027, 1, 1)]],
            "Old": [["Trainer", "Certification", "Expiration"], ["Old One", "NASM", date(2020, 1, 1)]],
        },
        hidden=("Old",),
    )
    st = run({"r.xlsx": data})
    assert list(st.trainers["trainer"]) == ["A B"]
    assert any("'Old'" in w and "hidden" in w for w in st.warnings)


def test_hidden_rows_are_flagged():
    data = xlsx_bytes(
        {
            "Roster": [
                ["Trainer", "Certification", "Expiration"],
                ["A B", "NASM", date(2027, 1, 1)],
                ["C D", "NASM", date(2027, 1, 1)],
            ]
        },
        hidden_rows={"Roster": (3,)},
    )
    st = run({"r.xlsx": data})
    assert any("hidden row" in w and "3" in w for w in st.warnings)


def test_sheet_with_no_recognisable_header_says_what_was_found_and_what_is_needed():
    data = xlsx_bytes(
        {
            "Notes": [["Colour", "Shape"], ["red", "round"]],
            "Roster": [["Trainer", "Certification", "Expiration"], ["A B", "NASM", date(2027, 1, 1)]],
        }
    )
    st = run({"r.xlsx": data})
    assert any("'Colour'" in w and "needs a trainer name" in w for w in st.warnings)


def test_a_file_with_no_usable_sheet_is_refused_in_one_sentence():
    from cpd import UnreadableFile

    with pytest.raises(UnreadableFile, match="no sheet has a header Recert recognises.*'Colour'"):
        run({"r.csv": "Colour,Shape\nred,round\n"})


def test_mapping_override_corrects_a_wrong_guess():
    body = "Person,Qualification,Renew by,Hours\nA B,ISSA,2027-01-31,4\n"
    st = run(
        {"r.csv": body},
        overrides={("r.csv", ""): {"Person": "trainer", "Renew by": "expires", "Hours": "amount"}},
    )
    r = row_of(st, "A B")
    assert r["expires"] == pd.Timestamp("2027-01-31") and r["earned"] == pytest.approx(4)


def test_accented_names_and_utf8_bom_are_kept():
    data = "\ufeffTrainer,Certification,Expiration\nZoë Brontë,NASM,2027-01-01\n".encode()
    st = run({"r.csv": data})
    assert st.trainers["trainer"].tolist() == ["Zoë Brontë"]


def test_trainer_id_comes_from_the_file_or_is_stable_from_the_name():
    st1 = run({"r.csv": "Trainer,Certification,Expiration\nAna Silva,NASM,2027-01-01\n"})
    st2 = run({"x.csv": "Name,Cert,Valid until\n ana  SILVA,ISSA,2027-01-01\n"})
    assert st1.trainers["trainer_id"].iloc[0] == st2.trainers["trainer_id"].iloc[0]
    st3 = run({"r.csv": "Employee ID,Trainer,Certification,Expiration\nE-042,Ana Silva,NASM,2027-01-01\n"})
    assert st3.trainers["trainer_id"].iloc[0] == "E-042"


def test_two_staff_ids_with_the_same_name_are_two_trainers():
    data = xlsx_bytes(
        {
            "Staff": [
                ["Staff ID", "Name", "Club"],
                [100003, "Amelia Adeyemi", "Club 1"],
                [100299, "Amelia Adeyemi", "Club 7"],
            ],
            "Certifications": [
                ["Staff ID", "Credential", "Expires"],
                [100003, "NASM", date(2027, 1, 1)],
                [100299, "ISSA", date(2027, 1, 1)],
            ],
            "CE Log": [
                ["Staff ID", "Date", "Amount", "Unit"],
                [100003, date(2026, 3, 1), 1, "CEU"],
                [100299, date(2026, 3, 1), 2, "CEU"],
            ],
        }
    )
    st = run({"chain.xlsx": data})
    assert sorted(st.trainers["trainer_id"]) == ["100003", "100299"]
    assert st.counts["rejected"] == 0
    assert row_of(st, "Amelia Adeyemi", "nasm_cpt")["earned"] == 1
    assert row_of(st, "Amelia Adeyemi", "issa_cpt")["earned"] == 2


def test_a_name_only_row_joins_the_one_staff_id_with_that_name():
    st = run(
        {
            "staff.csv": "Staff ID,Name,Club\nE7,Ana Silva,Downtown\n",
            "roster.csv": "Trainer,Certification,Expiration\nana silva,NASM,2027-01-01\n",
        }
    )
    assert st.trainers["trainer_id"].tolist() == ["E7"] and st.trainers["club"].tolist() == ["Downtown"]


@pytest.mark.parametrize("label", ["Total", "TOTAL:", "Grand total", "Totals 12", "Sum"])
def test_total_rows_are_blank(label):
    r = roster({"r.csv": f"Trainer,Certification,Expiration\nA B,NASM,2027-01-01\n{label},3,\n"})
    assert r.ledger["fate"].tolist() == ["accepted", "blank"] and r.ledger["reason"].iloc[1] == "total row"


@pytest.mark.parametrize("name", ["=SUM(A1)", "+SUM(A1)", "Totally Fit", "Sumiko Tanaka", "@cmd"])
def test_names_that_look_like_totals_or_formulas_are_trainers(name):
    st = run({"r.csv": csv_bytes([["Trainer", "Certification", "Expiration"], [name, "NASM", "2027-01-01"]])})
    assert st.trainers["trainer"].tolist() == [name]


def test_a_body_column_beside_the_certification_column_names_the_credential():
    st = run(
        {
            "r.csv": "Employee Full Name,Gym Location,Certifying Body,Certification,Date of Expiry,CE Credits Earned\n"
            "Ana Silva,Downtown,ACE,Group Fitness Instructor,2027-01-31,1.0\n"
            "Ben Ito,Downtown,NASM,CPT,2027-01-31,1.0\n"
            "Cy Dee,Downtown,,Zumba,2027-01-31,\n"
        }
    )
    assert row_of(st, "Ana Silva")["credential"] == "ace_gfi"
    assert row_of(st, "Ben Ito")["credential"] == "nasm_cpt"
    assert row_of(st, "Cy Dee")["credential"] == "Zumba"
    assert st.standings["club"].eq("Downtown").all()


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date of Expiry", "expires"),
        ("Trainer/Instructor", "trainer"),
        ("Employee Full Name", "trainer"),
        ("Gym Location", "club"),
        ("CE Credits Earned", "amount"),
        ("Total CEUs", "amount"),
        ("Cert Issue Date", "issued"),
        ("Hire Date", None),
        ("Emergency Contact Name", None),
        ("Status", None),
    ],
)
def test_headers_are_also_recognised_by_their_words(header, field):
    assert field_for(header) == field


def test_the_date_order_setting_only_decides_wholly_ambiguous_columns():
    body = "Trainer,Certification,Expiration,CPR/AED exp\nAna Silva,NASM,03/31/2027,12/01/2027\nRui Sa,ACE,02/01/2027,11/02/2027\n"
    st = run({"r.csv": body}, date_order="dmy")
    assert st.counts["rejected"] == 0
    assert row_of(st, "Rui Sa")["expires"] == pd.Timestamp("2027-02-01")  # the column is clearly month first
    assert row_of(st, "Ana Silva")["cpr_expires"] == pd.Timestamp(
        "2027-01-12"
    )  # ambiguous: the setting decides


def test_a_bad_date_says_which_order_its_column_is_read_in():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration\nA B,NASM,31/12/2027\nC D,NASM,12/31/2027\nE F,NASM,30/11/2027\n"
        }
    )
    assert st.rejected["reason"].tolist() == [
        "'12/31/2027' is not a date (this column's dates are day/month/year)"
    ]


def test_roster_cpr_issued_date_earns_the_cpr_credit():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned,CPR/AED issued,CPR/AED exp\n"
            "Kim Park,NASM,2027-01-31,1.9,2026-01-15,2028-01-15\nLee Park,NCSF,2027-01-31,16 hours,2026-01-15,2028-01-15\n"
            "Mo Park,NCSF,2027-01-31,16 hours,garbage,2028-01-15\n"
        }
    )
    assert row_of(st, "Kim Park")["status"] == "met" and row_of(st, "Lee Park")["earned"] == 10
    assert st.rejected["column"].tolist() == ["CPR/AED issued"]


def test_matrix_credits_column_pairs_with_the_credential_to_its_left():
    data = xlsx_bytes(
        {
            "M": [
                ["Name", "ACE GFI", "CECs", "NASM CPT", "CEUs", "ISSA CPT", "ISSA CEUs"],
                ["Ana Silva", date(2027, 3, 1), 1.5, date(2027, 3, 1), 1.2, date(2027, 1, 31), 8],
            ]
        }
    )
    st = run({"m.xlsx": data})
    earned = dict(zip(st.standings["credential"], st.standings["earned"], strict=True))
    assert earned == {"ace_gfi": 1.5, "nasm_cpt": 1.2, "issa_cpt": 8}


@pytest.mark.parametrize(
    "written",
    [
        "NASM-CES",
        "NASM Certified Nutrition Coach",
        "ACE Health Coach",
        "ISSA Nutritionist",
        "NSCA-TSAC-F",
        "Mental Health First Aid",
        "CPR Instructor",
        "Red Cross Lifeguard",
        "AHA PALS",
    ],
)
def test_other_qualifications_of_a_body_are_not_its_main_credential(written):
    assert CAT.match(written) is None


def test_staff_ids_match_ignoring_leading_zeros_and_keep_their_written_form():
    data = xlsx_bytes(
        {
            "Staff": [["Staff ID", "Name"], ["007", "Ana Silva"]],
            "Certifications": [["Staff ID", "Credential", "Expires"], [7, "NASM", date(2027, 1, 1)]],
        }
    )
    st = run({"w.xlsx": data})
    assert st.counts["rejected"] == 0
    assert (
        st.trainers["trainer_id"].tolist() == ["007"] and row_of(st, "Ana Silva")["credential"] == "nasm_cpt"
    )


def test_a_qualification_that_mentions_first_aid_is_not_a_cpr_card():
    st = run(
        {
            "r.csv": "Trainer,Certification,Expiration,CEUs earned\nBo Berg,NASM-CPT,2027-06-30,2.0\n"
            "Bo Berg,Mental Health First Aid,2028-05-01,\n"
        },
        as_of=date(2026, 11, 27),
    )
    assert row_of(st, "Bo Berg", "nasm_cpt")["status"] == "on_track"  # credits met, but no CPR/AED card
    assert "no CPR/AED on file" in row_of(st, "Bo Berg", "nasm_cpt")["reasons"]
    assert row_of(st, "Bo Berg", "Mental Health First Aid")["status"] == "on_track"


# Rows as Excel numbers them, whatever the line breaks in cells (issue 10, item 9) ------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("inner", ["\r\n", "\n", "\r"])
def test_rows_after_a_cell_with_a_line_break_keep_their_excel_row(encoding, newline, inner):
    name = "roster.txt" if encoding == "utf-16" else "roster.csv"
    r = roster({name: hostile.multiline_csv(encoding, newline, inner)})
    assert r.ledger["row"].tolist() == [2, 3, 4, 5]
    rejected = r.ledger[r.ledger["fate"] == "rejected"]
    assert rejected["row"].tolist() == [5] and "'someday' is not a date" in rejected["reason"].iloc[0]
    assert r.certifications.set_index("row").loc[3, "trainer_id"] in set(r.trainers["trainer_id"])
    assert "José Núñez" in set(r.trainers["trainer"])


def test_under_a_sep_line_the_header_is_row_1_as_in_excel():
    r = roster(
        {"r.csv": b"sep=;\r\nTrainer;Certification;Expires\r\nAna;NASM;2027-01-01\r\nBo;NASM;soon\r\n"}
    )
    assert r.mappings[0].header_row == 1 and r.ledger["row"].tolist() == [2, 3]
    assert r.ledger.loc[r.ledger["fate"] == "rejected", "row"].tolist() == [3]


def test_a_bad_byte_after_a_multi_line_cell_rejects_the_row_excel_shows():
    data = (
        'Trainer,Certification,Expires,Note\r\nAna,NASM,2027-01-01,"one\r\ntwo\r\nthree"\r\n'
        "Bo,NASM,2027-01-01,ok\r\nCy,NASM,2027-01-01,Up"
    ).encode("cp1252") + b"\x81town\r\n"
    r = roster({"r.csv": data})
    bad = r.ledger[r.ledger["fate"] == "rejected"]
    assert (
        bad["row"].tolist() == [4]
        and bad["reason"].iloc[0] == "byte 0x81 cannot be read as Windows-1252 text"
    )


NOTE_BREAKS = st.lists(
    st.sampled_from(["", "\n", "\r\n", "\r", "a\nb", "x\r\ny\r\nz"]), min_size=1, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(notes=NOTE_BREAKS, bad=st.integers(0, 11), blank_after=st.integers(0, 11))
def test_the_rejected_row_is_the_record_number_whatever_the_notes_hold(notes, bad, blank_after):
    bad %= len(notes)
    rows = [["Trainer", "Certification", "Expires", "Note"]]
    for i, note in enumerate(notes):
        rows.append([f"Trainer {i}", "NASM", "not a date" if i == bad else "2027-01-01", note])
        if i == blank_after:
            rows.append([])  # a blank line is a row in Excel too
    r = roster({"r.csv": csv_bytes(rows)})
    expected = 2 + bad + (1 if blank_after < bad else 0)
    assert r.ledger.loc[r.ledger["fate"] == "rejected", "row"].tolist() == [expected]
    assert r.ledger["row"].tolist() == list(range(2, len(rows) + 1))


# Wide sheets: the columns in use, at most 512 (issue 10, item 7) --------------------------------------------
def _same_roster(a, b):
    for frame in ("ledger", "trainers", "certifications"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame), check_dtype=False)


NARROW = "Trainer,Certification,Expires\r\n" + "".join(
    f"Trainer {i},NASM CPT,2027-03-{10 + i % 19}\r\n" for i in range(7)
)


@pytest.mark.parametrize(
    ("label", "build", "name"),
    [
        ("60,000 blank csv columns", lambda: hostile.wide_csv(), "r.csv"),
        ("a workbook reaching column XFD", lambda: hostile.wide_xlsx(rows=7), "r.xlsx"),
    ],
)
def test_blank_columns_change_nothing(label, build, name):
    wide = roster({name: build()})
    narrow = roster(
        {
            name: NARROW.encode()
            if name.endswith(".csv")
            else hostile.openpyxl_xlsx([r.split(",") for r in NARROW.split("\r\n") if r])
        }
    )
    assert wide.ledger["row"].tolist() == narrow.ledger["row"].tolist() == list(range(2, 9)), label
    assert wide.trainers["trainer"].tolist() == narrow.trainers["trainer"].tolist()
    assert wide.certifications["expires"].tolist() == narrow.certifications["expires"].tolist()
    assert not [w for w in wide.warnings if "columns" in w]


@pytest.mark.parametrize(
    ("build", "name", "in_use"),
    [
        (lambda: hostile.wide_csv(named=True), "r.csv", 60_000),
        (lambda: hostile.wide_xlsx(named=True), "r.xlsx", 16_384),
    ],
)
def test_a_sheet_with_more_columns_in_use_than_512_is_read_up_to_512_and_says_so(build, name, in_use):
    r = roster({name: build()})
    assert len(r.certifications) in (5, 7) and set(r.mappings[0].columns) == {
        "Trainer",
        "Certification",
        "Expires",
    }
    assert len(r.mappings[0].ignored) == 512 - 3  # "c4" .. "c512": read, and listed as not used
    [w] = [w for w in r.warnings if "columns" in w]
    assert f"has values in {in_use:,} columns" in w and "the first 512 of them (up to column SR)" in w
    assert f"the other {in_use - 512:,} left out" in w


def test_blank_columns_between_used_ones_do_not_count_toward_the_cap():
    gap = "," * 600
    rows = [
        f"Trainer{gap}Certification{gap}Expires",
        f"Ana{gap}NASM{gap}2027-01-01",
        f"Bo{gap}NASM{gap}2027-02-01",
    ]
    r = roster({"r.csv": "\r\n".join(rows) + "\r\n"})
    assert len(r.certifications) == 2 and not [w for w in r.warnings if "columns" in w]


def test_a_column_of_spaces_is_blank_in_a_csv_and_data_in_a_workbook():
    from cpd.ingest.shape import shape

    rows = [["Trainer", "", "x"], ["Ana", "  ", ""], ["Bo", " ", ""]]
    assert shape(rows, text=True).columns.tolist() == [0, 2]
    assert shape(rows, text=False).columns.tolist() == [0, 1, 2]


CELL = st.sampled_from(["", " ", "a", "Trainer", None, float("nan"), 0, 1.5])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, max_size=9), max_size=12),
    text=st.booleans(),
    chunk=st.integers(1, 20),
    keep=st.integers(0, 40),
    cap=st.integers(1, 6),
)
def test_shape_is_the_dense_grid_without_its_empty_columns(rows, text, chunk, keep, cap):
    from cpd.ingest import shape as shape_module

    def empty(v):
        return v is None or v != v or v == "" or (text and isinstance(v, str) and not v.strip())

    width = max(map(len, rows), default=0)
    dense = [list(r) + [""] * (width - len(r)) for r in rows]
    in_use = [j for j in range(width) if not all(empty(r[j]) for r in dense)]
    old = (shape_module._CHUNK_CELLS, shape_module._KEEP_CELLS, shape_module.MAX_COLUMNS)
    shape_module._CHUNK_CELLS, shape_module._KEEP_CELLS, shape_module.MAX_COLUMNS = chunk, keep, cap
    try:
        got = shape_module.shape(rows, text=text)
    finally:
        shape_module._CHUNK_CELLS, shape_module._KEEP_CELLS, shape_module.MAX_COLUMNS = old
    assert got.in_use == len(in_use) and got.columns.tolist() == in_use[:cap]
    expected = [[r[j] for j in in_use[:cap]] for r in dense]
    assert got.cells.shape == (len(rows), len(in_use[:cap]))
    for want, have in zip(expected, got.cells.tolist(), strict=True):
        assert [("nan" if isinstance(v, float) and v != v else v) for v in have] == [
            ("nan" if isinstance(v, float) and v != v else v) for v in want
        ]


def test_a_csv_with_more_cells_in_use_than_a_sheet_may_hold_is_refused(monkeypatch):
    from cpd import UnreadableFile
    from cpd.ingest import shape as shape_module

    monkeypatch.setattr(shape_module, "MAX_CELLS", 20)
    with pytest.raises(
        UnreadableFile, match=r"^big.csv: this file has 8 rows and 3 columns in use, 24 cells"
    ):
        roster({"big.csv": NARROW})
    roster(
        {"ok.xlsx": hostile.openpyxl_xlsx([r.split(",") for r in NARROW.split("\r\n") if r])}
    )  # safety's job


# Repeated warnings: a few examples and a count (issue 10, item 7) --------------------------------------------
def test_a_thousand_matrix_cells_that_are_not_dates_give_five_examples_and_a_count():
    rows = [["Trainer", "NASM CPT", "ACE GFI"]] + [[f"T {i}", "see HR", "ask Bo"] for i in range(500)]
    r = roster({"m.csv": csv_bytes(rows)})
    lines = [w for w in r.warnings if "expiry date" in w or "more like" in w]
    assert len(lines) == 6 and all("is not an expiry date" in w for w in lines[:5])
    assert lines[5] == "… and 995 more like these in m.csv: those certifications were not read either."


def test_bad_issued_dates_give_five_examples_and_a_count():
    rows = [["Trainer", "Certification", "Issued", "Expires"]] + [
        [f"T {i}", "NASM", "long ago", "2027-01-01"] for i in range(40)
    ]
    r = roster({"c.csv": csv_bytes(rows)})
    lines = [w for w in r.warnings if "issued" in w]
    assert len(lines) == 6 and lines[0].startswith("c.csv row 2: the issued date")
    assert lines[5] == "… and 35 more like these in c.csv: those issued dates were ignored too."


def test_certifications_listed_many_times_give_five_examples_and_a_count():
    r = roster({"t.csv": hostile.tall_csv(3_000, listed=3)})
    lines = [w for w in r.warnings if "listed" in w]
    assert len(lines) == 6 and "is listed 3 times (t.csv row 2; t.csv row 3; t.csv row 4)" in lines[0]
    assert lines[5] == (
        "… and 995 more like these listed more than once: for each, the latest expiry was used."
    )
    assert len(r.certifications) == 1_000


def test_a_certification_listed_a_thousand_times_names_five_places_and_counts_the_rest():
    rows = [["Trainer", "Certification", "Expires"]] + [
        ["Ana", "NASM", f"2027-01-{1 + i % 28:02d}"] for i in range(1000)
    ]
    [w] = [w for w in roster({"a.csv": csv_bytes(rows)}).warnings if "listed" in w]
    assert "listed 1,000 times" in w and "and 995 more rows" in w and len(w) < 300


def test_a_roster_keeps_at_most_200_warnings_and_counts_the_rest():
    from cpd.ingest.notes import WARNINGS_KEPT, cap

    kept = cap([f"note {i}" for i in range(500)] + ["note 3"])
    assert len(kept) == WARNINGS_KEPT == 200 and kept[198] == "note 198"
    assert kept[199].startswith("… and 301 more notes, not shown")
    assert cap(["a", "b", "a"]) == ("a", "b")


@given(st.integers(0, 30), st.integers(1, 8))
def test_a_tally_keeps_the_first_examples_and_counts_every_case(total, batch):
    from cpd.ingest.notes import EXAMPLES_KEPT, Tally

    tally, made = Tally(" here"), []

    def sentences(start, n):
        for i in range(start, start + n):
            made.append(i)
            yield f"case {i}"

    for start in range(0, total, batch):
        n = min(batch, total - start)
        tally.add(n, sentences(start, n))
    lines = tally.lines()
    assert lines[:EXAMPLES_KEPT] == [f"case {i}" for i in range(min(total, EXAMPLES_KEPT))]
    assert len(made) == min(total, EXAMPLES_KEPT)  # sentences beyond the examples are never written
    if total > EXAMPLES_KEPT:
        assert lines[-1] == f"… and {total - EXAMPLES_KEPT:,} more like these here."
    else:
        assert len(lines) == total


@given(
    st.text(max_size=12)
    | st.sampled_from(
        [
            "Total",
            " total:",
            "*Grand total 3",
            "Sum",
            "Ťotal",
            "-Total",
            "=SUM(A1)",
            "Count of staff",
            "Average",
            "Somebody",
            "Tomas",
        ]
    )
)
def test_total_labels_are_found_by_their_first_letter_as_by_the_full_rule(text):
    from cpd.ingest.sheets import _TOTAL, _is_total
    from cpd.text import fold

    reference = (
        bool(text) and not text.lstrip().startswith(("=", "+", "-", "@")) and bool(_TOTAL.match(fold(text)))
    )
    assert _is_total(text) == reference


# The same data counted twice (issue 10, item 5) ---------------------------------------------------------------
# NASM CPT: 2 CEU (20 hours) per 2-year cycle. Expiring 2026-09-15, at 2026-06-01 86% of the cycle is gone:
# 10 hours (1 CEU) is behind; the same 10 hours counted twice would be 2 CEU, "met".
CE_HEAD = ["Trainer", "Date", "Course", "Provider", "Amount", "Unit", "Approved for"]
ANA_CE = ["Ana Silva", date(2025, 10, 1), "Functional training", "NASM", 10, "hours", "NASM"]


def _workbook(*ce_rows) -> bytes:
    return xlsx_bytes(
        {
            "Roster": [
                ["Trainer", "Certification", "Expires", "CPR/AED exp"],
                ["Ana Silva", "NASM CPT", date(2026, 9, 15), date(2027, 1, 1)],
            ],
            "CE log": [CE_HEAD, *ce_rows],
        }
    )


def test_the_same_workbook_uploaded_twice_is_read_once_and_says_so():
    book = _workbook(ANA_CE)
    once = run({"roster.xlsx": book})
    twice = run({"roster.xlsx": book, "roster (1).xlsx": book})
    assert row_of(once, "Ana Silva")["status"] == row_of(twice, "Ana Silva")["status"] == "behind"
    assert row_of(twice, "Ana Silva")["earned"] == 1.0
    assert twice.counts == once.counts  # the copy's rows are not counted again: rows_read is the file read
    assert twice.warnings[0] == (
        "roster (1).xlsx is the same file as roster.xlsx (identical content), so it "
        "was read once: its rows are counted once, not twice."
    )
    [copy] = [m for m in twice.mappings if m.file == "roster (1).xlsx"]
    assert copy.layout == "skipped" and copy.note == "the same file as roster.xlsx: read once"
    c = twice.counts
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"]


def test_copies_are_found_by_content_whatever_their_names_and_order():
    book, other = (
        _workbook(ANA_CE),
        _workbook(["Ana Silva", date(2025, 11, 1), "Yoga", "ACE", 5, "hours", "NASM"]),
    )
    st = run({"b.xlsx": other, "a.xlsx": book, "a copy.xlsx": book, "b (1).xlsx": other, "c.xlsx": book})
    notes = [w for w in st.warnings if "is the same file as" in w]
    assert [n.split(" is the same file as ")[0] for n in notes] == ["a copy.xlsx", "b (1).xlsx", "c.xlsx"]
    assert row_of(st, "Ana Silva")["earned"] == 1.5  # 10 + 5 hours, each counted once
    assert sorted(set(st.ledger["file"])) == ["a.xlsx", "b.xlsx"]


def test_ce_rows_repeated_in_another_file_are_counted_once_and_named():
    book = _workbook(ANA_CE)
    later = csv_bytes(
        [
            CE_HEAD,
            ["ana silva", "2025-10-01", "functional  TRAINING", "nasm", "10", "hrs", "NASM"],
            ["Ana Silva", "2026-01-10", "Mobility", "NASM", "1", "hours", "NASM"],
        ]
    )
    st = run({"roster.xlsx": book, "ce-update.csv": later})
    ana = row_of(st, "Ana Silva")
    assert ana["earned"] == pytest.approx(1.1) and ana["status"] == "behind"  # 10 + 1 hours, not 10 + 10 + 1
    rejected = st.rejected
    assert rejected["row"].tolist() == [2] and rejected["file"].tolist() == ["ce-update.csv"]
    assert rejected["reason"].iloc[0] == (
        "the same activity as roster.xlsx, sheet 'CE log' row 2 (same trainer, "
        "date, course, provider, amount and unit), so it was counted once"
    )
    assert (
        "1 CE row in ce-update.csv repeats rows of roster.xlsx, sheet 'CE log' exactly (same trainer, date, "
        "course, provider, amount and unit): each activity was counted once, and the repeated rows are listed "
        "as rejected."
    ) in st.warnings
    c = st.counts
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"] == 4


def test_ce_rows_that_differ_in_amount_unit_date_or_trainer_are_all_counted():
    later = csv_bytes(
        [
            CE_HEAD,
            ["Ana Silva", "2025-10-01", "Functional training", "NASM", "1", "CEU", "NASM"],
            ["Ana Silva", "2025-10-02", "Functional training", "NASM", "10", "hours", "NASM"],
            ["Ana Silva", "2025-10-01", "Functional training", "NASM", "9", "hours", "NASM"],
        ]
    )
    st = run({"roster.xlsx": _workbook(ANA_CE), "more.csv": later})
    assert row_of(st, "Ana Silva")["earned"] == pytest.approx(1.0 + 1.0 + 1.0 + 0.9)
    assert not [w for w in st.warnings if "repeat" in w]


def test_the_same_course_twice_in_one_log_is_the_managers_record_and_counts_twice():
    st = run({"roster.xlsx": _workbook(ANA_CE, ANA_CE)})
    assert row_of(st, "Ana Silva")["earned"] == 2.0 and st.counts["rejected"] == 0


def test_many_sheets_repeating_each_other_give_a_bounded_warning_per_pair():
    log = [CE_HEAD] + [
        ["Ana Silva", date(2025, 10, 1 + i), f"Course {i}", "NASM", 1, "hours", "NASM"] for i in range(20)
    ]
    st = run({f"club{i}.xlsx": xlsx_bytes({f"CE {i}": log}) for i in range(8)} | {"roster.xlsx": _workbook()})
    lines = [w for w in st.warnings if "repeat" in w or "more like" in w]
    assert len(lines) == 6 and lines[0].startswith(
        "20 CE rows in club1.xlsx, sheet 'CE 1' repeat rows of club0.xlsx"
    )
    assert lines[5].startswith("… and 2 more like these (same trainer")
    assert st.counts["rejected"] == 7 * 20 and row_of(st, "Ana Silva")["earned"] == 2.0


@given(
    st.text(max_size=16) | st.sampled_from(["Ana Silva", "ANA  SILVA ", "Silva, Ana", "José", "ﬁ", "Ǆ", "İ"])
)
def test_the_ascii_shortcut_folds_names_exactly_as_fold_does(text):
    from cpd.ingest.values import fast_fold
    from cpd.text import fold

    assert fast_fold(text) == fold(text)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Ana", "Bo", "Cy"]),
            st.sampled_from(["NASM CPT", "ACE GFI", "Zumba"]),
            st.sampled_from(["2027-01-01", "2027-06-01", "2028-01-01"]),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_a_certification_listed_more_than_once_keeps_its_latest_expiry_the_last_listed_of_equals(listed):
    r = roster({"c.csv": csv_bytes([["Trainer", "Certification", "Expires"], *map(list, listed)])})
    expected: dict[tuple[str, str], int] = {}
    for i, (who, cred, exp) in enumerate(listed):
        best = expected.get((who, cred))
        if best is None or exp >= listed[best][2]:
            expected[(who, cred)] = i
    assert sorted(r.certifications["row"]) == sorted(i + 2 for i in expected.values())
    assert r.certifications["row"].is_monotonic_increasing  # still in the files' order
    told = [w for w in r.warnings if "listed" in w]
    twice = [k for k in expected if sum(1 for who, cred, _ in listed if (who, cred) == k) > 1]
    assert len(told) == min(len(twice), 5) + (len(twice) > 5)


# The header vocabulary (cpd/headers.yaml): languages, CPR/AED and body columns (issue 11) ---------------------
# Each header a manager writes, the field it names, and an "invalid twin": a header close to it that must not
# name that field (it names nothing, or the field in brackets).
SPELLINGS_BY_LANGUAGE = [
    # French (Quebec, France)
    ("fr", "Nom", "last_name", "Nom du fichier"),
    ("fr", "Prénom", "first_name", "Pronom"),
    ("fr", "Nom complet", "trainer", "Nom de la salle"),
    ("fr", "Club/Succursale", "club", "Numéro de succursale"),
    ("fr", "Certification", "credential", "Statut de la certification"),
    ("fr", "Numéro", "number", "Numéro de téléphone"),
    ("fr", "N° de certificat", "number", "Nombre de certificats"),
    ("fr", "Date d'émission", "issued", "Date de naissance"),
    ("fr", "Date d'expiration", "expires", "Date d'inscription"),
    ("fr", "Date d'expiration (jj/mm/aaaa)", "expires", "Date d'embauche (jj/mm/aaaa)"),
    ("fr", "RCR/DEA exp.", "cpr_expires", "RCR/DEA formateur"),
    ("fr", "RCR", "cpr_expires", "RCR remarques"),
    ("fr", "DEA émis le", "cpr_issued", "DEA numéro"),
    ("fr", "UEC", "amount", "Type d'UEC"),
    ("fr", "Heures", "amount", "Heure de début"),
    ("fr", "Organisme certificateur", "approved_for", "Organisme payeur"),
    ("fr", "Courriel", "email", "Courrier"),
    # Spanish (Latin America, Spain)
    ("es", "Nombre", "first_name", "Nombre del archivo"),
    ("es", "Apellido", "last_name", "Apodo"),
    ("es", "Nombre y apellidos", "trainer", "Nombre de la empresa"),
    ("es", "Sede/Sucursal", "club", "Número de sede"),
    ("es", "Certificación", "credential", "Estado de la certificación"),
    ("es", "Número", "number", "Número de teléfono"),
    ("es", "Fecha de emisión", "issued", "Fecha de nacimiento"),
    ("es", "Fecha de vencimiento", "expires", "Fecha de ingreso"),
    ("es", "RCP/DEA", "cpr_expires", "RCP/DEA instructor"),
    ("es", "RCP vence", "cpr_expires", "RCP proveedor"),
    ("es", "Horas", "amount", "Horario"),
    ("es", "Créditos", "amount", "Tipo de créditos"),
    ("es", "Aprobado por", "approved_for", "Aprobado el"),
    ("es", "Correo electrónico", "email", "Correo postal"),
    # English: CPR/AED columns named after the card, and the certifying body's column
    ("en", "CPR-C valid until", "cpr_expires", "CPR-C instructor"),
    ("en", "Red Cross CPR exp", "cpr_expires", "Red Cross"),
    ("en", "AHA BLS expiry", "cpr_expires", "AHA BLS card number"),
    ("en", "Heartsaver exp", "cpr_expires", "Heartsaver provider"),
    ("en", "First aid / CPR valid until", "cpr_expires", "First aid / CPR notes"),
    ("en", "CPR completed", "cpr_issued", "CPR completed by"),
    ("en", "Certifying body", "approved_for", "Certifying date"),
    ("en", "Accrediting body", "approved_for", "Accrediting notes"),
    ("en", "Certifying organisation", "approved_for", "Certifying organisation address"),
    ("en", "Certifying organization", "approved_for", "Organization chart"),
    ("en", "Approved for", "approved_for", "Approved on"),
    ("en", "Approved by", "approved_for", "Approval date"),
    ("en", "Learner", "trainer", "Learner email"),
    ("en", "Accreditation body", "approved_for", "Accreditation date"),
    ("fr", "Organisme", "provider", "Organisme payeur"),
    ("es", "Organismo certificador", "approved_for", "Organismo público"),
]


@pytest.mark.parametrize(
    ("header", "field", "twin"),
    [row[1:] for row in SPELLINGS_BY_LANGUAGE],
    ids=[f"{lang}:{h}" for lang, h, _, _ in SPELLINGS_BY_LANGUAGE],
)
def test_header_spellings_in_each_language_name_their_field_and_their_twins_do_not(header, field, twin):
    assert field_for(header) == field
    assert field_for(twin) != field


def test_a_header_naming_a_cpr_card_is_a_cpr_column_not_a_credential_or_body():
    from cpd.ingest.header import map_header

    g = map_header(["Trainer", "Certification", "Expiration", "Red Cross CPR exp", "Certifying body"], CAT)
    assert g.fields == {0: "trainer", 1: "credential", 2: "expires", 3: "cpr_expires", 4: "approved_for"}
    assert g.credential_columns == ()


@pytest.mark.parametrize("second", ["First aid exp", "AHA BLS", "BLS expiry"])
def test_a_second_cpr_card_column_is_read_as_a_card_of_its_own(second):
    st = run(
        {
            "r.csv": csv_bytes(
                [
                    ["Trainer", "Certification", "Expiration", "CPR exp", second],
                    ["A B", "NASM CPT", "2027-01-31", "2026-01-01", "2027-03-01"],
                ]
            )
        }
    )
    assert sorted(st.cpr_cards["expires"].dt.date.astype(str)) == ["2026-01-01", "2027-03-01"]
    assert row_of(st, "A B")["cpr_current"]


def test_a_header_cell_as_long_as_a_note_names_no_field():
    assert field_for("Expiry " + "x" * 200) is None
    assert field_for("Expiry (" + "x" * 200 + ")") == "expires"  # notes in brackets are dropped first


def test_french_and_spanish_rosters_are_read_like_english_ones():
    fr = csv_bytes(
        [
            ["Nom", "Prénom", "Succursale", "Certification", "Date d'expiration", "RCR/DEA exp.", "UEC"],
            ["Tremblay", "Élise", "Laval", "NASM CPT", "31/01/2027", "15/12/2026", "0,8"],
        ],
        delimiter=";",
        encoding="cp1252",
    )
    es = csv_bytes(
        [
            ["Nombre", "Apellido", "Sede", "Certificación", "Fecha de vencimiento", "RCP vence", "Horas"],
            ["Pablo", "Ruiz", "Madrid", "NASM CPT", "31/01/2027", "15/12/2026", "8"],
        ],
        delimiter=";",
    )
    en = csv_bytes(
        [
            ["Trainer", "Club", "Certification", "Expiration", "CPR/AED exp", "CE hours"],
            ["Ann Lee", "Leeds", "NASM CPT", "31/01/2027", "15/12/2026", "8"],
        ]
    )
    st = run({"fr.csv": fr, "es.csv": es, "en.csv": en})
    assert [m.layout for m in st.mappings] == ["certifications"] * 3 and all(
        not m.ignored for m in st.mappings
    )
    fr_row, es_row, en_row = (row_of(st, n) for n in ("Élise Tremblay", "Pablo Ruiz", "Ann Lee"))
    assert fr_row["earned"] == pytest.approx(0.8) and fr_row["club"] == "Laval"  # UEC: the body's own unit
    assert es_row["earned"] == en_row["earned"] == pytest.approx(0.8)  # 8 hours / 10 per NASM CEU
    assert fr_row["cpr_current"] and es_row["cpr_current"] and en_row["cpr_current"]


VALID_VOCABULARY = """
version: 1
fields:
  expires:
    spellings: {pt: [validade, data de validade]}
  trainer:
    spellings: {pt: [nome, treinador]}
  credential:
    spellings: {pt: [certificacao]}
"""


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("fields: {colour: {spellings: {en: [colour]}}}", "names a field Recert does not have: 'colour'"),
        (
            "fields: {trainer: {spellings: {en: [name]}}, club: {spellings: {en: [Name]}}}",
            "the spelling 'name' names two fields, trainer and club",
        ),
        ("fields: {trainer: {spellings: {en: [trainer, no]}}}", "put such words in quotes"),
        ("fields: {trainer: {spellings: {english: [trainer]}}}", "which is not a language code"),
        ("fields: {trainer: {spellings: {en: ['---']}}}", "a spelling must have letters or digits"),
        ("fields: {trainer: {spellings: {en: [" + "x" * 81 + "]}}}", "at most 80 characters"),
        (
            "fields: {trainer: {spellings: {en: [" + ", ".join(f"t{i}" for i in range(301)) + "]}}}",
            "at most 300 are allowed",
        ),
        ("fields: {trainer: {patterns: ['(?=x)trainer']}}", "lookaround or a back-reference"),
        ("fields: {trainer: {patterns: ['(a|b']}}", "not a valid regular expression"),
        ("fields: {trainer: {patterns: ['x*']}}", "matches an empty header"),
        ("fields: {trainer: {colours: [red]}}", "has 'colours', which Recert does not read"),
        ("fields: {}\nlanguages: [en]", "top-level entry Recert does not know: 'languages'"),
        ("fields: {}\ngroups: {cpr: {spellings: [cpr], fields: {issued: colour}}}", "'colour'"),
        ("fields: {}\nby_words: [{field: expires, any: []}]", "any must list at least one word"),
        ("fields: {}\ncpr: {words: [cpr aed first aid course]}", "at most 4 words"),
        ("a: &x [1]\nb: *x", "anchors or aliases"),
        ("fields: [trainer]", "must hold a mapping named 'fields'"),
        ("version: 1.5\nfields: {}", "version must be a whole number"),
    ],
)
def test_a_header_vocabulary_that_is_not_valid_is_refused_with_a_sentence(text, says):
    from cpd.errors import RulesError
    from cpd.ingest.header import load_vocabulary

    with pytest.raises(RulesError) as err:
        load_vocabulary(text)
    assert says in str(err.value)


def test_a_new_language_is_a_change_to_the_vocabulary_file_only(monkeypatch):
    from cpd.ingest import header

    portuguese = header.load_vocabulary(VALID_VOCABULARY)
    assert field_for("Data de validade") is None  # not in the bundled vocabulary
    monkeypatch.setattr(header, "vocabulary", lambda: portuguese)
    header._exact_field.cache_clear()
    try:
        assert [field_for(h) for h in ("Nome", "Certificação", "Data de validade", "Trainer")] == [
            "trainer",
            "credential",
            "expires",
            None,
        ]
    finally:
        monkeypatch.undo()
        header._exact_field.cache_clear()
    assert field_for("Trainer") == "trainer"


def test_the_bundled_vocabulary_stays_well_inside_its_bounds():
    from importlib import resources

    import yaml

    from cpd.catalogue import MAX_RULES_BYTES
    from cpd.ingest import header

    text = resources.files("cpd").joinpath("headers.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert len(text.encode()) * 4 <= MAX_RULES_BYTES
    for field, entry in doc["fields"].items():
        assert len(entry.get("spellings", {})) * 4 <= header.MAX_LANGUAGES, field
        assert all(len(v) * 4 <= header.MAX_SPELLINGS for v in entry.get("spellings", {}).values()), field
        assert len(entry.get("patterns", [])) * 4 <= header.MAX_PATTERNS, field
    assert len(doc["by_words"]) * 4 <= header.MAX_RULES and len(doc["groups"]) * 4 <= header.MAX_GROUPS
    voc = header.vocabulary()
    assert {"en", "fr", "es"} <= {lang for e in doc["fields"].values() for lang in e.get("spellings", {})}
    assert len(voc.spellings) > 400


# Two-row headers ------------------------------------------------------------------------------------------------
def _two_row_book(upper, lower, *data, merges=()):
    from tests.rosters import Sheet, xlsx

    return xlsx({"Certs": Sheet(rows=[["Club tracker"], [], upper, lower, *data], merges=merges)})


def test_a_two_row_header_reads_each_group_into_its_fields_and_keeps_excel_row_numbers():
    book = _two_row_book(
        ["Trainer", "Certification", None, None, "CPR / AED", None],
        [None, "Name", "Number", "Expires", "Issued", "Expires"],
        ["Ana Silva", "NASM CPT", "00123", date(2027, 1, 31), date(2025, 3, 1), date(2027, 3, 1)],
        ["Ben Ito", "ACE CPT", None, "soon", None, None],
        merges=("A3:A4", "B3:D3", "E3:F3"),
    )
    st = run({"c.xlsx": book})
    m = st.mappings[0]
    assert m.header_row == 4 and m.layout == "certifications"
    assert m.columns == {
        "Trainer": "trainer",
        "Certification: Name": "credential",
        "Certification: Number": "number",
        "Certification: Expires": "expires",
        "CPR / AED: Issued": "cpr_issued",
        "CPR / AED: Expires": "cpr_expires",
    }
    ana = row_of(st, "Ana Silva")
    assert ana["credential"] == "nasm_cpt" and ana["number"] == "00123" and ana["cpr_current"]
    rej = st.rejected
    assert rej[["row", "column"]].values.tolist() == [[6, "Certification: Expires"]]


def test_a_two_row_header_in_french_and_in_a_csv_without_merges():
    body = csv_bytes(
        [
            ["Employé", None, "Certification", None, "RCR / DEA", None, None],
            ["Prénom", "Nom", "Nom", "Date d'expiration", "Émission", "Expiration", "UEC"],
            ["Élise", "Tremblay", "canfitpro PTS", "30/11/2026", "01/12/2025", "15/12/2026", "2,5"],
        ],
        delimiter=";",
    )
    st = run({"laval.csv": body})
    m = st.mappings[0]
    assert m.columns["Certification: Nom"] == "credential" and m.columns["Employé: Nom"] == "last_name"
    assert m.columns["RCR / DEA: Émission"] == "cpr_issued" and m.columns["UEC"] == "amount"
    row = row_of(st, "Élise Tremblay", "canfitpro_pts")
    assert row["earned"] == pytest.approx(2.5 + 0.0 + (row["earned"] - 2.5))
    assert row["cpr_current"] and row["expires"] == pd.Timestamp("2026-11-30")


@pytest.mark.parametrize(
    "above",
    [
        ["Staff certifications — exported 2026-05-30", None, None, None],  # a title: one cell
        ["Northside", "Fitness", None, None],  # words that are not groups
        ["Certifications", "of", "the", "team"],  # a group word over the trainer's own column does not fit
    ],
)
def test_a_row_above_an_ordinary_header_is_not_read_as_a_group_row(above):
    st = run(
        {
            "r.xlsx": _two_row_book(
                above,
                ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
                ["Ana Silva", "NASM CPT", date(2027, 1, 31), date(2027, 3, 1)],
            )
        }
    )
    m = st.mappings[0]
    assert m.header_row == 4
    assert m.columns == {
        "Trainer": "trainer",
        "Certification": "credential",
        "Expiration": "expires",
        "CPR/AED exp": "cpr_expires",
    }
    assert row_of(st, "Ana Silva")["credential"] == "nasm_cpt"


# Hidden columns (xlsx and ods) ----------------------------------------------------------------------------------
def _hidden_book(rows, hidden_columns, start_col=1):
    from tests.rosters import Sheet, xlsx

    return xlsx(
        {"Roster": Sheet(rows=[[None] * (start_col - 1) + r for r in rows], hidden_columns=hidden_columns)}
    )


@pytest.mark.parametrize(
    ("order", "hidden", "letter"),
    [
        (["Trainer", "Certification", "Expiry date", "New expiry date"], ("C",), "C"),  # the old column first
        (["Trainer", "Certification", "New expiry date", "Expiry date"], ("D",), "D"),  # the old column last
    ],
)
def test_a_visible_column_wins_over_a_hidden_one_naming_the_same_field(order, hidden, letter):
    old, new = date(2025, 5, 31), date(2027, 5, 31)
    values = {
        "Trainer": "Greta Lind",
        "Certification": "NASM CPT",
        "Expiry date": old,
        "New expiry date": new,
    }
    st = run({"r.xlsx": _hidden_book([order, [values[h] for h in order]], hidden)})
    assert row_of(st, "Greta Lind")["expires"] == pd.Timestamp(new)
    [w] = [w for w in st.warnings if "hidden" in w]
    assert f"column {letter} 'Expiry date' was not read" in w and "'New expiry date' was used instead" in w


def test_a_hidden_column_with_no_visible_twin_is_read_and_named():
    st = run(
        {
            "r.xlsx": _hidden_book(
                [
                    ["Trainer", "Certification", "Expiry date", "Notes"],
                    ["Greta Lind", "NASM CPT", date(2027, 5, 31), "ok"],
                ],
                ("D", "E"),
                start_col=2,
            )
        }
    )
    assert row_of(st, "Greta Lind")["expires"] == pd.Timestamp("2027-05-31")
    [w] = [w for w in st.warnings if "hidden" in w]
    # The sheet starts in column B: the letters are Excel's, not counted from the first column in use.
    assert "column D 'Expiry date' was read as the expiry date" in w and "column E 'Notes' was not read" in w


def test_a_sheet_without_hidden_columns_says_nothing_about_them():
    st = run(
        {
            "r.xlsx": _hidden_book(
                [["Trainer", "Certification", "Expiry date"], ["Greta Lind", "NASM CPT", date(2027, 5, 31)]],
                (),
            )
        }
    )
    assert not [w for w in st.warnings if "hidden" in w]


def _ods_cell(v):
    if isinstance(v, date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{v.isoformat()}"><text:p>{v}'
            "</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def _ods_book(columns_xml, rows, hidden_rows=()):
    collapse = ' table:visibility="collapse"'
    body = "".join(
        f"<table:table-row{collapse if i in hidden_rows else ''}>"
        + "".join(_ods_cell(v) for v in r)
        + "</table:table-row>"
        for i, r in enumerate(rows, start=1)
    )
    return hostile.ods(f'<table:table table:name="Roster">{columns_xml}{body}</table:table>')


def test_an_ods_hidden_column_is_named_and_the_visible_twin_used():
    cols = (
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-column table:visibility="collapse"/><table:table-column/>'
    )
    book = _ods_book(
        cols,
        [
            ["Trainer", "Certification", "Expiry date", "New expiry date"],
            ["Greta Lind", "NASM CPT", date(2025, 5, 31), date(2027, 5, 31)],
        ],
    )
    st = run({"r.ods": book})
    assert row_of(st, "Greta Lind")["expires"] == pd.Timestamp("2027-05-31")
    assert any("column C 'Expiry date' was not read" in w for w in st.warnings)


def test_an_ods_hidden_row_is_flagged_like_an_xlsx_one():
    book = _ods_book(
        '<table:table-column table:number-columns-repeated="3"/>',
        [
            ["Trainer", "Certification", "Expiry date"],
            ["Greta Lind", "NASM CPT", date(2027, 5, 31)],
            ["Omar Haddad", "ACE GFI", date(2026, 8, 31)],
        ],
        hidden_rows=(3,),
    )
    st = run({"r.ods": book})
    assert any("1 hidden row(s) were read (rows 3)" in w for w in st.warnings)


def test_hidden_column_marks_are_bounded_and_odd_ones_ignored():
    from cpd.ingest.hidden import MAX_RANGES, _xlsx_hidden_columns

    many = b"".join(b'<col min="%d" max="%d" hidden="1"/>' % (i, i) for i in range(1, 5000, 2))
    assert len(_xlsx_hidden_columns(many)) == MAX_RANGES
    odd = b'<col min="x" hidden="1"/><col min="5" max="2" hidden="1"/><col min="3" max="4" hidden="true"/>'
    assert _xlsx_hidden_columns(odd + b'<col min="9" max="9" hidden="0"/>') == ((2, 3),)


# Implausible dates (inputs.md): rejected, or kept with a warning; nothing outside 1950..2199 reaches the standing
HEAD_ROW = ["Trainer", "Certification", "Issued", "Expiration", "CPR issued", "CPR/AED exp"]


@pytest.mark.parametrize(
    ("cells", "column", "says", "twin"),
    [
        # (issued, expires, CPR issued, CPR expires) -> rejected with column and reason; the twin is accepted.
        (
            ("", "1900-01-01", "", ""),
            "Expiration",
            "the expiry date 1900-01-01 is before 1950",
            ("", "1950-01-01", "", ""),
        ),
        (("1899-12-31", "2027-01-01", "", ""), "Issued", "before 1950", ("1950-06-01", "2027-01-01", "", "")),
        (
            ("2025-06-01", "2024-06-01", "", ""),
            "Expiration",
            "expires 1 Jun 2024, before it was issued on 1 Jun 2025: check the dates",
            ("2025-06-01", "2025-06-01", "", ""),
        ),
        (
            ("", "2027-01-01", "2026-03-01", "2025-03-01"),
            "CPR/AED exp",
            "the CPR/AED card expires 1 Mar 2025, before it was issued on 1 Mar 2026",
            ("", "2027-01-01", "2025-03-01", "2026-03-01"),
        ),
        (
            ("", "2027-01-01", "", "1930-05-05"),
            "CPR/AED exp",
            "before 1950",
            ("", "2027-01-01", "", "2030-05-05"),
        ),
        (("", "9999-12-31", "", ""), "Expiration", "NASM CPT must be renewed", ("", "2199-12-31", "", "")),
        (("", "2260-03-01", "", ""), "Expiration", "after 2199", ("", "2199-03-01", "", "")),
        (("", "31/12/9999", "", ""), "Expiration", "after 2199", ("", "31/12/2027", "", "")),
        (
            ("", "2027-01-01", "2260-01-01", "2261-01-01"),
            "CPR issued",
            "after 2199",
            ("", "2027-01-01", "", "2161-01-01"),
        ),
        (("", "1677-01-01", "", ""), "Expiration", "before 1950", ("", "2077-01-01", "", "")),
    ],
)
def test_implausible_dates_reject_the_row_and_a_plausible_twin_is_kept(cells, column, says, twin):
    def one(values):
        return run({"r.csv": csv_bytes([HEAD_ROW, ["Ann Lee", "NASM CPT", *values]])})

    st = one(cells)
    assert st.counts["rejected"] == 1 and st.standings.empty
    r = st.rejected.iloc[0]
    assert (r["row"], r["column"]) == (2, column) and says in r["reason"], r["reason"]
    kept = one(twin)
    assert kept.counts["accepted"] == 1 and len(kept.standings) == 1


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("1900-01-01", "before 1950"),
        ("1677-12-31", "before 1950"),
        ("9999-12-31", "after 2199"),
        ("2261-01-01", "after 2199"),
    ],
)
def test_a_ce_activity_dated_outside_1950_to_2199_is_rejected(cell, says):
    st = run(
        {
            "r.csv": csv_bytes([HEAD_ROW, ["Ann Lee", "NASM CPT", "", "2027-01-01", "", ""]]),
            "ce.csv": csv_bytes(
                [["Trainer", "Date", "Hours"], ["Ann Lee", cell, "5"], ["Ann Lee", "2026-01-05", "5"]]
            ),
        }
    )
    [r] = st.rejected.itertuples(index=False)
    assert (r.file, r.row, r.column) == ("ce.csv", 2, "Date") and says in r.reason
    assert row_of(st, "Ann Lee")["earned"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "cell",
    [
        "31/12/2099",
        "2099-12-31",
        "9999-12-31",
        "31/12/9999",
        "2260-01-01",
        datetime(9999, 12, 31),
        datetime(2099, 12, 31),
    ],
)
def test_on_an_unknown_credential_a_placeholder_expiry_means_it_does_not_expire(cell):
    rows = [["Trainer", "Certification", "Expiry"], ["Olivia Hughes", "Level 3 PT", cell]]
    files = {"r.xlsx": xlsx_bytes({"S": rows})} if isinstance(cell, datetime) else {"r.csv": csv_bytes(rows)}
    st = run(files)
    s = row_of(st, "Olivia Hughes")
    assert s["status"] == "on_track" and st.counts["rejected"] == 0
    assert "no rules for Level 3 PT: does not expire" in s["reasons"][0]
    assert pd.Timestamp("2099-12-31") <= s["expires"] <= pd.Timestamp("2199-12-31")


def test_an_unknown_credential_expiring_in_2098_is_still_tracked_by_its_date():
    st = run(
        {"r.csv": csv_bytes([["Trainer", "Certification", "Expiry"], ["A B", "Level 3 PT", "2098-12-31"]])}
    )
    assert "expiry tracked" in row_of(st, "A B")["reasons"][0]


@pytest.mark.parametrize(
    ("issued", "expires", "warned"),
    [
        ("2026-06-02", "2028-06-02", "was issued on 2 Jun 2026, after as-of (1 Jun 2026)"),  # issued tomorrow
        ("2026-06-01", "2028-06-01", None),  # issued on as-of: its twin, no warning
        (
            "",
            "2029-06-02",
            "expires 2 Jun 2029, more than one cycle (2 years) and a year after as-of",
        ),  # NASM: 2 y
        ("", "2029-06-01", None),  # exactly one cycle and a year away: its twin
        ("", "2099-12-31", "expires 31 Dec 2099, more than one cycle"),
    ],
)
def test_doubtful_dates_at_as_of_are_kept_with_a_warning_naming_trainer_and_row(issued, expires, warned):
    st = run(
        {
            "team.csv": csv_bytes(
                [
                    HEAD_ROW,
                    ["Sam Lee", "NASM CPT", "", "2027-01-01", "", ""],
                    ["Ann Lee", "NASM CPT", issued, expires, "", ""],
                ]
            )
        }
    )
    assert st.counts["accepted"] == 2 and len(st.standings) == 2
    found = [w for w in st.warnings if "Ann Lee" in w]
    if warned is None:
        assert found == []
    else:
        [w] = found
        assert warned in w and "team.csv row 3" in w
        assert getattr(w, "kind", "implausible") == "implausible"


def test_doubtful_dates_are_warned_five_times_and_counted():
    rows = [HEAD_ROW] + [[f"T{i}", "NASM CPT", "2026-07-01", "2028-07-01", "", ""] for i in range(12)]
    warned = [w for w in run({"r.csv": csv_bytes(rows)}).warnings if "after as-of" in w or "more like" in w]
    assert len(warned) == 6 and "7 more like these" in warned[-1]


def test_matrix_cells_outside_1950_to_2199_are_not_read_and_said_so():
    data = xlsx_bytes(
        {
            "M": [
                ["Name", "NASM CPT", "Zumba Instructor", "CPR/AED"],
                ["C1", date(1900, 1, 1), datetime(9999, 12, 31), date(1900, 1, 1)],
                ["C2", datetime(9999, 12, 31), date(2027, 1, 1), datetime(2260, 1, 1)],
            ]
        }
    )
    st = run({"m.xlsx": data})
    assert set(zip(st.standings["trainer"], st.standings["credential"], strict=True)) == {
        ("C1", "Zumba Instructor"),
        ("C2", "Zumba Instructor"),
    }
    assert "does not expire" in row_of(st, "C1")["reasons"][0]
    said = " ".join(st.warnings)
    assert "'1900-01-01' is before 1950" in said and "'9999-12-31' is after 2199" in said
    assert st.cpr_cards.empty  # 1900 and 2260 are not cards on file


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), min_size=5, max_size=5),
    st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%b %d %Y"]),
)
def test_no_date_in_any_column_can_crash_the_standing_or_leave_the_tracked_range(days, fmt):
    def text(d):
        return d.strftime(fmt) if d.year >= 1000 else d.isoformat()

    certs = [
        HEAD_ROW,
        ["A B", "NASM CPT", text(days[0]), text(days[1]), text(days[2]), text(days[3])],
        ["C D", "Zumba", "", text(days[1]), "", ""],
    ]
    ce = [["Trainer", "Date", "Hours"], ["A B", text(days[4]), "3"]]
    st = run({"r.csv": csv_bytes(certs), "ce.csv": csv_bytes(ce)})
    c = st.counts
    assert c["rows_read"] == c["accepted"] + c["rejected"] + c["blank"] == 3
    for col in ("expires", "issued", "cpr_expires"):
        d = st.standings[col].dropna()
        assert ((d >= pd.Timestamp("1950-01-01")) & (d <= pd.Timestamp("2199-12-31"))).all(), col
    from cpd.export import to_json

    to_json(st)


def test_far_date_cells_in_a_workbook_do_not_crash_the_read():
    data = xlsx_bytes(
        {
            "S": [
                HEAD_ROW,
                ["A B", "NASM CPT", datetime(1600, 1, 1), datetime(9999, 12, 31), None, None],
                ["C D", "Zumba", None, datetime(9999, 12, 31), None, None],
                ["E F", "NASM CPT", None, date(2027, 1, 1), None, datetime(9999, 12, 31)],
            ]
        }
    )
    st = run({"w.xlsx": data})
    assert st.counts == {"rows_read": 3, "accepted": 1, "rejected": 2, "blank": 0}
    assert row_of(st, "C D")["status"] == "on_track"


# Rejected rows carry the trainer's name as written on the row -----------------------------------------------
def test_rejected_rows_carry_the_trainers_name_as_written_everywhere_they_are_shown():
    import csv as csv_module
    import io

    from cpd.export import rejected_csv, to_json_dict
    from cpd.views.upload import rejected_table

    roster = csv_bytes(
        [
            ["First name", "Last name", "Certification", "Expiration"],
            ["Ana", "Silva", "NASM CPT", "soon"],
            ["", "", "ACE CPT", "2027-01-01"],
        ]
    )
    staff = xlsx_bytes(
        {
            "Staff": [
                ["Staff ID", "Employee", "Certification", "Expires"],
                ["S1", "Silva, Ana", "ISSA", "never"],
                ["S2", "", "ISSA", "later"],
            ]
        }
    )
    st = run({"roster.csv": roster, "hr.xlsx": staff})
    want = {
        ("roster.csv", 2): "Ana Silva",
        ("roster.csv", 3): "",
        ("hr.xlsx", 2): "Silva, Ana",
        ("hr.xlsx", 3): "",
    }
    assert {
        (f, r): t
        for f, r, t in zip(st.rejected["file"], st.rejected["row"], st.rejected["trainer"], strict=True)
    } == want
    doc = to_json_dict(st)
    assert {(r["file"], r["row"]): r["trainer"] for r in doc["rejected"]} == {
        k: v or None for k, v in want.items()
    }
    table = rejected_table(st)
    assert list(table.columns) == ["File", "Sheet", "Row", "Trainer", "Column", "Reason"]
    assert dict(zip(zip(table["File"], table["Row"], strict=True), table["Trainer"], strict=True)) == want
    rows = list(csv_module.reader(io.StringIO(rejected_csv(st))))
    assert rows[0] == ["File", "Sheet", "Row", "Trainer", "Column", "Reason"]
    assert {(r[0], int(r[2])): r[3] for r in rows[1:]} == want


def test_every_ledger_row_names_its_trainer_and_blank_rows_name_nobody():
    r = roster({"roster.csv": csv_bytes(MESSY_ROSTER)})
    led = r.ledger.set_index("row")
    assert led.loc[6, "trainer"] == "Ana Silva" and led.loc[7, "trainer"] == "ana silva"
    assert led.loc[8, "trainer"] == "" and led.loc[13, "trainer"] == ""  # the empty row and the "Total" row
    assert led.loc[12, "trainer"] == "" and led.loc[12, "fate"] == "rejected"  # no name: nothing to show


@pytest.mark.parametrize("merged", [True, False])
def test_a_single_cpr_group_over_the_last_columns_keeps_the_certifications_own_dates(merged):
    upper = [None, None, None, None, "CPR / AED", None]
    lower = ["Trainer", "Certification", "Issued", "Expires", "Issued", "Expires"]
    data = ["Ana Silva", "NASM CPT", date(2025, 1, 31), date(2027, 1, 31), date(2025, 3, 1), date(2026, 3, 1)]
    st = run({"c.xlsx": _two_row_book(upper, lower, data, merges=("E3:F3",) if merged else ())})
    m = st.mappings[0]
    assert m.columns["CPR / AED: Expires"] == "cpr_expires" and m.columns["Expires"] == "expires"
    ana = row_of(st, "Ana Silva")
    assert ana["expires"] == pd.Timestamp("2027-01-31") and ana["issued"] == pd.Timestamp("2025-01-31")
    assert not ana["cpr_current"] and "CPR/AED expired on 1 Mar 2026" in ana["reasons"]


@pytest.mark.parametrize(
    ("head", "beside"),
    [("Certifying body", None), ("Certification body", None), ("Certification body", "Certification")],
)
def test_a_body_column_names_the_certification_only_when_no_certification_column_does(head, beside):
    header = ["Trainer", head] + ([beside] if beside else []) + ["Expiry"]
    row = ["A B", "ACE"] + (["Group Fitness Instructor"] if beside else []) + ["2027-01-01"]
    st = run({"r.csv": csv_bytes([header, row])})
    assert st.mappings[0].columns[head] == ("approved_for" if beside else "credential")
    assert list(st.standings["credential"]) == ["ace_gfi" if beside else "ace_cpt"]


@pytest.mark.parametrize(
    ("written", "card"),
    [
        ("RCR/DEA", True),
        ("Premiers soins", True),
        ("RCP", True),
        ("Primeros auxilios", True),
        ("CPR/AED", True),
        ("Zumba", False),
    ],
)
def test_a_certification_row_naming_a_cpr_card_in_any_language_is_a_card_on_file(written, card):
    rows = [
        ["Matricule", "Nom", "Certification", "Date d'expiration"],
        [1, "Élise Tremblay", "NASM CPT", "2027-01-31"],
        [1, "Élise Tremblay", written, "2026-12-15"],
    ]
    st = run({"r.csv": csv_bytes(rows)})
    assert bool(row_of(st, "Élise Tremblay", "nasm_cpt")["cpr_current"]) is card
    assert (
        written in set(st.standings["credential"])
    ) is not card  # a card is not a certification of its own


def test_a_hidden_matrix_column_read_as_a_credential_is_said_to_be_read():
    st = run(
        {
            "m.xlsx": _hidden_book(
                [
                    ["Name", "NASM CPT", "Zumba Instructor"],
                    ["Ana Silva", date(2027, 1, 31), date(2027, 5, 1)],
                ],
                ("C",),
            )
        }
    )
    assert ("Ana Silva", "Zumba Instructor") in set(
        zip(st.standings["trainer"], st.standings["credential"], strict=True)
    )
    [w] = [w for w in st.warnings if "hidden" in w]
    assert "column C 'Zumba Instructor' was read" in w
