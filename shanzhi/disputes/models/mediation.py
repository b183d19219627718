"""People's mediation: committees and their members, and a dispute's own facts beside its
case (the case holds the state, clocks and timeline; see ``disputes/procedure.py``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.disputes.models.choices import DisputeCategory, DisputeScale
from shanzhi.org.models import Body, Region

# 人民调解法 Art. 8: a committee has three to nine members (委员).
COMMITTEE_MIN, COMMITTEE_MAX = 3, 9


class CommitteeQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.disputes.access import MEDIATION_READERS, area_filter

        return self.filter(area_filter(user, MEDIATION_READERS))

    def active(self):
        return self.filter(is_active=True)


class Committee(models.Model):
    """A people's mediation committee (人民调解委员会), set up by a residents' committee
    (Art. 8) or a street (Art. 34)."""

    name = models.CharField(_("name"), max_length=100)
    body = models.ForeignKey(
        Body,
        verbose_name=_("set up by"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The residents' committee or street office that set it up."),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    term_start = models.DateField(_("term from"), null=True, blank=True)
    term_end = models.DateField(_("term until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["path", "name"]
        verbose_name = _("mediation committee")
        verbose_name_plural = _("mediation committees")

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair (主任)")
    VICE_CHAIR = "vice_chair", _("Vice-chair (副主任)")
    MEMBER = "member", _("Member (委员)")
    # Art. 13: mediators are the members and the people the committee appoints.
    APPOINTED = "appointed", _("Appointed mediator (聘任调解员)")


COMMITTEE_ROLES = (MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER)


class MemberSex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    role = models.CharField(_("role"), max_length=12, choices=MemberRole.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=MemberSex.choices)
    is_active = models.BooleanField(_("serving"), default=True)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"


class Remedy(models.TextChoices):
    """人民调解法 Art. 26: 仲裁、行政、司法等途径."""

    LITIGATION = "litigation", _("A lawsuit at a people's court (诉讼)")
    ARBITRATION = "arbitration", _("Arbitration (仲裁)")
    ADMINISTRATIVE = "administrative", _("An administrative body (行政处理)")
    OTHER = "other", _("Another remedy")


class Performance(models.TextChoices):
    FULL = "full", _("Performed in full")
    PARTLY = "partly", _("Performed in part")
    NOT = "not", _("Not performed")


class Dispute(models.Model):
    """A dispute's facts, modelled on GB/T 31000's 矛盾纠纷 items (scale, category, people
    involved, parties; resolution organisation and persons). Its code tables were not
    checked; the evaluation is the parties' score, not GB/T 31000's 考评."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="dispute", primary_key=True
    )
    category = models.CharField(
        _("kind of dispute"), max_length=24, choices=DisputeCategory.choices
    )
    scale = models.CharField(_("scale"), max_length=10, choices=DisputeScale.choices)
    people_involved = models.PositiveIntegerField(_("people involved"))
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Resolution: the organisation and the people who mediate it.
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("mediation committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    # Days the parties agreed to add to the mediation period, and how they agreed on it.
    agreed_extension_days = models.PositiveSmallIntegerField(
        _("mediation period extended by (days)"), default=0
    )
    period_agreement = models.TextField(_("the parties' agreement on the period"), blank=True)
    # Ended without agreement: the remedy the parties were told of (Art. 26).
    remedy = models.CharField(_("other remedy"), max_length=16, choices=Remedy.choices, blank=True)
    remedy_detail = models.CharField(_("the remedy named"), max_length=200, blank=True)
    # The follow-up visit (Art. 31) and the parties' evaluation.
    performance = models.CharField(
        _("performance"), max_length=10, choices=Performance.choices, blank=True
    )
    evaluation = models.PositiveSmallIntegerField(_("parties' evaluation"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")

    def __str__(self):
        return self.case.number


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class DisputeParty(models.Model):
    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("in the registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.name


class DisputeMediator(models.Model):
    """A mediator named for a dispute (Art. 19); with several, one leads."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="mediators")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+")
    lead = models.BooleanField(_("lead mediator"), default=False)

    class Meta:
        ordering = ["-lead", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "member"], name="mediator_once"),
            models.UniqueConstraint(
                fields=["dispute"], condition=Q(lead=True), name="one_lead_mediator"
            ),
        ]

    def __str__(self):
        return str(self.member)


class Session(models.Model):
    """A mediation session and its record (Art. 27: 调解工作记录)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("held"))
    place = models.CharField(_("place"), max_length=200)
    attendees = models.CharField(_("present"), max_length=500)
    notes = models.TextField(_("record"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")

    def __str__(self):
        return f"{self.dispute} {self.held_at:%Y-%m-%d}"


class AgreementKind(models.TextChoices):
    WRITTEN = "written", _("Written (调解协议书)")
    ORAL = "oral", _("Oral (口头协议)")


class AgreementQuerySet(models.QuerySet):
    def effective(self):
        return self.filter(effective_at__isnull=False)


class Agreement(models.Model):
    """The mediation agreement: the matters of Art. 29 (the parties, the facts and what
    was disputed with each side's responsibility, the terms and how and by when they are
    performed). A written one binds from its signature (Art. 29), an oral one from the
    day it is reached (Art. 30); until then it is a draft."""

    dispute = models.OneToOneField(Dispute, on_delete=models.CASCADE, related_name="agreement")
    kind = models.CharField(_("kind"), max_length=8, choices=AgreementKind.choices)
    facts = models.TextField(_("facts, matters in dispute and responsibilities"))
    terms = models.TextField(_("terms agreed"))
    performance = models.TextField(_("how and by when they are performed"))
    effective_at = models.DateTimeField(_("in effect from"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(default=timezone.now)
    # Judicial confirmation (司法确认, Art. 33): the parties' joint request, when known.
    confirmation_requested_on = models.DateField(_("confirmation requested on"), null=True)
    confirmation_court = models.CharField(_("court"), max_length=100, blank=True)
    # The reminder that the window closes soon: claimed by one sweeper (conditional UPDATE).
    reminder_claim = models.CharField(max_length=32, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation agreement")
        verbose_name_plural = _("mediation agreements")
        indexes = [
            models.Index(
                fields=["effective_at"],
                name="agreement_to_remind",
                condition=Q(kind="written", reminded_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.dispute} {self.get_kind_display()}"
