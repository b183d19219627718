"""The acceptance test of spreadsheet imports: 10,000 rows of people with a handful of bad
rows report exactly those rows (and columns), and import nothing (all or nothing) or
exactly the valid rows (valid rows only), as the importer chooses."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from shanzhi.core.models import AuditEvent
from shanzhi.registry.io import runner
from shanzhi.registry.io.actions import do_choose_import_mode, do_start_import
from shanzhi.registry.io.models import ImportState
from shanzhi.registry.io.samples import synthetic_id, synthetic_row, write_people_sheet
from shanzhi.registry.models import Household, HouseholdMember, Person, PersonRecord
from shanzhi.registry.tests.conftest import GRID_A, GRID_A2

from .conftest import upload

ROWS = 10_000
FIRST = 3  # data starts on the third row (hidden key row, header)


def excel_row(index: int) -> int:
    return FIRST + index


def bad_sheet(tmp_path) -> tuple[bytes, dict[int, str]]:
    """10,000 rows (households of four in the first 400), with bad rows planted; returns
    the file and the expected problems as {Excel row: column}."""
    rows = [
        synthetic_row(n, GRID_A if n % 2 else GRID_A2, household_size=4 if n < 400 else 0)
        for n in range(ROWS)
    ]
    for row in rows[:400]:  # a household lives in one grid
        row["grid"] = GRID_A
    expected = {}
    # A wrong check character.
    wrong = rows[1000]["id_number"]
    rows[1000]["id_number"] = wrong[:17] + ("0" if wrong[17] != "0" else "1")
    expected[excel_row(1000)] = "id_number"
    # A date in the future.
    rows[2000]["valid_from"] = (timezone.localdate() + timedelta(days=3)).isoformat()
    expected[excel_row(2000)] = "valid_from"
    # A grid that does not exist.
    rows[3000]["grid"] = "990101009009009"
    expected[excel_row(3000)] = "grid"
    # The same person twice.
    rows[4000]["id_number"] = rows[3999]["id_number"]
    expected[excel_row(4000)] = "id_number"
    # A person of household S0000001 (rows 4–7) again, in another household.
    rows[5000].update(id_number=rows[5]["id_number"], household="S9999999", relation="child")
    expected[excel_row(5000)] = "household"
    # A formula.
    rows[6000]["phone"] = "=CONCAT(1390000,1234)"
    expected[excel_row(6000)] = "phone"
    path = tmp_path / "people.xlsx"
    write_people_sheet(path, rows)
    return path.read_bytes(), expected


@pytest.fixture
def checked(persona, tmp_path, settings, register):
    """The bad sheet uploaded and checked, plus one person of it registered already."""
    settings.REGISTRY_IMPORT_BATCH = 2000
    content, expected = bad_sheet(tmp_path)
    already = register(1, name="已登记", id_number=synthetic_id(7000))
    expected[excel_row(7000)] = "id_number"
    job = do_start_import(
        actor=persona("community"), kind="people", upload=upload(content, "people-10k.xlsx")
    )
    assert runner.run(job.pk) == ImportState.AWAITING_CHOICE
    job.refresh_from_db()
    return job, expected, already


def test_reports_exactly_the_bad_rows_and_columns(checked):
    job, expected, _already = checked
    assert job.total_rows == ROWS
    found = {}
    for row, column in job.issues.values_list("row", "column"):
        found.setdefault(row, column)
    assert found == expected
    assert job.error_rows == len(expected)
    messages = dict(job.issues.values_list("row", "message"))
    assert "check character" in messages[excel_row(1000)]
    assert "future" in messages[excel_row(2000)]
    assert "990101009009009" in messages[excel_row(3000)]
    assert f"row {excel_row(3999)}" in messages[excel_row(4000)]
    assert "one household at a time" in messages[excel_row(5000)]
    assert "formula" in messages[excel_row(6000)]
    assert "already registered" in messages[excel_row(7000)]


def test_all_or_nothing_imports_nothing(checked, persona):
    job, _expected, _already = checked
    people_before = Person.objects.count()
    with pytest.raises(ValidationError, match="rows have errors"):
        do_choose_import_mode(job, "all", actor=persona("community"))
    job.refresh_from_db()
    assert job.state == ImportState.AWAITING_CHOICE
    assert runner.run(job.pk) == ImportState.AWAITING_CHOICE  # nothing to run
    assert Person.objects.count() == people_before


def test_valid_rows_only_imports_exactly_the_valid_rows(checked, persona):
    job, expected, already = checked
    people_before = Person.objects.count()
    events_before = AuditEvent.objects.count()
    do_choose_import_mode(job, "valid", actor=persona("community"))
    assert runner.run(job.pk) == ImportState.DONE
    job.refresh_from_db()
    valid = ROWS - len(expected)
    assert (job.written, job.skipped, job.rows_done) == (valid, len(expected), ROWS)
    assert Person.objects.count() == people_before + valid
    imported = PersonRecord.objects.filter(valid_to__isnull=True).exclude(person=already)
    assert imported.filter(path__startswith=already.path[:6]).count() >= valid
    # Every valid row is there, every bad row is not.
    for index in (0, 999, 3999, 9999):
        assert Person.objects.with_id_number(synthetic_id(index)).exists()
    assert not Person.objects.with_id_number(synthetic_id(1000)).exists()
    assert not Person.objects.with_id_number(synthetic_id(2000)).exists()
    # Households of four, each with one head.
    households = Household.objects.filter(number__startswith="S")
    assert households.count() == 100
    assert HouseholdMember.objects.filter(household__in=households, relation="head").count() == 100
    assert HouseholdMember.objects.filter(household__in=households).count() == 400
    # Stored like a registration: encrypted, indexed, masked.
    person = Person.objects.with_id_number(synthetic_id(42)).get()
    assert person.reveal_id_number() == synthetic_id(42)
    assert synthetic_id(42) not in person.id_number_encrypted
    assert person.id_number_masked.startswith("9901") and "*" in person.id_number_masked
    record = person.current_record
    assert record.phone == synthetic_row(42, GRID_A)["phone"]
    # One audit event per batch of 2,000 rows, and one for the end.
    events = AuditEvent.objects.filter(seq__gt=events_before)
    assert events.filter(action="registry.import.people").count() == ROWS // 2000
    assert events.filter(action="registry.import.done").count() == 1
    assert not job.file  # the upload is deleted once done
