"""Two administrators draw overlapping grids in the same community at the same moment:
the overlap check must see the other's grid, so exactly one of them succeeds."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import translation

from shanzhi.org.actions import do_save_region
from shanzhi.org.models import Level, Region


def square(lon, lat, size):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


@pytest.mark.django_db(transaction=True)
def test_overlapping_grids_saved_at_once_cannot_both_succeed(singleton_rows, monkeypatch):
    # The database may have been flushed by an earlier transactional test: build the
    # little tree this test needs, far away from the demo district.
    district = do_save_region(
        Region(level=Level.DISTRICT, code="990102", name="并发区", geometry=square(100, 20, 0.1)),
        actor=None,
    )
    street = do_save_region(
        Region(
            level=Level.STREET,
            code="990102001",
            name="并发街道",
            parent=district,
            geometry=square(100.01, 20.01, 0.05),
        ),
        actor=None,
    )
    community = do_save_region(
        Region(
            level=Level.COMMUNITY,
            code="990102001001",
            name="并发社区",
            parent=street,
            geometry=square(100.02, 20.02, 0.02),
        ),
        actor=None,
    )
    # Widen the window between checking and saving, so that without serialisation both
    # saves would check before either had saved.
    checked = Region._checked_shape

    def slow_check(self):
        shape = checked(self)
        time.sleep(0.5)
        return shape

    monkeypatch.setattr(Region, "_checked_shape", slow_check)
    barrier = threading.Barrier(2)
    outcomes = {}

    def draw(code, lon):
        try:
            parent = Region.objects.get(pk=community.pk)
            barrier.wait(timeout=10)
            grid = Region(
                level=Level.GRID,
                code=code,
                name=code,
                parent=parent,
                geometry=square(lon, 20.025, 0.005),
            )
            with translation.override("en"):
                do_save_region(grid, actor=None, note="并发")
            outcomes[code] = "saved"
        except ValidationError as exc:
            with translation.override("en"):
                outcomes[code] = " ".join(exc.message_dict.get("geometry", [])) or repr(exc)
        except Exception as exc:  # surfaced in the assertion below
            outcomes[code] = repr(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=draw, args=("990102001001001", 100.025)),
        threading.Thread(target=draw, args=("990102001001002", 100.027)),  # overlaps the first
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    results = sorted(outcomes.values())
    assert len(results) == 2 and results.count("saved") == 1, outcomes
    refused = next(r for r in results if r != "saved")
    assert "overlaps" in refused, outcomes
    assert Region.objects.filter(parent=community, level=Level.GRID).count() == 1
