"""What every kind of import shares: finding the template's columns in an uploaded sheet,
the rows as dicts of cells by column key, the problems found per row and column, and the
grids named in a sheet (which must exist and lie in the importer's area)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shanzhi.org.models import Region
from shanzhi.registry.access import require_grid_in_area
from shanzhi.registry.io.columns import (
    COLUMNS,
    CellError,
    _norm,
    labels_by_key,
    match_header,
    text,
    unknown_headers,
)
from shanzhi.registry.io.sheets import Cell, Limits, SheetError, read_rows
from shanzhi.registry.models import validate_grid


@dataclass(slots=True)
class Row:
    number: int  # as Excel shows it
    cells: dict[str, Cell]

    def value(self, key: str):
        cell = self.cells.get(key)
        return None if cell is None else cell.value

    def text(self, key: str) -> str:
        return text(self.value(key))


class Problems:
    """Problems found, per row: (column key, message); a column "" is the whole row."""

    def __init__(self):
        self.by_row: dict[int, list[tuple[str, str]]] = defaultdict(list)

    def add(self, row: int, column: str, message: str) -> None:
        """One problem per cell: the first found (a formula, say, not also "not a date")."""
        found = self.by_row[row]
        if column and any(c == column for c, _m in found):
            return
        found.append((column, str(message)[:500]))

    def add_validation_error(self, row: int, exc: ValidationError, known) -> None:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                column = name if name in known else ""
                for message in errors:
                    self.add(row, column, message)
        else:
            for message in exc.messages:
                self.add(row, "", message)

    def __contains__(self, row: int) -> bool:
        return row in self.by_row

    def pop_all(self) -> dict[int, list[tuple[str, str]]]:
        found, self.by_row = self.by_row, defaultdict(list)
        return found


def sheet_rows(path, kind: str, *, limits: Limits, problems: Problems) -> Iterator[Row]:
    """The data rows of an uploaded sheet. The first non-empty row is either the
    template's hidden key row (then the header follows it) or the header itself.
    ``SheetError`` for a sheet that is not this template or has no data; formulas and
    values outside the template's columns become problems of their row."""
    columns = COLUMNS[kind]
    rows = read_rows(path, limits=limits)
    positions = None
    for _number, cells in rows:
        values = [c.value for c in cells]
        positions = match_header(values, columns)
        if positions is None:
            raise wrong_template(kind, values)
        keys = {c.key for c in columns}
        if all(text(v) in keys for v in values if text(v)):
            # The key row: the header row follows it.
            header = next(rows, None)
            if header is None:
                break
            if match_header([c.value for c in header[1]], columns) is None:
                raise wrong_template(kind, [c.value for c in header[1]])
        break
    if positions is None:
        raise SheetError(_("The sheet is empty: fill in the template from its third row."), "empty")
    width = max(positions.values()) + 1
    seen_data = False
    for number, cells in rows:
        seen_data = True
        by_key = {}
        for key, index in positions.items():
            if index < len(cells):
                by_key[key] = cells[index]
        row = Row(number, by_key)
        for key, cell in by_key.items():
            if cell.formula:
                problems.add(
                    number,
                    key,
                    _(
                        "The cell holds a formula (%(formula)s): formulas are not calculated "
                        "on import. Type the value itself."
                    )
                    % {"formula": str(cell.value)[:60]},
                )
        extra = [i for i, c in enumerate(cells[width:], start=width) if not c.empty]
        if extra:
            problems.add(
                number,
                "",
                _("There is a value outside the template's columns (column %(n)d).")
                % {"n": extra[0] + 1},
            )
        yield row
    if not seen_data:
        raise SheetError(
            _("The sheet has no rows to import: fill in the template from its third row."),
            "empty",
        )


def wrong_template(kind: str, values: list) -> SheetError:
    from shanzhi.registry.io.models import ImportKind

    columns = COLUMNS[kind]
    unknown = unknown_headers(values, columns)
    present = {_norm(text(v)) for v in values if text(v)}
    spellings = labels_by_key(columns)
    missing = [str(c.label) for c in columns if c.required and not (spellings[c.key] & present)]
    details = []
    if missing:
        details.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if unknown:
        details.append(_("unknown columns: %(names)s") % {"names": ", ".join(unknown[:8])})
    return SheetError(
        _(
            "This sheet does not match the template for %(kind)s (%(details)s). Download "
            "the template and copy your rows into it."
        )
        % {"kind": ImportKind(kind).label, "details": "; ".join(details) or "—"},
        "wrong_template",
    )


class Grids:
    """Grids by code, checked once each: they must exist, be active grids, and lie in the
    importer's area (the same checks as the registry's actions)."""

    def __init__(self, actor):
        self.actor = actor
        self.cache: dict[str, Region | str] = {}

    def get(self, code: str) -> Region:
        if code not in self.cache:
            self.cache[code] = self._check(code)
        found = self.cache[code]
        if isinstance(found, str):
            raise CellError(found)
        return found

    def _check(self, code: str) -> Region | str:
        if not code:
            return _("Choose the grid.")
        grid = Region.objects.filter(code=code).defer("geometry").first()
        if grid is None:
            return _("No grid has the code %(code)s.") % {"code": code}
        try:
            validate_grid(grid)
            require_grid_in_area(self.actor, grid)
        except ValidationError as exc:
            return " ".join(exc.messages)
        except PermissionDenied as exc:
            return str(exc)
        return grid


def common_path(paths) -> str:
    """The deepest unit that contains all ``paths`` ("/1/5/" and "/1/6/" → "/1/")."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    parts = [p.strip("/").split("/") for p in paths]
    shared = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        shared.append(level[0])
    return "/" + "/".join(shared) + "/" if shared else ""
