"""Following a case with its number and the requester's phone suffix, and rating it."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.portal.models import TrackingAttempt
from shanzhi.portal.tracking import do_check_receipt

pytestmark = pytest.mark.django_db

NO_MATCH = "No case matches this number and phone suffix."


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def check(client, number, suffix, **extra):
    return client.post(reverse("track"), {"number": number, "suffix": suffix}, **extra)


def alert(response) -> str:
    found = re.search(r'data-testid="track-error">(.*?)</div>', response.content.decode(), re.S)
    return found.group(1).strip() if found else ""


def suffix_of(case):
    return re.sub(r"\D", "", case.requester_phone)[-4:]


def wrong(suffix):
    return f"{(int(suffix) + 1) % 10000:04d}"


def evaluations(case):
    return AuditEvent.objects.for_object(case).filter(action="case.evaluate")


def test_the_right_number_and_suffix_show_the_progress_and_the_reply(client, make_case, reply):
    case = reply(make_case())
    response = check(client, case.number.lower(), suffix_of(case))
    assert response.status_code == 302
    assert response["Location"] == reverse("track_case", args=[case.number])
    page = client.get(response["Location"]).content.decode()
    assert case.title in page
    assert 'data-state="replied"' in page
    assert "已组织维修，路面已修复。" in page  # the reply
    assert 'data-event="case.create"' in page and 'data-event="case.reply"' in page
    assert 'data-event="case.start"' not in page  # an internal step
    assert case.requester_name not in page and case.requester_phone not in page
    assert 'data-testid="rating-form"' in page
    assert not TrackingAttempt.objects.exists()  # a success is not counted


def test_a_wrong_suffix_and_a_wrong_number_get_the_same_answer(client, make_case):
    case = make_case()
    wrong_suffix = check(client, case.number, wrong(suffix_of(case)))
    unknown = case.number[:-4] + f"{(int(case.number[-4:]) + 7) % 10000:04d}"
    wrong_number = check(client, unknown, suffix_of(case))
    for response in (wrong_suffix, wrong_number):
        assert response.status_code == 200
        assert NO_MATCH in alert(response)
    assert alert(wrong_suffix) == alert(wrong_number)
    assert case.title not in wrong_suffix.content.decode()
    assert client.get(reverse("track_case", args=[case.number])).status_code == 302
    assert TrackingAttempt.objects.count() == 2


@pytest.mark.parametrize(
    ("number", "suffix", "message"),
    [
        ("SR2026", "5678", "This is not a case number"),
        ("<script>alert(1)</script>", "5678", "This is not a case number"),
        ("SR2026011500000123", "56a8", "Enter exactly four digits"),
        ("SR2026011500000123", "567", "Enter exactly four digits"),
        ("SR2026011500000123", "", "This field is required"),
    ],
)
def test_malformed_input_is_refused_with_a_message_and_not_counted(client, number, suffix, message):
    response = check(client, number, suffix)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "<script>alert(1)</script>" not in page
    assert not TrackingAttempt.objects.exists()


def test_failures_on_one_case_are_limited(client, make_case, settings):
    settings.TRACK_CASE_FAILURES = 3
    case = make_case()
    for _ in range(3):
        assert NO_MATCH in alert(check(client, case.number, wrong(suffix_of(case))))
    # Even the right suffix is refused unseen now, with a clear message.
    refused = check(client, case.number, suffix_of(case))
    assert refused.status_code == 429
    assert "Too many unsuccessful attempts" in alert(refused)
    assert client.get(reverse("track_case", args=[case.number])).status_code == 302
    # The refused check was not counted: only the three failures are kept.
    assert TrackingAttempt.objects.filter(number=case.number).count() == 3


def test_failures_from_one_address_are_limited_across_cases(client, make_case, settings):
    settings.TRACK_ADDRESS_FAILURES = 3
    first, second = make_case(), make_case()
    for _ in range(3):
        check(client, first.number, wrong(suffix_of(first)))
    refused = check(client, second.number, suffix_of(second))
    assert refused.status_code == 429
    # Another address is not held back.
    elsewhere = check(client, second.number, suffix_of(second), REMOTE_ADDR="10.1.2.3")
    assert elsewhere.status_code == 302


def test_the_limit_lifts_when_the_failures_leave_the_window(make_case, settings):
    settings.TRACK_CASE_FAILURES = 2
    settings.TRACK_CASE_WINDOW = 3600
    case = make_case()
    start = timezone.now()
    for minutes in (0, 10):
        result = do_check_receipt(
            case.number, "0000", address="10.0.0.1", now=start + timedelta(minutes=minutes)
        )
        assert result.case is None and not result.wait
    blocked = do_check_receipt(
        case.number, suffix_of(case), address="10.0.0.2", now=start + timedelta(minutes=20)
    )
    assert blocked.case is None and blocked.wait == 40 * 60
    later = do_check_receipt(
        case.number, suffix_of(case), address="10.0.0.2", now=start + timedelta(minutes=61)
    )
    assert later.case == case


def test_a_tracker_rates_once_and_the_audit_log_names_the_channel(
    client, make_case, reply, persona
):
    case = reply(make_case())
    check(client, case.number, suffix_of(case))
    rate = reverse("track_rate", args=[case.number])
    response = client.post(rate, {"satisfaction": "4"}, follow=True)
    assert "your rating has been recorded" in response.content.decode()
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == ("evaluated", 4)
    [event] = evaluations(case)
    assert event.actor == persona("resident")
    assert "tracking page" in event.note or "跟踪" in event.note
    # A second rating is refused and changes nothing.
    again = client.post(rate, {"satisfaction": "1"}, follow=True).content.decode()
    assert "cannot be rated now" in again
    case.refresh_from_db()
    assert (case.state, case.satisfaction) == ("evaluated", 4)
    assert evaluations(case).count() == 1
    assert 'data-testid="rating-form"' not in again


def test_a_case_is_not_rated_before_the_reply(client, make_case):
    case = make_case()
    check(client, case.number, suffix_of(case))
    page = client.get(reverse("track_case", args=[case.number])).content.decode()
    assert 'data-testid="rating-form"' not in page
    response = client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "5"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "received" and case.satisfaction is None


@pytest.mark.parametrize("value", ["", "0", "6", "x", "5; DROP TABLE"])
def test_a_bad_rating_is_refused_and_nothing_is_stored(client, make_case, reply, value):
    case = reply(make_case())
    check(client, case.number, suffix_of(case))
    data = {"satisfaction": value} if value else {}
    page = client.post(reverse("track_rate", args=[case.number]), data, follow=True)
    assert "Choose one of the five ratings." in page.content.decode()
    case.refresh_from_db()
    assert case.state == "replied" and case.satisfaction is None
    assert not evaluations(case).exists()


def test_the_grant_of_one_case_opens_no_other(client, make_case, reply, persona):
    mine = reply(make_case())
    other = reply(make_case(title="另一户的诉求：楼道灯不亮"))
    check(client, mine.number, suffix_of(mine))
    read = client.get(reverse("track_case", args=[other.number]))
    assert read.status_code == 302 and read["Location"].startswith(reverse("track"))
    assert other.title not in client.get(read["Location"]).content.decode()
    act = client.post(reverse("track_rate", args=[other.number]), {"satisfaction": "1"})
    assert act.status_code == 403
    other.refresh_from_db()
    assert other.state == "replied" and other.satisfaction is None
    # The first case is still open to the session.
    assert client.get(reverse("track_case", args=[mine.number])).status_code == 200


def test_without_a_check_nothing_is_read_or_rated(client, make_case, reply):
    case = reply(make_case())
    assert client.get(reverse("track_case", args=[case.number])).status_code == 302
    response = client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "5"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.satisfaction is None


def test_the_grant_expires(client, make_case, settings):
    settings.TRACK_GRANT_SECONDS = 600
    case = make_case()
    check(client, case.number, suffix_of(case))
    assert client.get(reverse("track_case", args=[case.number])).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=601)):
        assert client.get(reverse("track_case", args=[case.number])).status_code == 302


def test_a_phone_caller_follows_the_case_and_is_told_how_it_is_rated(client, make_case, reply):
    case = reply(make_case(by=None))
    response = check(client, case.number, "5678")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="rating-by-phone"' in page
    assert 'data-testid="rating-form"' not in page
    refused = client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "5"})
    assert refused.status_code == 302
    case.refresh_from_db()
    assert case.state == "replied" and not evaluations(case).exists()


def test_a_case_given_another_phone_than_the_account_is_not_rated_in_its_name(
    client, make_case, reply
):
    # Registered by an account for someone else's number (as an integration does).
    case = reply(make_case(requester_phone="13900004321"))
    check(client, case.number, "4321")
    page = client.get(reverse("track_case", args=[case.number])).content.decode()
    assert 'data-testid="rating-by-phone"' in page
    client.post(reverse("track_rate", args=[case.number]), {"satisfaction": "5"})
    case.refresh_from_db()
    assert case.satisfaction is None


def test_the_tracking_form_is_linked_from_the_landing_and_the_residents_home(client, client_as):
    assert reverse("track") in client.get("/").content.decode()
    home = client_as("resident").get("/").content.decode()
    assert reverse("track") in home and reverse("my_cases") in home


def test_my_cases_lists_only_my_own(client_as, make_case):
    mine = make_case()
    theirs = make_case(by=None, title="来电反映：噪声扰民")
    page = client_as("resident").get(reverse("my_cases")).content.decode()
    assert f'data-case="{mine.number}"' in page
    assert reverse("case_detail", args=[mine.number]) in page
    assert theirs.number not in page


def test_my_cases_needs_a_sign_in(client):
    response = client.get(reverse("my_cases"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
