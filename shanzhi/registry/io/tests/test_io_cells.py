"""Reading cells and writing safe cells, without the database."""

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from shanzhi.registry.io import columns, sheets
from shanzhi.registry.models import Relation, Sex

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("2025/3/1", date(2025, 3, 1)),
        ("2025年3月1日", date(2025, 3, 1)),
        ("20250301", date(2025, 3, 1)),
        (datetime(2025, 3, 1, 8, 0), date(2025, 3, 1)),
        ("", None),
        (None, None),
    ],
)
def test_dates(value, expected):
    assert columns.parse_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2026-03-02", "future"),
        ("2025-02-30", "not a valid date"),
        (45000, "A number"),
        ("soon", "not a date"),
    ],
)
def test_bad_dates(value, reason):
    with pytest.raises(columns.CellError, match=reason):
        columns.parse_date(value, today=TODAY)


def test_coded_values_by_code_or_label_in_either_language():
    assert columns.parse_choice("男", Sex) == Sex.MALE
    assert columns.parse_choice("2", Sex) == Sex.FEMALE
    assert columns.parse_choice("Female", Sex) == Sex.FEMALE
    assert columns.parse_choice("户主", Relation) == Relation.HEAD
    assert columns.parse_choice("01 Han", columns.Ethnicity) == "01"
    assert columns.parse_choice("1", columns.Ethnicity) == "01"
    assert columns.parse_yes_no("否") is False
    with pytest.raises(columns.CellError, match="not one of the values"):
        columns.parse_choice("martian", Sex)


def test_id_numbers_typed_as_numbers_are_refused():
    with pytest.raises(columns.CellError, match="15 digits"):
        columns.id_text(990101198001010011)
    assert columns.id_text(" 99010119800101001x ") == "99010119800101001x"


def test_header_matching_in_either_language_and_with_marks():
    keys = [c.key for c in columns.PEOPLE]
    assert columns.match_header(keys, columns.PEOPLE)["grid"] == keys.index("grid")
    labels = [str(c.label) + " *" for c in columns.PEOPLE]
    assert columns.match_header(labels, columns.PEOPLE) is not None
    assert columns.match_header(["name", "surname"], columns.PEOPLE) is None


def test_written_text_never_becomes_a_formula(tmp_path):
    workbook = sheets.new_workbook(title="t", description="watermark")
    sheet = workbook.create_sheet("s")
    sheets.append(sheet, ["=1+1", "@SUM(A1)", 3])
    workbook.save(tmp_path / "t.xlsx")
    cells = next(load_workbook(tmp_path / "t.xlsx").worksheets[0].iter_rows())
    assert [c.data_type for c in cells] == ["s", "s", "n"]
    assert sheets.csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert sheets.csv_safe("-3") == "'-3" and sheets.csv_safe("张三") == "张三"
    writer = sheets.CsvWriter()
    assert writer.bom() == b"\xef\xbb\xbf"
    assert writer.line(["a,b", 1]) == b'"a,b",1\r\n'


def test_formulas_are_flagged_not_evaluated(tmp_path):
    workbook = sheets.new_workbook()
    sheet = workbook.create_sheet("s")
    sheet.append(["name", "=1+1"])
    workbook.save(tmp_path / "f.xlsx")
    rows = list(sheets.read_rows(tmp_path / "f.xlsx", limits=sheets.Limits()))
    assert rows[0][1][1] == sheets.Cell("=1+1", formula=True)
