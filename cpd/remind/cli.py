"""``recert remind`` (interfaces.md, "Reminders"): the latest snapshot's reminders due today, sent by SMTP.

    recert remind [--snapshot ID|latest] [--as-of DATE] [--dry-run] [--only EMAIL] [--manager-email CLUB=EMAIL]...
                  [--settings FILE] [--format table|json] [--db URL]

Exit 0 when everything due was sent or skipped with a reason, 1 when some could not be sent (they go out on the
next run) or the store cannot be read, 2 for usage (options, settings file, SMTP settings). Kept apart from
``cpd.cli`` so the file commands never import SQLAlchemy or smtplib.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from ..errors import RecertError
from ..fmt import clean, terminal

COMMAND = "remind"


def add_command(
    sub: Any, *, as_of_type: Callable[[str], date], db: Callable[[argparse.ArgumentParser], None]
) -> None:
    p = sub.add_parser(COMMAND, help="send the reminders due today (trainers, and a digest to club managers)")
    p.add_argument(
        "--snapshot", default="latest", metavar="ID|latest", help="the saved snapshot (default latest)"
    )
    p.add_argument("--as-of", type=as_of_type, default=None, help="the day to remind for (default today)")
    p.add_argument("--dry-run", action="store_true", help="print what would go out; send and record nothing")
    p.add_argument(
        "--only",
        default=None,
        metavar="EMAIL",
        help="send only the messages to this address (or, when none is due, a test message)",
    )
    p.add_argument(
        "--manager-email",
        action="append",
        default=[],
        metavar="CLUB=EMAIL",
        help="the address of a club's manager for the digest (repeat for more)",
    )
    p.add_argument(
        "--settings",
        default=None,
        metavar="FILE",
        help="reminder settings (TOML; default RECERT_REMIND_SETTINGS)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    db(p)


def _usage(message: object) -> int:
    print(f"recert remind: {terminal(message)}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from ..mail import MailSettingsError, smtp_settings
    from .compose import AddressProblem, parse_address
    from .settings import SettingsError, load_settings, parse_manager_option

    try:
        settings = load_settings(args.settings)
        options = [parse_manager_option(x) for x in args.manager_email]
        only = parse_address(args.only) if args.only is not None else None
        smtp = None if args.dry_run else smtp_settings()
    except (SettingsError, MailSettingsError) as exc:
        return _usage(exc)
    except AddressProblem as exc:
        return _usage(f"--only: {exc}.")
    try:
        return _run(args, settings=settings, options=options, only=only, smtp=smtp)
    except RecertError as exc:
        print(terminal(exc), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one sentence, never a traceback
        print(
            f"Recert could not send the reminders because of an internal error ({type(exc).__name__}); "
            "please report it.",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace, *, settings: Any, options: list, only: str | None, smtp: Any) -> int:
    from datetime import timedelta

    from ..catalogue import load_catalogue
    from ..standing import compute_standing
    from ..store import open_store
    from ..store.sent import SentLog
    from .run import Summary, dry_run_text, prepare, send_all, send_test, smoke_message
    from .settings import manager_addresses

    with open_store(args.db) as store:
        snap = store.load(args.snapshot)
        catalogue = load_catalogue(rules_text=snap.rules_text)
        as_of = args.as_of or date.today()
        standing = compute_standing(snap.roster, catalogue, as_of=as_of, window=snap.window)
        log = SentLog(store.engine, retry_pending_after=timedelta(minutes=settings.retry_pending_after))
        managers = manager_addresses(
            standing.trainers["club"].dropna().astype(str).tolist(),
            settings=settings,
            options=options,
            grants=_manager_grants(store),
        )
        plan = prepare(standing, settings=settings, managers=managers, done=log.done(), only=only)
        if args.dry_run:
            summary = Summary(
                sent=sum(m.kind == "trainer" for m in plan.messages),
                digests=sum(m.kind == "digest" for m in plan.messages),
                skipped=[{"trainer": s.who, "reason": s.reason} for s in plan.skipped],
            )
            if args.format == "json":
                sys.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False) + "\n")
            else:
                sys.stdout.write(dry_run_text(plan))
            return 0
        if only is not None and not plan.messages:
            due_count = len(prepare(standing, settings=settings, managers=managers, done=log.done()).messages)
            summary = send_test(
                smoke_message(only, smtp=smtp, due_count=due_count), smtp=smtp, settings=settings
            )
        else:
            summary = send_all(plan, log=log, smtp=smtp, settings=settings)
    _report(summary, args.format)
    return summary.exit_code


def _manager_grants(store: Any) -> list[tuple[str, tuple[str, ...]]]:
    """Managers' email grants (issue 14), as (email, clubs), when the store has them."""
    try:
        from ..store.access import grants
    except ImportError:
        return []
    return [(g.email, g.clubs) for g in grants(store) if g.role == "manager" and g.email]


def _report(summary: Any, fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False) + "\n")
    else:
        lines = [
            f"Sent {summary.sent} reminder(s) and {summary.digests} digest(s); {len(summary.skipped)} "
            f"skipped; {len(summary.failed)} not sent."
        ]
        lines += [f"  skipped {clean(s['trainer'])}: {clean(s['reason'])}" for s in summary.skipped]
        lines += [f"  not sent to {clean(f['to'])}: {clean(f['reason'])}" for f in summary.failed]
        sys.stdout.write(_terminal_lines(lines))
    if summary.failed:
        reasons = list(dict.fromkeys(f["reason"].removeprefix("not sent: ") for f in summary.failed))
        more = f" ({len(reasons) - 1} other reason(s) in the summary)" if len(reasons) > 1 else ""
        print(
            f"{terminal(reasons[0])}{more} {len(summary.failed)} message(s) were not sent; they go out on the "
            "next run.",
            file=sys.stderr,
        )


def _terminal_lines(lines: list[str]) -> str:
    return "".join(terminal(x) + "\n" for x in lines)
