"""Drafts under legal review, the requests and opinions of the review, the reviewers'
qualifications and the instruments (normative documents, major administrative decisions,
contracts) that need a passing review before they are issued.

A draft belongs either to an engine case (an enforcement case's penalty decision) or to an
instrument; each saved change of its text is a new version with the SHA-256 digest of the
text, so that an opinion names exactly the text it approved. A review request is a case
of its own (procedure ``legal_review``) whose clock gives the reviewer the review period.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ActKind(models.TextChoices):
    """The kinds of act that go through legal review (DOMAIN §3.3, §3.4)."""

    ENFORCEMENT_DECISION = "enforcement_decision", _("Major enforcement decision (重大执法决定)")
    NORMATIVE_DOCUMENT = "normative_document", _("Normative document (规范性文件)")
    MAJOR_DECISION = "major_decision", _("Major administrative decision (重大行政决策)")
    CONTRACT = "contract", _("Contract (合同)")


# The kinds an Instrument can be: acts that are not steps of an engine case.
INSTRUMENT_KINDS = (ActKind.NORMATIVE_DOCUMENT, ActKind.MAJOR_DECISION, ActKind.CONTRACT)


class Outcome(models.TextChoices):
    PASS = "pass", _("Passed (通过)")
    PASS_WITH_CHANGES = "pass_with_changes", _("Passed after changes (修改后通过)")
    FAIL = "fail", _("Not passed (不予通过)")


class InstrumentState(models.TextChoices):
    DRAFT = "draft", _("Draft (起草)")  # being drafted; no consultation yet
    CONSULTING = "consulting", _("Public consultation (征求意见)")  # consultation set
    REVIEWED = "reviewed", _("Reviewed (已审核)")  # the current draft passed legal review
    ISSUED = "issued", _("Issued (已发布)")  # issued; no further changes


class Instrument(models.Model):
    """A normative document, major administrative decision or contract of a body."""

    kind = models.CharField(_("kind"), max_length=30, choices=ActKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.ForeignKey(
        "org.Body",
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="legal_instruments",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=InstrumentState.choices, default=InstrumentState.DRAFT
    )
    consultation_starts = models.DateField(_("consultation starts"), null=True, blank=True)
    consultation_ends = models.DateField(_("consultation ends"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField()
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return self.title


class Draft(models.Model):
    """One version of the text of a decision or instrument."""

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_drafts",
    )
    instrument = models.ForeignKey(
        Instrument, null=True, blank=True, on_delete=models.PROTECT, related_name="drafts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActKind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    version = models.PositiveIntegerField(_("version"))
    digest = models.CharField(_("SHA-256 digest"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(instrument__isnull=True))
                | (Q(case__isnull=True) & Q(instrument__isnull=False)),
                name="legal_draft_of_one_subject",
            ),
            models.UniqueConstraint(
                fields=["case", "version"],
                condition=Q(case__isnull=False),
                name="legal_draft_case_version",
            ),
            models.UniqueConstraint(
                fields=["instrument", "version"],
                condition=Q(instrument__isnull=False),
                name="legal_draft_instrument_version",
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def previous(self):
        return (
            Draft.objects.filter(
                case_id=self.case_id,
                instrument_id=self.instrument_id,
                version__lt=self.version,
            )
            .order_by("-version")
            .first()
        )


class Reviewer(models.Model):
    """A legal adviser's national legal professional qualification (法律职业资格): those
    doing legal review of penalty decisions for the first time must hold it
    (《行政处罚法》第五十八条第二款)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_reviewer"
    )
    certificate_number = models.CharField(
        _("legal professional qualification certificate number (法律职业资格证书编号)"),
        max_length=40,
        unique=True,
    )
    qualified_on = models.DateField(_("qualified on"))

    class Meta:
        verbose_name = _("qualified reviewer")
        verbose_name_plural = _("qualified reviewers")

    def __str__(self):
        return f"{self.user} ({self.certificate_number})"


class ReviewRequestQuerySet(models.QuerySet):
    def open(self):
        """Waiting for an opinion."""
        return self.filter(opinion__isnull=True)

    def waiting(self):
        """Not yet given to a reviewer."""
        return self.open().filter(reviewer__isnull=True)


class ReviewRequest(models.Model):
    """A request for legal review of one draft version; its case (procedure
    ``legal_review``) carries the review clock and the steps."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="legal_review_request"
    )
    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(_("kind of act"), max_length=30, choices=ActKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    body = models.ForeignKey(
        "org.Body",
        verbose_name=_("requesting body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_path = models.CharField(max_length=255, db_index=True, default="")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legal_reviews",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_time = models.BooleanField(
        _("reviewer's first legal review of a penalty decision (初次从事法制审核)"), default=False
    )
    due_at = models.DateTimeField(_("due"))
    # The opinion of the earlier version whose required changes this request confirms.
    confirms = models.ForeignKey(
        "Opinion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("review request")
        verbose_name_plural = _("review requests")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return self.case.number


class Opinion(models.Model):
    """The legal review opinion (法制审核意见) on a request: one per request."""

    request = models.OneToOneField(ReviewRequest, on_delete=models.PROTECT, related_name="opinion")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    bases = models.TextField(_("legal bases"))
    changes = models.TextField(_("changes required"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")

    def __str__(self):
        return f"{self.request} {self.outcome}"
