"""A seeded corpus of the workbooks managers upload, for comparing two readers field by field (issue 16).

``workbook(seed)`` is a pure function of the seed: the same seed gives the same bytes (zip timestamps and
document dates are fixed). Each workbook says what it exercises, so a mismatch names both the seed and the
kind of input behind it. The corpus covers the whole class described in ``shared/domain/inputs.md``: flat
rosters, training matrices and staff / certifications / CE-log workbooks; titles and blank rows above the
header, empty leading columns, merged two-row headers, mixed-type columns, every kind of cell a spreadsheet
stores (dates and date-times, times, durations, booleans, errors, formulas with and without cached values,
numbers with a leading-zero format), long, unicode and formula-looking text, the 1904 date system, hidden
sheets, rows and columns, sheets of thousands of rows, and hostile or damaged files that must be refused.

Three writers, as real files come: openpyxl (shared strings, plain error cells, formulas without a cached
value), XlsxWriter (shared strings; inline strings in constant-memory mode; formulas with cached values, a
chart sheet) and a writer of the XML itself (LibreOffice-like inline or shared strings, ISO date cells,
formula strings, rows and cells without references).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

N_WORKBOOKS = (
    320  # the corpus the suite reads (tests/test_reader_differential.py); more seeds are a slow sweep
)
FAST_PREFIX = 100  # seeds below it are all in the suite's fast set (see fast_seeds)
N_UPLOADS = 24  # groups of several files uploaded together
_FIXED_TIME = (2026, 1, 1, 0, 0, 0)
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


@dataclass(frozen=True)
class Workbook:
    """One generated file: its name, its bytes and what it exercises ("hostile:..." ones must be refused)."""

    seed: int
    name: str
    data: bytes
    exercises: tuple[str, ...]

    @property
    def hostile(self) -> bool:
        return any(t.startswith(("hostile:", "damaged")) for t in self.exercises)


# Cell markers -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Err:
    """An error cell as Excel stores it (#N/A, #DIV/0!, ...)."""

    code: str


@dataclass(frozen=True)
class Formula:
    """A formula (without '=') and the value the saving program cached (None: no cached value)."""

    text: str
    cached: object = None


@dataclass(frozen=True)
class Styled:
    """A number shown through a number format: "00000" (leading zeros), a date format on a serial, "0.00"."""

    value: float | int
    fmt: str


@dataclass
class SheetSpec:
    name: str
    rows: list[list[object]]  # from Excel row 1 and column A; None is an empty cell
    state: str = "visible"  # "hidden" | "veryHidden"
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r0, c0, r1, c1
    hidden_rows: tuple[int, ...] = ()  # 1-based Excel rows
    hidden_cols: tuple[int, ...] = ()  # 0-based columns
    date_format: str = "yyyy-mm-dd"


@dataclass
class BookSpec:
    sheets: list[SheetSpec]
    date1904: bool = False
    chart_sheet: bool = False  # XlsxWriter only: a chart sheet between the worksheets


# Vocabulary -------------------------------------------------------------------------------------------------
FIRST = ["Ana", "Leo", "Maya", "José", "Chloé", "Priya", "Sam", "Élise", "Diego", "Mei", "Omar", "Zoë", "Ivy"]
LAST = [
    "Silva",
    "Martins",
    "Chen",
    "Núñez",
    "Raman",
    "Okafor",
    "Tremblay",
    "Rojas",
    "Tanaka",
    "Haddad",
    "Lam",
]
ODD_NAMES = [
    "محمد علي",  # Arabic, right to left
    "שרה כהן",  # Hebrew
    "李小龙",
    "Zoë 💪🏽 Park",
    "Ame\u0301lie Roy",  # combining accent
    "\u200fNadia Saleh",  # right-to-left mark in front
    '=HYPERLINK("http://x","y")',
    "+SUM(A1)",
    "@cmd",
    "-2+3",
    "<img src=x onerror=alert(1)>",
    "  Ana Silva  ",
    "silva, ana",
    "O'Brien-Smythe, Siobhán",
    "line one\nline two",
]
CLUBS = [
    "Downtown",
    "Riverside",
    "24/7 Fitness",
    "Club Montréal",
    "Downtown / Riverside",
    "Eastgate",
    "Sede Polanco",
]
CREDENTIALS = [
    "NASM CPT",
    "NASM-CPT",
    "ACE GFI",
    "ACE PT",
    "ISSA CPT",
    "NSCA CSCS",
    "ACSM CPT",
    "Group Fitness (AFAA)",
    "Yoga Alliance RYT 200",
    "canfitpro PTS",
    "Zumba Instructor",
    "NASM",
    "ACE",
    "CPR/AED",
    "AHA BLS",
]
MATRIX_CREDENTIALS = ["NASM CPT", "ACE GFI", "ISSA CPT", "Zumba Instructor", "canfitpro PTS", "NSCA CSCS"]
MATRIX_WORDS = ["N/A", "n/a", "-", "none", "no", "expired", "pending", "booked", "in progress", "Exp 03/2027",
                "exp. 3/27", "valid to 31/03/2027", "TBD"]  # fmt: skip
LONG_TEXT = ("Notes about this trainer: " + "lorem ipsum dolor sit amet, ") * 1200  # ~34,000 characters

# Header spellings by field and language (the vocabulary of cpd/headers.yaml, as managers write it).
HEADERS: dict[str, dict[str, list[str]]] = {
    "trainer": {
        "en": ["Trainer", "Employee", "Staff name", "Name", "Instructor", "Trainer name"],
        "fr": ["Nom complet", "Employé", "Entraîneur"],
        "es": ["Nombre completo", "Empleado", "Entrenador"],
    },
    "trainer_id": {"en": ["Staff ID", "Employee ID", "Emp #"], "fr": ["Matricule"], "es": ["Legajo"]},
    "club": {"en": ["Club", "Location", "Site", "Home club"], "fr": ["Succursale"], "es": ["Sede"]},
    "credential": {
        "en": ["Certification", "Cert", "Credential", "Cert Body"],
        "fr": ["Certification"],
        "es": ["Certificación"],
    },
    "number": {"en": ["Cert #", "Number", "Cert No."], "fr": ["Numéro"], "es": ["Número"]},
    "issued": {"en": ["Issued", "Issue date", "Date issued"], "fr": ["Date d'émission"], "es": ["Emitida"]},
    "expires": {
        "en": ["Expiration", "Exp. Date (mm/dd/yyyy)", "Valid until", "Expires", "Expiry"],
        "fr": ["Date d'expiration"],
        "es": ["Fecha de vencimiento"],
    },
    "credits": {"en": ["CEUs earned", "CE hours", "Credits"], "fr": ["UEC"], "es": ["Horas"]},
    "cpr": {
        "en": ["CPR/AED exp", "First aid / CPR valid until", "Red Cross CPR exp", "AHA BLS expiry"],
        "fr": ["RCR/DEA exp."],
        "es": ["RCP vence"],
    },
    "email": {"en": ["Email", "Work email"], "fr": ["Courriel"], "es": ["Correo"]},
    "role": {"en": ["Role", "Job title"], "fr": ["Poste"], "es": ["Puesto"]},
}
EXTRA_COLUMNS = [
    "Notes",
    "Shoe size",
    "Active",
    "Class time",
    "Last updated",
    "Avg session",
    "Check",
    "Score",
]


def _header(rng: random.Random, fld: str, lang: str) -> str:
    spellings = HEADERS[fld]
    return rng.choice(spellings.get(lang) or spellings["en"])


# Cell values --------------------------------------------------------------------------------------------------
class _Cells:
    """Draws cell values of each kind, recording what they exercise."""

    def __init__(self, rng: random.Random, tags: set[str], *, date1904: bool, tidy: bool = False) -> None:
        self.rng = rng
        self.tags = tags
        self.date1904 = date1904
        # Every column of one kind (blanks, errors and "n/a" aside), as big HR and LMS exports are: the sheets
        # the arrow reader reads through typed columns. Otherwise columns mix kinds as hand-kept sheets do.
        self.tidy = tidy
        self.number_style = rng.choice(["text", "int"])

    def tag(self, *names: str) -> None:
        self.tags.update(names)

    def name(self) -> str:
        rng = self.rng
        if rng.random() < 0.08:
            odd = rng.choice(ODD_NAMES)
            self.tag("unicode" if odd[:1] not in "=+@-<" else "formula_text")
            if any("\u0590" <= ch <= "\u06ff" for ch in odd):
                self.tag("rtl")
            if any(ord(ch) > 0xFFFF for ch in odd):
                self.tag("emoji")
            return odd
        first, last = rng.choice(FIRST), rng.choice(LAST)
        return f"{last}, {first}" if rng.random() < 0.15 else f"{first} {last}"

    def serial(self, when: dt.datetime) -> float:
        base = _EPOCH_1904 if self.date1904 else _EPOCH_1900
        delta = when - base
        return delta.days + delta.seconds / 86400

    def profile(self) -> str:
        """How clean a column is: one kind of value ("clean"), one kind and blanks, errors or "n/a" ("nulls"),
        or anything ("mixed"). Big exports are mostly clean columns with a few mixed ones: the arrow reader
        reads the first two through typed columns and falls back to the cells path on the third."""
        p = self.rng.choice(
            ["clean", "nulls"] if self.tidy else ["clean", "clean", "nulls", "mixed", "mixed"]
        )
        self.tag(f"column_{p}")
        return p

    def null(self) -> object:
        """What a typed column holds besides its type: blanks, error cells and the texts meaning "no value"
        ("nan" rarely: a reader may have to give up on a sheet holding one)."""
        self.tag("typed_column_nulls")
        if self.rng.random() < 0.003:
            return self.rng.choice(["nan", "NaN"])
        return self.rng.choice(
            [None, None, Err("#N/A"), Err("#DIV/0!"), "n/a", "NA", "null", "N/A", "", "None", "#N/A", "NULL"]
        )

    def date(self, order: str, *, lo: int = 2023, hi: int = 2029, profile: str = "mixed") -> object:
        """A date as managers' files hold one: a date cell, a serial, text in a column's order, or not a date."""
        rng = self.rng
        d = dt.date(rng.randint(lo, hi), rng.randint(1, 12), rng.randint(1, 28))
        k = rng.random()
        if profile != "mixed":
            if profile == "nulls" and k < 0.12:
                return self.null()
            if self.tidy or k < 0.9:  # in a tidy sheet, date cells only (as one program wrote them all)
                self.tag("date_cells")
                return d
            self.tag("serial_with_date_format")
            return Styled(self.serial(dt.datetime(d.year, d.month, d.day)), "dd/mm/yyyy")
        if k < 0.40:
            self.tag("date_cells")
            return d
        if k < 0.47:
            self.tag("datetimes")
            return dt.datetime(d.year, d.month, d.day, rng.randint(0, 23), rng.choice([0, 15, 30, 59]))
        if k < 0.52:
            self.tag("serial_with_date_format")
            return Styled(
                self.serial(dt.datetime(d.year, d.month, d.day)), rng.choice(["dd/mm/yyyy", "m/d/yy"])
            )
        if k < 0.55:
            self.tag("bare_serial")
            return int(self.serial(dt.datetime(d.year, d.month, d.day)))
        if k < 0.72:
            if order == "dmy":
                self.tag("text_dates_dmy")
                return f"{d.day:02d}/{d.month:02d}/{d.year}"
            self.tag("text_dates_mdy")
            return f"{d.month:02d}/{d.day:02d}/{d.year}"
        if k < 0.78:
            self.tag("text_dates_iso")
            return d.isoformat()
        if k < 0.82:
            self.tag("text_dates_words")
            return rng.choice([d.strftime("%b %d %Y"), d.strftime("%d-%b-%y")])
        if k < 0.87:
            self.tag("n/a")
            return rng.choice(["n/a", "N/A", "-", "", "TBD", "expired", "soon", " "])
        if k < 0.90:
            self.tag("errors")
            return Err(rng.choice(["#N/A", "#VALUE!", "#REF!"]))
        if k < 0.93:
            self.tag("formulas")
            cached = self.serial(dt.datetime(d.year, d.month, d.day))
            return Formula(f"DATE({d.year},{d.month},{d.day})", rng.choice([cached, None]))
        if k < 0.95:
            self.tag("implausible_dates")
            return rng.choice(
                [dt.date(1900, 1, 1), dt.date(2099, 12, 31), Styled(0, "mm/dd/yyyy"), dt.date(1950, 1, 1)]
            )
        if k < 0.97:
            self.tag("booleans")
            return rng.choice([True, False])
        self.tag("times")
        return dt.time(rng.randint(0, 23), rng.randint(0, 59))

    def amount(self, profile: str = "mixed") -> object:
        rng = self.rng
        k = rng.random()
        if profile != "mixed":
            if profile == "nulls" and k < 0.12:
                return self.null()
            if k < 0.9:
                return rng.choice([0, 0.5, 1, 1.2, 1.5, 2, 3.5, 10, 20, 0.1 + 0.2])
            self.tag("huge_and_tiny_numbers")
            return rng.choice([1e300, -0.0, 5e-324, 123456789012345678, -3, Styled(1.25, "0.00")])
        if k < 0.40:
            return rng.choice([0, 0.5, 1, 1.2, 1.5, 2, 3.5, 10, 20, 0.1 + 0.2])
        if k < 0.50:
            self.tag("numbers_as_text")
            return rng.choice(["1.5", "2", " 3 ", "0.8", "1e1"])
        if k < 0.57:
            self.tag("decimal_comma")
            return rng.choice(["1,5", "2,5", "12,5 h", "0,8"])
        if k < 0.64:
            self.tag("amounts_with_units")
            return rng.choice(
                ["12 hrs", "1.5 CEU", "0.5 CEUs / 5 hrs", "6 hours", "1.0 CEU (10 contact hours)"]
            )
        if k < 0.70:
            self.tag("n/a")
            return rng.choice(["n/a", "", "-", "lots", None])
        if k < 0.75:
            self.tag("formulas")
            return Formula("SUM(1,2)/2", rng.choice([1.5, None, "1.5"]))
        if k < 0.79:
            self.tag("errors")
            return Err(rng.choice(["#DIV/0!", "#N/A", "#NUM!"]))
        if k < 0.83:
            self.tag("durations")
            return dt.timedelta(hours=rng.randint(0, 40), minutes=rng.choice([0, 30]))
        if k < 0.86:
            self.tag("booleans")
            return rng.choice([True, False])
        if k < 0.90:
            self.tag("styled_numbers")
            return Styled(rng.choice([1.25, 2, 1234.5]), rng.choice(["0.00", "#,##0.0", "0%"]))
        if k < 0.93:
            self.tag("huge_and_tiny_numbers")
            return rng.choice([1e300, -0.0, 5e-324, 123456789012345678, -3])
        return rng.choice([1, 2, 4, 8])

    def _tidy_extra(self, column: str) -> object:
        rng = self.rng
        if rng.random() < 0.1:
            return self.null()
        if column == "Notes":
            self.tag("long_text", "formula_text", "unicode")
            return rng.choice(["new starter", LONG_TEXT[:2000], ODD_NAMES[6], "🏋️ ✓", "line one\nline two"])
        if column == "Active":
            self.tag("booleans")
            return rng.choice([True, False])
        if column == "Class time":
            self.tag("times")
            return dt.time(rng.randint(0, 23), rng.choice([0, 30]), rng.choice([0, 59]))
        if column == "Last updated":
            self.tag("datetimes")
            return dt.datetime(
                2026, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
            )
        if column == "Avg session":
            self.tag("durations")
            return dt.timedelta(minutes=rng.choice([45, 60, 90, 1500]))
        if column == "Check":
            self.tag("errors", "formulas")
            return rng.choice([Err("#N/A"), Formula("1+1", 2), 3])
        if column == "Score":
            return self.amount("clean")
        return rng.choice([38, 41.5, 44])

    def staff_id(self, i: int, style: str) -> object:
        """Staff ids in one style per column: leading-zero text, a number shown with zeros, a plain number."""
        if style == "text_zeros":
            self.tag("leading_zero_text")
            return f"{i:05d}"
        if style == "number_zeros":
            self.tag("leading_zero_number")
            return Styled(i, "00000")
        if style == "float":
            self.tag("ids_as_floats")
            return float(i)
        if style == "prefixed":
            return f"S{i:04d}"
        if style == "huge":
            self.tag("huge_ids")
            return 10**15 + i if self.rng.random() < 0.5 else f"{10**18 + i}"
        return i

    def cert_number(self) -> object:
        rng = self.rng
        if self.tidy:
            return (
                f"{rng.randint(0, 99999):06d}"
                if self.number_style == "text"
                else rng.randint(1000, 9_999_999)
            )
        k = rng.random()
        if k < 0.3:
            self.tag("leading_zero_text")
            return f"{rng.randint(0, 99999):06d}"
        if k < 0.5:
            return rng.randint(1000, 9_999_999)
        if k < 0.6:
            self.tag("leading_zero_number")
            return Styled(rng.randint(1, 9999), "000000")
        if k < 0.7:
            return None
        return f"{rng.choice(['G', 'CSCS', 'ISSA'])}-{rng.randint(10, 99999)}"

    def extra(self, column: str) -> object:
        """Values of the columns Recert ignores, which a reader must still carry through."""
        rng = self.rng
        if self.tidy:
            return self._tidy_extra(column)
        if column == "Notes":
            k = rng.random()
            if k < 0.04:
                self.tag("long_text")
                return LONG_TEXT[: rng.choice([300, 5000, 32767])]
            if k < 0.1:
                self.tag("formula_text")
                return rng.choice(ODD_NAMES[6:11])
            if k < 0.15:
                self.tag("unicode", "emoji")
                return "🏋️ new starter ✓"
            return rng.choice([None, "", "new starter", "on leave", "line one\nline two", "_x000D_ literal"])
        if column == "Active":
            self.tag("booleans")
            return rng.choice([True, False, None, "yes"])
        if column == "Class time":
            self.tag("times")
            return rng.choice([dt.time(6, 30), dt.time(18, 0), dt.time(23, 59, 59), "6pm", None])
        if column == "Last updated":
            self.tag("datetimes")
            return dt.datetime(
                2026,
                rng.randint(1, 12),
                rng.randint(1, 28),
                rng.randint(0, 23),
                rng.randint(0, 59),
                rng.randint(0, 59),
            )
        if column == "Avg session":
            self.tag("durations")
            return dt.timedelta(minutes=rng.choice([45, 60, 90, 1500]))
        if column == "Check":
            self.tag("errors", "formulas")
            return rng.choice(
                [
                    Err("#N/A"),
                    Err("#DIV/0!"),
                    Formula("1/0", Err("#DIV/0!")),
                    Formula('"ok"', "ok"),
                    Formula("1=1", True),
                ]
            )
        if column == "Score":
            return self.amount()
        return rng.choice([None, 38, 41.5, "42 EU", "M"])


# Sheets of each layout ----------------------------------------------------------------------------------------
def _dressed(
    rng: random.Random, tags: set[str], header: list[str], body: list[list[object]], *, tidy: bool = False
) -> tuple[list[list[object]], int, int]:
    """Rows with what sits around a table: titles and blank rows above, empty leading columns, blank rows
    between, a total row. Returns (rows, Excel row of the header, leading empty columns)."""
    above: list[list[object]] = []
    for _ in range(rng.choice([0, 0, 0, 1, 2, 3, 4])):
        k = rng.random()
        if k < 0.4:
            above.append([])
            tags.add("blank_rows_above")
        elif k < 0.7:
            above.append(
                [
                    rng.choice(
                        ["Northside Fitness – trainer certifications", "Training matrix", "Staff list 2026"]
                    )
                ]
            )
            tags.add("title_rows")
        elif k < 0.85:
            above.append(["Printed", dt.date(2026, 5, 1)])
            tags.add("title_rows")
        else:
            above.append([None, None, "Confidential"])
            tags.add("title_rows")
    rows = [list(header)]
    for r in body:
        if rng.random() < 0.04:
            rows.append([])
            tags.add("blank_rows")
        rows.append(r)
    if rng.random() < 0.15 and not tidy:
        tags.add("total_row")
        rows.append(["Total"] + [None] * (len(header) - 2) + [Formula(f"SUM(A1:A{len(rows)})", 12.5)])
    lead = rng.choice([0, 0, 0, 0, 1, 2, 3])
    if lead:
        tags.add("leading_empty_columns")
    return [[None] * lead + r if r else [] for r in above + rows], len(above) + 1, lead


def _flat_roster(
    rng: random.Random, cells: _Cells, n: int, lang: str
) -> tuple[list[str], list[list[object]], list[str]]:
    fields = ["trainer", "credential", "expires"]
    fields += [
        f for f in ("trainer_id", "club", "number", "issued", "credits", "cpr", "email") if rng.random() < 0.5
    ]
    extras = rng.sample(EXTRA_COLUMNS, rng.choice([0, 0, 1, 2, 3]))
    order = fields + extras
    rng.shuffle(order)
    header = [_header(rng, f, lang) if f in HEADERS else f for f in order]
    date_order = rng.choice(["dmy", "mdy"])
    id_style = rng.choice(
        ["text_zeros", "number_zeros", "plain", "prefixed", "float"] + ([] if cells.tidy else ["huge"])
    )
    people = [(cells.name(), i + 1) for i in range(max(1, n // 2))]
    profiles = {f: cells.profile() for f in order if f in ("issued", "expires", "cpr", "credits")}
    body = []
    for _ in range(n):
        who, i = rng.choice(people)
        row: list[object] = []
        for f in order:
            if f == "trainer":
                row.append(who)
            elif f == "trainer_id":
                row.append(cells.staff_id(i, id_style))
            elif f == "club":
                row.append(rng.choice(CLUBS))
            elif f == "credential":
                row.append(rng.choice(CREDENTIALS))
            elif f == "number":
                row.append(cells.cert_number())
            elif f in ("issued",):
                row.append(cells.date(date_order, lo=2018, hi=2026, profile=profiles[f]))
            elif f in ("expires", "cpr"):
                row.append(cells.date(date_order, profile=profiles[f]))
            elif f == "credits":
                row.append(cells.amount(profiles[f]))
            elif f == "email":
                row.append(f"t{i}@club.example")
            else:
                row.append(cells.extra(f))
        body.append(row)
    return header, body, order


def _matrix(rng: random.Random, cells: _Cells, n: int, lang: str) -> tuple[list[str], list[list[object]]]:
    creds = rng.sample(MATRIX_CREDENTIALS, rng.randint(1, 4)) + (["CPR/AED"] if rng.random() < 0.7 else [])
    header = [_header(rng, "trainer", lang)] + ([_header(rng, "club", lang)] if rng.random() < 0.7 else [])
    credit_cols = rng.random() < 0.3
    for c in creds:
        header.append(c)
        if credit_cols and c != "CPR/AED":
            header.append(f"{c.split()[0]} CEUs")
    if rng.random() < 0.4:
        header.append("Notes")
    order = rng.choice(["dmy", "mdy"])
    profiles = {h: cells.profile() for h in header}
    body = []
    for _ in range(n):
        row: list[object] = [cells.name()]
        if len(header) > 1 and header[1] in sum(HEADERS["club"].values(), []):
            row.append(rng.choice(CLUBS))
        for h in header[len(row) :]:
            if h == "Notes":
                row.append(cells.extra("Notes"))
            elif h.endswith("CEUs"):
                row.append(cells.amount(profiles[h]))
            elif profiles[h] == "mixed" and rng.random() < 0.3:
                cells.tag("matrix_words")
                row.append(rng.choice(MATRIX_WORDS))
            else:
                row.append(cells.date(order, profile=profiles[h]))
        body.append(row)
    return header, body


def _staff_certs_log(
    rng: random.Random, cells: _Cells, n: int, lang: str
) -> list[tuple[str, list[str], list[list[object]]]]:
    """The three-sheet workbook (staff, certifications, CE log), ids written one way or differently per sheet."""
    staff_style = rng.choice(["text_zeros", "number_zeros", "plain", "prefixed", "float"])
    other_style = staff_style if rng.random() < 0.7 else rng.choice(["text_zeros", "plain", "float"])
    if other_style != staff_style:
        cells.tag("ids_written_differently_per_sheet")
    people = max(2, n // 4)
    staff_header = [
        _header(rng, "trainer_id", lang),
        "First name",
        "Last name",
        _header(rng, "email", lang),
        _header(rng, "club", lang),
        _header(rng, "role", lang),
    ]
    staff = []
    for i in range(1, people + 1):
        first, last = (cells.name().split(" ", 1) + [""])[:2]
        staff.append(
            [
                cells.staff_id(i, staff_style),
                first,
                last or rng.choice(LAST),
                f"p{i}@club.example",
                rng.choice(CLUBS),
                rng.choice(["PT", "Group", "Yoga", None]),
            ]
        )
    order = rng.choice(["dmy", "mdy"])
    p_issued, p_expires, p_date, p_amount = (cells.profile() for _ in range(4))
    certs_header = [_header(rng, "trainer_id", lang), "Credential", "Number", "Issued", "Expires"]
    certs = [
        [
            cells.staff_id(rng.randint(1, people), other_style),
            rng.choice(CREDENTIALS),
            cells.cert_number(),
            cells.date(order, lo=2018, hi=2026, profile=p_issued),
            cells.date(order, profile=p_expires),
        ]
        for _ in range(max(1, n // 2))
    ]
    log_header = [
        _header(rng, "trainer_id", lang),
        "Date",
        "Course",
        "Provider",
        "Amount",
        "Unit",
        "Approved for",
    ]
    log = [
        [
            cells.staff_id(rng.randint(1, people), other_style),
            cells.date(order, lo=2022, hi=2026, profile=p_date),
            rng.choice(
                ["Program design", "Kettlebells", "Mobility", "Nutrition basics", "First aid refresher"]
            ),
            rng.choice(["NASM", "ACE", "Red Cross", None]),
            cells.amount(p_amount),
            rng.choice(["CEU", "hours", "hrs", "CEC", "", None]),
            rng.choice(["NASM", "ACE; AFAA", "all", "", None]),
        ]
        for _ in range(n)
    ]
    names = rng.choice(
        [
            ("Staff", "Certifications", "CE log"),
            ("Personnel", "Certifications", "Journal FC"),
            ("Entrenadores", "Certificaciones", "Horas"),
        ]
    )
    return [(names[0], staff_header, staff), (names[1], certs_header, certs), (names[2], log_header, log)]


def _two_row_header(rng: random.Random, cells: _Cells, n: int) -> SheetSpec:
    """A merged "Certification" over "Name | Number | Expires" and "CPR / AED" over "Issued | Expires"."""
    cells.tag("merged_header")
    top = ["Trainer", "Club", "Certification", None, None, "CPR / AED", None, "CEUs earned"]
    sub = [None, None, "Name", "Number", "Expires", "Issued", "Expires", None]
    order = rng.choice(["dmy", "mdy"])
    ps = [cells.profile() for _ in range(4)]
    body = [
        [
            cells.name(),
            rng.choice(CLUBS),
            rng.choice(CREDENTIALS),
            cells.cert_number(),
            cells.date(order, profile=ps[0]),
            cells.date(order, lo=2022, hi=2026, profile=ps[1]),
            cells.date(order, profile=ps[2]),
            cells.amount(ps[3]),
        ]
        for _ in range(n)
    ]
    title = rng.random() < 0.6
    rows: list[list[object]] = (
        ([["Westside Gym — certification tracker"], []] if title else []) + [top, sub] + body
    )
    h = 2 if title else 0
    merges = [(h, 0, h + 1, 0), (h, 1, h + 1, 1), (h, 2, h, 4), (h, 5, h, 6), (h, 7, h + 1, 7)]
    if title:
        merges.append((0, 0, 0, 7))
    return SheetSpec("Certs", rows, merges=merges, date_format=rng.choice(["mm/dd/yyyy", "dd/mm/yyyy"]))


# Writers ------------------------------------------------------------------------------------------------------
def _letters(col: int) -> str:
    """0-based column -> Excel letters."""
    out = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _fixed(data: bytes, *, stored: bool = False) -> bytes:
    """The zip with fixed timestamps and document dates, so a seed always gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2026-01-01T00:00:00Z", body)
            z = zipfile.ZipInfo(info.filename, _FIXED_TIME)
            z.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            dst.writestr(z, body)
    return out.getvalue()


def _write_openpyxl(book: BookSpec) -> bytes:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if book.date1904:
        wb.epoch = CALENDAR_MAC_1904
    for spec in book.sheets:
        ws = wb.create_sheet(spec.name)
        for r, row in enumerate(spec.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(v, Err):
                    cell.value = v.code  # openpyxl stores its error codes as error cells
                elif isinstance(v, Formula):
                    cell.value = "=" + v.text  # openpyxl writes no cached value
                elif isinstance(v, Styled):
                    cell.value = v.value
                    cell.number_format = v.fmt
                else:
                    cell.value = v
                    if isinstance(v, str):
                        cell.data_type = "s"  # "=..." and "#N/A" typed as text stay text
                    elif isinstance(v, dt.datetime):
                        cell.number_format = "yyyy-mm-dd hh:mm"
                    elif isinstance(v, dt.date):
                        cell.number_format = spec.date_format
        for r0, c0, r1, c1 in spec.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for r in spec.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for c in spec.hidden_cols:
            ws.column_dimensions[_letters(c)].hidden = True
        if spec.state != "visible":
            ws.sheet_state = spec.state
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed(buf.getvalue())


def _write_xlsxwriter(book: BookSpec, *, constant_memory: bool) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "constant_memory": constant_memory,
            "date_1904": book.date1904,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    formats: dict[str, object] = {}

    def fmt(code: str) -> object:
        if code not in formats:
            formats[code] = wb.add_format({"num_format": code})
        return formats[code]

    def chart_sheet() -> None:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"values": f"='{book.sheets[0].name}'!$A$1:$A$3"})
        wb.add_chartsheet("Chart").set_chart(chart)

    for k, spec in enumerate(book.sheets):
        if book.chart_sheet and k == 1:  # between the worksheets
            chart_sheet()
        ws = wb.add_worksheet(spec.name)
        merged = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in spec.merges} if not constant_memory else {}
        covered = {
            (r, c)
            for (r0, c0), (r1, c1) in merged.items()
            for r in range(r0, r1 + 1)
            for c in range(c0, c1 + 1)
        }
        for r in spec.hidden_rows:
            ws.set_row(r - 1, None, None, {"hidden": True})
        for c in spec.hidden_cols:
            ws.set_column(c, c, None, None, {"hidden": True})
        for r, row in enumerate(spec.rows):
            for c, v in enumerate(row):
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    ws.merge_range(r, c, r1, c1, "" if v is None else str(v))
                    continue
                if v is None or (r, c) in covered:
                    continue
                if isinstance(v, Err):
                    ws.write_formula(
                        r, c, {"#N/A": "=NA()", "#DIV/0!": "=1/0"}.get(v.code, "=#REF!"), None, v.code
                    )
                elif isinstance(v, Formula):
                    cached = v.cached.code if isinstance(v.cached, Err) else v.cached
                    ws.write_formula(r, c, "=" + v.text, None, 0 if cached is None else cached)
                elif isinstance(v, Styled):
                    ws.write_number(r, c, v.value, fmt(v.fmt))
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(r, c, v, fmt("yyyy-mm-dd hh:mm"))
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, v, fmt(spec.date_format))
                elif isinstance(v, dt.time):
                    ws.write_datetime(r, c, v, fmt("hh:mm"))
                elif isinstance(v, dt.timedelta):
                    ws.write_datetime(r, c, v, fmt("[h]:mm"))
                elif isinstance(v, int | float):
                    ws.write_number(r, c, v)
                else:
                    ws.write_string(r, c, str(v))
        if spec.state == "hidden":
            ws.hide()
        elif spec.state == "veryHidden":
            ws.very_hidden()
    if book.chart_sheet and len(book.sheets) == 1:  # after the only worksheet
        chart_sheet()
    wb.close()
    return _fixed(buf.getvalue())


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _write_raw(book: BookSpec, *, shared: bool, refs: bool, iso_dates: bool, stored: bool = False) -> bytes:
    """The XML written by hand, as LibreOffice and export tools write it: inline (or shared) strings, formula
    strings (t="str"), ISO date cells (t="d"), error and boolean cells, and (``refs=False``) rows and cells
    without r attributes, placed by counting."""
    numfmts: dict[str, int] = {}
    xfs: list[int] = [0]

    def style(code: str) -> int:
        if code not in numfmts:
            numfmts[code] = 164 + len(numfmts)
            xfs.append(numfmts[code])
        return xfs.index(numfmts[code])

    strings: dict[str, int] = {}
    epoch = _EPOCH_1904 if book.date1904 else _EPOCH_1900

    def serial(v: dt.date | dt.datetime) -> str:
        when = v if isinstance(v, dt.datetime) else dt.datetime(v.year, v.month, v.day)
        d = when - epoch
        return repr(d.days + d.seconds / 86400) if d.seconds else str(d.days)

    def text(s: str) -> tuple[str, str]:
        if shared:
            return ' t="s"', f"<v>{strings.setdefault(s, len(strings))}</v>"
        return ' t="inlineStr"', f'<is><t xml:space="preserve">{escape(s)}</t></is>'

    def cell(v: object, date_format: str) -> tuple[str, str]:
        if isinstance(v, Err):
            return ' t="e"', f"<v>{escape(v.code)}</v>"
        if isinstance(v, Formula):
            f = f"<f>{escape(v.text)}</f>"
            c = v.cached
            if c is None:
                return "", f
            if isinstance(c, Err):
                return ' t="e"', f + f"<v>{escape(c.code)}</v>"
            if isinstance(c, bool):
                return ' t="b"', f + f"<v>{int(c)}</v>"
            if isinstance(c, str):
                return ' t="str"', f + f"<v>{escape(c)}</v>"
            return "", f + f"<v>{c!r}</v>"
        if isinstance(v, Styled):
            return f' s="{style(v.fmt)}"', f"<v>{v.value!r}</v>"
        if isinstance(v, bool):
            return ' t="b"', f"<v>{int(v)}</v>"
        if isinstance(v, dt.datetime | dt.date):
            fmt = "yyyy-mm-dd hh:mm" if isinstance(v, dt.datetime) else date_format
            if iso_dates:
                return f' t="d" s="{style(fmt)}"', f"<v>{v.isoformat()}</v>"
            return f' s="{style(fmt)}"', f"<v>{serial(v)}</v>"
        if isinstance(v, dt.time):
            return f' s="{style("hh:mm")}"', f"<v>{(v.hour * 3600 + v.minute * 60 + v.second) / 86400!r}</v>"
        if isinstance(v, dt.timedelta):
            return f' s="{style("[h]:mm")}"', f"<v>{v.total_seconds() / 86400!r}</v>"
        if isinstance(v, int | float):
            return "", f"<v>{v!r}</v>"
        return text(str(v))

    sheets_xml = []
    for spec in book.sheets:
        rows_xml = []
        for r, row in enumerate(spec.rows, start=1):
            hidden = ' hidden="1"' if r in spec.hidden_rows else ""
            cs = []
            for c, v in enumerate(row):
                if v is None:
                    if not refs:
                        cs.append("<c/>")
                    continue
                attrs, body = cell(v, spec.date_format)
                ref = f' r="{_letters(c)}{r}"' if refs else ""
                cs.append(f"<c{ref}{attrs}>{body}</c>")
            if cs or hidden or not refs:
                ref = f' r="{r}"' if refs else ""
                rows_xml.append(f"<row{ref}{hidden}>{''.join(cs)}</row>")
        cols = "".join(
            f'<col min="{c + 1}" max="{c + 1}" width="0" hidden="1" customWidth="1"/>'
            for c in spec.hidden_cols
        )
        merges = "".join(
            f'<mergeCell ref="{_letters(c0)}{r0 + 1}:{_letters(c1)}{r1 + 1}"/>'
            for r0, c0, r1, c1 in spec.merges
        )
        sheets_xml.append(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}>'
            + (f"<cols>{cols}</cols>" if cols else "")
            + f"<sheetData>{''.join(rows_xml)}</sheetData>"
            + (f'<mergeCells count="{len(spec.merges)}">{merges}</mergeCells>' if merges else "")
            + "</worksheet>"
        )
    nf = "".join(
        f'<numFmt numFmtId="{i}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
        for code, i in numfmts.items()
    )
    apply = ' applyNumberFormat="1"'
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<numFmts count="{len(numfmts)}">{nf}</numFmts>' if nf else "")
        + '<fonts count="1"><font><sz val="10"/><name val="Arial"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">'
        + "".join(f'<xf numFmtId="{i}" xfId="0"{apply if i else ""}/>' for i in xfs)
        + "</cellXfs></styleSheet>"
    )
    sheets = "".join(
        f'<sheet name="{escape(s.name)}" sheetId="{k + 1}"'
        + (f' state="{s.state}"' if s.state != "visible" else "")
        + f' r:id="rId{k + 3}"/>'
        for k, s in enumerate(book.sheets)
    )
    pr = ' date1904="true"' if book.date1904 else ""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS}><fileVersion appName="Calc"/>'
        f"<workbookPr{pr}/><sheets>{sheets}</sheets></workbook>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/styles" Target="styles.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            if shared
            else ""
        )
        + "".join(
            f'<Relationship Id="rId{k + 3}" Type="{rel}/worksheet" Target="worksheets/sheet{k + 1}.xml"/>'
            for k in range(len(book.sheets))
        )
        + "</Relationships>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            if shared
            else ""
        )
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for k in range(len(book.sheets))
        )
        + "</Types>"
    )
    parts: dict[str, str] = {
        "[Content_Types].xml": types,
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": wb_rels,
        "xl/styles.xml": styles,
    }
    for k, xml in enumerate(sheets_xml):
        parts[f"xl/worksheets/sheet{k + 1}.xml"] = xml
    if shared:
        sis = "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{sis}</sst>'
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in parts.items():
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            z.writestr(info, body)
    return out.getvalue()


WRITERS = (
    "openpyxl",
    "xlsxwriter",
    "xlsxwriter_inline",
    "raw_inline",
    "raw_shared",
    "raw_no_refs",
    "raw_iso_dates",
)


def write(book: BookSpec, writer: str) -> bytes:
    """The workbook's bytes as ``writer`` saves it."""
    if writer == "openpyxl":
        return _write_openpyxl(book)
    if writer == "xlsxwriter":
        return _write_xlsxwriter(book, constant_memory=False)
    if writer == "xlsxwriter_inline":
        return _write_xlsxwriter(book, constant_memory=True)
    return _write_raw(
        book,
        shared=writer == "raw_shared",
        refs=writer != "raw_no_refs",
        iso_dates=writer == "raw_iso_dates",
        stored=writer == "raw_shared",
    )


_WRITER_TAGS = {
    "openpyxl": ("writer:openpyxl", "shared_strings"),
    "xlsxwriter": ("writer:xlsxwriter", "shared_strings"),
    "xlsxwriter_inline": ("writer:xlsxwriter", "inline_strings"),
    "raw_inline": ("writer:raw", "inline_strings"),
    "raw_shared": ("writer:raw", "shared_strings", "stored_zip_entries"),
    "raw_no_refs": ("writer:raw", "inline_strings", "no_cell_references"),
    "raw_iso_dates": ("writer:raw", "inline_strings", "iso_date_cells"),
}


# The corpus ---------------------------------------------------------------------------------------------------
_FAMILIES = (
    ["roster"] * 6 + ["matrix"] * 3 + ["workbook"] * 3 + ["two_row_header"] * 2 + ["zoo", "big", "near_caps"]
    + ["hostile"] * 2 + ["damaged"]
)  # fmt: skip


def _nth(seed: int) -> int:
    """How many earlier seeds fell in the same family: walks each family's variants in turn."""
    period = len(_FAMILIES)
    family = _FAMILIES[seed % period]
    return (seed // period) * _FAMILIES.count(family) + _FAMILIES[: seed % period].count(family)


def family_of(seed: int) -> str:
    return _FAMILIES[seed % len(_FAMILIES)]


@functools.lru_cache(maxsize=512)
def workbook(seed: int) -> Workbook:
    """The workbook of ``seed``: a pure function of it (same bytes every call; kept, as tests ask again)."""
    rng = random.Random(seed)
    family = _FAMILIES[seed % len(_FAMILIES)]
    if family == "hostile":
        return _hostile(seed)
    if family == "damaged":
        return _damaged(seed, rng)
    if family == "near_caps":
        return _near_caps(seed)
    return _legit(seed, rng, family)


def corpus(seeds: Iterable[int] | None = None) -> Iterator[Workbook]:
    for seed in seeds if seeds is not None else range(N_WORKBOOKS):
        yield workbook(seed)


def fast_seeds() -> list[int]:
    """The seeds the suite compares on every run: the first FAST_PREFIX (two of their sheets of thousands of
    rows, not the 8,000-row one) and every hostile, damaged and near-cap workbook of the corpus (refused or read
    in milliseconds). The others are the slow sweep."""
    cheap = ("hostile", "damaged", "near_caps")
    return [
        s
        for s in range(N_WORKBOOKS)
        if (s < FAST_PREFIX and (family_of(s) != "big" or _nth(s) in (1, 2))) or family_of(s) in cheap
    ]


def refused_or_near_caps(seed: int) -> bool:
    """Workbooks compared one at a time (a refusal's sentence is only raised for a file read alone)."""
    return family_of(seed) in ("hostile", "damaged", "near_caps")


def upload(group: int) -> tuple[Workbook, ...]:
    """Several files uploaded together (one per club, or a roster beside a CE log), sometimes a byte-identical
    copy ("roster (1).xlsx") or the same name twice."""
    rng = random.Random(10_000 + group)
    legit = [
        s
        for s in range(N_WORKBOOKS)
        if _FAMILIES[s % len(_FAMILIES)] not in ("hostile", "damaged", "near_caps", "big")
    ]
    files = [workbook(s) for s in rng.sample(legit, rng.randint(2, 4))]
    if rng.random() < 0.3:
        bad = [s for s in range(N_WORKBOOKS) if _FAMILIES[s % len(_FAMILIES)] in ("hostile", "damaged")]
        files.append(workbook(rng.choice(bad)))
    if rng.random() < 0.25:
        f = files[0]
        files.append(Workbook(f.seed, f.name.replace(".xlsx", " (1).xlsx"), f.data, (*f.exercises, "copy")))
    if rng.random() < 0.2:
        f = files[1]
        files.append(Workbook(f.seed, files[0].name, f.data + b"", (*f.exercises, "same_name")))
    return tuple(files)


def _legit(seed: int, rng: random.Random, family: str) -> Workbook:
    tags: set[str] = {f"layout:{family}"}
    writer = rng.choice(WRITERS)
    tags.update(_WRITER_TAGS[writer])
    date1904 = rng.random() < 0.12
    if date1904:
        tags.add("date1904")
    tidy = family != "zoo" and rng.random() < (0.75 if family == "big" else 0.65)
    if tidy:
        tags.add("tidy_columns")
    cells = _Cells(rng, tags, date1904=date1904, tidy=tidy)
    lang = rng.choice(["en"] * 6 + ["fr", "es"])
    tags.add(f"lang:{lang}")
    if family == "big":
        n = rng.choice([2000, 3000, 5000]) if _nth(seed) % 4 else 8000
        tags.add("thousands_of_rows")
    else:
        n = rng.choice([1, 3, 20, 60, 150, 250])
    date_format = rng.choice(["yyyy-mm-dd", "dd/mm/yyyy", "mm/dd/yyyy", "d-mmm-yy", "m/d/yyyy"])
    sheets: list[SheetSpec] = []
    if family in ("roster", "big", "zoo"):
        if family == "zoo":
            tags.add("every_cell_kind")
            header, body, _ = _flat_roster(rng, cells, n, lang)
            header += ["Active", "Class time", "Last updated", "Avg session", "Check", "Notes"]
            for r in body:
                r += [
                    cells.extra(c)
                    for c in ("Active", "Class time", "Last updated", "Avg session", "Check", "Notes")
                ]
                r[0] = rng.choice(
                    [
                        r[0],
                        Err("#N/A"),
                        True,
                        12345,
                        dt.time(7, 0),
                        Formula("A1", "Ana Silva"),
                        LONG_TEXT[:100],
                    ]
                )
            tags.update(("errors", "booleans", "times", "durations", "formulas", "long_text"))
        else:
            header, body, _ = _flat_roster(rng, cells, n, lang)
        rows, hrow, lead = _dressed(rng, tags, header, body, tidy=cells.tidy)
        sheets.append(
            SheetSpec(
                rng.choice(["Roster", "Sheet1", "Staff", "Équipe", "Team 2026"]),
                rows,
                date_format=date_format,
            )
        )
    elif family == "matrix":
        header, body = _matrix(rng, cells, n, lang)
        rows, hrow, lead = _dressed(rng, tags, header, body, tidy=cells.tidy)
        sheets.append(SheetSpec("Matrix", rows, date_format=date_format))
    elif family == "workbook":
        for name, header, body in _staff_certs_log(rng, cells, n, lang):
            rows, hrow, lead = _dressed(rng, tags, header, body, tidy=cells.tidy)
            sheets.append(SheetSpec(name, rows, date_format=date_format))
        if rng.random() < 0.3:
            sheets = [sheets[1], sheets[0], sheets[2]]
    else:
        sheets.append(_two_row_header(rng, cells, n))
        if writer == "xlsxwriter_inline":
            tags.add("merges_dropped_by_writer")
    _decorate(rng, tags, sheets)
    book = BookSpec(
        sheets,
        date1904=date1904,
        chart_sheet=writer == "xlsxwriter" and (family == "workbook" or rng.random() < 0.15),
    )
    if book.chart_sheet:
        tags.add("chart_sheet")
    name = rng.choice(
        ["roster", "Northside certs", "Training matrix", "Harbour club", "Sedes CDMX", "équipe été"]
    )
    return Workbook(seed, f"{name} {seed}.xlsx", write(book, writer), tuple(sorted(tags)))


def _decorate(rng: random.Random, tags: set[str], sheets: list[SheetSpec]) -> None:
    """Hidden rows and columns, hidden sheets, empty sheets and sheets without a header beside the data."""
    for spec in list(sheets):
        if rng.random() < 0.15 and len(spec.rows) > 3:
            spec.hidden_rows = tuple(
                sorted(rng.sample(range(1, len(spec.rows) + 1), min(3, len(spec.rows) - 1)))
            )
            tags.add("hidden_rows")
        if rng.random() < 0.12:
            width = max(len(r) for r in spec.rows)
            spec.hidden_cols = tuple(sorted(rng.sample(range(width), 1)))
            tags.add("hidden_columns")
        k = rng.random()
        if k < 0.1 and spec.rows:  # cells holding "" extend a sheet's range in some readers and not others
            width = max(len(r) for r in spec.rows)
            spec.rows += [[""] * (width + 1) for _ in range(rng.randint(1, 3))]
            tags.add("trailing_empty_strings")
        elif k < 0.2 and len(spec.rows) > 2:
            row = spec.rows[rng.randrange(1, len(spec.rows))]
            row += [None] * rng.randint(1, 4) + [""]
            tags.add("empty_string_far_right")
    k = rng.random()
    if k < 0.08:
        copy = sheets[0]
        sheets.append(
            SheetSpec(
                "Old " + copy.name, [list(r) for r in copy.rows], state=rng.choice(["hidden", "veryHidden"])
            )
        )
        tags.add("hidden_sheet")
    elif k < 0.18:
        sheets.append(SheetSpec("Empty", []))
        tags.add("empty_sheet")
    elif k < 0.24:
        sheets.insert(
            0,
            SheetSpec(
                "Instructions", [["How to fill this in"], [], ["Dates as dd/mm/yyyy"], ["Ask HR", 3.5]]
            ),
        )
        tags.add("sheet_without_header")


# Near the caps: accepted (but big or odd) ----------------------------------------------------------------------
def _near_caps(seed: int) -> Workbook:
    from tests import hostile

    head = '<row r="1"><c r="A1" t="inlineStr"><is><t>Trainer</t></is></c><c r="B1" t="inlineStr"><is><t>Certification</t></is></c><c r="C1" t="inlineStr"><is><t>Expires</t></is></c></row>'
    data_row = '<row r="2"><c r="A2" t="inlineStr"><is><t>Ana Silva</t></is></c><c r="B2" t="inlineStr"><is><t>NASM CPT</t></is></c><c r="C2"><v>46400</v></c></row>'
    options: list[tuple[str, Callable[[], bytes]]] = [
        (
            "wide_to_XFD",
            lambda: hostile.raw_xlsx(head + data_row + '<row r="3"><c r="XFD3"><v>1</v></c></row>'),
        ),
        ("columns_over_512", lambda: hostile.wide_xlsx(600, 4, named=True)),
        (
            "rows_to_30000",
            lambda: hostile.raw_xlsx(head + data_row + '<row r="30000"><c r="A30000"><v>1</v></c></row>'),
        ),
        ("styled_blank_far_cell", hostile.styled_blank_far_xlsx),
        (
            "wide_row_without_references",
            lambda: hostile.raw_xlsx(head + data_row + "<row>" + "<c><v>1</v></c>" * 700 + "</row>"),
        ),
        ("many_sheets", _many_sheets),
        ("dimension_lies", lambda: hostile.raw_xlsx(head + data_row, dimension="A1:XFD1048576")),
        (
            "zip_comment_and_reordered",
            lambda: _reordered(
                _write_raw(
                    BookSpec(
                        [
                            SheetSpec(
                                "Roster",
                                [
                                    ["Trainer", "Certification", "Expires"],
                                    ["Ana Silva", "NASM CPT", dt.date(2027, 3, 15)],
                                ],
                            )
                        ]
                    ),
                    shared=True,
                    refs=True,
                    iso_dates=False,
                )
            ),
        ),
        ("streamed_zip_data_descriptors", lambda: _streamed(hostile.openpyxl_xlsx())),
        ("macro_workbook", lambda: hostile.raw_xlsx(head + data_row, macro=True)),
        ("date1904_raw", lambda: hostile.raw_xlsx(head + data_row, date1904=True)),
    ]
    what, build = options[_nth(seed) % len(options)]
    return Workbook(seed, f"near caps {seed}.xlsx", build(), ("near_caps", what))


def _many_sheets() -> bytes:
    sheets = [
        SheetSpec(
            f"Club {i}",
            [["Trainer", "Certification", "Expires"], [f"T{i}", "NASM CPT", dt.date(2027, 1 + i % 12, 1)]],
        )
        for i in range(25)
    ]
    return _write_raw(BookSpec(sheets), shared=False, refs=True, iso_dates=False)


def _reordered(data: bytes) -> bytes:
    """Entries in reverse order, a zip comment, and an extra part no reader needs."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        dst.comment = b"written by an HR system"
        for info in reversed(src.infolist()):
            z = zipfile.ZipInfo(info.filename, _FIXED_TIME)
            z.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(z, src.read(info.filename))
        dst.writestr(zipfile.ZipInfo("docProps/custom.xml", _FIXED_TIME), "<Properties/>")
    return out.getvalue()


class _Unseekable(io.RawIOBase):
    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:  # type: ignore[no-untyped-def]
        self.buf += b
        return len(b)


def _streamed(data: bytes) -> bytes:
    """The workbook re-zipped to a stream that cannot seek: every entry has a data descriptor after it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            with dst.open(zipfile.ZipInfo(info.filename, _FIXED_TIME), "w") as f:
                f.write(src.read(info.filename))
    return bytes(sink.buf)


# Hostile and damaged: refused -----------------------------------------------------------------------------------
@functools.cache
def _hostile_bytes(which: str) -> bytes:
    from tests import hostile

    builders: dict[str, Callable[[], bytes]] = {
        "zip_bomb": hostile.zip_bomb,
        "many_entries": lambda: hostile.many_entries_zip(5_000),
        "small_ratio_bomb": hostile.small_ratio_bomb,
        "overlapping_entries": hostile.overlapping_zip,
        "lying_size": hostile.lying_size_zip,
        "dtd_shared_strings": hostile.billion_laughs_xlsx,
        "dtd_sheet": lambda: hostile.billion_laughs_xlsx("xl/worksheets/sheet1.xml"),
        "dtd_workbook": lambda: hostile.billion_laughs_xlsx("xl/workbook.xml"),
        "dtd_styles": lambda: hostile.raw_xlsx(
            parts={"xl/styles.xml": '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><styleSheet/>'}
        ),
        "dtd_padded": hostile.padded_doctype_xlsx,
        "dtd_utf16": hostile.utf16_doctype_xlsx,
        "far_cell_XFD1048576": hostile.far_cells_xlsx,
        "far_cell_lying_dimension": lambda: hostile.far_cells_xlsx(dimension="A1:A1"),
        "far_cell_beyond_grid": lambda: hostile.far_cells_xlsx("A4294967295"),
        "far_cell_prefixed": lambda: hostile.far_cells_xlsx(form="prefixed"),
        "far_cell_single_quotes": lambda: hostile.far_cells_xlsx(form="single_quotes"),
        "far_cell_glued_r": lambda: hostile.far_cells_xlsx(form="glued_r"),
        "just_over_sheet_cap": lambda: hostile.far_cells_xlsx("Q1048576"),  # 17 x 1,048,576 > 2**24 cells
        "rless_wide_then_far": hostile.rless_wide_xlsx,
        "workbook_cells_over_cap": _sheets_over_workbook_cap,
        "not_a_spreadsheet_pdf": hostile.pdf,
        "not_a_spreadsheet_png": hostile.png,
        "word_document": hostile.docx,
        "plain_zip": hostile.plain_zip,
        "random_binary": hostile.random_binary,
        "empty_file": lambda: b"",
    }
    return builders[which]()


HOSTILE = (
    "zip_bomb", "many_entries", "small_ratio_bomb", "overlapping_entries", "lying_size", "dtd_shared_strings",
    "dtd_sheet", "dtd_workbook", "dtd_styles", "dtd_padded", "dtd_utf16", "far_cell_XFD1048576",
    "far_cell_lying_dimension", "far_cell_beyond_grid", "far_cell_prefixed", "far_cell_single_quotes",
    "far_cell_glued_r", "just_over_sheet_cap", "rless_wide_then_far", "workbook_cells_over_cap",
    "not_a_spreadsheet_pdf", "not_a_spreadsheet_png", "word_document", "plain_zip", "random_binary", "empty_file",
)  # fmt: skip


def _sheets_over_workbook_cap() -> bytes:
    """Three sheets each at 2**24 cells (A1 and P1048576), under the sheet cap, over the workbook's together."""
    from tests import hostile

    sheet = hostile.sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="P1048576"><v>2</v></c></row>'
    )
    book = hostile.raw_xlsx(sheet=sheet)
    src = zipfile.ZipFile(io.BytesIO(book))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                body = body.replace(
                    b'<sheet name="Roster" sheetId="1" r:id="rId1"/>',
                    b"".join(
                        b'<sheet name="S%d" sheetId="%d" r:id="rId%d"/>' % (i, i, 10 + i) for i in (1, 2, 3)
                    ),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(
                    b"</Relationships>",
                    b"".join(
                        b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>'
                        % (10 + i, i)
                        for i in (1, 2, 3)
                    )
                    + b"</Relationships>",
                )
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), body)
        for i in (2, 3):
            dst.writestr(zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", _FIXED_TIME), sheet)
    return out.getvalue()


def _hostile(seed: int) -> Workbook:
    which = HOSTILE[_nth(seed) % len(HOSTILE)]
    return Workbook(seed, f"upload {seed}.xlsx", _hostile_bytes(which), (f"hostile:{which}",))


DAMAGE = ("truncated_file", "sheet_cut_in_half", "bad_crc", "no_workbook_part", "missing_sheet_part",
          "garbage_sheet_xml", "bad_utf8_shared_strings", "shared_string_index_out_of_range", "unclosed_row")  # fmt: skip


def _damaged(seed: int, rng: random.Random) -> Workbook:
    """A legitimate workbook broken the ways downloads and tools break them."""
    which = DAMAGE[_nth(seed) % len(DAMAGE)]
    base = (
        _legit(seed, rng, "roster").data
        if which in ("truncated_file", "bad_crc", "sheet_cut_in_half")
        else b""
    )
    if which == "truncated_file":
        data = base[: len(base) * 3 // 5]
    elif which == "bad_crc":
        data = _repack(base, lambda _, b: b, crc_of={"xl/worksheets/sheet1.xml"})
    elif which == "sheet_cut_in_half":
        data = _repack(base, lambda n, b: b[: len(b) // 2] if n == "xl/worksheets/sheet1.xml" else b)
    else:
        from tests import hostile

        ok = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c></row>'
        parts: dict[str, bytes | str] = {
            "no_workbook_part": {},
            "missing_sheet_part": {},
            "garbage_sheet_xml": {"xl/worksheets/sheet1.xml": "<worksheet><sheetData><row r=1><c>>>"},
            "bad_utf8_shared_strings": {
                "xl/sharedStrings.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Tr\xff\xfeainer</t></si></sst>'
            },
            "shared_string_index_out_of_range": {
                "xl/worksheets/sheet1.xml": hostile.sheet_xml(
                    '<row r="1"><c r="A1" t="s"><v>99</v></c></row>'
                )
            },
            "unclosed_row": {
                "xl/worksheets/sheet1.xml": hostile.sheet_xml(ok + '<row r="3"><c r="A3"><v>1</v>').replace(
                    "</sheetData></worksheet>", ""
                )
            },
        }[which]  # type: ignore[assignment]
        data = hostile.raw_xlsx(ok, parts=parts)  # type: ignore[arg-type]
        if which == "no_workbook_part":
            data = _repack(data, lambda n, b: None if n == "xl/workbook.xml" else b)
        elif which == "missing_sheet_part":
            data = _repack(data, lambda n, b: None if n == "xl/worksheets/sheet1.xml" else b)
    return Workbook(seed, f"broken {seed}.xlsx", data, ("damaged", f"damaged:{which}"))


def _repack(
    data: bytes, edit: Callable[[str, bytes], bytes | None], *, crc_of: set[str] = frozenset()
) -> bytes:  # type: ignore[assignment]
    """The zip with each part passed through ``edit`` (None drops it); ``crc_of`` parts get a wrong CRC."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = edit(info.filename, src.read(info.filename))
            if body is not None:
                dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    raw = bytearray(out.getvalue())
    if crc_of:
        z = zipfile.ZipFile(io.BytesIO(bytes(raw)))
        for name in crc_of:
            info = z.getinfo(name)
            bad = (info.CRC ^ 0xFFFFFFFF).to_bytes(4, "little")
            raw[info.header_offset + 14 : info.header_offset + 18] = bad  # local header
            cd = bytes(raw).find(b"PK\x01\x02", z.start_dir)
            while cd != -1:
                nlen = int.from_bytes(raw[cd + 28 : cd + 30], "little")
                if bytes(raw[cd + 46 : cd + 46 + nlen]).decode() == name:
                    raw[cd + 16 : cd + 20] = bad
                cd = bytes(raw).find(b"PK\x01\x02", cd + 4)
    return bytes(raw)
