"""Shared fixtures: the demo district loaded once per test session, and its personas.

Tests run in transactions rolled back after each test, so the demo stays intact for the
next one. Passwords use a fast hasher here; argon2 itself is checked in test_auth.
"""

import pytest
from django.test import override_settings

from shanzhi.core.models import User
from shanzhi.org.models import Region

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        from shanzhi.demo.seed import load_demo
        from shanzhi.duties.seed import load_catalogue

        load_demo()
        load_catalogue()


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The test client speaks plain HTTP; the HTTPS settings themselves are checked in
    # core/tests/test_settings.py.
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fresh_catalogue_copy():
    """Tests roll back their writes: drop the routing copy built from them."""
    from shanzhi.duties import routing

    routing.forget()
    yield
    routing.forget()


@pytest.fixture
def persona(db):
    """A demo user by username, e.g. ``persona("gridworker")``."""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_as(client, persona):
    """A test client signed in as a demo user."""

    def sign_in(username: str):
        client.force_login(persona(username), backend="shanzhi.core.auth.UsernameOrPhoneBackend")
        return client

    return sign_in


@pytest.fixture
def region(db):
    def get(code: str) -> Region:
        return Region.objects.get(code=code)

    return get


@pytest.fixture
def singleton_rows(transactional_db):
    """Transactional tests start from a flushed database (the previous one's flush):
    recreate the single rows that migrations normally put there."""
    from shanzhi.core.models import AuditHead
    from shanzhi.duties.models import CatalogueVersion
    from shanzhi.org.models import GridIndexVersion

    AuditHead.objects.get_or_create(pk=1)
    GridIndexVersion.objects.get_or_create(pk=1)
    CatalogueVersion.objects.get_or_create(pk=1)
