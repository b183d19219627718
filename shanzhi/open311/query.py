"""``GET requests``: the standard's filters, its 90-day window and the common
``page``/``page_size`` extension, read and checked whole."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.procedure import get
from shanzhi.duties.models import MatterCategory
from shanzhi.lib import open311
from shanzhi.open311.errors import bad_request
from shanzhi.open311.public import PUBLIC_PROCEDURES, published

PARAMETERS = (
    "jurisdiction_id",
    "api_key",  # accepted and ignored: the answer is the same with or without a key
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
)
MAX_IDS = 100
# The standard's default is "the first 1000 requests"; a page is never larger.
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE = 1000
MAX_PAGE = 100_000
STATUSES = ("open", "closed")
NUMBER = re.compile(r"[A-Za-z0-9-]{1,24}")
_DIGITS = re.compile(r"[0-9]{1,9}")


@dataclass
class Query:
    ids: list[str]
    codes: list[str]
    statuses: list[str]
    start: object = None
    end: object = None
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE


def _int(value: str, name: str, low: int, high: int, default: int, errors: list) -> int:
    if not value:
        return default
    if not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
        errors.append(
            _("%(field)s: give a whole number from %(low)s to %(high)s.")
            % {"field": name, "low": low, "high": high}
        )
        return default
    return int(value)


def _date(value: str, name: str, errors: list):
    if not value:
        return None
    try:
        return open311.parse_w3c(value, timezone.get_current_timezone())
    except open311.NotW3CDate:
        errors.append(
            _(
                "%(field)s: give a date and time with its time zone, e.g. "
                "2026-01-31T00:00:00+08:00 or 2026-01-31T00:00:00Z."
            )
            % {"field": name}
        )
        return None


def read(params, now=None) -> Query:
    """The query a ``GET requests`` asks for; ``Open311Error`` with every problem."""
    errors = []
    for name in sorted(set(params) - set(PARAMETERS)):
        errors.append(_("%(field)s: this parameter is not known.") % {"field": name})
    value = {}
    for name in PARAMETERS:
        given = params.getlist(name)
        if len(given) > 1:
            errors.append(_("%(field)s: give it once.") % {"field": name})
        value[name] = (given[0] if given else "").strip()
    ids = open311.comma_list(value["service_request_id"])
    if len(ids) > MAX_IDS:
        errors.append(_("service_request_id: at most %(n)s ids at once.") % {"n": MAX_IDS})
    bad_ids = [i for i in ids if not NUMBER.fullmatch(i)]
    if bad_ids:
        errors.append(
            _("service_request_id: %(ids)s is not a request id.") % {"ids": ", ".join(bad_ids)}
        )
    query = Query(ids=ids, codes=[], statuses=[])
    if ids:  # "This overrides all other arguments."
        if errors:
            raise bad_request(*errors)
        return query
    query.codes = open311.comma_list(value["service_code"])
    known = set(MatterCategory.objects.filter(code__in=query.codes).values_list("code", flat=True))
    for code in query.codes:
        if code not in known:
            errors.append(_("service_code %(code)s is not a service.") % {"code": code})
    query.statuses = open311.comma_list(value["status"])
    if set(query.statuses) - set(STATUSES):
        errors.append(_("status: choose open, closed or both (open,closed)."))
    start = _date(value["start_date"], "start_date", errors)
    end = _date(value["end_date"], "end_date", errors)
    query.page = _int(value["page"], "page", 1, MAX_PAGE, 1, errors)
    query.page_size = _int(
        value["page_size"], "page_size", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, errors
    )
    if not errors:
        try:
            query.start, query.end = open311.window(start, end, now or timezone.now())
        except open311.WindowReversed:
            errors.append(_("end_date lies before start_date."))
        except open311.WindowTooLong:
            errors.append(_("start_date and end_date may be at most 90 days apart."))
    if errors:
        raise bad_request(*errors)
    return query


def _final_states() -> set[str]:
    return {s.key for key in PUBLIC_PROCEDURES for s in get(key).states if s.final}


def cases(query: Query) -> list:
    """The published cases the query asks for, newest first, one page."""
    qs = published()
    if query.ids:
        return list(qs.filter(number__in=query.ids).order_by("-created", "-pk"))
    qs = qs.filter(created__gte=query.start, created__lte=query.end)
    if query.codes:
        # A major class takes its minor classes.
        categories = MatterCategory.objects.filter(
            Q(code__in=query.codes) | Q(parent__code__in=query.codes)
        )
        qs = qs.filter(category_id__in=list(categories.values_list("pk", flat=True)))
    if len(query.statuses) == 1:
        final = _final_states()
        qs = (
            qs.filter(state__in=final)
            if query.statuses == ["closed"]
            else qs.exclude(state__in=final)
        )
    offset = (query.page - 1) * query.page_size
    return list(qs.order_by("-created", "-pk")[offset : offset + query.page_size])
