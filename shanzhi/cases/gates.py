"""Gates: conditions another app keeps, which the engine checks before a step.

A transition names its gates (``Transition.gates``); the app that keeps the condition
registers a check under that name when it loads. The check takes the case, the
transition and the time, and raises ``ValidationError`` (naming the rule it applies)
when the step may not be taken yet — for instance the legal review a decision needs
(Administrative Penalty Law Art. 58). A gate no app registered refuses the step, so a
procedure never runs with a check silently missing.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

Check = Callable[..., None]

_GATES: dict[str, Check] = {}


def register(name: str, check: Check) -> Check:
    _GATES[name] = check
    return check


def check(case, transition, now) -> None:
    for name in transition.gates:
        gate = _GATES.get(name)
        if gate is None:
            raise ValidationError(
                _("The check “%(gate)s” this step needs is not installed.") % {"gate": name}
            )
        gate(case, transition, now)
