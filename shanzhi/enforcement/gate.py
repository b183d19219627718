"""The legal-review gate of the decision (法制审核, 《行政处罚法》第五十八条).

The ``decide`` transition names the engine gate ``enforcement_legal_review``; this check
refuses it, when the case requires a review, unless the current version of the case's
draft decision has a passing opinion (``shanzhi.legal.gate.require_passing_review``).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanzhi.enforcement import procedures as p
from shanzhi.legal.gate import require_passing_review


def check_legal_review(case, transition, now) -> None:
    from shanzhi.enforcement.models import EnforcementCase

    ecase = EnforcementCase.objects.filter(case=case).first()
    if ecase is None:
        raise ValidationError(_("This case has no enforcement record."))
    if not ecase.review_required:
        return
    require_passing_review(case=case, basis=p.ART_58)
