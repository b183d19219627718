import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditEvent, AuditHead
from shanzhi.org.actions import do_save_region
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db


def run_verify():
    call_command("verify_audit")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_demo_log_verifies(capsys):
    run_verify()
    count = AuditEvent.objects.count()
    assert count > 100
    assert f"{count} events verified" in capsys.readouterr().out


def test_structure_change_is_audited_with_before_after(persona, region):
    admin = persona("admin")
    grid = region("990101001001001")
    grid.name = "柳岸社区第一网格"
    do_save_region(grid, actor=admin, note="更名")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "org.region.update"
    assert event.actor == admin
    assert event.before == {"name": "柳岸社区第1网格"}
    assert event.after == {"name": "柳岸社区第一网格"}
    assert event.note == "更名"
    assert event.scope_path == grid.path
    run_verify()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_modified_event_is_detected():
    victim = AuditEvent.objects.order_by("seq")[5]
    _raw("UPDATE core_auditevent SET note = %s WHERE id = %s", ["tampered", victim.pk])
    with pytest.raises(CommandError, match=rf"#{victim.seq}\b.*edited"):
        run_verify()


def test_modified_time_is_detected():
    victim = AuditEvent.objects.order_by("seq")[3]
    _raw(
        "UPDATE core_auditevent SET created = %s WHERE id = %s",
        [victim.created.replace(year=2020), victim.pk],
    )
    with pytest.raises(CommandError, match=rf"#{victim.seq}\b"):
        run_verify()


def test_deleted_event_is_detected():
    victim = AuditEvent.objects.order_by("seq")[7]
    _raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match=rf"#{victim.seq + 1}\b.*deleted"):
        run_verify()


def test_deleted_last_event_is_detected():
    victim = AuditEvent.objects.order_by("-seq").first()
    _raw("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError, match="end"):
        run_verify()


def test_reordered_events_are_detected():
    first, second = AuditEvent.objects.order_by("seq")[10:12]
    # Swap the two rows' contents in storage order by swapping their sequence numbers.
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [10**12, first.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
    _raw("UPDATE core_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
    with pytest.raises(CommandError, match=rf"#{second.seq}\b"):
        run_verify()


def test_events_cannot_be_changed_or_deleted_through_the_model():
    event = AuditEvent.objects.first()
    event.note = "changed"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_failed_action_leaves_no_event(persona, region):
    before = AuditHead.objects.get(pk=1).last_seq
    grid = region("990101001001001")
    grid.code = "bad"
    with pytest.raises(ValidationError), transaction.atomic():
        do_save_region(grid, actor=persona("admin"))
    assert AuditHead.objects.get(pk=1).last_seq == before
    assert not Region.objects.filter(code="bad").exists()
    run_verify()


def test_object_description_is_frozen_in_the_deployment_language(persona, region):
    from shanzhi.core.roles import Role
    from shanzhi.org.actions import do_save_membership
    from shanzhi.org.models import Membership

    membership = do_save_membership(
        Membership(
            user=persona("resident"), role=Role.GRID_WORKER, region=region("990101001001002")
        ),
        actor=persona("admin"),
    )  # the test runs with English active
    assert "网格员" in AuditEvent.objects.for_object(membership).get().object_repr


def test_action_labels_are_shown_instead_of_codes(client_as):
    from shanzhi.core.audit import action_label

    page = client_as("auditor").get("/").content.decode()
    latest = AuditEvent.objects.order_by("-seq")[:10]
    for event in latest:
        assert event.action not in page
        assert str(action_label(event.action)) in page


def test_event_appended_during_a_check_is_not_taken_for_a_truncation(persona, region):
    """The check reads the head, then scans; an event appended in between is left for
    the next check instead of being reported as a deleted tail."""
    from shanzhi.core import audit

    head = audit.chain_head()
    grid = region("990101001001001")
    grid.name = "并发写入"
    do_save_region(grid, actor=persona("admin"), note="检查期间写入")
    assert AuditEvent.objects.filter(seq__gt=head[0]).exists()
    assert audit.verify_chain(head=head) is None
    assert audit.verify_chain() is None


def test_deleted_tail_is_still_found_by_a_check_that_started_before(persona, region):
    from shanzhi.core import audit

    head = audit.chain_head()
    last = AuditEvent.objects.get(seq=head[0])
    _raw("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    broken = audit.verify_chain(head=head)
    assert broken is not None and broken.reason == "truncated"


def test_the_system_is_named_in_the_readers_language(region):
    from shanzhi.core import audit

    with transaction.atomic():
        event = audit.record(None, "org.region.update", region("990101001"), note="系统任务")
    assert event.actor_label == "" and event.actor_id is None
    assert event.actor_display == "System"
    run_verify()


def test_audit_action_filter_lists_action_names(client_as):
    client = client_as("auditor")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert ">Role assigned</a>" in page
    assert ">org.membership.create</a>" not in page
    filtered = client.get(
        reverse("admin:core_auditevent_changelist"), {"action": "org.membership.create"}
    )
    events = list(filtered.context["cl"].queryset)
    assert events and {e.action for e in events} == {"org.membership.create"}
