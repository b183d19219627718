"""Parsing what the office types: the people of a group visit, one a line."""

from shanzhi.petitions.forms import parse_people
from shanzhi.petitions.tests.conftest import ID_A


def test_people_are_read_one_a_line_with_an_optional_id_number():
    people = parse_people(f"张三 {ID_A}\n\n李四，11010119800101001x\n王 五\n")
    assert [(p.name, p.id_number) for p in people] == [
        ("张三", ID_A),
        ("李四", "11010119800101001x"),
        ("王 五", ""),
    ]
    assert parse_people("") == []
