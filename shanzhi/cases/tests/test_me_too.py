"""Following a suggested nearby case instead of reporting it again ("me too", 附议):
the token on the suggestion, the follow and unfollow pages, what a follower reads, and
the notices they receive."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from shanzhi.cases.access import access_case, parties_of
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.follow import (
    TOKEN_SALT,
    case_for_token,
    do_follow_case,
    do_unfollow_case,
    follow_token,
)
from shanzhi.cases.models import Follow
from shanzhi.core.models import AuditEvent, Notification, User
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Body, Region

pytestmark = pytest.mark.django_db

FOLLOW = "/cases/follow/"
DESCRIPTION = "我家楼下南门人行道塌陷，我是3栋502的李某，电话13912345678"


@pytest.fixture(autouse=True)
def english():
    load_catalogue()
    with translation.override("en"):
        yield


@pytest.fixture
def neighbour(db):
    return User.objects.create_user(username="neighbour-test", password="x-Test-2026-pass")


def _here():
    p = geo.parse_polygon(Region.objects.get(code="990101001001001").geometry)
    p = p.representative_point()
    return p.x, p.y


def _case(requester, **extra):
    lon, lat = _here()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="web",
            title="小区南门路面塌陷",
            description=DESCRIPTION,
            address="幸福小区3栋502门口",
            lon=lon,
            lat=lat,
            category=MatterCategory.objects.get(code="0604"),
            requester=requester,
            requester_name="李某",
            requester_phone="13912345678",
            **extra,
        ),
        actor=requester,
    )


def _nearby(client):
    lon, lat = _here()
    return client.get(
        "/cases/nearby/",
        {
            "title": "南门路面塌陷",
            "description": "人行道塌陷",
            "category": MatterCategory.objects.get(code="0604").pk,
            "lon": lon,
            "lat": lat,
        },
    )


def test_the_urls():
    assert reverse("case_follow") == FOLLOW


def test_a_suggestion_is_followed_with_its_token(client, persona, neighbour):
    case = _case(persona("resident"))
    client.force_login(neighbour)
    html = _nearby(client).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    assert case.number not in html  # the number is not published, the token stands for it

    response = client.post(FOLLOW, {"token": token})
    assert response.status_code == 302
    assert response.url == reverse("case_detail", args=[case.number])
    assert Follow.objects.filter(case=case, user=neighbour).count() == 1
    event = AuditEvent.objects.for_object(case).get(action="case.follow")
    assert event.actor_id == neighbour.pk and event.after == {"followers": 1}

    # Twice is once.
    assert client.post(FOLLOW, {"token": token}).status_code == 302
    assert Follow.objects.filter(case=case).count() == 1

    # The follower count shows on the next suggestion.
    client.force_login(User.objects.create_user(username="third-test", password="x-T-2026-p"))
    assert "已有 1 位居民关注" in _nearby(client).content.decode()


def test_a_follower_reads_the_outcome_not_the_requester(client, persona, neighbour):
    case = _case(persona("resident"))
    do_follow_case(case, actor=neighbour)
    assert access_case(neighbour, case.number).pk == case.pk
    assert parties_of(neighbour, case) == set()  # may act on nothing
    client.force_login(neighbour)
    response = client.get(reverse("case_detail", args=[case.number]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="i-follow"' in html
    for private in ("李某", "13912345678", "5678", "3栋502", DESCRIPTION):
        assert private not in html
    assert 'data-testid="act-' not in html
    # Staff see how many follow it.
    client.force_login(persona("dispatcher"))
    html = client.get(reverse("case_detail", args=[case.number])).content.decode()
    assert "有 1 位有相同诉求的居民关注此案件" in html


def test_a_follower_is_told_of_the_reply(persona, neighbour):
    case = _case(persona("resident"))
    do_follow_case(case, actor=neighbour)
    dispatcher, department = persona("dispatcher"), persona("department")
    do_transition(case, "dispatch", actor=dispatcher, body=Body.objects.get(name="区城市管理局"))
    do_transition(case, "accept", actor=department)
    do_transition(case, "start", actor=department)
    before = Notification.objects.filter(recipient=neighbour).count()
    requester_before = Notification.objects.filter(recipient=persona("resident")).count()
    do_transition(case, "reply", actor=department, note="已修复")
    told = Notification.objects.filter(recipient=neighbour).order_by("pk")
    assert told.count() == before + 1
    # Stored in the deployment's language.
    assert told.last().subject == f"您关注的案件 {case.number}：已回复"
    assert told.last().body == "已修复"
    # The requester is told once, as a requester.
    assert Notification.objects.filter(recipient=persona("resident")).count() == (
        requester_before + 1
    )


def test_unfollow_removes_the_access(client, persona, neighbour):
    case = _case(persona("resident"))
    do_follow_case(case, actor=neighbour)
    client.force_login(neighbour)
    html = client.get(reverse("my_cases")).content.decode()
    assert 'data-testid="followed-cases"' in html and case.number in html
    response = client.post(reverse("case_unfollow", args=[case.number]))
    assert response.status_code == 302
    assert not Follow.objects.filter(case=case).exists()
    assert AuditEvent.objects.for_object(case).filter(action="case.unfollow").count() == 1
    with pytest.raises(Http404):
        access_case(neighbour, case.number)
    # Once gone, the page is not found, as any case of someone else's.
    assert client.post(reverse("case_unfollow", args=[case.number])).status_code == 404


def test_unfollow_by_someone_else_touches_nothing(client, persona, neighbour):
    case = _case(persona("resident"))
    do_follow_case(case, actor=neighbour)
    stranger = User.objects.create_user(username="stranger-test", password="x-T-2026-p")
    client.force_login(stranger)
    assert client.post(reverse("case_unfollow", args=[case.number])).status_code == 404
    assert Follow.objects.filter(case=case, user=neighbour).exists()
    # The requester may open their own case but has no follow to remove.
    assert do_unfollow_case(case, actor=persona("resident")) is False
    assert Follow.objects.filter(case=case, user=neighbour).exists()


def test_follow_needs_sign_in_and_post(client, persona):
    case = _case(persona("resident"))
    token = follow_token(case)
    response = client.post(FOLLOW, {"token": token})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    client.force_login(persona("resident"))
    assert client.get(FOLLOW, {"token": token}).status_code == 405
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    "token", ["", "not-a-token", signing.dumps(10**9, salt=TOKEN_SALT), signing.dumps(1)]
)
def test_a_forged_token_is_refused_with_a_message(client, neighbour, token):
    client.force_login(neighbour)
    response = client.post(FOLLOW, {"token": token}, follow=True)
    assert response.status_code == 200
    assert "这不是向您推荐的案件。" in response.content.decode()
    assert not Follow.objects.exists()


def test_a_stale_token_is_refused(persona):
    case = _case(persona("resident"))
    token = follow_token(case)
    later = timezone.now() + timedelta(hours=3)
    with time_machine.travel(later), pytest.raises(ValidationError) as caught:
        case_for_token(token)
    assert caught.value.code == "stale"


def test_closed_confidential_and_own_cases_are_not_followed(persona, neighbour):
    resident = persona("resident")
    secret = _case(resident, confidential=True)
    with pytest.raises(ValidationError):
        do_follow_case(secret, actor=neighbour)
    own = _case(resident)
    with pytest.raises(ValidationError):
        do_follow_case(own, actor=resident)
    closed = _case(resident)
    do_transition(closed, "redirect", actor=persona("dispatcher"), note="转110")
    with pytest.raises(ValidationError):
        do_follow_case(closed, actor=neighbour)
    assert not Follow.objects.exists()
