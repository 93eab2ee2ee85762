"""CSV and "Unicode text" as Excel writes them: every encoding read, no byte silently replaced, no record lost."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpd import textfile
from cpd.errors import UnreadableFile
from tests import hostile

ROSTER = hostile.ROSTER


def table(data: bytes, **kw) -> textfile.Table:
    return textfile.parse(textfile.decode(data), **kw)


# Encodings ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "data", "encoding", "notice"),
    [
        ("UTF-8", hostile.csv_text(ROSTER).encode("utf-8"), "utf-8", None),
        ("UTF-8 with BOM", codecs.BOM_UTF8 + hostile.csv_text(ROSTER).encode("utf-8"), "utf-8-sig", None),
        ("Windows-1252", hostile.cp1252_csv(), "cp1252", "Windows-1252 (Western European)"),
        ("UTF-16 LE with BOM (Unicode text)", hostile.utf16_unicode_text(), "utf-16", None),
        (
            "UTF-16 BE with BOM",
            codecs.BOM_UTF16_BE + hostile.csv_text(ROSTER, "\t").encode("utf-16-be"),
            "utf-16",
            None,
        ),
        (
            "UTF-16 LE without BOM",
            hostile.csv_text(ROSTER, "\t").encode("utf-16-le"),
            "utf-16",
            "without a byte-order",
        ),
        (
            "UTF-16 BE without BOM",
            hostile.csv_text(ROSTER, "\t").encode("utf-16-be"),
            "utf-16",
            "without a byte-order",
        ),
    ],
)
def test_every_excel_text_encoding_reads_the_same_names(label, data, encoding, notice):
    d = textfile.decode(data)
    assert d.encoding == encoding, label
    assert d.bad_lines == ()
    assert (notice is None and d.notices == ()) or any(notice in n for n in d.notices)
    t = textfile.parse(d)
    assert t.rows == ROSTER
    assert list(t.line_numbers) == [1, 2, 3]


def test_windows_1252_csv_keeps_accents_and_says_how_it_was_read():
    d = textfile.decode(hostile.cp1252_csv())
    assert "José Núñez" in d.text
    assert d.notices == ("read as Windows-1252 (Western European) because the file is not UTF-8.",)


def test_invalid_byte_is_reported_on_its_line_and_never_silently_replaced():
    d = textfile.decode(hostile.invalid_byte_csv())
    assert d.encoding == "cp1252"
    assert [n for n, _ in d.bad_lines] == [3]
    assert "0x81" in d.bad_lines[0][1]
    t = textfile.parse(d)
    assert t.errors[2] == "byte 0x81 cannot be read as Windows-1252 text" and t.errors[:2] == ["", ""]
    assert t.bad_rows == {3: t.errors[2]}  # the row is named by whoever reports it, as Excel numbers it
    assert "\ufffd" in t.rows[2][1]  # shown as a replacement mark, and the record is flagged for rejection


def test_utf8_file_with_one_stray_windows_byte_stays_utf8_and_flags_that_line():
    data = "Trainer,Club\r\nJosé,Downtown\r\nAna,Up".encode() + b"\xe9" + b"town\r\n"
    d = textfile.decode(data)
    assert d.encoding == "utf-8" and "José" in d.text
    assert d.bad_lines == ((3, "byte 0xE9 cannot be read as UTF-8 text"),)


def test_broken_utf16_reports_the_last_line():
    data = codecs.BOM_UTF16_LE + "Trainer\tClub\r\nAna\tDowntown".encode("utf-16-le") + b"\x41"
    d = textfile.decode(data)
    assert [n for n, _ in d.bad_lines] == [2]


def test_stray_nul_is_a_bad_line_but_a_binary_file_is_refused():
    d = textfile.decode(b"Trainer,Club\r\nAna\x00,Downtown\r\n")
    assert d.bad_lines and d.bad_lines[0][0] == 2
    with pytest.raises(UnreadableFile, match="^x.bin: this file is not a text or spreadsheet file"):
        textfile.decode(hostile.random_binary(), name="x.bin")
    with pytest.raises(UnreadableFile, match="not a text or spreadsheet file"):
        textfile.decode(hostile.png() * 50)


def test_mostly_undecodable_text_is_refused():
    with pytest.raises(UnreadableFile, match="not a text or spreadsheet file"):
        textfile.decode(b"\x81\x8d\r\n\x8f\x90\r\n\x9d\x81\r\nok\r\n")


# Separator ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "text", "delimiter"),
    [
        ("comma", "Trainer,Club,CEUs\nAna,Downtown,1.5\nBo,Uptown,2\n", ","),
        ("semicolon with decimal commas", "Trainer;Club;CEUs\nAna;Downtown;1,5\nBo;Uptown;2,5\n", ";"),
        (
            "semicolon, decimal commas, title line above",
            "Staff roster 2026\n\nTrainer;Club;CEUs\nAna;Downtown;1,5\nBo;Uptown;2,5\nCy;Up;3\n",
            ";",
        ),
        ("tab with commas inside names", "Trainer\tClub\nSilva, Ana\tDowntown\nLind, Bo\tUptown\n", "\t"),
        ("comma with semicolons inside quoted notes", 'Trainer,Note\nAna,"a;b;c"\nBo,"d;e;f"\n', ","),
        ("a single column", "Trainer\nAna\nBo\n", ","),
        ("ragged rows still comma", "Trainer,Club,CEUs\nAna,Downtown\nBo,Uptown,2,extra\nCy,Up,3\n", ","),
    ],
)
def test_separator_is_chosen_by_consistent_field_counts(label, text, delimiter):
    assert textfile.choose_delimiter(text) == delimiter, label


def test_excel_sep_line_sets_the_separator():
    t = table(b"sep=;\r\nTrainer;CEUs\r\nAna;1,5\r\n")
    assert t.delimiter == ";" and t.rows[1:] == [["Trainer", "CEUs"], ["Ana", "1,5"]]
    assert t.notices


# Records -----------------------------------------------------------------------------------------------------
def test_semicolon_file_keeps_decimal_commas_title_and_blank_lines():
    t = table(hostile.semicolon_decimal_csv())
    assert t.delimiter == ";"
    assert t.rows == [
        ["Staff roster 2026"],
        [],
        ["Trainer", "Club", "CEUs"],
        ["Ana Silva", "Downtown", "1,5"],
        ["Bo Lind", "Uptown", "2,5"],
        ["Cy Park", "Uptown", "3"],
    ]
    assert list(t.line_numbers) == [1, 2, 3, 4, 5, 6]
    assert list(t.field_counts) == [1, 0, 3, 3, 3, 3]


def test_ragged_rows_are_kept_with_their_field_counts():
    t = table(hostile.ragged_csv())
    assert list(t.field_counts) == [3, 3, 2, 4]
    assert t.rows[2] == ["Bo Lind", "Uptown"]


def test_quoted_line_breaks_keep_the_line_where_each_record_starts():
    t = table(b'Trainer,Note\r\nAna,"two\r\nlines"\r\n\r\nBo,"x"\r\n')
    assert t.rows == [["Trainer", "Note"], ["Ana", "two\r\nlines"], [], ["Bo", "x"]]
    assert list(t.line_numbers) == [1, 2, 4, 5]
    assert list(t.end_line_numbers) == [1, 3, 4, 5]


def test_quote_never_closed_is_an_error_on_the_record_that_swallowed_the_rest():
    t = table(b'Trainer,Club\r\nAna,"Downtown\r\nBo,Uptown\r\nCy,Up\r\n')
    assert list(t.line_numbers) == [1, 2]
    assert "never closed" in t.errors[1] and "text lines 2-4" in t.errors[1]
    assert list(t.row_numbers) == [1, 2]


def test_cell_over_the_csv_size_limit_is_an_error_not_a_blank_line():
    t = table(b"Trainer,Club\r\nAna," + b"x" * 200_000 + b"\r\nBo,Uptown\r\n")
    assert t.errors[1].startswith("this row cannot be read as CSV")
    assert t.rows[1] == ["Ana," + "x" * 200_000] and t.field_counts[1] == 1
    assert t.rows[2] == ["Bo", "Uptown"] and t.line_numbers[2] == 3
    assert t.bad_lines == {2: t.errors[1]}


@pytest.mark.parametrize("name", hostile.HOSTILE_NAMES)
def test_formula_and_html_looking_names_come_back_as_literal_text(name):
    t = table(hostile.formula_names_csv())
    assert [name, "Downtown"] in t.rows


def test_line_endings_of_every_kind_count_as_lines():
    t = table(b"a,b\rc,d\ne,f\r\ng,h")
    assert list(t.line_numbers) == [1, 2, 3, 4]


# Properties --------------------------------------------------------------------------------------------------
text_chars = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\x00\ufeff", min_codepoint=0x20
) | st.sampled_from(["\t", "\r", "\n", ",", ";", '"', " "])
field = st.text(text_chars, max_size=12)
rows = st.lists(st.lists(field, min_size=1, max_size=6), min_size=1, max_size=12)


def written(rows_: list[list[str]], delimiter: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows_)
    return buf.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows_=rows,
    delimiter=st.sampled_from(textfile.DELIMITERS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_csv_writer_output_round_trips_through_decode_and_parse(rows_, delimiter, encoding):
    data = written(rows_, delimiter).encode(encoding)
    t = textfile.parse(textfile.decode(data), delimiter=delimiter)
    assert t.rows == rows_
    assert t.errors == [""] * len(rows_)


plain = st.text(
    st.characters(whitelist_categories=("Lu", "Ll", "Nd"), max_codepoint=0x24F), min_size=1, max_size=8
)


@settings(max_examples=150, deadline=None)
@given(
    width=st.integers(2, 6),
    n=st.integers(1, 20),
    data=st.data(),
    delimiter=st.sampled_from(textfile.DELIMITERS),
)
def test_separator_is_found_for_any_consistent_table(width, n, data, delimiter):
    rows_ = [data.draw(st.lists(plain, min_size=width, max_size=width)) for _ in range(n + 1)]
    t = table(written(rows_, delimiter).encode("utf-8"))
    assert t.delimiter == delimiter and t.rows == rows_


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=512))
def test_decode_of_arbitrary_bytes_returns_text_or_refuses(data):
    try:
        d = textfile.decode(data)
    except UnreadableFile:
        return
    t = textfile.parse(d)
    assert len(t.rows) == len(t.line_numbers) == len(t.field_counts) == len(t.errors)
    assert list(t.line_numbers) == sorted(t.line_numbers)


# Rows as Excel numbers them (issue 10) -----------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("inner", ["\r\n", "\n", "\r"])
def test_a_line_break_inside_a_quoted_cell_never_shifts_the_rows_after_it(encoding, newline, inner):
    t = table(hostile.multiline_csv(encoding, newline, inner))
    assert list(t.row_numbers) == [1, 2, 3, 4, 5]  # what Excel shows: one row per record
    assert list(t.line_numbers) == [1, 2, 4, 7, 8]  # what a text editor shows: the notes push the lines down
    assert t.rows[1][3] == f"first line{inner}second line" and t.rows[2][0] == "José Núñez"


def test_the_sep_line_is_not_a_row_in_excel():
    t = table(b"sep=;\r\nTrainer;CEUs\r\nAna;1,5\r\n")
    assert list(t.row_numbers) == [0, 1, 2] and list(t.line_numbers) == [1, 2, 3]


def test_a_bad_byte_is_reported_on_the_row_of_its_record():
    data = 'Trainer,Note\r\nAna,"one\r\ntwo"\r\nBo,Up'.encode("cp1252") + b"\x81" + b"town\r\n"
    t = table(data)
    assert list(t.line_numbers) == [1, 2, 4] and t.bad_rows == {
        3: "byte 0x81 cannot be read as Windows-1252 text"
    }


def test_a_file_with_more_rows_than_excel_is_refused_as_soon_as_the_limit_is_passed(monkeypatch):
    monkeypatch.setattr(textfile, "MAX_ROWS", 4)
    assert len(table(b"a\r\nb\r\n\r\nd\r\n").rows) == 4  # blank lines are rows in Excel too
    assert len(table(b"sep=,\r\na\r\nb\r\nc\r\nd\r\n").rows) == 5  # the sep line is not one
    with pytest.raises(UnreadableFile, match=r"more than 4 rows, more than Excel can open: split it"):
        table(b"a\r\nb\r\nc\r\nd\r\ne\r\n")


def test_trim_drops_only_the_padding_and_keeps_every_field_count():
    data = b'Trainer,Club,,,\r\nAna,,,"",\r\n,,,,\r\n,,x,,\r\n"a\x00b",,\r\n'
    t = textfile.parse(textfile.decode(data), trim=True)
    assert t.rows[:4] == [["Trainer", "Club"], ["Ana"], [], ["", "", "x"]]
    assert list(t.field_counts) == [5, 5, 5, 5, 3]
    assert t.rows[4][0] == "a\ufffdb"  # the NUL was reported and replaced before trimming


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(["a", "b", ",", "\r", "\n", "\r\n", '"', "é"]), max_size=60).map("".join),
    chunk=st.integers(1, 8),
)
def test_lines_are_split_as_stringio_splits_them_whatever_the_chunk(text, chunk):
    old = textfile._LINES_CHUNK
    textfile._LINES_CHUNK = chunk
    try:
        assert list(textfile._lines(text)) == list(io.StringIO(text, newline=""))
    finally:
        textfile._LINES_CHUNK = old


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows_=rows, delimiter=st.sampled_from(textfile.DELIMITERS))
def test_trimmed_records_are_the_records_without_their_trailing_empty_fields(rows_, delimiter):
    d = textfile.decode(written(rows_, delimiter).encode("utf-8"))
    full, trimmed = textfile.parse(d, delimiter=delimiter), textfile.parse(d, delimiter=delimiter, trim=True)
    assert trimmed.field_counts == full.field_counts and list(trimmed.row_numbers) == list(full.row_numbers)
    for a, b in zip(full.rows, trimmed.rows, strict=True):
        n = len(a)
        while n and a[n - 1] == "":
            n -= 1
        assert b == a[:n]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "bb", ",", ";", "\r", "\n", "\r\n", '"', " ", "x" * 20]), max_size=40
    ).map("".join)
)
def test_parse_gives_exactly_the_records_a_plain_csv_reader_gives(text):
    limit = csv.field_size_limit(16)  # small, so cells over the limit (a csv error) occur too
    try:
        reference = list(textfile._records(text, ","))
        t = textfile.parse(textfile.Decoded(text=text, encoding="utf-8"), delimiter=",")
    finally:
        csv.field_size_limit(limit)
    assert t.rows == [r for r, *_ in reference]
    assert list(t.line_numbers) == [first for _, first, _, _ in reference]
    assert list(t.end_line_numbers) == [last for _, _, last, _ in reference]
    assert [bool(e) for e in t.errors[:-1]] == [bool(err) for *_, err in reference][:-1]
    assert list(t.row_numbers) == list(range(1, len(reference) + 1))


def test_the_garbage_collector_is_back_as_it_was_after_a_parse_even_when_it_fails(monkeypatch):
    import gc

    monkeypatch.setattr(textfile, "MAX_ROWS", 2)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            assert table(b"a\r\nb\r\n").rows == [["a"], ["b"]]
            assert gc.isenabled() is enabled
            with pytest.raises(UnreadableFile):
                table(b"a\r\nb\r\nc\r\n")
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
