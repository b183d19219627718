"""Possible duplicates of a matter being reported (并单 candidates): open cases of the last
``WINDOW`` about the same thing near the same place, ranked; and the requester's own
recent cases, flagged as repeat requests. docs/duplicates.md explains the design and
gives the figures of bench/duplicates.py (a million cases).

1. **Narrowed in SQL.** Every candidate is open, received within ``WINDOW`` and visible
   to ``user`` (the work queues' visibility, ``queues.visible_cases``); with a category,
   of its class (the category, its major class and that class's other minor classes).
   Then, by what the query gives: a point — the cases of the grids that reach within
   ``NEAR_M`` of it, inside the box around it (and those of its own grid with no
   point); a grid — that grid's cases; with a category, also those of its class in no
   grid (located by an address), of the same street or none; a category and no place —
   the cases of its class (in the street, if one is given); neither — no text
   candidates (a district's month holds tens of thousands of cases). Always: the
   requester's own cases (same account or same phone number). Each narrowing is read
   from an index that holds every column it filters and orders on, the visibility's
   included (``case_similar_grid``, ``case_similar_category``): up to
   ``MAX_CANDIDATES`` are chosen from the index alone, and only their rows are read,
   all in one SQL statement (``_candidates``).
2. **Scored in Python**: the character-bigram similarity of the texts (``lib/textsim.py``),
   the distance (haversine) or the same grid or street, and the same category or class,
   weighted by ``WEIGHTS`` over the parts that the query gives; a repeat by the same
   requester adds ``SAME_REQUESTER_BONUS``. Candidates scoring below ``MIN_SCORE`` are
   dropped, unless they are the same requester's. Texts are compared only for the
   candidates that could still rank among the best (``rank``).

Privacy: with ``user=None`` no visibility applies (a public page such as the resident
portal): the caller shows public fields only, and a phone number is not matched, or a
stranger could learn which cases a number reported. A phone match on a confidential case,
or on a report about a body, counts only for a user who may see that case's requester
(``access.may_see_requester``).
"""

from __future__ import annotations

import heapq
import math
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import shapely
from django.core.exceptions import EmptyResultSet
from django.db import connection
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
FIRST_NEAR_M = 150.0  # without a category, the nearest are looked for within this first
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
# The columns read of each candidate ("excerpt": the start of the description).
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
# Where each column is in a row read.
_ID, _NUMBER, _PROCEDURE, _STATE, _TITLE, _EXCERPT, _CATEGORY, _GRID = range(8)
_STREET, _LAT, _LON, _REQUESTER, _PHONE, _CONFIDENTIAL, _ACCUSED = range(8, len(FIELDS))


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
    return rank(query, _candidates(cases, query), user, limit)


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
    title_grams = textsim.ngrams(textsim.normalize(title))
    query = Query(
        title=title_grams,
        text=title_grams | textsim.shingles(description[:TEXT_CHARS]),
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


def _candidates(cases, query: Query) -> list[tuple]:
    """The ``FIELDS`` of the cases to score: up to ``MAX_CANDIDATES`` of each narrowing
    (``_narrowings``), chosen from its index alone, then the rows of those only (a row
    read is a page of the table each, the costly part), in one statement (and at times
    one before it, see ``_nearest``).

    The SQL is written here, not by the ORM: building and compiling five or six
    querysets took longer than the database took to answer them. Only the filter of
    ``cases`` (visible, open, in the window) is compiled by the ORM, once. SQLite has no
    statistics to plan by (nothing runs ``ANALYZE``) and would rather take an index of
    the visibility filter (an area's path range: a third of all cases), so on SQLite
    each narrowing names its index (``INDEXED BY``); PostgreSQL plans by statistics."""
    try:
        where = _compiled_filter(cases)
    except EmptyResultSet:  # the visibility rules out every case
        return []
    chosen = _narrowings(query, where)
    if not chosen:
        return []
    q = _names()
    # Only names, numbers and placeholders are written into the text; values are params.
    arms = (f"SELECT id FROM ({sql}) AS a{n}" for n, (sql, _p) in enumerate(chosen))  # noqa: S608
    sql = f"SELECT {q['FIELDS']} FROM {q['TABLE']} WHERE {q['id']} IN ({' UNION '.join(arms)})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for _sql, params in chosen for value in params])
        rows = cursor.fetchall()
    at = _CONFIDENTIAL  # the one boolean, read as the ORM reads it (SQLite answers 0 or 1)
    return [(*row[:at], bool(row[at]), *row[at + 1 :]) for row in rows]


_Sql = tuple[str, list]  # a piece of SQL with %s placeholders, and their values in order


def _compiled_filter(cases) -> _Sql:
    """The WHERE clause of ``cases`` (raises ``EmptyResultSet`` when it holds no case)."""
    sql, params = cases.query.get_compiler(connection=connection).compile(cases.query.where)
    return sql, list(params)


def _narrowings(query: Query, where: _Sql) -> list[_Sql]:
    """The candidate sets (see the module's notes), each as a statement choosing the ids
    of up to ``MAX_CANDIDATES`` cases, answered by its index as one range or a few:
    (grid, category, created) or (category, created). Without a category, "any
    category" is the list of them all, and "none" apart, so that the grid index still
    ranges over ``created``."""
    q = _names()
    found = []
    if query.categories:
        in_class = [_in(q["category_id"], sorted(query.categories))]
    else:
        every = sorted(catalogue.snapshot().categories)
        in_class = [_in(q["category_id"], every)] if every else []
        in_class.append((f"{q['category_id']} IS NULL", []))
    street = None
    if query.street_id is not None:
        street = (f"({q['street_id']} = %s OR {q['street_id']} IS NULL)", [query.street_id])
    order = _priority(query)
    if query.lon is not None:
        near = grids_near(query.lon, query.lat, NEAR_M)
        for of_class in in_class if near else []:
            wide = not query.categories and of_class[1]  # any category, not "none"
            found.append(_nearest(query, where, of_class, order, near, bool(wide)))
    elif query.grid_id is not None:
        for of_class in in_class:
            in_grid = (f"{q['grid_id']} = %s", [query.grid_id])
            found.append(_choose(where, _and(in_grid, of_class), BY_GRID, order))
    elif query.categories:
        found.append(_newest(query, where, street))
    if query.categories and (query.lon is not None or query.grid_id is not None):
        # Cases of the class located by an address only (in no grid).
        unlocated = _and(in_class[0], (f"{q['grid_id']} IS NULL", []), street)
        found.append(_choose(where, unlocated, BY_GRID, order))
    same = []
    if query.requester_id is not None:
        same.append((f"{q['requester_id']} = %s", query.requester_id))
    if query.phone:
        same.append((f"{q['requester_phone']} = %s", query.phone))
    if same:
        # The account's index and the phone number's: the planner takes both.
        either = "(" + " OR ".join(sql for sql, _v in same) + ")", [v for _sql, v in same]
        found.append(_choose(where, either, None, (f"{q['created']} DESC", [])))
    return found


def _nearest(
    query: Query, where: _Sql, of_class: _Sql, order: _Sql, near: list, wide: bool
) -> _Sql:
    """The cases of ``of_class`` in the grids ``near`` the point and in the box around
    it (or of its grid and with no point), in ``order``.

    Of any category (``wide``), the grids near a point hold thousands of cases a month,
    all read to find the nearest. So these are looked for first within ``FIRST_NEAR_M``,
    in the fewer grids that reach there: when ``MAX_CANDIDATES`` are found nearer than
    that, no case outside that box can be nearer (a case lies in its grid) and they are
    the ones chosen. Else the whole box is searched."""
    q = _names()
    inner = grids_near(query.lon, query.lat, FIRST_NEAR_M) if wide else None
    if inner:
        flat, flat_params = _flat(query)
        conditions = _around(query, of_class, inner, FIRST_NEAR_M)
        sql, params = _choose(where, conditions, BY_GRID, order, (f", {flat}", flat_params))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        farthest = found[-1][1] if len(found) == MAX_CANDIDATES else None  # None: no point
        if farthest is not None and farthest <= _squared_degrees(FIRST_NEAR_M):
            ids = [pk for pk, _flat in found]
            return f"SELECT {q['id']} FROM {q['TABLE']} WHERE {_in(q['id'], ids)[0]}", ids  # noqa: S608
    return _choose(where, _around(query, of_class, near, NEAR_M), BY_GRID, order)


def _squared_degrees(meters: float) -> float:
    return (meters / distance.M_PER_DEG_LAT) ** 2


def _around(query: Query, of_class: _Sql, near: list, radius_m: float) -> _Sql:
    """Of ``of_class``, in the grids ``near`` and the box of ``radius_m`` around the
    point, or of the point's grid and with no point."""
    q = _names()
    lo_lon, lo_lat, hi_lon, hi_lat = distance.box_around(query.lon, query.lat, radius_m)
    box = f"{q['lat']} >= %s AND {q['lat']} <= %s AND {q['lon']} >= %s AND {q['lon']} <= %s"
    in_box = (box, [lo_lat, hi_lat, lo_lon, hi_lon])
    if query.grid_id is not None:
        unplaced = f"{q['lat']} IS NULL AND {q['grid_id']} = %s"
        in_box = (f"(({box}) OR ({unplaced}))", [*in_box[1], query.grid_id])
    return _and(_in(q["grid_id"], near), of_class, in_box)


def _newest(query: Query, where: _Sql, street: _Sql | None) -> _Sql:
    """The cases of the query's class (in its street), its category first, then the
    most recent: read category by category along the category index, newest first, up
    to ``MAX_CANDIDATES`` each (a class holds thousands of cases a month; read in that
    order at once, all would be read and sorted)."""
    q = _names()
    newest, chosen = (f"{q['created']} DESC", []), []
    for pk, score in sorted(query.categories.items()):
        of_category = _and((f"{q['category_id']} = %s", [pk]), street)
        sql, params = _choose(where, of_category, BY_CATEGORY, newest, (f", {q['created']}", []))
        own = 0 if score == 1.0 else 1
        chosen.append((f"SELECT id, created, {own} AS own FROM ({sql}) AS c{pk}", params))  # noqa: S608
    union = " UNION ALL ".join(sql for sql, _p in chosen)
    sql = f"SELECT id FROM ({union}) AS c ORDER BY own, created DESC LIMIT {MAX_CANDIDATES}"  # noqa: S608
    return sql, [value for _sql, params in chosen for value in params]


def _choose(where: _Sql, conditions: _Sql, index: str | None, order: _Sql, also=None) -> _Sql:
    """The ids (and the value ``also``) of the first ``MAX_CANDIDATES`` cases of a
    narrowing, in ``order``, read from ``index`` (on SQLite: named)."""
    q = _names()
    hint = ""
    if index is not None and connection.vendor == "sqlite":
        hint = f" INDEXED BY {connection.ops.quote_name(index)}"
    also = also or ("", [])
    sql = (
        f"SELECT {q['id']}{also[0]} FROM {q['TABLE']}{hint} WHERE ({where[0]})"  # noqa: S608
        f" AND {conditions[0]} ORDER BY {order[0]} LIMIT {MAX_CANDIDATES}"
    )
    return sql, [*also[1], *where[1], *conditions[1], *order[1]]


def _priority(query: Query) -> _Sql:
    """Which cases of a narrowing to read when it holds more than ``MAX_CANDIDATES``: the
    query's own category before the rest of its class, then the nearest (by a flat
    distance worked out from the index's columns), then the most recent. (Most recent
    first alone missed the best candidate in a third of the benchmark's queries: an
    older report of the same thing at the same spot.)"""
    q = _names()
    order, params = [], []
    if query.categories:
        own = [pk for pk, score in query.categories.items() if score == 1.0]
        own_sql, own_params = _in(q["category_id"], own)
        order.append(f"CASE WHEN {own_sql} THEN 0 ELSE 1 END")
        params += own_params
    if query.lon is not None:
        flat, flat_params = _flat(query)
        order.append(f"{flat} ASC NULLS LAST")
        params += flat_params
    order.append(f"{q['created']} DESC")
    return ", ".join(order), params


def _flat(query: Query) -> _Sql:
    """The square of a flat distance from the query's point, in degrees of latitude."""
    q = _names()
    east, north = f"(({q['lon']} - %s) * %s)", f"({q['lat']} - %s)"
    scale = math.cos(math.radians(query.lat))
    params = [query.lon, scale, query.lon, scale, query.lat, query.lat]
    return f"{east} * {east} + {north} * {north}", params


def _in(column: str, values: list) -> _Sql:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _and(*parts: _Sql | None) -> _Sql:
    """The conjunction of the parts given (``None``: no condition)."""
    given = [part for part in parts if part is not None]
    return " AND ".join(sql for sql, _p in given), [v for _sql, ps in given for v in ps]


def _names() -> dict[str, str]:
    """The table's and the columns' names as written in SQL, and the list of ``FIELDS``:
    worked out once per kind of database."""
    names = _names_by_vendor.get(connection.vendor)
    if names is None:
        quote = connection.ops.quote_name
        table = quote(Case._meta.db_table)
        names = {f.column: f"{table}.{quote(f.column)}" for f in Case._meta.concrete_fields}
        excerpt = f"SUBSTR({names['description']}, 1, {TEXT_CHARS})"
        names["FIELDS"] = ", ".join(excerpt if f == "excerpt" else names[f] for f in FIELDS)
        names["TABLE"] = table
        _names_by_vendor[connection.vendor] = names
    return names


_names_by_vendor: dict[str, dict] = {}


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


def rank(query: Query, rows, user, limit: int) -> list[Candidate]:
    """The best ``limit`` of ``rows`` (tuples of ``FIELDS``) as candidates, best first.

    Comparing the texts is the costly part of a score, and the text's part is at most
    ``WEIGHTS["text"]``. So the other parts are worked out first, the rows taken in
    order of the score they would have with a perfect text, and the texts compared only
    while that could still place a row among the best ``limit``: the candidates are the
    same as if every row were scored."""
    if limit < 1:
        return []
    rows = list(rows)
    hidden = _hidden_phone_matches(query, rows, user)
    parts = [_parts(query, row, row[_ID] in hidden) for row in rows]
    parts.sort(key=lambda part: part[0], reverse=True)
    kept: list[_Scored] = []
    best: list[float] = []  # the best ``limit`` scores kept so far (a heap: worst first)
    for bound, row, meters, place, category, same in parts:
        if len(best) == limit and bound < best[0]:
            break  # neither this row nor any after it can rank among the best
        text = _text(query, row)
        score = _total(text, place, category, same)
        if score >= MIN_SCORE or same:
            kept.append(_Scored(score, text, place, meters, category, row, same))
            if len(best) < limit:
                heapq.heappush(best, score)
            elif score > best[0]:
                heapq.heapreplace(best, score)
    # Equal scores: the most recent first (keys grow with time).
    kept.sort(key=lambda s: (-s.score, -s.row[_ID]))
    return [_candidate(query, s) for s in kept[:limit]]


@dataclass
class _Scored:
    score: float  # the same requester's bonus included
    text: float
    place: float | None
    meters: float | None
    category: float | None
    row: tuple
    same_requester: bool


def _parts(query: Query, row: tuple, hidden: bool) -> tuple:
    """(score with a perfect text, row, metres away, place score, category score, same
    requester) of a row; a part the query does not give is None."""
    place = meters = category = None
    if query.lon is not None:
        if row[_LAT] is not None and row[_LON] is not None:
            meters = distance.haversine_m(query.lon, query.lat, row[_LON], row[_LAT])
            place = max(0.0, 1.0 - meters / NEAR_M)
        elif query.grid_id is not None and row[_GRID] == query.grid_id:
            place = UNLOCATED_IN_GRID
        else:
            place = 0.0
    elif query.grid_id is not None or query.street_id is not None:
        if query.grid_id is not None and row[_GRID] == query.grid_id:
            place = 1.0
        elif query.street_id is not None and row[_STREET] == query.street_id:
            place = SAME_STREET
        else:
            place = 0.0
    if query.categories:
        category = query.categories.get(row[_CATEGORY], 0.0)
    same = (query.requester_id is not None and row[_REQUESTER] == query.requester_id) or (
        bool(query.phone) and row[_PHONE] == query.phone and not hidden
    )
    return _total(1.0, place, category, same), row, meters, place, category, same


def _text(query: Query, row: tuple) -> float:
    """How alike the texts are: the better of title against title and of title and the
    start of the description against the same (``lib/textsim.py``)."""
    title = textsim.ngrams(textsim.normalize(row[_TITLE]))
    text = textsim.dice(query.text, title | textsim.shingles(row[_EXCERPT] or ""))
    return max(text, textsim.dice(query.title, title)) if query.title else text


def _total(text: float, place: float | None, category: float | None, same: bool) -> float:
    """The score from its parts, over the parts given (``None``: not given). It grows
    with each part: with a text of 1 it bounds the score with any text."""
    total, weight = WEIGHTS["text"] * text, WEIGHTS["text"]
    if place is not None:
        total, weight = total + WEIGHTS["place"] * place, weight + WEIGHTS["place"]
    if category is not None:
        total, weight = total + WEIGHTS["category"] * category, weight + WEIGHTS["category"]
    return min(1.0, total / weight + SAME_REQUESTER_BONUS) if same else total / weight


def _hidden_phone_matches(query: Query, rows: list[tuple], user) -> set[int]:
    """The rows whose phone number matches but counts for nothing: a confidential case,
    or a report about a body, is no match for a user who may not see that case's
    requester (DOMAIN §6)."""
    if not query.phone:
        return set()
    private = [
        row[_ID]
        for row in rows
        if row[_PHONE] == query.phone
        and (query.requester_id is None or row[_REQUESTER] != query.requester_id)
        and (row[_CONFIDENTIAL] or row[_ACCUSED])
    ]
    if not private:
        return set()
    cases = Case.objects.filter(pk__in=private).select_related("responsible_body__region")
    return {case.pk for case in cases if user is None or not may_see_requester(user, case)}


def _candidate(query: Query, s: _Scored) -> Candidate:
    """A scored row as a ``Candidate``, its case built from the columns already read
    (``Model.from_db``): the others are deferred, read if used."""
    reasons = [_("same requester")] if s.same_requester else []
    if s.text > 0:
        reasons.append(_("text %(percent)d %% alike") % {"percent": round(100 * s.text)})
    if s.meters is not None and s.meters <= NEAR_M:
        reasons.append(_("%(meters)d m away") % {"meters": round(s.meters)})
    elif s.place and query.grid_id is not None and s.row[_GRID] == query.grid_id:
        reasons.append(_("same grid"))
    elif s.place and query.street_id is not None and s.row[_STREET] == query.street_id:
        reasons.append(_("same street"))
    if s.category == 1.0:
        reasons.append(_("same category"))
    elif s.category:
        reasons.append(_("same class of matter"))
    # ``from_db`` takes the values in the order of the model's fields.
    names = [f.attname for f in Case._meta.concrete_fields if f.attname in FIELDS]
    case = Case.from_db(connection.alias, names, [s.row[FIELDS.index(n)] for n in names])
    return Candidate(case, round(s.score, 3), s.meters, reasons, s.same_requester)
