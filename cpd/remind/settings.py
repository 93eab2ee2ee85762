"""The reminder settings file (TOML): the schedule, managers' addresses per club, the sign-off.

Given by ``--settings FILE`` or ``RECERT_REMIND_SETTINGS``; everything has a default, so no file is needed.
Checked like a rules file: bounded in size, every key known, every value typed and bounded; a problem is one
sentence (``SettingsError``). Example::

    [schedule]
    days_before = [90, 60, 30, 7]   # reminders this many days before each expiry
    grace_every = 14                # then every N days while in grace (0: none)

    [digest]
    every = 7                       # a manager's digest at most once per N days

    [message]
    sign_off = "Sam, Fitness Manager"
    from_name = "Recert at Downtown Gym"

    [sending]
    retry_pending_after = 60        # minutes before a claim left by a crashed run is tried again

    [managers]
    "Downtown" = ["sam@example.com"]
    "Uptown" = "lee@example.com"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RecertError
from ..fmt import clean
from .schedule import DEFAULT_DAYS_BEFORE, DEFAULT_GRACE_EVERY, Schedule

MAX_BYTES = 64 * 1024
MAX_STEPS = 20
MAX_DAYS = 3650
MAX_CLUBS = 2000
MAX_MANAGERS_PER_CLUB = 20
MAX_TEXT = 200
ENV = "RECERT_REMIND_SETTINGS"


class SettingsError(RecertError):
    """A reminder settings file or option that cannot be used."""


@dataclass(frozen=True)
class RemindSettings:
    schedule: Schedule = Schedule()
    digest_every: int = 7
    sign_off: str = ""
    from_name: str = "Recert"
    retry_pending_after: int = 60  # minutes
    managers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # club as written -> addresses


def _int(value: object, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(f"{where} must be a whole number from {low} to {high}.")
    return value


def _str(value: object, where: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise SettingsError(f"{where} must be text of at most {MAX_TEXT} characters.")
    return clean(value)


_KNOWN = {
    "schedule": {"days_before", "grace_every"},
    "digest": {"every"},
    "message": {"sign_off", "from_name"},
    "sending": {"retry_pending_after"},
    "managers": None,
}


def parse_settings(data: bytes, *, name: str = "the settings file") -> RemindSettings:
    """Settings from the file's bytes (TOML), checked."""
    if len(data) > MAX_BYTES:
        raise SettingsError(f"{name} is larger than {MAX_BYTES // 1024} KB; a settings file is a few lines.")
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{name} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{name} is not valid TOML ({clean(exc)}).") from None
    for section, value in doc.items():
        if section not in _KNOWN:
            raise SettingsError(
                f"{name} has an unknown section '{clean(section)[:60]}' (known: {', '.join(_KNOWN)})."
            )
        if not isinstance(value, dict):
            raise SettingsError(f"'{section}' in {name} must be a [section].")
        keys = _KNOWN[section]
        if keys is None:  # a section whose keys are not fixed
            continue
        for key in value:
            if key not in keys:
                raise SettingsError(f"{name} has an unknown setting '{section}.{clean(key)[:60]}'.")
    sched = doc.get("schedule", {})
    before = sched.get("days_before", list(DEFAULT_DAYS_BEFORE))
    if not isinstance(before, list) or len(before) > MAX_STEPS:
        raise SettingsError(f"schedule.days_before must be a list of at most {MAX_STEPS} numbers of days.")
    days = tuple(sorted({_int(b, "each of schedule.days_before", 0, MAX_DAYS) for b in before}, reverse=True))
    schedule = Schedule(
        days_before=days,
        grace_every=_int(sched.get("grace_every", DEFAULT_GRACE_EVERY), "schedule.grace_every", 0, 365),
    )
    managers: dict[str, tuple[str, ...]] = {}
    raw = doc.get("managers", {})
    if len(raw) > MAX_CLUBS:
        raise SettingsError(f"[managers] lists more than {MAX_CLUBS} clubs.")
    for club, addrs in raw.items():
        listed = [addrs] if isinstance(addrs, str) else addrs
        if not isinstance(listed, list) or not 1 <= len(listed) <= MAX_MANAGERS_PER_CLUB:
            raise SettingsError(
                f'managers."{clean(club)[:60]}" must be an address or a list of at most '
                f"{MAX_MANAGERS_PER_CLUB} addresses."
            )
        managers[_str(club, "a club name in [managers]")] = tuple(
            _str(a, "a manager's address") for a in listed
        )
    msg = doc.get("message", {})
    return RemindSettings(
        schedule=schedule,
        digest_every=_int(doc.get("digest", {}).get("every", 7), "digest.every", 1, 365),
        sign_off=_str(msg.get("sign_off", ""), "message.sign_off"),
        from_name=_str(msg.get("from_name", "Recert"), "message.from_name"),
        retry_pending_after=_int(
            doc.get("sending", {}).get("retry_pending_after", 60), "sending.retry_pending_after", 1, 10080
        ),
        managers=managers,
    )


def load_settings(
    path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None
) -> RemindSettings:
    """The settings file named by ``path`` or ``RECERT_REMIND_SETTINGS``; the defaults when neither is set."""
    env = os.environ if env is None else env
    where = path if path is not None else env.get(ENV) or None
    if where is None:
        return RemindSettings()
    p = Path(where)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise SettingsError(f"The reminder settings file {clean(where)} does not exist.") from None
    except IsADirectoryError:
        raise SettingsError(f"The reminder settings file {clean(where)} is a folder.") from None
    except OSError as exc:
        raise SettingsError(
            f"The reminder settings file {clean(where)} cannot be read ({exc.strerror})."
        ) from None
    return parse_settings(data, name=f"the reminder settings file {clean(p.name)}")


def parse_manager_option(text: str) -> tuple[str, str]:
    """``--manager-email CLUB=EMAIL`` (the last '=' separates, so a club name may hold one)."""
    club, sep, email = text.rpartition("=")
    if not sep or not clean(club) or not clean(email):
        raise SettingsError(f"--manager-email takes CLUB=EMAIL, not '{clean(text)[:80]}'.")
    if len(club) > MAX_TEXT or len(email) > 320:
        raise SettingsError("--manager-email: the club or address is too long.")
    return clean(club), clean(email)


def club_key(club: object) -> str:
    """Clubs compare as a manager reads them: case and spacing do not matter."""
    return clean(club).casefold()


def manager_addresses(
    clubs: Iterable[str],
    *,
    settings: RemindSettings = RemindSettings(),
    options: Iterable[tuple[str, str]] = (),
    grants: Iterable[tuple[str, Iterable[str]]] = (),
) -> dict[str, tuple[str, ...]]:
    """Per club of the standing (as written there), the addresses its digest goes to: from the settings file,
    ``--manager-email`` options and, once access grants exist (issue 14), ``(email, clubs)`` grants of managers.
    The one place managers are looked up; a club nobody is named for gets no digest. Addresses are as given
    (parsed and checked when the message is made)."""
    wanted: dict[str, list[str]] = {}
    for club, addrs in settings.managers.items():
        wanted.setdefault(club_key(club), []).extend(addrs)
    for club, addr in options:
        wanted.setdefault(club_key(club), []).append(addr)
    for addr, granted in grants:
        for club in granted:
            wanted.setdefault(club_key(club), []).append(addr)
    out: dict[str, tuple[str, ...]] = {}
    for club in dict.fromkeys(clubs):
        named = wanted.get(club_key(club))
        if named:
            out[club] = tuple(dict.fromkeys(a.strip() for a in named if a.strip()))
    return out
