"""Cases brought to a given step, for the tests."""

from shanzhi.enforcement.actions import do_record_evidence, do_take_step
from shanzhi.enforcement.tests.conftest import at, valid_officers


def decided(new_case, matter, officers, user, *, when=None, files=(), **fields):
    """A case decided (a 500-yuan fine, no review required) on 5 Sep 2025."""
    ecase = new_case(matter, now=at(2025, 9, 1, 9), **fields)
    do_record_evidence(
        ecase,
        actor=user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="调查笔录",
        files=list(files),
    )
    do_take_step(ecase, "conclude_investigation", actor=user, now=at(2025, 9, 3, 9))
    do_take_step(
        ecase,
        "notify",
        actor=user,
        now=at(2025, 9, 4, 9),
        penalty_kinds=["fine"],
        fine="500",
        note="拟罚款500元",
    )
    do_take_step(
        ecase,
        "decide",
        actor=user,
        now=when or at(2025, 9, 5, 9),
        decision_text="罚款500元",
        decision_number="东湖罚〔2025〕7号",
    )
    return ecase
