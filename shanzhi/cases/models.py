"""Cases, their clocks, attachments, objections, extension requests, supervision orders
and merges."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.duties.models import MatterCategory, Unit, Urgency
from shanzhi.org.models import Body, Region


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    WEB = "web", _("Web")
    MOBILE = "mobile", _("Mobile app")
    PATROL = "patrol", _("Grid-worker patrol")
    CAMERA = "camera", _("Camera / automatic discovery")
    VISIT = "visit", _("In person")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")


class RequestKind(models.TextChoices):
    """The five kinds of 12345 request (北京接诉即办条例)."""

    CONSULTATION = "consultation", _("Consultation (咨询)")
    HELP = "help", _("Help (求助)")
    COMPLAINT = "complaint", _("Complaint (投诉)")
    REPORT = "report", _("Report (举报)")
    SUGGESTION = "suggestion", _("Suggestion (建议)")


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEUTRAL = 3, _("Neutral")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# Columns the work queues are filtered by, carried in their indexes.
QUEUE_FILTERS = ("category", "procedure", "urgency")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        from shanzhi.cases.access import case_filter

        return self.filter(case_filter(user))

    def open(self):
        from shanzhi.cases.procedure import all_procedures

        final = {s.key for p in all_procedures() for s in p.states if s.final}
        return self.exclude(state__in=final)


class Case(models.Model):
    """One matter following one procedure. ``state`` changes only through the engine's
    conditional update (``cases/engine.py``); ``version`` guards against lost updates."""

    number = models.CharField(_("case number"), max_length=24, unique=True)
    procedure = models.CharField(_("procedure"), max_length=40, db_index=True)
    state = models.CharField(_("state"), max_length=30)
    version = models.PositiveIntegerField(default=1)
    category = models.ForeignKey(
        MatterCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    kind = models.CharField(
        _("kind of request"), max_length=16, choices=RequestKind.choices, blank=True
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_cases",
    )
    street = models.ForeignKey(
        Region,
        verbose_name=_("street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="street_cases",
    )
    # Path of the most specific unit the case is located in ("/1/4/17/…"): scope checks
    # are one indexed prefix match, as for the org tree.
    scope_path = models.CharField(max_length=255, db_index=True, default="")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requested_cases",
    )
    requester_name = models.CharField(_("requester"), max_length=50, blank=True)
    requester_phone = models.CharField(_("requester phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("The requester's identity is shown only to those handling the case."),
    )
    # A report (举报) about a body: the case is never routed to that body and the
    # requester's identity is never shown to it (DOMAIN §6).
    accused_body = models.ForeignKey(
        Body,
        verbose_name=_("body reported on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a report (举报) about a body: it never handles the case."),
    )
    responsible_body = models.ForeignKey(
        Body,
        verbose_name=_("responsible body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    # What the dispatch catalogue proposed at intake, and why: the dispatcher confirms or
    # overrides it; nothing proposed means the manual dispatch queue.
    routed_body = models.ForeignKey(
        Body,
        verbose_name=_("proposed body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    routing_note = models.CharField(_("routing"), max_length=300, blank=True)
    assisting_bodies = models.ManyToManyField(
        Body, verbose_name=_("assisting bodies"), blank=True, related_name="assisted_cases"
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    reopened = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    created = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated = models.DateTimeField(_("last change"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # The work queues, within an area, with the columns they are filtered by (the
            # queues read them from the index alone; on PostgreSQL the case id is included,
            # which SQLite's indexes hold anyway): a body's (to accept, in progress), a
            # state's (to dispatch), a category's (with the state last: the queues by due
            # instant keep to the states in which a deadline can run).
            models.Index(
                fields=["responsible_body", "state", "scope_path", *QUEUE_FILTERS],
                include=["id"],
                name="case_body_state_scope",
            ),
            models.Index(fields=["procedure", "state", "created"]),
            models.Index(fields=["scope_path", "state"]),
            models.Index(
                fields=["state", "scope_path", *QUEUE_FILTERS],
                include=["id"],
                name="case_state_scope",
            ),
            models.Index(
                fields=["category", "scope_path", "procedure", "urgency", "state"],
                include=["id"],
                name="case_category_scope",
            ),
            # Duplicate detection (cases/duplicates.py): the recent cases of the grids near
            # a point, and of a category class anywhere, with every column its filters
            # read, the visibility's included, and on PostgreSQL the case id (the
            # candidates are chosen from the index alone, rows are read for those only);
            # and a caller's earlier cases by phone.
            models.Index(
                fields=[
                    "grid",
                    "category",
                    "created",
                    "state",
                    "lat",
                    "lon",
                    "street",
                    "scope_path",
                    "responsible_body",
                ],
                include=["id"],
                name="case_similar_grid",
            ),
            models.Index(
                fields=[
                    "category",
                    "created",
                    "state",
                    "street",
                    "grid",
                    "scope_path",
                    "responsible_body",
                ],
                include=["id"],
                name="case_similar_category",
            ),
            models.Index(fields=["requester_phone", "created"], name="case_requester_phone"),
            # Other systems read what changed since their last visit (api: updated_since).
            models.Index(fields=["updated", "id"], name="case_updated"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def procedure_def(self):
        from shanzhi.cases.procedure import get

        return get(self.procedure)

    def get_state_display(self):
        return self.procedure_def.state_label(self.state)


class ClockQuerySet(models.QuerySet):
    def running(self):
        return self.filter(stopped_at__isnull=True, paused_at__isnull=True)

    def overdue(self, now=None):
        """Running past the due instant: the one definition of "overdue". Windows (an
        objection period) close rather than run late."""
        from shanzhi.cases.procedure import window_clocks

        return (
            self.running()
            .filter(due_at__lt=now or timezone.now())
            .exclude(name__in=window_clocks())
        )


class Clock(models.Model):
    """A statutory or local time limit running on a case. Started, paused, resumed and
    stopped by transitions; the on-time verdict is frozen when it stops."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    name = models.CharField(_("clock"), max_length=40)
    started_at = models.DateTimeField(_("started"))
    duration = models.FloatField(_("limit"))
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("due"))
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    # What was left of the limit when it was paused, in the clock's unit.
    remaining_at_pause = models.FloatField(null=True, blank=True)
    paused_seconds = models.FloatField(_("time paused (s)"), default=0)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    # What the approved extensions added to the limit, in the clock's unit.
    extended_by = models.FloatField(_("extended by"), default=0)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    # Which sweep run claimed the overdue clock (several sweepers may run at once).
    claimed_by = models.CharField(max_length=32, blank=True)
    escalated_to = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            # Running clocks by due instant: work queues read in due order, and the sweep
            # finds the unmarked overdue ones without reading the marked (a million cases
            # have a hundred thousand of those, re-read every minute otherwise)…
            models.Index(
                fields=["due_at", "case", "name", "overdue_at"],
                name="clock_open_due",
                condition=Q(stopped_at__isnull=True, paused_at__isnull=True),
            ),
            # … and a case's next due instant, read from the index alone.
            models.Index(
                fields=["case", "due_at", "name"],
                name="clock_open_case_due",
                condition=Q(stopped_at__isnull=True, paused_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.case.number} {self.name} → {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def label(self):
        spec = self.case.procedure_def.by_clock.get(self.name)
        return spec.label if spec else self.name

    @property
    def running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None

    @property
    def limit(self) -> float:
        """The limit in force: the one it started with plus the approved extensions."""
        return self.duration + self.extended_by


def attachment_path(instance, filename):
    return f"cases/{instance.case.created:%Y/%m}/{instance.case.number}/{filename}"


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # The step it was asked for ended (reply, re-dispatch, rework) before anyone decided.
    LAPSED = "lapsed", _("Lapsed")


class ExtensionRequest(models.Model):
    """A request by the handling body for more time (延期申请), and its decision. At most
    one request of a case waits for a decision at a time."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    clock = models.CharField(_("clock"), max_length=40)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    requested = models.FloatField(_("requested"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.PENDING,
    )
    granted = models.FloatField(_("granted"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="one_pending_extension_per_case",
            )
        ]
        indexes = [
            # The approvers' list of requests waiting for a decision.
            models.Index(
                fields=["requested_at", "case"],
                name="extension_pending",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.case.number} +{self.requested:g} {self.unit}"


class SupervisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(answered_at__isnull=True)

    def overdue(self, now=None):
        """Not answered by the deadline: the one definition of an overdue order."""
        return self.open().filter(deadline__lt=now or timezone.now())


class SupervisionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    ANSWERED = "answered", _("Answered")


class Supervision(models.Model):
    """A supervision order (督办) from a supervisor to the responsible body, tracked until
    the body answers it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    body = models.ForeignKey(
        Body, verbose_name=_("to body"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateTimeField(_("answer by"))
    note = models.TextField(_("instruction"))
    created = models.DateTimeField(default=timezone.now)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        indexes = [
            # A supervisor's open orders, and a body's orders to answer, by deadline.
            models.Index(
                fields=["issued_by", "deadline"],
                name="supervision_open_by_issuer",
                condition=Q(answered_at__isnull=True),
            ),
            models.Index(
                fields=["body", "deadline"],
                name="supervision_open_by_body",
                condition=Q(answered_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.case.number} → {self.body}"

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.deadline

    def status(self, now=None) -> str:
        if self.answered_at is not None:
            return SupervisionStatus.ANSWERED
        if self.deadline < (now or timezone.now()):
            return SupervisionStatus.OVERDUE
        return SupervisionStatus.OPEN


class Follow(models.Model):
    """A resident who has the same matter as an open case and follows it instead of
    reporting it again ("me too", 附议): they read its outcome and are told of its steps
    as its requester is. Written and removed only by ``cases.follow``."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    created = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="follow_once"),
        ]
        indexes = [models.Index(fields=["user", "-created"], name="follow_by_user")]

    def __str__(self):
        return f"{self.user} → {self.case.number}"
