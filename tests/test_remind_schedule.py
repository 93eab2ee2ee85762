"""Who is due a reminder: the schedule on literal standings (no files, no server, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpd.remind import Schedule, due
from cpd.remind.schedule import CPR_ITEM
from tests.remind_data import AS_OF, cert, standing

D = Schedule()


@pytest.mark.parametrize(
    ("days_left", "grace_days", "step"),
    [
        (120, 0, None),  # nothing before the first step
        (91, 0, None),
        (90, 0, -90),  # due on each step's day
        (89, 0, -90),  # a missed day: the latest step passed is still due
        (61, 0, -90),
        (60, 0, -60),
        (45, 0, -60),
        (30, 0, -30),
        (8, 0, -30),
        (7, 0, -7),
        (0, 0, -7),  # the deadline itself: the 7-day step
        (-1, 0, None),  # lapsed, no grace: nothing more
        (-1, 180, 1),  # the first day of grace
        (-14, 180, 1),
        (-15, 180, 15),  # then every 14 days while in grace
        (-29, 180, 29),
        (-180, 180, 169),
        (-181, 180, None),  # past grace: expired, nothing more
    ],
)
def test_latest_step_is_the_last_step_passed(days_left, grace_days, step):
    assert D.latest_step(days_left, grace_days) == step


@pytest.mark.parametrize(
    ("days_left", "status", "grace", "step"),
    [
        (90, "at_risk", 0, -90),
        (60, "at_risk", 0, -60),
        (30, "at_risk", 0, -30),
        (7, "at_risk", 0, -7),
        (75, "behind", 0, -90),
        (
            80,
            "on_track",
            0,
            -90,
        ),  # not met: a reminder even when the risk window is smaller than the schedule
        (30, "met", 0, None),  # nothing after met
        (5, "met", 0, None),
        (-10, "grace", 180, 1),
        (-43, "grace", 180, 43),
        (-200, "expired", 180, None),  # past grace
    ],
)
def test_due_on_a_literal_standing(days_left, status, grace, step):
    st_ = standing([cert(days_left=days_left, status=status, grace_days=grace)])
    got = due(st_, set(), as_of=AS_OF)
    assert [r.step for r in got] == ([] if step is None else [step])
    if got:
        assert got[0].deadline == AS_OF + timedelta(days=days_left)
        assert got[0].key == ("t1", "nasm_cpt", step, got[0].deadline)


def test_a_step_already_sent_is_not_due_and_earlier_steps_never_come_back():
    st_ = standing([cert(days_left=25)])
    deadline = AS_OF + timedelta(days=25)
    assert due(st_, {("t1", "nasm_cpt", -30, deadline)}, as_of=AS_OF) == []
    # the 90 and 60 day steps were never sent: still nothing (never two steps at once, never an older step)
    assert due(st_, {("t1", "nasm_cpt", -30, deadline), ("t1", "nasm_cpt", -90, deadline)}, as_of=AS_OF) == []


def test_a_renewal_moves_the_deadline_and_starts_again():
    old = AS_OF + timedelta(days=25)
    st_ = standing([cert(days_left=85)])  # renewed: a new expiry 85 days away
    got = due(st_, {("t1", "nasm_cpt", -30, old)}, as_of=AS_OF)
    assert [(r.step, r.deadline) for r in got] == [(-90, AS_OF + timedelta(days=85))]


def test_a_trainer_with_two_certifications_gets_each_item_once():
    st_ = standing(
        [
            cert(days_left=20),
            cert(days_left=-5, status="grace", grace_days=30, credential="ace_cpt", name="ACE CPT"),
        ]
    )
    got = due(st_, set(), as_of=AS_OF)
    assert sorted((r.item, r.step) for r in got) == [("ace_cpt", 1), ("nasm_cpt", -30)]


@pytest.mark.parametrize(
    ("cpr_days", "status", "step"),
    [
        (60, "met", -60),  # a met certification whose required card runs out: the card is due
        (100, "met", None),
        (-1, "on_track", 1),  # the card expired yesterday: due while a certification needs it
        (-16, "on_track", 15),
        (-30, "expired", None),  # an expired certification imposes nothing
    ],
)
def test_the_cpr_card_has_its_own_schedule(cpr_days, status, step):
    st_ = standing([cert(days_left=300, status=status, cpr_required=True, cpr_days=cpr_days)])
    got = [r for r in due(st_, set(), as_of=AS_OF) if r.item == CPR_ITEM]
    assert [r.step for r in got] == ([] if step is None else [step])


def test_a_card_not_required_is_not_reminded():
    st_ = standing([cert(days_left=300, status="met", cpr_required=False, cpr_days=10)])
    assert due(st_, set(), as_of=AS_OF) == []


def test_a_configured_schedule_is_used():
    sched = Schedule(days_before=(45, 10), grace_every=0)
    assert [r.step for r in due(standing([cert(days_left=40)]), set(), as_of=AS_OF, schedule=sched)] == [-45]
    assert (
        due(standing([cert(days_left=-3, status="grace", grace_days=30)]), set(), as_of=AS_OF, schedule=sched)
        == []
    )


def test_a_standing_for_another_day_is_refused():
    with pytest.raises(ValueError, match="computed for"):
        due(standing([cert()]), set(), as_of=date(2026, 6, 2))


@given(
    st.integers(-400, 400),
    st.integers(0, 365),
    st.lists(st.integers(0, 400), min_size=1, max_size=6),
    st.integers(0, 30),
)
def test_a_daily_job_sends_each_step_at_most_once_and_in_order(start, grace, before, every):
    """Run the job every day from ``start`` days before the deadline: each step goes out once, steps go out
    in order, and each goes out on its own day (no step is skipped when the job runs daily)."""
    sched = Schedule(days_before=tuple(sorted(set(before), reverse=True)), grace_every=every)
    sent: list[int] = []
    for left in range(max(start, -grace - 2), -grace - 2, -1):
        step = sched.latest_step(left, grace)
        if step is not None and step not in sent:
            if sent:  # after the first run, each step goes out on its own day
                assert step == -left, (left, step)
            sent.append(step)
    assert sent == sorted(sent)
    assert len(sent) == len(set(sent))
