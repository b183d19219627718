"""Petitions (信访) as the case engine runs them, and what the regulation adds to a case.

Each petition is a ``cases.Case`` of the procedure ``petition`` (``procedures.py``) with
one ``Petition`` row beside it: the channel and its details, the class (Arts. 29–31),
who petitions (encrypted, with blind indexes to find the same petitioner again), the
representatives of a group visit (Art. 20), the first-letter and repeat flags, the
first-handling body (首办责任) and the leader in personal charge (包案). A review (复查,
Art. 35) or re-review (复核, Art. 36) is a case of its own, linked to the case it reviews
by a ``Review`` row. Documents (受理告知书, 信访处理意见书 …) are stored as the text that
was issued, encrypted like the identity they carry.

The material of a 检举控告 petition lives here only: its engine case carries a neutral
title and description, so that lists, notices, the API and exports never hold it
(docs/petitions.md, "Confidentiality").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanzhi.cases.models import Case
from shanzhi.core import crypto
from shanzhi.org.models import Body, Region


class PetitionClass(models.TextChoices):
    """The three classes of 信访工作条例 Arts. 29–31."""

    SUGGESTION = "suggestion", _("Suggestion or opinion (建议意见)")
    ACCUSATION = "accusation", _("Accusation (检举控告)")
    CLAIM = "claim", _("Appeal or claim (申诉求决)")


class PetitionChannel(models.TextChoices):
    """The forms of Art. 17, all entered into the same system (Art. 21)."""

    ONLINE = "online", _("Online (信息网络)")
    LETTER = "letter", _("Letter (书信)")
    PHONE = "phone", _("Telephone (电话)")
    FAX = "fax", _("Fax (传真)")
    VISIT = "visit", _("Visit (走访)")


class PetitionerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation (名称)")


class Outcome(models.TextChoices):
    """The handling opinion (信访处理意见书), Art. 32."""

    SUPPORTED = "supported", _("Supported (予以支持)")
    EXPLAINED = "explained", _("Explained (解释说明)")
    NOT_SUPPORTED = "not_supported", _("Not supported (不予支持)")


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("Original opinion upheld (维持)")
    CHANGED = "changed", _("Original opinion changed (变更)")
    REVOKED = "revoked", _("Revoked, to be handled again (撤销重办)")


class Remedy(models.TextChoices):
    """Where a matter goes that has its own legal procedure (Arts. 28, 31)."""

    LITIGATION = "litigation", _("Litigation (诉讼)")
    PROCURATORATE = "procuratorate", _("Procuratorate (检察机关)")
    POLICE = "police", _("Public security procedure (公安机关法律程序)")
    ARBITRATION = "arbitration", _("Arbitration (仲裁)")
    PARTY_APPEAL = "party_appeal", _("Party-member appeal or re-examination (党员申诉、申请复审)")
    ADMINISTRATIVE = (
        "administrative",
        _(
            "Administrative procedure: reconsideration, ruling, confirmation, licence, "
            "penalty (行政程序)"
        ),
    )


encrypted = crypto.encrypted_property


class PetitionQuerySet(models.QuerySet):
    def of_petitioner(self, *, id_index: str = "", phone_index: str = "", account=None):
        """Petitions by the same petitioner: the same ID number, the same phone number or
        the same account."""
        query = Q(pk__in=[])
        if id_index:
            query |= Q(id_number_index=id_index)
        if phone_index:
            query |= Q(phone_index=phone_index)
        if account is not None:
            query |= Q(case__requester=account)
        return self.filter(query)


class Petition(models.Model):
    """What the regulation adds to a petition's case. Written only by ``actions``."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="petition")
    petition_class = models.CharField(_("class"), max_length=12, choices=PetitionClass.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=PetitionChannel.choices)
    received_at = models.DateTimeField(_("received"))
    # A letter: the date on the envelope's postmark; a fax: the sending number.
    postmark_date = models.DateField(_("postmark date"), null=True, blank=True)
    fax_number = models.CharField(_("fax number"), max_length=30, blank=True)
    online_reference = models.CharField(_("online reference"), max_length=60, blank=True)
    # A visit: where it was received and the record of the talk (接谈记录).
    visit_place = models.CharField(_("place of the visit"), max_length=100, blank=True)
    visit_record_encrypted = models.TextField(blank=True, editable=False)

    petitioner_kind = models.CharField(
        _("petitioner"), max_length=12, choices=PetitionerKind.choices, default="person"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name_encrypted = models.TextField(blank=True, editable=False)
    name_masked = models.CharField(_("name"), max_length=60, blank=True)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address_encrypted = models.TextField(blank=True, editable=False)

    # The material (Art. 19: request, facts and reasons), encrypted like the identity.
    subject_encrypted = models.TextField(editable=False)
    request_encrypted = models.TextField(editable=False)
    facts_encrypted = models.TextField(blank=True, editable=False)
    accused_encrypted = models.TextField(blank=True, editable=False)

    place = models.ForeignKey(
        Region,
        verbose_name=_("place of the matter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # 初信初访: the petitioner's first petition about this matter.
    is_first = models.BooleanField(_("first letter or visit (初信初访)"), default=True)
    # 重复信访: the earlier petition about the same matter by the same petitioner.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    # 交办 rather than 转送: the office expects the result back (Art. 22 (3)).
    assigned = models.BooleanField(_("assigned (交办)"), default=False)
    # 首办责任: the body, and its officer, that first accepted the petition.
    first_body = models.ForeignKey(
        Body,
        verbose_name=_("first-handling body (首办责任)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 包案: a leader in personal charge of a backlog petition (Art. 18).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge (包案)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_in_charge",
    )
    leader_since = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # Not accepted, separated or routed: the basis and the channel the petitioner was told.
    end_basis = models.CharField(_("basis"), max_length=100, blank=True)
    end_channel = models.CharField(_("competent channel"), max_length=200, blank=True)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PetitionQuerySet.as_manager()

    name = encrypted("name")
    id_number = encrypted("id_number")
    phone = encrypted("phone")
    address = encrypted("address")
    subject = encrypted("subject")
    request = encrypted("request")
    facts = encrypted("facts")
    accused = encrypted("accused")
    visit_record = encrypted("visit_record")

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            models.Index(fields=["received_at", "petition_class"], name="petition_received"),
        ]

    def __str__(self):
        # Frozen into the audit log: the number only, never a name or the matter.
        return self.case.number

    @property
    def confidential(self) -> bool:
        """Identity and material kept from everyone but those who handle it (Art. 30)."""
        return self.petition_class == PetitionClass.ACCUSATION


class ParticipantRole(models.TextChoices):
    REPRESENTATIVE = "representative", _("Representative")
    ACCOMPANYING = "accompanying", _("Accompanying")


class Participant(models.Model):
    """A person of a group visit: one of at most five representatives (Art. 20), or one of
    those who came with them, recorded as accompanying."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=16, choices=ParticipantRole.choices)
    name_encrypted = models.TextField(editable=False)
    name_masked = models.CharField(_("name"), max_length=60)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)

    name = encrypted("name")
    id_number = encrypted("id_number")

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self):
        return f"{self.petition} {self.get_role_display()}"


class FileKind(models.TextChoices):
    LETTER = "letter", _("Scanned letter")
    ENVELOPE = "envelope", _("Envelope")
    FAX = "fax", _("Fax")
    VISIT = "visit", _("Visit record")
    OTHER = "other", _("Other material")


def file_path(instance, filename):
    return f"petitions/{instance.case.created:%Y/%m}/{instance.case.number}/{filename}"


class PetitionFile(models.Model):
    """Material of a petition or a review: kept here, not among the case's attachments,
    so that it is served only through the petition's access rules (and logged)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="petition_files")
    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=file_path)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("petition file")
        verbose_name_plural = _("petition files")

    def __str__(self):
        return f"{self.case.number} {self.get_kind_display()}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance notice (受理告知书)")
    NOT_ACCEPTED = "not_accepted", _("Notice of non-acceptance (不予受理告知书)")
    SEPARATED = "separated", _("Notice of separation to the judicial channel (诉访分离告知书)")
    ROUTED = "routed", _("Notice of another legal procedure (导入法定途径告知书)")
    EXTENSION = "extension", _("Notice of extension (延期告知书)")
    OPINION = "opinion", _("Petition handling opinion (信访处理意见书)")
    REVIEW = "review", _("Review opinion (复查意见书)")
    REREVIEW = "rereview", _("Re-review opinion (复核意见书)")


class Delivery(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", _("On the spot (当场书面告知)")
    IN_WRITING = "in_writing", _("In writing (书面告知)")


class Document(models.Model):
    """A document issued to the petitioner, as it was issued: its text is generated once
    (``documents.py``) and stored encrypted; the printable page shows that text."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="petition_documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    text_encrypted = models.TextField(editable=False)
    delivery = models.CharField(
        _("delivery"), max_length=12, choices=Delivery.choices, default="in_writing"
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    text = encrypted("text")

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("petition document")
        verbose_name_plural = _("petition documents")

    def __str__(self):
        return self.number


class ReviewLevel(models.IntegerChoices):
    REVIEW = 1, _("Review (复查)")
    REREVIEW = 2, _("Re-review (复核)")


class Review(models.Model):
    """A review (复查) of a petition's handling opinion, or a re-review (复核) of a review
    opinion: a case of its own, linked to the case it reviews. A case is reviewed once."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="review")
    review_of = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="reviewed_by", verbose_name=_("review of")
    )
    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="reviews")
    level = models.PositiveSmallIntegerField(_("level"), choices=ReviewLevel.choices)
    requested_at = models.DateTimeField(_("request received"))
    postmark_date = models.DateField(_("postmark date"), null=True, blank=True)
    reasons_encrypted = models.TextField(editable=False)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReviewOutcome.choices, blank=True
    )

    reasons = encrypted("reasons")

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return self.case.number
