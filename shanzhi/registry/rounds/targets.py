"""What a visit is about, for its pages: a readable label of the household, dwelling or
person, the people living there now (with their masked phone), the household and the
dwelling a change can be proposed for, and the change forms for each of them."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shanzhi.registry.models import (
    Dwelling,
    Household,
    HouseholdMember,
    Person,
    PersonRecord,
    Relation,
    Tenancy,
)
from shanzhi.registry.rounds.forms import (
    CareNeedForm,
    HazardForm,
    MovedOutForm,
    NewMemberForm,
    NewTenantForm,
    PhoneChangeForm,
)


def label(target) -> str:
    """A household by its number, address and head; a dwelling by its address; a person
    by their current name and address."""
    if isinstance(target, Household):
        head = (
            HouseholdMember.objects.current()
            .filter(household=target, relation=Relation.HEAD)
            .values_list("person_id", flat=True)
            .first()
        )
        name = (
            PersonRecord.objects.current().filter(person_id=head).values_list("name", flat=True)
        ).first()
        parts = [target.number, target.address]
        if name:
            parts.append(_("head: %(name)s") % {"name": name})
        return " · ".join(p for p in parts if p)
    if isinstance(target, Dwelling):
        return target.address
    if isinstance(target, Person):
        record = target.records.order_by("-number").first()
        if record is None:
            return str(target)
        return " · ".join(p for p in (record.name, record.current_address) if p)
    return str(target)


def household_of(visit) -> Household | None:
    if visit.household_id:
        return visit.household
    if visit.person_id:
        member = (
            HouseholdMember.objects.current()
            .filter(person_id=visit.person_id)
            .select_related("household")
            .first()
        )
        return member.household if member else None
    return None


def dwelling_of(visit) -> Dwelling | None:
    if visit.dwelling_id:
        return visit.dwelling
    if visit.household_id:
        return visit.household.dwelling
    record = PersonRecord.objects.current().filter(person_id=visit.person_id).first()
    return record.dwelling if record and record.dwelling_id else None


@dataclass
class Resident:
    person: Person
    record: PersonRecord
    relation: str = ""
    forms: list = field(default_factory=list)


def residents(visit) -> list[Resident]:
    """The people living at the visit's target now: the household's members (head
    first), the dwelling's residents and tenants, or the person."""
    relations = {}
    if visit.household_id:
        members = HouseholdMember.objects.current().filter(household_id=visit.household_id)
        relations = {m.person_id: m.get_relation_display() for m in members}
        heads = {m.person_id for m in members if m.relation == Relation.HEAD}
        ids = sorted(relations, key=lambda pk: (pk not in heads, pk))
    elif visit.dwelling_id:
        living = PersonRecord.objects.current().filter(dwelling_id=visit.dwelling_id)
        tenants = Tenancy.objects.current().filter(dwelling_id=visit.dwelling_id)
        ids = sorted(
            {
                *living.values_list("person_id", flat=True),
                *tenants.values_list("tenant_id", flat=True),
            }
        )
        relations = {pk: _("tenant") for pk in tenants.values_list("tenant_id", flat=True)}
    else:
        ids = [visit.person_id]
    records = {
        r.person_id: r
        for r in PersonRecord.objects.current().filter(person_id__in=ids).select_related("person")
    }
    return [
        Resident(records[pk].person, records[pk], relations.get(pk, ""))
        for pk in ids
        if pk in records
    ]


@dataclass
class ChangeForms:
    """The change forms of a visit: per resident, and for the household and dwelling."""

    people: list[Resident]
    household: Household | None
    dwelling: Dwelling | None
    new_member: NewMemberForm | None
    new_tenant: NewTenantForm | None
    hazard: HazardForm | None

    def all(self):
        for resident in self.people:
            yield from resident.forms
        yield from (f for f in (self.new_member, self.new_tenant, self.hazard) if f is not None)

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.all()])

    def proposals(self):
        return [p for p in (form.proposal() for form in self.all()) if p is not None]


def change_forms(visit, *, care_kinds, data=None) -> ChangeForms:
    people = residents(visit)
    for resident in people:
        prefix = f"p{resident.person.pk}"
        common = {"target": resident.person, "care_kinds": care_kinds, "data": data}
        resident.forms = [
            PhoneChangeForm(prefix=f"{prefix}-phone", **common),
            MovedOutForm(prefix=f"{prefix}-moved", **common),
            CareNeedForm(prefix=f"{prefix}-care", **common),
        ]
        if not care_kinds:
            resident.forms.pop()
    household, dwelling = household_of(visit), dwelling_of(visit)
    if household is not None and household.dissolved_on is not None:
        household = None
    if dwelling is not None and not dwelling.is_active:
        dwelling = None
    return ChangeForms(
        people=people,
        household=household,
        dwelling=dwelling,
        new_member=NewMemberForm(data, prefix="member", target=household) if household else None,
        new_tenant=NewTenantForm(data, prefix="tenant", target=dwelling) if dwelling else None,
        hazard=HazardForm(data, prefix="hazard", target=dwelling) if dwelling else None,
    )
