import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
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


def test_action_labels_are_shown_translated(client_as):
    page = client_as("auditor").get("/").content.decode()
    assert "任命角色" in page and "org.membership.create" not in page
