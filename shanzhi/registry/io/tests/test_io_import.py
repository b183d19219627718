"""Imports: refused files, the template's round trip, resuming an interrupted import,
a row that became invalid while importing, and the other kinds of sheet."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from shanzhi.registry.io import runner
from shanzhi.registry.io.actions import (
    do_choose_import_mode,
    do_discard_import,
    do_resume_import,
    do_start_import,
)
from shanzhi.registry.io.models import ImportJob, ImportState
from shanzhi.registry.io.samples import synthetic_id, synthetic_row
from shanzhi.registry.io.workbook import build_template
from shanzhi.registry.models import Building, Household, Organisation, Person
from shanzhi.registry.tests.conftest import GRID_A, GRID_B

from .conftest import sheet_bytes, upload


def start(persona, content, kind="people", name="sheet.xlsx", who="community"):
    return do_start_import(actor=persona(who), kind=kind, upload=upload(content, name))


def checked(persona, rows, kind="people", **extra):
    job = start(persona, sheet_bytes(kind, rows), kind=kind, **extra)
    assert runner.run(job.pk) == ImportState.AWAITING_CHOICE
    job.refresh_from_db()
    return job


def people_rows(count, start_at=0, grid=GRID_A):
    return [synthetic_row(n, grid) for n in range(start_at, start_at + count)]


def macro_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/vbaProject.bin", b"\x00" * 10)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        (b"name,id\n1,2\n", "people.xlsx", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "people.xls", "old Excel file"),
        (macro_workbook(), "people.xlsx", "macros"),
        (b"PK\x03\x04", "people.xlsm", "Macro-enabled"),
        (b"", "people.xlsx", "empty"),
    ],
)
def test_malformed_files_are_refused_at_upload(persona, content, name, reason):
    with pytest.raises(ValidationError, match=reason):
        start(persona, content, name=name)
    assert not ImportJob.objects.exists()


def test_oversize_file_is_refused(persona, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        start(persona, sheet_bytes("people", people_rows(50)))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: sheet_bytes("buildings", [{"name": "1号楼"}]), "does not match the template"),
        (lambda: sheet_bytes("people", []), "no rows to import"),
        (
            lambda: sheet_bytes("people", [{"name": "x"}], extra_headers=["备注"]),
            "does not match",
        ),
    ],
)
def test_wrong_or_empty_sheets_fail_with_the_reason(persona, make, reason):
    job = start(persona, make())
    assert runner.run(job.pk) == ImportState.FAILED
    job.refresh_from_db()
    assert reason in job.message
    assert not job.may_resume and not job.file


def test_too_many_rows_are_refused(persona, settings):
    settings.REGISTRY_IMPORT_MAX_ROWS = 20
    job = start(persona, sheet_bytes("people", people_rows(21)))
    assert runner.run(job.pk) == ImportState.FAILED
    job.refresh_from_db()
    assert "more than 20 rows" in job.message


def test_template_round_trip(persona):
    """The downloaded template, filled in (headers as they are), imports."""
    workbook = load_workbook(io.BytesIO(build_template("people")))
    sheet = workbook.worksheets[0]
    assert sheet.row_dimensions[1].hidden
    keys = [c.value for c in sheet[1]]
    for n in range(3):
        values = synthetic_row(900 + n, GRID_A)
        sheet.append([values.get(k) for k in keys])
    assert workbook.sheetnames[1] == "Notes"
    assert sheet.data_validations.dataValidation  # drop-down lists
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = start(persona, buffer.getvalue())
    assert runner.run(job.pk) == ImportState.AWAITING_CHOICE
    job.refresh_from_db()
    assert (job.total_rows, job.error_rows) == (3, 0)
    do_choose_import_mode(job, "all", actor=persona("community"))
    assert runner.run(job.pk) == ImportState.DONE
    assert Person.objects.with_id_number(synthetic_id(901)).exists()


def test_header_row_without_the_key_row_is_recognised(persona):
    job = checked(persona, people_rows(2), name="nokeys.xlsx")
    assert job.total_rows == 2
    job = start(persona, sheet_bytes("people", people_rows(2, 10), key_row=False))
    assert runner.run(job.pk) == ImportState.AWAITING_CHOICE


def test_resume_after_an_interruption_writes_every_row_once(persona):
    job = checked(persona, people_rows(230))
    do_choose_import_mode(job, "all", actor=persona("community"))
    # The worker stops after two batches of 50 (as if the server restarted).
    assert runner.run(job.pk, max_batches=2) == ImportState.IMPORTING
    job.refresh_from_db()
    assert job.rows_done == 100 and Person.objects.filter(pk__gt=0).count() >= 100
    with pytest.raises(ValidationError, match="not interrupted"):
        do_resume_import(job, actor=persona("community"))
    assert runner.run(job.pk) == ImportState.IMPORTING  # still claimed: a second run waits
    ImportJob.objects.filter(pk=job.pk).update(heartbeat=timezone.now() - timedelta(hours=1))
    job.refresh_from_db()
    assert job.is_stalled()
    do_resume_import(job, actor=persona("community"))
    assert runner.run(job.pk) == ImportState.DONE
    job.refresh_from_db()
    assert (job.rows_done, job.written, job.skipped) == (230, 230, 0)
    for n in range(230):
        assert Person.objects.with_id_number(synthetic_id(n)).count() == 1


def test_a_row_taken_meanwhile_stops_all_or_nothing_and_is_left_out_on_request(persona, register):
    job = checked(persona, people_rows(120))
    # Someone registers the person of row 80 after the check.
    register(1, name="抢先", id_number=synthetic_id(77))
    do_choose_import_mode(job, "all", actor=persona("community"))
    assert runner.run(job.pk) == ImportState.FAILED
    job.refresh_from_db()
    assert job.rows_done == 50  # the first batch; nothing of the failed one
    assert "Row 80" in job.message and job.may_resume
    assert not Person.objects.with_id_number(synthetic_id(60)).exists()
    do_resume_import(job, actor=persona("community"), mode="valid")
    assert runner.run(job.pk) == ImportState.DONE
    job.refresh_from_db()
    assert (job.written, job.skipped) == (119, 1)
    assert job.issues.filter(row=80).exists()


def test_discard_drops_the_file_and_writes_nothing(persona):
    job = checked(persona, people_rows(3))
    do_discard_import(job, actor=persona("community"))
    job.refresh_from_db()
    assert job.state == ImportState.CANCELLED and not job.file
    with pytest.raises(ValidationError):
        do_choose_import_mode(job, "all", actor=persona("community"))


def test_rows_outside_the_importers_area_are_errors(persona):
    job = checked(persona, people_rows(2) + people_rows(1, 50, grid=GRID_B))
    assert job.error_rows == 1
    assert "outside your area" in job.issues.get().message


def test_grid_workers_do_not_import(persona):
    with pytest.raises(PermissionDenied):
        start(persona, sheet_bytes("people", people_rows(1)), who="gridworker")


def test_buildings_and_organisations_import_through_the_actions(persona):
    buildings = [
        {"name": "1号楼", "address": "导入路1号", "grid": GRID_A, "floors": 6, "use": "住宅"},
        {"name": "2号楼", "address": "导入路2号", "grid": GRID_A, "floors": "abc"},
        {"name": "1号楼", "address": "导入路１号", "grid": GRID_A},
    ]
    job = checked(persona, buildings, kind="buildings")
    assert dict(job.issues.values_list("row", "column")) == {4: "floors", 5: "address"}
    do_choose_import_mode(job, "valid", actor=persona("community"))
    assert runner.run(job.pk) == ImportState.DONE
    assert Building.objects.filter(address="导入路1号", floors=6).exists()

    organisations = [
        {
            "name": "示范科技公司",
            "kind": "enterprise",
            "grid": GRID_A,
            "uscc": "91990101MA00000000",
        },
        {"name": "示范协会", "kind": "社会组织", "grid": GRID_A, "contact_phone": "13900001111"},
    ]
    job = checked(persona, organisations, kind="organisations")
    assert job.issues.filter(row=3, column="uscc").exists()  # wrong check character
    do_choose_import_mode(job, "valid", actor=persona("community"))
    runner.run(job.pk)
    created = Organisation.objects.get(name="示范协会")
    assert created.contact_phone == "13900001111" and created.kind == "social_org"


def test_households_of_registered_people(persona, register):
    people = [register(n, name=f"成员{n}") for n in (1, 2, 3, 4)]
    numbers = [p.reveal_id_number() for p in people]
    rows = [
        {"household": "H1", "grid": GRID_A, "id_number": numbers[1], "relation": "child"},
        {"household": "H1", "grid": GRID_A, "id_number": numbers[0], "relation": "户主"},
        {"household": "H2", "grid": GRID_A, "id_number": numbers[2], "relation": "spouse"},
        {"household": "H3", "grid": GRID_A, "id_number": numbers[0], "relation": "head"},
        {"household": "H4", "grid": GRID_A, "id_number": synthetic_id(5555), "relation": "head"},
    ]
    job = checked(persona, rows, kind="households")
    issues = dict(job.issues.values_list("row", "column"))
    assert issues == {5: "relation", 6: "household", 7: "id_number"}
    assert "no head" in job.issues.get(row=5).message
    do_choose_import_mode(job, "valid", actor=persona("community"))
    assert runner.run(job.pk) == ImportState.DONE
    household = Household.objects.get(number="H1")
    assert household.head == people[0]
    assert household.current_members().count() == 2
