"""Rosters in the styles real clubs keep, written as bytes at test time (nothing binary is checked in).

Each ``build_*`` function returns ``{file name: bytes}``: the upload a manager would make. The writers below
reproduce how each program saves a file: LibreOffice (inline strings, dates as serial numbers with a date
style), Google Sheets (csv with a "Timestamp" column, xlsx with date cells), Excel (merged two-row headers,
hidden columns, "Unicode text" UTF-16), and the csv flavours of French and Spanish locales (semicolons,
decimal commas, Windows-1252). The expected standing of every roster is worked by hand in
``tests/test_real_rosters.py``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.utils import get_column_letter

Files = dict[str, bytes]
_EXCEL_EPOCH = date(1899, 12, 30)


# Cell markers -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Serial:
    """A number stored in a date-formatted cell, as Excel keeps it ("0" is Excel's empty date)."""

    value: float


@dataclass(frozen=True)
class Formula:
    """A formula cell with the value the saving program cached beside it (what readers see)."""

    text: str
    cached: float


# Writers ----------------------------------------------------------------------------------------------------
def text_table(
    rows: Sequence[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8", newline: str = "\r\n"
) -> bytes:
    """A csv/tsv file as spreadsheet programs export it (quotes only where needed)."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(
        [["" if v is None else v for v in row] for row in rows]
    )
    return buf.getvalue().encode(encoding)


@dataclass
class Sheet:
    """One worksheet for ``xlsx``: rows from Excel row 1 (None is an empty cell)."""

    rows: list[list[object]]
    merges: tuple[str, ...] = ()
    hidden_columns: tuple[str, ...] = ()
    date_format: str = "yyyy-mm-dd"
    widths: dict[str, float] = field(default_factory=dict)


def xlsx(sheets: dict[str, Sheet]) -> bytes:
    """An xlsx as Excel or Google Sheets write it (shared strings, date cells with a number format)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, spec in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(spec.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                if isinstance(v, Serial):
                    cell = ws.cell(row=r, column=c, value=v.value)
                    cell.number_format = spec.date_format
                else:
                    cell = ws.cell(row=r, column=c, value=v)
                    if isinstance(v, date):
                        cell.number_format = spec.date_format
        for rng in spec.merges:
            ws.merge_cells(rng)
        for col in spec.hidden_columns:
            ws.column_dimensions[col].hidden = True
        for col, width in spec.widths.items():
            ws.column_dimensions[col].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def libreoffice_xlsx(sheet: str, rows: list[list[object]], *, date_format: str = "DD/MM/YYYY") -> bytes:
    """An xlsx the way LibreOffice Calc saves one: every string inline (no shared-strings part), dates as
    serial numbers carrying a custom date style (numFmt 164), formulas with their cached values, and the
    LibreOffice application name in docProps/app.xml."""
    cells_xml = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row, start=1):
            ref = f"{get_column_letter(c)}{r}"
            if v is None:
                continue
            if isinstance(v, Formula):
                cells.append(
                    f'<c r="{ref}" s="0" t="n"><f aca="false">{escape(v.text)}</f><v>{v.cached!r}</v></c>'
                )
            elif isinstance(v, datetime | date):
                d = v.date() if isinstance(v, datetime) else v
                cells.append(f'<c r="{ref}" s="1" t="n"><v>{(d - _EXCEL_EPOCH).days}</v></c>')
            elif isinstance(v, Serial):
                cells.append(f'<c r="{ref}" s="1" t="n"><v>{v.value!r}</v></c>')
            elif isinstance(v, int | float):
                cells.append(f'<c r="{ref}" s="0" t="n"><v>{v!r}</v></c>')
            else:
                cells.append(
                    f'<c r="{ref}" s="0" t="inlineStr"><is><t xml:space="preserve">{escape(str(v))}'
                    "</t></is></c>"
                )
        if cells:
            cells_xml.append(
                f'<row r="{r}" customFormat="false" ht="12.8" hidden="false" customHeight="false" '
                f'outlineLevel="0" collapsed="false">{"".join(cells)}</row>'
            )
    width = max((len(r) for r in rows), default=1)
    last = f"{get_column_letter(width)}{len(rows)}"
    ns = (
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    )
    sheet_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {ns}>'
        '<sheetPr filterMode="false"><pageSetUpPr fitToPage="false"/></sheetPr>'
        f'<dimension ref="A1:{last}"/><sheetViews><sheetView showFormulas="false" showGridLines="true" '
        'tabSelected="true" zoomScale="100" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultColWidth="11.53515625" defaultRowHeight="12.8" zeroHeight="false" '
        'outlineLevelRow="0" outlineLevelCol="0"/>'
        f"<sheetData>{''.join(cells_xml)}</sheetData></worksheet>"
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{escape(date_format)}"/></numFmts>'
        '<fonts count="1"><font><sz val="10"/><name val="Arial"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border diagonalUp="false" diagonalDown="false"><left/><right/><top/><bottom/>'
        "<diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="true"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Default" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook {ns}><fileVersion appName="Calc"/><workbookPr backupFile="false" '
        'showObjects="all" date1904="false"/><workbookProtection/><bookViews><workbookView '
        'showHorizontalScroll="true" showVerticalScroll="true" showSheetTabs="true" xWindow="0" '
        'yWindow="0" windowWidth="16384" windowHeight="8192" tabRatio="500" firstSheet="0" '
        f'activeTab="0"/></bookViews><sheets><sheet name="{escape(sheet)}" sheetId="1" state="visible" '
        'r:id="rId2"/></sheets><calcPr iterateCount="100" refMode="A1" iterate="false" '
        'iterateDelta="0.001"/></workbook>'
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'extended-properties+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'
        ),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.'
            'openxmlformats.org/officeDocument/2006/extended-properties"><Template></Template><TotalTime>3'
            "</TotalTime><Application>LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a"
            "17fb7a176ed8e6a3e2aa1</Application><AppVersion>15.0000</AppVersion></Properties>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/workbook.xml": workbook,
        "xl/styles.xml": styles,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buf.getvalue()


# The rosters ------------------------------------------------------------------------------------------------
def build_libreoffice_roster() -> Files:
    """A flat roster kept in LibreOffice Calc: title row, header on row 3, an empty row, a SUM total."""
    d = date
    rows: list[list[object]] = [
        ["Northside Fitness – trainer certifications"],
        [],
        ["Trainer", "Club", "Certification", "Cert #", "Expiration", "CEUs earned", "CPR/AED exp"],
        ["Maya Chen", "Northside", "NASM CPT", "1187342", d(2027, 3, 31), 1.2, d(2027, 1, 15)],
        ["Leo Martins", "Northside", "ACE GFI", "G-55120", d(2026, 8, 15), 2, d(2027, 5, 1)],
        [],
        ["Priya Raman", "Northside", "ISSA CPT", "ISSA-88812", d(2026, 4, 30), 20, d(2026, 3, 1)],
        ["Total", None, None, None, None, Formula("SUM(F4:F7)", 23.2), None],
    ]
    return {"Northside certs.xlsx": libreoffice_xlsx("Staff", rows)}


def build_google_sheets() -> Files:
    """A roster kept in Google Sheets (downloaded as xlsx) and the CE form's responses (downloaded as csv,
    with the form's "Timestamp" column and US dates)."""
    d = date
    roster = Sheet(
        rows=[
            ["Trainer", "Email", "Club", "Certification", "Expiration", "CPR/AED issued", "CPR/AED exp"],
            [
                "Sam Okafor",
                "sam@riverside.example",
                "Riverside",
                "NASM CPT",
                d(2026, 7, 31),
                d(2024, 12, 1),
                d(2026, 12, 1),
            ],
            [
                "Jo Park",
                "jo@riverside.example",
                "Riverside",
                "ACE CPT",
                d(2027, 10, 31),
                d(2025, 12, 1),
                d(2027, 12, 1),
            ],
        ],
        date_format="m/d/yyyy",
    )
    form = text_table(
        [
            [
                "Timestamp",
                "Email Address",
                "Trainer name",
                "Course title",
                "Date completed",
                "Credits earned",
                "Approved for",
            ],
            [
                "3/4/2025 18:22:10",
                "sam@riverside.example",
                "Sam Okafor",
                "Program design",
                "3/2/2025",
                "1.0 CEU",
                "NASM",
            ],
            [
                "1/21/2026 9:03:44",
                "sam@riverside.example",
                "Sam Okafor",
                "Kettlebell workshop",
                "1/20/2026",
                "6 hours",
                "",
            ],
            [
                "5/20/2026 12:00:00",
                "sam@riverside.example",
                "Sam Okafor",
                "Summer summit (booked)",
                "7/10/2026",
                "8 hours",
                "",
            ],
            [
                "5/21/2026 8:15:00",
                "sam@riverside.example",
                "Sam Okafor",
                "Foam rolling webinar",
                "",
                "1 hour",
                "",
            ],
        ]
    )
    return {
        "Riverside roster.xlsx": xlsx({"Sheet1": roster}),
        "CE log (Responses) - Form Responses 1.csv": form,
    }


def build_uk_roster() -> Files:
    """A UK club's csv saved by Excel as "CSV UTF-8" (with a BOM): day-first dates, a Level 3 PT
    qualification, REPs/CIMSPA registrations and a "First aid / CPR valid until" column."""
    return {
        "UK staff quals.csv": text_table(
            [
                [
                    "Name",
                    "Site",
                    "Qualification",
                    "REPs/CIMSPA no.",
                    "Expiry",
                    "CPD points",
                    "First aid / CPR valid until",
                ],
                [
                    "Olivia Hughes",
                    "Manchester",
                    "CIMSPA Practitioner",
                    "CIM-204411",
                    "31/08/2026",
                    "4",
                    "14/02/2027",
                ],
                ["Olivia Hughes", "Manchester", "Level 3 PT", "", "31/12/2099", "", "14/02/2027"],
                ["Tom Bennett", "Leeds", "REPs UK", "R0099812", "15/07/2026", "24", "03/03/2026"],
                [
                    "Amelia Price",
                    "Leeds",
                    "CIMSPA Practitioner",
                    "CIM-301277",
                    "05/09/2026",
                    "10",
                    "20/10/2026",
                ],
            ],
            encoding="utf-8-sig",
        )
    }


def build_quebec_roster() -> Files:
    """A Quebec franchise's roster in French, saved by Excel (French Canada) as csv: semicolons, decimal
    commas, Windows-1252, day-first dates, last and first names in separate columns."""
    return {
        "Franchise Laval - certifications.csv": text_table(
            [
                [
                    "Nom",
                    "Prénom",
                    "Club",
                    "Certification",
                    "Numéro",
                    "Date d'expiration",
                    "RCR/DEA exp.",
                    "UEC",
                ],
                ["Tremblay", "Élise", "Laval", "canfitpro PTS", "000481", "30/11/2026", "15/12/2026", "2,5"],
                ["Gagnon", "Marc-André", "Laval", "NASM CPT", "", "31/01/2027", "", "0,8"],
                ["Bélanger", "Josée", "Longueuil", "Yoga Alliance RYT 200", "", "15/03/2027", "", "12,5 h"],
            ],
            delimiter=";",
            encoding="cp1252",
        )
    }


def build_latin_american_roster() -> Files:
    """A Latin-American chain's workbook in Spanish (date cells) and a Spanish club's csv (semicolons,
    decimal commas, day-first text dates, UTF-8 with BOM)."""
    d = date
    sheet = Sheet(
        rows=[
            [
                "Nombre",
                "Apellido",
                "Sede",
                "Certificación",
                "Número",
                "Fecha de vencimiento",
                "RCP vence",
                "Horas",
            ],
            ["Valentina", "Rojas", "Polanco", "ISSA CPT", "ISSA-5531", d(2027, 3, 31), d(2027, 5, 1), 12],
            ["Diego", "Fernández", "Condesa", "NCSF CPT", None, d(2026, 9, 30), d(2027, 1, 10), 20],
            ["Lucía", "Gómez", "Polanco", "ACE CPT", None, d(2026, 4, 30), d(2026, 10, 1), 5],
        ],
        date_format="dd/mm/yyyy",
    )
    madrid = text_table(
        [
            ["Nombre y apellidos", "Sede", "Certificación", "Fecha de vencimiento", "RCP vence", "Horas"],
            ["Pablo Ruiz", "Madrid Centro", "NASM CPT", "28/02/2027", "30/06/2027", "7,5"],
        ],
        delimiter=";",
        encoding="utf-8-sig",
    )
    return {"Sedes CDMX.xlsx": xlsx({"Entrenadores": sheet}), "Sede Madrid.csv": madrid}


def build_lms_amounts() -> Files:
    """A flat roster plus an LMS export of CE (one row per course completion) whose amounts are written the
    way LMSs write them: credits with hours in brackets, "CEUs / hrs", a body named inside the amount."""
    roster = text_table(
        [
            ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
            ["Nina Patel", "NASM CPT", "2027-02-28", "2027-06-30"],
            ["Nina Patel", "ISSA CPT", "2027-02-28", "2027-06-30"],
            ["Ben Cho", "ACE CPT", "2026-12-31", "2027-03-01"],
        ]
    )
    lms = text_table(
        [
            [
                "Learner",
                "Learner email",
                "Completion date",
                "Course",
                "Credits (CEU)",
                "Approved for",
                "Certificate ID",
            ],
            [
                "Nina Patel",
                "nina@club.example",
                "2025-09-10",
                "Advanced program design",
                "1.0 CEU (10 contact hours)",
                "NASM; ISSA",
                "LMS-1001",
            ],
            [
                "Nina Patel",
                "nina@club.example",
                "2026-01-15",
                "Mobility for runners",
                "0.5 CEUs / 5 hrs",
                "",
                "LMS-1002",
            ],
            [
                "Nina Patel",
                "nina@club.example",
                "2026-03-20",
                "Corrective exercise 1",
                "0.5 NASM CEUs",
                "",
                "LMS-1003",
            ],
            ["Nina Patel", "nina@club.example", "2026-04-02", "Nutrition basics", "0.2", "", "LMS-1004"],
            [
                "Ben Cho",
                "ben@club.example",
                "2025-11-05",
                "Group training",
                "0.5 CEU (5 contact hours)",
                "ACE",
                "LMS-1005",
            ],
            ["Ben Cho", "ben@club.example", "2026-02-11", "Kettlebell", "0.3 CEU", "ACE", "LMS-1006"],
        ]
    )
    return {"roster.csv": roster, "LMS completions export.csv": lms}


def build_lms_two_columns() -> Files:
    """An Excel roster plus an LMS export that gives every completion both as IACET CEUs and as contact hours."""
    d = date
    roster = Sheet(
        rows=[
            ["Employee", "Certification", "Expiration", "CPR/AED exp"],
            ["Kim Lee", "ISSA CPT", d(2026, 12, 31), d(2027, 2, 1)],
            ["Raj Mehta", "NASM CPT", d(2027, 4, 30), d(2027, 8, 1)],
        ]
    )
    lms = text_table(
        [
            ["Learner", "Completion date", "Course", "Credits (CEU)", "Contact hours", "Approved for"],
            ["Kim Lee", "2025-08-14", "Strength fundamentals", "0.3", "3", "ISSA"],
            ["Kim Lee", "2026-02-03", "Senior fitness", "0.8", "8", "ISSA"],
            ["Raj Mehta", "2025-10-22", "Program design", "0.4", "4", "NASM"],
            ["Raj Mehta", "2026-03-09", "Sports nutrition", "1.0", "10", "NASM; ACE"],
        ]
    )
    return {"HR roster.xlsx": xlsx({"Roster": roster}), "Academy export.csv": lms}


def build_training_matrix() -> Files:
    """A training matrix in Excel: one row per trainer, one column per credential, and words in the cells."""
    d = date
    sheet = Sheet(
        rows=[
            ["Training matrix – Eastgate"],
            [],
            ["Name", "Club", "NASM CPT", "ACE GFI", "Zumba Instructor", "CPR/AED", "Notes"],
            ["Ana Silva", "Eastgate", d(2026, 8, 20), "N/A", "Exp 03/2027", "valid to 31/03/2027", None],
            ["Ben Ortiz", "Eastgate", "expired", "exp. 3/27", None, "-", None],
            ["Chloe Martin", "Eastgate", "pending", "booked", "in progress", "none", "new starter"],
            ["Dan Evans", "Eastgate", "2027-05-31", "-", "none", d(2026, 5, 1), None],
            ["Eva Novak", "Eastgate", "N/A", d(2026, 3, 15), None, "n/a", None],
        ],
        date_format="dd/mm/yyyy",
    )
    return {"Training matrix.xlsx": xlsx({"Matrix": sheet})}


def build_two_row_header() -> Files:
    """Excel roster whose header spans two rows: merged "Certification" over "Name | Number | Expires" and
    merged "CPR / AED" over "Issued | Expires", under a merged title."""
    d = date
    sheet = Sheet(
        rows=[
            ["Westside Gym — certification tracker"],
            [],
            ["Trainer", "Club", "Certification", None, None, "CPR / AED", None, "CEUs earned"],
            [None, None, "Name", "Number", "Expires", "Issued", "Expires", None],
            [
                "Hugo Reyes",
                "Westside",
                "NSCA CSCS",
                "CSCS-0042",
                d(2026, 12, 31),
                d(2025, 1, 10),
                d(2027, 1, 10),
                3.5,
            ],
            ["Ivy Lam", "Westside", "ACSM CPT", "ACSM-77", d(2026, 8, 31), d(2025, 9, 1), d(2027, 9, 1), 30],
            ["Kai Brooks", "Westside", "NASM CPT", None, "soon", None, None, None],
        ],
        merges=("A1:H1", "A3:A4", "B3:B4", "C3:E3", "F3:G3", "H3:H4"),
        date_format="mm/dd/yyyy",
    )
    return {"Westside certs.xlsx": xlsx({"Certs": sheet})}


def build_cpr_card_columns() -> Files:
    """Four clubs' csv rosters, each heading its CPR/AED column after the card it holds."""

    def one(cpr_header: str, credits_header: str, row: list[str]) -> bytes:
        return text_table([["Trainer", "Certification", "Expiration", credits_header, cpr_header], row])

    return {
        "club_a.csv": one(
            "Red Cross CPR exp",
            "CEUs earned",
            ["Rita Alvarez", "NASM CPT", "04/30/2027", "1.5", "06/30/2027"],
        ),
        "club_b.csv": one(
            "AHA BLS expiry", "CECs earned", ["Sean Walsh", "ACE CPT", "10/31/2026", "2.0", "01/31/2027"]
        ),
        "club_c.csv": one(
            "Heartsaver exp", "CEUs earned", ["Mei Tanaka", "ISSA CPT", "12/31/2026", "20", "09/30/2026"]
        ),
        "club_d.csv": one(
            "CPR-C valid until",
            "CECs earned",
            ["Noah Clarke", "canfitpro PTS", "2026-09-30", "4", "2026-05-15"],
        ),
    }


def build_body_columns() -> Files:
    """A roster and four clubs' CE logs, each naming the certifying body under another header."""
    roster = text_table(
        [
            ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
            ["Zoe Adams", "NASM CPT", "2027-01-31", "2027-02-28"],
            ["Zoe Adams", "ISSA CPT", "2027-01-31", "2027-02-28"],
        ]
    )

    def log(body_header: str, row: list[str]) -> bytes:
        return text_table([["Trainer", "Date", "Course", "CEUs", body_header], row])

    return {
        "roster.csv": roster,
        "log_north.csv": log("Certifying body", ["Zoe Adams", "2025-06-10", "Program design", "0.5", "NASM"]),
        "log_south.csv": log("Accrediting body", ["Zoe Adams", "2025-11-03", "Kettlebells", "6", "ISSA"]),
        "log_east.csv": log(
            "Certifying organisation", ["Zoe Adams", "2026-02-14", "Nutrition", "0.4", "NASM"]
        ),
        "log_west.csv": log("Approved by", ["Zoe Adams", "2026-04-20", "Mobility", "4", "ISSA"]),
    }


def build_last_first_names() -> Files:
    """An HR export that writes "Last, First" (no staff ids) and a certification list that writes
    "First Last" (one of them lower case with a stray space)."""
    hr = text_table(
        [
            ["Employee", "Location", "Job title", "Work email"],
            ["Silva, Ana", "Downtown", "Personal Trainer", "ana.silva@gym.example"],
            ["Okoro, Chidi", "Downtown", "Group Fitness Instructor", "chidi.okoro@gym.example"],
            ["Okafor, Grace", "Uptown", "Personal Trainer", "grace.okafor@gym.example"],
        ]
    )
    certs = text_table(
        [
            ["Trainer", "Certification", "Expiration", "CE hours", "CPR/AED exp"],
            ["Ana Silva", "NASM CPT", "2026-10-31", "15", "2026-12-31"],
            ["chidi okoro ", "ACE GFI", "2026-07-15", "20", "2027-01-01"],
        ]
    )
    return {"HR export.csv": hr, "certs.csv": certs}


def build_hidden_old_expiry() -> Files:
    """An Excel roster where the old expiry column was hidden (not deleted) when a renewed one was added."""
    d = date
    sheet = Sheet(
        rows=[
            ["Trainer", "Certification", "Expiry date", "New expiry date", "CEUs earned", "CPR/AED exp"],
            ["Greta Lind", "NASM CPT", d(2025, 5, 31), d(2027, 5, 31), 0.4, d(2027, 8, 1)],
            ["Omar Haddad", "ACE GFI", d(2024, 8, 31), d(2026, 8, 31), 1.6, d(2027, 2, 1)],
        ],
        hidden_columns=("C",),
    )
    return {"Roster 2026.xlsx": xlsx({"Roster": sheet})}


def build_implausible_dates() -> Files:
    """An Excel roster with Excel's empty dates (1900-01-01, serial 0), an expiry typed before its issue
    date, an issue date in the future, a 31 Dec 2099 placeholder and a total row."""
    d = date
    sheet = Sheet(
        rows=[
            ["Trainer", "Certification", "Issued", "Expiration", "CEUs earned", "CPR/AED exp"],
            ["Paul Meyer", "NASM CPT", d(1900, 1, 1), d(2027, 3, 31), 1.0, d(2027, 6, 1)],
            ["Quinn Foster", "ACE CPT", d(2025, 1, 1), Serial(0), 1.0, d(2027, 6, 1)],
            ["Rosa Diaz", "ISSA CPT", d(2025, 6, 1), d(2024, 6, 1), 5, d(2027, 6, 1)],
            ["Sara Kim", "NASM CPT", d(2026, 9, 1), d(2028, 9, 1), 0, d(2027, 9, 1)],
            ["Tariq Aziz", "ACSM CPT", d(2024, 1, 15), d(2099, 12, 31), 10, d(2027, 1, 1)],
            ["Uma Singh", "NFPT CPT", d(2025, 8, 1), d(2026, 7, 31), 2, None],
            ["Total", None, None, None, 19, None],
        ],
        date_format="mm/dd/yyyy",
    )
    return {"Roster.xlsx": xlsx({"Sheet1": sheet})}


_STAFF = [
    ["Staff ID", "First name", "Last name", "Email", "Club", "Role"],
    [101, "Lena", "Fischer", "lena@harbour.example", "Harbour", "PT"],
    [102, "Marco", "Bruni", "marco@harbour.example", "Harbour", "PT"],
]
_CERTS = [
    ["Staff ID", "Credential", "Number", "Issued", "Expires"],
    [101, "NASM CPT", "00123", date(2024, 9, 30), date(2026, 9, 30)],
    [101, "CPR/AED", None, date(2025, 2, 1), date(2027, 2, 1)],
    [102, "ISSA CPT", "ISSA-7781", date(2025, 3, 15), date(2027, 3, 15)],
    [102, "AHA BLS", None, date(2025, 5, 1), date(2027, 5, 1)],
]
_LOG = [
    ["Staff ID", "Date", "Course", "Provider", "Amount", "Unit", "Approved for"],
    [101, date(2025, 4, 12), "Corrective exercise", "NASM", 1.2, "CEU", "NASM"],
    [101, date(2026, 2, 2), "First aid refresher", "Red Cross", 4, "hours", None],
]


def build_workbook_with_log_sheet() -> Files:
    """The three-sheet workbook: staff, certifications and the CE log as a sheet."""
    return {
        "Harbour club.xlsx": xlsx(
            {"Staff": Sheet(_STAFF), "Certifications": Sheet(_CERTS), "CE log": Sheet(_LOG)}
        )
    }


def build_workbook_with_log_file() -> Files:
    """The same data with the CE log kept as a separate csv (dates ISO, amounts as text)."""
    log = text_table([[v.isoformat() if isinstance(v, date) else v for v in row] for row in _LOG])
    return {
        "Harbour club.xlsx": xlsx({"Staff": Sheet(_STAFF), "Certifications": Sheet(_CERTS)}),
        "CE log.csv": log,
    }


def build_canfitpro_pts_and_fis() -> Files:
    """A Canadian studio's roster: one trainer holds both canfitpro PTS and canfitpro FIS."""
    return {
        "Studio roster.csv": text_table(
            [
                ["Trainer", "Certification", "Expiration", "CECs", "CPR/AED exp"],
                ["Sophie Roy", "canfitpro PTS", "2026-11-30", "3", "2027-01-31"],
                ["Sophie Roy", "canfitpro FIS", "2026-11-30", "4", "2027-01-31"],
            ]
        )
    }


def build_rejected_rows() -> Files:
    """An Excel roster (title row above the header) and a CE csv, each with rows that cannot be used."""
    d = date
    team = Sheet(
        rows=[
            ["Team certifications"],
            ["Trainer", "Certification", "Expiration", "CPR/AED exp"],
            ["Hugo Reyes", "NASM CPT", "TBD", d(2027, 1, 1)],
            ["Iris Wong", None, d(2027, 2, 1), d(2027, 3, 1)],
            ["Jon Berg", "ACE CPT", d(2027, 6, 30), d(2027, 8, 1)],
        ]
    )
    ce = text_table(
        [
            ["Trainer", "Date", "Course", "Hours"],
            ["Jon Berg", "2026-01-12", "Conditioning", "lots"],
            ["Jon Berg", "2026-02-20", "Balance", "5"],
        ]
    )
    return {"roster.xlsx": xlsx({"Team": team}), "ce.csv": ce}


def build_yoga_pilates_studio() -> Files:
    """A studio's roster: a yoga teacher with a valid RYT and a lapsed NASM CPT, a Pilates teacher whose
    CPR course earns credit."""
    return {
        "Lakeside studio.csv": text_table(
            [
                ["Instructor", "Studio", "Certification", "Expiry", "CE hours", "CPR issued", "CPR expiry"],
                ["Yara Costa", "Lakeside", "RYT 200", "2027-01-31", "12", "", ""],
                ["Yara Costa", "Lakeside", "NASM CPT", "2025-01-31", "", "", ""],
                ["Zane Fox", "Lakeside", "NCPT", "2026-12-31", "10", "2025-10-01", "2027-10-01"],
            ]
        )
    }


def build_ausactive() -> Files:
    """An Australian club: roster with day-first dates and CPR completion dates, and a CE log with hours
    that AUSactive's points cannot be converted from."""
    roster = text_table(
        [
            ["Name", "Club", "Qualification", "Expiry", "CPR completed", "CPR expiry"],
            ["Jack Wilson", "Bondi", "AUSactive REP", "28/02/2027", "01/07/2025", "01/07/2026"],
            ["Mia Nguyen", "Bondi", "AUSactive REP", "15/10/2026", "20/09/2025", "20/09/2026"],
        ]
    )
    log = text_table(
        [
            ["Name", "Date", "Activity", "Amount", "Unit", "Approved for"],
            ["Jack Wilson", "14/03/2026", "Strength workshop", "8", "CEC", "AUSactive"],
            ["Jack Wilson", "22/04/2026", "Online course", "6", "hours", ""],
        ]
    )
    return {"AU roster.csv": roster, "CE log.csv": log}


def build_unicode_text_matrix() -> Files:
    """A training matrix saved by Excel as "Unicode text" (UTF-16, tab-separated), names "Last, First",
    a credits column beside each credential."""
    return {
        "Matrix export.txt": text_table(
            [
                ["Employee", "Home club", "NASM CPT", "NASM CEUs", "ACE GFI", "ACE CECs", "CPR/AED"],
                ["Silva, Ana", "Downtown", "08/20/2026", "1.8", "", "", "03/31/2027"],
                ["Reyes, Hugo", "Downtown", "", "", "01/15/2027", "0.6", "12/01/2026"],
            ],
            delimiter="\t",
            encoding="utf-16",
        )
    }
