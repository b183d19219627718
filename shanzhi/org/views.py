"""Staff pages on the structure: an org unit and a person, within the viewer's scope."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from shanzhi.org.access import access_person, access_region, scope_of
from shanzhi.org.models import Membership, attach_ancestors


@require_safe
@login_required
def unit_detail(request, pk):
    region = access_region(request.user, pk)
    attach_ancestors([region])
    members = (
        Membership.objects.active()
        .filter(region=region)
        .select_related("user")
        .order_by("role", "pk")
    )
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": region,
            "ancestors": region.ancestors(),
            "children": region.children.active().order_by("code"),
            "members": members,
            "bodies": region.bodies.active(),
        },
    )


@require_safe
@login_required
def person_detail(request, pk):
    person = access_person(request.user, pk)
    memberships = (
        scope_of(request.user)
        .filter_memberships(Membership.objects.active().filter(user=person))
        .select_related("region", "body")
    )
    return render(request, "org/person_detail.html", {"person": person, "memberships": memberships})
