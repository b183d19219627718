"""The ``.xlsx`` templates the platform hands out, one per kind of import.

Sheet 1 holds the data: a hidden first row with the column keys (so that an upload is
recognised whatever the language of its headers), the header row, and room for the
rows, with drop-down lists for coded columns and text format for codes and numbers
(Excel would otherwise round an ID number). Sheet 2 explains each column; a hidden third
sheet holds the longer lists (ethnic groups).
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from shanzhi.registry.io.columns import COLUMNS
from shanzhi.registry.io.models import ImportKind

TEMPLATE_ROWS = 5000  # rows that get the drop-down lists and the text format
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="9C0006")


def template_name(kind: str) -> str:
    return f"registry-{kind}-template.xlsx"


def build_template(kind: str) -> bytes:
    columns = COLUMNS[kind]
    workbook = Workbook()
    data = workbook.active
    data.title = str(ImportKind(kind).label)[:31]
    lists = workbook.create_sheet(_("Lists")[:31])
    notes = workbook.create_sheet(_("Notes")[:31], 1)

    list_columns = 0
    data.append([c.key for c in columns])
    data.row_dimensions[1].hidden = True
    data.append([str(c.label) + (" *" if c.required else "") for c in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=2, column=index)
        header.fill = HEADER_FILL
        header.font = REQUIRED_FONT if column.required else Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        dimension = data.column_dimensions[letter]
        dimension.width = column.width
        dimension.number_format = "yyyy-mm-dd" if column.date else "@"
        options = column.options()
        if not options:
            continue
        inline = ",".join(options)
        if len(inline) <= 250 and "," not in "".join(options):
            formula = f'"{inline}"'
        else:
            list_columns += 1
            lists_column = get_column_letter(list_columns)
            for row, option in enumerate(options, start=1):
                lists[f"{lists_column}{row}"] = option
            formula = f"'{lists.title}'!${lists_column}$1:${lists_column}${len(options)}"
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=False,  # typed codes ("01", "1") are accepted too
        )
        data.add_data_validation(validation)
        validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS}")
    data.freeze_panes = "A3"
    lists.sheet_state = "hidden"

    notes.append([_("Column"), _("Required"), _("How to fill it in"), _("Values offered")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in columns:
        notes.append(
            [
                str(column.label),
                _("Yes") if column.required else _("No"),
                str(column.note),
                "; ".join(column.options()[:60]),
            ]
        )
    notes.append([])
    for line in general_notes():
        notes.append([line])
    for letter, width in zip("ABCD", (28, 10, 70, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def general_notes() -> list[str]:
    return [
        _("Fill in the first sheet from its third row on; columns marked * must be filled."),
        _("Do not change the header rows; the hidden first row identifies the template."),
        _(
            "Type values, not formulas: a cell holding a formula is reported as an error "
            "and nothing in it is calculated."
        ),
        _(
            "Every row is checked before anything is stored. You then choose to import all "
            "rows or nothing, or only the valid rows."
        ),
        _("Save the file as .xlsx (Excel Workbook); files with macros are refused."),
    ]
