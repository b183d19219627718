"""Personal-information protection: showing a full value for a stated purpose, exporting
personal data, and anonymising a person whose data are no longer needed.

Every full value shown and every export is written twice in the same transaction: to the
personal-data access log, which the auditors of the area read, and to the hash-chained
audit log, which shows whether an entry of the former went missing.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core import audit, crypto
from shanzhi.registry.access import may_export_at, may_read_at, may_reveal, require_writer
from shanzhi.registry.actions.common import lock
from shanzhi.registry.models import (
    AccessKind,
    CareTag,
    Organisation,
    Person,
    PersonalDataAccess,
    PersonRecord,
    Tenancy,
)
from shanzhi.registry.protection import PURPOSES

# The masked fields a viewer may ask to see in full, by model.
REVEALABLE = {Person: ("id_number", "phone"), Organisation: ("contact_phone",)}
FIELD_LABELS = {
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("phone number"),
    "contact_phone": gettext_lazy("contact phone"),
}


def _actor_label(actor) -> str:
    return f"{actor.display_name} ({actor.username})"[:150]


def _full_value(obj, field_name: str) -> str:
    if isinstance(obj, Person):
        if field_name == "id_number":
            return obj.reveal_id_number()
        record = obj.records.filter(valid_to__isnull=True).first()
        return record.phone if record else ""
    return obj.contact_phone


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValidationError({"purpose": _("Choose why you need the full value.")})


@transaction.atomic
def do_reveal_field(obj, field_name: str, *, actor, purpose: str) -> str:
    """The full value of a masked field, for ``purpose``; logged. Refused unless the
    actor's duty in the object's area includes that field (``protection.REVEALERS``)."""
    if field_name not in REVEALABLE.get(type(obj), ()):
        raise ValueError(f"{type(obj).__name__}.{field_name} is not a revealable field")
    _check_purpose(purpose)
    if not may_read_at(actor, obj.path):
        raise PermissionDenied(_("This record lies outside your area."))
    label = FIELD_LABELS[field_name]
    if not may_reveal(actor, obj.path, field_name):
        raise PermissionDenied(
            _("Your duty here does not include seeing the full %(field)s.") % {"field": label}
        )
    value = _full_value(obj, field_name)
    if not value:
        raise ValidationError(_("There is no %(field)s to show.") % {"field": label})
    PersonalDataAccess.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        kind=AccessKind.REVEAL,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        field=field_name,
        purpose=purpose,
        path=obj.path,
    )
    audit.record(
        actor,
        "registry.reveal",
        obj,
        after={"field": field_name, "purpose": purpose},
        note=str(PURPOSES[purpose]),
        scope_path=obj.path,
    )
    return value


# Columns of an export of people, in order.
EXPORT_COLUMNS = {
    "name": gettext_lazy("Name"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Date of birth"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("Phone"),
    "ethnicity": gettext_lazy("Ethnicity"),
    "registration_type": gettext_lazy("Registration"),
    "lives_at_registration": gettext_lazy("Lives at the registered address"),
    "registered_address": gettext_lazy("Household-registration address"),
    "current_address": gettext_lazy("Current address"),
    "grid": gettext_lazy("Grid"),
}
EXPORT_CHUNK = 500


@dataclass
class PeopleExport:
    """What an export may write: the rows (masked unless listed in ``revealed``) and the
    watermark to print on every sheet and page. Already logged when returned."""

    watermark: str
    revealed: tuple[str, ...]
    record_ids: list[int] = field(repr=False)
    access: PersonalDataAccess | None = None

    @property
    def count(self) -> int:
        return len(self.record_ids)

    def headers(self) -> list[str]:
        return [str(label) for label in EXPORT_COLUMNS.values()]

    def rows(self) -> Iterator[dict]:
        for start in range(0, len(self.record_ids), EXPORT_CHUNK):
            chunk = self.record_ids[start : start + EXPORT_CHUNK]
            records = PersonRecord.objects.filter(pk__in=chunk).select_related("person", "grid")
            by_pk = {r.pk: r for r in records}
            for pk in chunk:
                if pk in by_pk:
                    yield self._row(by_pk[pk])

    def _row(self, record) -> dict:
        person = record.person
        if "id_number" in self.revealed:
            id_number = crypto.decrypt(person.id_number_encrypted)
        else:
            id_number = person.id_number_masked
        phone = record.phone if "phone" in self.revealed else record.phone_masked
        return {
            "name": record.name,
            "sex": person.get_sex_display(),
            "birth_date": person.birth_date,
            "id_number": id_number,
            "phone": phone,
            "ethnicity": record.get_ethnicity_display(),
            "registration_type": record.get_registration_type_display(),
            "lives_at_registration": record.lives_at_registration,
            "registered_address": record.registered_address,
            "current_address": record.current_address,
            "grid": record.grid.name,
        }


@transaction.atomic
def do_export_people(*, actor, area, purpose: str, reveal=(), people=None) -> PeopleExport:
    """Prepare an export of the people living in ``area`` now (optionally only those in
    the ``people`` queryset): checks the actor's role, logs the export with its purpose
    and size, and returns the rows with the watermark that the writer (xlsx, csv) prints.

    ID numbers and phones are masked unless listed in ``reveal`` and the actor's duty
    covers seeing them in full.
    """
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("An export of personal data needs a named person."))
    if not may_export_at(actor, area.path):
        raise PermissionDenied(_("Your role here does not include exporting personal data."))
    _check_purpose(purpose)
    reveal = tuple(dict.fromkeys(reveal))
    for name in reveal:
        if name not in ("id_number", "phone"):
            raise ValueError(f"{name} is not a revealable field")
        if not may_reveal(actor, area.path, name):
            raise PermissionDenied(
                _("Your duty here does not include seeing the full %(field)s.")
                % {"field": FIELD_LABELS[name]}
            )
    records = (
        PersonRecord.objects.current()
        .in_area(area)
        .filter(person__anonymised_at__isnull=True)
        .order_by("path", "name", "pk")
    )
    if people is not None:
        records = records.filter(person__in=people)
    ids = list(records.values_list("pk", flat=True))
    now = timezone.localtime()
    watermark = _(
        "Personal information exported by %(name)s on %(time)s for: %(purpose)s. "
        "Do not pass it on or copy it."
    ) % {
        "name": _actor_label(actor),
        "time": date_format(now, "Y-m-d H:i"),
        "purpose": PURPOSES[purpose],
    }
    fields = ",".join(EXPORT_COLUMNS)
    access = PersonalDataAccess.objects.create(
        actor=actor,
        actor_label=_actor_label(actor),
        kind=AccessKind.EXPORT,
        object_type=Person._meta.label_lower,
        object_repr=str(area)[:200],
        field=",".join(reveal),
        purpose=purpose,
        count=len(ids),
        watermark=watermark[:300],
        path=area.path,
    )
    audit.record(
        actor,
        "registry.export_people",
        area,
        after={"count": len(ids), "purpose": purpose, "revealed": list(reveal), "fields": fields},
        note=watermark,
        scope_path=area.path,
    )
    return PeopleExport(watermark=watermark, revealed=reveal, record_ids=ids, access=access)


class AnonymisationReason:
    REQUEST = "request"
    NO_LONGER_NEEDED = "no_longer_needed"
    LABELS = {
        REQUEST: gettext_lazy("At the person's request"),
        NO_LONGER_NEEDED: gettext_lazy("No longer needed for the registry's duties"),
    }


@transaction.atomic
def do_anonymise_person(person, *, actor, reason: str, note: str = "") -> Person:
    """Remove what identifies a person, in every record of their history, while keeping
    what statistics count: sex, year of birth, grid and area, registration type, the
    dates of each record, household and tenancy links, the kinds of care tags. Counts
    of any day, past or present, stay the same. Cannot be undone."""
    if reason not in AnonymisationReason.LABELS:
        raise ValidationError({"reason": _("Choose why the person's data are anonymised.")})
    locked = lock(person)
    require_writer(actor, locked.path)
    if locked.is_anonymised:
        raise ValidationError(_("This person's data were already anonymised."))
    locked.id_number_encrypted = locked.id_number_index = locked.id_number_masked = ""
    locked.birth_date = None
    locked.anonymised_at = timezone.now()
    locked.version += 1
    locked.save()
    records = PersonRecord.objects.filter(person=locked)
    count = records.update(
        name="",
        registered_address="",
        current_address="",
        dwelling=None,
        phone_encrypted="",
        phone_index="",
        phone_masked="",
        reason="",
    )
    CareTag.objects.filter(person=locked).update(note="")
    Tenancy.objects.filter(tenant=locked).update(note="")
    # What rounds hold about the person: visit notes and places, proposed values.
    from shanzhi.registry.rounds.actions import forget_person

    forget_person(locked)
    audit.record(
        actor,
        "registry.person.anonymise",
        locked,
        after={"reason": reason, "records": count},
        note=note,
        scope_path=locked.path,
    )
    return locked
