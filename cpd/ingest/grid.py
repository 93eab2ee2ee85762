"""From bytes to grids of cells: one per sheet (xlsx, xlsm, ods) or one per text file (csv, tsv, txt).

This is the only place that touches file formats. Checks that protect the parsers (size, signature, zip bombs,
entity bombs, absurd dimensions) run first, in ``cpd.safety``.

``Reading`` starts this work in background threads as soon as the bytes are in hand: python-calamine parses a
sheet without holding the GIL (and the safety scan inflates and searches with zlib and RE2, which release it
too), so while the biggest sheet is parsed the caller imports pandas and maps the sheets that are ready. The
grids still come back file by file and sheet by sheet in workbook order, so nothing downstream can tell.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

import python_calamine as pc

from .. import safety, textfile
from ..errors import UnreadableFile
from ..model import Source
from . import arrow
from .hidden import Hidden, find_hidden

READ_THREADS = 2  # the machines Recert targets have two cores; calamine parses one sheet per thread
# How an xlsx/xlsm sheet's cells are read: "arrow" (fastexcel into Arrow columns, turned into the very cells
# calamine gives) or "cells" (python-calamine's to_python, one list per row: the reference and the fallback).
# ods, csv and the old formats always take the cells path.
ENGINES = ("arrow", "cells")
HEADER_ROWS = (
    30  # rows from the first value that the arrow path takes from calamine itself (header.HEADER_SCAN)
)


@dataclass(frozen=True)
class Grid:
    """The cells of one sheet, with the row numbers a manager sees in Excel (or the line numbers of a csv)."""

    file: str
    sheet: str
    # A list per row (calamine's to_python, csv), or one 2-D object array of the same cells (the arrow engine).
    rows: Sequence[Sequence[object]]
    row_numbers: Sequence[int]  # a range for a sheet (rows are contiguous), the Excel row of each csv record
    hidden: bool = False
    date1904: bool = False
    text: bool = False  # cells are all strings (csv): numbers and dates still need parsing
    field_counts: list[int] | None = None  # csv only: fields on each record, for ragged-line checks
    bad_lines: dict[int, str] = field(default_factory=dict)  # csv row (as in Excel) -> why it cannot be read
    hidden_rows: tuple[int, ...] = ()
    notices: tuple[str, ...] = ()
    first_column: int = (
        0  # 0-based sheet column of each row's first cell (calamine skips empty leading columns)
    )
    hidden_columns: tuple[
        tuple[int, int], ...
    ] = ()  # 0-based sheet column ranges hidden in Excel / LibreOffice
    merged: tuple[
        tuple[int, int, int, int], ...
    ] = ()  # merged cells of the first rows: 0-based sheet row, column,
    # last row, last column (a two-row header's group cells)


def read_grids(name: str, data: bytes, *, engine: str = "arrow") -> list[Grid]:
    """All sheets of one file as grids, in this thread; raises UnreadableFile with the sentence a manager sees."""
    sniffed, ends = _sniff(name, data, engine)
    if sniffed.kind == "text":
        return [_text_grid(name, data)]
    hidden = find_hidden(name, data, sniffed.kind)
    with _damaged(name):
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        readers: dict[int, object] = {}
        return [
            _arrow_grid(name, data, sniffed, meta, hidden, ends, readers, 0)
            or _sheet_grid(name, wb, sniffed, meta, hidden)
            for meta in _worksheets(wb)
        ]


class Reading:
    """Files being read in background threads, started early; iterate for (source, its grids in order).

    Use as a context manager: leaving it cancels reads nobody will consume (an error in one file, or an
    unreadable rules file before the first grid was asked for).

    A file whose bytes are the same as an earlier one's (the browser's "roster (1).xlsx" copy of a download) is
    not read: it is left out of ``sources`` and listed in ``copies`` as (its name, the name of the file read).
    """

    def __init__(
        self, sources: Sequence[Source], *, threads: int = READ_THREADS, engine: str = "arrow"
    ) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
        self.engine = engine
        self.sources, self.copies = set_aside_copies(sources)
        safety.prepare()  # the scan's RE2 (pyarrow) loads here, not in a worker racing the caller's pandas import
        self._pool = _Workers(max(1, threads))
        self._local = (
            threading.local()
        )  # one calamine workbook per thread and file ("Already borrowed" if shared)
        self._files: list[Future[list[Future[Grid]]] | None] = [
            self._pool.submit(self._open, i, src) for i, src in enumerate(self.sources)
        ]

    def __enter__(self) -> Reading:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown()

    def checked(self) -> None:
        """Wait until every file passed (or failed) the safety checks and its sheets are queued.

        The checks decide when the biggest sheet's parse can start, so a caller about to do heavy work of its
        own (importing pandas) waits here rather than compete with them for the CPU and the import lock. Returns
        at the first file that fails, so its sentence is not held back by the others.
        """
        wait([f for f in self._files if f is not None], return_when=FIRST_EXCEPTION)

    def __iter__(self) -> Iterator[tuple[Source, Grids]]:
        for i, src in enumerate(self.sources):
            opened, self._files[i] = self._files[i], None  # read once; each grid is freed once it was mapped
            if opened is not None:
                yield src, Grids(opened)

    def _open(self, index: int, src: Source) -> list[Future[Grid]]:
        """Sniff the file, then queue its sheets biggest first, so the longest parse starts at once."""
        sniffed, ends = _sniff(src.name, src.data, self.engine)
        if sniffed.kind == "text":
            done: Future[Grid] = Future()
            done.set_result(_text_grid(src.name, src.data))
            return [done]
        with _damaged(src.name):
            metas = _worksheets(self._book(index, src))
        cells = dict(sniffed.sheet_cells)
        order = sorted(range(len(metas)), key=lambda i: -cells.get(metas[i].name, 0))
        hidden = find_hidden(src.name, src.data, sniffed.kind)
        queued = {
            i: self._pool.submit(self._sheet, index, src, sniffed, metas[i], hidden, ends) for i in order
        }
        return [queued[i] for i in range(len(metas))]

    def _sheet(
        self,
        index: int,
        src: Source,
        sniffed: safety.Sniffed,
        meta: pc.SheetMetadata,
        hidden: Hidden,
        ends: dict[str, safety.SheetEnds | None],
    ) -> Grid:
        with _damaged(src.name):
            readers = self._local.__dict__.setdefault("readers", {})
            return _arrow_grid(
                src.name, src.data, sniffed, meta, hidden, ends, readers, index
            ) or _sheet_grid(src.name, self._book(index, src), sniffed, meta, hidden)

    def _book(self, index: int, src: Source) -> pc.CalamineWorkbook:
        books = self._local.__dict__.setdefault("books", {})
        if index not in books:
            books[index] = pc.CalamineWorkbook.from_filelike(io.BytesIO(src.data))
        return books[index]


class Grids:
    """One file's grids, each handed out as soon as it is parsed; UnreadableFile (from any sheet) ends the file.

    ``len()`` waits until the file was checked and its sheets are known (for progress reports).
    """

    def __init__(self, opened: Future[list[Future[Grid]]]) -> None:
        self._opened = opened

    def __len__(self) -> int:
        return len(self._opened.result())

    def __iter__(self) -> Iterator[Grid]:
        # The same list, not a copy: its slots are emptied as the sheets are handed out.
        sheets = cast("list[Future[Grid] | None]", self._opened.result())
        for k in range(len(sheets)):
            sheet, sheets[k] = (
                sheets[k],
                None,
            )  # the future would keep every sheet's cells alive until the end
            assert sheet is not None  # each slot is read once
            yield sheet.result()


def set_aside_copies(sources: Sequence[Source]) -> tuple[tuple[Source, ...], tuple[tuple[str, str], ...]]:
    """(the sources without byte-identical repeats, (copy's name, name of the file it repeats) for each repeat).

    Files are compared byte for byte, and only when their sizes agree, so this costs nothing for distinct
    uploads. Empty files are never copies: each gets its own sentence.
    """
    kept: list[Source] = []
    copies: list[tuple[str, str]] = []
    by_size: dict[int, list[Source]] = {}
    for src in sources:
        same = (
            next((k for k in by_size.get(len(src.data), ()) if k.data == src.data), None)
            if src.data
            else None
        )
        if same is None:
            by_size.setdefault(len(src.data), []).append(src)
            kept.append(src)
        else:
            copies.append((src.name, same.name))
    return tuple(kept), tuple(copies)


class _Workers:
    """A few daemon threads running queued calls.

    Not a ThreadPoolExecutor: its threads are joined when the interpreter exits, so a CLI run that stops at an
    error in the first file would still wait for the parse of a big second one. A read nobody waits for any more
    must never delay the exit.
    """

    def __init__(self, threads: int) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._run, name=f"recert-read_{i}", daemon=True) for i in range(threads)
        ]
        for t in self._threads:
            t.start()

    def submit(self, fn: Callable[..., object], *args: object) -> Future:
        future: Future = Future()
        if self._closed:
            future.cancel()
        else:
            self._queue.put((future, fn, args))
        return future

    def shutdown(self) -> None:
        """Cancel what has not started; a call already running finishes (or dies with the process)."""
        self._closed = True
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                item[0].cancel()
        for _ in self._threads:
            self._queue.put(None)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn, args = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever asks for the result
                future.set_exception(exc)


@contextmanager
def _damaged(name: str) -> Iterator[None]:
    """Turn whatever the parser raises on a broken workbook into the sentence a manager sees."""
    try:
        yield
    except UnreadableFile:
        raise
    except (pc.CalamineError, pc.ZipError, pc.XmlError, ValueError, OSError) as exc:
        raise UnreadableFile(
            "the workbook is damaged and cannot be read: open it in Excel, save it again "
            "and upload the new copy.",
            file=name,
        ) from exc
    except BaseException as exc:  # a Rust panic in calamine (pyo3's PanicException) on a malformed .xls/.xlsb
        if type(exc).__name__ != "PanicException":
            raise
        raise UnreadableFile(
            "the workbook is damaged and cannot be read: open it in Excel, save it again "
            "and upload the new copy.",
            file=name,
        ) from None


def _sniff(name: str, data: bytes, engine: str) -> tuple[safety.Sniffed, dict[str, safety.SheetEnds | None]]:
    """The safety checks; for the arrow engine, with each sheet's first and last XML bytes kept on the way."""
    if engine != "arrow":
        return safety.sniff(name, data), {}
    with safety.keeping_sheet_ends() as ends:
        return safety.sniff(name, data), ends


def _arrow_grid(
    name: str,
    data: bytes,
    sniffed: safety.Sniffed,
    meta: pc.SheetMetadata,
    hidden: Hidden,
    ends: dict[str, safety.SheetEnds | None],
    readers: dict[int, object],
    index: int,
) -> Grid | None:
    """The sheet read through fastexcel's Arrow columns (``arrow``), or None: read it with the cells path.

    Only xlsx/xlsm sheets longer than the kept head go this way; a sheet ``arrow`` cannot prove the same
    (a column holding two kinds of value, ...) costs one more parse and gives the same grid."""
    kept = ends.get(meta.name)
    if sniffed.kind != "xlsx" or kept is None or not arrow.eligible(kept):
        return None
    import fastexcel

    if index not in readers:
        readers[index] = fastexcel.read_excel(data)
    try:
        sheet = arrow.read_sheet(
            data,
            meta.name,
            kept,
            readers[index],
            date1904=sniffed.date1904,
            header_rows=HEADER_ROWS,
            check_size=lambda height, width: safety.check_sheet_size(name, meta.name, height, width),
        )
    except arrow.Fallback:
        return None
    return _grid(
        name,
        meta,
        sniffed,
        hidden,
        rows=cast("Sequence[Sequence[object]]", sheet.cells),  # a 2-D object array: shape() takes it as is
        start_row=sheet.start_row,
        first_column=sheet.first_column,
        merged=_merges_near(sheet.merged, sheet.start_row),
    )


def _worksheets(wb: pc.CalamineWorkbook) -> list[pc.SheetMetadata]:
    return [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]


def _text_grid(name: str, data: bytes) -> Grid:
    """A text file as one sheet, its records numbered as Excel shows them (``Table.row_numbers``)."""
    decoded = textfile.decode(data, name=name)
    try:
        table = textfile.parse(decoded, trim=True)  # field counts kept; padding out to a wide line dropped
    except UnreadableFile as exc:
        raise UnreadableFile(exc.message, file=name) from None
    notices = tuple(dict.fromkeys((*decoded.notices, *getattr(table, "notices", ()))))
    skip = 1 if table.row_numbers[:1] == [0] else 0  # Excel's "sep=;" line is not a row
    return Grid(
        file=name,
        sheet="",
        rows=table.rows[skip:] if skip else table.rows,
        row_numbers=table.row_numbers[skip:] if skip else table.row_numbers,
        text=True,
        field_counts=table.field_counts[skip:] if skip else table.field_counts,
        bad_lines=table.bad_rows,
        notices=tuple(f"{name}: {n}" for n in notices),
    )


def _sheet_grid(
    name: str,
    wb: pc.CalamineWorkbook,
    sniffed: safety.Sniffed,
    meta: pc.SheetMetadata,
    hidden: Hidden | None = None,
) -> Grid:
    sheet = wb.get_sheet_by_name(meta.name)
    safety.check_sheet_size(name, meta.name, sheet.height, sheet.width)
    with textfile.gc_paused():  # a list per row: see gc_paused
        rows = sheet.to_python(skip_empty_area=True)
    start_row, first_column = sheet.start if sheet.start else (0, 0)
    return _grid(
        name,
        meta,
        sniffed,
        hidden,
        rows=rows,
        start_row=start_row,
        first_column=first_column,
        merged=_header_merges(sheet, start_row),
    )


def _grid(
    name: str,
    meta: pc.SheetMetadata,
    sniffed: safety.Sniffed,
    hidden: Hidden | None,
    *,
    rows: Sequence[Sequence[object]],
    start_row: int,
    first_column: int,
    merged: tuple[tuple[int, int, int, int], ...],
) -> Grid:
    # sniff() already scanned every sheet part: it knows the date system and the hidden rows (xlsx);
    # find_hidden() read the hidden columns (and an ods file's hidden rows).
    hidden = hidden or Hidden()
    return Grid(
        file=name,
        sheet=meta.name,
        rows=rows,
        row_numbers=range(start_row + 1, start_row + 1 + len(rows)),
        hidden=meta.visible != pc.SheetVisibleEnum.Visible,
        date1904=sniffed.date1904,
        hidden_rows=dict(sniffed.hidden_rows).get(meta.name, ()) or hidden.rows.get(meta.name, ()),
        notices=tuple(sniffed.notices),
        first_column=first_column,
        hidden_columns=hidden.columns.get(meta.name, ()),
        merged=merged,
    )


MERGES_KEPT = 1000  # merged ranges looked at, in the rows where a header can be


def _header_merges(sheet: pc.CalamineSheet, start_row: int) -> tuple[tuple[int, int, int, int], ...]:
    """Merged cells that start in the rows a header is looked for (a two-row header's group cells)."""
    try:
        ranges = sheet.merged_cell_ranges or ()
    except (pc.CalamineError, ValueError, AttributeError):
        return ()
    return _merges_near(ranges, start_row)


def _merges_near(
    ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]], start_row: int
) -> tuple[tuple[int, int, int, int], ...]:
    from .header import HEADER_SCAN

    out: list[tuple[int, int, int, int]] = []
    for (r0, c0), (r1, c1) in ranges:
        if start_row <= r0 <= start_row + HEADER_SCAN and len(out) < MERGES_KEPT:
            out.append((r0, c0, r1, c1))
    return tuple(out)
