"""People (实有人口), households and care tags.

Effective dating — one identity row and dated fact rows:

- ``Person`` holds what identifies a human and does not change with time: the ID number
  (encrypted, with its blind index and its mask), sex and birth date. It also carries a
  copy of the current grid and area path (for scoped queries and access checks on the
  person) and the version counter.
- ``PersonRecord`` holds the facts that change — name, ethnicity, addresses, dwelling,
  contact phone, registration type, 人户一致, grid — each row in effect from ``valid_from``
  to ``valid_to``. Any change closes the current row and opens a new one, so moving house
  keeps the old address, and a count for a past day reads the rows in effect that day
  (``PersonRecord.objects.as_of(day)``). A partial unique index allows one current row
  per person.

Why not one table with history rows copied on change: the identity (and the uniqueness
of the ID number) would then be repeated in every copy, and "the person" would have no
stable key for households, tenancies and cases to point at. Why not a generic history
table: counts at a past date must be plain indexed queries over millions of rows.

The audit log keeps what changed, but masked (names, addresses, phone numbers): it is
append-only and outlives anonymisation (``AUDIT_MASKED_FIELDS``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shanzhi.core import crypto
from shanzhi.lib import codes, idcard
from shanzhi.registry import addresses, blindindex
from shanzhi.registry.ethnicity import Ethnicity
from shanzhi.registry.models.common import (
    AreaQuerySet,
    EffectiveDated,
    EffectiveQuerySet,
    InGrid,
    Versioned,
    effective_range_check,
    hidden,
    validate_grid,
)


class Sex(models.TextChoices):
    """GB/T 2261.1 codes."""

    UNKNOWN = "0", _("Unknown")
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")
    UNSPECIFIED = "9", _("Not stated")


class RegistrationType(models.TextChoices):
    REGISTERED = "registered", _("Registered population (户籍人口)")
    FLOATING = "floating", _("Floating population (流动人口)")
    FOREIGN = "foreign", _("Foreign national (境外人员)")


class PersonQuerySet(AreaQuerySet):
    def active(self):
        """Living here now: a current record exists."""
        return self.filter(records__valid_to__isnull=True)

    def with_id_number(self, value: str):
        """Exact match through the blind index, without decrypting anything."""
        digest = blindindex.id_number(value)
        return self.filter(id_number_index=digest) if digest else self.none()


class Person(InGrid, Versioned):
    """A human being registered in the district. The changing facts live in
    ``PersonRecord`` rows; this row is the stable identity they belong to."""

    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # The year alone survives anonymisation, for statistics by age.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    created = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    objects = PersonQuerySet.as_manager()

    AUDIT_MASKED_FIELDS = {"id_number_index": hidden, "birth_date": lambda d: str(d)[:4]}

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="person_id_number_unique",
                violation_error_message=_("A person with this ID number is already registered."),
            )
        ]

    def __str__(self):
        # Frozen into the append-only audit log: no name, no number.
        return gettext("Person #%(pk)s") % {"pk": self.pk}

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def set_id_number(self, value: str) -> None:
        """Encrypt the number and derive what it carries; ``ValidationError`` with the
        reason when it is not a valid ID number."""
        value = idcard.normalize(value)
        if not value:
            self.id_number_encrypted = self.id_number_index = self.id_number_masked = ""
            return
        try:
            number = idcard.parse(value, today=timezone.localdate())
        except idcard.IdNumberError as exc:
            raise ValidationError({"id_number": exc.message}, code=exc.code) from None
        self.id_number_encrypted = crypto.encrypt(number.value)
        self.id_number_index = blindindex.id_number(number.value)
        self.id_number_masked = idcard.mask(number.value)
        self.sex = number.sex
        self.birth_date = number.birth_date
        self.birth_year = number.birth_date.year

    def reveal_id_number(self) -> str:
        """The full number: only through ``actions.do_reveal_field``, which logs it."""
        return crypto.decrypt(self.id_number_encrypted)

    def clean(self):
        super().clean()
        validate_grid(self.grid if self.grid_id else None)
        if self.birth_date:
            if self.birth_date > timezone.localdate():
                raise ValidationError({"birth_date": _("The date of birth lies in the future.")})
            self.birth_year = self.birth_date.year

    def display_name(self) -> str:
        """The name in the latest record, for messages to the staff who keep it (never
        for the audit log, which outlives anonymisation)."""
        record = self.records.order_by("-number").only("name").first()
        return record.name if record is not None and record.name else str(self)

    @property
    def current_record(self) -> "PersonRecord | None":
        cached = getattr(self, "_current_record", None)
        if cached is None:
            cached = self.records.filter(valid_to__isnull=True).first()
            self._current_record = cached
        return cached


class PersonRecordQuerySet(EffectiveQuerySet):
    def with_phone(self, value: str):
        digest = blindindex.phone(value)
        return self.filter(phone_index=digest) if digest else self.none()


class PersonRecord(InGrid, EffectiveDated):
    """What was true of a person from ``valid_from`` to ``valid_to``."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="records"
    )
    # The person's version this row was written as (1 for the registration).
    number = models.PositiveIntegerField(_("version"), editable=False)
    name = models.CharField(_("name"), max_length=50, blank=True)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, blank=True
    )
    registered_address = models.CharField(
        _("household-registration address (户籍地址)"), max_length=200, blank=True
    )
    current_address = models.CharField(_("current address"), max_length=200, blank=True)
    dwelling = models.ForeignKey(
        "registry.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    registration_type = models.CharField(
        _("registration"),
        max_length=12,
        choices=RegistrationType.choices,
        default=RegistrationType.REGISTERED,
    )
    # 人户一致: lives at the address of their household registration.
    lives_at_registration = models.BooleanField(
        _("lives at the registered address (人户一致)"), default=True
    )
    reason = models.CharField(_("reason for the change"), max_length=200, blank=True)

    objects = PersonRecordQuerySet.as_manager()

    AUDIT_MASKED_FIELDS = {
        "name": idcard.mask_name,
        "registered_address": addresses.mask,
        "current_address": addresses.mask,
        "phone_index": hidden,
    }
    # The facts a change may carry (``actions.people.do_update_person``).
    FACTS = (
        "name",
        "ethnicity",
        "registered_address",
        "current_address",
        "dwelling",
        "phone",
        "registration_type",
        "lives_at_registration",
        "grid",
    )

    class Meta:
        ordering = ["person", "number"]
        verbose_name = _("person record")
        verbose_name_plural = _("person records")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="person_one_current_record",
            ),
            models.UniqueConstraint(fields=["person", "number"], name="person_record_number"),
            effective_range_check("person_record_valid_range"),
        ]
        indexes = [
            # The people of an area now, searched by name.
            models.Index(
                fields=["path", "name"],
                condition=Q(valid_to__isnull=True),
                name="person_record_current",
            ),
            # Counts of an area on a past day.
            models.Index(fields=["path", "valid_from"], name="person_record_history"),
            models.Index(
                fields=["phone_index"], condition=~Q(phone_index=""), name="person_record_phone"
            ),
        ]

    def __str__(self):
        return gettext("Record %(number)s of person #%(pk)s") % {
            "number": self.number,
            "pk": self.person_id,
        }

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)

    def set_phone(self, value: str) -> None:
        if not (value or "").strip():
            self.phone_encrypted = self.phone_index = self.phone_masked = ""
            return
        try:
            value = codes.check_phone(value)
        except codes.CodeError as exc:
            raise ValidationError({"phone": exc.message}, code=exc.code) from None
        self.phone_encrypted = crypto.encrypt(value)
        self.phone_index = blindindex.phone(value)
        self.phone_masked = codes.mask_phone(value)

    def clean(self):
        super().clean()
        errors = {}
        anonymised = self.person_id and self.person.is_anonymised
        if not self.name.strip() and not anonymised:
            errors["name"] = _("Enter the name.")
        if self.registration_type != RegistrationType.REGISTERED and self.lives_at_registration:
            errors["lives_at_registration"] = _(
                "Only registered residents can live at their registered address here: "
                "the floating population and foreign nationals are registered elsewhere."
            )
        try:
            validate_grid(self.grid if self.grid_id else None)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.dwelling_id and self.grid_id and self.dwelling.grid_id != self.grid_id:
            errors["dwelling"] = _("The dwelling lies in another grid than the one chosen.")
        if errors:
            raise ValidationError(errors)


class Household(InGrid, Versioned):
    """A household (户): people living together, one of them its head (户主)."""

    number = models.CharField(_("household number"), max_length=30, blank=True)
    dwelling = models.ForeignKey(
        "registry.Dwelling",
        verbose_name=_("dwelling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True, editable=False)

    objects = AreaQuerySet.as_manager()

    AUDIT_MASKED_FIELDS = {"address": addresses.mask}

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self):
        return gettext("Household #%(pk)s") % {"pk": self.pk}

    def clean(self):
        super().clean()
        validate_grid(self.grid if self.grid_id else None)
        if self.dwelling_id and self.dwelling.grid_id != self.grid_id:
            raise ValidationError(
                {"dwelling": _("The dwelling lies in another grid than the one chosen.")}
            )

    def current_members(self):
        return self.members.filter(valid_to__isnull=True).select_related("person")

    @property
    def head(self) -> "Person | None":
        member = self.members.filter(valid_to__isnull=True, relation=Relation.HEAD).first()
        return member.person if member else None


class Relation(models.TextChoices):
    """Relation to the head of the household."""

    HEAD = "head", _("Head of household (户主)")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Child's spouse")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    OTHER_RELATIVE = "relative", _("Other relative")
    NON_RELATIVE = "non_relative", _("Not related")


class HouseholdMemberQuerySet(EffectiveQuerySet):
    path_lookup = "household__path"


class HouseholdMember(EffectiveDated):
    """A person's membership of a household, with their relation to its head, in effect
    for a period. A person belongs to at most one household at a time, and a household
    has at most one head at a time (both enforced by partial unique indexes)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField(_("relation to the head"), max_length=16, choices=Relation.choices)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(valid_to__isnull=True),
                name="person_in_one_household",
                violation_error_message=_("This person already belongs to a household."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(valid_to__isnull=True, relation="head"),
                name="household_one_head",
                violation_error_message=_("This household already has a head."),
            ),
            effective_range_check("household_member_valid_range"),
        ]

    def __str__(self):
        return f"{self.household} · {self.person} · {self.get_relation_display()}"


class CareTagKind(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("Elderly, living alone (独居老人)")
    DISABLED = "disabled", _("Disabled (残疾人)")
    LOW_INCOME = "low_income", _("Low income (低保/低收入)")
    LEFT_BEHIND = "left_behind", _("Left behind (留守人员)")


class CareTagQuerySet(EffectiveQuerySet):
    path_lookup = "person__path"

    def visible_to(self, user):
        """Only the kinds the viewer's duty covers (``protection.CARE_TAG_READERS``)."""
        from shanzhi.registry.access import care_tag_filter

        return self.filter(care_tag_filter(user))


class CareTag(EffectiveDated):
    """A care tag (关爱标签) on a person, in effect for a period. Who sees which kind is
    the table ``protection.CARE_TAG_READERS``."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="care_tags"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CareTagKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = CareTagQuerySet.as_manager()

    AUDIT_MASKED_FIELDS = {"note": hidden}

    class Meta:
        verbose_name = _("care tag")
        verbose_name_plural = _("care tags")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(valid_to__isnull=True),
                name="care_tag_once",
                violation_error_message=_("This person already carries this tag."),
            ),
            effective_range_check("care_tag_valid_range"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"
