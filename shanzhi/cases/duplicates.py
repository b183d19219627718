"""Possible duplicates of a matter being reported (并单 candidates): open cases of the last
``WINDOW`` about the same thing near the same place, ranked; and the requester's own
recent cases, flagged as repeat requests.

How (measured at a million cases by bench/duplicates.py; figures in docs/duplicates.md):

1. **Narrowed in SQL.** Every candidate is open (its state is not final), was received
   within ``WINDOW`` and is visible to ``user`` (the work queues' visibility,
   ``queues.visible_cases``). When a category is given, only its class counts: the
   category, its major class and the major class's other minor classes. Then:
   - with a point: the cases of the grids that reach within ``NEAR_M`` of it, inside the
     box of latitudes and longitudes around it (and the cases of its own grid that have
     no point); with a category, also the cases of its class located in no grid (by an
     address only) in the same street or nowhere;
   - with a grid but no point: the cases of that grid (and, with a category, those of
     its class in no grid of the same street);
   - with a category and no grid: the cases of its class (in the street, if one is
     given, or located nowhere);
   - with no category and no place, nothing narrows the search to a set that means
     anything (a district's month holds tens of thousands of cases): no text candidates;
   - always: the requester's own cases (same account, or same phone number) of any
     category and place.
   Each narrowing is a few ranges of an index that holds every column it filters on,
   the visibility's included (``case_similar_grid``: grid, category, received …;
   ``case_similar_category``: category, received …): ``MAX_CANDIDATES`` of them are
   chosen from the index alone (the same category first, then the nearest, then the
   most recent), and only their rows are read. The requester's cases
   come from the indexes of the account and of the phone number
   (``case_requester_phone``).
2. **Scored in Python**: the character-bigram similarity of the texts (``lib/textsim.py``),
   the distance (haversine) or the same grid or street, and the same category or class,
   weighted by ``WEIGHTS`` over the parts that the query gives; a repeat by the same
   requester adds ``SAME_REQUESTER_BONUS``. Candidates scoring below ``MIN_SCORE`` are
   dropped, unless they are the same requester's.

Privacy: with ``user=None`` no visibility applies (a public page such as the resident
portal): the caller shows public fields only, and a phone number is not matched, or a
stranger could learn which cases a number reported. A phone match on a confidential case,
or on a report about a body, counts only for a user who may see that case's requester
(``access.may_see_requester``).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import shapely
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as SqlCase
from django.db.models import ExpressionWrapper, F, FloatField, Q, Value, When
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from shanzhi.cases.access import may_see_requester
from shanzhi.cases.models import Case
from shanzhi.cases.queues import visible_cases
from shanzhi.duties import routing as catalogue
from shanzhi.lib import distance, geo, identity, textsim
from shanzhi.org import geoindex
from shanzhi.org.models import Level, Region

WINDOW = timedelta(days=30)  # cases received this long ago or later
NEAR_M = 300.0  # with a point: candidates within this distance; the nearer, the higher
MAX_CANDIDATES = 100  # cases read per narrowing at most (``_priority`` says which)
TEXT_CHARS = 200  # of a description, the start compared
MIN_SCORE = 0.3  # weaker candidates are not shown (the same requester's always are)
# Weights of the parts of the score; a part the query does not give (no place, no
# category) is left out and the others scaled to a sum of 1.
WEIGHTS = {"text": 0.6, "place": 0.25, "category": 0.15}
SAME_REQUESTER_BONUS = 0.15
UNLOCATED_IN_GRID = 0.5  # place score, in the point's grid without a point of its own
SAME_STREET = 0.5  # place score of the same street (of the same grid: 1)
SAME_CLASS = 0.5  # category score of the same class (of the same category: 1)

BY_GRID = "case_similar_grid"
BY_CATEGORY = "case_similar_category"
FIELDS = (
    "id",
    "number",
    "procedure",
    "state",
    "title",
    "excerpt",
    "category_id",
    "grid_id",
    "street_id",
    "lat",
    "lon",
    "requester_id",
    "requester_phone",
    "confidential",
    "accused_body_id",
)


@dataclass
class Candidate:
    case: Case
    score: float  # 0 … 1
    distance_m: float | None  # from the point given, when both have one
    reasons: list[str] = field(default_factory=list)
    same_requester: bool = False


@dataclass(frozen=True)
class Query:
    title: frozenset[str]
    text: frozenset[str]
    categories: dict[int, float]  # category id → category score
    lon: float | None
    lat: float | None
    grid_id: int | None
    street_id: int | None
    requester_id: int | None
    phone: str


def similar_cases(
    *,
    title: str,
    description: str,
    category=None,
    lon: float | None = None,
    lat: float | None = None,
    grid: Region | None = None,
    street: Region | None = None,
    requester=None,
    phone: str = "",
    now=None,
    limit: int = 5,
    user=None,
    exclude: int | None = None,
) -> list[Candidate]:
    """The open cases most like the matter described, best first (at most ``limit``).

    ``category``: a ``MatterCategory``; ``lon``/``lat``: the point in WGS84 degrees (both
    or neither); ``grid``/``street``: where the matter is when there is no point;
    ``requester``/``phone``: who reports it (their own cases are flagged); ``user``: whose
    visibility applies (None: none, see the module's notes); ``exclude``: the id of a case
    not to propose (the case itself, on a merge screen)."""
    query, cases = prepare(
        title=title,
        description=description,
        category=category,
        lon=lon,
        lat=lat,
        grid=grid,
        street=street,
        requester=requester,
        phone=phone,
        now=now,
        user=user,
    )
    if exclude is not None:
        cases = cases.exclude(pk=exclude)
    rows = {}
    order = _priority(query)
    for narrowed, index in _narrowings(cases, query):
        rows.update((values[0], values) for values in _read(narrowed, index, order))
    return rank(query, rows.values(), user, limit)


def prepare(*, title, description, category, lon, lat, grid, street, requester, phone, now, user):
    """What a search compares with (the query), and the cases it may propose: open,
    received within ``WINDOW``, visible to ``user``."""
    now = now or timezone.now()
    if (lon is None) != (lat is None):
        raise ValueError("lon and lat go together")
    grid_id = grid.pk if grid is not None else None
    street_id = street.pk if street is not None else None
    if lon is not None:
        grid_id, street_id = _grids().locate(lon, lat, grid_id, street_id)
    elif grid is not None and street is None:
        chain = catalogue.area_chain(grid)
        street_id = next((r.pk for r in chain if r.level == Level.STREET), None)
    phone = phone.strip() if user is not None else ""
    if identity.is_valid_mobile(phone):
        phone = identity.normalize_mobile(phone)
    title_text = textsim.normalize(title)
    query = Query(
        title=textsim.ngrams(title_text),
        text=textsim.ngrams(title_text) | textsim.shingles(description[:TEXT_CHARS]),
        categories=_category_scores(category),
        lon=lon,
        lat=lat,
        grid_id=grid_id,
        street_id=street_id,
        requester_id=requester.pk if requester is not None else None,
        phone=phone,
    )
    cases = Case.objects.all() if user is None else visible_cases(user)
    return query, cases.open().filter(created__gte=now - WINDOW)


def rank(query: Query, rows, user, limit: int) -> list[Candidate]:
    """The best ``limit`` of ``rows`` (tuples of ``FIELDS``) as candidates, best first."""
    scored = [_score(query, dict(zip(FIELDS, values, strict=True))) for values in rows]
    scored = _keep_private(scored, user)
    scored = [s for s in scored if s.score >= MIN_SCORE or s.same_requester]
    # Equal scores: the most recent first (keys grow with time).
    scored.sort(key=lambda s: (-s.score, -s.row["id"]))
    return _finish(query, scored[:limit])


def read_rows(narrowed) -> list[tuple]:
    """All of ``narrowed`` as tuples of ``FIELDS`` (for comparisons; no cap)."""
    excerpt = Substr("description", 1, TEXT_CHARS)
    return list(narrowed.annotate(excerpt=excerpt).values_list(*FIELDS))


# --- Narrowing --------------------------------------------------------------------------


def _category_scores(category) -> dict[int, float]:
    """The category's class (its major class and all minor classes of that), each with
    its category score: 1 for the category itself, ``SAME_CLASS`` for the others. Read
    from the catalogue's in-memory copy (``duties.routing.snapshot``)."""
    if category is None:
        return {}
    major = category.parent_id or category.pk
    scores = {
        pk: SAME_CLASS
        for pk, c in catalogue.snapshot().categories.items()
        if major in (pk, c.parent_id)
    }
    scores[category.pk] = 1.0
    return scores


def _narrowings(cases, query: Query) -> list[tuple]:
    """The candidate sets to read (see the module's notes), each with the index that
    answers it as one range (or a few): (grid, category, created) and (category,
    created). Without a category, "any category" is written as the list of them all
    plus "none", so that the grid index still ranges over ``created``."""
    found = []
    if query.categories:
        in_class = [Q(category_id__in=sorted(query.categories))]
    else:
        every = sorted(catalogue.snapshot().categories)
        in_class = [Q(category_id__in=every), Q(category_id__isnull=True)]
    street = Q(street_id=query.street_id) | Q(street_id__isnull=True)
    if query.lon is not None:
        near = grids_near(query.lon, query.lat, NEAR_M)
        if near:
            lo_lon, lo_lat, hi_lon, hi_lat = distance.box_around(query.lon, query.lat, NEAR_M)
            in_box = Q(lat__gte=lo_lat, lat__lte=hi_lat, lon__gte=lo_lon, lon__lte=hi_lon)
            if query.grid_id is not None:
                in_box |= Q(lat__isnull=True, grid_id=query.grid_id)
            for of_class in in_class:
                found.append((cases.filter(of_class, in_box, grid_id__in=near), BY_GRID))
    elif query.grid_id is not None:
        for of_class in in_class:
            found.append((cases.filter(of_class, grid_id=query.grid_id), BY_GRID))
    elif query.categories:
        of_class = cases.filter(*in_class)
        found.append((of_class.filter(street) if query.street_id else of_class, BY_CATEGORY))
    if query.categories and (query.lon is not None or query.grid_id is not None):
        # Cases of the class located by an address only (in no grid).
        unlocated = cases.filter(*in_class, grid_id__isnull=True)
        found.append((unlocated.filter(street) if query.street_id else unlocated, BY_GRID))
    same = Q()
    if query.requester_id is not None:
        same |= Q(requester_id=query.requester_id)
    if query.phone:
        same |= Q(requester_phone=query.phone)
    if same:
        # The account's index and the phone number's: the planner takes both.
        found.append((cases.filter(same), None))
    return found


def _priority(query: Query) -> list:
    """Which cases of a narrowing to read when it holds more than ``MAX_CANDIDATES``: the
    query's own category before the rest of its class, then the nearest (by a flat
    distance worked out from the index's columns), then the most recent. (Most recent
    first alone missed the best candidate in a third of the benchmark's queries: an
    older report of the same thing at the same spot.)"""
    order = []
    if query.categories:
        own = [pk for pk, score in query.categories.items() if score == 1.0]
        order.append(SqlCase(When(category_id__in=own, then=Value(0)), default=Value(1)).asc())
    if query.lon is not None:
        east = (F("lon") - query.lon) * math.cos(math.radians(query.lat))
        north = F("lat") - query.lat
        flat = ExpressionWrapper(east * east + north * north, output_field=FloatField())
        order.append(flat.asc(nulls_last=True))
    order.append(F("created").desc())
    return order


def _read(narrowed, index: str | None, order: list) -> list[tuple]:
    """The ``FIELDS`` of the first ``MAX_CANDIDATES`` cases of ``narrowed`` in ``order``:
    their ids first, chosen from ``index`` alone (it holds every column that the filters
    and the order read), then the rows of those only (a row read is a page of the table
    each, the costly part).

    SQLite has no statistics to plan by (nothing runs ``ANALYZE``) and, left to itself,
    would rather take an index of the visibility filter (an area's path range: a third
    of all cases), so on SQLite the index is named (``INDEXED BY``); PostgreSQL plans by
    its statistics."""
    excerpt = Substr("description", 1, TEXT_CHARS)
    if index is None:
        rows = narrowed.annotate(excerpt=excerpt).order_by("-created").values_list(*FIELDS)
        return list(rows[:MAX_CANDIDATES])
    chosen = narrowed.order_by(*order).values_list("pk", flat=True)[:MAX_CANDIDATES]
    if connection.vendor == "sqlite":
        try:
            sql, params = chosen.query.sql_with_params()
        except EmptyResultSet:  # the filters rule out every case
            return []
        table = connection.ops.quote_name(Case._meta.db_table)
        indexed = f"FROM {table} INDEXED BY {connection.ops.quote_name(index)}"
        with connection.cursor() as cursor:
            cursor.execute(sql.replace(f"FROM {table}", indexed, 1), params)
            ids = [row[0] for row in cursor.fetchall()]
    else:
        ids = list(chosen)
    if not ids:
        return []
    return list(Case.objects.filter(pk__in=ids).annotate(excerpt=excerpt).values_list(*FIELDS))


class _Grids:
    """The active grids' shapes in an STRtree, and each grid's street: kept per process,
    and read again when the point-in-grid index is rebuilt (``org/geoindex.py``: a grid
    changed)."""

    def __init__(self, index):
        self.index = index
        rows = (
            Region.objects.active().filter(level=Level.GRID).values_list("pk", "path", "geometry")
        )
        rows = [(pk, path, geo.parse_polygon(shape)) for pk, path, shape in rows if shape]
        self.keys = tuple(pk for pk, _path, _shape in rows)
        self.tree = shapely.STRtree([shape for _pk, _path, shape in rows]) if rows else None
        streets = dict(Region.objects.filter(level=Level.STREET).values_list("path", "pk"))
        self.street = {
            pk: next((streets[p] for p in _prefixes(path) if p in streets), None)
            for pk, path, _shape in rows
        }

    def near(self, lon: float, lat: float, radius_m: float) -> list[int]:
        if self.tree is None:
            return []
        box = shapely.box(*distance.box_around(lon, lat, radius_m))
        return sorted(self.keys[i] for i in self.tree.query(box, predicate="intersects"))

    def locate(self, lon: float, lat: float, grid_id, street_id) -> tuple:
        """The grid containing the point and its street (else those given)."""
        found = self.index.lookup(lon, lat)
        if found is None:
            return grid_id, street_id
        return found, self.street.get(found, street_id)


def _prefixes(path: str) -> list[str]:
    """ "/1/2/3/" → ["/1/", "/1/2/", "/1/2/3/"]."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(1, len(parts) + 1)]


_grids_lock = threading.Lock()
_grids_state: dict = {"grids": None}


def _grids() -> _Grids:
    index = geoindex.grid_index()
    grids = _grids_state["grids"]
    if grids is None or grids.index is not index:
        with _grids_lock:
            grids = _grids_state["grids"]
            if grids is None or grids.index is not index:
                grids = _grids_state["grids"] = _Grids(index)
    return grids


def grids_near(lon: float, lat: float, radius_m: float) -> list[int]:
    """Ids of the active grids that reach into the box of ``radius_m`` around the point."""
    return _grids().near(lon, lat, radius_m)


# --- Scoring ----------------------------------------------------------------------------


@dataclass
class _Scored:
    base: float  # without the bonus for the same requester
    text: float
    place: float | None
    meters: float | None
    category: float | None
    row: dict
    by_account: bool
    by_phone: bool

    @property
    def same_requester(self) -> bool:
        return self.by_account or self.by_phone

    @property
    def score(self) -> float:
        return min(1.0, self.base + SAME_REQUESTER_BONUS) if self.same_requester else self.base


def _score(query: Query, row: dict) -> _Scored:
    title = textsim.ngrams(textsim.normalize(row["title"]))
    text = textsim.dice(query.text, title | textsim.shingles(row["excerpt"] or ""))
    if query.title:
        text = max(text, textsim.dice(query.title, title))
    total, weight = WEIGHTS["text"] * text, WEIGHTS["text"]
    place = meters = category = None
    if query.lon is not None:
        if row["lat"] is not None and row["lon"] is not None:
            meters = distance.haversine_m(query.lon, query.lat, row["lon"], row["lat"])
            place = max(0.0, 1.0 - meters / NEAR_M)
        elif query.grid_id is not None and row["grid_id"] == query.grid_id:
            place = UNLOCATED_IN_GRID
        else:
            place = 0.0
    elif query.grid_id is not None or query.street_id is not None:
        if query.grid_id is not None and row["grid_id"] == query.grid_id:
            place = 1.0
        elif query.street_id is not None and row["street_id"] == query.street_id:
            place = SAME_STREET
        else:
            place = 0.0
    if place is not None:
        total, weight = total + WEIGHTS["place"] * place, weight + WEIGHTS["place"]
    if query.categories:
        category = query.categories.get(row["category_id"], 0.0)
        total, weight = total + WEIGHTS["category"] * category, weight + WEIGHTS["category"]
    return _Scored(
        base=total / weight,
        text=text,
        place=place,
        meters=meters,
        category=category,
        row=row,
        by_account=query.requester_id is not None and row["requester_id"] == query.requester_id,
        by_phone=bool(query.phone) and row["requester_phone"] == query.phone,
    )


def _keep_private(scored: list[_Scored], user) -> list[_Scored]:
    """A phone number matched on a confidential case, or on a report about a body, is no
    match for a user who may not see that case's requester (DOMAIN §6)."""
    private = {
        s.row["id"]: s
        for s in scored
        if s.by_phone and not s.by_account and (s.row["confidential"] or s.row["accused_body_id"])
    }
    if private:
        cases = Case.objects.filter(pk__in=private).select_related("responsible_body__region")
        for case in cases:
            if user is None or not may_see_requester(user, case):
                private[case.pk].by_phone = False
    return scored


def _reasons(query: Query, s: _Scored) -> list[str]:
    reasons = [_("same requester")] if s.same_requester else []
    if s.text > 0:
        reasons.append(_("text %(percent)d %% alike") % {"percent": round(100 * s.text)})
    if s.meters is not None and s.meters <= NEAR_M:
        reasons.append(_("%(meters)d m away") % {"meters": round(s.meters)})
    elif s.place and query.grid_id is not None and s.row["grid_id"] == query.grid_id:
        reasons.append(_("same grid"))
    elif s.place and query.street_id is not None and s.row["street_id"] == query.street_id:
        reasons.append(_("same street"))
    if s.category == 1.0:
        reasons.append(_("same category"))
    elif s.category:
        reasons.append(_("same class of matter"))
    return reasons


def _finish(query: Query, scored: list[_Scored]) -> list[Candidate]:
    """The scored rows as ``Candidate``s, in the same order. Each case is built from the
    columns already read (``Model.from_db``): the others are deferred, read if used."""
    return [
        Candidate(
            case=_case(s.row),
            score=round(s.score, 3),
            distance_m=s.meters,
            reasons=_reasons(query, s),
            same_requester=s.same_requester,
        )
        for s in scored
    ]


def _case(row: dict) -> Case:
    names = [f.attname for f in Case._meta.concrete_fields if f.attname in row]
    return Case.from_db(connection.alias, names, [row[name] for name in names])
