"""Tokens, scopes and the rate limit."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.utils import timezone

from shanzhi.api.actions import do_rotate_integration_token
from shanzhi.api.auth import authenticate_token
from shanzhi.api.errors import ApiError
from shanzhi.api.models import Integration
from shanzhi.lib import apitokens

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_token_is_stored(api_for):
    api = api_for()
    row = Integration.objects.filter(pk=api.integration.pk).values().get()
    assert api.token not in {str(v) for v in row.values()}
    assert row["token_hash"] == apitokens.token_hash(api.token)
    assert row["key_id"] == apitokens.key_id(api.token)


def test_me_tells_the_integration_what_it_may_do(api_for):
    api = api_for(scopes=["cases:read"])
    data = api.get("/me").json()
    assert data["name"] == "12345热线系统" and data["scopes"] == ["cases:read"]
    assert data["role"] == "street_dispatcher" and data["acts_for"].startswith("东湖街道")
    assert data["key_id"] == api.integration.key_id


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer shz_00000000_" + "x" * 43, "Token abc"],
)
def test_wrong_credentials_are_refused(anonymous_api, header):
    response = anonymous_api.get("/me", headers={"Authorization": header} if header else None)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_new_token_replaces_the_old_one_at_once(api_for):
    api = api_for()
    old = api.token
    new = do_rotate_integration_token(api.integration, actor=None, note="泄露后更换")
    assert api.get("/me").status_code == 401
    api.token = new
    assert api.get("/me").status_code == 200
    assert old != new


def test_an_account_switched_off_switches_the_integration_off(api_for):
    api = api_for()
    api.integration.user.is_active = False
    api.integration.user.save(update_fields=["is_active"])
    assert api.get("/me").status_code == 401


def test_the_rate_limit_counts_per_minute_and_says_when_to_retry(api_for):
    api = api_for(rate_limit=3)
    start = timezone.now().replace(second=10, microsecond=0)
    with time_machine.travel(start, tick=False):
        assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
        response = api.get("/me")
        assert response.status_code == 429
        body = response.json()
        assert body["code"] == "rate_limited" and body["details"]["limit"] == 3
        assert response["Retry-After"] == "50" and body["details"]["retry_after"] == 50
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert api.get("/me").status_code == 200  # a new minute, a new allowance


def test_each_integration_has_its_own_allowance(api_for):
    one, two = api_for("系统甲", rate_limit=1), api_for("系统乙", rate_limit=1)
    with time_machine.travel(timezone.now().replace(second=1), tick=False):
        assert one.get("/me").status_code == 200 and one.get("/me").status_code == 429
        assert two.get("/me").status_code == 200


def test_the_last_use_is_recorded(api_for):
    api = api_for()
    assert Integration.objects.get(pk=api.integration.pk).last_used is None
    api.get("/me")
    assert Integration.objects.get(pk=api.integration.pk).last_used is not None


@pytest.mark.django_db(transaction=True)
def test_requests_at_once_never_exceed_the_allowance(singleton_rows):
    """Several requests at the same moment (as from several server processes): the
    database counts each once, and exactly the allowance gets through."""
    from shanzhi.api.actions import do_create_integration
    from shanzhi.org.models import Level, Region

    district = Region.objects.create(level=Level.DISTRICT, code="990188", name="限流测试区")
    Region.objects.filter(pk=district.pk).update(path=f"/{district.pk}/")
    district.refresh_from_db()
    integration, token = do_create_integration(
        Integration(name="限流", region=district, scopes=["cases:read"], rate_limit=5), actor=None
    )
    barrier = threading.Barrier(8)
    outcomes = []
    moment = timezone.now().replace(second=0)

    def attempt():
        try:
            barrier.wait(timeout=10)
            outcomes.append("ok" if authenticate_token(token, now=moment) else "none")
        except ApiError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # surfaced in the assertion below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["ok"] * 5 + ["rate_limited"] * 3, outcomes
    assert Integration.objects.get(pk=integration.pk).window_count == 5
