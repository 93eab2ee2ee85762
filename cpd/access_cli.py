"""``recert grant``, ``recert revoke``, ``recert access`` (contract: interfaces.md, "Access").

For the first admin and for scripts. Exit 0 when done, 1 when the store cannot be used (one sentence), 2 for bad
usage (an address that is not an email, an unknown role, a manager without a club). Every change is written to
the audit log as done by ``cli:<login name>``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from .fmt import terminal

COMMANDS = ("grant", "revoke", "access")


def add_commands(sub: Any) -> None:
    """The three subcommands on ``python -m cpd``'s subparsers."""
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the database (SQLAlchemy URL; default RECERT_DATABASE_URL or data/recert.db)",
    )
    g = sub.add_parser("grant", parents=[db], help="give an email (or a provider group) a role and clubs")
    g.add_argument("email", nargs="?", default="", metavar="EMAIL")
    g.add_argument("--group", default="", help="grant to everyone whose groups claim holds this group")
    g.add_argument("--role", required=True, choices=("admin", "manager", "viewer"))
    g.add_argument(
        "--club",
        action="append",
        default=[],
        metavar="NAME",
        help="a club this manager or viewer sees (repeat for more; admins see every club)",
    )
    r = sub.add_parser("revoke", parents=[db], help="remove the grant of an email (or a provider group)")
    r.add_argument("email", nargs="?", default="", metavar="EMAIL")
    r.add_argument("--group", default="")
    a = sub.add_parser("access", parents=[db], help="list who may see what")
    a.add_argument("--format", choices=("table", "json"), default="table")


def _who() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no login name (a container): still say it was the command line
        return "cli"


def run(args: argparse.Namespace) -> int:
    """Run one of COMMANDS; the sentence of any failure on stderr."""
    from .access import AccessError, Grant, grant_warnings
    from .errors import RecertError
    from .store import access as stored
    from .store import open_store

    if args.command in ("grant", "revoke") and bool(args.email) == bool(args.group):
        print(f"recert {args.command} takes an EMAIL or --group NAME (one of them).", file=sys.stderr)
        return 2
    try:
        new = Grant.make(args.email, args.role, args.club, args.group) if args.command == "grant" else None
    except AccessError as exc:
        print(terminal(exc), file=sys.stderr)
        return 2
    try:
        with open_store(getattr(args, "db", None)) as store:
            if args.command == "grant":
                assert new is not None  # made above for "grant"
                stored.grant(store, new, by=_who())
                for said in grant_warnings(new, stored.known_clubs(store)) if new.clubs else ():
                    print(f"warning: {terminal(said)}", file=sys.stderr)
                who = f"group {new.group}" if new.group else new.email
                print(
                    terminal(
                        f"{who} is now {'an' if new.role == 'admin' else 'a'} {new.role}"
                        + (f" of {', '.join(new.clubs)}." if new.clubs else " (every club).")
                    )
                )
            elif args.command == "revoke":
                gone = stored.revoke(store, args.email, group=args.group, by=_who())
                who = f"group {args.group}" if args.group else args.email
                print(
                    terminal(
                        f"{who}'s access was revoked." if gone else f"{who} had no grant; nothing changed."
                    )
                )
            else:
                rows = stored.grants(store)
                if args.format == "json":
                    out = [
                        {
                            "email": g.email,
                            "role": g.role,
                            "clubs": list(g.clubs),
                            **({"group": g.group} if g.group else {}),
                        }
                        for g in rows
                    ]
                    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
                else:
                    lines = [
                        (
                            f"group {g.group}" if g.group else g.email,
                            g.role,
                            ", ".join(g.clubs) if g.clubs else "every club",
                        )
                        for g in rows
                    ]
                    width = max((len(terminal(w)) for w, _, _ in lines), default=0)
                    for who, role, clubs in lines:
                        print(f"{terminal(who):<{width}}  {role:<7}  {terminal(clubs)}")
                    if not rows:
                        print("No one has access yet: recert grant EMAIL --role admin gives the first admin.")
        return 0
    except RecertError as exc:
        print(terminal(exc), file=sys.stderr)
        return 1
