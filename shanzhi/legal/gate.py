"""The legal review gate: a decision or instrument may be taken only when the CURRENT
version of its draft has a passing opinion.

Only an opinion on exactly the current version counts. "pass" opens the gate; "fail"
does not; "pass_with_changes" states the changes required and does not open it for the
version reviewed: the drafter saves the changed version and the reviewer confirms that
version with a "pass". A draft changed after its review needs review again
(《行政处罚法》第五十八条: no decision without passing review).

The engine gate "legal_review" (``cases/gates.py``) applies this to a case's step,
citing the step's legal basis, or Art. 58 of the Administrative Penalty Law.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanzhi.legal.models import Draft, Opinion, Outcome
from shanzhi.legal.procedures import PENALTY_ART_58


def current_draft(case=None, instrument=None) -> Draft | None:
    """The latest version of the draft of ``case`` or ``instrument``."""
    if (case is None) == (instrument is None):
        raise ValueError("current_draft takes a case or an instrument")
    drafts = Draft.objects.filter(case=case) if case is not None else instrument.drafts.all()
    return drafts.order_by("-version").first()


def latest_opinion(draft: Draft) -> Opinion | None:
    return (
        Opinion.objects.filter(request__draft=draft)
        .select_related("request")
        .order_by("-given_at", "-pk")
        .first()
    )


def refusal(*, case=None, instrument=None, basis: str) -> tuple[Draft | None, str]:
    """The current draft, and why the gate is closed ("" when it is open)."""
    draft = current_draft(case=case, instrument=instrument)
    if draft is None:
        return None, _(
            "No draft has been saved for legal review: this may not be decided or issued "
            "without a passing legal review (%(basis)s)."
        ) % {"basis": basis}
    opinion = latest_opinion(draft)
    params = {"version": draft.version, "basis": basis}
    if opinion is not None:
        if opinion.outcome == Outcome.PASS:
            return draft, ""
        if opinion.outcome == Outcome.FAIL:
            return draft, _(
                "Version %(version)s of the draft did not pass legal review (不予通过): "
                "it may not be decided or issued (%(basis)s)."
            ) % params
        return draft, _(
            "Version %(version)s of the draft passed only after changes (修改后通过): save "
            "the changed version and have the reviewer confirm it before it is decided or "
            "issued (%(basis)s)."
        ) % params
    if draft.requests.exists():
        return draft, _(
            "Version %(version)s of the draft is still under legal review: it may not be "
            "decided or issued before a passing opinion (%(basis)s)."
        ) % params
    reviewed = (
        Opinion.objects.filter(
            request__draft__in=_siblings(draft), request__draft__version__lt=draft.version
        )
        .order_by("-request__draft__version")
        .values_list("request__draft__version", flat=True)
        .first()
    )
    if reviewed is not None:
        return draft, _(
            "The draft was changed after its legal review (version %(reviewed)s was "
            "reviewed, version %(version)s is current): the current version needs review "
            "again (%(basis)s)."
        ) % {**params, "reviewed": reviewed}
    return draft, _(
        "Version %(version)s of the draft has not been sent for legal review: it may not "
        "be decided or issued without a passing legal review (%(basis)s)."
    ) % params


def _siblings(draft: Draft):
    return Draft.objects.filter(case_id=draft.case_id, instrument_id=draft.instrument_id)


def require_passing_review(*, case=None, instrument=None, basis: str) -> Draft:
    """The reviewed current draft; ``ValidationError`` citing ``basis`` otherwise."""
    draft, reason = refusal(case=case, instrument=instrument, basis=basis)
    if reason:
        raise ValidationError(reason, code="legal_review")
    return draft


def engine_gate(case, transition, now) -> None:
    """The engine gate "legal_review": the case's decision needs a passing review."""
    require_passing_review(case=case, basis=transition.legal_basis or PENALTY_ART_58)
