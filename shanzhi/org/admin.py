"""Admin screens for the structure, scoped to the administrator's area and writing
through the ``do_*`` actions so that every change is validated and audited."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core.roles import STRUCTURE_EDITORS, Role
from shanzhi.org import actions
from shanzhi.org.access import scope_of
from shanzhi.org.grid_import import GridImportError, do_import_grids
from shanzhi.org.models import (
    Body,
    GridLayer,
    LayerCell,
    LayerCellGrid,
    Membership,
    Region,
)


class AuditedForm(forms.ModelForm):
    """Every change made in the admin carries a reason, recorded in the audit log."""

    change_note = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Recorded in the audit log."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_note"].required = self.instance.pk is not None


class ScopedAdmin(admin.ModelAdmin):
    """Read for administrators and auditors of an area; write for administrators; never
    delete (units are deactivated so that history stays whole)."""

    form = AuditedForm

    def _roles(self, request):
        return scope_of(request.user).roles

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(
            self._roles(request) & {Role.ADMINISTRATOR, Role.AUDITOR}
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(self._roles(request) & STRUCTURE_EDITORS)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def scoped(self, request, qs):
        raise NotImplementedError

    def get_queryset(self, request):
        return self.scoped(request, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Region:
            kwargs["queryset"] = Region.objects.visible_to(request.user)
        elif related is Body:
            kwargs["queryset"] = Body.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            self.action(obj, actor=request.user, note=form.cleaned_data.get("change_note", ""))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            raise

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "change_note"]


@admin.register(Region)
class RegionAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "households", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    fields = ["level", "name", "code", "parent", "households", "geometry", "is_active"]
    action = staticmethod(actions.do_save_region)

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("parent")

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="org_region_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        errors, form = [], GridImportForm(request.POST or None, request.FILES or None)
        form.fields["parent"].queryset = Region.objects.visible_to(request.user)
        if request.method == "POST" and form.is_valid():
            try:
                saved = do_import_grids(
                    form.cleaned_data["file"].read(),
                    actor=request.user,
                    parent=form.cleaned_data["parent"],
                    note=form.cleaned_data["note"],
                )
            except GridImportError as exc:
                errors = exc.errors
            else:
                messages.success(request, _("Imported %(n)d units.") % {"n": len(saved)})
                return redirect(reverse("admin:org_region_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "errors": errors,
            "opts": self.model._meta,
            "title": _("Import grids from GeoJSON"),
        }
        return TemplateResponse(request, "org/admin_import.html", context)


class GridImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("GeoJSON file"))
    parent = forms.ModelChoiceField(
        Region.objects.none(),
        label=gettext_lazy("Parent unit"),
        required=False,
        help_text=gettext_lazy("For features that do not name their parent."),
    )
    note = forms.CharField(label=gettext_lazy("Reason for the change"), max_length=500)


@admin.register(Body)
class BodyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    fields = ["kind", "name", "region", "parent", "phone", "address", "duties", "is_active"]
    action = staticmethod(actions.do_save_body)

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("region")


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "body", "title", "duty_phone", "ended_on"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__real_name", "region__code", "region__name"]
    autocomplete_fields = ["user"]
    fields = ["user", "role", "region", "body", "title", "duty_phone", "started_on", "ended_on"]
    action = staticmethod(actions.do_save_membership)

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("user", "region", "body")


@admin.register(GridLayer)
class GridLayerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "owner"]
    fields = ["kind", "name", "owner", "description"]
    action = staticmethod(actions.do_save_layer)

    def scoped(self, request, qs):
        return qs.select_related("owner")


class LayerCellForm(AuditedForm):
    grids = forms.ModelMultipleChoiceField(
        Region.objects.grids().active(),
        label=gettext_lazy("base grids"),
        widget=admin.widgets.FilteredSelectMultiple(gettext_lazy("base grids"), False),
    )

    class Meta:
        model = LayerCell
        fields = ["layer", "name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["grids"] = list(self.instance.base_grids.values_list("pk", flat=True))

    def clean(self):
        data = super().clean()
        layer, grids = data.get("layer"), data.get("grids")
        if layer and grids:
            taken = (
                LayerCellGrid.objects.filter(layer=layer, grid__in=grids)
                .exclude(cell_id=self.instance.pk)
                .select_related("grid", "cell")
            )
            for link in taken:
                self.add_error(
                    "grids",
                    _("%(grid)s already belongs to %(cell)s in this layer.")
                    % {"grid": link.grid, "cell": link.cell.name},
                )
        return data


@admin.register(LayerCell)
class LayerCellAdmin(ScopedAdmin):
    form = LayerCellForm
    list_display = ["name", "layer"]
    list_filter = ["layer"]
    fields = ["layer", "name", "grids"]

    def scoped(self, request, qs):
        return qs.select_related("layer")

    def save_model(self, request, obj, form, change):
        actions.do_save_layer_cell(
            obj,
            grids=form.cleaned_data["grids"],
            actor=request.user,
            note=form.cleaned_data.get("change_note", ""),
        )

    def save_related(self, request, form, formsets, change):
        """The grids were saved with the cell by the action."""


from shanzhi.org import admin_people  # noqa: E402, F401  (registers people and audit)
