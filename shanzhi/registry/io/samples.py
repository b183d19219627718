"""Synthetic people sheets for the tests and ``bench/import.py``: clearly not real people.

ID numbers use the demo district's division 990101 (no province has code 99), so no
number can be a real person's; they are valid in form (check character per GB 11643).
"""

from __future__ import annotations

from datetime import date, timedelta

from openpyxl import Workbook

from shanzhi.lib import idcard
from shanzhi.registry.io.columns import PEOPLE

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
DIVISION = "990101"


def synthetic_id(n: int) -> str:
    """The n-th synthetic ID number (n from 0 to about 9 million): born between 1940
    and 2010, odd sequence for men and even for women."""
    born = date(1940, 1, 1) + timedelta(days=(n // 998) % 25_500)
    first17 = f"{DIVISION}{born:%Y%m%d}{n % 998 + 1:03d}"
    return first17 + idcard.check_char(first17)


def synthetic_row(n: int, grid_code: str, *, household_size: int = 0) -> dict:
    row = {
        "name": SURNAMES[n % len(SURNAMES)] + GIVEN[(n // 7) % len(GIVEN)] + GIVEN[n % 23],
        "id_number": synthetic_id(n),
        "ethnicity": "01",
        "registration_type": "floating" if n % 5 == 0 else "registered",
        "registered_address": f"示范区示范路{n % 300 + 1}号（虚构）",
        "current_address": f"示范区和谐路{n % 500 + 1}号{n % 6 + 1}室（虚构）",
        "phone": f"1990{n % 10_000_000:07d}",
        "grid": grid_code,
        "valid_from": "2025-01-01",
    }
    if n % 5 == 0:
        row["lives_at_registration"] = "no"
    if household_size:
        row["household"] = f"S{n // household_size:07d}"
        row["relation"] = "head" if n % household_size == 0 else "child"
    return row


def write_people_sheet(path, rows, *, like_excel: bool = False) -> None:
    """Write ``rows`` (dicts by column key) as a people template sheet: streaming (text
    stored in each cell), or ``like_excel``, with text in a shared table as Excel and
    WPS save it (held in memory while writing; much faster to read)."""
    workbook = Workbook(write_only=not like_excel)
    if like_excel:
        workbook.remove(workbook.active)
    sheet = workbook.create_sheet("people")
    sheet.append([c.key for c in PEOPLE])
    sheet.append([str(c.label) for c in PEOPLE])
    for values in rows:
        sheet.append([values.get(c.key) for c in PEOPLE])
    workbook.save(path)
