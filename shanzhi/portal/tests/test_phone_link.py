"""A caller without an account rates their case through the link the text message about
the reply brings to their phone (``cases.phone_link``)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from shanzhi.cases.access import parties_of
from shanzhi.cases.phone_link import SALT, PhoneRequester, token_for
from shanzhi.core.models import AuditEvent, Notification, NotificationChannel
from shanzhi.core.notify import sms_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PUBLIC_URL = "https://12345.example.gov.cn"


def texts_to(phone):
    return Notification.objects.filter(channel=NotificationChannel.SMS, phone=phone).order_by("pk")


def link_path(message) -> str:
    return re.search(r"https://12345\.example\.gov\.cn(/\S+)", sms_text(message)).group(1)


def test_the_reply_text_carries_a_link_that_lets_the_caller_rate(client, make_case, reply):
    case = reply(make_case(by=None))
    message = texts_to("13900005678").last()
    assert "已组织维修" in message.body
    path = link_path(message)
    assert path.startswith("/track/link/")
    # Earlier texts (registration, dispatch) carry no link: nothing to rate then.
    assert all(not m.url for m in texts_to("13900005678").exclude(pk=message.pk))

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("track_case", args=[case.number])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="rating-form"' in page

    assert client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "4"})
    case.refresh_from_db()
    assert case.state == "evaluated" and case.satisfaction == 4
    event = AuditEvent.objects.for_object(case).get(action="case.evaluate")
    assert event.actor_id is None
    assert "text message" in event.note
    # Once rated, the link rates nothing more.
    client.get(path)
    client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "1"})
    case.refresh_from_db()
    assert case.satisfaction == 4


def test_without_a_public_address_no_link_is_sent(settings, make_case, reply):
    settings.PUBLIC_URL = ""
    reply(make_case(by=None))
    assert "http" not in sms_text(texts_to("13900005678").last())


def test_the_suffix_check_alone_still_does_not_rate_a_callers_case(client, make_case, reply):
    case = reply(make_case(by=None))
    client.post(reverse("track"), {"number": case.number, "suffix": "5678"})
    client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "5"})
    case.refresh_from_db()
    assert case.satisfaction is None


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        signing.dumps({"case": 1, "phone": "13900005678"}, salt="another"),
        signing.dumps({"case": "1"}, salt=SALT),
    ],
)
def test_a_bad_link_is_refused_with_a_message(client, make_case, reply, token):
    case = reply(make_case(by=None))
    response = client.get(reverse("track_link", args=[token]), follow=True)
    assert response.status_code == 200
    assert "This link is not valid or has expired." in response.content.decode()
    assert client.get(reverse("track_case", args=[case.number])).status_code == 302


def test_a_link_expires(client, make_case, reply, settings):
    case = reply(make_case(by=None))
    path = reverse("track_link", args=[token_for(case)])
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.get(path)
    assert response["Location"] == reverse("track")


def test_the_link_of_one_case_rates_no_other(client, make_case, reply):
    first = reply(make_case(by=None))
    second = reply(make_case(by=None))
    client.get(reverse("track_link", args=[token_for(first)]))
    assert client.get(reverse("track_case", args=[second.number])).status_code == 302
    client.post(reverse("track_rate", args=[second.number]), {"satisfaction": "5"})
    second.refresh_from_db()
    assert second.satisfaction is None


def test_a_link_stops_working_when_the_number_changes(client, make_case, reply):
    case = reply(make_case(by=None))
    token = token_for(case)
    type(case).objects.filter(pk=case.pk).update(requester_phone="13900001111")
    response = client.get(reverse("track_link", args=[token]))
    assert response["Location"] == reverse("track")


def test_a_phone_requester_is_a_party_to_its_case_only(make_case, persona):
    case = make_case(by=None)
    other = make_case(by=None)
    own = make_case()  # a resident's, with an account
    proof = PhoneRequester(case_id=case.pk, phone="13900005678")
    assert parties_of(proof, case) == {"requester"}
    assert parties_of(proof, other) == set()
    assert parties_of(PhoneRequester(case_id=own.pk, phone=own.requester_phone), own) == set()
    assert parties_of(PhoneRequester(case_id=case.pk, phone="13900001111"), case) == set()
