"""Scope follows the org tree: nobody sees or changes objects outside their area."""

import pytest
from django.urls import reverse

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.org.models import Body, Membership, Region

pytestmark = pytest.mark.django_db
COMMUNITY_A = "990101001001"
COMMUNITY_B = "990101001002"


def objects_of(code):
    community = Region.objects.get(code=code)
    regions = list(Region.objects.within(community))
    bodies = list(Body.objects.filter(region__in=regions))
    memberships = list(Membership.objects.filter(region__in=regions))
    people = list(User.objects.filter(memberships__in=memberships).distinct())
    assert regions and bodies and memberships and people
    return regions, bodies, memberships, people


def test_community_worker_sees_only_their_community(client_as):
    client = client_as("community")
    regions, bodies, memberships, people = objects_of(COMMUNITY_B)
    for r in regions:
        assert client.get(reverse("unit_detail", args=[r.pk])).status_code == 404
    for p in people:
        assert client.get(reverse("person_detail", args=[p.pk])).status_code == 404
    admin_urls = [reverse("admin:org_region_change", args=[r.pk]) for r in regions]
    admin_urls += [reverse("admin:org_body_change", args=[b.pk]) for b in bodies]
    admin_urls += [reverse("admin:org_membership_change", args=[m.pk]) for m in memberships]
    admin_urls += [reverse("admin:core_user_change", args=[p.pk]) for p in people]
    for url in admin_urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert response.status_code != 302 or "/login/" in response.url
        assert client.post(url, {"name": "hijacked"}).status_code in (302, 403, 404)
    assert not Region.objects.filter(name="hijacked").exists()


def test_community_worker_sees_their_own_community(client_as):
    client = client_as("community")
    regions, _bodies, _memberships, people = objects_of(COMMUNITY_A)
    for r in regions:
        assert client.get(reverse("unit_detail", args=[r.pk])).status_code == 200
    for p in people:
        assert client.get(reverse("person_detail", args=[p.pk])).status_code == 200


def test_querysets_are_scoped(persona):
    community = persona("community")
    visible = Region.objects.visible_to(community)
    assert visible.filter(code__startswith=COMMUNITY_A).count() == visible.count()
    assert not Body.objects.visible_to(community).filter(region__code=COMMUNITY_B).exists()
    assert (
        not Membership.objects.visible_to(community)
        .filter(region__code__startswith=COMMUNITY_B)
        .exists()
    )


def test_street_sees_its_communities_not_other_streets(persona):
    street = persona("streetstaff")
    visible = Region.objects.visible_to(street)
    assert visible.filter(code__startswith="990101001").count() == visible.count()
    assert visible.filter(level="community").count() == 4


def test_department_sees_its_body_not_the_streets(persona, client_as):
    handler = persona("department")
    assert not Region.objects.visible_to(handler).exists()
    bodies = Body.objects.visible_to(handler)
    assert set(bodies.values_list("name", flat=True)) == {"区城市管理局"}
    client = client_as("department")
    assert (
        client.get(
            reverse("unit_detail", args=[Region.objects.get(code=COMMUNITY_A).pk])
        ).status_code
        == 404
    )


def test_resident_and_anonymous_see_no_staff_pages(client_as, client, region):
    url = reverse("unit_detail", args=[region(COMMUNITY_A).pk])
    assert client_as("resident").get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_street_administrator_admin_is_scoped(client, region, persona):
    admin2 = User.objects.create_user("admin-street2", password="x-long-password")
    Membership.objects.create(user=admin2, role=Role.ADMINISTRATOR, region=region("990101002"))
    User.objects.filter(pk=admin2.pk).update(is_staff=True)
    client.force_login(admin2, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    own = region("990101002001")
    other = region(COMMUNITY_A)
    assert client.get(reverse("admin:org_region_change", args=[own.pk])).status_code == 200
    response = client.get(reverse("admin:org_region_change", args=[other.pk]))
    assert response.status_code == 302 and "/login/" not in response.url  # "does not exist"
    listing = client.get(reverse("admin:org_region_changelist") + "?q=9901010010").content.decode()
    assert COMMUNITY_A not in listing


def test_auditor_reads_but_cannot_change(client_as, region):
    client = client_as("auditor")
    grid = region("990101001001001")
    url = reverse("admin:org_region_change", args=[grid.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "changed", "change_note": "x"})
    assert response.status_code == 403
    assert region(grid.code).name != "changed"
    assert client.get(reverse("admin:org_region_add")).status_code == 403


def test_a_unit_without_a_path_grants_nothing(region):
    """A scope root with an empty path would be a prefix of every path."""
    person = User.objects.create_user("pathless")
    street = region("990101002")
    Membership.objects.create(user=person, role=Role.STREET_STAFF, region=street)
    Region.objects.filter(pk=street.pk).update(path="")
    person = User.objects.get(pk=person.pk)
    assert not Region.objects.visible_to(person).exists()
    assert not Body.objects.visible_to(person).exists()
    assert not Membership.objects.visible_to(person).exclude(user=person).exists()
