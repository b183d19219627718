import pytest

from shanzhi.duties.calendar import forget as forget_calendar
from shanzhi.org import geoindex


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Tests roll back their writes; drop per-process caches built from them."""
    geoindex.forget()
    forget_calendar()
    yield
    geoindex.forget()
    forget_calendar()
