"""``recert import`` / ``recert snapshots`` and ``--snapshot`` on standing, report, calendar (interfaces.md, "The
store"). Kept apart from ``cpd.cli`` so the commands that only read files never import SQLAlchemy."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .model import Standing

COMMANDS = ("import", "snapshots")


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        default=None,
        metavar="URL",
        help="the database (SQLAlchemy URL; default RECERT_DATABASE_URL or data/recert.db)",
    )


def add_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    """The store's own subcommands. ``common`` is the file commands' parent parser (files, --as-of, --window,
    --date-order, --rules, --db)."""
    i = sub.add_parser("import", parents=[common], help="read files and save them as a snapshot")
    i.add_argument("--label", default="", help="a name for the snapshot, e.g. 'March export'")
    i.add_argument("--note", default="", help="a note kept with the snapshot")
    i.add_argument("--format", choices=("table", "json"), default="table")
    s = sub.add_parser("snapshots", help="list the saved snapshots, oldest first")
    s.add_argument("--format", choices=("table", "json"), default="table")
    add_db(s)


def check_usage(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Files or ``--snapshot``, not both and not neither (exit 2 through argparse)."""
    if args.command == "import":
        if not args.files:
            parser.error("import needs at least one FILE")
        if getattr(args, "snapshot", None):
            parser.error("import reads files: --snapshot cannot be used with it")
    elif args.command in ("standing", "report", "calendar"):
        if args.files and args.snapshot:
            parser.error("give FILE... or --snapshot ID, not both")
        if not args.files and not args.snapshot:
            parser.error("give FILE... to read, or --snapshot ID|latest to use a saved snapshot")


def standing_of_snapshot(args: argparse.Namespace) -> tuple[Standing, Catalogue]:
    """The standing of a saved snapshot, computed exactly as from its files: its as-of, window and rules unless
    ``--as-of`` / ``--window`` / ``--rules`` say otherwise."""
    from .catalogue import load_catalogue
    from .standing import compute_standing
    from .store import open_store

    with open_store(args.db) as store:
        snap = store.load(args.snapshot)
    catalogue = load_catalogue(args.rules) if args.rules else load_catalogue(rules_text=snap.rules_text)
    window = args.window if args.window is not None else snap.window
    as_of = args.as_of or snap.info.as_of
    return compute_standing(snap.roster, catalogue, as_of=as_of, window=window), catalogue


def run(args: argparse.Namespace, read: Any) -> int:
    """``import`` or ``snapshots``; ``read(path, files)`` is cli's file reader (same names as ``standing``)."""
    from .store import open_store

    if args.command == "snapshots":
        with open_store(args.db) as store:
            infos = store.snapshots()
        if args.format == "json":
            doc = [
                {
                    "snapshot": i.id,
                    "label": i.label,
                    "as_of": i.as_of.isoformat(),
                    "saved_at": i.saved_at.isoformat(),
                    "files": list(i.files),
                    "trainers": i.trainers,
                    "compliant": i.compliant,
                }
                for i in infos
            ]
            sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        else:
            from .fmt import terminal

            if not infos:
                print("No snapshot saved yet: recert import FILE... saves one.")
            for i in infos:
                label = f" '{terminal(i.label)}'" if i.label else ""
                print(
                    f"{i.id}  as of {i.as_of.isoformat()}{label}: {i.compliant} of {i.trainers} trainers "
                    f"compliant; saved {i.saved_at.isoformat(timespec='minutes')} from "
                    f"{terminal(', '.join(i.files))}"
                )
        return 0
    # import: read exactly as ``standing`` does, then save
    from .catalogue import load_catalogue, read_rules_file
    from .history import summarise
    from .ingest import Reading, distinct_names, read_sources
    from .standing import compute_standing

    sources = distinct_names([read(f, args.files) for f in args.files])
    with Reading(sources) as reading:
        rules_text = read_rules_file(args.rules) if args.rules else None
        catalogue = load_catalogue(rules_text=rules_text)
        as_of = args.as_of or date.today()
        window = args.window if args.window is not None else 90
        roster = read_sources(reading, catalogue=catalogue, date_order=args.date_order)
    st = compute_standing(roster, catalogue, as_of=as_of, window=window)
    with open_store(args.db) as store:
        info, created = store.save(
            roster,
            sources,
            as_of=as_of,
            label=args.label,
            note=args.note,
            rules_text=rules_text,
            window=window,
            date_order=args.date_order,
            summary=summarise(st),
        )
    if args.format == "json":
        saved = {
            "snapshot": info.id,
            "label": info.label,
            "as_of": info.as_of.isoformat(),
            "created": created,
            "counts": st.counts,
        }
        sys.stdout.write(json.dumps(saved, ensure_ascii=False) + "\n")
    elif created:
        print(
            f"Saved snapshot {info.id} as of {info.as_of.isoformat()}: {info.compliant} of {info.trainers} "
            f"trainers compliant; {st.counts['rows_read']} rows read."
        )
    else:
        print(
            f"These files were already saved as snapshot {info.id} (as of {info.as_of.isoformat()}): "
            "nothing new was stored."
        )
    return 0
