"""Reading uploaded spreadsheets safely and writing sheets and CSV files. No models here.

An upload is refused as a whole, with the reason, when it is not an Office Open XML
workbook (``.xlsx``), carries macros (``.xlsm``, a ``vbaProject.bin``), is larger than
allowed packed or unpacked (a "zip bomb"), has too many rows or columns, or no data.
Cells are read as stored: a formula is never evaluated (and its cached result is not
read either); the row that holds it is reported so that the value itself is typed in.

Written cells never become formulas: text that starts with ``=`` is stored as text in
``.xlsx``, and CSV cells starting with ``= + - @`` or a control character get a leading
apostrophe (so that a spreadsheet program opening the CSV does not run them).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) format
MACRO_PARTS = ("xl/vbaproject.bin", "xl/vbaprojectsignature.bin")
CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


class SheetError(ValueError):
    """The whole file is refused; ``message`` says why, in the active language."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 2**20
    max_unpacked_bytes: int = 400 * 2**20
    max_rows: int = 200_000
    max_columns: int = 60


def check_package(path, *, name: str, limits: Limits) -> None:
    """Refuse a file that is not a plain ``.xlsx`` workbook within the limits."""
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise SheetError(
            _("Macro-enabled workbooks are not accepted: save the file as .xlsx (Excel Workbook)."),
            "macro",
        )
    with open(path, "rb") as handle:
        head = handle.read(8)
        handle.seek(0, io.SEEK_END)
        size = handle.tell()
    if size == 0:
        raise SheetError(_("The file is empty."), "empty")
    if size > limits.max_bytes:
        raise SheetError(
            _("The file is larger than %(mb)d MB: split it into several files.")
            % {"mb": limits.max_bytes // 2**20},
            "too_large",
        )
    if head == OLE_MAGIC:
        raise SheetError(
            _(
                "This is an old Excel file (.xls) or another Office format: open it in Excel "
                "or WPS and save it as .xlsx (Excel Workbook)."
            ),
            "not_xlsx",
        )
    not_xlsx = SheetError(
        _("This is not an Excel workbook (.xlsx): download the template and fill it in."),
        "not_xlsx",
    )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise not_xlsx from None
    with archive:
        infos = archive.infolist()
        names = {info.filename.lower() for info in infos}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise not_xlsx
        if names & set(MACRO_PARTS) or any(n.startswith("xl/activex/") for n in names):
            raise SheetError(
                _(
                    "The workbook contains macros or embedded programs, which are not "
                    "accepted: save it as .xlsx (Excel Workbook) without macros."
                ),
                "macro",
            )
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        if "macroEnabled" in types:
            raise SheetError(
                _("Macro-enabled workbooks are not accepted: save the file as .xlsx."), "macro"
            )
        if sum(info.file_size for info in infos) > limits.max_unpacked_bytes:
            raise SheetError(
                _("The workbook unpacks to more than %(mb)d MB: split it into several files.")
                % {"mb": limits.max_unpacked_bytes // 2**20},
                "too_large",
            )


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    formula: bool = False

    @property
    def empty(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


def read_rows(path, *, limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    """The non-empty rows of the first sheet as (Excel row number, cells), at most
    ``limits.max_columns`` + 1 cells wide (so that a wider row shows). Formulas come back
    as their text with ``formula=True``; nothing is evaluated. ``SheetError`` when the
    workbook cannot be read or has too many rows."""
    try:
        workbook = load_workbook(
            path, read_only=True, data_only=False, keep_vba=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds for a damaged package
        raise SheetError(
            _("The workbook cannot be read: it is damaged or not an Excel workbook."),
            "unreadable",
        ) from None
    try:
        if not workbook.worksheets:
            raise SheetError(_("The workbook has no sheet."), "empty")
        sheet = workbook.worksheets[0]
        count = 0
        for number, raw in enumerate(sheet.iter_rows(max_col=limits.max_columns + 1), start=1):
            cells = [Cell(c.value, c.data_type == "f") for c in raw]
            if all(c.empty for c in cells):
                continue
            count += 1
            if count > limits.max_rows + 2:  # + the key row and the header
                raise SheetError(
                    _("The sheet has more than %(n)s rows: split it into several files.")
                    % {"n": f"{limits.max_rows:,}"},
                    "too_many_rows",
                )
            if len(cells) > limits.max_columns and not cells[limits.max_columns].empty:
                raise SheetError(
                    _("The sheet has more than %(n)d columns: use the template's columns.")
                    % {"n": limits.max_columns},
                    "too_many_columns",
                )
            yield number, cells[: limits.max_columns]
    except SheetError:
        raise
    except Exception:
        raise SheetError(
            _("The workbook cannot be read: it is damaged or not an Excel workbook."),
            "unreadable",
        ) from None
    finally:
        workbook.close()


def estimate_rows(path) -> int:
    """The number of rows the first sheet declares (for the progress bar; the real count
    is known once the rows are read)."""
    try:
        workbook = load_workbook(path, read_only=True)
        try:
            return max(0, (workbook.worksheets[0].max_row or 0) - 2)
        finally:
            workbook.close()
    except Exception:
        return 0


def text_cell(sheet, value):
    """A write-only cell holding ``value``; text is always stored as text, never as a
    formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def new_workbook(*, title: str = "", subject: str = "", description: str = "", creator=""):
    """A write-only workbook (rows go to a temporary file: memory stays flat)."""
    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.title = title[:250] or None
    props.subject = subject[:250] or None
    props.description = description or None
    props.keywords = description[:250] or None
    props.creator = creator[:250] or "Shanzhi"
    props.lastModifiedBy = props.creator
    return workbook


def append(sheet, values: Iterable, style=None) -> None:
    row = []
    for value in values:
        cell = text_cell(sheet, _plain(value))
        if style is not None:
            cell.font = style
        row.append(cell)
    sheet.append(row)


def _plain(value):
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    return str(value)


def csv_safe(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    if text.startswith(CSV_RISKY):
        return "'" + text
    return text


class CsvWriter:
    """CSV lines for a streaming response: UTF-8 with a byte-order mark first, so that
    Excel opens the Chinese text correctly."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)

    def bom(self) -> bytes:
        return "\ufeff".encode()

    def line(self, values: Iterable) -> bytes:
        self.writer.writerow([csv_safe(v) for v in values])
        data = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return data.encode("utf-8")
