"""Integrations in the admin: administrators of an area create them (the token is shown
once), change them with a reason, issue new tokens; auditors read; nobody else."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from shanzhi.api.models import Integration
from shanzhi.core.models import AuditEvent
from shanzhi.lib import apitokens
from shanzhi.org.models import Body, Membership, Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages(client):
    client.cookies["django_language"] = "en"


def add_form(**overrides):
    data = {
        "name": "城管业务系统",
        "description": "",
        "role": "department_handler",
        "body": Body.objects.get(name="区城市管理局").pk,
        "region": "",
        "scopes": ["cases:read", "cases:write"],
        "rate_limit": "60",
        "change_note": "对接城管系统",
    }
    data.update(overrides)
    return data


def token_on(page) -> str:
    match = re.search(r"<code data-token>([^<]+)</code>", page.content.decode())
    assert match, page.content.decode()[:2000]
    return match.group(1)


def test_an_administrator_creates_an_integration_and_sees_its_token_once(client_as, persona):
    client = client_as("admin")
    response = client.post(reverse("admin:api_integration_add"), add_form())
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = token_on(response)
    integration = Integration.objects.get(name="城管业务系统")
    assert integration.token_hash == apitokens.token_hash(token)
    assert integration.scopes == ["cases:read", "cases:write"] and integration.rate_limit == 60
    membership = Membership.objects.get(pk=integration.membership_id)
    assert membership.user == integration.user and membership.role == "department_handler"
    assert not integration.user.has_usable_password()
    event = AuditEvent.objects.for_object(integration).get()
    assert event.action == "api.integration.create" and event.actor == persona("admin")
    assert token not in str(event.after)
    # Never shown again: not on its change page.
    page = client.get(reverse("admin:api_integration_change", args=[integration.pk]))
    assert page.status_code == 200 and token not in page.content.decode()
    assert integration.key_id in page.content.decode()


def test_a_role_that_does_not_fit_the_unit_is_refused_on_the_form(client_as):
    client = client_as("admin")
    response = client.post(
        reverse("admin:api_integration_add"),
        add_form(
            role="street_dispatcher", body="", region=Region.objects.get(code="990101001001").pk
        ),
    )
    assert response.status_code == 200 and b"errorlist" in response.content
    assert not Integration.objects.exists()


def test_changes_need_a_reason_and_are_audited(client_as, make_integration):
    integration, _token = make_integration()
    client = client_as("admin")
    url = reverse("admin:api_integration_change", args=[integration.pk])
    form = {"name": integration.name, "description": "", "scopes": ["cases:read"], "rate_limit": 30}
    refused = client.post(url, {**form, "is_active": "on", "change_note": ""})
    assert refused.status_code == 200
    assert Integration.objects.get(pk=integration.pk).scopes != ["cases:read"]
    done = client.post(url, {**form, "change_note": "停用并收窄权限"})
    assert done.status_code == 302
    integration.refresh_from_db()
    assert integration.scopes == ["cases:read"] and not integration.is_active
    event = AuditEvent.objects.for_object(integration).last()
    assert event.action == "api.integration.update" and event.after["is_active"] is False


def test_a_new_token_from_the_admin_action(client_as, make_integration):
    integration, old = make_integration()
    client = client_as("admin")
    response = client.post(
        reverse("admin:api_integration_changelist"),
        {"action": "issue_new_token", "_selected_action": [integration.pk]},
    )
    new = token_on(response)
    integration.refresh_from_db()
    assert new != old and integration.token_hash == apitokens.token_hash(new)
    assert AuditEvent.objects.for_object(integration).last().action == "api.integration.rotate"


def test_the_auditor_reads_but_does_not_change(client_as, make_integration):
    integration, _token = make_integration()
    client = client_as("auditor")
    listing = client.post(
        reverse("admin:api_integration_changelist"),
        {"action": "issue_new_token", "_selected_action": [integration.pk]},
    )
    assert b"data-token" not in listing.content
    assert Integration.objects.get(pk=integration.pk).token_hash == integration.token_hash
    assert client.get(reverse("admin:api_integration_changelist")).status_code == 200
    assert client.get(reverse("admin:api_integration_add")).status_code == 403
    url = reverse("admin:api_integration_change", args=[integration.pk])
    response = client.post(url, {"name": "改名", "scopes": [], "rate_limit": 1, "change_note": "x"})
    assert response.status_code == 403
    assert Integration.objects.get(pk=integration.pk).name == integration.name


@pytest.mark.parametrize("username", ["dispatcher", "department", "resident"])
def test_others_do_not_reach_the_integrations(client_as, make_integration, username):
    make_integration()
    client = client_as(username)
    response = client.get(reverse("admin:api_integration_changelist"))
    assert response.status_code in (302, 403)
    assert client.post(reverse("admin:api_integration_add"), add_form()).status_code in (302, 403)
    assert Integration.objects.count() == 1


def test_a_street_administrator_sees_only_the_integrations_of_the_street(
    client, make_integration, django_user_model
):
    from shanzhi.org.actions import do_save_membership

    east, _t = make_integration("东湖街道分中心", unit="990101001")
    west, _t = make_integration("西岭街道分中心", unit="990101002")
    admin = django_user_model.objects.create_user("east-admin", password="x-long-pass-1")
    do_save_membership(
        Membership(user=admin, role="admin", region=Region.objects.get(code="990101001")),
        actor=None,
    )
    client.force_login(admin, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    page = client.get(reverse("admin:api_integration_changelist")).content.decode()
    assert east.name in page and west.name not in page
    response = client.get(reverse("admin:api_integration_change", args=[west.pk]))
    assert response.status_code in (302, 404)


def test_the_command_prints_the_token_once(capsys):
    call_command(
        "create_integration",
        "区12345热线",
        "--role",
        "street_dispatcher",
        "--unit",
        "990101",
        "--scopes",
        "cases:read,cases:write",
        "--rate-limit",
        "300",
    )
    out = capsys.readouterr()
    token = out.out.strip()
    integration = Integration.objects.get(name="区12345热线")
    assert integration.token_hash == apitokens.token_hash(token)
    assert integration.rate_limit == 300 and integration.role == "street_dispatcher"
    assert token not in out.err


@pytest.mark.parametrize(
    "args",
    [
        ["坏的", "--unit", "000000"],
        ["坏的", "--unit", "990101", "--scopes", "cases:everything"],
        ["坏的", "--role", "department_handler", "--unit", "990101"],
        ["坏的"],
    ],
)
def test_the_command_refuses_bad_input_and_stores_nothing(args):
    from django.core.management.base import CommandError

    from shanzhi.core.models import User

    users = User.objects.count()
    with pytest.raises(CommandError):
        call_command("create_integration", *args)
    assert not Integration.objects.exists() and User.objects.count() == users
