"""Who sees which visits: the area, care visits only for those who see the care tag,
the person card's list of visits, and anonymisation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shanzhi.registry.actions import do_add_care_tag
from shanzhi.registry.models import CareTagKind
from shanzhi.registry.rounds.actions import Proposal, do_record_visit, forget_person
from shanzhi.registry.rounds.models import ChangeKind, ProposedChange, Visit, VisitPurpose
from shanzhi.registry.rounds.views import visits_for_person

pytestmark = pytest.mark.django_db


def test_care_visits_are_seen_by_those_who_see_the_tag(plan, register, staff, persona):
    alone = register(71, name="冯奶奶")
    disabled = register(72, name="陈叔")
    do_add_care_tag(alone, CareTagKind.ELDERLY_ALONE, actor=staff)
    do_add_care_tag(disabled, CareTagKind.DISABLED, actor=staff)
    plan(purpose=VisitPurpose.CARE, care_kind=CareTagKind.ELDERLY_ALONE, people=[alone])
    plan(purpose=VisitPurpose.CARE, care_kind=CareTagKind.DISABLED, people=[disabled])
    seen = {
        who: set(Visit.objects.visible_to(persona(who)).values_list("person", flat=True))
        for who in ("gridworker", "community", "leader", "auditor")
    }
    assert seen["gridworker"] == seen["community"] == {alone.pk, disabled.pk}
    assert seen["leader"] == {alone.pk}
    assert seen["auditor"] == set()


def test_the_person_card_lists_the_visits_of_the_person(
    client_of, staff, staff_b, worker, visit, family
):
    _household, head, _spouse = family
    assert list(visits_for_person(staff, head)) == [visit]
    assert list(visits_for_person(staff_b, head)) == []
    url = reverse("registry:rounds_person_visits", args=[head.pk])
    response = client_of(worker).get(url, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert f"/visits/{visit.pk}/" in page
    assert client_of(staff_b).get(url).status_code == 404
    # The fragment the person card includes loads this list.
    from django.template.loader import render_to_string

    fragment = render_to_string("registry/rounds/person_visits.html", {"person": head})
    assert f'hx-get="{url}"' in fragment


def test_the_area_page_marks_overdue_visits(client_of, staff, visit):
    Visit.objects.filter(pk=visit.pk).update(due=timezone.localdate().replace(year=2025))
    page = client_of(staff).get(reverse("registry:rounds_area"), {"state": "overdue"})
    assert f"/visits/{visit.pk}/" in page.content.decode()
    page = client_of(staff).get(reverse("registry:rounds_area"), {"state": "recorded"})
    assert f"/visits/{visit.pk}/" not in page.content.decode()


def test_forgetting_a_person_blanks_what_rounds_hold_about_them(worker, plan, family):
    _household, head, _spouse = family
    visit = plan(people=[head]).visits.get()
    do_record_visit(
        visit,
        actor=worker,
        outcome="met",
        visited_at=timezone.now(),
        notes="王父说电话换了",
        place="示范路8号",
        proposals=[Proposal(ChangeKind.PHONE, head, {"phone": "13912345678"})],
    )
    assert forget_person(head) == 2
    visit.refresh_from_db()
    change = ProposedChange.objects.get()
    assert visit.notes == "" and visit.place == ""
    assert change.values == {} and change.secret_encrypted == ""
