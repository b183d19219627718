"""Supervision of delegated enforcement: the anomalies of a set of cases and the figures
per matter and per team. ``anomalies`` is a pure reading of the records; each anomaly
names the rule it concerns and links to its case."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases import clocks as case_clocks
from shanzhi.enforcement import procedures as p
from shanzhi.enforcement import rules
from shanzhi.enforcement.models import StepKind

# States a case passes through after each record of the full-process record (Art. 47).
AFTER_FILING = {
    "filed",
    "investigated",
    "notified",
    "hearing_requested",
    "heard",
    "decided",
    "served",
    "closed",
}
AFTER_EVIDENCE = AFTER_FILING - {"filed"}
AFTER_DECISION = {"decided", "served", "closed"}
AFTER_SERVICE = {"served", "closed"}

KINDS = (
    "near_limit",
    "past_limit",
    "missing_record",
    "no_review",
    "single_officer",
    "hearing_not_offered",
    "publication_late",
)


@dataclass
class Anomaly:
    kind: str
    ecase: object
    message: str
    basis: str

    @property
    def number(self) -> str:
        return self.ecase.case.number


def with_records(cases):
    """``cases`` (a queryset of enforcement cases) with what ``anomalies`` reads of each
    — the clocks, the steps with their files and officers, the publication — read in a
    few queries for them all, not several for each."""
    return cases.select_related("case", "matter", "team", "street", "publication").prefetch_related(
        "case__clocks", "steps__files", "steps__officers"
    )


def anomalies(cases, now=None) -> list[Anomaly]:
    now = now or timezone.now()
    found: list[Anomaly] = []
    for ecase in cases:
        found += _of(ecase, now)
    return found


def _of(ecase, now) -> list[Anomaly]:
    case = ecase.case
    out = []

    def add(kind, message, basis):
        out.append(Anomaly(kind, ecase, message, basis))

    decide = max(
        (clock for clock in case.clocks.all() if clock.name == "decide"),
        key=lambda clock: clock.pk,
        default=None,
    )
    if decide is not None and decide.stopped_at is None:
        light = case_clocks.light(decide, now)
        if light == "red":
            add("past_limit", _("Not decided within 90 days of filing."), p.ART_60)
        elif light == "yellow":
            add("near_limit", _("The 90 days for the decision are nearly over."), p.ART_60)
    if ecase.decided_late:
        add("past_limit", _("Decided after the 90 days from filing."), p.ART_60)
    steps = list(ecase.steps.all())
    kinds = {step.kind for step in steps}
    state = case.state
    on_spot = ecase.on_the_spot
    missing = []
    if state in AFTER_FILING and not on_spot and StepKind.FILING not in kinds:
        missing.append(_("filing"))
    if state in AFTER_EVIDENCE and not on_spot and StepKind.EVIDENCE not in kinds:
        missing.append(_("evidence"))
    if state in AFTER_DECISION and not on_spot and StepKind.DECISION not in kinds:
        missing.append(_("decision"))
    if state in AFTER_SERVICE and not on_spot and StepKind.SERVICE not in kinds:
        missing.append(_("service"))
    if state == "closed" and StepKind.EXECUTION not in kinds:
        missing.append(_("execution"))
    evidence = [step for step in steps if step.kind == StepKind.EVIDENCE]
    if any(not step.files.all() for step in evidence):
        missing.append(_("photos, audio or video of the evidence"))
    if missing:
        add(
            "missing_record",
            _("Missing from the full-process record: %(what)s.") % {"what": ", ".join(missing)},
            p.ART_47,
        )
    heard = StepKind.HEARING in kinds and state in AFTER_DECISION
    if ecase.decided_at and (ecase.review_required or heard) and ecase.reviewed_draft is None:
        add("no_review", _("Decided without the legal review it required."), p.ART_58)
    if any(len(step.officers.all()) < 2 for step in evidence):
        add("single_officer", _("Evidence gathered by fewer than two officers."), p.ART_42)
    if (
        state not in ("received", "assigned", "filed", "investigated", "not_filed")
        and not on_spot
        and ecase.penalty_kinds
        and rules.hearing_triggered(ecase)
        and not ecase.hearing_offered
    ):
        add("hearing_not_offered", _("The right to a hearing was not offered."), p.ART_63)
    publication = _publication(ecase)
    if publication is not None:
        if publication.published_at is None and now > publication.due_at:
            add(
                "publication_late",
                _("The decision is not published within 7 working days."),
                p.ART_48,
            )
        elif publication.on_time is False:
            add("publication_late", _("The decision was published late."), p.ART_48)
        if publication.annulment and (
            (publication.withdrawn_at is None and now > publication.withdraw_due_at)
            or publication.withdraw_on_time is False
        ):
            add(
                "publication_late",
                _("The publication was not withdrawn within 3 working days of the annulment."),
                p.ART_48,
            )
    return out


def _publication(ecase):
    from shanzhi.enforcement.models import Publication

    try:
        return ecase.publication  # read with the case by ``with_records``
    except Publication.DoesNotExist:
        return None
