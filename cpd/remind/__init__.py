"""Reminders that go out by themselves (issue 15): who is due (pure), the messages (pure), sending (the edge).

``schedule.due`` decides who is due from a Standing, the sent log and as_of; ``compose`` makes the messages;
``run`` claims, sends and marks them through ``cpd.mail`` and the store's sent log (``cpd.store.sent``);
``settings`` reads the optional settings file; ``cli`` is ``recert remind``. Names are imported on first use, so
``python -m cpd`` builds its parser without loading pandas.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "DEFAULT_DAYS_BEFORE": "schedule",
    "DEFAULT_GRACE_EVERY": "schedule",
    "Reminder": "schedule",
    "Schedule": "schedule",
    "due": "schedule",
    "RemindSettings": "settings",
    "SettingsError": "settings",
    "load_settings": "settings",
    "manager_addresses": "settings",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> object:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'cpd.remind' has no attribute {name!r}")
