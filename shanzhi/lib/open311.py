"""Pure pieces of Open311 GeoReport v2: its date-time format (the W3C note on ISO 8601),
the 90-day window of a requests query, comma-separated lists, requesters' names, and a
document in its two forms, XML and JSON.

JSON follows the XML by the standard's "Spark convention": the root element disappears,
a list element becomes an array of its children (``<services><service>…`` → ``[{…}]``),
an element with children becomes an object, an empty element ``null``.
"""

import json
import re
from datetime import date, datetime, time, timedelta, tzinfo
from xml.etree import ElementTree as ET

MAX_WINDOW = timedelta(days=90)

# Elements that hold a list, and the name of each item in it.
LIST_ITEMS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "errors": "error",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# YYYY-MM-DDThh:mm, optional seconds and fraction, and a zone: Z or ±hh:mm (W3C note).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})")
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class NotW3CDate(ValueError):
    """Not a date or a date and time with a zone in the W3C format."""


class WindowReversed(ValueError):
    """The end of the window lies before its start."""


class WindowTooLong(ValueError):
    """The window spans more than 90 days."""


def parse_w3c(value: str, zone: tzinfo) -> datetime:
    """A W3C date (``2026-01-31``, the start of that day in ``zone``) or date and time
    with its zone (``2026-01-31T08:00:00+08:00``, ``…Z``) as an aware datetime. A time
    without a zone is ambiguous and refused, as the standard requires the zone."""
    value = (value or "").strip()
    try:
        if _DATE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=zone)
        if _DATETIME.fullmatch(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass  # a month 13, a day 32, an hour 25 …
    raise NotW3CDate(value)


def format_w3c(moment: datetime | None, zone: tzinfo) -> str | None:
    """``2026-01-31T08:00:00+08:00``: seconds, and the offset of ``zone``."""
    if moment is None:
        return None
    return moment.astimezone(zone).isoformat(timespec="seconds")


def window(
    start: datetime | None, end: datetime | None, now: datetime, span: timedelta = MAX_WINDOW
) -> tuple[datetime, datetime]:
    """The instants a requests query covers: both ends as given (at most ``span`` apart),
    ``span`` from the one given, or the last ``span`` up to ``now``."""
    if start is not None and end is not None:
        if end < start:
            raise WindowReversed
        if end - start > span:
            raise WindowTooLong
        return start, end
    if start is not None:
        return start, start + span
    if end is not None:
        return end - span, end
    return now - span, now


def comma_list(value: str | None) -> list[str]:
    """``"a, b,,a"`` → ``["a", "b"]``: items stripped, empty ones and repeats dropped."""
    seen = []
    for item in (value or "").split(","):
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def person_name(first: str, last: str) -> str:
    """A requester's name from the standard's given and family names: family name first
    and no space for Chinese names (王 + 芳 → 王芳), "given family" otherwise."""
    first, last = (first or "").strip(), (last or "").strip()
    if _CJK.search(first + last):
        return last + first
    return " ".join(part for part in (first, last) if part)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)  # the shortest spelling that reads back the same
        if "e" in text:  # XML Schema's decimals have no exponent: 1e-05 → 0.00001
            text = f"{value:.20f}".rstrip("0").rstrip(".")
        return text
    return _NOT_XML.sub("\ufffd", str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for name, child in value.items():
            _fill(ET.SubElement(element, name), child)
    elif isinstance(value, list | tuple):
        item = LIST_ITEMS[element.tag]
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    """The document as UTF-8 XML with its declaration, ``root`` its root element."""
    element = ET.Element(root)
    _fill(element, value)
    body = ET.tostring(element, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def to_json(value) -> bytes:
    """The same document as UTF-8 JSON (Spark convention: the root element is dropped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
