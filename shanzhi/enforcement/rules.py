"""The rules of the Administrative Penalty Law as plain functions: the late-payment
surcharge (Art. 72), the on-the-spot limits (Art. 51), when a hearing is due (Art. 63),
the officers a step needs (Art. 42), and the personal data a publication may not carry
(个人信息保护法)."""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shanzhi.enforcement import procedures as p

CENT = Decimal("0.01")
SURCHARGE_RATE = Decimal("0.03")
# Art. 51: on the spot, a warning or a fine of at most these amounts.
ON_THE_SPOT_MAX = {"individual": Decimal("200"), "organisation": Decimal("3000")}
# Art. 63: "较大数额" is set by the province; these are the defaults, overridden by the
# setting SHANZHI_ENFORCEMENT_HEARING_FINE ({"individual": …, "organisation": …}).
DEFAULT_HEARING_FINE = {"individual": Decimal("10000"), "organisation": Decimal("100000")}

ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")


def surcharge(fine, due: date, paid: date) -> Decimal:
    """The late-payment surcharge (加处罚款, Art. 72): 3 % of the fine for every day
    after the last day to pay, never more than the fine itself."""
    fine = Decimal(fine)
    days = (paid - due).days
    if days <= 0 or fine <= 0:
        return Decimal("0.00")
    amount = (fine * SURCHARGE_RATE * days).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(amount, fine.quantize(CENT))


def hearing_fine(party_kind: str) -> Decimal:
    configured = getattr(settings, "SHANZHI_ENFORCEMENT_HEARING_FINE", None) or {}
    value = configured.get(party_kind, DEFAULT_HEARING_FINE[party_kind])
    return Decimal(str(value))


def hearing_triggered(ecase) -> bool:
    """The intended penalty gives the party a right to a hearing (Art. 63): a large fine
    (by the configured threshold), revocation of a licence, an order to close …"""
    from shanzhi.enforcement.models import HEARING_KINDS

    if set(ecase.penalty_kinds) & set(HEARING_KINDS):
        return True
    return Decimal(ecase.fine or 0) >= hearing_fine(ecase.party_kind)


def check_on_the_spot(party_kind: str, penalty_kinds, fine) -> None:
    """Art. 51: on the spot only a warning, or a fine of at most 200 yuan for an
    individual or 3,000 yuan for an organisation."""
    fine = Decimal(fine or 0)
    kinds = set(penalty_kinds)
    if not kinds or not kinds <= {"warning", "fine"}:
        raise ValidationError(
            {
                "penalty_kinds": _(
                    "On the spot only a warning or a fine may be imposed (%(basis)s)."
                )
                % {"basis": p.ART_51}
            }
        )
    limit = ON_THE_SPOT_MAX[party_kind]
    if fine > limit:
        raise ValidationError(
            {
                "fine": _(
                    "A fine of %(fine)s yuan is above the on-the-spot limit of %(limit)s "
                    "yuan for this party: use the general procedure (%(basis)s)."
                )
                % {"fine": fine, "limit": limit, "basis": p.ART_51}
            }
        )


def officer_problem(officer, matter, street, on: date) -> str:
    """Why ``officer`` may not act on ``matter`` in ``street`` on the day ``on``; ""
    when they may."""
    name = getattr(officer.user, "real_name", "") or officer.user.username
    if officer.revoked:
        return _("%(name)s: the certificate %(number)s is revoked.") % {
            "name": name,
            "number": officer.certificate_number,
        }
    if on < officer.valid_from:
        return _("%(name)s: the certificate %(number)s is valid only from %(date)s.") % {
            "name": name,
            "number": officer.certificate_number,
            "date": officer.valid_from.isoformat(),
        }
    if on > officer.expires_on:
        return _("%(name)s: the certificate %(number)s expired on %(date)s.") % {
            "name": name,
            "number": officer.certificate_number,
            "date": officer.expires_on.isoformat(),
        }
    matters = {m.pk for m in officer.matters.all()}
    streets = {s.pk for s in officer.streets.all()}
    if matter.pk not in matters and street.pk not in streets:
        return _("%(name)s: the certificate does not cover %(matter)s in %(street)s.") % {
            "name": name,
            "matter": matter.name,
            "street": street.name,
        }
    return ""


def check_officers(officers, matter, street, on: date) -> None:
    """Art. 42: at least two officers, each holding a valid certificate covering the
    matter, on the day of the step."""
    officers = list({o.pk: o for o in officers}.values())
    problems = [x for x in (officer_problem(o, matter, street, on) for o in officers) if x]
    if len(officers) < 2:
        problems.insert(
            0,
            _("At least two officers holding enforcement certificates are needed; %(n)s given.")
            % {"n": len(officers)},
        )
    if problems:
        raise ValidationError({"officers": [f"{problem} ({p.ART_42})" for problem in problems]})


def personal_data_in(text: str) -> list[str]:
    """What personal data a text to be published carries (ID numbers, mobile numbers)."""
    found = []
    if ID_NUMBER_RE.search(text or ""):
        found.append(_("an ID number"))
    if MOBILE_RE.search(text or ""):
        found.append(_("a mobile number"))
    return found


def mask_name(name: str) -> str:
    """An individual's name as published: the family name only (张**)."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)
