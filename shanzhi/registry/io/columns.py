"""The columns of each import template and the parsing of what officials type into them.

Each column has a stable key (written into the template's hidden first row, so that a
sheet is recognised whatever the language of its headers), a label (the header), whether
it must be filled, a note for the notes sheet, and the options offered as a drop-down
list. Cell values are parsed here, without the database: text, dates, yes/no and coded
values given as the code or the label in either language ("1", "男", "Male").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shanzhi.registry.ethnicity import Ethnicity
from shanzhi.registry.models import (
    Building,
    BuildingUse,
    Household,
    HouseholdMember,
    Organisation,
    OrganisationKind,
    PersonRecord,
    RegistrationType,
    Relation,
    Sex,
)
from shanzhi.registry.models.common import EffectiveDated

LANGUAGES = ("en", "zh-hans")


class CellError(ValueError):
    """A value that cannot be read; the message says why."""


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    required: bool = False
    note: object = ""
    choices: type[models.Choices] | None = None
    width: int = 16
    date: bool = False

    def options(self) -> list[str]:
        """What the drop-down list offers, in the active language."""
        if self.choices is None:
            return []
        if self.choices is Ethnicity:
            return [f"{value} {label}" for value, label in Ethnicity.choices]
        if self.choices is YesNo:
            return [_("Yes"), _("No")]
        return [str(label) for value, label in self.choices.choices if value not in HIDDEN]


class YesNo(models.TextChoices):
    YES = "yes", gettext_lazy("Yes")
    NO = "no", gettext_lazy("No")


# Values that exist but are not offered in the lists.
HIDDEN = {Sex.UNKNOWN, Sex.UNSPECIFIED}


def _verbose(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


def _lazy_capfirst(model, name):
    from django.utils.functional import lazy

    return lazy(lambda: str(_verbose(model, name)), str)()


PEOPLE = (
    Column("name", pgettext_lazy("registry import column", "Name"), True, width=10),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        True,
        gettext_lazy(
            "18 characters (GB 11643), checked with its check character. Keep the column "
            "formatted as text: Excel rounds long numbers."
        ),
        width=21,
    ),
    Column(
        "sex",
        gettext_lazy("Sex"),
        note=gettext_lazy("Optional: read from the ID number; when given it must match."),
        choices=Sex,
        width=6,
    ),
    Column(
        "birth_date",
        gettext_lazy("Date of birth"),
        note=gettext_lazy("Optional: read from the ID number; when given it must match."),
        width=12,
        date=True,
    ),
    Column(
        "ethnicity",
        gettext_lazy("Ethnicity"),
        note=gettext_lazy("The GB/T 3304 code (01 to 56, 97, 98) or the name."),
        choices=Ethnicity,
        width=12,
    ),
    Column(
        "registration_type",
        _lazy_capfirst(PersonRecord, "registration_type"),
        note=gettext_lazy("Registered population if left empty."),
        choices=RegistrationType,
        width=14,
    ),
    Column(
        "lives_at_registration",
        gettext_lazy("Lives at the registered address"),
        note=gettext_lazy(
            "Yes or No; if left empty: Yes for the registered population, No otherwise."
        ),
        choices=YesNo,
        width=8,
    ),
    Column("registered_address", gettext_lazy("Household-registration address"), width=28),
    Column("current_address", gettext_lazy("Current address"), width=28),
    Column(
        "phone",
        gettext_lazy("Phone"),
        note=gettext_lazy("A mobile or landline number; stored encrypted."),
        width=14,
    ),
    Column(
        "grid",
        gettext_lazy("Grid code"),
        True,
        gettext_lazy("The 15-digit code of the grid; it must lie in your area."),
        width=17,
    ),
    Column(
        "valid_from",
        _lazy_capfirst(EffectiveDated, "valid_from"),
        note=gettext_lazy("The day the record takes effect; today if left empty."),
        width=12,
        date=True,
    ),
    Column(
        "household",
        _lazy_capfirst(Household, "number"),
        note=gettext_lazy(
            "Optional. Rows with the same household number form one household in the "
            "grid; a new household needs exactly one head."
        ),
        width=14,
    ),
    Column(
        "relation",
        _lazy_capfirst(HouseholdMember, "relation"),
        note=gettext_lazy("Needed with a household number."),
        choices=Relation,
        width=12,
    ),
)

HOUSEHOLDS = (
    Column("household", _lazy_capfirst(Household, "number"), True, width=14),
    Column("grid", gettext_lazy("Grid code"), True, PEOPLE[10].note, width=17),
    Column("address", _lazy_capfirst(Household, "address"), width=28),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        True,
        gettext_lazy("The ID number of a member, who must be registered in your area."),
        width=21,
    ),
    Column("relation", _lazy_capfirst(HouseholdMember, "relation"), True, choices=Relation),
    Column(
        "valid_from",
        _lazy_capfirst(EffectiveDated, "valid_from"),
        note=PEOPLE[11].note,
        width=12,
        date=True,
    ),
)

BUILDINGS = (
    Column("name", _lazy_capfirst(Building, "name"), True, width=12),
    Column("address", _lazy_capfirst(Building, "address"), True, width=28),
    Column("grid", gettext_lazy("Grid code"), True, PEOPLE[10].note, width=17),
    Column("use", _lazy_capfirst(Building, "use"), choices=BuildingUse, width=14),
    Column("floors", _lazy_capfirst(Building, "floors"), width=8),
    Column("units", _lazy_capfirst(Building, "units"), width=8),
    Column("lon", _lazy_capfirst(Building, "lon"), width=12),
    Column("lat", _lazy_capfirst(Building, "lat"), width=12),
)

ORGANISATIONS = (
    Column("name", _lazy_capfirst(Organisation, "name"), True, width=24),
    Column("kind", _lazy_capfirst(Organisation, "kind"), True, choices=OrganisationKind),
    Column("grid", gettext_lazy("Grid code"), True, PEOPLE[10].note, width=17),
    Column(
        "uscc",
        _lazy_capfirst(Organisation, "uscc"),
        note=gettext_lazy("18 characters (GB 32100), checked with its check character."),
        width=20,
    ),
    Column("registration_number", _lazy_capfirst(Organisation, "registration_number")),
    Column("legal_representative", _lazy_capfirst(Organisation, "legal_representative")),
    Column(
        "has_party_organisation",
        _lazy_capfirst(Organisation, "has_party_organisation"),
        choices=YesNo,
    ),
    Column("address", _lazy_capfirst(Organisation, "address"), width=28),
    Column("contact_name", _lazy_capfirst(Organisation, "contact_name")),
    Column("contact_phone", gettext_lazy("Phone"), width=14),
)

COLUMNS = {
    "people": PEOPLE,
    "households": HOUSEHOLDS,
    "buildings": BUILDINGS,
    "organisations": ORGANISATIONS,
}


# --- Reading cells ------------------------------------------------------------------


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s()（）]+", "", text).rstrip("*")


def text(value) -> str:
    """A cell as text: numbers without a trailing ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).strip()


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value, *, today: date) -> date | None:
    """A date cell, or text such as 2025-03-01, 2025/3/1, 2025年3月1日 or 20250301;
    never in the future."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, int | float):
        raise CellError(
            _("A number where a date is expected: format the cell as a date or type 2025-03-01.")
        )
    else:
        raw = text(value)
        match = _DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
        if not match:
            raise CellError(_("“%(value)s” is not a date: type it as 2025-03-01.") % {"value": raw})
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError(_("“%(value)s” is not a valid date.") % {"value": raw}) from None
    if day > today:
        raise CellError(_("The date lies in the future."))
    if day.year < 1880:
        raise CellError(_("“%(value)s” is not a valid date.") % {"value": day.isoformat()})
    return day


@cache
def _lookup(choices: type[models.Choices]) -> dict[str, str]:
    table = {}
    for value, _label in choices.choices:
        table[_norm(value)] = value
    for language in LANGUAGES:
        with translation.override(language):
            for value, label in choices.choices:
                label = str(label)
                table.setdefault(_norm(label), value)
                # "Registered population (户籍人口)": either part alone.
                for part in re.split(r"[()（）]", label):
                    if part.strip():
                        table.setdefault(_norm(part), value)
    if choices is Ethnicity:
        for value, _label in choices.choices:
            table.setdefault(str(int(value)), value)  # "1" for "01"
    return table


# Spellings accepted whatever the language of the sheet (written as officials type them).
_ALIASES = {
    YesNo: {"是": "yes", "否": "no", "y": "yes", "n": "no", "1": "yes", "0": "no", "true": "yes"},
    Sex: {"男": "1", "女": "2", "m": "1", "f": "2"},
}
_ALIASES[YesNo]["false"] = "no"


def parse_choice(value, choices: type[models.Choices]) -> str:
    """The stored value of a coded cell given as its code or its label; "" if empty."""
    raw = text(value)
    if not raw:
        return ""
    key = _norm(raw)
    found = _ALIASES.get(choices, {}).get(key) or _lookup(choices).get(key)
    if found is None and choices is Ethnicity:
        leading = re.match(r"\d{1,2}", key)
        found = _lookup(choices).get(leading.group().zfill(2)) if leading else None
    if found is None:
        offered = ", ".join(Column("x", "", choices=choices).options()[:12])
        raise CellError(
            _("“%(value)s” is not one of the values offered: %(offered)s.")
            % {"value": raw, "offered": offered}
        )
    return found


def parse_yes_no(value) -> bool | None:
    found = parse_choice(value, YesNo)
    return None if not found else found == YesNo.YES


def parse_int(value, *, low: int, high: int) -> int | None:
    raw = text(value)
    if not raw:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw})
    number = int(raw)
    if not low <= number <= high:
        raise CellError(
            _("%(value)s is out of range: from %(low)s to %(high)s.")
            % {"value": number, "low": low, "high": high}
        )
    return number


def parse_float(value) -> float | None:
    raw = text(value)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise CellError(_("“%(value)s” is not a number.") % {"value": raw}) from None


def id_text(value) -> str:
    """An ID number or code cell: numbers are refused, since Excel keeps only 15 digits."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            _(
                "The number was stored as a number, and Excel keeps only 15 digits of it: "
                "format the column as text and type it again."
            )
        )
    return text(value)


@dataclass
class Header:
    """Where each column of the template is in an uploaded sheet."""

    positions: dict[str, int] = field(default_factory=dict)
    first_data_row: int = 0


def labels_by_key(columns) -> dict[str, set[str]]:
    """Every spelling of each header: the key and the label in each language."""
    found = {c.key: {_norm(c.key)} for c in columns}
    for language in LANGUAGES:
        with translation.override(language):
            for c in columns:
                found[c.key].add(_norm(str(c.label)))
    return found


def match_header(values: list, columns) -> dict[str, int] | None:
    """Column positions if ``values`` is the template's key row or header row, with
    every required column present and no unknown column; None otherwise."""
    spellings = labels_by_key(columns)
    positions: dict[str, int] = {}
    for index, value in enumerate(values):
        raw = text(value)
        if not raw:
            continue
        key = _norm(raw)
        match = next((k for k, names in spellings.items() if key in names), None)
        if match is None or match in positions:
            return None
        positions[match] = index
    if not positions or any(c.required and c.key not in positions for c in columns):
        return None
    return positions


def unknown_headers(values: list, columns) -> list[str]:
    spellings = set().union(*labels_by_key(columns).values())
    return [text(v) for v in values if text(v) and _norm(text(v)) not in spellings]


Parser = Callable[[object], object]
