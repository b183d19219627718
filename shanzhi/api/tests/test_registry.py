"""The grid registry through the API: an integration sees the people of its own area
only, masked; a full value needs the reveal scope, a role whose duty needs it and a
purpose, and is logged."""

from datetime import date

import pytest

from shanzhi.core.models import User
from shanzhi.lib import idcard
from shanzhi.org.models import Region
from shanzhi.registry.actions import do_register_person
from shanzhi.registry.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

COMMUNITY_A, COMMUNITY_B = "990101001001", "990101001002"
GRID_A, GRID_B = "990101001001001", "990101001002001"
READ = ["registry:read"]
REVEAL = ["registry:read", "registry:reveal"]


def id_number(n: int) -> str:
    first17 = f"99010119800101{n:03d}"  # province 99: no real person's number
    return first17 + idcard.check_char(first17)


def register(n: int, grid: str, name: str):
    return do_register_person(
        actor=User.objects.get(username="streetstaff"),
        name=name,
        grid=Region.objects.get(code=grid),
        id_number=id_number(n),
        phone=f"1390000{n:04d}",
        current_address=f"示范路{n}号",
        valid_from=date(2025, 1, 1),
    )


@pytest.fixture
def people(db):
    return register(1, GRID_A, "张一"), register(2, GRID_B, "李二")


def staff_api(api_for, unit=COMMUNITY_A, scopes=READ, role="community_staff"):
    return api_for(f"社区系统{unit}{len(scopes)}{role}", role=role, unit=unit, scopes=scopes)


def test_search_finds_only_the_areas_people_masked(api_for, people):
    a, b = people
    api = staff_api(api_for)
    answer = api.get("/registry/people", {"q": "张"})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert [r["id"] for r in body["results"]] == [a.pk]
    row = body["results"][0]
    assert row["id_number"] == idcard.mask(id_number(1)) and id_number(1) not in answer.text
    assert "13900000001" not in answer.text and row["phone"] == "139****0001"
    # Community B's person is not found by name, ID number or phone, nor read by id.
    for q in ("李二", id_number(2), "13900000002"):
        assert api.get("/registry/people", {"q": q}).json()["results"] == []
    assert api.get(f"/registry/people/{b.pk}").status_code == 404
    assert api.get("/registry/people", {"grid": GRID_B}).status_code == 404


def test_a_persons_card_is_masked(api_for, people):
    a, _b = people
    api = staff_api(api_for)
    answer = api.get(f"/registry/people/{a.pk}")
    assert answer.status_code == 200
    card = answer.json()
    assert card["name"] == "张一" and card["grid"] == GRID_A
    assert card["id_number"] == idcard.mask(id_number(1))
    assert id_number(1) not in answer.text and "13900000001" not in answer.text
    assert not PersonalDataAccess.objects.exists()


def test_reveal_needs_its_scope_a_purpose_and_is_logged(api_for, people):
    a, b = people
    reader = staff_api(api_for)
    refused = reader.post(
        f"/registry/people/{a.pk}/reveal", {"field": "id_number", "purpose": "contact"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"

    api = staff_api(api_for, scopes=REVEAL)
    no_purpose = api.post(f"/registry/people/{a.pk}/reveal", {"field": "id_number", "purpose": "x"})
    assert no_purpose.status_code == 422
    assert not PersonalDataAccess.objects.exists()

    answer = api.post(
        f"/registry/people/{a.pk}/reveal", {"field": "id_number", "purpose": "verify_identity"}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"field": "id_number", "value": id_number(1)}
    logged = PersonalDataAccess.objects.get()
    assert logged.actor == api.integration.user and logged.purpose == "verify_identity"
    assert logged.object_id == str(a.pk) and logged.field == "id_number"

    # Another community's person: not found, nothing logged.
    other = api.post(
        f"/registry/people/{b.pk}/reveal", {"field": "id_number", "purpose": "verify_identity"}
    )
    assert other.status_code == 404
    assert PersonalDataAccess.objects.count() == 1


def test_a_role_without_the_duty_cannot_reveal_or_read(api_for, people):
    a, _b = people
    leader = staff_api(api_for, unit="990101", scopes=REVEAL, role="leader")
    # A leader reads the area, masked, but has no duty that needs the full ID number.
    assert leader.get(f"/registry/people/{a.pk}").status_code == 200
    refused = leader.post(
        f"/registry/people/{a.pk}/reveal", {"field": "id_number", "purpose": "verify_identity"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    dispatcher = staff_api(api_for, unit="990101001", scopes=REVEAL, role="street_dispatcher")
    assert dispatcher.get("/registry/people", {"q": "张"}).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_bad_input_is_refused(api_for, people):
    a, _b = people
    api = staff_api(api_for, scopes=REVEAL)
    assert api.get("/registry/people", {"name": "张"}).status_code in (400, 422)
    assert api.get("/registry/people", {"q": "张" * 60}).status_code == 422
    bad_field = api.post(f"/registry/people/{a.pk}/reveal", {"field": "name", "purpose": "contact"})
    assert bad_field.status_code == 422
    malformed = api.post(f"/registry/people/{a.pk}/reveal", raw="{not json")
    assert malformed.status_code == 400
    assert not PersonalDataAccess.objects.exists()
