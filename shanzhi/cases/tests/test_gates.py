"""Gates: a step naming a gate is taken only when the app keeping it agrees."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from shanzhi.cases import gates
from shanzhi.cases.procedure import Party, Transition


def _step(*names):
    return Transition("decide", "Decide", ("open",), "decided", (Party.HANDLER,), gates=names)


@pytest.fixture(autouse=True)
def _clean():
    saved = dict(gates._GATES)
    with translation.override("en"):
        yield
    gates._GATES.clear()
    gates._GATES.update(saved)


def test_a_gate_nobody_installed_refuses_the_step():
    with pytest.raises(ValidationError, match="“test_review” this step needs is not installed"):
        gates.check(None, _step("test_review"), None)


def test_an_installed_gate_decides_and_its_reason_reaches_the_caller():
    seen = []

    def review(case, transition, now):
        seen.append((case, transition.action, now))
        if case == "unreviewed":
            raise ValidationError("No passing review of the current draft (Art. 58).")

    gates.register("test_review", review)
    gates.check("reviewed", _step("test_review"), "t")
    assert seen == [("reviewed", "decide", "t")]
    with pytest.raises(ValidationError, match=r"Art\. 58"):
        gates.check("unreviewed", _step("test_review"), "t")


def test_a_step_without_gates_is_not_checked():
    gates.check(None, _step(), None)  # no gate named: nothing to refuse
