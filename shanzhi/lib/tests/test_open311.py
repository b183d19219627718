import json
from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest

from shanzhi.lib import open311

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31T08:00:00Z", datetime(2026, 1, 31, 8, tzinfo=UTC)),
        ("2026-01-31T08:00:00+08:00", datetime(2026, 1, 31, 0, tzinfo=UTC)),
        ("2026-01-31T08:00+08:00", datetime(2026, 1, 31, 0, tzinfo=UTC)),
        ("2026-01-31T08:00:00.25-05:00", datetime(2026, 1, 31, 13, 0, 0, 250000, tzinfo=UTC)),
        ("2026-01-31", datetime(2026, 1, 30, 16, tzinfo=UTC)),  # the day begins in CST
        (" 2026-01-31 ", datetime(2026, 1, 30, 16, tzinfo=UTC)),
    ],
)
def test_w3c_dates_and_times(text, expected):
    parsed = open311.parse_w3c(text, CST)
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "yesterday",
        "2026-01-31T08:00:00",  # no zone: ambiguous
        "2026-13-01",
        "2026-02-30",
        "2026-01-31T25:00:00Z",
        "2026/01/31",
        "2026-01-31 08:00:00Z",
        "20260131",
        "2026-01-31T08:00:00+0800",
    ],
)
def test_malformed_dates_are_refused(text):
    with pytest.raises(open311.NotW3CDate):
        open311.parse_w3c(text, CST)


def test_format_w3c_gives_seconds_and_the_zone_offset():
    assert open311.format_w3c(datetime(2026, 1, 31, 0, 0, 7, 999, tzinfo=UTC), CST) == (
        "2026-01-31T08:00:07+08:00"
    )
    assert open311.format_w3c(None, CST) is None


def test_window_defaults_to_the_last_90_days():
    assert open311.window(None, None, NOW) == (NOW - timedelta(days=90), NOW)


def test_window_from_one_end():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert open311.window(start, None, NOW) == (start, start + timedelta(days=90))
    assert open311.window(None, start, NOW) == (start - timedelta(days=90), start)


def test_window_of_exactly_90_days_is_allowed_and_one_second_more_is_not():
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=90)
    assert open311.window(start, end, NOW) == (start, end)
    with pytest.raises(open311.WindowTooLong):
        open311.window(start, end + timedelta(seconds=1), NOW)


def test_window_that_ends_before_it_starts_is_refused():
    start = datetime(2026, 1, 2, tzinfo=UTC)
    with pytest.raises(open311.WindowReversed):
        open311.window(start, start - timedelta(days=1), NOW)


def test_comma_list_strips_and_drops_empty_items_and_repeats():
    assert open311.comma_list(" open, closed,,open ") == ["open", "closed"]
    assert open311.comma_list("") == [] and open311.comma_list(None) == []


@pytest.mark.parametrize(
    ("first", "last", "name"),
    [
        ("芳", "王", "王芳"),
        (" 小明 ", "欧阳", "欧阳小明"),
        ("John", "Smith", "John Smith"),
        ("", "王", "王"),
        ("Ann", "", "Ann"),
        ("", "", ""),
    ],
)
def test_person_name(first, last, name):
    assert open311.person_name(first, last) == name


DOCUMENT = [
    {
        "service_code": "0604",
        "service_name": "道路破损",
        "metadata": True,
        "keywords": None,
        "attributes": [{"code": "kind", "values": [{"key": "help", "name": "求助"}]}],
    }
]


def test_xml_follows_the_element_names_of_the_standard():
    data = open311.to_xml("services", DOCUMENT)
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<services>')
    root = ET.fromstring(data)  # noqa: S314 (our own output)
    service = root.find("service")
    assert service.findtext("service_code") == "0604"
    assert service.findtext("service_name") == "道路破损"
    assert service.findtext("metadata") == "true"
    assert service.find("keywords").text is None  # an empty element for a missing value
    value = service.find("attributes/attribute/values/value")
    assert (value.findtext("key"), value.findtext("name")) == ("help", "求助")


def test_json_is_the_spark_mapping_of_the_xml():
    assert json.loads(open311.to_json(DOCUMENT)) == DOCUMENT
    assert "道路破损".encode() in open311.to_json(DOCUMENT)  # UTF-8, not \\u escapes


def test_xml_escapes_markup_and_replaces_characters_xml_cannot_carry():
    data = open311.to_xml("errors", [{"code": 400, "description": "<script>&\x07"}])
    root = ET.fromstring(data)  # noqa: S314 (our own output; well-formed)
    assert root.findtext("error/description") == "<script>&\ufffd"
    assert root.findtext("error/code") == "400"


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (32.08966, "32.08966"),
        (118.7021, "118.7021"),
        (1e-05, "0.00001"),
        (-90.0, "-90.0"),
        (7, "7"),
    ],
)
def test_numbers_in_xml_are_decimals(number, text):
    root = ET.fromstring(open311.to_xml("errors", [{"code": number}]))  # noqa: S314 (our own output)
    assert root.findtext("error/code") == text
