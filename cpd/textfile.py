"""CSV and tab-separated text as Excel writes it: decode the bytes, then split them into records.

Managers export "CSV UTF-8", plain "CSV" (Windows-1252 on Western Windows), "Unicode text" (UTF-16,
tab-separated) or semicolon files from European Excel. ``decode`` finds the encoding without ever
replacing a byte silently: a byte that is not text is reported with its line number in ``bad_lines``
so the caller rejects that line. ``parse`` picks the separator and returns every record, blank ones
included, with the line where it starts, so each one can end as accepted, rejected or blank.

A record's *row* is the row Excel shows it on when the file is opened there: records are counted from 1
(header and blank lines included), a quoted cell holding line breaks is still one row, and Excel's
``sep=;`` first line is not a row. That is the number a manager is told; physical lines are kept only
for people reading the file in a text editor.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from cpd.errors import UnreadableFile

NOT_TEXT_MESSAGE = (
    "this file is not a text or spreadsheet file: upload an .xlsx file or a .csv exported from Excel."
)

CP1252_NOTICE = "read as Windows-1252 (Western European) because the file is not UTF-8."
UTF16_NO_BOM_NOTICE = "read as UTF-16 without a byte-order mark (Excel's 'Unicode text')."

DELIMITERS: tuple[str, ...] = (",", ";", "\t")
SNIFF_RECORDS = 100  # non-blank records looked at to choose the separator
SNIFF_CHARS = 256 * 1024  # ... taken from at most this much text, so a huge file costs the same
SAMPLE_BYTES = 64 * 1024  # bytes looked at to tell text from binary and UTF-16 from 8-bit

# A file is binary, not text, when its sample holds more than this share of C0 control characters (other
# than tab, CR, LF, form feed) or of NUL bytes. Real exports hold none; a stray one is reported as a bad line.
MAX_CONTROL_SHARE = 0.05
MAX_NUL_SHARE = 0.005
# ... or when more than this share of its non-blank lines hold bytes that are not characters.
MAX_BAD_LINE_SHARE = 0.5
# Excel's grid has 1,048,576 rows (safety.EXCEL_MAX_ROWS): a text file with more records cannot be opened in
# Excel either, and the rows are never cut silently, so the file is refused, as soon as the limit is passed.
MAX_ROWS = 1_048_576
TOO_MANY_ROWS_MESSAGE = (
    "this file has more than {limit:,} rows, more than Excel can open: split it into smaller "
    "files (for example one per club or per year) and upload them together."
)

_BAD_ERRORS = "recert-lone-surrogate"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_MARKED = re.compile(r"[\udc00-\udcff\x00]")  # undecodable bytes (marked) and NUL characters
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_HIGH_BYTES = re.compile(rb"[\x80-\xff]")
_SEP_LINE = re.compile(r"sep=(.)[ \t]*")


def _mark_bad_bytes(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each undecodable byte becomes a lone surrogate U+DC00+byte.

    Strict decoding never produces lone surrogates, so they mark exactly the bytes that were not text
    (and keep their values for the message) until ``decode`` turns them into U+FFFD and reports them.
    """
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(chr(0xDC00 + b) for b in bad), err.end


codecs.register_error(_BAD_ERRORS, _mark_bad_bytes)


@dataclass(frozen=True)
class Decoded:
    """Text of a file and how it was read; ``bad_lines`` are (line number, what is wrong), 1-based."""

    text: str
    encoding: str
    notices: tuple[str, ...] = ()
    bad_lines: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class Table:
    """Every record of a text file, blank ones included, with the physical lines it came from.

    ``row_numbers[i]`` is the row Excel shows record ``i`` on (the record number, header and blank lines
    counted; 0 for a ``sep=`` line, which Excel does not show). ``line_numbers[i]`` is the 1-based line where
    record ``i`` starts (as a text editor numbers lines); ``end_line_numbers[i]`` the line where it ends
    (later when a quoted cell holds line breaks). ``errors[i]`` is "" or why the record cannot be used (bytes
    that are not text, a quote never closed, a cell over the csv size limit); the caller rejects such
    records whatever their fields hold.
    """

    rows: list[list[str]]
    line_numbers: Sequence[int]  # array('q'): 8 bytes a record
    delimiter: str
    field_counts: list[int]
    end_line_numbers: Sequence[int]
    errors: list[str]
    notices: tuple[str, ...] = ()
    row_numbers: Sequence[int] = range(0)  # a range: records are numbered one after another

    @property
    def bad_lines(self) -> dict[int, str]:
        """Start line -> why that record cannot be used (bytes that are not text, csv errors), for callers
        that reject rows by line number."""
        return {line: err for line, err in zip(self.line_numbers, self.errors, strict=True) if err}

    @property
    def bad_rows(self) -> dict[int, str]:
        """Excel row -> why that record cannot be used, for callers that reject rows by row number."""
        return {row: err for row, err in zip(self.row_numbers, self.errors, strict=True) if err}


# ------------------------------------------------------------------------------------------------ decode
def utf16_byte_order(sample: bytes) -> str | None:
    """'le' or 'be' when BOM-less bytes look like UTF-16 text (ASCII letters interleaved with NULs)."""
    sample = sample[: SAMPLE_BYTES & ~1]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nul = sample[0::2].count(0)
    odd_nul = sample[1::2].count(0)
    if odd_nul >= 0.3 * pairs and even_nul <= 0.02 * pairs:
        return "le"
    if even_nul >= 0.3 * pairs and odd_nul <= 0.02 * pairs:
        return "be"
    return None


def looks_binary(sample: bytes) -> bool:
    """True when 8-bit bytes are not text: NULs or control characters no exporter writes."""
    if not sample:
        return False
    n = len(sample)
    if sample.count(0) > max(8, MAX_NUL_SHARE * n):
        return True
    return len(_CONTROL_BYTES.findall(sample)) > max(8, MAX_CONTROL_SHARE * n)


def _choose_encoding(data: bytes) -> tuple[str, bytes, tuple[str, ...]]:
    """(codec, bytes to decode, notices) by BOM, then NUL pattern, then UTF-8, then Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8", data[3:], ()
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", data[2:], ()  # Excel's "Unicode text": normal, nothing to say
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", data[2:], ()
    order = utf16_byte_order(data[:SAMPLE_BYTES])
    if order:
        return f"utf-16-{order}", data, (UTF16_NO_BOM_NOTICE,)
    if looks_binary(data[:SAMPLE_BYTES]):
        raise UnreadableFile(NOT_TEXT_MESSAGE)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8", data, ()
    # Not valid UTF-8. Real UTF-8 with a few damaged bytes still has well-formed multi-byte sequences
    # (é = C3 A9); an Excel "CSV" from Western Windows has single high bytes (é = E9) and none of those.
    valid = _UTF8_MULTIBYTE.findall(data)
    high = len(_HIGH_BYTES.findall(data))
    invalid = high - sum(len(v) for v in valid)
    if valid and invalid <= len(valid):
        return "utf-8", data, ()
    return "cp1252", data, (CP1252_NOTICE,)


def _line_starts(text: str) -> list[int]:
    """Character offsets where each physical line starts (line breaks: CRLF, LF or CR, as csv reads)."""
    return [0] + [m.end() for m in _LINE_BREAK.finditer(text)]


def _describe(chars: list[str], encoding: str) -> str:
    nul = sum(1 for c in chars if c == "\x00")
    raw = [ord(c) - 0xDC00 for c in chars if c != "\x00"]
    label = {"cp1252": "Windows-1252", "utf-8": "UTF-8"}.get(encoding, "UTF-16")
    parts = []
    if raw:
        shown = " ".join(f"0x{b:02X}" for b in raw[:4]) + (" ..." if len(raw) > 4 else "")
        parts.append(f"byte{'s' if len(raw) > 1 else ''} {shown} cannot be read as {label} text")
    if nul:
        parts.append("it holds a NUL character (a sign of a damaged export)")
    return "; ".join(parts)


def decode(data: bytes, *, name: str | None = None) -> Decoded:
    """Decode a text export. Undecodable bytes become U+FFFD *and* are listed in ``bad_lines``.

    Raises UnreadableFile (naming ``name``) when the bytes are not text at all (binary, mostly undecodable).
    """
    try:
        return _decode(data)
    except UnreadableFile as exc:
        raise UnreadableFile(exc.message, file=name) from None


def _decode(data: bytes) -> Decoded:
    encoding, body, notices = _choose_encoding(data)
    try:  # most files decode cleanly: then only NULs need looking for, and "in" finds them far faster
        text = body.decode(encoding)
        clean = "\x00" not in text
    except UnicodeDecodeError:
        text, clean = body.decode(encoding, errors=_BAD_ERRORS), False
    marks = [] if clean else [(m.start(), m.group()) for m in _MARKED.finditer(text)]
    bad_lines: tuple[tuple[int, str], ...] = ()
    if marks:
        starts = _line_starts(text)
        per_line: dict[int, list[str]] = {}
        for pos, ch in marks:
            per_line.setdefault(bisect_right(starts, pos), []).append(ch)
        non_blank = sum(1 for line in _LINE_BREAK.split(text) if line.strip())
        if len(per_line) >= 2 and len(per_line) > MAX_BAD_LINE_SHARE * max(non_blank, 1):
            raise UnreadableFile(NOT_TEXT_MESSAGE)
        bad_lines = tuple((line, _describe(chars, encoding)) for line, chars in sorted(per_line.items()))
        text = _MARKED.sub("\ufffd", text)
    label = {"utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(encoding, encoding)
    if data.startswith(codecs.BOM_UTF8):
        label = "utf-8-sig"
    return Decoded(text=text, encoding=label, notices=notices, bad_lines=bad_lines)


# ------------------------------------------------------------------------------------------------- parse
@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file's rows are built.

    A million new lists trigger full collections that each walk every list made so far: parsing a 1,000,000-row
    csv took 3-4 s with the collector and 1.3 s without. The rows hold no reference cycles, and reference
    counting still frees everything; the collector resumes when the rows are built (if it was on: two threads
    pausing at once leave it on once the first is done, which is only slower).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_LINES_CHUNK = 1 << 20  # characters handed to one StringIO at a time
_MEMO_SIZE = 1 << 16  # distinct cell texts remembered at a time, so that equal cells share one string


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line breaks (CRLF, LF or CR), as ``io.StringIO(text, newline="")``
    yields them, without its copy of the whole text at 4 bytes a character: one chunk at a time, each cut
    just after a line break (after an LF when there is one further on, so a CRLF is never split)."""
    start, n = 0, len(text)
    while start < n:
        cut = text.find("\n", start + _LINES_CHUNK)
        if cut < 0:
            cut = text.find("\r", start + _LINES_CHUNK)  # no LF further on: no CRLF either
        end = n if cut < 0 else cut + 1
        yield from io.StringIO(text[start:end], newline="")
        start = end


def _records(text: str, delimiter: str):
    """Yield (record, first line, last line, error) for every record, blank lines as [].

    A line the csv module cannot read (a cell over its 131,072-character limit) comes back as one field
    holding the raw text of its lines, with an error, so it can never pass for a blank line.
    """
    reader = csv.reader(
        _lines(text),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    starts: list[int] | None = None
    while True:
        before = reader.line_num
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # the reader resumes after the offending line
            last = max(reader.line_num, before + 1)
            if starts is None:
                starts = _line_starts(text) + [len(text)]
            raw = text[starts[before] : starts[min(last, len(starts) - 1)]].rstrip("\r\n")
            yield [raw], before + 1, last, f"this row cannot be read as CSV ({exc})"
            continue
        yield record, before + 1, reader.line_num, ""


def _modal_count(counts: list[int]) -> tuple[int, int]:
    """(most common field count above 1, how many records have it); ties go to the larger count."""
    multi = Counter(c for c in counts if c > 1)
    if not multi:
        return 0, 0
    count, freq = max(multi.items(), key=lambda kv: (kv[1], kv[0]))
    return count, freq


def choose_delimiter(text: str) -> str:
    """The separator among comma, semicolon and tab that splits the text most consistently.

    Rule: for each candidate, parse the first ``SNIFF_RECORDS`` non-blank records of the text with the
    csv module and take the most common field count above 1 (its *width*). The candidate whose width is
    shared by the largest number of those records wins: title lines ("Staff roster 2026") and totals have
    one field under every candidate and so do not sway it, while a decimal comma ("1,5") in a semicolon
    file splits only some lines under the comma. A candidate that never yields more than one field is out.
    Ties go to the candidate that splits an earlier line into more than one field (the header normally),
    then to the order comma, semicolon, tab. A text where nothing splits is read as one column (comma).
    """
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS:  # do not judge a line cut in half
        cut = max(sample.rfind("\n"), sample.rfind("\r"))
        sample = sample[: cut + 1] if cut > 0 else sample
    best: tuple | None = None
    best_delim = ","
    for rank, delim in enumerate(DELIMITERS):
        records = []
        for record, first, _last, _err in _records(sample, delim):
            if record and any(f.strip() for f in record):
                records.append((len(record), first))
                if len(records) >= SNIFF_RECORDS:
                    break
        counts = [c for c, _ in records]
        width, freq = _modal_count(counts)
        if width < 2:
            continue
        first_split = min(line for c, line in records if c > 1)
        score = (freq, -first_split, -rank)
        if best is None or score > best:
            best, best_delim = score, delim
    return best_delim


def parse(decoded: Decoded, delimiter: str | None = None, *, trim: bool = False) -> Table:
    """Split decoded text into records with the csv module (quotes, doubled quotes, line breaks in cells).

    Nothing is dropped or trimmed: blank lines stay as ``[]`` records, ragged records keep their own
    field count, and which row is the header is left to the caller. Lines listed in ``decoded.bad_lines``
    mark the records that contain them in ``errors``.

    With ``trim``, the empty fields at the end of each record are dropped as it is read (``field_counts``
    still counts them): a file padded with separators out to a very wide line then holds only its cells.
    """
    text = decoded.text
    notices: list[str] = []
    first_line = _LINE_BREAK.split(text, maxsplit=1)[0] if text else ""
    sep = _SEP_LINE.fullmatch(first_line)
    if delimiter is None and sep:
        delimiter = sep.group(1)
        notices.append(f"the first line '{first_line.strip()}' sets the separator.")
    if delimiter is None:
        delimiter = choose_delimiter(text)
    rows: list[list[str]] = []
    starts, ends = array("q"), array("q")  # 8 bytes a record, not a Python int each
    trimmed: dict[int, int] = {}  # record -> its field count before the padding was dropped
    errors: dict[int, str] = {}
    limit = MAX_ROWS + (1 if sep else 0)
    reader = csv.reader(
        _lines(text),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    with gc_paused():
        _read_records(reader, rows, starts, ends, trimmed, errors, limit, trim, text)
    counts = list(map(len, rows))
    for i, n in trimmed.items():
        counts[i] = n
    for bad_line, why in decoded.bad_lines:  # the record holding each line with bytes that are not text
        i = bisect_right(starts, bad_line) - 1
        if 0 <= i < len(rows) and ends[i] >= bad_line:
            errors.setdefault(i, why)  # the row is named by the caller; a text line number would differ
    if (
        rows
        and ends[-1] > starts[-1]
        and len(rows) - 1 not in errors
        and _quote_left_open(text, starts[-1], delimiter)
    ):
        errors[len(rows) - 1] = (
            f"a quote opened in this row is never closed, so the rest of the file (text lines {starts[-1]}-"
            f"{ends[-1]}) was read as this one row: fix the quote in the file and upload it again"
        )
    error_list = [""] * len(rows)
    for i, why in errors.items():
        error_list[i] = why
    # Excel does not show the sep= line: the header under it is row 1 there.
    row_numbers = range(0 if sep else 1, len(rows) + (0 if sep else 1))
    return Table(
        rows=rows,
        line_numbers=starts,
        delimiter=delimiter,
        field_counts=counts,
        end_line_numbers=ends,
        errors=error_list,
        notices=tuple(notices),
        row_numbers=row_numbers,
    )


def _read_records(
    reader,
    rows: list[list[str]],
    starts: array,
    ends: array,
    trimmed: dict[int, int],
    errors: dict[int, str],
    limit: int,
    trim: bool,
    text: str,
) -> None:
    """``parse``'s loop: every record into ``rows`` with its first and last line (appended in place)."""
    line = 0  # the last line read so far
    line_starts: list[int] | None = None
    # Equal cells share one string: a club, a credential or a date repeated down a million rows is kept once
    # (1M-row csv: 518 -> 265 MB). The memo is bounded; emptied when full, it refills with what repeats.
    memo: dict[str, str] = {}
    share = memo.setdefault
    while True:  # once per csv error (the reader resumes after it); the inner loop is the hot path
        try:
            for record in reader:
                if len(rows) == limit:
                    raise UnreadableFile(TOO_MANY_ROWS_MESSAGE.format(limit=MAX_ROWS))
                starts.append(line + 1)
                line = reader.line_num
                ends.append(line)
                if trim and record and record[-1] == "":
                    trimmed[len(rows)] = len(record)
                    del record[_filled_length(record) :]
                rows.append(list(map(share, record, record)))
                if len(memo) > _MEMO_SIZE:
                    memo.clear()
            break
        except csv.Error as exc:  # a cell over the csv module's limit: the raw text, never a blank line
            if len(rows) == limit:
                raise UnreadableFile(TOO_MANY_ROWS_MESSAGE.format(limit=MAX_ROWS)) from None
            last = max(reader.line_num, line + 1)
            if line_starts is None:
                line_starts = _line_starts(text) + [len(text)]
            raw = text[line_starts[line] : line_starts[min(last, len(line_starts) - 1)]].rstrip("\r\n")
            errors[len(rows)] = f"this row cannot be read as CSV ({exc})"
            starts.append(line + 1)
            ends.append(last)
            rows.append([raw])
            line = last


def _filled_length(record: list[str]) -> int:
    """How many fields run up to the last one that is not empty, at C speed: decoded text holds no NUL (decode
    replaced them), so NUL can join the fields. (A NUL inside a field would only make this larger: then some
    empty fields are kept, never a filled one dropped.)"""
    kept = "\x00".join(record).rstrip("\x00")
    return kept.count("\x00") + 1 if kept else 0


def _quote_left_open(text: str, first_line: int, delimiter: str) -> bool:
    """True when the last record only ended because the text ran out inside a quoted cell."""
    starts = _line_starts(text)
    tail = text[starts[first_line - 1] :]
    reader = csv.reader(_lines(tail), delimiter=delimiter, strict=True)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        return "end of data" in str(exc)
    return False
