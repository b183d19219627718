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
from shanzhi.org.tests.helpers import deactivate

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
    grids = list(Region.objects.filter(parent=region(COMMUNITY), level="grid").order_by("code"))
    for grid in grids:
        deactivate(grid, actor=persona("admin"))
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
    client.cookies["django_language"] = "en"
    url = reverse("admin:org_region_import")
    assert client.get(url).status_code == 200
    bad = SimpleUploadedFile("g.geojson", b"{oops", content_type="application/geo+json")
    response = client.post(url, {"file": bad, "note": "导入"})
    assert response.status_code == 200
    assert "not valid JSON: the error is at line 1, column 2" in response.content.decode()
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


def test_malformed_json_names_line_and_column_not_the_parser_text(persona):
    errors = assert_refused('{"type": "FeatureCollection",\n "features": [}', persona, expect=[])
    text = errors[0].messages[0]
    assert "line 2, column 15" in text
    assert "Expecting" not in text  # the parser's own English is not shown


@pytest.mark.parametrize(
    ("data", "expect"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"type": "FeatureCollection", "features": [NaN]}', "NaN and Infinity"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(persona, data, expect):
    assert_refused(data, persona, expect=[expect])


def test_a_file_over_the_size_limit_is_refused(persona, monkeypatch):
    from shanzhi.org import grid_import

    monkeypatch.setattr(grid_import, "MAX_BYTES", 1000)
    padding = feature("990101001001101", "甲" * 400, None, parent=COMMUNITY)
    assert_refused(collection(padding), persona, expect=["larger than"])


def test_too_many_features_are_refused(persona):
    data = json.dumps({"type": "FeatureCollection", "features": [{}] * 10_001})
    assert_refused(data, persona, expect=["10001 features", "10000"])


@pytest.mark.parametrize(
    ("households", "expect"),
    [(3.7, "whole number"), (True, "whole number"), ("many", "whole number"), ([1], "whole")],
)
def test_households_must_be_a_whole_number(redraw, persona, households, expect):
    assert_refused(
        collection(
            feature("990101001001101", "甲", redraw[0], parent=COMMUNITY, households=households)
        ),
        persona,
        expect=["#1", expect],
    )


def test_households_overflowing_a_float_is_refused_not_a_crash(redraw, persona):
    text = collection(feature("990101001001101", "甲", redraw[0], parent=COMMUNITY))
    text = text.replace('"parent"', '"households": 1e400, "parent"')
    assert_refused(text, persona, expect=["#1", "whole number"])


def test_whole_households_given_as_text_or_float_are_accepted(redraw, persona):
    do_import_grids(
        collection(
            feature("990101001001101", "甲", redraw[0], parent=COMMUNITY, households="320"),
            feature("990101001001102", "乙", redraw[1], parent=COMMUNITY, households=280.0),
        ),
        actor=persona("admin"),
    )
    assert Region.objects.get(code="990101001001101").households == 320
    assert Region.objects.get(code="990101001001102").households == 280


@pytest.mark.parametrize("properties", [["code", "name"], "990101001001101", 7])
def test_properties_that_are_not_an_object_are_refused(persona, properties):
    item = {"type": "Feature", "properties": properties, "geometry": None}
    assert_refused(
        json.dumps({"type": "FeatureCollection", "features": [item]}),
        persona,
        expect=["#1", "properties must be a JSON object"],
    )


def test_a_code_twice_in_one_file_is_refused_naming_the_first(redraw, persona):
    errors = assert_refused(
        collection(
            feature("990101001001101", "甲", redraw[0], parent=COMMUNITY),
            feature("990101001001102", "乙", redraw[1], parent=COMMUNITY),
            feature("990101001001101", "丙", redraw[2], parent=COMMUNITY),
        ),
        persona,
        expect=["#3 990101001001101", "already appears in feature 1"],
    )
    assert [e.number for e in errors] == [3]


def test_messages_name_fields_by_their_label_not_their_code(redraw, persona):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    errors = assert_refused(
        collection(feature("12345", "短码", bowtie, parent=COMMUNITY)),
        persona,
        expect=["Code: The code of a Grid has exactly 15 digits", "Boundary (GeoJSON): "],
    )
    text = " ".join(errors[0].messages)
    assert "code:" not in text and "geometry:" not in text
