"""Two requests with the same idempotency key at the same moment: one case, one answer."""

import threading

import pytest
from django.db import close_old_connections, connection

from shanzhi.api.actions import do_create_case_once, do_create_integration
from shanzhi.api.models import IdempotencyKey, Integration
from shanzhi.cases.engine import Intake
from shanzhi.cases.models import Case
from shanzhi.org.models import Level, Region


@pytest.mark.django_db(transaction=True)
def test_the_same_key_at_once_registers_one_case(singleton_rows):
    district = Region.objects.create(level=Level.DISTRICT, code="990189", name="幂等测试区")
    Region.objects.filter(pk=district.pk).update(path=f"/{district.pk}/")
    district.refresh_from_db()
    integration, _token = do_create_integration(
        Integration(name="重试的系统", region=district, scopes=["cases:write"]), actor=None
    )
    barrier = threading.Barrier(2)
    answers = []

    def make_intake():
        barrier.wait(timeout=10)  # both have found no stored answer before either writes
        return Intake(
            procedure="service_request", channel="web", title="同时重试", description="网络超时"
        )

    def attempt():
        try:
            created, status, body = do_create_case_once(
                make_intake,
                integration=Integration.objects.get(pk=integration.pk),
                key="retry-1",
                fingerprint="f" * 64,
                render=lambda case: {"number": case.number},
            )
            answers.append((created is not None, status, body["number"]))
        except Exception as exc:  # surfaced in the assertion below
            answers.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(answers) == 2 and all(isinstance(a, tuple) for a in answers), answers
    assert sorted(created for created, _s, _n in answers) == [False, True]
    assert {number for _c, _s, number in answers} == {Case.objects.get().number}
    assert {status for _c, status, _n in answers} == {201}
    assert IdempotencyKey.objects.count() == 1
