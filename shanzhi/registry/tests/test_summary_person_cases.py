"""The cases on a person's card: found by the person's phone numbers and account, only
those the viewer may see, never anonymous ones or a requester kept confidential from
the viewer; a number given up links only the cases from before."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.core.models import User
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Region
from shanzhi.registry.actions import do_update_person
from shanzhi.registry.summary.person_cases import cases_for_person
from shanzhi.registry.tests.conftest import GRID_A, GRID_B, phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_case(persona):
    load_catalogue()

    def make(title, *, grid=GRID_A, now=None, **extra):
        point = geo.parse_polygon(Region.objects.get(code=grid).geometry).representative_point()
        intake = Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description=title,
            category=MatterCategory.objects.get(code="0604"),
            lon=point.x,
            lat=point.y,
            **extra,
        )
        return do_create_case(intake, actor=persona("centre"), now=now)

    return make


def titles(cases) -> set[str]:
    return {case.title for case in cases}


def test_cases_by_phone_and_account_that_the_viewer_may_see(register, persona, open_case):
    person = register(71, name="报事人")
    number = phone(71)
    open_case("by phone", requester_phone=number)
    open_case("typed with +86", requester_phone=f"+86{number}")
    open_case("anonymous", requester_phone=number, anonymous=True)
    open_case("confidential", requester_phone=number, confidential=True)
    open_case("in community B", requester_phone=number, grid=GRID_B)
    open_case("someone else", requester_phone=phone(72))
    account = User.objects.create_user("caller71", password="x-Long-passphrase-2026")
    account.phone = number
    account.save()
    open_case("by account", requester=account)

    staff = persona("community")
    assert titles(cases_for_person(staff, person)) == {"by phone", "typed with +86", "by account"}
    # Street staff see community B's case too; the confidential requester stays hidden
    # from both, who neither dispatch nor handle it.
    street = titles(cases_for_person(persona("streetstaff"), person))
    assert street == {"by phone", "typed with +86", "by account", "in community B"}
    # The district dispatcher, who received them, knows the confidential requester.
    assert "confidential" in titles(cases_for_person(persona("centre"), person))
    assert "anonymous" not in titles(cases_for_person(persona("centre"), person))


def test_a_number_given_up_links_only_the_cases_from_before(register, persona, open_case):
    person = register(73, name="换号人")
    old = phone(73)
    now = timezone.now()
    open_case("before the change", requester_phone=old, now=now - timedelta(days=20))
    changed = timezone.localdate() - timedelta(days=10)
    do_update_person(person, {"phone": phone(74)}, actor=persona("community"), effective=changed)
    open_case("after the change", requester_phone=old)
    open_case("new number", requester_phone=phone(74))
    found = titles(cases_for_person(persona("community"), person))
    assert found == {"before the change", "new number"}


def test_the_card_fragment_and_its_endpoint(register, persona, open_case, client_of, staff_b):
    person = register(75, name="卡片人")
    open_case("on the card", requester_phone=phone(75))
    endpoint = reverse("registry:summary_person_cases", args=[person.pk])
    fragment = render_to_string("registry/summary/person_cases.html", {"person": person})
    assert f'hx-get="{endpoint}"' in fragment
    client = client_of(persona("community"))
    page = client.get(endpoint, headers={"HX-Request": "true"}).content.decode()
    assert "on the card" in page and "<html" not in page
    page = client.get(endpoint).content.decode()
    assert "on the card" in page and "<html" in page  # without scripts: a page of its own
    # Outside the area the person does not exist; without a registry duty neither.
    assert client_of(staff_b).get(endpoint).status_code == 404
    assert client_of(persona("resident")).get(endpoint).status_code == 404
    # Given the cases, the fragment lists them in place.
    listed = render_to_string(
        "registry/summary/person_cases.html",
        {"person": person, "person_cases": cases_for_person(persona("community"), person)},
    )
    assert "on the card" in listed and "hx-get" not in listed


def test_an_anonymised_person_has_no_cases(register, persona, open_case):
    from shanzhi.registry.actions import AnonymisationReason, do_anonymise_person

    person = register(76, name="匿名化")
    open_case("before anonymisation", requester_phone=phone(76))
    do_anonymise_person(person, actor=persona("community"), reason=AnonymisationReason.REQUEST)
    person.refresh_from_db()
    assert cases_for_person(persona("community"), person) == []
