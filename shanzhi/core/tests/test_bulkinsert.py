import pytest

from shanzhi.core.bulkinsert import PreparedInsert
from shanzhi.core.models import Notification

pytestmark = pytest.mark.django_db


def test_rows_go_in_with_the_models_defaults_for_other_columns(persona):
    user = persona("resident")
    writer = PreparedInsert(Notification, ["recipient_id", "channel", "subject", "body", "url"])
    before = Notification.objects.count()
    assert writer.write([(user.pk, "in_app", f"s{i}", "b", "/x/") for i in range(3)]) == 3
    rows = Notification.objects.order_by("-pk")[:3]
    assert Notification.objects.count() == before + 3
    default = Notification._meta.get_field("status").get_default()
    assert {(n.subject, n.status, n.recipient_id) for n in rows} == {
        (f"s{i}", default, user.pk) for i in range(3)
    }
    assert all(n.created is not None for n in rows)


def test_nothing_to_write_writes_nothing():
    assert PreparedInsert(Notification, ["recipient_id", "subject"]).write([]) == 0


def test_an_unknown_column_is_refused_at_once():
    with pytest.raises(ValueError, match="no column"):
        PreparedInsert(Notification, ["recipient_id", "no_such_column"])
