"""Keeping a people's mediation committee: its name, term and members, checked against
人民调解法 Art. 8 (three to nine members, one chair, women among them) and Art. 9 (a
three-year term)."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shanzhi.core import audit
from shanzhi.disputes.access import COMMITTEE_KEEPERS, holds_at
from shanzhi.disputes.models import (
    COMMITTEE_MAX,
    COMMITTEE_MIN,
    COMMITTEE_ROLES,
    Committee,
    CommitteeMember,
    MemberRole,
    MemberSex,
)
from shanzhi.org.models import BodyKind

# Art. 8 (a residents' committee sets one up) and Art. 34 (a street may).
SETTING_UP_KINDS = (BodyKind.RESIDENTS_COMMITTEE, BodyKind.STREET_OFFICE)
ART8 = "《人民调解法》第八条"


@dataclass
class MemberInput:
    name: str
    role: str
    sex: str
    pk: int | None = None  # an existing member, kept or changed


def composition_problems(members) -> list[str]:
    """Why serving members do not make a committee under Art. 8 (empty: they do).
    ``members`` are (role, sex) pairs of the members serving."""
    committee = [(role, sex) for role, sex in members if role in COMMITTEE_ROLES]
    problems = []
    if not COMMITTEE_MIN <= len(committee) <= COMMITTEE_MAX:
        problems.append(
            _("A committee has three to nine members (%(law)s); this one has %(n)d.")
            % {"law": ART8, "n": len(committee)}
        )
    chairs = sum(1 for role, _sex in committee if role == MemberRole.CHAIR)
    if chairs != 1:
        problems.append(_("A committee has one chair (%(law)s).") % {"law": ART8})
    if not any(sex == MemberSex.FEMALE for _role, sex in committee):
        problems.append(_("A committee has women among its members (%(law)s).") % {"law": ART8})
    return problems


def committee_problems(committee: Committee) -> list[str]:
    members = committee.members.filter(is_active=True).values_list("role", "sex")
    problems = composition_problems(list(members))
    if not committee.is_active:
        problems.insert(0, _("This committee is no longer active."))
    return problems


def _clean_members(members: list[MemberInput]) -> list[MemberInput]:
    cleaned = []
    for m in members:
        name = (m.name or "").strip()
        if not name:
            continue
        if m.role not in MemberRole.values or m.sex not in MemberSex.values:
            raise ValidationError(
                {"members": _("Give each member's role and sex: %(name)s.") % {"name": name}}
            )
        cleaned.append(MemberInput(name=name[:50], role=m.role, sex=m.sex, pk=m.pk))
    return cleaned


def do_save_committee(
    *,
    actor,
    body,
    name: str,
    members: list[MemberInput],
    committee: Committee | None = None,
    term_start=None,
    term_end=None,
    is_active: bool = True,
) -> Committee:
    if body is None or body.kind not in SETTING_UP_KINDS or not body.is_active:
        raise ValidationError(
            {"body": _("A committee is set up by an active residents' committee or street office.")}
        )
    if not holds_at(actor, body.region.path, COMMITTEE_KEEPERS):
        raise PermissionDenied(
            _("The staff of the community or street that set up the committee keep it.")
        )
    if committee is not None and not holds_at(actor, committee.path, COMMITTEE_KEEPERS):
        raise PermissionDenied(
            _("The staff of the community or street that set up the committee keep it.")
        )
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the committee's name.")
    if term_start and term_end:
        if term_end <= term_start:
            errors["term_end"] = _("The term ends after it starts.")
        elif term_end > _years_after(term_start, 3):
            errors["term_end"] = _("A term lasts three years (《人民调解法》第九条).")
    members = _clean_members(members)
    problems = composition_problems([(m.role, m.sex) for m in members]) if is_active else []
    if problems:
        errors["members"] = problems
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        created = committee is None
        if created:
            committee = Committee()
        before = {} if created else {"name": committee.name, "members": _roster(committee)}
        committee.name = name[:100]
        committee.body = body
        committee.path = body.region.path
        committee.term_start, committee.term_end = term_start, term_end
        committee.is_active = is_active
        committee.save()
        kept = set()
        existing = {m.pk: m for m in committee.members.all()} if not created else {}
        for m in members:
            row = existing.get(m.pk) if m.pk else None
            if row is None:
                row = CommitteeMember(committee=committee)
            row.name, row.role, row.sex, row.is_active = m.name, m.role, m.sex, True
            row.save()
            kept.add(row.pk)
        # Members who leave stay on record (past disputes name them); they stop serving.
        committee.members.exclude(pk__in=kept).update(is_active=False)
        audit.record(
            actor,
            "committee.save",
            committee,
            before=before,
            after={"name": committee.name, "body": body.name, "members": _roster(committee)},
            legal_basis=ART8,
            scope_path=committee.path,
        )
    return committee


def _years_after(day, years: int):
    """The same day ``years`` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _roster(committee) -> list[str]:
    return [
        f"{m.name}/{m.role}/{m.sex}"
        for m in committee.members.filter(is_active=True).order_by("pk")
    ]
