"""The console's shift panel with and without the telephone system, and the screen pop:
the page opened for a call carries its id, and saving the case links the two."""

import re
import time
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from shanzhi.cases.models import Case
from shanzhi.console.calls import do_record_call_event
from shanzhi.console.models import Call
from shanzhi.console.queries import shift_figures
from shanzhi.console.tests.test_calls import make_cti
from shanzhi.console.tests.test_console import _post
from shanzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/console/"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Ten in the morning of the day the demo's memberships started (the test session's).
NOW = datetime.combine(datetime.now(SHANGHAI).date(), clock(10), tzinfo=SHANGHAI)


@pytest.fixture
def at_ten():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def ago(seconds):
    return NOW - timedelta(seconds=seconds)


def a_call(cti, call_id, offered, answered=None, ended=None, agent="dispatcher"):
    """A call's events as the telephone system sends them (times in seconds before NOW)."""
    do_record_call_event(cti, call_id=call_id, event="offered", at=ago(offered))
    if answered is not None:
        do_record_call_event(cti, call_id=call_id, event="answered", at=ago(answered), agent=agent)
    if ended is not None:
        do_record_call_event(cti, call_id=call_id, event="ended", at=ago(ended))


def _figure(response, testid) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</dd>', response.content.decode(), re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", " ", match.group(1)).split()


def test_without_a_telephone_system_the_call_figures_are_unknown(client_as, at_ten):
    response = client_as("dispatcher").get(URL)
    assert response.status_code == 200
    for testid in ("shift-answered", "shift-within", "shift-speed", "hotline-level"):
        assert _figure(response, testid) == ["—"]
    assert b'data-testid="telephony-note"' in response.content
    figures = response.context["shift"]
    assert figures["telephony"] is False and figures["hotline"].offered == 0


def test_the_shift_and_the_hotline_from_the_calls(client_as, persona, at_ten):
    district = make_cti("区热线")
    a_call(district, "fast", offered=600, answered=595, ended=480)  # 5 s; handled 115 s
    a_call(district, "slow", offered=300, answered=280, ended=240)  # 20 s; handled 40 s
    a_call(district, "gone", offered=200, ended=190)  # abandoned
    a_call(district, "late", offered=30)  # ringing for 30 s: already late
    a_call(district, "new", offered=5)  # ringing for 5 s: not decided yet
    a_call(district, "other", offered=100, answered=95, agent="centre")
    a_call(district, "yesterday", offered=11 * 3600, answered=11 * 3600 - 3, ended=10 * 3600)
    west = make_cti("西岭街道话务", unit="990101002")
    a_call(west, "elsewhere", offered=50)  # a line not serving the dispatcher's street

    figures = shift_figures(persona("dispatcher"))
    me = figures["operator"]
    assert (me.answered, me.within, me.percent_within) == (2, 1, 50)
    assert figures["speed_of_answer"] == round((5 + 20) / 2)
    assert (me.handled, figures["average_seconds"]) == (2, round((115 + 40) / 2))
    assert figures["average_source"] == "calls"
    hotline = figures["hotline"]
    assert (hotline.offered, hotline.answered, hotline.within) == (6, 3, 2)
    assert (hotline.abandoned, hotline.waiting, hotline.counted) == (1, 1, 5)
    assert hotline.percent_service_level == 40

    response = client_as("dispatcher").get(URL)
    assert _figure(response, "shift-answered") == ["2"]
    assert _figure(response, "shift-within")[0] == "50%"
    assert _figure(response, "hotline-offered") == ["6"]
    assert _figure(response, "hotline-level")[0] == "40%"
    assert _figure(response, "hotline-abandoned") == ["1"]
    assert b'data-testid="telephony-note"' not in response.content
    # The district's dispatcher sees the other street's line as well.
    assert shift_figures(persona("centre"))["hotline"].offered == 7


@override_settings(HOTLINE_SHIFT_STARTS="08:00,20:00")
def test_a_shift_starts_at_the_configured_time(persona, at_ten):
    cti = make_cti()
    a_call(cti, "before", offered=2.5 * 3600, answered=2.5 * 3600 - 4)  # 07:30
    a_call(cti, "during", offered=3600, answered=3600 - 4)  # 09:00
    figures = shift_figures(persona("dispatcher"))
    assert figures["start"] == NOW.replace(hour=8)
    assert figures["operator"].answered == 1
    assert figures["hotline"].offered == 2  # the hotline's figures are the whole day's


def test_the_screen_pop_fills_the_caller_and_carries_the_call(client_as, at_ten):
    cti = make_cti()
    a_call(cti, "pop-1", offered=20, answered=12)
    response = client_as("dispatcher").get(URL, {"call": "pop-1", "caller": "13900005555"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'name="requester_phone"[^>]*value="13900005555"', html)
    assert 'name="call_id" value="pop-1"' in html
    assert 'data-testid="screen-pop" data-call="pop-1"' in html
    assert response.context["call"].call_id == "pop-1"


@pytest.mark.parametrize(
    "params", [{"call": "has space"}, {"call": "x" * 65}, {"caller": "1" * 21}]
)
def test_a_malformed_screen_pop_is_explained_and_not_carried(client_as, params):
    response = client_as("dispatcher").get(URL, params)
    assert response.status_code == 200
    assert b'data-testid="pop-error"' in response.content
    assert b'data-testid="screen-pop"' not in response.content
    assert response.context["call_id"] == ""
    assert b'name="call_id" value=""' in response.content


def test_the_screen_pop_is_for_dispatchers_only(client_as):
    assert client_as("resident").get(URL, {"call": "pop-1"}).status_code == 403


def test_saving_the_case_links_the_call_and_times_it_from_the_answer(client_as, at_ten):
    cti = make_cti()
    a_call(cti, "pop-2", offered=100, answered=70)
    client = client_as("dispatcher")
    response = _post(client, answer="Nine to five.", call_id="pop-2")
    assert response.status_code == 302
    case = Case.objects.order_by("-pk").first()
    call = Call.objects.get(call_id="pop-2")
    assert call.case == case and call.case_saved_at == NOW
    timed = AuditEvent.objects.for_object(case).get(action="console.call")
    # From the answer, not from the form (opened 90 s earlier in _post, by the real clock).
    assert timed.after == {"seconds": 70, "from": "answered", "call": "pop-2"}
    link = AuditEvent.objects.for_object(call).get(action="call.link")
    assert link.actor.username == "dispatcher" and link.after["registered"] == case.number
    messages = [str(m) for m in client.get(URL).context["messages"]]
    assert any("pop-2" in m and case.number in m for m in messages)

    # The caller raises a second matter: the call keeps its first case, the work goes on.
    with time_machine.travel(NOW + timedelta(seconds=60), tick=False):
        _post(client, answer="Also nine to five.", call_id="pop-2", title="Second matter")
    call.refresh_from_db()
    assert call.case == case and call.case_saved_at == NOW + timedelta(seconds=60)

    # The caller hangs up: handling runs from the answer to the later of the two.
    with time_machine.travel(NOW + timedelta(seconds=90), tick=False):
        do_record_call_event(cti, call_id="pop-2", event="ended", at=NOW + timedelta(seconds=30))
        figures = shift_figures(call.operator)
    assert figures["average_seconds"] == 70 + 60 and figures["average_source"] == "calls"


def test_a_call_answered_by_someone_else_is_not_linked(client_as, at_ten):
    cti = make_cti()
    a_call(cti, "theirs", offered=100, answered=95, agent="centre")
    client = client_as("dispatcher")
    response = _post(client, answer="Nine to five.", call_id="theirs")
    assert response.status_code == 302  # the caller is served all the same
    case = Case.objects.order_by("-pk").first()
    assert Call.objects.get(call_id="theirs").case is None
    timed = AuditEvent.objects.for_object(case).get(action="console.call")
    assert timed.after["from"] == "form"
    messages = [str(m) for m in client.get(URL).context["messages"]]
    assert any("theirs" in m and case.number in m for m in messages)


def test_a_malformed_call_id_stores_nothing(client_as):
    client = client_as("dispatcher")
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    response = _post(client, answer="Nine to five.", call_id="bad id")
    assert response.status_code == 400
    assert response.context["form"].errors["call_id"]
    assert b'data-testid="console-error"' in response.content
    # Not carried on: the operator's next save goes through.
    assert b'name="call_id" value=""' in response.content
    assert b'data-testid="screen-pop"' not in response.content
    assert (Case.objects.count(), AuditEvent.objects.count()) == (cases, events)


def test_without_a_call_the_form_time_still_counts(client_as, persona):
    client = client_as("dispatcher")
    _post(client, answer="Nine to five.", opened_at=int(time.time() * 1000) - 60_000)
    figures = shift_figures(persona("dispatcher"))
    assert figures["average_source"] == "form" and 55 <= figures["average_seconds"] <= 200


@override_settings(HOTLINE_SHIFT_STARTS="8 o'clock")
def test_a_malformed_shift_setting_is_reported_at_start():
    from shanzhi.console.checks import check_shift_starts

    (error,) = check_shift_starts(None)
    assert error.id == "console.E001" and "HOTLINE_SHIFT_STARTS" in error.msg


def test_the_shift_setting_is_checked_quietly_when_well_formed():
    from shanzhi.console.checks import check_shift_starts

    assert check_shift_starts(None) == []
