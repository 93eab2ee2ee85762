"""``python -m cpd``: the same engine as the app, for scripts and cron jobs (contract: interfaces.md)."""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from . import analyse, safety, store_cli
from .asof import AS_OF_MAX, AS_OF_MIN, AS_OF_RANGE
from .errors import RecertError
from .fmt import number, status_label, terminal
from .ingest import Reading, distinct_names
from .model import Source

if TYPE_CHECKING:
    from .model import Standing

LAYOUT_NAMES = {
    "certifications": "roster of certifications",
    "matrix": "training matrix",
    "staff": "staff list",
    "ce_log": "CE log",
}


def _as_of(text: str) -> date:
    """A date Recert can compute standing for (``cpd.asof``), or a usage error naming the range."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{terminal(text)}' is not a date in the form YYYY-MM-DD") from None
    if not AS_OF_MIN <= day <= AS_OF_MAX:
        raise argparse.ArgumentTypeError(
            f"{day.isoformat()} is out of range: the as-of date must be {AS_OF_RANGE}"
        )
    return day


def _window(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{terminal(text)}' is not a whole number of days") from None
    if n < 0 or n > 3650:
        raise argparse.ArgumentTypeError("the window must be between 0 and 3650 days")
    return n


class _Parser(argparse.ArgumentParser):
    """argparse, with the user's words in its messages made safe for a terminal (a file name can hold ESC)."""

    def error(self, message: str) -> NoReturn:
        super().error(terminal(message))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m cpd",
        description="Recert: trainers' certification standing from the staff spreadsheets you already keep.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    common = _Parser(add_help=False)
    common.add_argument(
        "files", nargs="*", metavar="FILE", help="xlsx, xlsm, xls, xlsb, ods or csv/tsv files"
    )
    common.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        help=f"date to compute standing for, {AS_OF_RANGE} (default today)",
    )
    common.add_argument(
        "--window", type=_window, default=None, help="risk window in days (default 90, or the snapshot's)"
    )
    common.add_argument(
        "--date-order",
        choices=("auto", "mdy", "dmy"),
        default="auto",
        help="order of a date column whose every value reads both ways, like 03/04/2027 "
        "(each column is first decided by its own unambiguous dates; auto: month first, "
        "with a warning)",
    )
    common.add_argument("--rules", default=None, help="a rules file that overrides or adds credentials by id")
    store_cli.add_db(common)
    saved = _Parser(add_help=False, parents=[common])
    saved.add_argument(
        "--snapshot",
        default=None,
        metavar="ID|latest",
        help="a saved snapshot instead of files (the same output as its files gave)",
    )
    p = sub.add_parser("standing", parents=[saved], help="print every certification's standing")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    r = sub.add_parser("report", parents=[saved], help="write the Excel compliance report")
    r.add_argument("--out", required=True, help="REPORT.xlsx")
    c = sub.add_parser("calendar", parents=[saved], help="write an iCalendar file of deadlines")
    c.add_argument("--out", required=True, help="DEADLINES.ics")
    from .access_cli import add_commands

    add_commands(sub)  # grant, revoke, access (issue 14)
    from . import history_cli

    history_cli.add_commands(sub, as_of_type=_as_of)  # diff (issue 13)
    store_cli.add_commands(sub, common)  # import, snapshots (issue 13)
    from .remind import cli as remind_cli

    remind_cli.add_command(sub, as_of_type=_as_of, db=store_cli.add_db)  # remind (issue 15)
    return parser


def _read(path: str, files: list[str] | None = None) -> Source:
    """The file's bytes, named as the manager knows it: its name, or the path given when two names are the same."""
    p = Path(path)
    same = [f for f in (files or []) if Path(f).name == p.name]
    try:
        return Source(name=path if len(same) > 1 else p.name, data=p.read_bytes())
    except FileNotFoundError:
        raise RecertError(f"{path}: no such file.") from None
    except IsADirectoryError:
        raise RecertError(f"{path} is a folder, not a file.") from None
    except OSError as exc:
        raise RecertError(f"{path} cannot be opened ({exc.strerror}).") from None


def table(st: Standing, *, width: int | None = None) -> str:
    """A terminal table for people: aligned, most urgent first, one line per certification."""
    if width is None:  # a terminal: fit its width; a pipe or file: keep every word
        width = shutil.get_terminal_size((140, 40)).columns if sys.stdout.isatty() else 10_000
    import pandas as pd

    s = st.standings
    heads = ["Status", "Trainer", "Club", "Credential", "Expires", "Days", "Credits", "CPR/AED", "What to do"]
    rows = []
    for r in s.itertuples(index=False):
        credits = (
            "—"
            if r.earned != r.earned or r.required != r.required
            else (f"{number(r.earned)}/{number(r.required)} {r.unit}")
        )
        cpr = (
            "—" if r.cpr_current is None or r.cpr_current is pd.NA else ("ok" if r.cpr_current else "MISSING")
        )
        rows.append(
            [
                terminal(x)
                for x in (
                    status_label(r.status),
                    r.trainer,
                    r.club,
                    r.credential_name or r.credential,
                    r.expires.date().isoformat()
                    if pd.notna(r.expires)
                    else "no date",  # marked expired, no date
                    "" if pd.isna(r.days_left) else r.days_left,
                    credits,
                    cpr,
                    "; ".join(r.reasons),
                )
            ]
        )
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(heads[:-1])]
    fixed = sum(widths) + 2 * len(widths)
    last = max(20, width - fixed)
    lines = ["  ".join(h.ljust(w) for h, w in zip(heads[:-1], widths, strict=True)) + "  " + heads[-1]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * min(last, 40))
    for row in rows:
        reason = row[-1] if len(row[-1]) <= last else row[-1][: last - 1] + "…"
        lines.append("  ".join(v.ljust(w) for v, w in zip(row[:-1], widths, strict=True)) + "  " + reason)
    c = st.counts
    t = st.trainers
    compliant = int(t["compliant"].sum())
    lines.insert(
        0,
        f"Recert standing as of {st.as_of.isoformat()} (risk window {st.window} days): "
        f"{compliant} of {len(t)} trainers compliant.\n",
    )
    lines.append("")
    lines.append("Files read:")
    for m in st.mappings:
        where = m.file + (f", sheet '{m.sheet}'" if m.sheet else "")
        if m.layout == "skipped":
            lines.append(f"  {terminal(where)}: not used ({terminal(m.note)})")
            continue
        used = ", ".join(f"{h} -> {f}" for h, f in m.columns.items())
        ignored = f"; ignored: {', '.join(m.ignored)}" if m.ignored else ""
        lines.append(
            f"  {terminal(where)}: {terminal(LAYOUT_NAMES.get(m.layout, m.layout))}, header on row {m.header_row}, "
            f"{m.rows_read} rows; used: {terminal(used)}{terminal(ignored)}"
        )
    lines.append(
        f"Rows read {c['rows_read']}: {c['accepted']} accepted, {c['rejected']} rejected, {c['blank']} blank."
    )
    rej = st.rejected
    for f, sh, row, col, why, who in zip(
        rej["file"],
        rej["sheet"],
        rej["row"],
        rej["column"],
        rej["reason"],
        rej["trainer"] if "trainer" in rej else [""] * len(rej),
        strict=True,
    ):
        where = (
            f"{f}"
            + (f", sheet {sh}" if sh else "")
            + f", row {row}"
            + (f", column {col}" if col else "")
            + (f", trainer {who}" if isinstance(who, str) and who else "")
        )
        lines.append(f"  rejected: {terminal(where)}: {terminal(why)}")
    for w in st.warnings:
        lines.append(f"  note: {terminal(w)}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from .access_cli import COMMANDS, run

    if args.command in COMMANDS:
        return run(args)
    if args.command == "remind":
        from .remind.cli import run as remind

        return remind(args)
    if args.command == "diff":
        from . import history_cli

        return history_cli.run(args, clean=terminal)
    store_cli.check_usage(parser, args)
    try:
        safety.assert_defusedxml()  # openpyxl must parse XML through defusedxml before any file is opened
    except RuntimeError as exc:
        print(terminal(exc), file=sys.stderr)
        return 1
    try:
        if args.command in store_cli.COMMANDS:
            return store_cli.run(args, _read)
        if args.snapshot:
            st, catalogue = store_cli.standing_of_snapshot(args)
        else:
            sources = distinct_names([_read(f, args.files) for f in args.files])
            # Parsing starts now in background threads; the rules and pandas load meanwhile.
            with Reading(sources) as reading:
                from .catalogue import load_catalogue

                catalogue = load_catalogue(args.rules)
                as_of = args.as_of or date.today()
                window = 90 if args.window is None else args.window
                st = analyse(
                    reading, as_of=as_of, window=window, date_order=args.date_order, catalogue=catalogue
                )
        if args.command == "standing":
            from .export import standings_csv, to_json

            out = {"json": to_json, "csv": standings_csv, "table": table}[args.format](st)
            sys.stdout.write(out if out.endswith("\n") else out + "\n")
        elif args.command == "report":
            from .report import write_report

            Path(args.out).write_bytes(write_report(st, catalogue))
            print(
                f"Wrote {terminal(args.out)}: {len(st.standings)} certifications of {len(st.trainers)} trainers."
            )
        elif args.command == "calendar":
            from .calendar import write_calendar

            Path(args.out).write_bytes(write_calendar(st))
            print(f"Wrote {terminal(args.out)}.")
        return 0
    except RecertError as exc:
        print(terminal(exc), file=sys.stderr)
        return 1
    except MemoryError:
        print("The input is too large to process on this machine.", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"Cannot write the output: {exc.strerror}.", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: still one sentence, never a traceback
        print(
            f"Recert could not process the input because of an internal error ({type(exc).__name__}); "
            "please report it with the file.",
            file=sys.stderr,
        )
        return 1
