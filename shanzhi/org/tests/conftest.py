"""Personas for the org tests beyond the demo logins."""

import pytest

from shanzhi.core.models import User
from shanzhi.core.roles import Role
from shanzhi.org.actions import do_save_membership
from shanzhi.org.models import Membership

OTHER_STREET = "990101002"


@pytest.fixture
def street_admin(persona, region):
    """An administrator of street 990101002 only: staff through the membership, as the
    district administrator appoints one."""
    user = User.objects.create_user(
        "admin-street2", password="x-Long-passphrase-2026", real_name="西岭管理员"
    )
    do_save_membership(
        Membership(user=user, role=Role.ADMINISTRATOR, region=region(OTHER_STREET)),
        actor=persona("admin"),
        note="任命",
    )
    user = User.objects.get(pk=user.pk)
    assert user.is_staff and not user.is_superuser
    return user


@pytest.fixture
def street_admin_client(client, street_admin):
    client.force_login(street_admin, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    client.cookies["django_language"] = "en"
    return client
