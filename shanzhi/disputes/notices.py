"""Who is told: the street's leaders and dispatchers (early warnings, serious risks), and
the people who act for the body mediating a dispute. Messages are written in the
deployment's language, whoever triggered them."""

from django.contrib.auth import get_user_model

from shanzhi.core.notify import notify
from shanzhi.core.roles import Role
from shanzhi.org.models import Membership

STREET_WATCH = (Role.LEADER, Role.STREET_DISPATCHER)


def street_watch(street) -> list:
    """The leaders and dispatchers of ``street`` (the street's own unit)."""
    if street is None:
        return []
    ids = (
        Membership.objects.active()
        .filter(region=street, role__in=STREET_WATCH)
        .values_list("user_id", flat=True)
    )
    return list(get_user_model().objects.filter(pk__in=list(ids), is_active=True))


def tell_street(street, subject: str, body: str, url: str) -> list[int]:
    return notify(street_watch(street), subject, body, url)


def body_people(body) -> list:
    from shanzhi.cases.routing import body_people as people

    return people(body) if body is not None else []
