"""The demo's petitions, disputes and early-warning data: created through the apps'
actions in every stage, visibly synthetic, loaded once, and shown to the petition
office and to the demo resident."""

import pytest
from django.urls import reverse

from shanzhi.cases.clocks import light
from shanzhi.cases.models import Case
from shanzhi.demo.governance import MARKER, load_governance
from shanzhi.demo.seed import GRIDS_PER_COMMUNITY
from shanzhi.disputes.models import (
    Agreement,
    Campaign,
    Committee,
    Dispute,
    GridChecklist,
    RiskReport,
    Session,
)
from shanzhi.lib import idcard
from shanzhi.petitions.models import Document, Participant, Petition, Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The scanned letters and faxes are files: kept out of the project's media folder.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def loaded():
    return load_governance()


def by_state(procedure: str) -> dict:
    states: dict = {}
    for case in Case.objects.filter(procedure=procedure):
        states[case.state] = states.get(case.state, 0) + 1
    return states


def test_it_creates_every_stage(loaded):
    assert loaded == {
        "petitions": 9,
        "reviews": 1,
        "committees": 1,
        "disputes": 3,
        "sessions": 3,
        "agreements": 1,
        "risk_reports": 3,
        "campaigns": 1,
        "checklists": GRIDS_PER_COMMUNITY,
        "checklists_filled": 2,
    }
    assert Petition.objects.count() == 9
    assert set(Petition.objects.values_list("channel", flat=True)) == {
        "phone",
        "letter",
        "fax",
        "visit",
        "online",
    }
    assert set(Petition.objects.values_list("petition_class", flat=True)) == {
        "suggestion",
        "accusation",
        "claim",
    }
    assert by_state("petition") == {
        "registered": 1,
        "dispatched": 1,
        "in_progress": 3,
        "replied": 2,
        "closed": 1,
        "separated": 1,
    }
    outcomes = set(Petition.objects.exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == {"supported", "explained", "not_supported"}
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert {"acceptance", "extension", "opinion", "separated"} <= kinds
    assert by_state("petition_review") == {"received": 1}
    assert Review.objects.get().petition.outcome == "not_supported"
    assert by_state("mediation") == {"mediating": 1, "agreed": 1, "ended": 1}
    assert Agreement.objects.get().effective_at is not None
    assert Session.objects.count() == 3
    assert 3 <= Committee.objects.get().members.filter(is_active=True).count() <= 9
    assert RiskReport.objects.filter(group_petition=True).count() == 1
    campaign = Campaign.objects.get()
    assert campaign.checklists.filter(status="submitted").count() == 2


def test_the_letter_the_visit_and_the_accusation(loaded):
    letter = Petition.objects.filter(channel="letter", case__state="dispatched").get()
    assert letter.postmark_date < letter.received_at.date()
    assert letter.case.petition_files.filter(kind="letter").exists()
    visit = Petition.objects.get(channel="visit", case__state="in_progress")
    assert visit.visit_record and visit.participants.filter(role="representative").count() == 2
    assert visit.participants.filter(role="accompanying").count() == 3
    extension = visit.case.clocks.get(name="handle", stopped_at=None)
    assert extension.extensions == 1 and extension.extended_by == 20
    accusation = Petition.objects.get(petition_class="accusation")
    assert accusation.confidential and accusation.case.accused_body is not None
    assert accusation.case.responsible_body != accusation.case.accused_body
    assert MARKER not in accusation.case.title  # a neutral title: the material is kept apart


def test_steps_are_in_the_past_and_one_petition_is_overdue(loaded):
    from django.utils import timezone

    now = timezone.now()
    lights = {}
    for petition in Petition.objects.select_related("case"):
        assert petition.received_at < now
        for clock in petition.case.clocks.all():
            assert clock.started_at <= now
            if clock.stopped_at is not None:
                assert clock.on_time is not False, (petition.case.number, clock.name)
            lights[(petition.case.number, clock.name)] = light(clock, now)
    assert [key for key, value in lights.items() if value == "red"] == [
        (Petition.objects.get(case__state="dispatched").case.number, "notice")
    ]


def test_every_text_is_visibly_synthetic(loaded):
    for petition in Petition.objects.select_related("case"):
        assert petition.subject.endswith(MARKER)
        if not petition.confidential:
            assert petition.case.title.endswith(MARKER)
        if petition.phone:
            assert petition.phone.startswith("199000")
        if petition.id_number:
            assert petition.id_number.startswith("990101")
            assert idcard.is_valid(petition.id_number)
    for person in Participant.objects.all():
        assert person.id_number.startswith("990101") and idcard.is_valid(person.id_number)
    for review in Review.objects.select_related("case"):
        assert MARKER in review.case.title
    for dispute in Dispute.objects.select_related("case"):
        assert dispute.case.title.endswith(MARKER)
        for party in dispute.parties.exclude(phone=""):
            assert party.phone.startswith("199000")
    assert all(r.title.endswith(MARKER) for r in RiskReport.objects.all())
    assert all(c.title.endswith(MARKER) for c in Campaign.objects.all())


def test_a_second_call_creates_nothing(loaded):
    tables = (Case, Petition, Review, Committee, Dispute, RiskReport, Campaign, GridChecklist)
    before = [model.objects.count() for model in tables]
    assert load_governance() == {}
    assert [model.objects.count() for model in tables] == before


def test_the_petition_office_sees_them(loaded, client_as):
    response = client_as("petitions").get(reverse("petitions:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for petition in Petition.objects.select_related("case"):
        assert f'data-petition="{petition.case.number}"' in html
        if not petition.confidential:
            assert petition.case.title in html


def test_the_resident_sees_their_online_petition(loaded, client_as):
    online = Petition.objects.get(channel="online")
    assert online.case.requester.username == "resident"
    response = client_as("resident").get(reverse("petitions:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert online.case.number in html and online.subject in html
    page = client_as("resident").get(reverse("petitions:mine_detail", args=[online.case.number]))
    assert page.status_code == 200


def test_the_accusation_is_kept_from_the_street_of_the_body_accused(loaded, client_as):
    accusation = Petition.objects.get(petition_class="accusation")
    number = accusation.case.number
    # The street's dispatcher works with its enforcement brigade, the body accused.
    html = client_as("dispatcher").get(reverse("petitions:list")).content.decode()
    assert number not in html
    detail = reverse("petitions:detail", args=[number])
    assert client_as("dispatcher").get(detail).status_code == 404
    assert client_as("department").get(detail).status_code == 200


@pytest.mark.parametrize(
    ("username", "names"),
    [
        ("petitions", ["petitions:backlog", "petitions:statistics"]),
        ("department", ["case_queue", "petitions:list"]),
        ("leader", ["petitions:list", "case_extensions"]),
        ("community", ["disputes:disputes", "disputes:committees", "disputes:risks"]),
        ("gridworker", ["disputes:risks", "disputes:campaigns"]),
    ],
)
def test_the_pages_of_the_other_personas_show(loaded, client_as, username, names):
    client = client_as(username)
    for name in names:
        assert client.get(reverse(name)).status_code == 200, name


def test_every_petition_and_dispute_page_shows(loaded, client_as):
    client = client_as("petitions")
    for petition in Petition.objects.select_related("case"):
        page = client.get(reverse("petitions:detail", args=[petition.case.number]))
        assert page.status_code == 200, petition.case.number
    review = Review.objects.select_related("case").get()
    assert client.get(reverse("petitions:detail", args=[review.case.number])).status_code == 200
    community = client_as("community")
    for dispute in Dispute.objects.select_related("case"):
        page = community.get(reverse("disputes:dispute", args=[dispute.case.number]))
        assert page.status_code == 200, dispute.case.number
    for report in RiskReport.objects.all():
        assert community.get(reverse("disputes:risk", args=[report.pk])).status_code == 200
    campaign = Campaign.objects.get()
    assert community.get(reverse("disputes:campaign", args=[campaign.pk])).status_code == 200
