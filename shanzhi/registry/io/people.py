"""Importing people (with their households) from the people template.

Checking applies the rules of ``do_register_person`` and ``do_create_household`` row by
row — the ID number as ``Person.set_id_number`` parses it, the record's own rules
(``PersonRecord.clean``: a name, 人户一致 only for the registered population, the grid),
the phone as ``set_phone`` reads it, the grid in the importer's area — and then across
rows and against the registry: the same person twice in the file (or in two households),
someone already registered (through the blind index, nothing decrypted), one head per new
household, no second head for a household already in the registry.

Writing is a bulk path, because registering people one action at a time costs a locked
audit-chain append per person (see docs/registry-io.md for the figures): each batch
encrypts and indexes exactly as ``Person.set_id_number`` and ``PersonRecord.set_phone``
do, inserts the people, their first records and household memberships with one
statement per table, and writes one audit event for the batch with its counts, in one
transaction. A person who lived here before and moved away (registered, no current
record) comes back through ``do_register_person`` itself, which keeps their history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.core import crypto
from shanzhi.core.bulkinsert import PreparedInsert
from shanzhi.lib import codes, idcard
from shanzhi.org.models import Region
from shanzhi.registry import blindindex
from shanzhi.registry.access import may_read_at
from shanzhi.registry.actions import do_register_person
from shanzhi.registry.ethnicity import Ethnicity
from shanzhi.registry.io.columns import (
    PEOPLE,
    CellError,
    id_text,
    parse_choice,
    parse_date,
    parse_yes_no,
)
from shanzhi.registry.io.rows import Grids, Problems, Row
from shanzhi.registry.models import (
    Household,
    HouseholdMember,
    Person,
    PersonRecord,
    RegistrationType,
    Relation,
    Sex,
)

KEYS = {c.key for c in PEOPLE}
CHUNK = 1000
_RECORD_FIELDS_NOT_CHECKED = ["person", "number", "dwelling", "grid", "recorded_by", "valid_to"]


@dataclass(slots=True)
class PersonRow:
    row: int
    name: str
    id_number: str
    index: str
    sex: str
    birth_date: date
    ethnicity: str
    registration_type: str
    lives: bool
    registered_address: str
    current_address: str
    phone: str
    grid: Region
    valid_from: date
    household: str
    relation: str


def parse_row(row: Row, grids: Grids, problems: Problems, today: date) -> PersonRow | None:
    """The row's values, or None when a value cannot be read (reported in ``problems``)."""
    bad = False

    def read(key, parse):
        nonlocal bad
        try:
            return parse(row.value(key))
        except CellError as exc:
            problems.add(row.number, key, str(exc))
            bad = True
            return None

    number = None
    raw_id = read("id_number", id_text)
    if raw_id is not None:
        try:
            number = idcard.parse(raw_id, today=today)
        except idcard.IdNumberError as exc:
            problems.add(row.number, "id_number", exc.message)
            bad = True
    sex = read("sex", lambda v: parse_choice(v, Sex))
    born = read("birth_date", lambda v: parse_date(v, today=today))
    if number is not None and ((sex and sex != number.sex) or (born and born != number.birth_date)):
        problems.add(
            row.number,
            "sex" if sex and sex != number.sex else "birth_date",
            _("The sex or the date of birth given does not match the ID number."),
        )
        bad = True
    ethnicity = read("ethnicity", lambda v: parse_choice(v, Ethnicity))
    registration = read("registration_type", lambda v: parse_choice(v, RegistrationType))
    lives = read("lives_at_registration", parse_yes_no)
    valid_from = read("valid_from", lambda v: parse_date(v, today=today))
    relation = read("relation", lambda v: parse_choice(v, Relation))
    grid = read("grid", lambda v: grids.get(id_text(v)))
    phone = row.text("phone")
    if phone:
        try:
            phone = codes.check_phone(phone)
        except codes.CodeError as exc:
            problems.add(row.number, "phone", exc.message)
            bad = True
    household = row.text("household")
    if household and not relation and relation is not None:
        problems.add(row.number, "relation", _("Choose the relation to the head."))
        bad = True
    if relation and not household:
        problems.add(
            row.number, "household", _("Give the household number together with the relation.")
        )
        bad = True
    registration = registration or RegistrationType.REGISTERED
    if lives is None:
        lives = registration == RegistrationType.REGISTERED
    record = PersonRecord(
        number=1,
        name=row.text("name"),
        ethnicity=ethnicity or "",
        registered_address=row.text("registered_address"),
        current_address=row.text("current_address"),
        registration_type=registration,
        lives_at_registration=lives,
        valid_from=valid_from or today,
    )
    if grid is not None:
        record.place_in(grid)
    try:
        record.clean_fields(exclude=_RECORD_FIELDS_NOT_CHECKED)
        record.clean()
    except ValidationError as exc:
        if grid is None and hasattr(exc, "error_dict"):
            exc.error_dict.pop("grid", None)  # already reported
        problems.add_validation_error(row.number, exc, KEYS)
        bad = True
    if len(household) > Household._meta.get_field("number").max_length:
        problems.add(row.number, "household", _("The household number is too long."))
        bad = True
    if bad or number is None or grid is None:
        return None
    return PersonRow(
        row=row.number,
        name=record.name,
        id_number=number.value,
        index=blindindex.id_number(number.value),
        sex=number.sex,
        birth_date=number.birth_date,
        ethnicity=record.ethnicity,
        registration_type=registration,
        lives=lives,
        registered_address=record.registered_address,
        current_address=record.current_address,
        phone=phone,
        grid=grid,
        valid_from=record.valid_from,
        household=household,
        relation=relation or "",
    )


def registered(indexes) -> dict[str, dict]:
    """People already in the registry, by blind index, with whether they live here now."""
    current = PersonRecord.objects.filter(person=OuterRef("pk"), valid_to__isnull=True)
    rows = (
        Person.objects.filter(id_number_index__in=list(indexes))
        .annotate(current=Exists(current))
        .values("pk", "id_number_index", "path", "grid__name", "anonymised_at", "current")
    )
    return {r["id_number_index"]: r for r in rows}


def duplicate_message(existing: dict, actor) -> str:
    if actor is None or may_read_at(actor, existing["path"]):
        return _(
            "A person with this ID number is already registered (%(person)s, in %(grid)s)."
        ) % {
            "person": _("Person #%(pk)s") % {"pk": existing["pk"]},
            "grid": existing["grid__name"],
        }
    return _(
        "A person with this ID number is already registered as living in another "
        "area: the staff there must record the move-out first."
    )


def is_taken(existing: dict | None) -> bool:
    return existing is not None and (existing["current"] or existing["anonymised_at"])


@dataclass(slots=True)
class Member:
    row: int
    relation: str
    valid: bool


class PeopleCheck:
    """Checks the rows of a people sheet as they stream by; ``finish`` adds the rules
    that need the whole file (households)."""

    def __init__(self, actor, problems: Problems):
        self.actor = actor
        self.problems = problems
        self.grids = Grids(actor)
        self.today = timezone.localdate()
        self.seen: dict[str, tuple[int, str]] = {}  # blind index → (row, household)
        self.households: dict[tuple[int, str], list[Member]] = defaultdict(list)
        self.chunk: list[PersonRow] = []

    def add(self, row: Row) -> None:
        parsed = parse_row(row, self.grids, self.problems, self.today)
        household = row.text("household")
        if parsed is None:
            if household:
                grid = self.grids.cache.get(row.text("grid"))
                if isinstance(grid, Region):
                    self.households[(grid.pk, household)].append(Member(row.number, "", False))
            return
        earlier = self.seen.get(parsed.index)
        if earlier is not None:
            first_row, first_household = earlier
            if parsed.household and first_household and parsed.household != first_household:
                message = _(
                    "This person is also in household %(household)s on row %(row)d: a person "
                    "belongs to one household at a time."
                ) % {"household": first_household, "row": first_row}
                self.problems.add(parsed.row, "household", message)
            else:
                message = _("The same person (ID number) as on row %(row)d.") % {"row": first_row}
                self.problems.add(parsed.row, "id_number", message)
            self._member(parsed, valid=False)
            return
        self.seen[parsed.index] = (parsed.row, parsed.household)
        self.chunk.append(parsed)
        if len(self.chunk) >= CHUNK:
            self.flush()

    def _member(self, parsed: PersonRow, *, valid: bool) -> None:
        if parsed.household:
            self.households[(parsed.grid.pk, parsed.household)].append(
                Member(parsed.row, parsed.relation, valid)
            )

    def flush(self) -> None:
        existing = registered(p.index for p in self.chunk)
        for parsed in self.chunk:
            found = existing.get(parsed.index)
            if is_taken(found):
                self.problems.add(parsed.row, "id_number", duplicate_message(found, self.actor))
            self._member(parsed, valid=not is_taken(found))
        self.chunk = []

    def finish(self) -> None:
        self.flush()
        check_households(self.households, self.problems)


def existing_households(keys) -> dict[tuple[int, str], list[dict]]:
    keys = list(keys)
    if not keys:
        return {}
    head = HouseholdMember.objects.filter(
        household=OuterRef("pk"), valid_to__isnull=True, relation=Relation.HEAD
    )
    found = defaultdict(list)
    numbers = sorted({number for _grid, number in keys})
    grids = {grid for grid, _number in keys}
    for start in range(0, len(numbers), CHUNK):
        rows = (
            Household.objects.filter(
                number__in=numbers[start : start + CHUNK],
                grid_id__in=grids,
                dissolved_on__isnull=True,
            )
            .annotate(has_head=Exists(head))
            .values("pk", "grid_id", "number", "has_head")
        )
        for row in rows:
            found[(row["grid_id"], row["number"])].append(row)
    return found


def check_households(households: dict, problems: Problems) -> None:
    """One head per new household; none more for a household already registered."""
    registry = existing_households(households)
    for key, members in households.items():
        number = key[1]
        matches = registry.get(key, [])
        if len(matches) > 1:
            for member in members:
                problems.add(
                    member.row,
                    "household",
                    _("Several households of this grid have the number %(number)s.")
                    % {"number": number},
                )
            continue
        valid = [m for m in members if m.valid]
        heads = [m for m in valid if m.relation == Relation.HEAD]
        if matches:
            if matches[0]["has_head"]:
                for member in heads:
                    problems.add(
                        member.row,
                        "relation",
                        _("Household %(number)s already has a head in the registry.")
                        % {"number": number},
                    )
            continue
        if not heads:
            for member in valid:
                problems.add(
                    member.row,
                    "relation",
                    _(
                        "Household %(number)s has no head in this file (or the head's row "
                        "has an error): a new household needs exactly one."
                    )
                    % {"number": number},
                )
        for member in heads[1:]:
            problems.add(
                member.row,
                "relation",
                _("Household %(number)s already has a head on row %(row)d.")
                % {"number": number, "row": heads[0].row},
            )


# --- Writing ----------------------------------------------------------------------------

PERSON_COLUMNS = [
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "sex",
    "birth_year",
    "birth_date",
    "grid_id",
    "path",
]
RECORD_COLUMNS = [
    "person_id",
    "number",
    "name",
    "ethnicity",
    "registered_address",
    "current_address",
    "phone_encrypted",
    "phone_index",
    "phone_masked",
    "registration_type",
    "lives_at_registration",
    "grid_id",
    "path",
    "valid_from",
    "recorded_by_id",
]


class WriteConflict(ValidationError):
    """A row that was valid when checked no longer is (someone registered the same person
    meanwhile, a grid was closed)."""

    def __init__(self, row: int, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.text = row, column, message


def write_people(rows: list[PersonRow], *, actor, conflict) -> dict:
    """Write a batch (inside the caller's transaction). ``conflict(WriteConflict)`` is
    called for a row that is no longer valid: it raises to abort the batch (all or
    nothing) or records the row as left out (valid rows only)."""
    existing = registered(p.index for p in rows)
    fresh, returning, left_out = [], [], 0
    for parsed in rows:
        found = existing.get(parsed.index)
        if is_taken(found):
            conflict(WriteConflict(parsed.row, "id_number", duplicate_message(found, actor)))
            left_out += 1
        elif found is not None:
            returning.append(parsed)
        else:
            fresh.append(parsed)
    by_index = {}
    if fresh:
        PreparedInsert(Person, PERSON_COLUMNS).write(
            (
                crypto.encrypt(p.id_number),
                p.index,
                idcard.mask(p.id_number),
                p.sex,
                p.birth_date.year,
                p.birth_date,
                p.grid.pk,
                p.grid.path,
            )
            for p in fresh
        )
        by_index = dict(
            Person.objects.filter(id_number_index__in=[p.index for p in fresh]).values_list(
                "id_number_index", "pk"
            )
        )
        recorded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
        PreparedInsert(PersonRecord, RECORD_COLUMNS).write(
            (
                by_index[p.index],
                1,
                p.name,
                p.ethnicity,
                p.registered_address,
                p.current_address,
                crypto.encrypt(p.phone) if p.phone else "",
                blindindex.phone(p.phone) if p.phone else "",
                codes.mask_phone(p.phone) if p.phone else "",
                p.registration_type,
                p.lives,
                p.grid.pk,
                p.grid.path,
                p.valid_from,
                recorded_by,
            )
            for p in fresh
        )
    for parsed in returning:
        try:
            person = do_register_person(
                actor=actor,
                name=parsed.name,
                grid=parsed.grid,
                id_number=parsed.id_number,
                phone=parsed.phone,
                ethnicity=parsed.ethnicity,
                registered_address=parsed.registered_address,
                current_address=parsed.current_address,
                registration_type=parsed.registration_type,
                lives_at_registration=parsed.lives,
                valid_from=parsed.valid_from,
                note=_("Spreadsheet import"),
            )
        except (ValidationError, PermissionDenied) as exc:
            conflict(WriteConflict(parsed.row, "", " ".join(_messages(exc))))
            left_out += 1
            continue
        by_index[parsed.index] = person.pk
    members = join_households(
        [p for p in fresh + returning if p.household and p.index in by_index],
        by_index,
        actor=actor,
        conflict=conflict,
    )
    returned = sum(1 for p in returning if p.index in by_index)
    return {
        "written": len(fresh) + returned,
        "returned": returned,
        "members": members,
        "left_out": left_out,
    }


def _messages(exc) -> list[str]:
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def join_households(rows: list[PersonRow], by_index: dict, *, actor, conflict) -> int:
    """Members of the batch join their household, created at its first row seen."""
    if not rows:
        return 0
    keys = {(p.grid.pk, p.household) for p in rows}
    found = {key: matches[0]["pk"] for key, matches in existing_households(keys).items()}
    keys_in_order = dict.fromkeys((p.grid.pk, p.household) for p in rows)
    missing = [key for key in keys_in_order if key not in found]
    if missing:
        first = {}
        for p in rows:
            first.setdefault((p.grid.pk, p.household), p)
        created = Household.objects.bulk_create(
            [
                Household(
                    number=key[1],
                    grid=first[key].grid,
                    path=first[key].grid.path,
                    address=first[key].current_address,
                )
                for key in missing
            ]
        )
        for key, household in zip(missing, created, strict=True):
            found[key] = household.pk
    recorded_by = actor.pk if getattr(actor, "is_authenticated", False) else None
    members = [
        HouseholdMember(
            household_id=found[(p.grid.pk, p.household)],
            person_id=by_index[p.index],
            relation=p.relation,
            valid_from=p.valid_from,
            recorded_by_id=recorded_by,
        )
        for p in rows
    ]
    HouseholdMember.objects.bulk_create(members)
    return len(members)
