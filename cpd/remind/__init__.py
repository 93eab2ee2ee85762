"""Reminders that go out by themselves (issue 15): who is due (pure), the messages (pure), sending (the edge).

``schedule.due`` decides who is due from a Standing, the sent log and as_of; ``compose`` makes the messages;
``run`` claims, sends and marks them through ``cpd.mail`` and the store's sent log (``cpd.store.sent``);
``settings`` reads the optional settings file. ``recert remind`` is ``cli``.
"""

from __future__ import annotations

from .schedule import DEFAULT_DAYS_BEFORE, DEFAULT_GRACE_EVERY, Reminder, Schedule, due
from .settings import RemindSettings, SettingsError, load_settings, manager_addresses

__all__ = ["DEFAULT_DAYS_BEFORE", "DEFAULT_GRACE_EVERY", "Reminder", "RemindSettings", "Schedule", "SettingsError",
           "due", "load_settings", "manager_addresses"]
