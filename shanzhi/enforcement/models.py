"""Administrative penalties delegated to the street (赋权街道的行政执法事项) under the
Administrative Penalty Law (行政处罚法, 2021).

- ``DelegatedMatter``: one power the province delegated to streets (Art. 24), published
  with its organ, basis, procedure and remedies (Art. 39), and its periodic evaluation
  (``MatterEvaluation``, Art. 24 "定期组织评估").
- ``Officer``: a person holding an enforcement certificate (执法证, Art. 42) with its scope.
- ``Device``: a camera whose records may serve as evidence only once it passed the legal
  and technical review and its site is published (Art. 41).
- ``EnforcementCase``: what the law adds to an engine case of the procedure
  ``enforcement`` (``procedures.py``): the matter, the party, the amounts, the flags.
- ``Step`` and ``StepFile``: the full-process record (全过程记录, Art. 47) — each step
  with its text, officers and attachments (photos, audio, video, documents).
- ``Publication``: the public penalty decision (双公示, Art. 48) and its withdrawal.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.models import Case
from shanzhi.core import crypto
from shanzhi.org.models import Body, Region

ZERO = Decimal("0")


class PenaltyKind(models.TextChoices):
    """The kinds of administrative penalty (Art. 9)."""

    WARNING = "warning", _("Warning (警告)")
    FINE = "fine", _("Fine (罚款)")
    CONFISCATION = "confiscation", _("Confiscation of illegal gains or goods (没收)")
    LICENCE = "licence", _("Suspension or revocation of a licence (暂扣或吊销许可证件)")
    CLOSURE = "closure", _("Order to suspend or close business (责令停产停业、责令关闭)")
    DETENTION = "detention", _("Other penalties set by law (其他行政处罚)")


# Penalty kinds that give the party a right to a hearing whatever the amount (Art. 63).
HEARING_KINDS = frozenset({PenaltyKind.LICENCE, PenaltyKind.CLOSURE})


class DelegatedMatter(models.Model):
    power_code = models.CharField(_("power code (权力事项编码)"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.TextField(_("legal basis (articles)"))
    department = models.ForeignKey(
        Body,
        verbose_name=_("delegating department"),
        on_delete=models.PROTECT,
        related_name="delegated_matters",
    )
    decision_number = models.CharField(_("delegation decision number"), max_length=80)
    decision_date = models.DateField(_("delegation decision date"))
    streets = models.ManyToManyField(
        Region, verbose_name=_("streets delegated to"), related_name="delegated_matters"
    )
    scope = models.TextField(_("scope"), blank=True)
    penalty_kinds = models.JSONField(_("penalty kinds"), default=list)
    fine_min = models.DecimalField(
        _("lowest fine (yuan)"), max_digits=12, decimal_places=2, default=ZERO
    )
    fine_max = models.DecimalField(
        _("highest fine (yuan)"), max_digits=12, decimal_places=2, default=ZERO
    )
    on_the_spot = models.BooleanField(_("on-the-spot procedure possible (简易程序)"), default=False)
    active = models.BooleanField(_("in force (not withdrawn)"), default=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        ordering = ["power_code"]
        verbose_name = _("delegated matter")
        verbose_name_plural = _("delegated matters")

    def __str__(self):
        return f"{self.power_code} {self.name}"

    def penalty_labels(self) -> list[str]:
        return [str(PenaltyKind(k).label) for k in self.penalty_kinds if k in PenaltyKind.values]


class Conclusion(models.TextChoices):
    KEEP = "keep", _("Keep the delegation (继续赋权)")
    ADJUST = "adjust", _("Adjust the delegation (调整)")
    WITHDRAW = "withdraw", _("Withdraw the delegation (收回)")


class MatterEvaluation(models.Model):
    """The periodic evaluation of a delegated matter (Art. 24): the figures are computed
    from the cases of the period when it is recorded, and kept as they were."""

    matter = models.ForeignKey(
        DelegatedMatter, on_delete=models.CASCADE, related_name="evaluations"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    volume = models.PositiveIntegerField(_("cases"), default=0)
    overdue = models.PositiveIntegerField(_("decided after 90 days"), default=0)
    reversed_on_review = models.PositiveIntegerField(_("annulled or changed"), default=0)
    complaints = models.PositiveIntegerField(_("complaints"), default=0)
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices)
    note = models.TextField(_("note"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["-period_end", "-pk"]

    def __str__(self):
        return f"{self.matter.power_code} {self.period_start}–{self.period_end}"


class Officer(models.Model):
    """A holder of an administrative enforcement certificate (Art. 42). The scope is the
    listed matters, or every matter delegated to the listed streets."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enforcement_officers"
    )
    certificate_number = models.CharField(_("certificate number (执法证号)"), max_length=40)
    issued_by = models.CharField(_("issuing authority"), max_length=100)
    matters = models.ManyToManyField(
        DelegatedMatter, verbose_name=_("matters in scope"), blank=True, related_name="+"
    )
    streets = models.ManyToManyField(
        Region, verbose_name=_("streets in scope"), blank=True, related_name="+"
    )
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"))
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["certificate_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"],
                name="enforcement_officer_certificate_unique",
                violation_error_message=_("This certificate number is already registered."),
            )
        ]

    def __str__(self):
        name = getattr(self.user, "real_name", "") or self.user.username
        return f"{name} ({self.certificate_number})"


class Device(models.Model):
    """A camera or other device recording violations (电子技术监控设备, Art. 41)."""

    code = models.CharField(_("device code"), max_length=40, unique=True)
    site = models.CharField(_("site"), max_length=200)
    street = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    legally_reviewed = models.BooleanField(_("legal review passed (法制审核)"), default=False)
    technically_reviewed = models.BooleanField(
        _("technical review passed (技术审核)"), default=False
    )
    site_published = models.BooleanField(_("site published (设置地点公布)"), default=False)
    # The day of each record, and the document it rests on (an opinion, a notice).
    legal_review_on = models.DateField(_("legal review on"), null=True, blank=True)
    legal_review_reference = models.CharField(_("reference"), max_length=200, blank=True)
    technical_review_on = models.DateField(_("technical review on"), null=True, blank=True)
    technical_review_reference = models.CharField(_("reference"), max_length=200, blank=True)
    site_published_on = models.DateField(_("site published on"), null=True, blank=True)
    site_published_reference = models.CharField(_("reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.site}"

    @property
    def usable(self) -> bool:
        return self.legally_reviewed and self.technically_reviewed and self.site_published


class PartyKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual (自然人)")
    ORGANISATION = "organisation", _("Organisation (法人或其他组织)")


class Source(models.TextChoices):
    HOTLINE = "hotline", _("12345 case (12345诉求)")
    PATROL = "patrol", _("Patrol report (巡查发现)")
    CAMERA = "camera", _("Camera (电子监控)")
    REPORT = "report", _("Report by a person (举报)")
    TRANSFER = "transfer", _("Transferred by another organ (移送)")


class EnforcementCase(models.Model):
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="enforcement")
    matter = models.ForeignKey(DelegatedMatter, on_delete=models.PROTECT, related_name="cases")
    street = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT)
    # The party (当事人): kept minimised and never on public pages except as published.
    party_kind = models.CharField(_("party"), max_length=12, choices=PartyKind.choices)
    party_name = models.CharField(_("party name"), max_length=100)
    # The ID number (or unified social credit code) and the phone, encrypted at rest
    # like every personal number of the platform (``registry_rotate_keys`` covers them).
    party_id_encrypted = models.TextField(blank=True, editable=False)
    party_phone_encrypted = models.TextField(blank=True, editable=False)
    filing_standard = models.TextField(_("filing standard met (立案标准)"), blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    penalty_kinds = models.JSONField(_("penalty intended"), default=list)
    fine = models.DecimalField(_("fine (yuan)"), max_digits=12, decimal_places=2, default=ZERO)
    hearing_offered = models.BooleanField(default=False)
    hearing_at = models.DateTimeField(null=True, blank=True)
    review_required = models.BooleanField(_("legal review required (法制审核)"), default=False)
    review_reason = models.CharField(_("why it is required"), max_length=200, blank=True)
    reviewed_draft = models.PositiveIntegerField(null=True, blank=True)  # legal Draft pk
    first_violation = models.BooleanField(_("first minor violation (首违不罚)"), default=False)
    on_the_spot = models.BooleanField(_("on-the-spot penalty (简易程序)"), default=False)
    decision_number = models.CharField(max_length=60, blank=True)
    decision_text = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_late = models.BooleanField(default=False)
    served_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    surcharge = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-pk"]

    party_id = crypto.encrypted_property("party_id")
    party_phone = crypto.encrypted_property("party_phone")

    def __str__(self):
        return self.case.number

    def penalty_labels(self) -> list[str]:
        return [str(PenaltyKind(k).label) for k in self.penalty_kinds if k in PenaltyKind.values]

    @property
    def hearing_triggered(self) -> bool:
        from shanzhi.enforcement.rules import hearing_triggered

        return hearing_triggered(self)


class StepKind(models.TextChoices):
    CLUE = "clue", _("Clue (线索)")
    FILING = "filing", _("Filing (立案)")
    EVIDENCE = "evidence", _("Investigation and evidence (调查取证)")
    NOTICE = "notice", _("Notice of the intended penalty (事先告知)")
    STATEMENT = "statement", _("Statement and defence (陈述申辩)")
    HEARING = "hearing", _("Hearing (听证)")
    DECISION = "decision", _("Decision (决定)")
    SERVICE = "service", _("Service (送达)")
    EXECUTION = "execution", _("Execution (执行)")
    ON_THE_SPOT = "on_the_spot", _("On-the-spot penalty (当场处罚)")
    NO_PENALTY = "no_penalty", _("No penalty (不予处罚)")


class Step(models.Model):
    """One entry of the full-process record (Art. 47)."""

    ecase = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=StepKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    officers = models.ManyToManyField(Officer, blank=True, related_name="+")
    text = models.TextField(blank=True)
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class FileKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class StepFile(models.Model):
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=10, choices=FileKind.choices)
    file = models.FileField(upload_to="enforcement/%Y/%m/")
    name = models.CharField(max_length=200)

    def __str__(self):
        return self.name


class Annulment(models.TextChoices):
    ANNULLED = "annulled", _("Annulled (撤销)")
    CHANGED = "changed", _("Changed (变更)")
    UNLAWFUL = "unlawful", _("Confirmed unlawful (确认违法)")
    VOID = "void", _("Confirmed void (确认无效)")


class Publication(models.Model):
    """The public notice of a penalty decision (Art. 48): due 7 working days after the
    decision; withdrawn within 3 working days after the decision is annulled or changed."""

    ecase = models.OneToOneField(
        EnforcementCase, on_delete=models.PROTECT, related_name="publication"
    )
    due_at = models.DateTimeField()
    text = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    annulment = models.CharField(max_length=10, choices=Annulment.choices, blank=True)
    annulled_at = models.DateTimeField(null=True, blank=True)
    withdraw_due_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    withdraw_on_time = models.BooleanField(null=True)

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.ecase_id}"
