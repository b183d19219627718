"""Auditors queue a full audit-chain check that the background worker runs."""

import pytest
from django.db import connection
from django.urls import reverse
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from shanzhi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def run_worker():
    """Claim and run queued tasks with the database worker's own code, in this transaction.

    (``manage.py db_worker`` itself closes the connection between tasks, which would end
    the test's transaction; the browser tests run the real worker process.)
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    while (task := DBTaskResult.objects.ready().get_locked()) is not None:
        task.claim(worker.worker_id)
        worker.run_task(task)


def result_box(client):
    page = client.get(reverse("home")).content.decode()
    start = page.rindex("<div", 0, page.index('data-testid="audit-check-result"'))
    return page[start : page.index("</div>", start)]


def test_auditor_queues_a_check_and_the_worker_runs_it(client_as):
    client = client_as("auditor")
    response = client.post(reverse("audit_check"))
    assert response.status_code == 302
    assert 'data-status="READY"' in result_box(client)
    run_worker()
    box = result_box(client)
    assert 'data-status="SUCCESSFUL"' in box
    assert "alert-success" in box
    assert f"{AuditEvent.objects.count()} 条" in box


def test_check_reports_a_tampered_log(client_as):
    victim = AuditEvent.objects.order_by("seq")[4]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET note = 'x' WHERE id = %s", [victim.pk])
    client = client_as("auditor")
    client.post(reverse("audit_check"))
    run_worker()
    box = result_box(client)
    assert "alert-danger" in box and f"第 {victim.seq} 号事件" in box


@pytest.mark.parametrize("username", ["gridworker", "community", "department", "resident"])
def test_other_roles_cannot_queue_a_check(client_as, username):
    assert client_as(username).post(reverse("audit_check")).status_code == 403


def test_check_needs_post_and_sign_in(client, client_as):
    assert client.post(reverse("audit_check")).status_code == 302  # to the login page
    assert client_as("auditor").get(reverse("audit_check")).status_code == 405
