"""Screening campaigns: the list (with my checklists to fill), a campaign with its grids,
starting and closing one, a grid's checklist on a phone, turning a finding into a case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shanzhi.disputes.access import (
    PLANNERS,
    access_campaign,
    access_checklist,
    holds_at,
    may_convert,
    may_fill,
)
from shanzhi.disputes.actions.screening import (
    do_close_campaign,
    do_convert_finding,
    do_start_campaign,
    do_submit_checklist,
)
from shanzhi.disputes.forms import CampaignForm, FindingForm
from shanzhi.disputes.models import (
    Campaign,
    CampaignStatus,
    ChecklistStatus,
    FindingKind,
    GridChecklist,
    ItemResult,
)
from shanzhi.disputes.views.common import add_errors, require_staff_reader, tell_errors


@require_safe
@login_required
def campaign_list(request):
    require_staff_reader(request.user)
    mine = (
        GridChecklist.objects.filter(workers=request.user, campaign__status=CampaignStatus.OPEN)
        .select_related("campaign", "grid")
        .order_by("campaign__due", "grid__code")
    )
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .select_related("area")
        .annotate(
            grids=Count("checklists", distinct=True),
            filled=Count(
                "checklists",
                filter=Q(checklists__status=ChecklistStatus.SUBMITTED),
                distinct=True,
            ),
        )[:200]
    )
    return render(
        request,
        "disputes/campaign_list.html",
        {
            "mine": mine,
            "campaigns": campaigns,
            "today": timezone.localdate(),
            "may_start": CampaignForm(user=request.user).fields["area"].queryset.exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def campaign_new(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if not form.fields["area"].queryset.exists():
        raise PermissionDenied(_("Only community and street staff run screening campaigns."))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = do_start_campaign(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Campaign started; the grid workers were told."))
            return redirect("disputes:campaign", campaign.pk)
    return render(
        request, "disputes/campaign_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
@login_required
def campaign_detail(request, pk):
    campaign = access_campaign(request.user, pk)
    checklists = (
        campaign.checklists.visible_to(request.user)
        .select_related("grid", "submitted_by")
        .annotate(
            found=Count("items", filter=Q(items__result=ItemResult.FOUND)),
            cases=Count("items", filter=Q(items__case__isnull=False)),
        )
    )
    return render(
        request,
        "disputes/campaign_detail.html",
        {
            "campaign": campaign,
            "checklists": checklists,
            "today": timezone.localdate(),
            "may_close": campaign.status == CampaignStatus.OPEN
            and holds_at(request.user, campaign.path, PLANNERS),
        },
    )


@require_POST
@login_required
def campaign_close(request, pk):
    campaign = access_campaign(request.user, pk, for_write=True)
    try:
        do_close_campaign(campaign, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        tell_errors(request, exc)
    else:
        messages.success(request, _("Campaign closed."))
    return redirect("disputes:campaign", campaign.pk)


def _results(post, items) -> dict:
    return {
        item.pk: (
            post.get(f"result-{item.pk}", ItemResult.UNCHECKED),
            post.get(f"note-{item.pk}", ""),
        )
        for item in items
    }


@require_http_methods(["GET", "POST"])
@login_required
def checklist(request, pk):
    """A grid's checklist: on a phone, one block per item (nothing found / found, what)."""
    sheet = access_checklist(request.user, pk, for_write=request.method == "POST")
    items = list(sheet.items.select_related("case"))
    errors = []
    if request.method == "POST":
        extra = request.POST.get("extra", "").splitlines()
        try:
            do_submit_checklist(
                sheet,
                actor=request.user,
                results=_results(request.POST, items),
                extra=extra,
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
            for item in items:  # show what was typed
                item.result = request.POST.get(f"result-{item.pk}", item.result)
                item.note = request.POST.get(f"note-{item.pk}", item.note)
        else:
            messages.success(request, _("Checklist saved."))
            return redirect("disputes:checklist", sheet.pk)
    return render(
        request,
        "disputes/checklist.html",
        {
            "sheet": sheet,
            "items": items,
            "errors": errors,
            "may_fill": sheet.campaign.status == CampaignStatus.OPEN
            and may_fill(request.user, sheet),
            "may_convert": may_convert(request.user, sheet),
            "results": [
                (ItemResult.NOTHING, ItemResult.NOTHING.label),
                (ItemResult.FOUND, ItemResult.FOUND.label),
            ],
        },
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def convert(request, pk, item):
    sheet = access_checklist(request.user, pk)
    if not may_convert(request.user, sheet):
        raise PermissionDenied(
            _("Whoever filled the checklist, or community or street staff, do this.")
        )
    finding = sheet.items.filter(pk=item).first()
    if finding is None:
        raise Http404(_("No such item on this checklist."))
    initial = {
        "title": finding.text[:120],
        "description": finding.note,
        "kind": FindingKind.DISPUTE,
    }
    form = FindingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = do_convert_finding(
                finding,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                lon=data["lon"],
                lat=data["lat"],
                dispute=form.dispute_facts() if data["kind"] == FindingKind.DISPUTE else None,
            )
        except ValidationError as exc:
            if data["kind"] == FindingKind.DISPUTE and hasattr(exc, "error_dict"):
                # The dispute's own kind is the form's "dispute_category".
                errors = dict(exc.error_dict)
                if "category" in errors:
                    errors["dispute_category"] = errors.pop("category")
                exc = ValidationError(errors)
            add_errors(form, exc)
        except PermissionDenied as exc:
            tell_errors(request, exc)
        else:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.number})
            if data["kind"] == FindingKind.DISPUTE:
                return redirect("disputes:dispute", case.number)
            return redirect("case_detail", case.number)
    return render(
        request,
        "disputes/convert.html",
        {"sheet": sheet, "finding": finding, "form": form},
        status=400 if form.errors else 200,
    )
