"""Writing exports: people lists (through ``do_export_people``, which checks the role,
logs the export and gives the watermark) and statistics per grid or community, to .xlsx
and CSV; and the copy of an uploaded sheet with its problems in an extra column.

Sheets are written with openpyxl's write-only mode into a temporary file, so memory stays
flat however many rows; CSV is streamed line by line.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font, PatternFill

from shanzhi.org.models import Level, Region, attach_ancestors
from shanzhi.registry.access import care_kinds_at
from shanzhi.registry.io import sheets
from shanzhi.registry.io.columns import COLUMNS, text
from shanzhi.registry.io.rows import sheet_rows
from shanzhi.registry.models import (
    CareTag,
    CareTagKind,
    Dwelling,
    PersonRecord,
    RegistrationType,
    Sex,
)

WATERMARK_FONT = Font(bold=True, color="C00000")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def spooled() -> tempfile.SpooledTemporaryFile:
    return tempfile.SpooledTemporaryFile(max_size=8 * 2**20, suffix=".xlsx")


def _export_values(export, row: dict) -> list:
    values = []
    for key in ("name", "sex", "birth_date", "id_number", "phone", "ethnicity"):
        values.append(row[key])
    values.append(row["registration_type"])
    values.append(_("Yes") if row["lives_at_registration"] else _("No"))
    values += [row["registered_address"], row["current_address"], row["grid"]]
    return values


def people_xlsx(export, *, title: str):
    """The export as a workbook in a temporary file (rewound); the watermark is the
    first row of the sheet and in the file's properties."""
    workbook = sheets.new_workbook(
        title=title, subject=export.watermark, description=export.watermark, creator=title
    )
    sheet = workbook.create_sheet(_("People")[:31])
    sheets.append(sheet, [export.watermark], style=WATERMARK_FONT)
    sheets.append(sheet, export.headers(), style=Font(bold=True))
    for row in export.rows():
        sheets.append(sheet, _export_values(export, row))
    sheets.append(sheet, [export.watermark], style=WATERMARK_FONT)
    out = spooled()
    workbook.save(out)
    out.seek(0)
    return out


def people_csv(export):
    writer = sheets.CsvWriter()
    yield writer.bom()
    yield writer.line([export.watermark])
    yield writer.line(export.headers())
    for row in export.rows():
        yield writer.line(_export_values(export, row))


# --- Statistics -------------------------------------------------------------------------

AGE_BANDS = ((0, 6), (7, 17), (18, 34), (35, 59), (60, 79), (80, None))


def band_label(low, high) -> str:
    if high is None:
        return _("Aged %(low)d+") % {"low": low}
    return _("Aged %(low)d–%(high)d") % {"low": low, "high": high}


@dataclass
class Statistics:
    day: date
    area: Region
    headers: list[str]
    rows: list[list]


def _units(area: Region) -> tuple[str, list[Region]]:
    """Grids of a community (or neighbourhood, or the grid itself); communities of a
    street or district."""
    below = Region.objects.active().within(area).defer("geometry").order_by("code")
    if area.level in (Level.DISTRICT, Level.STREET):
        return Level.COMMUNITY, list(below.filter(level=Level.COMMUNITY))
    return Level.GRID, list(below.filter(level=Level.GRID))


def statistics(area: Region, user, day: date) -> Statistics:
    """Counts of the people living in ``area`` on ``day`` (as the registry has them
    now), per grid or per community: sex, age band, registration, 人户一致, rented
    dwellings, and the care tags the viewer's duty covers."""
    level, units = _units(area)
    kinds = [k for k in CareTagKind.values if k in care_kinds_at(user, area.path)]
    people = PersonRecord.objects.as_of(day).in_area(area)
    counts = {
        "total": Count("pk"),
        "male": Count("pk", filter=Q(person__sex=Sex.MALE)),
        "female": Count("pk", filter=Q(person__sex=Sex.FEMALE)),
        "not_here": Count("pk", filter=Q(lives_at_registration=False)),
    }
    for value in RegistrationType.values:
        counts[f"reg_{value}"] = Count("pk", filter=Q(registration_type=value))
    for low, high in AGE_BANDS:
        born = Q(person__birth_year__lte=day.year - low)
        if high is not None:
            born &= Q(person__birth_year__gte=day.year - high)
        counts[f"age_{low}"] = Count("pk", filter=born)
    by_grid = {r.pop("grid_id"): r for r in people.values("grid_id").annotate(**counts)}
    rentals = dict(
        Dwelling.objects.active()
        .rentals()
        .in_area(area)
        .values_list("grid_id")
        .annotate(n=Count("pk"))
    )
    tags = defaultdict(dict)
    for grid_id, kind, n in (
        CareTag.objects.as_of(day)
        .in_area(area)
        .filter(kind__in=kinds)
        .values_list("person__grid_id", "kind")
        .annotate(n=Count("pk"))
    ):
        tags[grid_id][kind] = n
    # Records carry their own grid; tags are counted by the person's current grid.
    grids = Region.objects.filter(pk__in=set(by_grid) | set(rentals) | set(tags)).defer("geometry")
    attach_ancestors(grids)
    owner = {}
    for grid in grids:
        unit = grid if level == Level.GRID else grid.community_unit
        owner[grid.pk] = unit.pk if unit is not None else None
    totals = {unit.pk: defaultdict(int) for unit in units}
    for grid_id, owner_id in owner.items():
        if owner_id not in totals:
            continue
        row = totals[owner_id]
        for key, n in by_grid.get(grid_id, {}).items():
            row[key] += n
        row["rentals"] += rentals.get(grid_id, 0)
        for kind, n in tags.get(grid_id, {}).items():
            row[f"tag_{kind}"] += n
    headers = [
        str(gettext_lazy("Code")),
        str(Level(level).label),
        _("People"),
        str(Sex.MALE.label),
        str(Sex.FEMALE.label),
        *[band_label(low, high) for low, high in AGE_BANDS],
        *[str(label) for label in RegistrationType.labels],
        _("Not living at the registered address"),
        _("Rented dwellings"),
        *[str(CareTagKind(k).label) for k in kinds],
    ]
    order = ["total", "male", "female", *[f"age_{low}" for low, _h in AGE_BANDS]]
    order += [f"reg_{v}" for v in RegistrationType.values] + ["not_here", "rentals"]
    order += [f"tag_{k}" for k in kinds]
    rows = [[unit.code, unit.name, *[totals[unit.pk][k] for k in order]] for unit in units]
    rows.append(["", _("Total"), *[sum(r[i] for r in rows) for i in range(2, len(order) + 2)]])
    return Statistics(day=day, area=area, headers=headers, rows=rows)


def statistics_title(stats: Statistics) -> str:
    return _("Population and housing of %(area)s on %(day)s") % {
        "area": stats.area.name,
        "day": stats.day.isoformat(),
    }


def statistics_xlsx(stats: Statistics):
    title = statistics_title(stats)
    workbook = sheets.new_workbook(title=title, description=title)
    sheet = workbook.create_sheet(_("Statistics")[:31])
    sheets.append(sheet, [title], style=Font(bold=True))
    sheets.append(sheet, stats.headers, style=Font(bold=True))
    for row in stats.rows:
        sheets.append(sheet, row)
    out = spooled()
    workbook.save(out)
    out.seek(0)
    return out


def statistics_csv(stats: Statistics):
    writer = sheets.CsvWriter()
    yield writer.bom()
    yield writer.line([statistics_title(stats)])
    yield writer.line(stats.headers)
    for row in stats.rows:
        yield writer.line(row)


# --- The uploaded sheet with its problems ----------------------------------------------


def annotated_copy(job, issues_by_row: dict[int, list[tuple[str, str]]]):
    """The uploaded rows with a last column listing each row's problems (cells with a
    problem highlighted). Without the file (deleted after the import), the list of
    problems alone."""
    from shanzhi.registry.io.rows import Problems
    from shanzhi.registry.io.runner import limits

    columns = COLUMNS[job.kind]
    labels = {c.key: str(c.label) for c in columns}
    workbook = sheets.new_workbook(title=job.file_name)
    sheet = workbook.create_sheet(_("Problems")[:31])
    if job.file:
        sheets.append(sheet, [c.key for c in columns])
        sheets.append(
            sheet, [str(c.label) for c in columns] + [_("Problems")], style=Font(bold=True)
        )
        for row in sheet_rows(job.file.path, job.kind, limits=limits(), problems=Problems()):
            found = issues_by_row.get(row.number, [])
            bad = {column for column, _m in found}
            cells = []
            for column in columns:
                cell = row.cells.get(column.key)
                value = "" if cell is None else text(cell.value)
                written = sheets.text_cell(sheet, value)
                if column.key in bad:
                    written.fill = ERROR_FILL
                cells.append(written)
            note = "; ".join(f"{labels.get(c, _('Row'))}: {m}" if c else m for c, m in found)
            cells.append(
                sheets.text_cell(sheet, f"{_('Row')} {row.number}: {note}" if note else "")
            )
            sheet.append(cells)
    else:
        sheets.append(sheet, [_("Row"), _("Column"), _("Problem")], style=Font(bold=True))
        for number, found in sorted(issues_by_row.items()):
            for column, message in found:
                sheets.append(sheet, [number, labels.get(column, ""), message])
    out = spooled()
    workbook.save(out)
    out.seek(0)
    return out
