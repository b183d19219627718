"""The sweep's escalation notices: their text and link, one per leader and clock, across
batches that share a due instant, and two sweeps running at once."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from shanzhi.cases import supervision
from shanzhi.cases.engine import Intake, do_create_case
from shanzhi.cases.models import Clock
from shanzhi.cases.procedure import get
from shanzhi.cases.supervision import _OverdueNotice, sweep
from shanzhi.core.models import Notification, NotificationChannel, NotificationStatus
from shanzhi.core.roles import Role
from shanzhi.duties.models import MatterCategory
from shanzhi.duties.seed import load_catalogue
from shanzhi.lib import geo
from shanzhi.org.models import Level, Membership, Region


def located_case(persona, title):
    """A service request in the demo's first grid, not yet dispatched: its clocks are
    escalated to the leaders of the district (one level above its street)."""
    point = geo.parse_polygon(
        Region.objects.get(code="990101001001001").geometry
    ).representative_point()
    return do_create_case(
        Intake(
            procedure="service_request",
            channel="phone",
            title=title,
            description="d",
            category=MatterCategory.objects.get(code="0604"),
            lon=point.x,
            lat=point.y,
        ),
        actor=persona("dispatcher"),
    )


def district_leaders(district) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(region=district, role=Role.LEADER)
        .values_list("user_id", flat=True)
    )


@pytest.mark.django_db
def test_notice_text_and_link_in_the_site_language(persona):
    load_catalogue()
    case = located_case(persona, "井盖缺失" * 20)  # a long title is cut in the subject
    due = (timezone.now() - timedelta(hours=3)).replace(microsecond=0)
    Clock.objects.filter(case=case).update(due_at=due)
    result = sweep()
    clocks = list(Clock.objects.filter(case=case, overdue_at__isnull=False))
    leaders = district_leaders(Region.objects.get(code="990101"))
    assert clocks and leaders
    assert result == {"marked": len(clocks), "notified": len(clocks) * len(leaders)}

    link = reverse("case_detail", args=[case.number])
    notices = list(Notification.objects.filter(url=link))
    assert len(notices) == result["notified"]
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Overdue: %(number)s %(title)s") % {
            "number": case.number,
            "title": case.title[:60],
        }
        bodies = {
            gettext("The %(clock)s limit ran out at %(due)s.")
            % {
                "clock": str(get(case.procedure).by_clock[clock.name].label),
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            }
            for clock in clocks
        }
    assert subject.startswith("超期") and case.number in subject  # zh-hans, translated
    for notice in notices:
        assert notice.subject == subject and notice.body in bodies
        assert notice.channel == NotificationChannel.IN_APP
        assert notice.status == NotificationStatus.PENDING and notice.read_at is None
    assert {n.recipient_id for n in notices} == leaders
    assert {c.escalated_to.code for c in clocks} == {"990101"}


@pytest.mark.django_db
@pytest.mark.parametrize("round_size", [100_000, 3])
def test_batches_sharing_a_due_instant_mark_every_clock_once(persona, monkeypatch, round_size):
    monkeypatch.setattr(supervision, "_ROUND", round_size)  # 3: the work read in rounds
    load_catalogue()
    cases = [located_case(persona, f"同一时限{i}") for i in range(5)]
    due = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    clocks = Clock.objects.filter(case__in=cases)
    clocks.update(due_at=due)  # all on one instant: the batch boundary falls inside a tie
    clocks.filter(case=cases[0]).update(due_at=due - timedelta(days=1))
    clocks.filter(case=cases[-1]).update(due_at=due + timedelta(minutes=30))
    overdue = Clock.objects.overdue().filter(case__in=cases).count()
    leaders = district_leaders(Region.objects.get(code="990101"))
    assert overdue >= 5

    at = timezone.now()
    result = sweep(now=at, batch=2)
    assert result == {"marked": overdue, "notified": overdue * len(leaders)}
    assert clocks.filter(overdue_at=at).count() == overdue
    assert Clock.objects.overdue(at).filter(overdue_at__isnull=True).count() == 0
    twice = (
        Notification.objects.filter(
            url__in=[reverse("case_detail", args=[c.number]) for c in cases]
        )
        .values("recipient", "url", "body")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    assert sweep(now=at + timedelta(minutes=1), batch=2) == {"marked": 0, "notified": 0}


@pytest.mark.django_db
def test_a_clock_marked_by_another_sweeper_is_left_to_it(persona):
    load_catalogue()
    taken, free = located_case(persona, "已被认领"), located_case(persona, "未被认领")
    due = timezone.now() - timedelta(hours=1)
    Clock.objects.filter(case__in=[taken, free]).update(due_at=due)
    Clock.objects.filter(case=taken).update(overdue_at=due, claimed_by="another-sweeper")
    result = sweep()
    assert result["marked"] == Clock.objects.filter(case=free).count()
    assert Clock.objects.filter(case=taken, claimed_by="another-sweeper").count() == (
        Clock.objects.filter(case=taken).count()
    )
    assert not Notification.objects.filter(url=reverse("case_detail", args=[taken.number])).exists()


def test_link_of_any_case_number_is_what_reverse_gives():
    notice = _OverdueNotice()
    for number in ("SR2026112600000123", "GE-2026.11_01~x", "案 1", "a%2Fb"):
        assert notice.url(number) == reverse("case_detail", args=[number])


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_mark_each_clock_once(singleton_rows, django_user_model):
    # Unlocated, undispatched cases go to the leaders of the first district (the demo's
    # when an earlier test left it; else this one).
    district = Region.objects.active().filter(level=Level.DISTRICT).order_by("pk").first()
    if district is None:
        district = Region.objects.create(level=Level.DISTRICT, code="990188", name="并发扫描区")
        Region.objects.filter(pk=district.pk).update(path=f"/{district.pk}/")
    root = django_user_model.objects.create_superuser("root-sweep", password="x-long-pass")
    leaders = [
        django_user_model.objects.create_user(f"sweep-leader-{i}", password="x-long-pass")
        for i in range(2)
    ]
    for leader in leaders:
        Membership.objects.create(user=leader, role=Role.LEADER, region=district)
    for i in range(12):
        do_create_case(
            Intake(procedure="service_request", channel="phone", title=f"并发{i}", description="d"),
            actor=root,
        )
    Clock.objects.update(due_at=timezone.now() - timedelta(hours=2))
    at = timezone.now()
    overdue = Clock.objects.overdue(at).count()
    assert overdue >= 12

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(sweep(now=at, batch=3))
        except Exception as exc:  # surfaced in the assertion below
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors and len(results) == 2, errors
    assert sum(r["marked"] for r in results) == overdue
    assert Clock.objects.filter(overdue_at=at, escalated_to=district).count() == overdue
    assert Clock.objects.values("claimed_by").distinct().count() <= 2
    notices = Notification.objects.all()
    expected = overdue * len(district_leaders(district))
    assert notices.count() == sum(r["notified"] for r in results) == expected
    assert not (
        notices.values("recipient", "url", "body").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )
