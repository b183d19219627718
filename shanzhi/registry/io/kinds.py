"""One importer per kind of sheet: how its rows are checked, in which units they are
written, and how a unit is written.

``check`` sees every row once, streaming, and reports problems; ``sequence`` yields the
write units in a fixed order as (number of sheet rows, unit or None for rows left out),
so that a resumed import skips exactly the rows already counted in ``rows_done``.
People, buildings and organisations are written row by row in file order; households as
whole households (head first), in the order their first row appears.

People are written by the bulk path of ``people.py``; buildings, organisations and
households go through the registry's own actions, one row at a time, each in a
savepoint of the batch's transaction (they are counted in thousands, not millions, and
the actions keep their one audit event per record).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.lib import idcard
from shanzhi.registry import addresses
from shanzhi.registry.access import may_write_at
from shanzhi.registry.actions import (
    do_add_household_member,
    do_create_building,
    do_create_household,
    do_create_organisation,
)
from shanzhi.registry.io import people
from shanzhi.registry.io.columns import (
    BUILDINGS,
    ORGANISATIONS,
    CellError,
    id_text,
    parse_choice,
    parse_date,
    parse_float,
    parse_int,
    parse_yes_no,
)
from shanzhi.registry.io.rows import Grids, Problems, Row
from shanzhi.registry.models import (
    Building,
    BuildingUse,
    HouseholdMember,
    Organisation,
    OrganisationKind,
    Person,
    PersonRecord,
    Relation,
)


class Importer:
    kind = ""

    def __init__(self, actor, problems: Problems):
        self.actor = actor
        self.problems = problems
        self.grids = Grids(actor)
        self.today = timezone.localdate()

    def check(self, row: Row) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Rules that need the whole file."""

    def sequence(self, rows, skip: set[int], done: int = 0):
        """(sheet rows, unit or None, row number) in write order; the first ``done``
        rows were written before and are not read again."""
        for position, row in enumerate(rows, start=1):
            if position <= done or row.number in skip:
                yield 1, None, row.number
            else:
                yield 1, self.unit(row), row.number

    def unit(self, row: Row):
        """What is written for a row checked valid; None (with a problem) if it no
        longer is."""
        raise NotImplementedError

    def write(self, units: list, conflict) -> dict:
        raise NotImplementedError

    def path_of(self, unit) -> str:
        return unit.grid.path

    def read(self, row: Row, key: str, parse):
        try:
            return parse(row.value(key))
        except CellError as exc:
            self.problems.add(row.number, key, str(exc))
            return None


class PeopleImporter(Importer):
    kind = "people"

    def __init__(self, actor, problems):
        super().__init__(actor, problems)
        self.checker = people.PeopleCheck(actor, problems)
        self.grids = self.checker.grids

    def check(self, row):
        self.checker.add(row)

    def finish(self):
        self.checker.finish()

    def unit(self, row):
        return people.parse_row(row, self.grids, self.problems, self.today)

    def write(self, units, conflict):
        return people.write_people(units, actor=self.actor, conflict=conflict)


def _one_by_one(importer, units, conflict, create) -> dict:
    written = left_out = 0
    for unit in units:
        try:
            with transaction.atomic():
                create(unit)
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            conflict(people.WriteConflict(unit.row, "", message))
            left_out += 1
        else:
            written += 1
    return {"written": written, "left_out": left_out}


@dataclass
class Place:
    row: int
    obj: object
    grid: object
    extra: dict = field(default_factory=dict)


class BuildingImporter(Importer):
    kind = "buildings"
    keys = {c.key for c in BUILDINGS}

    def __init__(self, actor, problems):
        super().__init__(actor, problems)
        self.seen: dict[str, int] = {}

    def unit(self, row):
        grid = self.read(row, "grid", lambda v: self.grids.get(id_text(v)))
        use = self.read(row, "use", lambda v: parse_choice(v, BuildingUse))
        floors = self.read(row, "floors", lambda v: parse_int(v, low=1, high=200))
        units = self.read(row, "units", lambda v: parse_int(v, low=1, high=99))
        lon = self.read(row, "lon", parse_float)
        lat = self.read(row, "lat", parse_float)
        building = Building(
            name=row.text("name"),
            address=row.text("address"),
            use=use or BuildingUse.RESIDENTIAL,
            floors=floors,
            units=units,
            lon=lon,
            lat=lat,
        )
        if grid is None:
            return None
        building.place_in(grid)
        try:
            building.full_clean()
        except ValidationError as exc:
            self.problems.add_validation_error(row.number, exc, self.keys)
            return None
        return Place(row.number, building, grid)

    def check(self, row):
        place = self.unit(row)
        key = addresses.normalise(row.text("address"))
        if key and key in self.seen:
            self.problems.add(
                row.number,
                "address",
                _("The same address as on row %(row)d.") % {"row": self.seen[key]},
            )
        elif key:
            self.seen[key] = row.number
        del place

    def write(self, units, conflict):
        return _one_by_one(
            self, units, conflict, lambda p: do_create_building(p.obj, actor=self.actor)
        )


class OrganisationImporter(Importer):
    kind = "organisations"
    keys = {c.key for c in ORGANISATIONS} | {"contact_phone"}

    def __init__(self, actor, problems):
        super().__init__(actor, problems)
        self.seen: dict[str, int] = {}

    def unit(self, row):
        grid = self.read(row, "grid", lambda v: self.grids.get(id_text(v)))
        kind = self.read(row, "kind", lambda v: parse_choice(v, OrganisationKind))
        party = self.read(row, "has_party_organisation", parse_yes_no)
        uscc = self.read(row, "uscc", id_text)
        organisation = Organisation(
            kind=kind or "",
            name=row.text("name"),
            uscc=(uscc or "").upper(),
            registration_number=row.text("registration_number"),
            legal_representative=row.text("legal_representative"),
            has_party_organisation=bool(party),
            address=row.text("address"),
            contact_name=row.text("contact_name"),
        )
        phone = row.text("contact_phone")
        if grid is None:
            return None
        organisation.place_in(grid)
        try:
            organisation.set_contact_phone(phone)
            organisation.full_clean()
        except ValidationError as exc:
            self.problems.add_validation_error(row.number, exc, self.keys)
            return None
        return Place(row.number, organisation, grid, {"contact_phone": phone})

    def check(self, row):
        place = self.unit(row)
        if place is not None and place.obj.uscc:
            code = place.obj.uscc
            if code in self.seen:
                self.problems.add(
                    row.number,
                    "uscc",
                    _("The same unified social credit code as on row %(row)d.")
                    % {"row": self.seen[code]},
                )
            else:
                self.seen[code] = row.number

    def write(self, units, conflict):
        return _one_by_one(
            self,
            units,
            conflict,
            lambda p: do_create_organisation(
                p.obj, actor=self.actor, contact_phone=p.extra["contact_phone"]
            ),
        )


@dataclass
class MemberRow:
    row: int
    person: Person
    relation: str
    valid_from: object
    grid: object
    number: str
    address: str


@dataclass
class HouseholdUnit:
    row: int  # the first row of the household in the sheet
    grid: object
    number: str
    members: list[MemberRow]


class HouseholdImporter(Importer):
    """Households of people already registered: rows with the same household number
    (in the same grid) are one household."""

    kind = "households"

    def __init__(self, actor, problems):
        super().__init__(actor, problems)
        self.seen: dict[int, tuple[int, str]] = {}
        self.households: dict = defaultdict(list)

    def member(self, row, *, registry_checks: bool = True) -> MemberRow | None:
        grid = self.read(row, "grid", lambda v: self.grids.get(id_text(v)))
        relation = self.read(row, "relation", lambda v: parse_choice(v, Relation))
        valid_from = self.read(row, "valid_from", lambda v: parse_date(v, today=self.today))
        number = row.text("household")
        if not number:
            self.problems.add(row.number, "household", _("Give the household number."))
        if relation == "":
            self.problems.add(row.number, "relation", _("Choose the relation to the head."))
        person = self.person(row, registry_checks=registry_checks)
        if row.number in self.problems or None in (grid, person):
            return None
        return MemberRow(
            row.number,
            person,
            relation,
            valid_from or self.today,
            grid,
            number,
            row.text("address"),
        )

    def person(self, row, *, registry_checks: bool) -> Person | None:
        raw = self.read(row, "id_number", id_text)
        if raw is None:
            return None
        try:
            number = idcard.parse(raw, today=self.today)
        except idcard.IdNumberError as exc:
            self.problems.add(row.number, "id_number", exc.message)
            return None
        person = Person.objects.with_id_number(number.value).first()
        if not registry_checks and person is not None:
            return person  # checked before; the actions check again when writing
        lives_here = (
            person is not None
            and not person.is_anonymised
            and may_write_at(self.actor, person.path)
            and PersonRecord.objects.current().filter(person=person).exists()
        )
        if not lives_here:
            self.problems.add(
                row.number,
                "id_number",
                _(
                    "Nobody with this ID number lives in your area: register the person "
                    "first (people template)."
                ),
            )
            return None
        elsewhere = (
            HouseholdMember.objects.current().filter(person=person).select_related("household")
        ).first()
        if elsewhere is not None:
            self.problems.add(
                row.number,
                "id_number",
                _("%(person)s already belongs to %(household)s: remove them from it first.")
                % {"person": person.display_name(), "household": elsewhere.household},
            )
            return None
        return person

    def check(self, row):
        member = self.member(row)
        if member is None:
            return
        earlier = self.seen.get(member.person.pk)
        if earlier is not None:
            if earlier[1] != member.number:
                message = _(
                    "This person is also in household %(household)s on row %(row)d: a person "
                    "belongs to one household at a time."
                ) % {"household": earlier[1], "row": earlier[0]}
            else:
                message = _("The same person (ID number) as on row %(row)d.") % {"row": earlier[0]}
            column = "household" if earlier[1] != member.number else "id_number"
            self.problems.add(row.number, column, message)
            self.households[(member.grid.pk, member.number)].append(
                people.Member(row.number, member.relation, False)
            )
            return
        self.seen[member.person.pk] = (row.number, member.number)
        self.households[(member.grid.pk, member.number)].append(
            people.Member(row.number, member.relation, True)
        )

    def finish(self):
        people.check_households(self.households, self.problems)

    def sequence(self, rows, skip, done: int = 0):
        groups: dict = {}
        for row in rows:
            if row.number in skip:
                yield 1, None, row.number
                continue
            member = self.member(row, registry_checks=False)
            if member is None:
                yield 1, None, row.number
                continue
            key = (member.grid.pk, member.number)
            if key not in groups:
                groups[key] = HouseholdUnit(row.number, member.grid, member.number, [])
            groups[key].members.append(member)
        for unit in groups.values():
            unit.members.sort(key=lambda m: m.relation != Relation.HEAD)
            yield len(unit.members), unit, unit.row

    def write(self, units, conflict):
        written = left_out = 0
        for unit in units:
            try:
                with transaction.atomic():
                    self.write_household(unit)
            except (ValidationError, PermissionDenied, IntegrityError) as exc:
                message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                conflict(people.WriteConflict(unit.row, "", message))
                left_out += len(unit.members)
            else:
                written += len(unit.members)
        return {"written": written, "left_out": left_out}

    def write_household(self, unit: HouseholdUnit) -> None:
        found = people.existing_households([(unit.grid.pk, unit.number)])
        matches = found.get((unit.grid.pk, unit.number), [])
        members = unit.members
        if matches:
            from shanzhi.registry.models import Household

            household = Household.objects.get(pk=matches[0]["pk"])
        else:
            head = members[0]
            household = do_create_household(
                actor=self.actor,
                head=head.person,
                grid=unit.grid,
                address=head.address,
                number=unit.number,
                valid_from=head.valid_from,
            )
            members = members[1:]
        for member in members:
            do_add_household_member(
                household,
                member.person,
                member.relation,
                actor=self.actor,
                valid_from=member.valid_from,
            )


IMPORTERS = {
    "people": PeopleImporter,
    "households": HouseholdImporter,
    "buildings": BuildingImporter,
    "organisations": OrganisationImporter,
}
