"""The cases a person raised, for their card: cases whose requester gave one of the
person's phone numbers, or whose requester account carries it.

Why here, and why the import of ``shanzhi.cases`` sits inside the function: imports run
one way, ``lib`` ← ``core`` ← ``org`` ← ``registry``, ``duties`` ← ``cases``; the engine may
use the registry, never the other way round at import time. The person card is a
registry page that shows engine data, so this one function reaches up to the engine
when it is called, and nothing of the registry depends on the cases app being loaded.
(If the engine grows a "cases of a requester" query, this should call it instead.)

Only cases the viewer may see are listed (``Case.objects.visible_to``), and of those only
the ones whose requester the viewer may know (``cases.access.may_see_requester``): a
confidential requester stays hidden from a grid worker, a whistle-blower from the body
reported on. Anonymous cases are never linked to anybody.

A number the person gave up (a closed record) links only the cases raised before they
gave it up: numbers are passed on to other people.
"""

from __future__ import annotations

from django.db.models import Q

from shanzhi.lib import codes

SHOWN = 20


def phone_forms(number: str) -> set[str]:
    """How a stored number may have been typed into a case: the digits alone, a mobile
    with +86, a landline with a hyphen after a 3- or 4-digit area code."""
    digits = codes.normalize_phone(number)
    if not digits:
        return set()
    forms = {digits}
    if digits.startswith("1") and len(digits) == 11:
        forms |= {f"+86{digits}", f"+86 {digits}"}
    elif digits.startswith("0"):
        forms |= {f"{digits[:3]}-{digits[3:]}", f"{digits[:4]}-{digits[4:]}"}
    return forms


def cases_for_person(user, person, *, limit: int = SHOWN) -> list:
    """Up to ``limit`` cases raised by ``person`` that ``user`` may see, newest first."""
    from shanzhi.cases.access import may_see_requester
    from shanzhi.cases.models import Case
    from shanzhi.core.models import User

    if person.is_anonymised:
        return []
    match = Q(pk__in=[])
    mobiles = set()
    for record in person.records.exclude(phone_encrypted="").only("phone_encrypted", "valid_to"):
        number = codes.normalize_phone(record.phone)
        forms = phone_forms(number)
        if not forms:
            continue
        by_phone = Q(requester_phone__in=sorted(forms))
        if record.valid_to is not None:
            by_phone &= Q(created__date__lt=record.valid_to)
        match |= by_phone
        if record.valid_to is None and len(number) == 11 and number.startswith("1"):
            mobiles.add(number)
    if mobiles:
        accounts = list(User.objects.filter(phone__in=sorted(mobiles)).values_list("pk", flat=True))
        if accounts:
            match |= Q(requester_id__in=accounts)
    cases = (
        Case.objects.visible_to(user)
        .filter(match, anonymous=False)
        .select_related("category", "responsible_body__region", "accused_body", "grid")
        .distinct()
        .order_by("-created")
    )
    shown = []
    for case in cases[: limit * 3]:
        if may_see_requester(user, case):
            shown.append(case)
            if len(shown) == limit:
                break
    return shown
