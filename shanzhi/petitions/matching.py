"""The same matter again: first letters and visits (初信初访), repeat petitions (重复信访),
an item already being handled (Art. 19) and an item finally reviewed (Art. 36).

The same petitioner is the same ID number or phone number (by their blind indexes) or
the same account; the same matter is a text at least ``SAME_ITEM`` alike
(``lib/textsim``: character bigrams of the subject, the request and the start of the
facts). The duplicate index of the case engine (``cases/duplicates.similar_cases``) adds
the open cases of the last 30 days that the registering officer may see and that it
finds to be the same requester's about the same matter.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shanzhi.cases.duplicates import similar_cases
from shanzhi.cases.models import Case, Clock
from shanzhi.lib import textsim
from shanzhi.petitions import procedures
from shanzhi.petitions.models import Petition, PetitionClass, ReviewLevel

SAME_ITEM = 0.5  # texts this alike (0 … 1) are the same matter
FACTS_CHARS = 200  # of the facts, the start compared
MAX_EARLIER = 200  # a petitioner's earlier petitions read at most, newest first
# Accepted or being handled, per procedure: a superior organ does not accept the same
# matter then (Art. 19).
ACTIVE_STATES = {
    procedures.PETITION: {"dispatched", "objected", "in_progress"},
    procedures.REVIEW: {"received", "in_progress"},
    procedures.REREVIEW: {"received", "in_progress", "hearing"},
}
ANSWERED = {"replied", "evaluated", "closed"}


@dataclass
class Finding:
    """What registering a petition finds about its matter."""

    same: list[tuple[Petition, float]] = field(default_factory=list)  # newest first
    # (article, earlier petition, the case that stands in the way, why) when the matter
    # may not be accepted again.
    blocked: tuple[str, Petition, Case, str] | None = None

    @property
    def repeat_of(self) -> Petition | None:
        return self.same[0][0] if self.same else None

    @property
    def is_first(self) -> bool:
        return not self.same


def shingles(subject: str, request: str, facts: str) -> frozenset[str]:
    return textsim.shingles_of([subject, request, facts[:FACTS_CHARS]])


def score(a: frozenset[str], b: frozenset[str]) -> float:
    return textsim.dice(a, b)


def find(
    *,
    subject: str,
    request: str,
    facts: str,
    id_index: str = "",
    phone_index: str = "",
    account=None,
    phone: str = "",
    user=None,
    exclude: int | None = None,
    accusation: bool = False,
) -> Finding:
    """The earlier petitions of the same petitioner about the same matter, and whether
    one of them stands in the way of accepting it again. Only an accusation is compared
    with accusations: another petition must not point to one (its number would reach
    whoever reads that petition, the accused included)."""
    if not (id_index or phone_index or account is not None):
        return Finding()  # an anonymous petitioner: nobody to compare with
    earlier = (
        Petition.objects.of_petitioner(id_index=id_index, phone_index=phone_index, account=account)
        .select_related("case")
        .order_by("-received_at", "-pk")
    )
    if not accusation:
        earlier = earlier.exclude(petition_class=PetitionClass.ACCUSATION)
    if exclude is not None:
        earlier = earlier.exclude(pk=exclude)
    candidates = {p.pk: p for p in earlier[:MAX_EARLIER]}
    for extra in _from_duplicate_index(subject, request, account, phone, user, exclude):
        if accusation or not extra.confidential:
            candidates.setdefault(extra.pk, extra)
    text = shingles(subject, request, facts)
    same = []
    for petition in candidates.values():
        alike = score(text, shingles(petition.subject, petition.request, petition.facts))
        if alike >= SAME_ITEM:
            same.append((petition, round(alike, 3)))
    same.sort(key=lambda found: (found[0].received_at, found[0].pk), reverse=True)
    finding = Finding(same=same)
    for petition, _alike in same:
        finding.blocked = _blocking(petition)
        if finding.blocked is not None:
            break
    return finding


def _from_duplicate_index(subject, request, account, phone, user, exclude) -> list[Petition]:
    """Petitions the engine's duplicate index finds to be the same requester's."""
    if user is None:
        return []
    found = similar_cases(
        title=subject, description=request, requester=account, phone=phone, user=user, limit=10
    )
    numbers = [
        c.case.pk for c in found if c.same_requester and c.case.procedure == procedures.PETITION
    ]
    petitions = Petition.objects.filter(case_id__in=numbers).select_related("case")
    return [p for p in petitions if p.pk != exclude]


def _blocking(petition: Petition) -> tuple[str, Petition, Case, str] | None:
    """Why the matter of ``petition`` may not be accepted again, if it may not."""
    reviews = {r.level: r for r in petition.reviews.select_related("case")}
    final = reviews.get(ReviewLevel.REREVIEW)
    if final is not None and final.case.state in ANSWERED:
        return (
            procedures.ART_36,
            petition,
            final.case,
            _(
                "The same facts and reasons were finally decided by the re-review (复核) "
                "%(number)s: they are not accepted again (信访工作条例 Art. 36)."
            )
            % {"number": final.case.number},
        )
    for case in [petition.case, *(r.case for r in reviews.values())]:
        if case.state in ACTIVE_STATES[case.procedure] and not _past_limit(case):
            return (
                procedures.ART_19,
                petition,
                case,
                _(
                    "The same matter (%(number)s) is accepted or being handled within its "
                    "time limit: it is not accepted again (信访工作条例 Art. 19)."
                )
                % {"number": case.number},
            )
    return None


def _past_limit(case: Case) -> bool:
    """A running time limit of the case has run out."""
    return Clock.objects.overdue().filter(case=case).exists()
