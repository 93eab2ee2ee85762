"""``recert diff [FROM] [TO] [--as-of DATE] [--format table|json]`` (contract: interfaces.md, "The store").

What changed between two saved snapshots (default: the latest two; one given: it and the latest), both judged
at the same as-of (default: TO's), with TO's risk window and each snapshot's own rules, so a change means the
data changed, not the clock. Exit 0 when compared, 1 with one sentence when the database or a snapshot cannot be
used or fewer than two are saved, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

COMMANDS = ("diff",)


def add_commands(sub: Any, *, as_of_type: Any) -> None:
    """``diff`` on ``python -m cpd``'s subparsers (``as_of_type``: the CLI's checked date parser)."""
    d = sub.add_parser("diff", help="what changed between two saved snapshots (default: the latest two)")
    d.add_argument(
        "refs",
        nargs="*",
        metavar="SNAPSHOT",
        help="FROM and TO: snapshot ids or 'latest' (recert snapshots lists them)",
    )
    d.add_argument(
        "--as-of",
        type=as_of_type,
        default=None,
        help="judge both snapshots at this date, YYYY-MM-DD (default: TO's as-of date)",
    )
    d.add_argument("--format", choices=("table", "json"), default="table")
    d.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the database (SQLAlchemy URL; default RECERT_DATABASE_URL or data/recert.db)",
    )


def _refs(refs: list[str], ids: list[str]) -> tuple[str, str]:
    from .store import StoreError

    if len(refs) > 2:
        raise StoreError("Name at most two snapshots: FROM and TO.")
    if len(refs) == 2:
        return refs[0], refs[1]
    if len(ids) < 2 and not (len(refs) == 1 and ids):
        raise StoreError(
            f"{'One snapshot is' if len(ids) == 1 else 'No snapshot is'} saved: there is nothing to "
            "compare yet (recert import FILE saves one)."
        )
    return (refs[0], "latest") if refs else (ids[-2], ids[-1])


def run(args: argparse.Namespace, *, clean: Any = str) -> int:
    """Compare and print; ``clean`` makes text from files safe for a terminal (the CLI's cleaner)."""
    from . import history
    from .errors import RecertError
    from .export import escape_invisible
    from .fmt import day
    from .store import open_store

    try:
        store = open_store(getattr(args, "db", None))
        try:
            ids = [i.id for i in store.snapshots()]
            first, second = _refs(list(args.refs), ids)
            before, after = store.load(first), store.load(second)
        finally:
            store.close()
        d = history.compare(before, after, as_of=args.as_of)
        if args.format == "json":
            doc = history.diff_json(d, from_id=before.info.id, to_id=after.info.id)
            sys.stdout.write(escape_invisible(json.dumps(doc, ensure_ascii=False, allow_nan=False)) + "\n")
        else:

            def name(info: Any) -> str:
                return f"{info.id} ({day(info.as_of)}{', ' + info.label if info.label else ''})"

            sys.stdout.write(
                history.diff_text(d, before=name(before.info), after=name(after.info), clean=clean)
            )
        return 0
    except RecertError as exc:
        print(clean(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a bug: still one sentence, never a traceback
        print(
            f"Recert could not compare the snapshots because of an internal error ({type(exc).__name__}); "
            "please report it.",
            file=sys.stderr,
        )
        return 1
