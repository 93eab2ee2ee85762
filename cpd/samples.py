"""Deterministic sample files a manager would recognise, and a chain-sized workbook for benchmarks.

Every date is an offset from an ``anchor`` (the as-of date the files are meant to be viewed at), so the sample
shows every status of ``standing.md`` whenever it is generated; nothing here reads the clock. The same people
appear in all three sample files, written the messy ways of ``inputs.md``. ``SAMPLE_INTENT`` records, worked out
by hand from ``standing.md``, the status each certification must get at ``as_of=anchor`` with a 90-day window
(for the roster and for the workbook alone; ``MATRIX_INTENT`` for the matrix, which has no credits).
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import xlsxwriter

from .model import (
    ACTIVITY_COLUMNS,
    CARD_RESULT_COLUMNS,
    CONTRIBUTION_COLUMNS,
    STANDING_COLUMNS,
    STATUSES,
    TRAINER_RESULT_COLUMNS,
    Standing,
)

CLUBS: tuple[str, ...] = ("Downtown", "Riverside", "Northgate")
DEFAULT_ANCHOR = date(2026, 12, 1)
SAMPLE_WINDOW = 90
ROSTER_FILE = "recert_roster.csv"
WORKBOOK_FILE = "recert_workbook.xlsx"
MATRIX_FILE = "training_matrix.xlsx"
SAMPLE_FILES: tuple[str, ...] = (ROSTER_FILE, WORKBOOK_FILE, MATRIX_FILE)

ROSTER_HEADERS = [
    "Trainer Name",
    "Club",
    "Role",
    "Certification",
    "Cert #",
    "Exp. Date",
    "CEUs earned",
    "CPR/AED exp",
    "Notes",
]
STAFF_HEADERS = ["Staff ID", "First Name", "Last Name", "Email", "Club", "Role"]
CERT_HEADERS = ["Staff ID", "Credential", "Cert Number", "Issued", "Expires"]
CE_HEADERS = ["Staff ID", "Date", "Course", "Provider", "Amount", "Unit", "Approved For"]
MATRIX_NAME_HEADERS = ["Name", "Club"]
# Matrix column per credential, in the order a club's training matrix would list them.
MATRIX_COLUMNS: dict[str, str] = {
    "nasm_cpt": "NASM CPT",
    "ace_cpt": "ACE CPT",
    "ace_gfi": "ACE GFI",
    "issa_cpt": "ISSA CPT",
    "afaa_cgfi": "AFAA GFI",
    "acsm_cpt": "ACSM CPT",
    "ncsf_cpt": "NCSF CPT",
    "nsca_cscs": "NSCA CSCS",
    "ya_ryt": "RYT 200",
    "npcp_ncpt": "NCPT",
    "Zumba Instructor": "Zumba Instructor",
    "cpr": "CPR/AED",
}
_EXCEL_EPOCH = date(1899, 12, 30)


# The people ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleCert:
    """One certification: expiry as days after the anchor, how each file spells it, and the intended status."""

    credential: str  # catalogue id, or the name as written when the catalogue does not know it
    expires: int  # days after the anchor (negative: already past)
    number: str
    workbook_name: str
    roster_name: str
    roster_credits: str  # the manager's tally of in-cycle credits (CPR credit included), as typed
    intent: str
    issued_years: int = 2  # first issued this many years before the expiry
    roster_trainer: str = ""  # the trainer's name as the roster row writes it, when it differs
    note: str = ""


@dataclass(frozen=True)
class SampleActivity:
    """One CE log row. ``day`` is days after the anchor (None: written "TBD"); ``reject`` says why it must fail."""

    day: int | None
    amount: float | str
    unit: str
    approved_for: str = ""
    reject: str = ""


@dataclass(frozen=True)
class SampleCpr:
    """A CPR/AED card with its issue and expiry as days after the anchor."""

    name: str
    number: str
    issued: int
    expires: int


@dataclass(frozen=True)
class RosterReject:
    """A roster row that must be rejected (unreadable or missing expiry); it is in no other file."""

    certification: str
    number: str
    expires_text: str
    credits: str
    reason: str


@dataclass(frozen=True)
class SampleTrainer:
    staff_id: str
    first: str
    last: str
    club: str
    role: str
    certs: tuple[SampleCert, ...]
    activities: tuple[SampleActivity, ...]
    cpr: SampleCpr | None = None
    roster_rejects: tuple[RosterReject, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{_ascii(self.first)}.{_ascii(self.last)}@example.com".lower()


def _a(
    day: int | None, amount: float | str, unit: str, approved_for: str = "", reject: str = ""
) -> SampleActivity:
    return SampleActivity(day, amount, unit, approved_for, reject)


_PT, _GFI, _YOGA, _PIL, _SC = (
    "Personal Trainer",
    "Group Fitness Instructor",
    "Yoga Teacher",
    "Pilates Instructor",
    "Strength & Conditioning Coach",
)

# Hand-worked: S = E - cycle years; an activity counts when S < d <= min(E, T); T = anchor; W = 90.
# Comments give k = E - T in days, what counts, and why the status follows (elapsed ~ (cycle days - k) / cycle).
SAMPLE_TRAINERS: tuple[SampleTrainer, ...] = (
    # ---- Downtown ----
    SampleTrainer(  # two certs; rows name their body; "ACE; NASM" counts toward both
        "DT-101",
        "Ana",
        "Silva",
        "Downtown",
        _PT,
        (
            SampleCert("nasm_cpt", 150, "000123", "NASM CPT", "NASM-CPT", "2.3", "met", issued_years=6),
            # NASM S=-580: 1.0 + 0.6 + 0.4 + 0.2 = 2.2, + 0.1 CPR issued in cycle = 2.3 >= 2.0 -> met
            SampleCert(
                "ace_gfi",
                400,
                "004517",
                "ACE Group Fitness Instructor",
                "ACE-GFI",
                "0.8 CEC",
                "on_track",
                roster_trainer="ana silva ",
            ),
        ),
        # ACE S=-330: 0.4 + 0.4 = 0.8 / 2.0 = 0.40 >= elapsed 0.45 - 0.25 -> on_track
        (
            _a(-700, 0.5, "CEU", "NASM"),
            _a(-560, 1.0, "CEU", "NASM"),
            _a(-400, 6, "hours", "NASM"),
            _a(-200, 0.4, "CEC", "ACE; NASM"),
            _a(-120, 0.2, "CEU", "NASM"),
            _a(-60, 4, "hrs", "ACE"),
            _a(20, 0.3, "CEC", "ACE"),
        ),
        SampleCpr("CPR/AED", "RC-5521870", -300, 430),
    ),
    SampleTrainer(  # CPR expired; k=60: 0.4 + 0.5 + 0.3 = 1.2 < 2.0 -> at_risk; booked course not counted
        "DT-102",
        "Marcus",
        "Johnson",
        "Downtown",
        _PT,
        (
            SampleCert(
                "nasm_cpt",
                60,
                "000871",
                "NASM Certified Personal Trainer",
                "NASM",
                "12 hrs",
                "at_risk",
                issued_years=4,
                note="CPR refresher needed",
            ),
        ),
        (
            _a(-800, 0.5, "CEU"),
            _a(-640, 0.4, "CEU"),
            _a(-500, 5, "hours"),
            _a(-300, 0.3, "CEC", "NASM"),
            _a(30, 0.8, "CEU", "NASM"),
        ),
        SampleCpr("CPR/AED", "RC-4410932", -800, -70),
        (RosterReject("TRX Suspension Trainer", "", "soon", "", "expiry 'soon' is not a date"),),
    ),
    SampleTrainer(  # no CPR, not required; S=-595: 8 + 12 + 6 + 10 = 36 >= 30 -> met
        "DT-103",
        "Priya",
        "Patel",
        "Downtown",
        _YOGA,
        (
            SampleCert(
                "ya_ryt",
                500,
                "RYT-200-88412",
                "Yoga Alliance RYT",
                "Yoga Alliance",
                "36 hrs",
                "met",
                issued_years=3,
            ),
        ),
        (
            _a(-700, 15, "hours"),
            _a(-580, 8, "hours", "Yoga Alliance"),
            _a(-400, 12, "hrs"),
            _a(-250, 6, "hours"),
            _a(-100, 10, "hours", "Yoga Alliance"),
            _a(40, 20, "hours"),
        ),
    ),
    SampleTrainer(  # k=200, S=-530: 2 + 3 + 1 = 6 / 20 = 0.30 < 0.73 - 0.25 -> behind
        "DT-104",
        "José",
        "Martínez",
        "Downtown",
        _PT,
        (SampleCert("issa_cpt", 200, "0045219", "ISSA Certified Fitness Trainer", "ISSA", "6", "behind"),),
        (
            _a(-600, 4, "CEU"),
            _a(-500, 2, "CEU"),
            _a(-350, 3, "hours"),
            _a(-150, 1, "CEU", "ISSA"),
            _a(45, 10, "hours", "ISSA"),
        ),
        SampleCpr("AHA BLS", "AHA-215604", -400, 300),
    ),
    SampleTrainer(  # k=300, S=-430: 4 + 2 + 2 = 8 / 16 = 0.50 >= 0.59 - 0.25 -> on_track (card issued before S)
        "DT-105",
        "Chloé",
        "Dubois",
        "Downtown",
        _PIL,
        (
            SampleCert(
                "npcp_ncpt", 300, "NCPT-01187", "PMA Certified Pilates Teacher", "PMA-CPT", "8", "on_track"
            ),
        ),
        (
            _a(-600, 3, "CEC"),
            _a(-400, 4, "hours"),
            _a(-250, 2, "CEC", "PMA"),
            _a(-90, 2, "CEC"),
            _a(15, 4, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-7730015", -500, 230),
    ),
    SampleTrainer(  # k=-40, ACE grace 182 -> grace; the "lots" row is rejected
        "DT-106",
        "Tom",
        "Becker",
        "Downtown",
        _GFI,
        (
            SampleCert(
                "ace_gfi",
                -40,
                "003390",
                "ACE Group Fitness Instructor",
                "ACE GFI",
                "1.3",
                "grace",
                issued_years=4,
                note="Lapsed - renewal form sent",
            ),
        ),
        (
            _a(-600, 0.5, "CEC"),
            _a(-400, 3, "hours"),
            _a(-250, 0.3, "CEC", "ACE"),
            _a(-180, "lots", "hours", reject="amount 'lots'"),
            _a(-100, 0.2, "CEC"),
            _a(-20, 0.5, "CEC", "ACE"),
        ),
        SampleCpr("CPR/AED", "RC-6610478", -200, 530),
    ),
    SampleTrainer(  # k=30, S=-1066: 1.5 + 1 + 1 + 1 = 4.5 < 6.0 -> at_risk
        "DT-107",
        "Aisha",
        "Rahman",
        "Downtown",
        _SC,
        (SampleCert("nsca_cscs", 30, "2019-04411", "NSCA-CSCS", "NSCA", "4.5", "at_risk", issued_years=6),),
        (
            _a(-1200, 2.0, "CEU"),
            _a(-1000, 1.5, "CEU"),
            _a(-700, 10, "hours"),
            _a(-400, 1.0, "CEU", "NSCA"),
            _a(-150, 1.0, "CEU"),
            _a(10, 0.5, "CEU", "NSCA"),
        ),
        SampleCpr("AHA BLS", "AHA-219377", -200, 530),
    ),
    SampleTrainer(  # NASM (10 h) + ISSA (1 h): the "2 CEU" row with no body is ambiguous and rejected
        "DT-108",
        "Kenji",
        "Watanabe",
        "Downtown",
        _PT,
        (
            SampleCert(
                "nasm_cpt", 250, "000456", "NASM CPT", "NASM Certified Personal Trainer", "1.0", "on_track"
            ),
            # NASM S=-480: 0.5 (5 h) + 0.4 + 0.1 CPR = 1.0 / 2.0 = 0.50 >= 0.66 - 0.25 -> on_track
            SampleCert(
                "issa_cpt", 120, "0078812", "ISSA Certified Fitness Trainer", "ISSA CPT", "10 hrs", "behind"
            ),
        ),
        # ISSA S=-610: 5 (5 h) + 3 + 2 = 10 / 20 = 0.50 < 0.84 - 0.25 -> behind (k > 90)
        (
            _a(-700, 1.0, "CEU", "NASM"),
            _a(-450, 5, "hours"),
            _a(-300, 0.4, "CEU", "NASM"),
            _a(-200, 3, "CEU", "ISSA"),
            _a(-80, 2, "CEU", reject="unit CEU is ambiguous (NASM and ISSA)"),
            _a(-60, 2, "hours", "ISSA"),
            _a(60, 0.5, "CEU", "NASM"),
        ),
        SampleCpr("CPR/AED", "RC-8823106", -100, 630),
    ),
    SampleTrainer(  # k=-250 > AFAA grace 180 -> expired; CPR expired too
        "DT-109",
        "Grace",
        "O'Connor",
        "Downtown",
        _GFI,
        (
            SampleCert(
                "afaa_cgfi",
                -250,
                "AF-20931",
                "AFAA Group Fitness Instructor",
                "Group Fitness (AFAA)",
                "11",
                "expired",
                issued_years=4,
            ),
        ),
        (
            _a(-1100, 5, "CEU"),
            _a(-900, 4, "CEU", "AFAA"),
            _a(-600, 3, "hours"),
            _a(-400, 2, "CEU"),
            _a(-50, 2, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-3390121", -830, -100),
    ),
    SampleTrainer(  # the only credential is unknown to the catalogue: dates only, k=200 -> on_track
        "DT-110",
        "Liam",
        "Walsh",
        "Downtown",
        "Dance Fitness Instructor",
        (
            SampleCert(
                "Zumba Instructor",
                200,
                "ZIN-48213",
                "Zumba Instructor",
                "Zumba Instructor",
                "",
                "on_track",
                issued_years=1,
            ),
        ),
        (
            _a(-300, 8, "hours"),
            _a(-200, 3, "hours"),
            _a(-90, 6, "hours"),
            _a(-30, 2, "hours"),
            _a(25, 8, "hours"),
        ),
    ),
    # ---- Riverside ----
    SampleTrainer(  # k=200, S=-896: 4 + 5 + 3 = 12 / 30 = 0.40 < 0.82 - 0.25 -> behind
        "RS-201",
        "Zoë",
        "Brontë",
        "Riverside",
        _YOGA,
        (
            SampleCert(
                "ya_ryt",
                200,
                "RYT-500-10293",
                "Yoga Alliance RYT",
                "RYT-200",
                "12 hrs",
                "behind",
                issued_years=6,
            ),
        ),
        (
            _a(-1000, 6, "hours"),
            _a(-850, 4, "hours"),
            _a(-500, 5, "hours", "Yoga Alliance"),
            _a(-200, 3, "hours"),
            _a(60, 10, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-1029384", -150, 580),
    ),
    SampleTrainer(  # k=400, S=-696: 12 + 8 + 10 + 6 + 12 = 48 (+5 CPR) >= 45 -> met
        "RS-202",
        "Daniel",
        "Kim",
        "Riverside",
        _PT,
        (SampleCert("acsm_cpt", 400, "0007731", "ACSM-CPT", "ACSM", "53", "met", issued_years=6),),
        (
            _a(-900, 10, "CEC"),
            _a(-650, 12, "CEC"),
            _a(-500, 8, "hours"),
            _a(-380, 10, "CEC", "ACSM"),
            _a(-200, 6, "CEC"),
            _a(-90, 12, "hours"),
            _a(30, 5, "CEC", "ACSM"),
        ),
        SampleCpr("AHA BLS", "AHA-230118", -300, 430),
    ),
    SampleTrainer(  # k=70, S=-660: 2 + 2 + 1 = 5 (+2 CPR) = 7 < 10 -> at_risk
        "RS-203",
        "Fatima",
        "Al-Sayed",
        "Riverside",
        _PT,
        (SampleCert("ncsf_cpt", 70, "NC-004412", "NCSF Certified Personal Trainer", "NCSF", "7", "at_risk"),),
        (
            _a(-800, 3, "CEU"),
            _a(-600, 4, "hours"),
            _a(-300, 2, "CEU", "NCSF"),
            _a(-100, 2, "hours"),
            _a(20, 6, "hours", "NCSF"),
        ),
        SampleCpr("CPR/AED", "RC-5540987", -400, 330),
    ),
    SampleTrainer(  # k=500, S=-230: 0.2 + 0.2 = 0.4 / 2.0 = 0.20 >= 0.32 - 0.25 -> on_track; CPR ends before E
        "RS-204",
        "Lucas",
        "Oliveira",
        "Riverside",
        _PT,
        (
            SampleCert(
                "ace_cpt",
                500,
                "002276",
                "ACE Certified Personal Trainer",
                "ACE PT",
                "0.4",
                "on_track",
                issued_years=4,
            ),
        ),
        (
            _a(-400, 1.0, "CEC"),
            _a(-300, 0.5, "CEC", "ACE"),
            _a(-200, 0.2, "CEC"),
            _a(-50, 2, "hours", "ACE"),
            _a(90, 0.6, "CEC", "ACE"),
        ),
        SampleCpr("CPR/AED", "RC-2204561", -530, 200),
    ),
    SampleTrainer(  # k=-300 > NPCP grace 182 -> expired
        "RS-205",
        "Sofia",
        "Rossi",
        "Riverside",
        _PIL,
        (
            SampleCert(
                "npcp_ncpt",
                -300,
                "NCPT-00954",
                "PMA Certified Pilates Teacher",
                "NCPT",
                "12",
                "expired",
                issued_years=4,
            ),
        ),
        (
            _a(-1200, 2, "CEC"),
            _a(-900, 4, "CEC"),
            _a(-700, 6, "hours"),
            _a(-450, 2, "CEC"),
            _a(-100, 3, "CEC"),
        ),
    ),
    SampleTrainer(  # k=-100 <= NASM grace 365 -> grace; CPR expired
        "RS-206",
        "Ethan",
        "Brooks",
        "Riverside",
        _PT,
        (SampleCert("nasm_cpt", -100, "000309", "NASM CPT", "NASM-CPT", "15 hrs", "grace", issued_years=4),),
        (
            _a(-900, 1.0, "CEU"),
            _a(-800, 0.5, "CEU"),
            _a(-600, 6, "hours"),
            _a(-300, 0.4, "CEU", "NASM"),
            _a(-20, 0.2, "CEU"),
        ),
        SampleCpr("CPR/AED", "RC-9012773", -900, -170),
    ),
    SampleTrainer(  # k=300, S=-430: 1 + 2 = 3 / 15 = 0.20 < 0.59 - 0.25 -> behind; CPR issued before S, expired
        "RS-207",
        "Mei",
        "Chen",
        "Riverside",
        _GFI,
        (SampleCert("afaa_cgfi", 300, "AF-31177", "AFAA Group Fitness Instructor", "AFAA", "3", "behind"),),
        (
            _a(-600, 5, "CEU"),
            _a(-500, 2, "hours"),
            _a(-400, 1, "CEU", "AFAA"),
            _a(-200, 2, "hours"),
            _a(50, 4, "CEU", "AFAA"),
        ),
        SampleCpr("CPR/AED", "RC-6677120", -800, -70),
    ),
    SampleTrainer(  # k=45, S=-685: 6 + 4 + 4 = 14 < 20 -> at_risk
        "RS-208",
        "Noah",
        "Williams",
        "Riverside",
        _PT,
        (SampleCert("issa_cpt", 45, "0061140", "ISSA Certified Fitness Trainer", "ISSA", "14", "at_risk"),),
        (
            _a(-800, 5, "CEU"),
            _a(-600, 6, "CEU"),
            _a(-400, 4, "hours"),
            _a(-200, 4, "CEU", "ISSA"),
            _a(14, 8, "hours", "ISSA"),
        ),
        SampleCpr("AHA BLS", "AHA-240551", -250, 480),
        (RosterReject("ACE PT", "000987", "", "0.5", "no expiry date"),),
    ),
    SampleTrainer(  # ACE valid and met, AFAA in grace: still compliant through ACE
        "RS-209",
        "Isabella",
        "García",
        "Riverside",
        _GFI,
        (
            SampleCert(
                "ace_gfi",
                200,
                "005120",
                "ACE Group Fitness Instructor",
                "ACE Group Fitness",
                "2.1 CEC",
                "met",
            ),
            # ACE S=-530: 1.0 + 0.6 + 0.5 = 2.1 >= 2.0 -> met
            SampleCert(
                "afaa_cgfi",
                -120,
                "AF-18842",
                "AFAA Group Fitness Instructor",
                "Group Fitness (AFAA)",
                "13",
                "grace",
                issued_years=4,
            ),
        ),
        # AFAA k=-120 <= grace 180 -> grace (5 + 6 + 2 CPR = 13 recorded)
        (
            _a(-700, 5, "CEU", "AFAA"),
            _a(-500, 1.0, "CEC", "ACE"),
            _a(-300, 6, "hours", "ACE"),
            _a(-250, 6, "CEU", "AFAA"),
            _a(-150, 0.5, "CEC", "ACE"),
            _a(35, 4, "CEU", "AFAA"),
        ),
        SampleCpr("CPR/AED", "RC-1188420", -130, 600),
    ),
    SampleTrainer(  # k=-20 <= NSCA grace 31 -> grace
        "RS-210",
        "Björn",
        "Andersson",
        "Riverside",
        _SC,
        (SampleCert("nsca_cscs", -20, "2017-08830", "NSCA-CSCS", "CSCS", "5.2", "grace", issued_years=6),),
        (
            _a(-1000, 2, "CEU"),
            _a(-600, 12, "hours", "NSCA"),
            _a(-300, 1.0, "CEU"),
            _a(-100, 1.0, "CEU", "NSCA"),
            _a(10, 1, "CEU", "NSCA"),
        ),
        SampleCpr("AHA BLS", "AHA-199023", -500, 230),
    ),
    SampleTrainer(  # k=-300 > ACE grace 182 -> expired
        "RS-211",
        "Chiara",
        "Bianchi",
        "Riverside",
        _GFI,
        (
            SampleCert(
                "ace_gfi",
                -300,
                "002981",
                "ACE Group Fitness Instructor",
                "ACE-GFI",
                "0.9",
                "expired",
                issued_years=4,
            ),
        ),
        (
            _a(-1100, 0.5, "CEC"),
            _a(-900, 0.4, "CEC"),
            _a(-600, 5, "hours"),
            _a(-200, 0.3, "CEC", "ACE"),
            _a(-40, 2, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-4471185", -700, 30),
    ),
    # ---- Northgate ----
    SampleTrainer(  # no CPR on file; k=180, S=-550: 0.2 + 0.4 = 0.6 / 2.0 = 0.30 < 0.75 - 0.25 -> behind
        "NG-301",
        "Oliver",
        "Smith",
        "Northgate",
        _PT,
        (SampleCert("nasm_cpt", 180, "000777", "NASM CPT", "NASM", "0.6", "behind"),),
        # the ACE-approved row counts toward nothing: Oliver holds no ACE certification
        (
            _a(-700, 0.8, "CEU"),
            _a(-620, 3, "hours"),
            _a(-500, 0.2, "CEU", "NASM"),
            _a(-250, 4, "hours"),
            _a(-100, 0.3, "CEC", "ACE"),
            _a(10, 1.0, "CEU", "NASM"),
        ),
    ),
    SampleTrainer(  # k=720, S=-376: 6 + 5 + 4 = 15 (+5 CPR) = 20 / 45 = 0.44 >= 0.34 - 0.25 -> on_track
        "NG-302",
        "Hannah",
        "Müller",
        "Northgate",
        _PT,
        (SampleCert("acsm_cpt", 720, "0009182", "ACSM-CPT", "ACSM-CPT", "20", "on_track"),),
        (
            _a(-500, 10, "CEC"),
            _a(-300, 6, "CEC"),
            _a(None, 3, "CEC", reject="date 'TBD'"),
            _a(-150, 5, "hours"),
            _a(-60, 4, "CEC", "ACSM"),
            _a(70, 8, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-3021967", -30, 700),
    ),
    SampleTrainer(  # k=400, S=-696: 2 + 1.5 + 1.5 + 1.5 = 6.5 >= 6.0 -> met
        "NG-303",
        "Mateo",
        "Fernández",
        "Northgate",
        _SC,
        (SampleCert("nsca_cscs", 400, "2020-11873", "NSCA-CSCS", "NSCA", "6.5 CEU", "met", issued_years=3),),
        (
            _a(-900, 1.0, "CEU"),
            _a(-650, 2.0, "CEU", "NSCA"),
            _a(-450, 15, "hours"),
            _a(-300, 1.5, "CEU"),
            _a(-120, 1.5, "CEU", "NSCA"),
            _a(100, 0.5, "CEU"),
        ),
        SampleCpr("AHA BLS", "AHA-228310", -100, 630),
    ),
    SampleTrainer(  # k=-20, Yoga Alliance has no grace -> expired
        "NG-304",
        "Emma",
        "Thompson",
        "Northgate",
        _YOGA,
        (
            SampleCert(
                "ya_ryt",
                -20,
                "RYT-200-55120",
                "Yoga Alliance RYT",
                "Yoga Alliance",
                "22",
                "expired",
                issued_years=6,
            ),
        ),
        (
            _a(-1300, 5, "hours"),
            _a(-1000, 10, "hours"),
            _a(-700, 8, "hours", "Yoga Alliance"),
            _a(-300, 4, "hrs"),
            _a(-10, 6, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-7145502", -400, 330),
        (RosterReject("Pilates Mat (Balanced Body)", "", "TBC", "", "expiry 'TBC' is not a date"),),
    ),
    SampleTrainer(  # credits complete (2.2) but no CPR/AED on file -> not met; k=80 -> at_risk
        "NG-305",
        "Olivia",
        "Brown",
        "Northgate",
        _GFI,
        (
            SampleCert(
                "ace_gfi",
                80,
                "003815",
                "ACE Group Fitness Instructor",
                "ACE GFI",
                "2.2",
                "at_risk",
                note="No CPR card on file",
            ),
        ),
        (
            _a(-800, 0.5, "CEC"),
            _a(-600, 1.0, "CEC"),
            _a(-400, 6, "hours", "ACE"),
            _a(-200, 0.6, "CEC"),
            _a(5, 0.2, "CEC", "ACE"),
        ),
    ),
    SampleTrainer(  # k=-200 <= ISSA grace 365 -> grace
        "NG-306",
        "Ryan",
        "Murphy",
        "Northgate",
        _PT,
        (
            SampleCert(
                "issa_cpt",
                -200,
                "0039920",
                "ISSA Certified Fitness Trainer",
                "ISSA",
                "16",
                "grace",
                issued_years=4,
            ),
        ),
        (
            _a(-1000, 3, "CEU"),
            _a(-900, 4, "CEU"),
            _a(-700, 6, "hours"),
            _a(-400, 6, "CEU", "ISSA"),
            _a(-100, 4, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-6002318", -600, 130),
    ),
    SampleTrainer(  # cpr not required; k=250, S=-480: 6 + 4 + 5 + 3 = 18 (+3 CPR) >= 16 -> met
        "NG-307",
        "Nadia",
        "Petrova",
        "Northgate",
        _PIL,
        (SampleCert("npcp_ncpt", 250, "NCPT-02210", "PMA Certified Pilates Teacher", "NCPT", "21", "met"),),
        (
            _a(-600, 4, "CEC"),
            _a(-450, 6, "CEC"),
            _a(-300, 4, "hours"),
            _a(-150, 5, "CEC", "PMA"),
            _a(-60, 3, "CEC"),
        ),
        SampleCpr("CPR/AED", "RC-2290475", -50, 680),
    ),
    SampleTrainer(  # bare "ACE" = ace_cpt; k=150, S=-580: 0.3 + 0.3 = 0.6 / 2.0 = 0.30 < 0.79 - 0.25 -> behind
        "NG-308",
        "Samuel",
        "Adeyemi",
        "Northgate",
        _PT,
        (SampleCert("ace_cpt", 150, "001944", "ACE Certified Personal Trainer", "ACE", "0.6", "behind"),),
        (
            _a(-700, 0.5, "CEC"),
            _a(-620, 2, "hours"),
            _a(-450, 0.3, "CEC", "ACE"),
            _a(-200, 3, "hours"),
            _a(40, 1.0, "CEC", "ACE"),
        ),
        SampleCpr("AHA BLS", "AHA-236642", -300, 430),
    ),
    SampleTrainer(  # k=20, S=-710: 5 + 4 + 3 + 2 = 14, + 2 for the CPR card issued in cycle = 16 >= 15 -> met
        "NG-309",
        "Lucía",
        "Torres",
        "Northgate",
        _GFI,
        (
            SampleCert(
                "afaa_cgfi",
                20,
                "AF-27415",
                "AFAA Group Fitness Instructor",
                "AFAA Group Fitness",
                "16",
                "met",
            ),
        ),
        (
            _a(-800, 4, "CEU"),
            _a(-650, 5, "CEU", "AFAA"),
            _a(-400, 4, "hours"),
            _a(-180, 3, "CEU"),
            _a(-30, 2, "hours", "AFAA"),
            _a(12, 2, "CEU", "AFAA"),
        ),
        SampleCpr("CPR/AED", "RC-8154420", -200, 530),
    ),
    SampleTrainer(  # k=250, S=-480: 4 (8 h) + 3 + 3 (6 h) = 10 (+2 CPR) = 12 >= 10 -> met
        "NG-310",
        "Jack",
        "Taylor",
        "Northgate",
        _PT,
        (
            SampleCert(
                "ncsf_cpt", 250, "NC-007731", "NCSF Certified Personal Trainer", "NCSF CPT", "12", "met"
            ),
        ),
        (
            _a(-700, 3, "CEU"),
            _a(-450, 8, "hours"),
            _a(-300, 3, "CEU", "NCSF"),
            _a(-120, 6, "hours"),
            _a(30, 4, "hours", "NCSF"),
        ),
        SampleCpr("CPR/AED", "RC-3378861", -200, 530),
    ),
    SampleTrainer(  # k=-400 > NASM grace 365 -> expired
        "NG-311",
        "Peter",
        "Novak",
        "Northgate",
        _PT,
        (SampleCert("nasm_cpt", -400, "000612", "NASM CPT", "NASM-CPT", "1.0", "expired", issued_years=4),),
        (
            _a(-1300, 1.0, "CEU"),
            _a(-1000, 0.5, "CEU"),
            _a(-800, 4, "hours"),
            _a(-200, 0.3, "CEU"),
            _a(-50, 2, "hours"),
        ),
        SampleCpr("CPR/AED", "RC-1067734", -1000, -270),
    ),
)

# A CE log row whose staff id matches nobody: rejected.
_UNKNOWN_STAFF_ROW = ("DT-199", -45, "Kettlebell Fundamentals", "StrongFirst", 6, "hours", "")

SAMPLE_INTENT: dict[str, dict[str, str]] = {
    t.name: {c.credential: c.intent for c in t.certs} for t in SAMPLE_TRAINERS
}


def _matrix_status(status: str, days_left: int) -> str:
    """A matrix has expiry dates only: met/behind cannot be known, so status comes from dates (standing.md)."""
    if status in ("expired", "grace", "at_risk"):
        return status
    return "at_risk" if days_left <= SAMPLE_WINDOW else "on_track"


MATRIX_INTENT: dict[str, dict[str, str]] = {
    t.name: {c.credential: _matrix_status(c.intent, c.expires) for c in t.certs} for t in SAMPLE_TRAINERS
}


# Helpers ------------------------------------------------------------------------------------------------------
def _ascii(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in s if ch.isascii() and (ch.isalnum() or ch == "-"))


def _years_before(d: date, years: int) -> date:
    """Calendar years back; 29 Feb becomes 28 Feb (as standing.md computes cycle starts)."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _us(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _serial(d: date) -> int:
    """Excel serial day number: written with a date format it is a real date cell, and fast to write."""
    return (d - _EXCEL_EPOCH).days


def _doc_time(anchor: date) -> datetime:
    """Fixed document timestamp so a given anchor always gives the same bytes."""
    return datetime(anchor.year, anchor.month, anchor.day, 8, 0, 0)


def _workbook(buffer: io.BytesIO, anchor: date, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    if constant_memory:
        options["constant_memory"] = True
    else:
        options["in_memory"] = True  # in-memory zips carry a fixed 1980 timestamp
    wb = xlsxwriter.Workbook(buffer, options)
    wb.set_properties(
        {
            "title": "Recert sample data",
            "author": "Recert",
            "company": "Recert sample",
            "created": _doc_time(anchor),
        }
    )
    return wb


_COURSES: dict[str, tuple[tuple[str, str], ...]] = {
    "NASM": (
        ("Corrective Exercise Specialization", "NASM"),
        ("Performance Enhancement Specialist", "NASM"),
        ("Senior Fitness Specialization", "NASM"),
        ("Certified Nutrition Coach", "NASM"),
    ),
    "ACE": (
        ("Functional Training Specialist", "ACE"),
        ("Behavior Change Specialist", "ACE"),
        ("Group Fitness Choreography Workshop", "ACE"),
        ("Health Coach Fundamentals", "ACE"),
    ),
    "ISSA": (
        ("Strength and Conditioning", "ISSA"),
        ("Exercise Therapy", "ISSA"),
        ("Glute Specialist", "ISSA"),
    ),
    "AFAA": (
        ("Indoor Cycling Instructor", "AFAA"),
        ("Mat Science", "AFAA"),
        ("Group Strength Workshop", "AFAA"),
    ),
    "ACSM": (
        ("ACSM Annual Meeting", "ACSM"),
        ("Exercise is Medicine Credential", "ACSM"),
        ("Clinical Populations Webinar Series", "ACSM"),
    ),
    "NCSF": (("Advanced Concepts of Strength & Conditioning", "NCSF"), ("Sport Nutrition", "NCSF")),
    "NSCA": (
        ("NSCA National Conference", "NSCA"),
        ("Coaches Conference", "NSCA"),
        ("Essentials of Tactical Strength", "NSCA"),
    ),
    "Yoga Alliance": (
        ("Yin Yoga Training", "Samsara Yoga School"),
        ("Anatomy for Yoga Teachers", "YogaMed"),
        ("Pranayama Intensive", "Samsara Yoga School"),
    ),
    "PMA": (
        ("Reformer Level 2", "Balanced Body"),
        ("Pilates for Pre/Postnatal", "Polestar Pilates"),
        ("Pilates Method Alliance Conference", "PMA"),
    ),
    "": (
        ("TRX Suspension Training Course", "TRX"),
        ("Kettlebell Fundamentals", "StrongFirst"),
        ("Mobility and Recovery Workshop", "Club in-service"),
        ("First Aid Refresher", "St John"),
        ("IDEA World Convention", "IDEA"),
        ("Motivational Interviewing Basics", "Club in-service"),
        ("Zumba Instructor Network Update", "Zumba Fitness"),
    ),
}


def _course(rng: random.Random, approved_for: str) -> tuple[str, str]:
    key = approved_for.split(";")[0].strip()
    return rng.choice(_COURSES.get(key, _COURSES[""]))


# Sample files -------------------------------------------------------------------------------------------------
def build_sample(anchor: date) -> dict[str, bytes]:
    """The three sample files (filename -> bytes) for viewing at ``anchor``; same anchor, same bytes."""
    return {
        ROSTER_FILE: _roster_csv(anchor),
        WORKBOOK_FILE: _sample_workbook(anchor),
        MATRIX_FILE: _matrix_workbook(anchor),
    }


def _roster_rows(anchor: date) -> tuple[list[list[str]], dict[int, str]]:
    """Roster lines (title, blank, header, data, Total) and the 1-based line numbers that must be rejected."""
    width = len(ROSTER_HEADERS)
    rows: list[list[str]] = [
        ["Certification roster - all clubs"] + [""] * (width - 1),
        [""] * width,
        list(ROSTER_HEADERS),
    ]
    rejects: dict[int, str] = {}
    total = 0.0
    for t in SAMPLE_TRAINERS:
        cpr = _us(anchor + timedelta(t.cpr.expires)) if t.cpr else ""
        for c in t.certs:
            rows.append(
                [
                    c.roster_trainer or t.name,
                    t.club,
                    t.role,
                    c.roster_name,
                    c.number,
                    _us(anchor + timedelta(c.expires)),
                    c.roster_credits,
                    cpr,
                    c.note,
                ]
            )
            total += _excel_sum_value(c.roster_credits)
        for r in t.roster_rejects:
            rows.append(
                [t.name, t.club, t.role, r.certification, r.number, r.expires_text, r.credits, cpr, ""]
            )
            rejects[len(rows)] = r.reason
    rows.append(["Total", "", "", "", "", "", f"{total:g}", "", ""])
    return rows, rejects


def _excel_sum_value(cell: str) -> float:
    """What Excel's SUM takes from a cell: numbers count, text such as "12 hrs" is skipped."""
    try:
        return float(cell)
    except ValueError:
        return 0.0


def _roster_csv(anchor: date) -> bytes:
    """A long roster as Excel saves "CSV UTF-8": BOM, commas, CRLF, every line padded to the same width."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_roster_rows(anchor)[0])
    return out.getvalue().encode("utf-8-sig")


def _ce_rows(anchor: date) -> tuple[list[list[object]], dict[int, str]]:
    """CE log data rows (dates as ``date``; "TBD" kept as text) and the rejected ones by 0-based data index."""
    rng = random.Random(2026)
    rows: list[list[object]] = []
    rejects: dict[int, str] = {}
    for t in SAMPLE_TRAINERS:
        for a in t.activities:
            course, provider = _course(rng, a.approved_for)
            when: object = "TBD" if a.day is None else anchor + timedelta(a.day)
            if a.reject:
                rejects[len(rows)] = a.reject
            rows.append([t.staff_id, when, course, provider, a.amount, a.unit, a.approved_for])
    staff, day, course, provider, amount, unit, body = _UNKNOWN_STAFF_ROW
    rejects[len(rows)] = f"unknown staff id {staff}"
    rows.append([staff, anchor + timedelta(day), course, provider, amount, unit, body])
    return rows, rejects


_CE_FIRST_ROW = 3  # 0-based: a title row and a blank row sit above the CE Log header


def sample_rejects() -> dict[str, dict[tuple[str, int], str]]:
    """Rows the engine must reject, as the user sees them: {file: {(sheet, Excel row): why}} (CSV sheet "")."""
    _, roster = _roster_rows(DEFAULT_ANCHOR)
    _, ce = _ce_rows(DEFAULT_ANCHOR)
    return {
        ROSTER_FILE: {("", line): why for line, why in roster.items()},
        WORKBOOK_FILE: {("CE Log", _CE_FIRST_ROW + 1 + i): why for i, why in ce.items()},
    }


def _sample_workbook(anchor: date) -> bytes:
    buffer = io.BytesIO()
    wb = _workbook(buffer, anchor)
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    title = wb.add_format({"bold": True, "font_size": 14})
    us_date = wb.add_format({"num_format": "mm/dd/yyyy"})
    iso_date = wb.add_format({"num_format": "yyyy-mm-dd"})

    staff = wb.add_worksheet("Staff")
    staff.write_row(0, 0, STAFF_HEADERS, bold)
    for i, t in enumerate(SAMPLE_TRAINERS, start=1):
        for col, value in enumerate((t.staff_id, t.first, t.last, t.email, t.club, t.role)):
            staff.write_string(i, col, value)
    staff.set_column(0, 0, 10)
    staff.set_column(1, 2, 14)
    staff.set_column(3, 3, 32)
    staff.set_column(4, 5, 28)
    staff.freeze_panes(1, 0)

    certs = wb.add_worksheet("Certifications")
    certs.write_row(0, 0, CERT_HEADERS, bold)
    r = 1
    for t in SAMPLE_TRAINERS:
        for c in t.certs:
            expires = anchor + timedelta(c.expires)
            issued = _years_before(expires, c.issued_years)
            _cert_row(certs, r, t.staff_id, c.workbook_name, c.number, issued, expires, us_date)
            r += 1
        if t.cpr:
            _cert_row(
                certs,
                r,
                t.staff_id,
                t.cpr.name,
                t.cpr.number,
                anchor + timedelta(t.cpr.issued),
                anchor + timedelta(t.cpr.expires),
                us_date,
            )
            r += 1
    certs.set_column(0, 0, 10)
    certs.set_column(1, 1, 34)
    certs.set_column(2, 4, 14)
    certs.freeze_panes(1, 0)

    log = wb.add_worksheet("CE Log")
    log.write_string(0, 0, "Continuing education log - all clubs", title)
    log.write_row(_CE_FIRST_ROW - 1, 0, CE_HEADERS, bold)
    rows, _ = _ce_rows(anchor)
    for i, (sid, when, course, provider, amount, unit, body) in enumerate(rows):
        r = _CE_FIRST_ROW + i
        log.write_string(r, 0, sid)
        if isinstance(when, date):
            log.write_datetime(r, 1, when, iso_date)
        else:
            log.write_string(r, 1, str(when))
        log.write_string(r, 2, course)
        log.write_string(r, 3, provider)
        if isinstance(amount, str):
            log.write_string(r, 4, amount)
        else:
            log.write_number(r, 4, amount)
        log.write_string(r, 5, unit)
        if body:
            log.write_string(r, 6, body)
    log.set_column(0, 0, 10)
    log.set_column(1, 1, 12)
    log.set_column(2, 2, 44)
    log.set_column(3, 3, 22)
    log.set_column(4, 5, 9)
    log.set_column(6, 6, 14)
    log.freeze_panes(_CE_FIRST_ROW, 0)
    wb.close()
    return buffer.getvalue()


def _cert_row(ws, r: int, sid: str, name: str, number: str, issued: date, expires: date, fmt) -> None:
    ws.write_string(r, 0, sid)
    ws.write_string(r, 1, name)
    ws.write_string(r, 2, number)  # text: leading zeros stay
    ws.write_datetime(r, 3, issued, fmt)
    ws.write_datetime(r, 4, expires, fmt)


def _matrix_workbook(anchor: date) -> bytes:
    """One row per trainer, one column per credential, expiry dates as real date cells (blank: not held)."""
    buffer = io.BytesIO()
    wb = _workbook(buffer, anchor)
    bold = wb.add_format({"bold": True, "bg_color": "#E2EFDA", "border": 1, "text_wrap": True})
    day = wb.add_format({"num_format": "dd mmm yyyy"})
    ws = wb.add_worksheet("Training Matrix")
    keys = list(MATRIX_COLUMNS)
    ws.write_row(0, 0, MATRIX_NAME_HEADERS + [MATRIX_COLUMNS[k] for k in keys], bold)
    for r, t in enumerate(SAMPLE_TRAINERS, start=1):
        ws.write_string(r, 0, t.name)
        ws.write_string(r, 1, t.club)
        held = {c.credential: c.expires for c in t.certs}
        if t.cpr:
            held["cpr"] = t.cpr.expires
        for i, key in enumerate(keys):
            if key in held:
                ws.write_datetime(r, 2 + i, anchor + timedelta(held[key]), day)
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 12)
    ws.set_column(2, 1 + len(keys), 13)
    ws.freeze_panes(1, 2)
    wb.close()
    return buffer.getvalue()


# Chain-size workbook ------------------------------------------------------------------------------------------
_FIRST = (
    "Ana",
    "José",
    "Zoë",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sofia",
    "Lucas",
    "Mia",
    "Ethan",
    "Chloé",
    "Daniel",
    "Aisha",
    "Kenji",
    "Priya",
    "Hannah",
    "Björn",
    "Lucía",
    "Samuel",
    "Fatima",
    "Ryan",
    "Isabella",
    "Oliver",
    "Grace",
    "Mei",
    "Chiara",
    "Nadia",
    "Jack",
    "Amelia",
    "Diego",
    "Ingrid",
    "Tomás",
    "Aaliyah",
    "Hiroshi",
    "Élodie",
    "Kwame",
    "Siobhán",
    "Rafael",
    "Yasmin",
    "Andrés",
    "Freya",
    "Omar",
    "Leilani",
    "Mikael",
    "Zara",
    "Nikolai",
    "Camila",
    "Dev",
)
_LAST = (
    "Silva",
    "Martínez",
    "Brontë",
    "Walsh",
    "Brown",
    "Williams",
    "Thompson",
    "Fernández",
    "Rossi",
    "Oliveira",
    "Kim",
    "Brooks",
    "Dubois",
    "Rahman",
    "Watanabe",
    "Patel",
    "Müller",
    "Andersson",
    "Torres",
    "Adeyemi",
    "Al-Sayed",
    "Murphy",
    "García",
    "Smith",
    "O'Connor",
    "Chen",
    "Bianchi",
    "Petrova",
    "Taylor",
    "Novak",
    "Nguyen",
    "Kowalski",
    "Haddad",
    "Søren",
    "Ibáñez",
    "Okafor",
    "Lindqvist",
    "Papadopoulos",
    "Dvořák",
    "Mendes",
    "Schmidt",
    "Yilmaz",
    "Costa",
    "Hughes",
    "Tanaka",
    "Jensen",
    "Ferreira",
    "Ruiz",
    "Kaur",
    "Moreau",
)
_PLACES = (
    "Downtown",
    "Riverside",
    "Northgate",
    "Southbank",
    "Eastside",
    "Westfield",
    "Lakeside",
    "Hillcrest",
    "Parkview",
    "Harbour",
    "Old Town",
    "Uptown",
    "Midtown",
    "Greenway",
    "Bayview",
    "Stonebridge",
    "Maple Grove",
    "Cedar Park",
    "Kingsway",
    "Millbrook",
)
_SUFFIXES = ("", " North", " South", " East", " West", " Central", " Plaza", " Station", " Mall", " Park")
# (how the Certifications sheet spells it, approved-for body text, role, relative frequency)
_CHAIN_CREDS = (
    ("NASM-CPT", "NASM", _PT, 22),
    ("ACE Certified Personal Trainer", "ACE", _PT, 14),
    ("ACE Group Fitness Instructor", "ACE", _GFI, 10),
    ("ISSA Certified Fitness Trainer", "ISSA", _PT, 12),
    ("AFAA Group Fitness Instructor", "AFAA", _GFI, 8),
    ("ACSM-CPT", "ACSM", _PT, 7),
    ("NCSF Certified Personal Trainer", "NCSF", _PT, 5),
    ("NSCA-CSCS", "NSCA", _SC, 6),
    ("Yoga Alliance RYT", "Yoga Alliance", _YOGA, 7),
    ("PMA Certified Pilates Teacher", "PMA", _PIL, 6),
    ("Zumba Instructor", "", "Dance Fitness Instructor", 2),
    ("TRX Suspension Trainer", "", _PT, 1),
)
_CHAIN_WEIGHTS = [c[3] for c in _CHAIN_CREDS]
_CPR_NAMES = ("CPR/AED", "AHA BLS", "Red Cross CPR/AED", "CPR/AED")


def chain_clubs(n_trainers: int) -> int:
    """200 clubs for 10,000 trainers, scaled linearly (at least one)."""
    return max(1, round(n_trainers / 50))


def _club_names(n: int) -> list[str]:
    names = [p + s for s in _SUFFIXES for p in _PLACES]
    k = 2
    while len(names) < n:
        names += [f"{p}{s} {k}" for s in _SUFFIXES for p in _PLACES]
        k += 1
    return names[:n]


def _chain_people(n: int, anchor: date, rng: random.Random) -> Iterator[tuple]:
    """Per trainer: staff row, certification rows and CE rows, drawn from ``rng`` in a fixed order."""
    clubs = _club_names(chain_clubs(n))
    idx = range(len(_CHAIN_CREDS))
    for i in range(n):
        sid = 100001 + i
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        club = clubs[i % len(clubs)]
        k = rng.choices((1, 2, 3), weights=(35, 50, 15))[0]
        held: list[int] = []
        while len(held) < k:
            c = rng.choices(idx, weights=_CHAIN_WEIGHTS)[0]
            if c not in held:
                held.append(c)
        role = _CHAIN_CREDS[held[0]][2]
        staff = (sid, first, last, f"{_ascii(first)}.{_ascii(last)}.{sid}@example.com".lower(), club, role)
        certs = []
        for c in held:
            expires = anchor + timedelta(rng.randint(-500, 1000))
            issued = _years_before(expires, rng.choice((2, 2, 3, 4, 6)))
            certs.append((sid, _CHAIN_CREDS[c][0], f"{rng.randint(0, 9999999):07d}", issued, expires))
        if rng.random() < 0.9:
            issued = anchor + timedelta(rng.randint(-900, 0))
            certs.append(
                (
                    sid,
                    rng.choice(_CPR_NAMES),
                    f"{rng.randint(0, 999999):06d}",
                    issued,
                    issued + timedelta(730),
                )
            )
        bodies = [_CHAIN_CREDS[c][1] for c in held if _CHAIN_CREDS[c][1]]
        named = len(held) > 1  # a bare CEU for several credentials may be ambiguous: name the body
        ce = []
        for _ in range(rng.randint(5, 25)):
            day = anchor + timedelta(rng.randint(-1100, 60))
            hours = rng.random() < 0.4
            body = rng.choice(bodies) if bodies and (named or rng.random() < 0.6) else ""
            if hours:
                amount, unit = float(rng.choice((1, 2, 3, 4, 6, 8, 12, 16))), rng.choice(("hours", "hrs"))
            else:
                ten = body in ("NASM", "ACE", "NSCA") or (not body and bodies[:1] in (["NASM"], ["ACE"]))
                amount = rng.choice((0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5)) if ten else float(rng.randint(1, 8))
                unit = rng.choice(("CEU", "CEC"))
            if body == "ACE" and "NASM" in bodies and rng.random() < 0.3:
                body = "ACE; NASM"
            course, provider = _course(rng, body)
            ce.append((sid, day, course, provider, amount, unit, body))
        yield staff, certs, ce


def build_chain_workbook(n_trainers: int, *, anchor: date, seed: int = 7) -> bytes:
    """A chain-sized Staff / Certifications / CE Log workbook (10k trainers: 200 clubs, ~27k certification rows,
    ~150k CE rows), streamed with XlsxWriter ``constant_memory`` so it stays fast; same seed+anchor, same bytes.
    """
    if n_trainers < 1:
        raise ValueError("n_trainers must be at least 1")
    rng = random.Random(seed)
    people = list(_chain_people(n_trainers, anchor, rng))
    buffer = io.BytesIO()
    wb = _workbook(buffer, anchor, constant_memory=True)
    bold = wb.add_format({"bold": True})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})

    staff = wb.add_worksheet("Staff")
    certs = wb.add_worksheet("Certifications")
    log = wb.add_worksheet("CE Log")
    # constant_memory flushes a row once a later row is written, so each sheet is written top to bottom.
    staff.write_row(0, 0, STAFF_HEADERS, bold)
    ws, ws_num = staff.write_string, staff.write_number
    for r, (row, _, _) in enumerate(people, start=1):
        ws_num(r, 0, row[0])
        for col in range(1, 6):
            ws(r, col, row[col])

    certs.write_row(0, 0, CERT_HEADERS, bold)
    ws, wn = certs.write_string, certs.write_number
    r = 1
    for _, rows, _ in people:
        for sid, name, number, issued, expires in rows:
            wn(r, 0, sid)
            ws(r, 1, name)
            ws(r, 2, number)
            wn(r, 3, _serial(issued), day)
            wn(r, 4, _serial(expires), day)
            r += 1

    log.write_row(0, 0, CE_HEADERS, bold)
    ws, wn = log.write_string, log.write_number
    r = 1
    for _, _, rows in people:
        for sid, when, course, provider, amount, unit, body in rows:
            wn(r, 0, sid)
            wn(r, 1, _serial(when), day)
            ws(r, 2, course)
            ws(r, 3, provider)
            wn(r, 4, amount)
            ws(r, 5, unit)
            if body:
                ws(r, 6, body)
            r += 1
    wb.close()
    return buffer.getvalue()


def sample_readme(anchor: date) -> str:
    """``sample_data/README.md``: what each file is, and the as-of date it was generated to be viewed at."""
    counts = {
        s: sum(1 for certs in SAMPLE_INTENT.values() for v in certs.values() if v == s)
        for s in ("met", "on_track", "behind", "at_risk", "grace", "expired")
    }
    summary = ", ".join(f"{v} {k}" for k, v in counts.items())
    return f"""# Sample data

Generated by `python scripts/make_sample_data.py --anchor {anchor.isoformat()}` from `cpd/samples.py`
(deterministic: the same anchor gives the same bytes; tests check these files are fresh).

**View these files with as-of = {anchor.isoformat()} and a 90-day window.** All dates are placed relative to
that anchor; at a later as-of the statuses drift (regenerate with `--anchor` to move them).

The same {len(SAMPLE_TRAINERS)} fictional trainers at three clubs ({", ".join(CLUBS)}) appear in each file,
holding {sum(len(t.certs) for t in SAMPLE_TRAINERS)} certifications. At the anchor, the workbook alone (or the roster
alone) gives: {summary}. `SAMPLE_INTENT` in `cpd/samples.py` lists the intended status of every
certification.

| file | layout | what it shows |
| --- | --- | --- |
| `{ROSTER_FILE}` | long roster, one row per trainer x certification | Saved by Excel as "CSV UTF-8" (BOM, CRLF); a title line and a blank line above the header `{", ".join(ROSTER_HEADERS)}`; credentials written loosely ("NASM-CPT", "ACE PT", "ISSA", "Group Fitness (AFAA)", "Yoga Alliance"...); credits with units in the cell ("12 hrs", "0.8 CEC"); US dates (mm/dd/yyyy); certificate numbers with leading zeros; the same trainer written "Ana Silva" and "ana silva "; a "Total" row; 3 rows that must be rejected (expiry "soon", "TBC", and one with no expiry). |
| `{WORKBOOK_FILE}` | workbook: `Staff`, `Certifications`, `CE Log` | `Staff`: {", ".join(STAFF_HEADERS)}. `Certifications`: {", ".join(CERT_HEADERS)} (real date cells; CPR/AED cards as "CPR/AED" / "AHA BLS" rows). `CE Log` (title row above the header on row 3): {", ".join(CE_HEADERS)}, 5-7 rows per trainer, units CEU / CEC / hours / hrs, "Approved For" empty or naming bodies ("ACE; NASM"), courses booked after the anchor, and 4 rows that must be rejected: amount "lots", date "TBD", an unknown staff id, and "2 CEU" with no body for a trainer holding NASM (10 h) and ISSA (1 h). |
| `{MATRIX_FILE}` | training matrix | One row per trainer (Name, Club), one column per credential ({", ".join(MATRIX_COLUMNS.values())}), cells are expiry dates (blank when not held). No credits, so statuses come from dates only (`MATRIX_INTENT`). |

Cases covered: every status of `standing.md`; NASM, ACE (CPT and GFI), ISSA, AFAA, ACSM, NCSF, NSCA, Yoga
Alliance and NCPT certifications; a credential the catalogue does not know ("Zumba Instructor"); trainers with
two certifications (one valid, one in grace); CPR/AED cards current, expired, missing, and expiring before the
certification's renewal; CPR/AED credit that decides "met" (AFAA); credits complete but no CPR/AED (at risk).

A chain-sized workbook for benchmarks is not committed; make one with
`python scripts/make_sample_data.py --chain 10000 --out benchmarks/data/chain_10k.xlsx`.
"""


def synthetic_standing(
    n_trainers: int = 10_000, *, as_of: date = date(2026, 12, 1), seed: int = 3
) -> Standing:
    """A Standing shaped like the chain's: about 2.7 certifications per trainer, 200 clubs, the status mix the
    engine gives ``build_chain_workbook``, every standing field filled (built vectorised, in about a second)."""
    rng = np.random.default_rng(seed)
    T = pd.Timestamp(as_of)
    per = rng.choice([1, 2, 3, 4], size=n_trainers, p=[0.15, 0.25, 0.35, 0.25])
    tid = np.repeat(np.arange(n_trainers), per)
    n = len(tid)
    expires = T + pd.to_timedelta(rng.integers(-500, 1000, n), unit="D")
    status = rng.choice(np.array(STATUSES), size=n, p=[0.16, 0.10, 0.03, 0.03, 0.40, 0.28])
    required = np.full(n, 2.0)
    earned = np.round(rng.random(n) * 2.6, 2)
    names = np.array([f"Trainer {i:05d}" for i in range(n_trainers)], dtype=object)
    names[::997] = '=HYPERLINK("http://x","y")'
    clubs = np.array([f"Club {i % 200:03d}" for i in range(n_trainers)], dtype=object)
    s = pd.DataFrame(
        {
            "trainer_id": tid.astype(str),
            "trainer": names[tid],
            "club": clubs[tid],
            "role": "Personal Trainer",
            "credential": "nasm_cpt",
            "credential_name": "NASM CPT",
            "body": "NASM",
            "known": True,
            "number": [f"{x:07d}" for x in rng.integers(0, 10**7, n)],
            "issued": expires - pd.DateOffset(years=2),
            "expires": expires,
            "cycle_start": expires - pd.DateOffset(years=2),
            "required": required,
            "earned": earned,
            "remaining": np.clip(required - earned, 0, None),
            "unit": "CEU",
            "hours_per_unit": 10.0,
            "progress": np.clip(earned / required, 0, 1),
            "elapsed": rng.random(n),
            "days_left": (expires - T).days,
            "cpr_required": True,
            "cpr_current": pd.array(rng.random(n) < 0.92, dtype="boolean"),
            "cpr_expires": T + pd.to_timedelta(rng.integers(-200, 700, n), unit="D"),
            "status": status,
            "reasons": [
                [
                    "expires in 60 days (31 Jul 2026): needs 0.3 more CEU (3 hours) (1.7 of 2 earned)",
                    f"CPR/AED expires {i % 28 + 1} Mar 2027, before renewal",
                ]
                for i in range(n)
            ],
            "urgency": 0,
            "cert_key": [f"{i}|nasm_cpt" for i in range(n)],
        },
        columns=STANDING_COLUMNS,
    )
    t = pd.DataFrame(
        {
            "trainer_id": np.arange(n_trainers).astype(str),
            "trainer": names,
            "club": clubs,
            "role": "Personal Trainer",
            "email": [f"t{i}@example.com" for i in range(n_trainers)],
            "compliant": True,
            "status": "on_track",
            "certifications": per,
            "next_expiry": T + pd.Timedelta(days=30),
        },
        columns=TRAINER_RESULT_COLUMNS,
    )
    ledger = pd.DataFrame(
        {
            "file": "chain.xlsx",
            "sheet": "Certifications",
            "row": np.arange(2, n + 2),
            "fate": "accepted",
            "column": "",
            "reason": "",
            "trainer": names[tid],
        }
    )
    return Standing(
        as_of=as_of,
        window=90,
        standings=s,
        trainers=t,
        activities=pd.DataFrame(columns=ACTIVITY_COLUMNS),
        contributions=pd.DataFrame(columns=CONTRIBUTION_COLUMNS),
        ledger=ledger,
        mappings=(),
        warnings=(),
        rules_version="synthetic",
        cpr_cards=pd.DataFrame(columns=CARD_RESULT_COLUMNS),
    )
