"""Address suggestions from the registry's buildings, for the report form and the
hotline console."""

import pytest
from django.urls import reverse
from shapely.geometry import Point

from shanzhi.cases.forms import ResidentReportForm
from shanzhi.lib import geo
from shanzhi.registry.actions import do_create_building
from shanzhi.registry.models import Building

from .conftest import GRID_A, GRID_B

pytestmark = pytest.mark.django_db
URL = "/registry/addresses/"


@pytest.fixture
def buildings(persona, grid):
    staff = persona("streetstaff")
    made = [
        do_create_building(
            Building(
                grid=grid(GRID_A), name="3号楼", address="示范路88号3号楼", lon=None, lat=None
            ),
            actor=staff,
        ),
        do_create_building(
            Building(
                grid=grid(GRID_B),
                name="5栋",
                address="柳岸花园5栋",
                lon=118.71234567,
                lat=32.0512345,
            ),
            actor=staff,
        ),
    ]
    return made


def test_the_url():
    assert reverse("registry:addresses") == URL


def test_any_spelling_of_an_address_is_completed(client_of, persona, buildings, grid):
    client = client_of(persona("resident"))
    for typed in ("示范路88号3栋", "示范路88号三幢", "88号3号楼"):
        answer = client.get(URL, {"q": typed})
        assert answer.status_code == 200
        rows = answer.json()["results"]
        assert [r["address"] for r in rows] == ["示范路88号3号楼"], typed
    row = rows[0]
    assert row["grid_code"] == GRID_A
    # No point of its own: a point inside its grid.
    shape = geo.parse_polygon(grid(GRID_A).geometry)
    assert shape.contains(Point(row["lon"], row["lat"]))
    own = client.get(URL, {"q": "柳岸花园"}).json()["results"][0]
    assert (own["lon"], own["lat"]) == pytest.approx((118.712346, 32.051234), abs=2e-6)


def test_nothing_personal_and_nothing_for_nonsense(client_of, persona, buildings):
    client = client_of(persona("resident"))
    assert client.get(URL, {"q": ""}).json() == {"results": []}
    assert client.get(URL, {"q": "不存在的地址"}).json() == {"results": []}
    answer = client.get(URL, {"q": "示范路" * 100})  # cut, not an error
    assert answer.status_code == 200
    assert set(client.get(URL, {"q": "示范路"}).json()["results"][0]) == {
        "address",
        "grid",
        "grid_code",
        "lon",
        "lat",
    }


def test_suggestions_need_a_sign_in_and_change_nothing(client, client_of, persona, buildings):
    answer = client.get(URL, {"q": "示范路"})
    assert answer.status_code == 302 and "/accounts/login/" in answer.url
    assert client_of(persona("resident")).post(URL, {"q": "示范路"}).status_code == 405


def test_the_report_form_and_the_console_ask_for_them(client_of, persona):
    assert ResidentReportForm().fields["address"].widget.attrs["data-address-suggest"] == URL
    html = client_of(persona("dispatcher")).get("/console/").content.decode()
    assert f'data-address-suggest="{URL}"' in html and "registry/address_suggest" in html
