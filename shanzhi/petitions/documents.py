"""The texts of the documents issued to a petitioner, generated once when the step is
taken and stored as issued (``models.Document``), in the deployment's language.

Each says what the regulation requires it to say: the acceptance notice the body that
accepted and the handling period (Art. 23, Art. 34); a notice that ends a petition the
reason, the basis and the competent channel (Arts. 19, 23, 28, 31, 36); the notice of an
extension its reason (Art. 34); the handling opinion the request, the facts and reasons,
the opinion with its legal basis and the right to ask for a review within 30 days
(Arts. 32, 35); a review opinion the right to a re-review (Art. 36), and a re-review
opinion that it is final (Art. 36).
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shanzhi.petitions import procedures
from shanzhi.petitions.models import Document, DocumentKind, ReviewLevel

SEPARATOR = "\n\n"


def _day(instant) -> str:
    return f"{timezone.localtime(instant):%Y-%m-%d}"


def _addressee(petition) -> str:
    if petition.anonymous or not petition.name:
        return _("To the petitioner:")
    return _("To %(name)s:") % {"name": petition.name}


def _signature(body_name: str, at) -> str:
    return f"{body_name}\n{_day(at)}"


def _head(kind: str, number: str) -> str:
    return f"{DocumentKind(kind).label}\n{_('No. %(number)s') % {'number': number}}"


def next_number(case, kind: str) -> str:
    """``<case number>-<kind initial><n>``: unique, and it tells which case it is for."""
    count = Document.objects.filter(case=case, kind=kind).count()
    return f"{case.number}-{kind[:2].upper()}{count + 1}"


def acceptance(petition, *, number: str, body, at, due) -> str:
    parts = [
        _head(DocumentKind.ACCEPTANCE, number),
        _addressee(petition),
        _(
            "Your petition %(case)s, received on %(received)s, has been accepted by "
            "%(body)s on %(day)s (信访工作条例 Art. 23)."
        )
        % {
            "case": petition.case.number,
            "received": _day(petition.received_at),
            "body": body.name,
            "day": _day(at),
        },
        _(
            "It is handled within 60 days of its acceptance, by %(due)s; a complex matter "
            "may be given at most 30 days more, and you will be told why (Art. 34)."
        )
        % {"due": _day(due)},
        _("You can follow its handling and evaluate it online (Art. 21)."),
        _signature(body.name, at),
    ]
    return SEPARATOR.join(parts)


def ending(petition, kind: str, *, number: str, reason: str, basis: str, channel: str, by, at):
    """A notice that ends a petition: not accepted, separated, or routed elsewhere."""
    lead = {
        DocumentKind.NOT_ACCEPTED: _(
            "Your petition %(case)s, received on %(received)s, is not accepted."
        ),
        DocumentKind.SEPARATED: _(
            "Your petition %(case)s, received on %(received)s, concerns rights to be "
            "claimed in litigation: it is separated from the petition channel and referred "
            "to the political-legal organs (诉访分离, 信访工作条例 Art. 28)."
        ),
        DocumentKind.ROUTED: _(
            "Your petition %(case)s, received on %(received)s, can be resolved through a "
            "legal procedure of its own and is routed to it (信访工作条例 Art. 31)."
        ),
    }[kind] % {"case": petition.case.number, "received": _day(petition.received_at)}
    parts = [
        _head(kind, number),
        _addressee(petition),
        lead,
        _("Reason: %(reason)s") % {"reason": reason},
        _("Basis: %(basis)s") % {"basis": basis},
        _("Where to turn: %(channel)s") % {"channel": channel},
        _signature(by, at),
    ]
    return SEPARATOR.join(parts)


def extension(petition, *, number: str, amount: int, reason: str, due, body, at) -> str:
    parts = [
        _head(DocumentKind.EXTENSION, number),
        _addressee(petition),
        _(
            "The handling period of your petition %(case)s is extended by %(days)d days, "
            "to %(due)s, with the approval of the head of %(body)s (信访工作条例 Art. 34)."
        )
        % {"case": petition.case.number, "days": amount, "due": _day(due), "body": body.name},
        _("Reason: %(reason)s") % {"reason": reason},
        _signature(body.name, at),
    ]
    return SEPARATOR.join(parts)


def opinion(petition, *, number: str, outcome, findings: str, text: str, basis: str, body, at):
    """The handling opinion (信访处理意见书, Art. 32) with the right to a review."""
    parts = [
        _head(DocumentKind.OPINION, number),
        _addressee(petition),
        _("Petition %(case)s, received on %(received)s.")
        % {"case": petition.case.number, "received": _day(petition.received_at)},
        _("Request: %(request)s") % {"request": petition.request},
        _("Facts and reasons: %(facts)s") % {"facts": petition.facts or "—"},
    ]
    if findings:
        parts.append(_("Facts found: %(findings)s") % {"findings": findings})
    parts += [
        _("Opinion: %(opinion)s") % {"opinion": text},
        _("Outcome: %(outcome)s") % {"outcome": outcome.label},
        _("Legal basis: %(basis)s") % {"basis": basis},
        _(
            "If you do not accept this opinion, you may ask the organ one level above "
            "%(body)s for a review (复查) within 30 days of receiving it "
            "(信访工作条例 Art. 35)."
        )
        % {"body": body.name},
        _signature(body.name, at),
    ]
    return SEPARATOR.join(parts)


def review_opinion(review, *, number: str, outcome, text: str, basis: str, body, at) -> str:
    kind = DocumentKind.REVIEW if review.level == ReviewLevel.REVIEW else DocumentKind.REREVIEW
    if review.level == ReviewLevel.REVIEW:
        remedy = _(
            "If you do not accept this review opinion, you may ask the organ one level "
            "above %(body)s for a re-review (复核) within 30 days of receiving it "
            "(信访工作条例 Art. 36)."
        ) % {"body": body.name}
    else:
        remedy = _(
            "This re-review opinion is final: a petition with the same facts and reasons "
            "is not accepted again (信访工作条例 Art. 36)."
        )
    parts = [
        _head(kind, number),
        _addressee(review.petition),
        _("Request %(case)s about %(reviewed)s, received on %(received)s.")
        % {
            "case": review.case.number,
            "reviewed": review.review_of.number,
            "received": _day(review.requested_at),
        },
        _("Reasons given: %(reasons)s") % {"reasons": review.reasons},
        _("Opinion: %(opinion)s") % {"opinion": text},
        _("Outcome: %(outcome)s") % {"outcome": outcome.label},
        _("Legal basis: %(basis)s") % {"basis": basis},
        remedy,
        _signature(body.name, at),
    ]
    return SEPARATOR.join(parts)


def issue(case, kind: str, make, *, actor, at, delivery: str = "in_writing") -> Document:
    """Generate the text (``make(number)``) in the deployment's language and store it."""
    number = next_number(case, kind)
    with translation.override(settings.LANGUAGE_CODE):
        text = make(number)
    document = Document(
        case=case,
        kind=kind,
        number=number,
        delivery=delivery,
        issued_at=at,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.text = text
    document.save()
    return document


KIND_OF_ENDING = {
    "not_accept": DocumentKind.NOT_ACCEPTED,
    "separate": DocumentKind.SEPARATED,
    "route": DocumentKind.ROUTED,
}
BASIS_OF_ENDING = {
    "not_accept": procedures.ART_23,
    "separate": procedures.ART_28,
    "route": procedures.ART_31,
}
