"""Fixtures for the import and export tests: the registry's personas and helpers, a
private media directory per test, and sheets built from rows of values."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from shanzhi.registry.io.columns import COLUMNS
from shanzhi.registry.tests.conftest import (  # noqa: F401
    _english,
    client_of,
    grid,
    make_user,
    register,
    staff_b,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REGISTRY_IMPORT_BATCH = 50


def sheet_bytes(kind: str, rows: list[dict], *, key_row=True, extra_headers=()) -> bytes:
    """An .xlsx shaped like the template: key row, header row, then ``rows`` (dicts by
    column key; a value starting with "=" is written as a formula)."""
    columns = COLUMNS[kind]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    if key_row:
        sheet.append([c.key for c in columns])
    sheet.append([str(c.label) for c in columns] + list(extra_headers))
    for values in rows:
        sheet.append([values.get(c.key) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "people.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")
