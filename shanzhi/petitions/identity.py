"""Who petitions: checked, encrypted, masked and indexed.

Names, ID numbers, phone numbers and addresses are stored encrypted (``core/crypto.py``)
with a mask for lists; an ID number and a phone number also get a keyed blind index
(``registry/blindindex.py``), so that the same petitioner is found again without
decrypting anything (重复信访, Art. 19, Art. 36).

What is required (Art. 19: a petition names the petitioner, their address, the request,
the facts and the reasons; oral ones are recorded): a name, and an address or a phone
number to send the written notice to (Art. 23), unless an accusation is made
anonymously; an ID number for a visit, whose visitors are received in person.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanzhi.lib import codes, idcard, identity
from shanzhi.petitions.models import PetitionChannel, PetitionClass, PetitionerKind
from shanzhi.registry import blindindex

MAX_REPRESENTATIVES = 5  # Art. 20


@dataclass
class Person:
    name: str
    id_number: str = ""


@dataclass
class Petitioner:
    kind: str = PetitionerKind.PERSON
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    anonymous: bool = False
    representatives: list[Person] = field(default_factory=list)
    accompanying: list[Person] = field(default_factory=list)


def clean_id_number(value: str, field_name: str = "id_number") -> str:
    """The normalised ID number, or a ValidationError saying what is wrong with it."""
    value = idcard.normalize(value or "")
    if not value:
        return ""
    try:
        return idcard.parse(value).value
    except idcard.IdNumberError as exc:
        raise ValidationError({field_name: exc.message}, code=exc.code) from None


def clean_phone(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return codes.check_phone(value)
    except codes.CodeError as exc:
        raise ValidationError({"phone": exc.message}, code=exc.code) from None


def check(petitioner: Petitioner, petition_class: str, channel: str) -> Petitioner:
    """The petitioner with normalised values; ValidationError naming the rule otherwise."""
    errors = {}
    anonymous = petitioner.anonymous
    if anonymous and petition_class != PetitionClass.ACCUSATION:
        errors["anonymous"] = _(
            "Only an accusation (检举控告) may be made anonymously: a petition names its "
            "petitioner (信访工作条例 Art. 19)."
        )
    name = petitioner.name.strip()
    if not anonymous and not name:
        errors["name"] = _(
            "Enter the petitioner's name: a petition names its petitioner (信访工作条例 Art. 19)."
        )
    try:
        id_number = clean_id_number(petitioner.id_number)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        id_number = ""
    try:
        phone = clean_phone(petitioner.phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        phone = ""
    address = petitioner.address.strip()
    if not anonymous and not (address or phone) and "phone" not in errors:
        errors["address"] = _(
            "Enter an address or a phone number: the petitioner is told in writing whether "
            "the petition is accepted (信访工作条例 Arts. 19, 23)."
        )
    if (
        channel == PetitionChannel.VISIT
        and not anonymous
        and petitioner.kind == PetitionerKind.PERSON
        and not id_number
        and "id_number" not in errors
    ):
        errors["id_number"] = _("Enter the ID number of the visitor received in person.")
    if channel == PetitionChannel.PHONE and not anonymous and not phone and "phone" not in errors:
        errors["phone"] = _("Enter the number the petitioner called from.")
    representatives, accompanying = _group(petitioner, channel, errors)
    if errors:
        raise ValidationError(errors)
    return Petitioner(
        kind=petitioner.kind,
        name=name,
        id_number=id_number,
        phone=phone,
        address=address,
        anonymous=anonymous,
        representatives=representatives,
        accompanying=accompanying,
    )


def _group(petitioner: Petitioner, channel: str, errors: dict) -> tuple[list, list]:
    """A group visit elects at most five representatives; the others are recorded as
    accompanying them (Art. 20)."""
    representatives = [p for p in petitioner.representatives if p.name.strip()]
    accompanying = [p for p in petitioner.accompanying if p.name.strip()]
    if not representatives and not accompanying:
        return [], []
    if channel != PetitionChannel.VISIT:
        errors["representatives"] = _("Representatives are recorded for a visit only.")
        return [], []
    if len(representatives) > MAX_REPRESENTATIVES:
        errors["representatives"] = _(
            "A group visit elects at most %(max)d representatives (信访工作条例 Art. 20); "
            "%(n)d were given. Record the others as accompanying them."
        ) % {"max": MAX_REPRESENTATIVES, "n": len(representatives)}
    if accompanying and not representatives:
        errors["representatives"] = _(
            "Several people came together: they elect representatives, at most "
            "%(max)d (信访工作条例 Art. 20)."
        ) % {"max": MAX_REPRESENTATIVES}
    cleaned = []
    for people, role in ((representatives, "representatives"), (accompanying, "accompanying")):
        done = []
        for person in people:
            try:
                number = clean_id_number(person.id_number, role)
            except ValidationError as exc:
                errors.setdefault(role, f"{person.name.strip()}: {exc.messages[0]}")
                number = ""
            done.append(Person(person.name.strip()[:50], number))
        cleaned.append(done)
    return cleaned[0], cleaned[1]


def store(petition, petitioner: Petitioner) -> None:
    """Write the petitioner into the petition's encrypted, masked and indexed fields."""
    petition.petitioner_kind = petitioner.kind
    petition.anonymous = petitioner.anonymous
    petition.name = petitioner.name[:100]
    petition.name_masked = mask_name(petitioner.name, petitioner.kind)
    petition.id_number = petitioner.id_number
    petition.id_number_masked = idcard.mask(petitioner.id_number) if petitioner.id_number else ""
    petition.id_number_index = blindindex.id_number(petitioner.id_number)
    petition.phone = petitioner.phone
    petition.phone_masked = identity.mask_mobile(petitioner.phone) if petitioner.phone else ""
    petition.phone_index = blindindex.phone(petitioner.phone)
    petition.address = petitioner.address[:200]


def mask_name(name: str, kind: str = PetitionerKind.PERSON) -> str:
    if kind == PetitionerKind.ORGANISATION:
        return name[:60]
    return idcard.mask_name(name)[:60]


def keys(petitioner: Petitioner) -> dict:
    """The blind indexes that find the same petitioner again."""
    return {
        "id_index": blindindex.id_number(petitioner.id_number),
        "phone_index": blindindex.phone(petitioner.phone),
    }
