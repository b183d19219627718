"""The law as data: legal bases, the matter catalogue, the power-and-responsibility and
street duty lists, the dispatch catalogue, the time-limit table and the working-day
calendar's local overrides.

Every change to these lists goes through an action in ``duties/actions.py`` that demands a
note and writes an audit event with the editor, the time and the before/after values;
the audit events of an item are its version history.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shanzhi.org.models import BODY_LEVELS, Body, BodyKind, Level, Region


class LawLevel(models.TextChoices):
    LAW = "law", _("Law")
    ADMIN_REGULATION = "admin_regulation", _("Administrative regulation")
    LOCAL_REGULATION = "local_regulation", _("Local regulation")
    RULE = "rule", _("Rule")
    NORMATIVE = "normative", _("Normative document")
    STANDARD = "standard", _("Standard")


class Law(models.Model):
    """A law, regulation, normative document or standard that duties and clocks cite."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=LawLevel.choices)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    effective_date = models.DateField(_("in force from"), null=True, blank=True)
    url = models.URLField(_("link to the full text"), blank=True)
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("law or regulation")
        verbose_name_plural = _("laws and regulations")

    def __str__(self):
        return f"《{self.name}》"


class Article(models.Model):
    """One article of a law: the unit a legal basis cites."""

    law = models.ForeignKey(
        Law, verbose_name=_("law"), on_delete=models.PROTECT, related_name="articles"
    )
    number = models.CharField(_("article"), max_length=40, help_text=_("e.g. 第二十二条"))
    text = models.TextField(_("text (excerpt)"), blank=True)
    sort = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["law", "sort", "number"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [models.UniqueConstraint(fields=["law", "number"], name="article_unique")]

    def __str__(self):
        return f"《{self.law.short_name or self.law.name}》{self.number}"


class CategoryKind(models.TextChoices):
    EVENT = "event", _("Event (事件)")
    COMPONENT = "component", _("Component (部件)")
    REQUEST = "request", _("Citizen request (诉求)")


class Redirect(models.TextChoices):
    """Matters that the 12345 channel does not handle itself (北京接诉即办条例)."""

    NONE = "", _("Handled here")
    EMERGENCY = "emergency", _("Emergency: call 110/119/120/122")
    PETITION = "petition", _("Petition (信访) procedure")
    LITIGATION = "litigation", _("Litigation or arbitration")
    DISCIPLINE = "discipline", _("Discipline inspection")
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    DISCLOSURE = "disclosure", _("Government information disclosure")


class MatterCategory(models.Model):
    """A class of matter in the catalogue (GB/T 47678.5 classes and common 12345
    categories): major classes have no parent, minor classes belong to a major one."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("major class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CategoryKind.choices)
    hint = models.CharField(
        _("plain-language hint"),
        max_length=200,
        blank=True,
        help_text=_("Shown to residents choosing a category."),
    )
    redirect = models.CharField(
        _("handled by"), max_length=20, choices=Redirect.choices, blank=True
    )
    emergency_number = models.CharField(_("emergency number"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("matter category")
        verbose_name_plural = _("matter catalogue")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None

    def clean(self):
        errors = {}
        if self.parent_id:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("A category cannot be its own major class.")
            elif parent.parent_id is not None:
                errors["parent"] = _(
                    "%(parent)s is itself a minor class; the catalogue has only two levels."
                ) % {"parent": parent}
            elif self.pk and self.children.exists():
                errors["parent"] = _(
                    "This category is a major class with minor classes; it cannot be placed "
                    "under another class."
                )
            elif self.kind and parent.kind != self.kind:
                errors["parent"] = _(
                    "The major class is of kind “%(parent_kind)s”, not “%(kind)s”."
                ) % {"parent_kind": parent.get_kind_display(), "kind": self.get_kind_display()}
        if self.redirect == Redirect.EMERGENCY and not self.emergency_number.strip():
            errors["emergency_number"] = _(
                "An emergency category needs the emergency number residents should call."
            )
        if self.emergency_number and not re.fullmatch(r"[0-9]{3,8}", self.emergency_number):
            errors["emergency_number"] = _("The emergency number has digits only, e.g. 119.")
        if errors:
            raise ValidationError(errors)

    def is_department_owned(self) -> bool:
        """True when a duty list gives this matter (or its major class) to a department:
        an item of the power list of a department, or a street item withdrawn (收回)."""
        return DutyItem.objects.giving_to_departments().filter(category__in=self.lineage()).exists()

    def lineage(self) -> list["MatterCategory"]:
        """This category, then its major class (most specific first)."""
        chain, node = [], self
        while node is not None and len(chain) < 5:
            chain.append(node)
            node = node.parent
        return chain


class DutyType(models.TextChoices):
    """How a street holds an item of its duty list (乡镇(街道)履职事项清单)."""

    BASIC = "basic", _("Basic duty (基本履职)")
    COOPERATIVE = "cooperative", _("Cooperating duty (配合履职)")
    WITHDRAWN = "withdrawn", _("Withdrawn to the department (收回)")


class ListKind(models.TextChoices):
    POWER = "power", _("Power-and-responsibility list (权责清单)")
    STREET_DUTY = "street_duty", _("Street duty list (履职事项清单)")


class DutyItemQuerySet(models.QuerySet):
    def giving_to_departments(self):
        """Active items that make a matter a department's: an item of a department's
        power list, or a street duty withdrawn (收回) by the departments."""
        return self.filter(
            models.Q(list_kind=ListKind.POWER, body_kind=BodyKind.DEPARTMENT)
            | models.Q(list_kind=ListKind.STREET_DUTY, duty_type=DutyType.WITHDRAWN),
            is_active=True,
        )


class DutyItem(models.Model):
    """An item of a published list: what a kind of body at a level must or may do, on
    which legal basis. On the street duty list, items the departments took back (收回)
    name the department that now owns them."""

    list_kind = models.CharField(_("list"), max_length=12, choices=ListKind.choices)
    title = models.CharField(_("item"), max_length=200)
    body_kind = models.CharField(_("kind of body"), max_length=24, choices=BodyKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    duty_type = models.CharField(
        _("duty type"), max_length=12, choices=DutyType.choices, blank=True
    )
    category = models.ForeignKey(
        MatterCategory,
        verbose_name=_("matter category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_items",
    )
    department = models.ForeignKey(
        Body,
        verbose_name=_("department concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_items",
        help_text=_(
            "The department that owns a withdrawn item, or that a cooperating item supports."
        ),
    )
    articles = models.ManyToManyField(Article, verbose_name=_("legal basis"), blank=True)
    is_active = models.BooleanField(_("in force"), default=True)

    objects = DutyItemQuerySet.as_manager()

    class Meta:
        ordering = ["list_kind", "level", "body_kind", "title"]
        verbose_name = _("duty-list item")
        verbose_name_plural = _("duty-list items")

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.list_kind == ListKind.STREET_DUTY:
            if not self.duty_type:
                errors["duty_type"] = _(
                    "Say how the street holds this item: basic, cooperating or withdrawn."
                )
            if self.body_kind and self.body_kind != BodyKind.STREET_OFFICE:
                errors["body_kind"] = _("Items of the street duty list belong to street offices.")
            if self.duty_type in (DutyType.WITHDRAWN, DutyType.COOPERATIVE) and not (
                self.department_id
            ):
                errors["department"] = _(
                    "Name the department that took this item back or that the street supports."
                )
        elif self.list_kind == ListKind.POWER and self.duty_type:
            errors["duty_type"] = _(
                "Duty types (basic / cooperating / withdrawn) belong to the street duty list."
            )
        if self.department_id and self.department.kind != BodyKind.DEPARTMENT:
            errors["department"] = _("%(body)s is not a district department.") % {
                "body": self.department
            }
        if self.body_kind and self.level and self.level not in BODY_LEVELS[self.body_kind]:
            errors["level"] = _("A %(kind)s works at the %(levels)s level, not the %(level)s.") % {
                "kind": self.get_body_kind_display(),
                "levels": " / ".join(str(Level(x).label) for x in BODY_LEVELS[self.body_kind]),
                "level": self.get_level_display(),
            }
        if errors:
            raise ValidationError(errors)


class Owner(models.TextChoices):
    """Who owns a matter: functional departments' matters never go to streets or
    communities (国办函〔2025〕66号)."""

    DEPARTMENT = "department", _("Functional department")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


# The kinds of body that may lead a matter for each owner.
OWNER_BODY_KINDS = {
    Owner.DEPARTMENT: (BodyKind.DEPARTMENT, BodyKind.STATIONED_AGENCY),
    Owner.STREET: (BodyKind.STREET_OFFICE, BodyKind.ENFORCEMENT_BRIGADE),
    Owner.COMMUNITY: (BodyKind.RESIDENTS_COMMITTEE,),
}


class DispatchRule(models.Model):
    """The dispatch catalogue: a category (optionally only in one area) goes to a lead
    body and optional assisting bodies. The most specific rule wins: a rule for the
    minor class over one for its major class, and a rule for a smaller area over a
    larger one; no rule at all sends the case to the manual dispatch queue."""

    category = models.ForeignKey(
        MatterCategory,
        verbose_name=_("matter category"),
        on_delete=models.PROTECT,
        related_name="dispatch_rules",
    )
    area = models.ForeignKey(
        Region,
        verbose_name=_("only in area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatch_rules",
    )
    owner = models.CharField(_("owner"), max_length=12, choices=Owner.choices)
    lead_kind = models.CharField(_("lead body kind"), max_length=24, choices=BodyKind.choices)
    lead_body = models.ForeignKey(
        Body,
        verbose_name=_("lead body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_rules",
        help_text=_(
            "Required for departments; for streets and communities the body serving "
            "the case's location is chosen."
        ),
    )
    assisting = models.ManyToManyField(
        Body, verbose_name=_("assisting bodies"), blank=True, related_name="assisting_rules"
    )
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["category__code", "area__code"]
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch catalogue")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "area"],
                condition=models.Q(is_active=True),
                name="one_active_rule_per_category_area",
                violation_error_message=_("This category already has a rule for this area."),
            )
        ]

    def __str__(self):
        return f"{self.category} → {self.lead_body or self.get_lead_kind_display()}"

    def clean(self):
        errors = {}
        allowed = OWNER_BODY_KINDS.get(self.owner, ())
        if self.lead_kind and self.lead_kind not in allowed:
            errors["lead_kind"] = _("A matter owned by a %(owner)s is led by a %(kinds)s.") % {
                "owner": self.get_owner_display(),
                "kinds": " / ".join(str(BodyKind(k).label) for k in allowed),
            }
        if self.owner == Owner.DEPARTMENT and not self.lead_body_id:
            errors["lead_body"] = _("Name the department that leads this matter.")
        if self.lead_body_id and self.lead_body.kind != self.lead_kind:
            errors["lead_body"] = _("The lead body is not a %(kind)s.") % {
                "kind": self.get_lead_kind_display()
            }
        if (
            self.category_id
            and self.owner != Owner.DEPARTMENT
            and self.category.is_department_owned()
        ):
            errors["owner"] = _(
                "The duty lists give this matter to a functional department; it cannot be "
                "dispatched to a street or community (国办函〔2025〕66号)."
            )
        if self.lead_body_id and not self.lead_body.is_active and self.is_active:
            errors["lead_body"] = _("%(body)s is no longer active.") % {"body": self.lead_body}
        elif self.lead_body_id and "lead_body" not in errors and not self._lead_serves_area():
            errors["lead_body"] = _(
                "%(body)s does not serve all of %(area)s; name the kind of body instead, so "
                "that the body serving each case's place is chosen."
            ) % {
                "body": self.lead_body,
                "area": self.area.name if self.area_id else _("the whole district"),
            }
        if self.is_active and self.category_id and self._duplicate().exists():
            # The database constraint misses this when the area is empty: PostgreSQL
            # treats NULLs as distinct in a unique index.
            errors["area"] = _("This category already has a rule for this area.")
        if errors:
            raise ValidationError(errors)

    def _lead_serves_area(self) -> bool:
        served = self.lead_body.region
        if self.area_id:
            return self.area.path.startswith(served.path)
        return served.parent_id is None

    def _duplicate(self):
        rules = DispatchRule.objects.filter(is_active=True, category_id=self.category_id)
        if self.area_id is None:
            rules = rules.filter(area__isnull=True)
        else:
            rules = rules.filter(area_id=self.area_id)
        return rules.exclude(pk=self.pk)


class Unit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class TimeLimit(models.Model):
    """A local time limit for one clock of a procedure, for a category (or, without one,
    for the whole procedure) and an urgency. Where the law sets a limit for the clock,
    the local one may only be stricter."""

    procedure = models.CharField(_("procedure"), max_length=40)
    clock = models.CharField(_("clock"), max_length=40)
    category = models.ForeignKey(
        MatterCategory,
        verbose_name=_("matter category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="time_limits",
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    value = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    article = models.ForeignKey(
        Article, verbose_name=_("legal basis"), null=True, blank=True, on_delete=models.PROTECT
    )
    basis_note = models.CharField(
        _("basis (free text)"),
        max_length=200,
        blank=True,
        help_text=_(
            "e.g. the local document that sets the limit, when it is not in the article list."
        ),
    )
    is_active = models.BooleanField(_("in force"), default=True)

    class Meta:
        ordering = ["procedure", "clock", "category__code", "urgency"]
        verbose_name = _("time limit")
        verbose_name_plural = _("time-limit table")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "clock", "category", "urgency"],
                condition=models.Q(is_active=True),
                name="one_active_limit",
                violation_error_message=_("A limit for this clock, category and urgency exists."),
            )
        ]

    def __str__(self):
        return f"{self.procedure}/{self.clock}: {self.value} {self.get_unit_display()}"

    @property
    def legal_basis(self) -> str:
        return str(self.article) if self.article_id else self.basis_note

    def clean(self):
        from shanzhi.duties import statutory

        errors = {}
        if self.value == 0:
            errors["value"] = _("A time limit must be longer than zero.")
        if not self.article_id and not self.basis_note.strip():
            errors["basis_note"] = _(
                "Every time limit shows its basis: choose an article or describe the document."
            )
        if self.is_active and self.procedure and self.clock and self._duplicate().exists():
            # As for dispatch rules: PostgreSQL treats an empty category as distinct.
            errors["category"] = _("A limit for this clock, category and urgency exists.")
        if not errors and self.is_active and self.value and self.unit:
            try:
                statutory.check_not_looser(self.procedure, self.clock, self.value, self.unit)
            except ValidationError as exc:
                errors["value"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def _duplicate(self):
        limits = TimeLimit.objects.filter(
            is_active=True, procedure=self.procedure, clock=self.clock, urgency=self.urgency
        )
        if self.category_id is None:
            limits = limits.filter(category__isnull=True)
        else:
            limits = limits.filter(category_id=self.category_id)
        return limits.exclude(pk=self.pk)


class CalendarOverride(models.Model):
    """A day whose status differs from the national calendar: next year's announced
    holidays and make-up working days before a release carries them, or local days."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("reason"), max_length=100)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.date} {self.name}"


class CatalogueVersion(models.Model):
    """A counter bumped by every write to what routing reads (categories, duty items,
    dispatch rules, time limits, laws, bodies, regions above the grids), so every
    server process knows when its in-memory copy of the catalogue is out of date."""

    version = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return str(self.version)
