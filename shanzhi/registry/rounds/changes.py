"""The kinds of change a grid worker proposes from a visit, each written down once: what
it targets, which facts of the target it is based on (shown side by side when someone
changed them meanwhile), how its values are checked, and which registry action applies
it.

Facts are plain JSON. Keys starting with "_" are compared but not shown (the version,
the ids of the members); names are kept masked and phone numbers as their masks, so a
stored proposal holds no more personal data than needed to decide on it.
"""

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.lib import codes, idcard
from shanzhi.registry import addresses, blindindex
from shanzhi.registry.actions import (
    DeregistrationReason,
    EditConflict,
    do_add_care_tag,
    do_add_household_member,
    do_deregister_person,
    do_register_person,
    do_start_tenancy,
    do_update_dwelling,
    do_update_person,
)
from shanzhi.registry.models import (
    CareTag,
    CareTagKind,
    Dwelling,
    DwellingUse,
    Household,
    Person,
    RegistrationType,
    Relation,
    Tenancy,
)
from shanzhi.registry.rounds.models import CARE_VISIT_KINDS, ChangeKind

# What a kind of change is about.
TARGETS = {
    ChangeKind.PHONE: "person",
    ChangeKind.MOVED_OUT: "person",
    ChangeKind.CARE_NEED: "person",
    ChangeKind.NEW_MEMBER: "household",
    ChangeKind.NEW_TENANT: "dwelling",
    ChangeKind.HAZARD: "dwelling",
}
# Values the registry keeps encrypted: stored encrypted here too, shown as masks.
SECRET_FIELDS = ("phone", "id_number")
HAZARD_MAX = 500

# Labels of the facts shown side by side.
FACT_LABELS = {
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Current address"),
    "lives_here": gettext_lazy("Lives in the area"),
    "care_tags": gettext_lazy("Care tags"),
    "members": gettext_lazy("Household members"),
    "use": gettext_lazy("Use of the dwelling"),
    "tenants": gettext_lazy("Tenants"),
    "hazards": gettext_lazy("Safety hazards"),
}
# Labels of the proposed values.
VALUE_LABELS = {
    "phone": gettext_lazy("Phone"),
    "id_number": gettext_lazy("ID number"),
    "name": gettext_lazy("Name"),
    "relation": gettext_lazy("Relation to the head"),
    "registration_type": gettext_lazy("Registration"),
    "care_kind": gettext_lazy("Care need"),
    "note": gettext_lazy("Note"),
    "text": gettext_lazy("Hazard found"),
}


# --- Facts of a target --------------------------------------------------------------


def _current_record(person):
    return person.records.filter(valid_to__isnull=True).first()


def _names(person_ids) -> dict[int, str]:
    from shanzhi.registry.models import PersonRecord

    rows = PersonRecord.objects.filter(person_id__in=person_ids).order_by("person", "number")
    return {r.person_id: r.name for r in rows}


def facts(kind: str, target) -> dict:
    """The facts of ``target`` that a change of ``kind`` is based on, now."""
    if TARGETS[kind] == "person":
        target = Person.objects.get(pk=target.pk)
        record = _current_record(target)
        found = {"_version": target.version}
        if kind == ChangeKind.PHONE:
            found["phone"] = record.phone_masked if record else ""
        elif kind == ChangeKind.MOVED_OUT:
            found["address"] = addresses.mask(record.current_address) if record else ""
            found["lives_here"] = record is not None
        else:
            found["_care"] = sorted(
                CareTag.objects.current().filter(person=target).values_list("kind", flat=True)
            )
        return found
    if kind == ChangeKind.NEW_MEMBER:
        household = Household.objects.get(pk=target.pk)
        members = list(household.members.current().order_by("pk"))
        names = _names([m.person_id for m in members])
        return {
            "_version": household.version,
            "_members": [m.person_id for m in members],
            "members": "; ".join(
                f"{idcard.mask_name(names.get(m.person_id, ''))} · {m.get_relation_display()}"
                for m in members
            ),
        }
    dwelling = Dwelling.objects.get(pk=target.pk)
    if kind == ChangeKind.NEW_TENANT:
        tenancies = list(Tenancy.objects.current().filter(dwelling=dwelling).order_by("pk"))
        names = _names([t.tenant_id for t in tenancies])
        return {
            "_version": dwelling.version,
            "_tenants": [t.tenant_id for t in tenancies],
            "use": dwelling.use,
            "tenants": "; ".join(idcard.mask_name(names.get(t.tenant_id, "")) for t in tenancies),
        }
    return {"_version": dwelling.version, "hazards": dwelling.hazard_notes}


def token(found: dict) -> str:
    """A short digest of facts, posted back by the page that showed them: applying "on
    the current version" is refused if the facts moved on again since."""
    text = json.dumps(found, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def shown_facts(found: dict, *, care_kinds) -> dict:
    """Facts for display: labels, readable values, care tags only of ``care_kinds``."""
    shown = {}
    for key, value in found.items():
        if key == "_care":
            value = ", ".join(str(CareTagKind(k).label) for k in value if k in care_kinds)
            shown[str(FACT_LABELS["care_tags"])] = value or "—"
        elif key == "use":
            shown[str(FACT_LABELS[key])] = str(DwellingUse(value).label) if value else "—"
        elif key == "lives_here":
            shown[str(FACT_LABELS[key])] = _("yes") if value else _("no")
        elif not key.startswith("_"):
            shown[str(FACT_LABELS[key])] = value or "—"
    return shown


def shown_values(kind: str, values: dict) -> dict:
    """The proposed values for display (masks for the encrypted ones)."""
    shown = {}
    for key, value in values.items():
        if key.endswith("_masked"):
            key = key.removesuffix("_masked")
        elif key in SECRET_FIELDS:
            continue
        if key == "relation":
            value = Relation(value).label
        elif key == "registration_type":
            value = RegistrationType(value).label
        elif key == "care_kind":
            value = CareTagKind(value).label
        if value in ("", None):
            continue
        shown[str(VALUE_LABELS[key])] = str(value)
    return shown


# --- Checking proposed values -------------------------------------------------------


@dataclass
class Checked:
    """Values ready to store: ``values`` in the clear (with masks), ``secret`` encrypted."""

    values: dict
    secret: dict


def _phone(value: str, field: str = "phone") -> str:
    try:
        return codes.check_phone(value)
    except codes.CodeError as exc:
        raise ValidationError({field: exc.message}) from None


def _id_number(value: str) -> str:
    value = idcard.normalize(value)
    if not value:
        return ""
    if len(value) == 15 and value.isdigit():
        value = idcard.upgrade_15(value)
    try:
        number = idcard.parse(value, today=timezone.localdate())
    except idcard.IdNumberError as exc:
        raise ValidationError({"id_number": exc.message}) from None
    existing = Person.objects.with_id_number(number.value).first()
    if existing is not None and existing.records.filter(valid_to__isnull=True).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "A person with this ID number is already registered as living in the "
                    "area: propose a change to their record instead, or tell the community "
                    "staff."
                )
            }
        )
    return number.value


def _name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({"name": _("Enter the name.")})
    if len(value) > 50:
        raise ValidationError({"name": _("A name has at most 50 characters.")})
    return value


def _registration(value: str, default: str) -> str:
    value = value or default
    if value not in RegistrationType.values:
        raise ValidationError({"registration_type": _("Choose the kind of registration.")})
    return value


def _lives_here(person) -> None:
    if person.is_anonymised or _current_record(person) is None:
        raise ValidationError(_("This person no longer lives in the area."))


def check_values(kind: str, target, values: dict, *, care_kinds) -> Checked:
    """The values of a change of ``kind`` to ``target``, checked; ``ValidationError``
    with the field and the reason otherwise. ``care_kinds``: the care-tag kinds the one
    proposing may see (and so propose)."""
    if kind not in TARGETS:
        raise ValidationError(_("Choose what changed."))
    get = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}.get
    if kind == ChangeKind.PHONE:
        _lives_here(target)
        phone = _phone(get("phone") or "")
        record = _current_record(target)
        if record is not None and record.phone_index == blindindex.phone(phone):
            raise ValidationError({"phone": _("This is the phone number on record already.")})
        return Checked({"phone_masked": codes.mask_phone(phone)}, {"phone": phone})
    if kind == ChangeKind.MOVED_OUT:
        _lives_here(target)
        return Checked({}, {})
    if kind == ChangeKind.CARE_NEED:
        _lives_here(target)
        care_kind = get("care_kind") or ""
        if care_kind not in CARE_VISIT_KINDS or care_kind not in care_kinds:
            raise ValidationError({"care_kind": _("Choose the care need noticed.")})
        if CareTag.objects.current().filter(person=target, kind=care_kind).exists():
            raise ValidationError({"care_kind": _("This person already carries this tag.")})
        note = get("note") or ""
        if len(note) > 200:
            raise ValidationError({"note": _("The note has at most 200 characters.")})
        return Checked({"care_kind": care_kind, "note": note}, {})
    if kind == ChangeKind.HAZARD:
        text = get("text") or ""
        if not text:
            raise ValidationError({"text": _("Say what hazard was found.")})
        if len(text) > HAZARD_MAX:
            raise ValidationError(
                {"text": _("Describe the hazard in at most %(n)d characters.") % {"n": HAZARD_MAX}}
            )
        return Checked({"text": text}, {})
    # A new person: a household member or a tenant.
    if kind == ChangeKind.NEW_MEMBER:
        household = Household.objects.get(pk=target.pk)
        if household.dissolved_on is not None:
            raise ValidationError(_("This household was dissolved."))
        relation = get("relation") or ""
        if relation not in Relation.values or relation == Relation.HEAD:
            raise ValidationError({"relation": _("Choose the relation to the head.")})
        registration = _registration(get("registration_type"), RegistrationType.REGISTERED)
    else:
        dwelling = Dwelling.objects.get(pk=target.pk)
        if not dwelling.is_active:
            raise ValidationError(_("This dwelling is no longer in use."))
        relation = ""
        registration = _registration(get("registration_type"), RegistrationType.FLOATING)
    name = _name(get("name") or "")
    number = _id_number(get("id_number") or "")
    phone = _phone(get("phone")) if get("phone") else ""
    values = {"name": name, "registration_type": registration}
    if relation:
        values["relation"] = relation
    if number:
        values["id_number_masked"] = idcard.mask(number)
    if phone:
        values["phone_masked"] = codes.mask_phone(phone)
    return Checked(values, {"id_number": number, "phone": phone})


# --- Applying a change --------------------------------------------------------------


def _reason(change) -> str:
    """The reason stored with the registry's new record, in the deployment's language
    (it is data, read by everyone, whatever language they read the pages in)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Found on visit #%(visit)s") % {"visit": change.visit_id}


class ChangedSince(EditConflict):
    """The target's facts are no longer those the change was based on."""

    def __init__(self, obj, based_on: int, current: int):
        ValidationError.__init__(
            self,
            _(
                "The record was changed after the change was proposed (it was at version "
                "%(based)s, it is now at version %(current)s, or its members, tenants or "
                "care tags changed)."
            )
            % {"based": based_on, "current": current},
            code="conflict",
        )
        self.obj, self.based_on, self.current = obj, based_on, current


def _check_unchanged(target, seen: dict, kind: str) -> None:
    """For the registry actions that take no version: the facts must be those seen."""
    now = facts(kind, target)
    if now != seen:
        raise ChangedSince(target, seen.get("_version"), now.get("_version"))


@transaction.atomic
def apply(change, *, actor, values: dict, secret: dict, seen: dict, note: str):
    """Apply ``change`` with ``values`` (and ``secret``), based on the facts ``seen``
    (those stored with the change, or the current ones when staff chose to apply it on
    the current version). ``actor`` is the confirming staff member, or None when the
    community lets its workers' changes apply directly (the caller checked the worker).
    ``EditConflict`` when the target moved on since ``seen``; other ``ValidationError``
    when the registry refuses the change; nothing is written then."""
    kind, based_on = change.kind, seen["_version"]
    effective = timezone.localtime(change.visit.visited_at).date()
    reason = _reason(change)
    if kind == ChangeKind.PHONE:
        _check_unchanged(change.person, seen, kind)
        return do_update_person(
            change.person,
            {"phone": secret["phone"]},
            actor=actor,
            based_on=based_on,
            reason=reason,
            note=note,
        )
    if kind == ChangeKind.MOVED_OUT:
        _check_unchanged(change.person, seen, kind)
        return do_deregister_person(
            change.person,
            actor=actor,
            reason=DeregistrationReason.MOVED_AWAY,
            effective=effective,
            based_on=based_on,
            note=note,
        )
    if kind == ChangeKind.CARE_NEED:
        Person.objects.select_for_update().get(pk=change.person_id)
        _check_unchanged(change.person, seen, kind)
        return do_add_care_tag(
            change.person,
            values["care_kind"],
            actor=actor,
            valid_from=effective,
            note=values.get("note", ""),
        )
    if kind == ChangeKind.HAZARD:
        dwelling = Dwelling.objects.select_for_update().get(pk=change.dwelling_id)
        _check_unchanged(dwelling, seen, kind)
        line = f"{effective.isoformat()} {values['text']}"
        text = f"{dwelling.hazard_notes.rstrip()}\n{line}" if dwelling.hazard_notes else line
        return do_update_dwelling(
            dwelling, {"hazard_notes": text}, actor=actor, based_on=based_on, note=note
        )
    fields = {
        "actor": actor,
        "name": values["name"],
        "id_number": secret.get("id_number", ""),
        "phone": secret.get("phone", ""),
        "registration_type": values["registration_type"],
        "valid_from": effective,
        "reason": reason,
        "note": note,
    }
    if kind == ChangeKind.NEW_MEMBER:
        household = Household.objects.select_for_update().get(pk=change.household_id)
        _check_unchanged(household, seen, kind)
        if household.dissolved_on is not None:
            raise ValidationError(_("This household was dissolved."))
        person = do_register_person(
            grid=household.grid,
            dwelling=household.dwelling,
            current_address=household.address,
            **fields,
        )
        do_add_household_member(
            household, person, values["relation"], actor=actor, valid_from=effective, note=note
        )
        return person
    dwelling = Dwelling.objects.select_for_update().get(pk=change.dwelling_id)
    _check_unchanged(dwelling, seen, kind)
    person = do_register_person(dwelling=dwelling, **fields)
    do_start_tenancy(dwelling, person, actor=actor, valid_from=effective, note=note)
    return person


def message_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)
