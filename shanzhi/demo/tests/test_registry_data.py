"""The synthetic registry: valid rows (ID numbers with the right check character, all of
division 990101; encrypted values that decrypt; blind indexes that find them), visibly
fictional everywhere, loaded once by seed_demo, and the people generator's counts."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone, translation

from shanzhi.core.models import AuditEvent, User
from shanzhi.demo import registry_data
from shanzhi.lib import idcard
from shanzhi.org.models import Region
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
from shanzhi.registry.summary.queries import area_summary

pytestmark = pytest.mark.django_db
MODELS = [
    Person,
    PersonRecord,
    Household,
    HouseholdMember,
    CareTag,
    Building,
    Dwelling,
    Tenancy,
    Organisation,
    Component,
]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def demo_registry():
    with translation.override("en"):
        return registry_data.load_registry_demo(households_per_grid=8)


def test_every_grid_gets_people_places_and_organisations(demo_registry):
    grids = Region.objects.filter(code__startswith="990101", level="grid")
    people_per_grid = dict(
        PersonRecord.objects.current()
        .values("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    for grid in grids:
        assert people_per_grid.get(grid.pk, 0) >= 8, grid.code
        assert Building.objects.filter(grid=grid).exists()
        assert Organisation.objects.filter(grid=grid).count() >= 2
        assert Component.objects.filter(grid=grid).count() == 4
    stored = counts()
    assert stored["Person"] == demo_registry.people
    assert stored["Household"] == demo_registry.households
    assert stored["Tenancy"] == demo_registry.tenancies > 0
    assert stored["CareTag"] == demo_registry.care_tags > 0
    # One head per current household; every household member has a record.
    heads = HouseholdMember.objects.current().filter(relation="head").count()
    assert heads == Household.objects.filter(dissolved_on__isnull=True).count()


def test_id_numbers_are_valid_synthetic_and_findable(demo_registry):
    today = timezone.localdate()
    numbers = []
    for person in Person.objects.exclude(id_number_encrypted=""):
        number = person.reveal_id_number()
        parsed = idcard.parse(number, today=today)  # raises on a wrong check character
        assert number.startswith("990101")
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        assert int(parsed.sequence) >= registry_data.generator.SEQUENCE_FROM
        assert person.id_number_masked == idcard.mask(number)
        numbers.append(number)
    assert len(numbers) == len(set(numbers)) > 100
    sample = numbers[:: max(1, len(numbers) // 20)]
    for number in sample:
        assert Person.objects.with_id_number(number).count() == 1


def test_everything_shown_is_visibly_fictional(demo_registry):
    resident = User.objects.get(username="resident")
    for record in PersonRecord.objects.exclude(phone_encrypted=""):
        number = record.phone
        assert number.startswith("0007") or number == resident.phone, number
        assert PersonRecord.objects.with_phone(number).filter(pk=record.pk).exists()
        assert record.reason == registry_data.NOTE
    assert all(o.name.endswith("（虚构）") for o in Organisation.objects.all())
    assert all(o.contact_phone.startswith("0005") for o in Organisation.objects.all())
    assert all(t.note == registry_data.NOTE for t in CareTag.objects.all())
    hazards = Dwelling.objects.exclude(hazard_notes="")
    assert hazards.exists() and all(registry_data.NOTE in d.hazard_notes for d in hazards)
    # The demo resident is registered with their account's number, for their own card.
    assert PersonRecord.objects.current().with_phone(resident.phone).count() == 1


def test_rows_pass_the_models_own_checks(demo_registry):
    for model in MODELS:
        for obj in model.objects.order_by("?")[:40]:
            obj.full_clean()


def test_a_plausible_population_with_history(demo_registry):
    current = PersonRecord.objects.current()
    kinds = Counter(current.values_list("registration_type", flat=True))
    assert kinds["registered"] > kinds["floating"] > 0
    ages = [
        timezone.localdate().year - y for y in current.values_list("person__birth_year", flat=True)
    ]
    assert min(ages) < 15 and max(ages) >= 65
    # Former tenants: closed records, so that a past day differs from today.
    assert PersonRecord.objects.filter(valid_to__isnull=False).exists()
    community = Region.objects.get(code="990101001001")
    summary = area_summary(community, day=timezone.localdate())
    assert summary.people == current.filter(path__startswith=community.path).count()
    assert 0 < summary.at_registered_address < summary.registered


def test_loaded_once_by_seed_demo(demo_registry, settings):
    settings.DEMO_MODE = True
    before = counts()
    out = io.StringIO()
    with translation.override("en"):
        assert registry_data.load_registry_demo() is None
        call_command("seed_demo", "--registry", stdout=out)
    assert counts() == before
    assert "Demo registry already loaded." in out.getvalue()
    assert AuditEvent.objects.filter(action=registry_data.DEMO_ACTION).count() == 1


def test_generate_people_adds_exactly_n(demo_registry):
    before = counts()
    added = registry_data.generate_people(500, seed=7, batch_size=120)
    after = counts()
    assert added.people == 500 == after["Person"] - before["Person"]
    assert added.households == after["Household"] - before["Household"]
    assert after["PersonRecord"] - before["PersonRecord"] == 500
    # Spread over the grids, one audited batch at a time.
    assert AuditEvent.objects.filter(action=registry_data.PEOPLE_ACTION).count() >= 60
    indexes = Person.objects.exclude(id_number_index="").values_list("id_number_index", flat=True)
    assert len(indexes) == len(set(indexes))
    call_command("verify_audit", stdout=io.StringIO())


def test_the_command_adds_people_and_refuses_a_negative_number(settings):
    from django.core.management import CommandError

    settings.DEMO_MODE = True
    out = io.StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--people", "60", stdout=out, stderr=io.StringIO())
        with pytest.raises(CommandError, match="--people must be a positive number"):
            call_command("seed_demo", "--people", "-1")
    assert "Demo registry loaded" in out.getvalue()
    assert "Synthetic people added: 60 people" in out.getvalue()
