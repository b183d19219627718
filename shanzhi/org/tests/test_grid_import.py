"""Importing grids from GeoJSON: all or nothing, with per-feature errors."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from shanzhi.core.models import AuditHead
from shanzhi.lib import geo
from shanzhi.org.grid_import import GridImportError, do_import_grids
from shanzhi.org.models import Region

pytestmark = pytest.mark.django_db
COMMUNITY = "990101001001"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def feature(code, name, geometry, **props):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, **props},
        "geometry": geometry,
    }


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


@pytest.fixture
def redraw(region, persona):
    """Free up community 1 by deactivating its grids; return their old shapes to re-use."""
    from shanzhi.org.actions import do_save_region

    grids = list(Region.objects.filter(parent=region(COMMUNITY), level="grid").order_by("code"))
    for grid in grids:
        grid.is_active = False
        do_save_region(grid, actor=persona("admin"), note="重新划分")
    return [g.geometry for g in grids]


def state():
    return Region.objects.count(), AuditHead.objects.get(pk=1).last_seq


def test_import_creates_grids_and_audits(redraw, persona):
    before_regions, before_seq = state()
    saved = do_import_grids(
        collection(
            feature("990101001001101", "新一网格", redraw[0], parent=COMMUNITY, households=320),
            feature("990101001001102", "新二网格", redraw[1], parent=COMMUNITY),
        ),
        actor=persona("admin"),
    )
    assert [r.code for r in saved] == ["990101001001101", "990101001001102"]
    assert Region.objects.get(code="990101001001101").households == 320
    regions, seq = state()
    assert (regions, seq) == (before_regions + 2, before_seq + 2)


def test_import_updates_an_existing_code(persona, region):
    grid = region("990101001001001")
    do_import_grids(
        collection(feature(grid.code, "改名网格", grid.geometry, parent=COMMUNITY)),
        actor=persona("admin"),
    )
    assert region(grid.code).name == "改名网格"


def assert_refused(data, persona, *, expect, actor="admin"):
    before = state()
    with pytest.raises(GridImportError) as excinfo:
        do_import_grids(data, actor=persona(actor))
    assert state() == before, "nothing may be written"
    text = " | ".join(
        f"#{e.number} {e.label}: {m}" for e in excinfo.value.errors for m in e.messages
    )
    for fragment in expect:
        assert fragment in text, text
    return excinfo.value.errors


def test_malformed_json(persona):
    assert_refused("{not json", persona, expect=["not valid JSON"])


def test_not_a_feature_collection(persona):
    assert_refused(json.dumps({"type": "Polygon"}), persona, expect=["FeatureCollection"])


def test_empty_collection(persona):
    assert_refused(collection(), persona, expect=["no features"])


def test_one_bad_feature_blocks_all_and_names_the_feature(redraw, persona):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    errors = assert_refused(
        collection(
            feature("990101001001101", "好网格", redraw[0], parent=COMMUNITY),
            feature("990101001001102", "坏网格", bowtie, parent=COMMUNITY),
        ),
        persona,
        expect=["#2 990101001001102", "elf-intersection"],
    )
    assert [e.number for e in errors] == [2]
    assert not Region.objects.filter(code="990101001001101").exists()


def test_features_overlapping_each_other(redraw, persona):
    assert_refused(
        collection(
            feature("990101001001101", "甲", redraw[0], parent=COMMUNITY),
            feature("990101001001102", "乙", redraw[0], parent=COMMUNITY),
        ),
        persona,
        expect=["#2", "verlap"],
    )


def test_overlap_with_an_existing_grid(persona, region):
    existing = region("990101001001002").geometry
    assert_refused(
        collection(feature("990101001001101", "甲", existing, parent=COMMUNITY)),
        persona,
        expect=["#1", "verlap"],
    )


def test_invalid_code_and_unknown_parent(redraw, persona):
    assert_refused(
        collection(
            feature("12345", "短码", redraw[0], parent=COMMUNITY),
            feature("990101001001102", "无主", redraw[1], parent="990101001999"),
        ),
        persona,
        expect=["#1 12345", "15 digits", "#2", "990101001999 does not exist"],
    )


def test_missing_properties_and_no_parent(persona):
    assert_refused(
        collection(
            {"type": "Feature", "properties": {}, "geometry": None},
            feature("990101001001103", "x", None),
        ),
        persona,
        expect=["#1", "“code” and “name”", "#2", "No parent unit"],
    )


def test_non_administrator_is_refused(redraw, persona):
    assert_refused(
        collection(feature("990101001001101", "甲", redraw[0], parent=COMMUNITY)),
        persona,
        expect=["administrator"],
        actor="community",
    )


def test_command_reports_errors_and_imports_nothing(tmp_path, persona, redraw):
    path = tmp_path / "grids.geojson"
    path.write_text(
        collection(feature("990101001001101", "甲", {"type": "Point"}, parent=COMMUNITY))
    )
    before = state()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_grids", str(path), actor="admin")
    assert state() == before
    path.write_text(collection(feature("990101001001101", "甲", redraw[0], parent=COMMUNITY)))
    call_command("import_grids", str(path), actor="admin", note="重新划分")
    assert Region.objects.filter(code="990101001001101").exists()


def test_admin_import_page(client_as, redraw):
    client = client_as("admin")
    url = reverse("admin:org_region_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("g.geojson", b"{oops", content_type="application/geo+json")
    response = client.post(url, {"file": bad, "note": "导入"})
    assert response.status_code == 200
    assert "文件不是有效的 JSON" in response.content.decode()
    good = SimpleUploadedFile(
        "g.geojson",
        collection(feature("990101001001101", "甲", redraw[0], parent=COMMUNITY)).encode(),
    )
    response = client.post(url, {"file": good, "note": "导入"})
    assert response.status_code == 302
    assert Region.objects.filter(code="990101001001101").exists()


def test_admin_import_page_is_refused_to_non_administrators(client_as):
    for username in ("community", "auditor"):
        response = client_as(username).get(reverse("admin:org_region_import"))
        assert response.status_code in (302, 403)


def test_geojson_shape_is_normalised(redraw, persona):
    shape = json.loads(json.dumps(redraw[0]))
    do_import_grids(
        collection(feature("990101001001101", "甲", shape, parent=COMMUNITY)),
        actor=persona("admin"),
    )
    stored = Region.objects.get(code="990101001001101").geometry
    assert geo.parse_polygon(stored).equals(geo.parse_polygon(shape))
