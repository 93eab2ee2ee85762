"""Issue 11: rosters in the styles real clubs keep, each with its outcome worked by hand from standing.md and
inputs.md (v1.1) at T = 2026-06-01, W = 90.

The rosters are built at run time by ``tests/rosters.py``. Every expectation goes through the public API
(``cpd.analyse``) and the JSON contract (``cpd.export.to_json_dict``). The hand arithmetic is written beside
each certification: E expiry, S = E - cycle, elapsed = (T - S) / (E - S), "behind" when earned / required <
elapsed - 0.25. Units from cpd/credentials.yaml: NASM CEU = 10 h, ACE CEC = 10 h, ISSA CEU = 1 h, NCSF CEU = 2 h,
canfitpro CEC = 2 h, NFPT CEC = 5 h, ACSM CEC = 1 h, NSCA CEU = 10 h, YA hour, CIMSPA / REPs CPD point = 1 h,
AUSactive CEC has no hours.

Tests marked xfail(strict) describe what the engine does not do yet; a strict xfail that starts passing fails
the suite, which is the signal to remove its mark.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from cpd import Source, analyse
from cpd.export import to_json_dict
from tests import rosters

AS_OF = date(2026, 6, 1)
WINDOW = 90


class _Any:
    """A field the expectation does not pin down (the spec leaves it open)."""

    def __repr__(self) -> str:
        return "ANY"


ANY: Any = _Any()


@dataclass(frozen=True)
class OtherCredential:
    """A credential id the catalogue does not have yet: any id with this prefix except ``not_id``."""

    prefix: str
    not_id: str

    def __call__(self, cid: str) -> bool:
        return cid.startswith(self.prefix) and cid != self.not_id

    def __str__(self) -> str:
        return f"{self.prefix}*(not {self.not_id})"


@dataclass(frozen=True)
class Cert:
    """One certification's standing, as worked by hand."""

    trainer: str
    credential: str | OtherCredential
    status: str
    expires: Any
    days_left: Any
    required: Any
    earned: Any
    remaining: Any
    cpr_current: Any
    reasons: tuple[str, ...] = ()  # phrases each found in some reason
    not_reasons: tuple[str, ...] = ()  # phrases no reason may contain
    club: Any = ANY


@dataclass(frozen=True)
class Rejected:
    file: str
    sheet: str
    row: int
    column: str | tuple[str, ...] | None  # a header (substring), one of several, or None: any
    trainer: str
    reason: str | None  # a phrase of the reason, or None: any sentence


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[], dict[str, bytes]]
    counts: tuple[int, int, int, int]  # rows_read, accepted, rejected, blank
    certs: tuple[Cert, ...]
    trainers: dict[str, tuple[bool, str]]  # trainer -> (compliant, status)
    trainer_count: int | None = None
    rejected: tuple[Rejected, ...] = ()
    warnings: tuple[tuple[str, ...], ...] = ()  # each: phrases that one warning contains together
    quiet: tuple[str, ...] = ()  # phrases no warning may contain
    xfail: dict[str, str] = field(default_factory=dict)  # aspect -> what is missing


CASES: tuple[Case, ...] = (
    Case(
        "libreoffice_xlsx_inline_strings_and_date_styled_serials",
        rosters.build_libreoffice_roster,
        counts=(5, 3, 0, 2),  # rows 4..8: three trainers, an empty row, the SUM total row
        certs=(
            # NASM E 2027-03-31, S 2025-03-31, elapsed 427/730 = .585; 1.2/2 = .6 >= .335; 303 days.
            Cert(
                "Maya Chen",
                "nasm_cpt",
                "on_track",
                "2027-03-31",
                303,
                2.0,
                1.2,
                0.8,
                True,
                ("CPR/AED expires 15 Jan 2027, before renewal",),
                club="Northside",
            ),
            # ACE GFI E 2026-08-15: 2 of 2 CEC, card current: met before at_risk (75 days).
            Cert(
                "Leo Martins",
                "ace_gfi",
                "met",
                "2026-08-15",
                75,
                2.0,
                2.0,
                0.0,
                True,
                ("credits met: 2 of 2",),
            ),
            # ISSA E 2026-04-30: T - E = 32 <= 365 grace days.
            Cert(
                "Priya Raman",
                "issa_cpt",
                "grace",
                "2026-04-30",
                -32,
                20.0,
                20.0,
                0.0,
                False,
                ("lapsed on 30 Apr 2026", "CPR/AED expired on 1 Mar 2026"),
            ),
        ),
        trainers={
            "Maya Chen": (True, "on_track"),
            "Leo Martins": (True, "met"),
            "Priya Raman": (False, "grace"),
        },
        trainer_count=3,
    ),
    Case(
        "google_sheets_xlsx_roster_and_form_responses_csv_with_timestamp",
        rosters.build_google_sheets,
        counts=(6, 5, 1, 0),
        certs=(
            # standing.md worked example 1: 1.0 (NASM) + 6 h / 10 + 0.1 CPR card issued in the cycle = 1.7.
            Cert(
                "Sam Okafor",
                "nasm_cpt",
                "at_risk",
                "2026-07-31",
                60,
                2.0,
                1.7,
                0.3,
                True,
                ("expires in 60 days (31 Jul 2026)",),
                club="Riverside",
            ),
            # Rule 7: a CE log is in the upload and Jo has no row in it: earned 0. ACE E 2027-10-31,
            # elapsed 213/730 = .292; 0 < .042 -> behind (517 days left).
            Cert(
                "Jo Park",
                "ace_cpt",
                "behind",
                "2027-10-31",
                517,
                2.0,
                0.0,
                2.0,
                True,
                ("behind pace",),
                ("credits not recorded",),
            ),
        ),
        trainers={"Sam Okafor": (True, "at_risk"), "Jo Park": (True, "behind")},
        trainer_count=2,
        rejected=(
            Rejected(
                "CE log (Responses) - Form Responses 1.csv", "", 5, "Date completed", "Sam Okafor", "date"
            ),
        ),
        warnings=(("dated after as-of", "Sam Okafor"),),
    ),
    Case(
        "uk_csv_day_first_dates_level_3_pt_reps_cimspa_first_aid_column",
        rosters.build_uk_roster,
        counts=(4, 4, 0, 0),
        certs=(
            # CIMSPA: 1-year cycle, 10 CPD points. E 2026-08-31, elapsed 274/365 = .751; 4/10 < .501 -> behind.
            Cert(
                "Olivia Hughes",
                "cimspa_practitioner",
                "behind",
                "2026-08-31",
                91,
                10.0,
                4.0,
                6.0,
                True,
                ("needs 6 more CPD points", "behind pace"),
                club="Manchester",
            ),
            # Not in the catalogue: tracked by expiry only; the card on file makes cpr_current true.
            # 31 Dec 2099 on an unknown credential means "does not expire": shown as a date or as none.
            Cert(
                "Olivia Hughes",
                "Level 3 PT",
                "on_track",
                ANY,
                ANY,
                None,
                None,
                None,
                True,
                ("no rules for Level 3 PT",),
            ),
            # REPs UK: 24 of 24 points, no CPR/AED requirement: met although the card expired.
            Cert(
                "Tom Bennett",
                "reps_uk",
                "met",
                "2026-07-15",
                44,
                24.0,
                24.0,
                0.0,
                False,
                ("credits met: 24 of 24 CPD points",),
                club="Leeds",
            ),
            Cert(
                "Amelia Price",
                "cimspa_practitioner",
                "met",
                "2026-09-05",
                96,
                10.0,
                10.0,
                0.0,
                True,
                ("credits met: 10 of 10 CPD points",),
            ),
        ),
        trainers={
            "Olivia Hughes": (True, "behind"),
            "Tom Bennett": (True, "met"),
            "Amelia Price": (True, "met"),
        },
        trainer_count=3,
    ),
    Case(
        "quebec_french_headers_semicolons_decimal_commas_windows_1252",
        rosters.build_quebec_roster,
        counts=(3, 3, 0, 0),
        certs=(
            # canfitpro: 1-year cycle, 4 CEC. E 2026-11-30, elapsed 183/365 = .501; 2.5/4 = .625 -> on_track.
            Cert(
                "Élise Tremblay",
                "canfitpro_pts",
                "on_track",
                "2026-11-30",
                182,
                4.0,
                2.5,
                1.5,
                True,
                ("renewal due 30 Nov 2026",),
                club="Laval",
            ),
            # NASM E 2027-01-31, elapsed 486/730 = .666; 0.8/2 = .4 < .416 -> behind; no card.
            Cert(
                "Marc-André Gagnon",
                "nasm_cpt",
                "behind",
                "2027-01-31",
                244,
                2.0,
                0.8,
                1.2,
                False,
                ("no CPR/AED on file", "behind pace"),
                club="Laval",
            ),
            # "12,5 h": 12.5 hours toward a 30-hour, 3-year RYT; elapsed 808/1095 = .738; .417 < .488 -> behind.
            Cert(
                "Josée Bélanger",
                "ya_ryt",
                "behind",
                "2027-03-15",
                287,
                30.0,
                12.5,
                17.5,
                None,
                ("needs 17.5 more hours",),
                club="Longueuil",
            ),
        ),
        trainers={
            "Élise Tremblay": (True, "on_track"),
            "Marc-André Gagnon": (False, "behind"),
            "Josée Bélanger": (True, "behind"),
        },
        trainer_count=3,
    ),
    Case(
        "latin_american_spanish_headers_xlsx_and_spanish_semicolon_csv",
        rosters.build_latin_american_roster,
        counts=(4, 4, 0, 0),
        certs=(
            # standing.md worked example 2 (12 hours toward ISSA, 1 h per CEU).
            Cert(
                "Valentina Rojas",
                "issa_cpt",
                "on_track",
                "2027-03-31",
                303,
                20.0,
                12.0,
                8.0,
                True,
                ("renewal due 31 Mar 2027",),
                club="Polanco",
            ),
            # Worked example 4: 20 h / 2 = 10 NCSF CEU = required.
            Cert(
                "Diego Fernández",
                "ncsf_cpt",
                "met",
                "2026-09-30",
                121,
                10.0,
                10.0,
                0.0,
                True,
                ("credits met: 10 of 10",),
                club="Condesa",
            ),
            # Worked example 3: ACE lapsed 30 Apr 2026, in its 182-day grace; 5 h = 0.5 CEC.
            Cert(
                "Lucía Gómez",
                "ace_cpt",
                "grace",
                "2026-04-30",
                -32,
                2.0,
                0.5,
                1.5,
                True,
                ("lapsed on 30 Apr 2026",),
            ),
            # "7,5" hours = 0.75 NASM CEU; E 2027-02-28, elapsed 458/730 = .627; .375 < .377 -> behind.
            Cert(
                "Pablo Ruiz",
                "nasm_cpt",
                "behind",
                "2027-02-28",
                272,
                2.0,
                0.75,
                1.25,
                True,
                ("behind pace",),
                club="Madrid Centro",
            ),
        ),
        trainers={
            "Valentina Rojas": (True, "on_track"),
            "Diego Fernández": (True, "met"),
            "Lucía Gómez": (False, "grace"),
            "Pablo Ruiz": (True, "behind"),
        },
        trainer_count=4,
        quiet=("was not read",),
    ),
    Case(
        "lms_export_amounts_with_hours_in_brackets_and_body_inside_the_amount",
        rosters.build_lms_amounts,
        counts=(9, 8, 1, 0),
        certs=(
            # Rule 5: "1.0 CEU (10 contact hours)" is 10 h -> 1.0 NASM; "0.5 CEUs / 5 hrs" is 5 h, no body ->
            # 0.5 NASM; "0.5 NASM CEUs" names NASM -> 0.5. 2.0 of 2.0, card current: met.
            Cert(
                "Nina Patel",
                "nasm_cpt",
                "met",
                "2027-02-28",
                272,
                2.0,
                2.0,
                0.0,
                True,
                ("credits met: 2 of 2",),
            ),
            # Same rows toward ISSA (1 h per CEU): 10 + 5 = 15 (the NASM-only row does not count).
            Cert(
                "Nina Patel",
                "issa_cpt",
                "on_track",
                "2027-02-28",
                272,
                20.0,
                15.0,
                5.0,
                True,
                ("needs 5 more",),
            ),
            # ACE: 5 h = 0.5 CEC + 0.3 CEU approved for ACE = 0.8; elapsed 517/730 = .708; .4 < .458 -> behind.
            Cert("Ben Cho", "ace_cpt", "behind", "2026-12-31", 213, 2.0, 0.8, 1.2, True, ("behind pace",)),
        ),
        trainers={"Nina Patel": (True, "on_track"), "Ben Cho": (True, "behind")},
        trainer_count=2,
        # Rule 3: a bare 0.2 in the CEU column, no body, and Nina holds NASM (10 h) and ISSA (1 h).
        rejected=(
            Rejected(
                "LMS completions export.csv",
                "",
                5,
                "Credits (CEU)",
                "Nina Patel",
                "is ambiguous for this trainer",
            ),
        ),
        quiet=("was not read",),
    ),
    Case(
        "lms_export_with_ceu_and_contact_hour_columns_is_read_as_hours",
        rosters.build_lms_two_columns,
        counts=(6, 6, 0, 0),
        certs=(
            # Read as hours (rule 5: hours mean the same at every body): 3 + 8 = 11 ISSA CEU, not 1.1.
            # elapsed 517/730 = .708; .55 >= .458 -> on_track.
            Cert(
                "Kim Lee", "issa_cpt", "on_track", "2026-12-31", 213, 20.0, 11.0, 9.0, True, ("needs 9 more",)
            ),
            # 4 h + 10 h = 1.4 NASM CEU (the CEU column says the same); elapsed 397/730 = .544.
            Cert(
                "Raj Mehta",
                "nasm_cpt",
                "on_track",
                "2027-04-30",
                333,
                2.0,
                1.4,
                0.6,
                True,
                ("needs 0.6 more",),
            ),
        ),
        trainers={"Kim Lee": (True, "on_track"), "Raj Mehta": (True, "on_track")},
        trainer_count=2,
        quiet=("was not read",),
    ),
    Case(
        "training_matrix_with_words_in_its_cells",
        rosters.build_training_matrix,
        counts=(5, 5, 0, 0),
        certs=(
            # No credit information anywhere: "credits not recorded"; 80 days left -> at_risk.
            Cert(
                "Ana Silva",
                "nasm_cpt",
                "at_risk",
                "2026-08-20",
                80,
                2.0,
                None,
                None,
                True,
                ("credits not recorded", "expires in 80 days (20 Aug 2026)"),
                club="Eastgate",
            ),
            # "Exp 03/2027": valid through the end of March 2027; an unknown credential kept, not dropped.
            Cert(
                "Ana Silva",
                "Zumba Instructor",
                "on_track",
                "2027-03-31",
                303,
                None,
                None,
                None,
                True,
                ("no rules for Zumba Instructor",),
            ),
            # "expired" with no date: held and expired, expiry unknown.
            Cert("Ben Ortiz", "nasm_cpt", "expired", ANY, ANY, ANY, ANY, ANY, ANY, ("expired",)),
            # "exp. 3/27" = 31 Mar 2027; "-" in the CPR/AED column: no card.
            Cert(
                "Ben Ortiz",
                "ace_gfi",
                "on_track",
                "2027-03-31",
                303,
                2.0,
                None,
                None,
                False,
                ("credits not recorded", "no CPR/AED on file"),
            ),
            Cert(
                "Dan Evans",
                "nasm_cpt",
                "on_track",
                "2027-05-31",
                364,
                2.0,
                None,
                None,
                False,
                ("credits not recorded", "CPR/AED expired on 1 May 2026"),
            ),
            # ACE grace 182 days: 78 days after 15 Mar 2026.
            Cert(
                "Eva Novak",
                "ace_gfi",
                "grace",
                "2026-03-15",
                -78,
                2.0,
                None,
                None,
                False,
                ("lapsed on 15 Mar 2026", "no CPR/AED on file"),
            ),
        ),
        # Chloe's cells all say "pending" / "booked" / "in progress" / "none": nothing held yet.
        trainers={
            "Ana Silva": (True, "at_risk"),
            "Ben Ortiz": (False, "expired"),
            "Chloe Martin": (False, "missing"),
            "Dan Evans": (False, "on_track"),
            "Eva Novak": (False, "grace"),
        },
        trainer_count=5,
        quiet=(
            "'N/A'",
            "'n/a'",
            "'-'",
            "'none'",
            "'pending'",
            "'booked'",
            "'in progress'",
            "'Exp 03/2027'",
            "'exp. 3/27'",
            "'valid to 31/03/2027'",
            "'expired'",
        ),
    ),
    Case(
        "two_row_header_with_merged_certification_and_cpr_groups",
        rosters.build_two_row_header,
        counts=(3, 2, 1, 0),  # data rows 5..7 below the two header rows 3..4
        certs=(
            # NSCA: 3 years, 6 CEU. E 2026-12-31, S 2023-12-31, elapsed 883/1096 = .806; 3.5/6 = .583 >= .556.
            Cert(
                "Hugo Reyes",
                "nsca_cscs",
                "on_track",
                "2026-12-31",
                213,
                6.0,
                3.5,
                2.5,
                True,
                ("needs 2.5 more",),
                club="Westside",
            ),
            # ACSM: 45 CEC + 5 for the CPR card issued 1 Sep 2025 inside the cycle = 35; 91 days -> not at_risk.
            Cert(
                "Ivy Lam",
                "acsm_cpt",
                "on_track",
                "2026-08-31",
                91,
                45.0,
                35.0,
                10.0,
                True,
                ("needs 10 more",),
            ),
        ),
        trainers={"Hugo Reyes": (True, "on_track"), "Ivy Lam": (True, "on_track")},
        rejected=(
            Rejected("Westside certs.xlsx", "Certs", 7, "Expires", "Kai Brooks", "'soon' is not a date"),
        ),
        quiet=("was not read",),
    ),
    Case(
        "cpr_columns_named_after_the_card",
        rosters.build_cpr_card_columns,
        counts=(4, 4, 0, 0),
        certs=(
            Cert(
                "Rita Alvarez",
                "nasm_cpt",
                "on_track",
                "2027-04-30",
                333,
                2.0,
                1.5,
                0.5,
                True,
                ("needs 0.5 more",),
                ("no CPR/AED on file",),
            ),
            Cert(
                "Sean Walsh",
                "ace_cpt",
                "met",
                "2026-10-31",
                152,
                2.0,
                2.0,
                0.0,
                True,
                ("credits met: 2 of 2",),
                ("no CPR/AED on file",),
            ),
            Cert(
                "Mei Tanaka",
                "issa_cpt",
                "met",
                "2026-12-31",
                213,
                20.0,
                20.0,
                0.0,
                True,
                ("CPR/AED expires 30 Sep 2026, before renewal",),
            ),
            # Credits met but the CPR-C card expired: not met; 121 days, pace fine -> on_track.
            Cert(
                "Noah Clarke",
                "canfitpro_pts",
                "on_track",
                "2026-09-30",
                121,
                4.0,
                4.0,
                0.0,
                False,
                ("CPR/AED expired on 15 May 2026",),
            ),
        ),
        trainers={
            "Rita Alvarez": (True, "on_track"),
            "Sean Walsh": (True, "met"),
            "Mei Tanaka": (True, "met"),
            "Noah Clarke": (False, "on_track"),
        },
        trainer_count=4,
    ),
    Case(
        "ce_logs_naming_the_body_under_four_headers",
        rosters.build_body_columns,
        counts=(6, 6, 0, 0),
        certs=(
            # Rule 1: each row counts only toward the body it names. NASM 0.5 + 0.4 = 0.9; elapsed .666 -> .45 >= .416.
            Cert(
                "Zoe Adams",
                "nasm_cpt",
                "on_track",
                "2027-01-31",
                244,
                2.0,
                0.9,
                1.1,
                True,
                ("needs 1.1 more",),
            ),
            # ISSA 6 + 4 = 10 of 20; .5 >= .416.
            Cert(
                "Zoe Adams",
                "issa_cpt",
                "on_track",
                "2027-01-31",
                244,
                20.0,
                10.0,
                10.0,
                True,
                ("needs 10 more",),
            ),
        ),
        trainers={"Zoe Adams": (True, "on_track")},
        trainer_count=1,
    ),
    Case(
        "hr_export_last_first_names_match_first_last_in_another_file",
        rosters.build_last_first_names,
        counts=(5, 5, 0, 0),
        certs=(
            # 15 h = 1.5 NASM CEU; elapsed 578/730 = .792; .75 >= .542. Club from the HR export.
            Cert(
                "Ana Silva",
                "nasm_cpt",
                "on_track",
                "2026-10-31",
                152,
                2.0,
                1.5,
                0.5,
                True,
                ("needs 0.5 more",),
                club="Downtown",
            ),
            Cert(
                "Chidi Okoro",
                "ace_gfi",
                "met",
                "2026-07-15",
                44,
                2.0,
                2.0,
                0.0,
                True,
                ("credits met: 2 of 2",),
                club="Downtown",
            ),
        ),
        trainers={
            "Ana Silva": (True, "on_track"),
            "Chidi Okoro": (True, "met"),
            "Grace Okafor": (False, "missing"),
        },
        trainer_count=3,
    ),
    Case(
        "hidden_old_expiry_column_beside_the_visible_renewed_one",
        rosters.build_hidden_old_expiry,
        counts=(2, 2, 0, 0),
        certs=(
            # Visible E 2027-05-31 (the hidden 2025-05-31 would make it expired): elapsed 366/730 = .501;
            # 0.4/2 = .2 < .251 -> behind.
            Cert(
                "Greta Lind", "nasm_cpt", "behind", "2027-05-31", 364, 2.0, 0.4, 1.6, True, ("behind pace",)
            ),
            # Visible E 2026-08-31: 91 days; elapsed 639/730 = .875; .8 >= .625 -> on_track.
            Cert(
                "Omar Haddad",
                "ace_gfi",
                "on_track",
                "2026-08-31",
                91,
                2.0,
                1.6,
                0.4,
                True,
                ("needs 0.4 more",),
            ),
        ),
        trainers={"Greta Lind": (True, "behind"), "Omar Haddad": (True, "on_track")},
        trainer_count=2,
        warnings=(("hidden", "Expiry date"),),
    ),
    Case(
        "implausible_dates_reject_or_warn",
        rosters.build_implausible_dates,
        counts=(7, 3, 3, 1),
        certs=(
            # Issued after as-of: kept. S = 2026-09-01 > T, elapsed 0; 0 of 2 is not behind; 823 days.
            Cert(
                "Sara Kim",
                "nasm_cpt",
                "on_track",
                "2028-09-01",
                823,
                2.0,
                0.0,
                2.0,
                True,
                ("CPR/AED expires 1 Sep 2027, before renewal",),
            ),
            # 31 Dec 2099 on a 3-year credential: kept (with a warning); elapsed 0; 10 of 45 CEC.
            Cert(
                "Tariq Aziz",
                "acsm_cpt",
                "on_track",
                "2099-12-31",
                26876,
                45.0,
                10.0,
                35.0,
                True,
                ("CPR/AED expires 1 Jan 2027, before renewal",),
            ),
            # NFPT: 1 year, 2 CEC, no CPR/AED requirement and no card: cpr_current null.
            Cert(
                "Uma Singh",
                "nfpt_cpt",
                "met",
                "2026-07-31",
                60,
                2.0,
                2.0,
                0.0,
                None,
                ("credits met: 2 of 2",),
            ),
        ),
        trainers={
            "Sara Kim": (True, "on_track"),
            "Tariq Aziz": (True, "on_track"),
            "Uma Singh": (True, "met"),
        },
        rejected=(
            Rejected("Roster.xlsx", "Sheet1", 2, "Issued", "Paul Meyer", "1900"),
            Rejected("Roster.xlsx", "Sheet1", 3, "Expiration", "Quinn Foster", None),
            Rejected(
                "Roster.xlsx",
                "Sheet1",
                4,
                ("Expiration", "Issued"),
                "Rosa Diaz",
                "expires 1 Jun 2024, before it was issued on 1 Jun 2025: check the dates",
            ),
        ),
        warnings=(("Sara Kim", "row 5"), ("Tariq Aziz", "31 Dec 2099", "row 6")),
    ),
    Case(
        "workbook_with_ce_log_sheet",
        rosters.build_workbook_with_log_sheet,
        counts=(8, 8, 0, 0),
        certs=(
            # 1.2 (NASM) + 4 h / 10 + 0.1 for the CPR card issued 1 Feb 2025 in the cycle = 1.7; 121 days.
            Cert(
                "Lena Fischer",
                "nasm_cpt",
                "on_track",
                "2026-09-30",
                121,
                2.0,
                1.7,
                0.3,
                True,
                ("needs 0.3 more",),
                club="Harbour",
            ),
            # No log row: earned 0 (rule 7). elapsed 443/730 = .607; 0 < .357 -> behind.
            Cert(
                "Marco Bruni",
                "issa_cpt",
                "behind",
                "2027-03-15",
                287,
                20.0,
                0.0,
                20.0,
                True,
                ("behind pace",),
                ("credits not recorded",),
                club="Harbour",
            ),
        ),
        trainers={"Lena Fischer": (True, "on_track"), "Marco Bruni": (True, "behind")},
        trainer_count=2,
    ),
    Case(
        "workbook_with_ce_log_as_a_separate_file",
        rosters.build_workbook_with_log_file,
        counts=(8, 8, 0, 0),
        certs=(
            Cert(
                "Lena Fischer",
                "nasm_cpt",
                "on_track",
                "2026-09-30",
                121,
                2.0,
                1.7,
                0.3,
                True,
                ("needs 0.3 more",),
                club="Harbour",
            ),
            Cert(
                "Marco Bruni",
                "issa_cpt",
                "behind",
                "2027-03-15",
                287,
                20.0,
                0.0,
                20.0,
                True,
                ("behind pace",),
                ("credits not recorded",),
                club="Harbour",
            ),
        ),
        trainers={"Lena Fischer": (True, "on_track"), "Marco Bruni": (True, "behind")},
        trainer_count=2,
    ),
    Case(
        "canfitpro_pts_and_fis_are_two_certifications",
        rosters.build_canfitpro_pts_and_fis,
        counts=(2, 2, 0, 0),
        certs=(
            # 1-year cycle, 4 CEC: 3 of 4, elapsed 183/365 = .501 -> on_track.
            Cert(
                "Sophie Roy",
                "canfitpro_pts",
                "on_track",
                "2026-11-30",
                182,
                4.0,
                3.0,
                1.0,
                True,
                ("needs 1 more",),
            ),
            # FIS: same rules (rules-research.md: one canfitpro cycle), its own 4 of 4.
            Cert(
                "Sophie Roy",
                OtherCredential("canfitpro_", "canfitpro_pts"),
                "met",
                "2026-11-30",
                182,
                4.0,
                4.0,
                0.0,
                True,
                ("credits met: 4 of 4",),
            ),
        ),
        trainers={"Sophie Roy": (True, "on_track")},
        trainer_count=1,
        quiet=("listed 2 times",),
    ),
    Case(
        "rejected_rows_carry_file_sheet_row_column_trainer_and_reason",
        rosters.build_rejected_rows,
        counts=(5, 2, 3, 0),
        certs=(
            # 5 h / 10 = 0.5 ACE CEC; elapsed 336/730 = .460; .25 >= .210 -> on_track; 394 days.
            Cert(
                "Jon Berg", "ace_cpt", "on_track", "2027-06-30", 394, 2.0, 0.5, 1.5, True, ("needs 1.5 more",)
            ),
        ),
        trainers={"Jon Berg": (True, "on_track")},
        rejected=(
            Rejected("roster.xlsx", "Team", 3, "Expiration", "Hugo Reyes", "'TBD' is not a date"),
            Rejected("roster.xlsx", "Team", 4, "Certification", "Iris Wong", "no certification named"),
            Rejected("ce.csv", "", 2, "Hours", "Jon Berg", "'lots' is not a number"),
        ),
    ),
    Case(
        "lapsed_certification_imposes_no_cpr_requirement",
        rosters.build_yoga_pilates_studio,
        counts=(3, 3, 0, 0),
        certs=(
            # RYT: 3 years, 30 hours, no CPR/AED. elapsed 852/1096 = .777; 12/30 = .4 < .527 -> behind.
            Cert(
                "Yara Costa",
                "ya_ryt",
                "behind",
                "2027-01-31",
                244,
                30.0,
                12.0,
                18.0,
                None,
                ("needs 18 more hours", "behind pace"),
                club="Lakeside",
            ),
            # NASM E 2025-01-31: 486 days after, past the 365-day grace.
            Cert(
                "Yara Costa",
                "nasm_cpt",
                "expired",
                "2025-01-31",
                -486,
                2.0,
                ANY,
                ANY,
                False,
                ("expired on 31 Jan 2025",),
            ),
            # NCPT: 10 h + 3 CEC for the CPR card issued 1 Oct 2025 in the cycle = 13 of 16.
            Cert(
                "Zane Fox",
                "npcp_ncpt",
                "on_track",
                "2026-12-31",
                213,
                16.0,
                13.0,
                3.0,
                True,
                ("needs 3 more",),
            ),
        ),
        # Yara: compliant through the valid RYT (no CPR needed); her status is the worst, expired.
        trainers={"Yara Costa": (True, "expired"), "Zane Fox": (True, "on_track")},
        trainer_count=2,
    ),
    Case(
        "ausactive_hours_cannot_be_converted_and_cpr_earns_points",
        rosters.build_ausactive,
        counts=(4, 4, 0, 0),
        certs=(
            # 8 CEC approved for AUSactive + 5 for the CPR course of 1 Jul 2025 = 13; the 6 hours are not counted.
            Cert(
                "Jack Wilson",
                "ausactive_rep",
                "on_track",
                "2027-02-28",
                272,
                20.0,
                13.0,
                7.0,
                True,
                ("6 hours could not be counted", "CPR/AED expires 1 Jul 2026, before renewal"),
            ),
            # No log row (rule 7): 0 + 5 (CPR 20 Sep 2025) = 5; elapsed 594/730 = .814; .25 < .564 -> behind.
            Cert(
                "Mia Nguyen",
                "ausactive_rep",
                "behind",
                "2026-10-15",
                136,
                20.0,
                5.0,
                15.0,
                True,
                ("behind pace", "CPR/AED expires 20 Sep 2026, before renewal"),
                ("credits not recorded",),
            ),
        ),
        trainers={"Jack Wilson": (True, "on_track"), "Mia Nguyen": (True, "behind")},
        trainer_count=2,
    ),
    Case(
        "excel_unicode_text_matrix_with_credit_columns_and_last_first_names",
        rosters.build_unicode_text_matrix,
        counts=(2, 2, 0, 0),
        certs=(
            Cert(
                "Ana Silva",
                "nasm_cpt",
                "at_risk",
                "2026-08-20",
                80,
                2.0,
                1.8,
                0.2,
                True,
                ("expires in 80 days (20 Aug 2026)",),
                club="Downtown",
            ),
            # elapsed 502/730 = .688; 0.6/2 = .3 < .438 -> behind.
            Cert(
                "Hugo Reyes",
                "ace_gfi",
                "behind",
                "2027-01-15",
                228,
                2.0,
                0.6,
                1.4,
                True,
                ("behind pace", "CPR/AED expires 1 Dec 2026, before renewal"),
            ),
        ),
        trainers={"Ana Silva": (True, "at_risk"), "Hugo Reyes": (True, "behind")},
        trainer_count=2,
    ),
)
CASE_BY_ID = {c.id: c for c in CASES}


# Running and matching ---------------------------------------------------------------------------------------
@functools.cache
def outcome(case_id: str) -> dict[str, Any]:
    """The JSON document for one case (each roster is analysed once per test process)."""
    files = CASE_BY_ID[case_id].build()
    st = analyse(
        [Source(name, data) for name, data in files.items()], as_of=AS_OF, window=WINDOW, on_error="collect"
    )
    return to_json_dict(st)


def person(name: object) -> str:
    """A trainer's name for matching: no accents, case or extra spaces, "Silva, Ana" read as "Ana Silva"."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", str(name or "")) if not unicodedata.combining(ch)
    )
    if "," in text:
        last, first = text.split(",", 1)
        text = f"{first} {last}"
    return " ".join(text.lower().split())


def _credential_matches(expected: str | OtherCredential, actual: str) -> bool:
    return expected(actual) if callable(expected) else actual == expected


def standings_of(doc: dict[str, Any], cert: Cert) -> list[dict[str, Any]]:
    return [
        s
        for s in doc["standings"]
        if person(s["trainer"]) == person(cert.trainer)
        and _credential_matches(cert.credential, s["credential"])
    ]


def _text(warning: object) -> str:
    """A warning's sentence (a plain string today; an object with a kind if warnings get one)."""
    if isinstance(warning, dict):
        return " ".join(str(v) for v in warning.values())
    return str(warning)


def _same_number(actual: object, expected: object) -> bool:
    if expected is ANY:
        return True
    if expected is None or actual is None:
        return actual is expected
    return actual == pytest.approx(expected, abs=1e-4)


def _params(aspect: str, items: Callable[[Case], list[tuple[str, Any]]]) -> list[Any]:
    """One pytest parameter per (case, item), marked xfail(strict) where the case lists that aspect."""
    out = []
    for case in CASES:
        for key, item in items(case):
            reason = case.xfail.get(key) or case.xfail.get(aspect)
            marks = [pytest.mark.xfail(reason=f"issue 11: {reason}", strict=True)] if reason else []
            out.append(pytest.param(case, item, id=f"{case.id}-{key}", marks=marks))
    return out


def _cert_key(cert: Cert) -> str:
    return f"{cert.trainer}/{cert.credential}"


def _certs(prefix: str) -> Callable[[Case], list[tuple[str, Any]]]:
    return lambda case: [(f"{prefix}:{_cert_key(c)}", c) for c in case.certs]


# The tests --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("case", "_"), _params("counts", lambda _case: [("counts", None)]))
def test_every_row_is_counted_as_accepted_rejected_or_blank_as_worked_by_hand(case: Case, _: None) -> None:
    doc = outcome(case.id)
    rows_read, accepted, rejected, blank = case.counts
    assert doc["unreadable"] == []
    assert doc["counts"] == {
        "rows_read": rows_read,
        "accepted": accepted,
        "rejected": rejected,
        "blank": blank,
    }


@pytest.mark.parametrize(("case", "_"), _params("set", lambda _case: [("set", None)]))
def test_the_upload_yields_exactly_the_hand_worked_certifications(case: Case, _: None) -> None:
    doc = outcome(case.id)
    unmatched = list(doc["standings"])
    for cert in case.certs:
        found = [
            s
            for s in unmatched
            if person(s["trainer"]) == person(cert.trainer)
            and _credential_matches(cert.credential, s["credential"])
        ]
        assert len(found) == 1, f"{_cert_key(cert)}: {len(found)} standings"
        unmatched.remove(found[0])
    assert unmatched == [], "standings nobody expected"


@pytest.mark.parametrize(("case", "cert"), _params("cert", _certs("cert")))
def test_certification_figures_match_the_hand_worked_standing(case: Case, cert: Cert) -> None:
    found = standings_of(outcome(case.id), cert)
    assert len(found) == 1, f"{len(found)} standings for {_cert_key(cert)}"
    s = found[0]
    got = {k: s[k] for k in ("status", "expires", "days_left", "cpr_current")}
    want = {
        "status": cert.status,
        "expires": cert.expires,
        "days_left": cert.days_left,
        "cpr_current": cert.cpr_current,
    }
    assert {k: v for k, v in got.items() if want[k] is not ANY} == {
        k: v for k, v in want.items() if v is not ANY
    }
    for key in ("required", "earned", "remaining"):
        assert _same_number(s[key], getattr(cert, key)), f"{key}: {s[key]} != {getattr(cert, key)}"
    if cert.club is not ANY:
        assert s["club"] == cert.club


@pytest.mark.parametrize(("case", "cert"), _params("why", _certs("why")))
def test_certification_reasons_say_what_the_manager_must_know(case: Case, cert: Cert) -> None:
    found = standings_of(outcome(case.id), cert)
    assert len(found) == 1, f"{len(found)} standings for {_cert_key(cert)}"
    reasons = found[0]["reasons"]
    for phrase in cert.reasons:
        assert any(phrase in r for r in reasons), f"no reason says {phrase!r}: {reasons}"
    for phrase in cert.not_reasons:
        assert not any(phrase in r for r in reasons), f"a reason says {phrase!r}: {reasons}"


@pytest.mark.parametrize(("case", "_"), _params("trainers", lambda _case: [("trainers", None)]))
def test_trainer_compliance_and_status_follow_the_spec(case: Case, _: None) -> None:
    doc = outcome(case.id)
    by_person = {person(t["trainer"]): t for t in doc["trainers"]}
    if case.trainer_count is not None:
        assert len(doc["trainers"]) == case.trainer_count, sorted(by_person)
    for name, (compliant, status) in case.trainers.items():
        t = by_person.get(person(name))
        assert t is not None, f"{name} is not among the trainers {sorted(by_person)}"
        assert (t["compliant"], t["status"]) == (compliant, status), name


def _rejected_items(case: Case) -> list[tuple[str, Any]]:
    return [("rejected", None)] if case.rejected else []


@pytest.mark.parametrize(("case", "_"), _params("rejected", _rejected_items))
def test_rejected_rows_name_file_sheet_row_column_and_reason(case: Case, _: None) -> None:
    got = {(r["file"], r["sheet"], r["row"]): r for r in outcome(case.id)["rejected"]}
    assert sorted(got) == sorted((x.file, x.sheet, x.row) for x in case.rejected)
    for want in case.rejected:
        r = got[(want.file, want.sheet, want.row)]
        if isinstance(want.column, tuple):
            assert r["column"] in want.column
        elif want.column is not None:
            assert want.column in (r["column"] or "")
        assert r["reason"], "a rejected row needs a reason"
        if want.reason is not None:
            assert want.reason in r["reason"]


@pytest.mark.parametrize(
    ("case", "_"), _params("rejected_trainer", lambda c: [("rejected_trainer", None)] if c.rejected else [])
)
def test_rejected_rows_carry_the_trainer_name_written_on_the_row(case: Case, _: None) -> None:
    got = {(r["file"], r["sheet"], r["row"]): r for r in outcome(case.id)["rejected"]}
    for want in case.rejected:
        r = got.get((want.file, want.sheet, want.row))
        assert r is not None, f"row {want.row} of {want.file} was not rejected"
        assert person(r.get("trainer")) == person(want.trainer)


@pytest.mark.parametrize(
    ("case", "_"), _params("warnings", lambda c: [("warnings", None)] if c.warnings else [])
)
def test_warnings_name_what_was_doubtful(case: Case, _: None) -> None:
    texts = [_text(w) for w in outcome(case.id)["warnings"]]
    for phrases in case.warnings:
        assert any(all(p in t for p in phrases) for t in texts), f"no warning says all of {phrases}: {texts}"


@pytest.mark.parametrize(("case", "_"), _params("quiet", lambda c: [("quiet", None)] if c.quiet else []))
def test_normal_input_raises_no_false_alarm(case: Case, _: None) -> None:
    texts = [_text(w) for w in outcome(case.id)["warnings"]]
    for phrase in case.quiet:
        assert not any(phrase in t for t in texts), f"a warning says {phrase!r}: {texts}"


def test_a_ce_log_file_gives_the_same_standing_as_the_same_log_as_a_sheet() -> None:
    """standing.md rule 7: the result never depends on whether the log came in the workbook or beside it."""

    def shape(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        return sorted(
            (s["trainer"], s["credential"], s["status"], s["earned"], s["remaining"], tuple(s["reasons"]))
            for s in doc["standings"]
        )

    sheet = outcome("workbook_with_ce_log_sheet")
    separate = outcome("workbook_with_ce_log_as_a_separate_file")
    assert shape(sheet) == shape(separate)
    assert [(t["trainer"], t["compliant"], t["status"]) for t in sheet["trainers"]] == [
        (t["trainer"], t["compliant"], t["status"]) for t in separate["trainers"]
    ]


def test_not_held_yet_cells_give_at_most_one_note_per_trainer() -> None:
    """inputs.md: "pending", "booked", "in progress" make one note on that trainer, not a warning per cell."""
    texts = list(map(_text, outcome("training_matrix_with_words_in_its_cells")["warnings"]))
    about_chloe = [t for t in texts if "Chloe Martin" in t or "row 6" in t]
    assert len(about_chloe) <= 1, about_chloe
    for cell in ("'pending'", "'booked'", "'in progress'"):  # a note, never a warning about the cell
        assert not any(cell in t for t in texts), [t for t in texts if cell in t]


def test_every_case_is_worked_for_the_same_as_of_and_window() -> None:
    doc = outcome(CASES[0].id)
    assert (doc["as_of"], doc["window"]) == (AS_OF.isoformat(), WINDOW)
    assert len(CASES) == len(CASE_BY_ID) >= 20
