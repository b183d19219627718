"""The import and export pages: who may use them, bad input, and what the files hold
(masks and the watermark in exports)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from shanzhi.registry.io import runner
from shanzhi.registry.io.models import ImportJob, ImportState
from shanzhi.registry.io.samples import synthetic_row
from shanzhi.registry.models import PersonalDataAccess
from shanzhi.registry.tests.conftest import COMMUNITY_A, GRID_A, id_number, phone

from .conftest import sheet_bytes, upload


def post_upload(client, rows=None, kind="people", content=None, name="people.xlsx"):
    content = content if content is not None else sheet_bytes(kind, rows or [])
    return client.post(
        reverse("registry:io_imports"), {"kind": kind, "file": upload(content, name)}
    )


def test_upload_check_choose_and_done(client_of, persona):
    client = client_of(persona("community"))
    page = client.get(reverse("registry:io_imports"))
    assert page.status_code == 200 and b"template-people" in page.content
    response = post_upload(client, [synthetic_row(n, GRID_A) for n in range(3)])
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("registry:io_job", args=[job.pk])
    page = client.get(response.url)
    assert b'hx-trigger="every 2s"' in page.content  # polls while checking
    runner.run(job.pk)
    fragment = client.get(response.url, HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"
    page = client.get(response.url)
    assert b'data-testid="choose-form"' in page.content
    response = client.post(reverse("registry:io_job_choose", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 302
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == ImportState.DONE and job.written == 3
    listing = client.get(reverse("registry:io_imports"))
    assert job.file_name.encode() in listing.content


def test_bad_uploads_get_a_clear_message(client_of, persona):
    client = client_of(persona("community"))
    response = post_upload(client, content=b"not a workbook", name="x.xlsx")
    assert response.status_code == 400
    assert b"not an Excel workbook" in response.content
    response = client.post(reverse("registry:io_imports"), {"kind": "people"})
    assert response.status_code == 400 and b"Choose the file to upload" in response.content
    response = post_upload(client, kind="nonsense", content=sheet_bytes("people", []))
    assert response.status_code == 400 and b"Choose what the sheet holds" in response.content
    assert not ImportJob.objects.exists()


def test_choosing_all_with_errors_is_refused_on_the_page(client_of, persona):
    client = client_of(persona("community"))
    rows = [synthetic_row(1, GRID_A), {**synthetic_row(2, GRID_A), "grid": "123"}]
    post_upload(client, rows)
    job = ImportJob.objects.get()
    runner.run(job.pk)
    page = client.get(reverse("registry:io_job", args=[job.pk]))
    assert b"No grid has the code 123" in page.content
    response = client.post(reverse("registry:io_job_choose", args=[job.pk]), {"mode": "all"})
    assert response.status_code == 400 and b"rows have errors" in response.content
    response = client.post(reverse("registry:io_job_choose", args=[job.pk]), {"mode": "x"})
    assert response.status_code == 400
    problems = client.get(reverse("registry:io_job_problems", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(problems.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][-1] in (None, "")
    assert "No grid has the code 123" in rows[3][-1]


@pytest.mark.parametrize("who", ["gridworker", "leader", "auditor", "resident", "dispatcher"])
def test_only_registry_keepers_import(client_of, persona, who):
    client = client_of(persona(who))
    assert client.get(reverse("registry:io_imports")).status_code == 403
    assert post_upload(client, [synthetic_row(1, GRID_A)]).status_code == 403
    assert client.get(reverse("registry:io_template", args=["people"])).status_code == 403
    assert not ImportJob.objects.exists()


def test_someone_elses_import_does_not_exist(client_of, persona, staff_b):
    post_upload(client_of(persona("community")), [synthetic_row(1, GRID_A)])
    job = ImportJob.objects.get()
    client = client_of(staff_b)
    for name in ("io_job", "io_job_problems"):
        assert client.get(reverse(f"registry:{name}", args=[job.pk])).status_code == 404
    for name in ("io_job_choose", "io_job_resume", "io_job_discard"):
        response = client.post(reverse(f"registry:{name}", args=[job.pk]), {"mode": "valid"})
        assert response.status_code == 404
    job.refresh_from_db()
    assert job.state == ImportState.VALIDATING


def test_templates_download_for_every_kind(client_of, persona):
    client = client_of(persona("community"))
    for kind in ("people", "households", "buildings", "organisations"):
        response = client.get(reverse("registry:io_template", args=[kind]))
        workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert workbook.worksheets[0]["A1"].value in ("name", "household")
    assert client.get(reverse("registry:io_template", args=["nothing"])).status_code == 404


# --- Exports ------------------------------------------------------------------------------


@pytest.fixture
def two_people(register):
    return [register(1, name="张三"), register(2, name="李四")]


def export(client, **data):
    form = {"area": "", "format": "xlsx", "purpose": "assistance", **data}
    return client.post(reverse("registry:io_export_people"), form)


def test_people_export_is_masked_watermarked_and_logged(client_of, persona, region, two_people):
    client = client_of(persona("community"))
    area = region(COMMUNITY_A)
    response = export(client, area=area.pk)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    watermark = rows[0][0]
    assert "exported by" in watermark and "Do not pass it on" in watermark
    assert workbook.properties.description == watermark
    assert rows[-1][0] == watermark
    body = "\n".join(str(v) for row in rows for v in row)
    assert id_number(1) not in body and phone(1) not in body
    assert "9901**********" in body
    log = PersonalDataAccess.objects.get(kind="export")
    assert log.count == 2 and log.watermark == watermark[:300]


def test_people_export_csv_with_bom_and_revealed_numbers(client_of, persona, region, two_people):
    client = client_of(persona("community"))
    response = export(
        client, area=region(COMMUNITY_A).pk, format="csv", reveal=["id_number", "phone"]
    )
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert "exported by" in rows[0][0]
    assert id_number(1) in {cell for row in rows for cell in row}
    assert PersonalDataAccess.objects.get(kind="export").field == "id_number,phone"


def test_people_export_needs_the_export_duty(client_of, persona, region, two_people, staff_b):
    response = export(client_of(persona("gridworker")), area=region(GRID_A).pk)
    assert response.status_code == 403  # a grid worker reads, but does not export
    response = export(client_of(staff_b), area=region(COMMUNITY_A).pk)
    assert response.status_code == 400 and b"Choose an area of yours" in response.content
    response = export(client_of(persona("community")), area=region(COMMUNITY_A).pk, purpose="")
    assert response.status_code == 400
    assert not PersonalDataAccess.objects.exists()


def test_statistics_per_grid_with_visible_care_tags(client_of, persona, region, two_people):
    client = client_of(persona("community"))
    url = reverse("registry:io_export_statistics")
    response = client.get(url, {"area": region(COMMUNITY_A).pk, "format": "csv"})
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    header, by_code = rows[1], {row[0]: row for row in rows[2:]}
    assert by_code[GRID_A][header.index("People")] == "2"
    assert rows[-1][header.index("People")] == "2"  # the total
    assert "Low income (低保/低收入)" in header
    response = client.get(url, {"area": region(COMMUNITY_A).pk, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    gridworker = client_of(persona("gridworker"))
    response = gridworker.get(url, {"area": region(GRID_A).pk, "format": "csv"})
    header = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )[1]
    assert "Low income (低保/低收入)" not in header
    # Outside the viewer's area, and bad dates.
    assert gridworker.get(url, {"area": region(COMMUNITY_A).pk}).status_code == 400
    response = client.get(url, {"area": region(COMMUNITY_A).pk, "day": "2999-01-01"})
    assert response.status_code == 400
    assert client_of(persona("resident")).get(url).status_code == 403
