"""Patrol pages for grid workers on a phone: report an event in my grid with a photo and
the place, or report it solved on the spot; my grid's open cases on a map and a list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shanzhi.cases import clocks
from shanzhi.cases.engine import Intake, do_create_case, do_transition
from shanzhi.cases.models import Case, Channel
from shanzhi.lib import geo
from shanzhi.org import geoindex
from shanzhi.patrol.access import access_patrol, in_area, my_grids
from shanzhi.patrol.forms import PatrolForm
from shanzhi.patrol.models import PatrolSubmission

OPEN_CASES_SHOWN = 100


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _submit(request, scope, form):
    """The case for this form: the one made earlier with the same token, or a new one."""
    data = form.cleaned_data
    earlier = PatrolSubmission.objects.filter(token=data["token"]).select_related("case").first()
    if earlier is not None:
        if earlier.user_id != request.user.pk:
            raise ValidationError(_("This form was already sent by someone else: reload it."))
        return earlier.case
    grid = geoindex.grid_at(data["lon"], data["lat"])
    if not in_area(scope, grid):
        raise ValidationError(_("This place lies outside your grids."))
    solve = request.POST.get("action") == "solve"
    note = data["note"].strip()
    if solve and not note:
        raise ValidationError({"note": _("Say how it was solved on the spot.")})
    category = data["category"]
    intake = Intake(
        procedure="grid_event",
        channel=Channel.PATROL,
        title=category.name,
        description=note or _("Found on patrol: %(category)s") % {"category": category.name},
        category=category,
        lon=data["lon"],
        lat=data["lat"],
    )
    try:
        with transaction.atomic():
            case = do_create_case(intake, actor=request.user, attachments=[data["photo"]])
            if solve:
                do_transition(case, "solve_on_spot", actor=request.user, note=note)
            PatrolSubmission.objects.create(token=data["token"], case=case, user=request.user)
    except IntegrityError:
        # The same report arrived twice at once: the other request stored it.
        earlier = PatrolSubmission.objects.filter(token=data["token"], user=request.user).first()
        if earlier is None:
            raise
        return earlier.case
    except PermissionDenied as exc:
        raise ValidationError(
            _("Only the grid's worker or leader may record it solved on the spot.")
        ) from exc
    return case


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def patrol(request):
    scope = access_patrol(request.user)
    grids = list(my_grids(scope).order_by("code")[:50])
    if request.method == "POST":
        form = PatrolForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                case = _submit(request, scope, form)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                text = _("Case %(number)s is recorded (%(state)s).") % {
                    "number": case.number,
                    "state": case.get_state_display(),
                }
                messages.success(request, text)
                if _wants_json(request):
                    url = reverse("case_detail", args=[case.number])
                    return JsonResponse({"number": case.number, "url": url, "message": text})
                return redirect("patrol")
        if _wants_json(request):
            errors = [str(e) for field in form.errors.values() for e in field]
            return JsonResponse({"errors": errors}, status=400)
    else:
        form = PatrolForm()
    centre = None
    if grids:
        point = geo.parse_polygon(grids[0].geometry).representative_point()
        centre = {"lon": point.x, "lat": point.y}
        form.fields["lon"].initial = point.x
        form.fields["lat"].initial = point.y
    open_cases = list(
        Case.objects.visible_to(request.user)
        .open()
        .filter(grid__in=[g.pk for g in grids])
        .select_related("category")
        .order_by("-created")
        .distinct()[:OPEN_CASES_SHOWN]
    )
    running = clocks.next_deadlines(c.pk for c in open_cases)
    rows = [(c, running.get(c.pk), clocks.light(running.get(c.pk))) for c in open_cases]
    points = [
        {"lon": c.lon, "lat": c.lat, "number": c.number, "title": c.title, "light": light}
        for c, _clock, light in rows
        if c.lon is not None and c.lat is not None
    ]
    return render(
        request,
        "patrol/patrol.html",
        {
            "form": form,
            "grids": grids,
            "centre": centre,
            "rows": rows,
            "points": points,
            "grid_shapes": [
                {"type": "Feature", "geometry": g.geometry, "properties": {"name": g.name}}
                for g in grids
            ],
            "map": {
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
    )
