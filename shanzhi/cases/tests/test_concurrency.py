"""Two officers take the same transition at the same moment: exactly one wins."""

import threading

import pytest
from django.db import close_old_connections, connection

from shanzhi.cases.engine import Intake, TransitionConflict, do_create_case, do_transition
from shanzhi.cases.models import Case
from shanzhi.org.models import Body, BodyKind, Level, Region


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatch_exactly_one_wins(singleton_rows, django_user_model):
    district = Region.objects.create(
        level=Level.DISTRICT, code="990177", name="并发测试区", path=""
    )
    Region.objects.filter(pk=district.pk).update(path=f"/{district.pk}/")
    department = Body.objects.create(kind=BodyKind.DEPARTMENT, name="测试局", region=district)
    root = django_user_model.objects.create_superuser("root-concurrency", password="x-long-pass")
    case = do_create_case(
        Intake(
            procedure="service_request", channel="phone", title="并发", description="两人同时派单"
        ),
        actor=root,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            mine = Case.objects.get(pk=case.pk)  # both read version 1 before either writes
            barrier.wait(timeout=10)
            do_transition(mine, "dispatch", actor=root, body=department)
            outcomes.append("won")
        except TransitionConflict:
            outcomes.append("conflict")
        except Exception as exc:  # surfaced in the assertion below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "won"], outcomes
    case.refresh_from_db()
    assert case.state == "dispatched" and case.version == 2
    assert case.clocks.filter(name="handle").count() == 1
