"""The generator behind ``shanzhi.demo.registry_data``: places, households and people as
rows in the column order of ``TABLES``, valid by construction.

Keys are allocated by the writer (``registry_data._write``) inside the batch's
transaction, so rows can point at each other before they are written."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

import shapely
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone
from faker import Faker

from shanzhi.core import crypto
from shanzhi.lib import codes, idcard
from shanzhi.org.models import Region
from shanzhi.registry import addresses, blindindex
from shanzhi.registry.models import (
    Building,
    CareTag,
    Component,
    Dwelling,
    Household,
    HouseholdMember,
    Organisation,
    Person,
    PersonRecord,
    Tenancy,
)

NOTE = "示范数据（虚构）"
DIVISION = "990101"  # the demo district; province 99 does not exist
SEQUENCE_FROM = 500  # hand-made test numbers use the low sequence numbers
DEMO_HOUSEHOLDS_PER_GRID = 40
REGISTRY_SINCE = datetime(2000, 1, 1, 9, tzinfo=UTC)  # buildings and dwellings on record
ROADS = ["梧桐路", "银杏路", "樱花街", "丁香巷", "海棠路", "紫藤街", "玉兰路", "石榴巷"]
HOMETOWNS = ["北原省（虚构）青山县", "南岭省（虚构）白沙市", "东江省（虚构）云水县"]
FOREIGN_NAMES = ["Lena Hoffmann", "Tomás Silva", "Aiko Tanaka", "Omar Haddad", "Sofia Rossi"]
MINORITIES = ["03", "11", "08", "06", "02", "05", "10", "14", "15"]
HAZARDS = [
    "电动自行车在楼道内充电",
    "私拉电线",
    "燃气软管老化",
    "群租，隔断过多",
    "消防通道堆放杂物",
]
ORGANISATIONS = [  # kind, name pattern, authority and category of the credit code
    ("enterprise", "{place}商贸有限公司（虚构）", "91"),
    ("enterprise", "{place}便民超市（虚构）", "92"),
    ("resident_unit", "示范区第{n}小学（虚构）", "12"),
    ("social_org", "{place}志愿服务队（虚构）", ""),  # filed with the street only (备案)
    ("social_org", "{place}邻里互助协会（虚构）", "51"),
]
COMPONENTS = [  # major class, minor class, name
    ("01", "001", "上水井盖"),
    ("01", "010", "消防栓"),
    ("02", "004", "公交站亭"),
    ("03", "002", "垃圾箱"),
    ("03", "009", "路灯"),
    ("04", "003", "行道树"),
]
# Household kinds: (kind, weight); renters are the floating population.
OWNER_KINDS = [
    ("couple_children", 30),
    ("three_generations", 11),
    ("couple", 12),
    ("elderly_couple", 15),
    ("elderly_alone", 9),
    ("single", 12),
    ("single_parent", 6),
    ("grandparents", 5),
]
RENTER_KINDS = [("single", 45), ("couple", 30), ("family", 25)]
HEAD_AGES = {"couple": (22, 60), "elderly_couple": (60, 88), "grandparents": (55, 74)}
DWELLING_USES = [("own", 70), ("rented", 16), ("partly_rented", 4), ("vacant", 7), ("other", 3)]

BUILDING_COLUMNS = ["id", "grid_id", "path", "name", "address", "address_key", "use", "floors"]
BUILDING_COLUMNS += ["units", "lon", "lat", "created"]
DWELLING_COLUMNS = ["id", "grid_id", "path", "building_id", "unit", "floor", "room", "address"]
DWELLING_COLUMNS += ["address_key", "use", "owner_id", "area_m2", "hazard_notes", "created"]
PERSON_COLUMNS = ["id", "grid_id", "path", "id_number_encrypted", "id_number_index"]
PERSON_COLUMNS += ["id_number_masked", "sex", "birth_year", "birth_date", "created"]
DATED = ["valid_from", "valid_to", "recorded_at", "closed_at"]
RECORD_COLUMNS = ["person_id", "number", "grid_id", "path", *DATED, "name", "ethnicity"]
RECORD_COLUMNS += ["registered_address", "current_address", "dwelling_id", "phone_encrypted"]
RECORD_COLUMNS += ["phone_index", "phone_masked", "registration_type", "lives_at_registration"]
RECORD_COLUMNS += ["reason"]
HOUSEHOLD_COLUMNS = ["id", "grid_id", "path", "number", "dwelling_id", "address", "created"]
HOUSEHOLD_COLUMNS += ["dissolved_on"]
MEMBER_COLUMNS = ["household_id", "person_id", "relation", *DATED]
CARE_TAG_COLUMNS = ["person_id", "kind", "note", *DATED]
TENANCY_COLUMNS = ["dwelling_id", "tenant_id", "note", *DATED]
ORGANISATION_COLUMNS = ["id", "grid_id", "path", "kind", "name", "uscc", "legal_representative"]
ORGANISATION_COLUMNS += ["has_party_organisation", "address", "building_id", "contact_name"]
ORGANISATION_COLUMNS += ["contact_phone_encrypted", "contact_phone_index"]
ORGANISATION_COLUMNS += ["contact_phone_masked", "created"]
COMPONENT_COLUMNS = ["id", "grid_id", "path", "code", "major_class", "minor_class", "name"]
COMPONENT_COLUMNS += ["state", "address", "lon", "lat", "created"]
TABLES = [  # model, columns; the keys of the models whose id is given are allocated here
    (Building, BUILDING_COLUMNS),
    (Dwelling, DWELLING_COLUMNS),
    (Person, PERSON_COLUMNS),
    (PersonRecord, RECORD_COLUMNS),
    (Household, HOUSEHOLD_COLUMNS),
    (HouseholdMember, MEMBER_COLUMNS),
    (CareTag, CARE_TAG_COLUMNS),
    (Tenancy, TENANCY_COLUMNS),
    (Organisation, ORGANISATION_COLUMNS),
    (Component, COMPONENT_COLUMNS),
]
KEYED = [model for model, columns in TABLES if columns[0] == "id"]


def _weighted(pairs):
    keys = [k for k, _w in pairs]
    weights = [w for _k, w in pairs]
    return lambda rng: rng.choices(keys, weights)[0]


_OWNER_KIND, _RENTER_KIND = _weighted(OWNER_KINDS), _weighted(RENTER_KINDS)
_DWELLING_USE = _weighted(DWELLING_USES)


@dataclass
class GridInfo:
    region: Region
    community: str
    road: str
    shape: object
    next_building: int


@dataclass
class Counts:
    people: int = 0
    households: int = 0
    buildings: int = 0
    dwellings: int = 0
    care_tags: int = 0
    tenancies: int = 0
    organisations: int = 0
    components: int = 0
    seconds: float = 0.0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


class _IdNumbers:
    """Synthetic ID numbers: division 990101, the birth date, a sequence number (odd for
    men) above the ones already used for that date, read back from the masks (which keep
    the sequence number and the check character)."""

    def __init__(self):
        used = (
            Person.objects.filter(id_number_masked__startswith=DIVISION[:4])
            .exclude(birth_date=None)
            .annotate(sequence=Substr("id_number_masked", 15, 3))
            .values("birth_date")
            .annotate(top=Max("sequence"))
        )
        self.next = {
            row["birth_date"]: max(SEQUENCE_FROM, int(row["top"]) + 1)
            for row in used
            if row["top"] and row["top"].isdigit()
        }

    def allocate(self, born: date, male: bool) -> tuple[str, date]:
        while True:
            sequence = self.next.get(born, SEQUENCE_FROM)
            if sequence % 2 != male:
                sequence += 1
            if sequence <= 999:
                break
            born -= timedelta(days=1)  # this day's numbers are used up: the day before
        self.next[born] = sequence + 1
        first17 = f"{DIVISION}{born:%Y%m%d}{sequence:03d}"
        return first17 + idcard.check_char(first17), born


@dataclass
class Batch:
    rows: dict = field(default_factory=lambda: {model: [] for model, _c in TABLES})
    counts: Counts = field(default_factory=Counts)


class Generator:
    def __init__(self, seed: int, *, high_rise: bool = False, today: date | None = None):
        """``high_rise``: towers of up to 26 floors as well (the large generator), not
        only the walk-up blocks of the demo."""
        self.rng = random.Random(seed)
        self.floors = (5, 6, 6, 7, 11, 18, 26) if high_rise else (4, 5, 6, 6, 7)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.ids = _IdNumbers()
        persons = Faker("zh_CN").provider("faker.providers.person")
        self.surnames = list(persons.last_names)
        self.surname_weights = list(persons.last_names.values())
        self.given = {True: list(persons.first_names_male), False: list(persons.first_names_female)}
        sqlite = connection.vendor == "sqlite"
        self.moment = _sqlite_datetime if sqlite else connection.ops.adapt_datetimefield_value
        self.day = connection.ops.adapt_datefield_value
        self.next_id: dict = {}

    # --- small pieces ---------------------------------------------------------------
    def key(self, model) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0]

    def name(self, surname: str, male: bool) -> str:
        return surname + self.rng.choice(self.given[male])

    def ago(self, low_years: float, high_years: float) -> date:
        days = int(self.rng.uniform(low_years, high_years) * 365.25)
        return self.today - timedelta(days=max(days, 1))

    def at(self, day: date, late_days: int = 5) -> str:
        """An instant on ``day`` or a few days later (when it was recorded), never later
        than now."""
        moment = datetime.combine(day, clock(9), self.zone) + timedelta(
            days=self.rng.randint(0, late_days), minutes=self.rng.randint(0, 480)
        )
        return self.moment(min(moment, self.now - timedelta(minutes=5)))

    def point(self, info: GridInfo) -> tuple[float | None, float | None]:
        if info.shape is None:
            return None, None
        minx, miny, maxx, maxy = info.shape.bounds
        for _attempt in range(50):
            x, y = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if shapely.contains_xy(info.shape, x, y):
                return round(x, 7), round(y, 7)
        return None, None

    # --- places -----------------------------------------------------------------------
    def building(self, batch: Batch, info: GridInfo) -> list[tuple]:
        """A new building and its dwellings: ``(id, address, use, row index)`` of each."""
        rng, grid = self.rng, info.region
        number = info.next_building
        info.next_building += 1
        pk = self.key(Building)
        address = f"{info.community}{info.road}{number}号"
        floors = rng.choice(self.floors)
        units = rng.choice((1, 2, 2, 3)) if floors < 11 else rng.choice((1, 2))
        per_floor = rng.choice((2, 2, 3, 4)) if floors > 7 else 2
        mixed = rng.random() < 0.12
        lon, lat = self.point(info)
        created = self.moment(REGISTRY_SINCE)
        batch.rows[Building].append(
            (
                pk,
                grid.pk,
                grid.path,
                f"{info.road}{number}号楼",
                address,
                addresses.normalise(address),
                "mixed" if mixed else "residential",
                floors,
                units,
                lon,
                lat,
                created,
            )
        )
        batch.counts.buildings += 1
        out = []
        for unit in range(1, units + 1):
            for floor in range(1, floors + 1):
                for room in range(1, per_floor + 1):
                    use = "other" if mixed and floor == 1 else _DWELLING_USE(rng)
                    room_no = f"{floor}{room:02d}"
                    where = addresses.dwelling_address(address, str(unit), room_no)
                    hazard = ""
                    if use in ("rented", "partly_rented") and rng.random() < 0.3:
                        hazard = f"{NOTE}：{rng.choice(HAZARDS)}"
                    dwelling = self.key(Dwelling)
                    batch.rows[Dwelling].append(
                        [
                            dwelling,
                            grid.pk,
                            grid.path,
                            pk,
                            str(unit),
                            floor,
                            room_no,
                            where,
                            addresses.normalise(where),
                            use,
                            None,
                            Decimal(rng.randrange(380, 1400)) / 10,
                            hazard,
                            created,
                        ]
                    )
                    out.append((dwelling, where, use, len(batch.rows[Dwelling]) - 1))
        batch.counts.dwellings += len(out)
        return out

    # --- people -----------------------------------------------------------------------
    def members(self, kind: str, floating: bool) -> list[tuple[str, bool, int]]:
        """(relation, male, age) of each member of a household of ``kind``."""
        rng = self.rng
        male = rng.random() < 0.7
        if kind == "single":
            low, high = (19, 45) if floating else (20, 64)
            return [("head", rng.random() < 0.55, rng.randint(low, high))]
        if kind == "elderly_alone":
            return [("head", rng.random() < 0.35, rng.randint(65, 97))]
        if kind in ("couple", "elderly_couple", "grandparents"):
            low, high = (22, 45) if floating else HEAD_AGES[kind]
            head = rng.randint(low, high)
            people = [
                ("head", male, head),
                ("spouse", not male, max(20, head + rng.randint(-4, 3))),
            ]
            if kind == "grandparents":
                people.append(("grandchild", rng.random() < 0.5, rng.randint(3, 15)))
            return people
        if kind == "single_parent":
            head = rng.randint(28, 55)
            child = rng.randint(max(0, head - 45), min(25, head - 20))
            return [("head", rng.random() < 0.3, head), ("child", rng.random() < 0.5, child)]
        # A couple with children: "couple_children", "three_generations", renters' "family".
        head = rng.randint(24, 42) if floating else rng.randint(28, 56)
        people = [("head", male, head), ("spouse", not male, max(20, head + rng.randint(-4, 3)))]
        children = 1 if floating or rng.random() < 0.6 else 2
        for _n in range(children):
            low, high = max(0, head - 42), head - 22
            people.append(("child", rng.random() < 0.5, min(rng.randint(low, high), 30)))
        if kind == "three_generations":
            parents = rng.choice((1, 2))
            for n in range(parents):
                sex = n == 0 if parents == 2 else rng.random() < 0.4
                people.append(("parent", sex, min(98, head + rng.randint(24, 34))))
        return people

    def household(self, batch, info, dwelling, *, floating, moved_in, left=None, head=None, limit):
        """A household with its members (at most ``limit``), their records, tenancies and
        care tags; ``left``: the day they moved out (a former tenant). ``head``: (name,
        phone) of a given head. Returns the number of people."""
        rng, grid, today = self.rng, info.region, self.today
        dwelling_id, where, _use, index = dwelling
        foreign = floating and left is None and rng.random() < 0.02
        kind = _RENTER_KIND(rng) if floating else _OWNER_KIND(rng)
        if left is not None:
            kind = "single"
        members = self.members(kind, floating)[: max(1, limit)]
        at_address = not floating and rng.random() < 0.9
        registration = "foreign" if foreign else ("floating" if floating else "registered")
        hometown = rng.choice(HOMETOWNS) + f"{rng.randint(1, 99)}号（{NOTE}）"
        registered = where if at_address else ("" if foreign else hometown)
        if not floating and not at_address:
            registered = f"{info.community}{rng.choice(ROADS)}{rng.randint(1, 60)}号（户籍地）"
        ethnicity = "" if foreign else ("01" if rng.random() < 0.94 else rng.choice(MINORITIES))
        household_id = self.key(Household)
        family = self.surname()
        recorded_household = self.at(moved_in)
        ended = self.day(left) if left else None
        closed = self.at(left, 2) if left else None
        batch.rows[Household].append(
            (
                household_id,
                grid.pk,
                grid.path,
                f"99{household_id:08d}",
                dwelling_id,
                where,
                recorded_household,
                ended,
            )
        )
        batch.counts.households += 1
        for relation, male, age in members:
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            born = min(born, today - timedelta(days=1))
            pk = self.key(Person)
            number, digest, masked = "", "", ""
            if not foreign:
                number, born = self.ids.allocate(born, male)
                digest, masked = blindindex.id_number(number), idcard.mask(number)
                number = crypto.encrypt(number)
            since = max(moved_in, born)
            if foreign:
                name = rng.choice(FOREIGN_NAMES)
            elif relation in ("head", "child", "grandchild") or (relation == "parent" and male):
                name = self.name(family, male)
            else:
                name = self.name(self.surname(), male)
            phone = head[1] if head and relation == "head" else ""
            if not phone and age >= 14:
                phone = f"0007{pk % 10**7:07d}"
            if head and relation == "head":
                name = head[0]
            recorded = self.at(since)
            batch.rows[Person].append(
                (
                    pk,
                    grid.pk,
                    grid.path,
                    number,
                    digest,
                    masked,
                    "1" if male else "2",
                    born.year,
                    self.day(born),
                    recorded,
                )
            )
            phone_columns = ("", "", "")
            if phone:
                phone_columns = (
                    crypto.encrypt(phone),
                    blindindex.phone(phone),
                    codes.mask_phone(phone),
                )
            batch.rows[PersonRecord].append(
                (
                    pk,
                    1,
                    grid.pk,
                    grid.path,
                    self.day(since),
                    ended,
                    recorded,
                    closed,
                    name[:50],
                    ethnicity,
                    registered,
                    where,
                    dwelling_id,
                    *phone_columns,
                    registration,
                    registration == "registered" and at_address,
                    NOTE,
                )
            )
            batch.rows[HouseholdMember].append(
                (household_id, pk, relation, self.day(since), ended, recorded, closed)
            )
            if floating and age >= 18 and relation in ("head", "spouse"):
                batch.rows[Tenancy].append(
                    (dwelling_id, pk, NOTE, self.day(since), ended, recorded, closed)
                )
                batch.counts.tenancies += 1
            if relation == "head" and not floating:
                batch.rows[Dwelling][index][10] = pk  # the owner
            if left is None:
                self.care_tags(batch, pk, kind, relation, age, since)
        batch.counts.people += len(members)
        return len(members)

    def care_tags(self, batch, person_id, kind, relation, age, since):
        rng = self.rng
        kinds = []
        if kind == "elderly_alone" and rng.random() < 0.85:
            kinds.append("elderly_alone")
        if (kind == "grandparents" and relation == "grandchild" and rng.random() < 0.7) or (
            kind == "elderly_couple" and relation == "head" and rng.random() < 0.1
        ):
            kinds.append("left_behind")
        if rng.random() < 0.006 + 0.0003 * age:
            kinds.append("disabled")
        if relation == "head" and rng.random() < 0.03:
            kinds.append("low_income")
        for tag in kinds:
            start = since + timedelta(days=rng.randint(0, max(0, (self.today - since).days - 1)))
            start = min(start, self.today - timedelta(days=1))
            batch.rows[CareTag].append(
                (person_id, tag, NOTE, self.day(start), None, self.at(start), None)
            )
        batch.counts.care_tags += len(kinds)

    def grid(self, batch, info, *, households=None, people=None, head=None):
        """Fill one grid: ``households`` households, or households until ``people``."""
        made_households = made_people = 0
        free: list = []

        def left() -> int:
            return 99 if people is None else people - made_people

        while (households is not None and made_households < households) or (
            people is not None and made_people < people
        ):
            if not free:
                free = self.building(batch, info)
            dwelling = free.pop(0)
            use = dwelling[2]
            if use in ("vacant", "other"):
                continue
            floating = use == "rented"
            moved_in = self.ago(0.05, 4) if floating else self.ago(0.1, 25)
            if floating and self.rng.random() < 0.4 and left() > 1:
                before = moved_in - timedelta(days=self.rng.randint(120, 1000))
                made_people += self.household(
                    batch, info, dwelling, floating=True, moved_in=before, left=moved_in, limit=1
                )
            made_people += self.household(
                batch, info, dwelling, floating=floating, moved_in=moved_in, head=head, limit=left()
            )
            head = None
            made_households += 1
            if use == "partly_rented" and left() > 0:
                made_people += self.household(
                    batch, info, dwelling, floating=True, moved_in=self.ago(0.05, 3), limit=left()
                )
        if free:  # the rest of the last building is not registered yet
            del batch.rows[Dwelling][-len(free) :]
            batch.counts.dwellings -= len(free)
        return made_people

    def extras(self, batch, info, index: int):
        """A few organisations and city components in a grid (the demo only)."""
        rng, grid = self.rng, info.region
        buildings = [row for row in batch.rows[Building] if row[1] == grid.pk]
        for n in range(2 + index % 2):
            kind, pattern, authority = ORGANISATIONS[(index + n) % len(ORGANISATIONS)]
            pk = self.key(Organisation)
            uscc = ""
            if authority:
                first17 = f"{authority}{DIVISION}D{pk:07d}X"
                uscc = first17 + codes.uscc_check_char(first17)
            building = rng.choice(buildings)
            phone = f"0005{pk % 10**7:07d}"
            name = pattern.format(place=info.community[:2] + info.road[:2], n=index + 1)
            batch.rows[Organisation].append(
                (
                    pk,
                    grid.pk,
                    grid.path,
                    kind,
                    name,
                    uscc,
                    self.name(self.surname(), rng.random() < 0.5) if authority else "",
                    rng.random() < 0.3,
                    building[4],
                    building[0],
                    self.name(self.surname(), True),
                    crypto.encrypt(phone),
                    blindindex.phone(phone),
                    codes.mask_phone(phone),
                    self.at(self.ago(1, 15)),
                )
            )
            batch.counts.organisations += 1
        for major, minor, name in rng.sample(COMPONENTS, 4):
            pk = self.key(Component)
            state = rng.choices(("good", "damaged", "lost"), (90, 8, 2))[0]
            lon, lat = self.point(info)
            batch.rows[Component].append(
                (
                    pk,
                    grid.pk,
                    grid.path,
                    codes.component_code(DIVISION, major, minor, pk),
                    major,
                    minor,
                    name,
                    state,
                    f"{info.community}{info.road}",
                    lon,
                    lat,
                    self.at(self.ago(0.5, 8)),
                )
            )
            batch.counts.components += 1


def _sqlite_datetime(value: datetime) -> str:
    """What Django stores in SQLite: naive UTC text."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
