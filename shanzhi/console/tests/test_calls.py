"""The telephone system's call events: one call per call id, retries and late events
harmless, impossible events refused with a reason and nothing stored."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import timezone

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import Integration
from shanzhi.console.calls import do_record_call_event
from shanzhi.console.models import Call, CallState
from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import Role
from shanzhi.org.models import Level, Membership, Region

pytestmark = pytest.mark.django_db


def make_cti(name="呼叫中心", unit="990101", scopes=("calls:write",)):
    integration, _token = do_create_integration(
        Integration(
            name=name,
            role="street_dispatcher",
            region=Region.objects.get(code=unit),
            scopes=list(scopes),
        ),
        actor=None,
    )
    return integration


@pytest.fixture
def cti(db):
    return make_cti()


@pytest.fixture
def t0():
    return timezone.now().replace(microsecond=0) - timedelta(minutes=10)


def event(integration, name, at, call_id="C-1", **extra):
    return do_record_call_event(integration, call_id=call_id, event=name, at=at, **extra)


def audited(call):
    return list(AuditEvent.objects.for_object(call).values_list("action", flat=True))


def test_a_call_from_offer_to_hang_up(cti, t0, persona):
    first = event(cti, "offered", t0, caller="13900001111", line="12345")
    assert first.created and first.changed
    call = first.call
    assert call.state == CallState.RINGING
    answered = event(cti, "answered", t0 + timedelta(seconds=9), agent="dispatcher")
    assert answered.changed and not answered.created
    ended = event(cti, "ended", t0 + timedelta(seconds=200))
    call.refresh_from_db()
    assert ended.changed and call.state == CallState.ENDED
    assert call.operator == persona("dispatcher")
    assert (call.answered_at - call.offered_at).total_seconds() == 9
    assert audited(call) == ["call.offered", "call.answered", "call.ended"]
    offered = AuditEvent.objects.for_object(call).get(action="call.offered")
    assert offered.actor == cti.user
    assert offered.after["caller"] == "139****1111"  # the number is not kept in the log
    assert offered.scope_path == Region.objects.get(code="990101").path


def test_retries_change_nothing_and_write_nothing(cti, t0):
    event(cti, "offered", t0, caller="13900001111")
    event(cti, "answered", t0 + timedelta(seconds=5), agent="dispatcher")
    event(cti, "ended", t0 + timedelta(seconds=60))
    events = AuditEvent.objects.count()
    again = [
        event(cti, "offered", t0, caller="13900001111"),
        event(cti, "answered", t0 + timedelta(seconds=5), agent="dispatcher"),
        event(cti, "ended", t0 + timedelta(seconds=60)),
        event(cti, "offered", t0 + timedelta(seconds=3)),  # a later re-offer keeps the first
    ]
    assert not any(o.changed or o.created for o in again)
    assert Call.objects.filter(call_id="C-1").count() == 1
    assert AuditEvent.objects.count() == events


def test_late_events_never_move_times_the_wrong_way(cti, t0):
    event(cti, "offered", t0 + timedelta(seconds=4))
    event(cti, "offered", t0)  # the first offer arrives late: it is the real start
    event(cti, "answered", t0 + timedelta(seconds=12), agent="dispatcher")
    event(cti, "answered", t0 + timedelta(seconds=10), agent="dispatcher")  # the first answer
    event(cti, "ended", t0 + timedelta(seconds=90))
    event(cti, "ended", t0 + timedelta(seconds=80))  # an earlier hang-up leg: kept the last
    call = Call.objects.get(call_id="C-1")
    assert call.offered_at == t0
    assert call.answered_at == t0 + timedelta(seconds=10)
    assert call.ended_at == t0 + timedelta(seconds=90)


def test_an_answer_arriving_after_the_hang_up_is_taken(cti, t0):
    event(cti, "offered", t0)
    event(cti, "ended", t0 + timedelta(seconds=60))
    assert Call.objects.abandoned().filter(call_id="C-1").exists()
    event(cti, "answered", t0 + timedelta(seconds=8), agent="dispatcher")
    call = Call.objects.get(call_id="C-1")
    assert call.state == CallState.ENDED and call.operator.username == "dispatcher"


def _refused(field, *calls):
    stored = (Call.objects.count(), AuditEvent.objects.count())
    for make in calls:
        with pytest.raises(ValidationError) as error:
            make()
        assert field in error.value.message_dict, error.value.message_dict
        assert all(m for m in error.value.message_dict[field])
    assert (Call.objects.count(), AuditEvent.objects.count()) == stored
    return error.value


def test_events_for_a_call_not_offered_are_refused(cti, t0):
    error = _refused(
        "call_id",
        lambda: event(cti, "answered", t0, agent="dispatcher"),
        lambda: event(cti, "ended", t0),
        lambda: event(cti, "abandoned", t0),
    )
    assert "C-1" in error.message_dict["call_id"][0]  # names the call


def test_impossible_orders_are_refused(cti, t0):
    event(cti, "offered", t0 + timedelta(seconds=30))
    _refused("at", lambda: event(cti, "answered", t0, agent="dispatcher"))
    _refused("at", lambda: event(cti, "ended", t0))
    event(cti, "answered", t0 + timedelta(seconds=40), agent="dispatcher")
    _refused("at", lambda: event(cti, "ended", t0 + timedelta(seconds=35)))
    _refused("event", lambda: event(cti, "abandoned", t0 + timedelta(seconds=90)))
    event(cti, "ended", t0 + timedelta(seconds=90))
    _refused("at", lambda: event(cti, "answered", t0 + timedelta(seconds=95), agent="dispatcher"))


def test_a_time_in_the_future_is_refused(cti):
    now = timezone.now()
    _refused("at", lambda: event(cti, "offered", now + timedelta(minutes=5)))
    # A few seconds ahead is the telephone system's clock, not the future.
    assert event(cti, "offered", now + timedelta(seconds=20), now=now).created


def test_unknown_agents_are_refused(cti, t0, persona):
    event(cti, "offered", t0)
    later = t0 + timedelta(seconds=5)
    _refused(
        "agent",
        lambda: event(cti, "answered", later, agent="nobody-here"),
        lambda: event(cti, "answered", later, agent="resident"),  # not a dispatcher
        lambda: event(cti, "answered", later, agent="gridworker"),
        lambda: event(cti, "answered", later),  # nobody named
    )
    retired = persona("dispatcher")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    _refused("agent", lambda: event(cti, "answered", later, agent="dispatcher"))


def test_an_agent_of_another_area_is_refused(t0):
    street = make_cti("东湖街道话务", unit="990101001")
    other = User.objects.create_user("xiling-dispatcher", password="x" * 12)
    Membership.objects.create(
        user=other, role=Role.STREET_DISPATCHER, region=Region.objects.get(code="990101002")
    )
    event(street, "offered", t0)
    _refused("agent", lambda: event(street, "answered", t0, agent="xiling-dispatcher"))
    # The district's dispatcher serves every street.
    assert event(street, "answered", t0, agent="centre").changed


def test_a_second_operator_cannot_take_over_an_answered_call(cti, t0):
    event(cti, "offered", t0)
    event(cti, "answered", t0 + timedelta(seconds=3), agent="dispatcher")
    _refused("agent", lambda: event(cti, "answered", t0 + timedelta(seconds=4), agent="centre"))


def test_another_number_or_line_for_the_same_call_is_refused(cti, t0):
    event(cti, "offered", t0, caller="13900001111", line="12345")
    _refused("caller", lambda: event(cti, "offered", t0, caller="13900002222"))
    _refused("line", lambda: event(cti, "offered", t0, line="12345-2"))
    # Filling in what was not known is a change.
    other = event(cti, "offered", t0, call_id="C-2")
    filled = event(cti, "ended", t0 + timedelta(seconds=2), call_id="C-2", caller="010-12345678")
    assert filled.changed
    assert Call.objects.get(pk=other.call.pk).caller == "010-12345678"


def test_two_telephone_systems_may_use_the_same_call_id(cti, t0):
    other = make_cti("第二套话务系统")
    event(cti, "offered", t0)
    second = event(other, "offered", t0 + timedelta(seconds=1))
    assert second.created
    event(other, "ended", t0 + timedelta(seconds=9))
    assert Call.objects.get(integration=cti).state == CallState.RINGING
    assert Call.objects.get(integration=other).state == CallState.ABANDONED


def test_named_sets(cti, t0):
    event(cti, "offered", t0, call_id="fast")
    event(cti, "answered", t0 + timedelta(seconds=15), call_id="fast", agent="dispatcher")
    event(cti, "offered", t0, call_id="slow")
    event(cti, "answered", t0 + timedelta(seconds=16), call_id="slow", agent="dispatcher")
    event(cti, "offered", t0, call_id="gone")
    event(cti, "abandoned", t0 + timedelta(seconds=30), call_id="gone")
    event(cti, "offered", t0 - timedelta(days=1), call_id="yesterday")
    calls = Call.objects.filter(integration=cti)
    assert set(calls.answered().values_list("call_id", flat=True)) == {"fast", "slow"}
    assert list(calls.within(15).values_list("call_id", flat=True)) == ["fast"]
    assert list(calls.abandoned().values_list("call_id", flat=True)) == ["gone"]
    assert list(calls.ringing().values_list("call_id", flat=True)) == ["yesterday"]
    today = calls.in_shift(t0 - timedelta(hours=1), t0 + timedelta(hours=1))
    assert today.count() == 3


def test_the_lines_serving_an_area(t0, persona):
    from shanzhi.org.access import scope_of

    district, street = make_cti("区热线"), make_cti("东湖街道话务", unit="990101001")
    west = make_cti("西岭街道话务", unit="990101002")
    for cti in (district, street, west):
        event(cti, "offered", t0)
    seen = Call.objects.serving(scope_of(persona("dispatcher")))
    assert set(seen.values_list("integration__name", flat=True)) == {"区热线", "东湖街道话务"}
    everything = Call.objects.serving(scope_of(persona("centre")))
    assert everything.count() == 3
    assert not Call.objects.serving(scope_of(persona("resident"))).exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_offer_sent_at_once_makes_one_call(singleton_rows):
    district = Region.objects.create(level=Level.DISTRICT, code="990187", name="并发测试区")
    Region.objects.filter(pk=district.pk).update(path=f"/{district.pk}/")
    district.refresh_from_db()
    integration, _token = do_create_integration(
        Integration(name="并发话务", region=district, scopes=["calls:write"]), actor=None
    )
    at = timezone.now() - timedelta(seconds=30)
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            outcome = do_record_call_event(
                Integration.objects.get(pk=integration.pk),
                call_id="same",
                event="offered",
                at=at,
                caller="13900001111",
            )
            outcomes.append(outcome.created)
        except Exception as exc:  # surfaced in the assertion below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes, key=str) == [False, False, False, True], outcomes
    call = Call.objects.get()
    assert AuditEvent.objects.filter(action="call.offered", object_id=str(call.pk)).count() == 1
