"""Admin screens for the structure, scoped to the administrator's area and writing
through the ``do_*`` actions so that every change is validated and audited."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.core.roles import STRUCTURE_EDITORS, Role
from shanzhi.org import actions
from shanzhi.org.access import scope_of
from shanzhi.org.grid_import import MAX_BYTES, GridImportError, do_import_grids
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
        if not self.has_add_permission(request):
            return False
        return obj is None or self.may_change(scope_of(request.user), obj)

    def may_change(self, scope, obj) -> bool:
        """Whether an administrator with this scope may change this object (the action
        checks it again, before and after the change)."""
        raise NotImplementedError

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
        elif related is GridLayer:
            kwargs["queryset"] = GridLayer.objects.visible_to(request.user)
        elif related is get_user_model():
            # Only people whose account this administrator may change can be given a role.
            kwargs["queryset"] = scope_of(request.user).filter_editable_users(related.objects.all())
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

    def may_change(self, scope, obj):
        return scope.may_edit_structure_at(obj.path)

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
        form.fields["parent"].queryset = scope_of(request.user).filter_editable_regions(
            Region.objects.active()
        )
        if request.method == "POST" and form.is_valid():
            try:
                saved = do_import_grids(
                    # One byte over the limit is enough for the import to refuse the file.
                    form.cleaned_data["file"].read(MAX_BYTES + 1),
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

    def may_change(self, scope, obj):
        return scope.may_edit_structure_at(obj.region.path)


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    list_display = ["user", "role", "region", "body", "title", "duty_phone", "ended_on"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__real_name", "region__code", "region__name"]
    autocomplete_fields = ["user"]
    fields = ["user", "role", "region", "body", "title", "duty_phone", "started_on", "ended_on"]
    action = staticmethod(actions.do_save_membership)

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("user", "region", "body__region")

    def may_change(self, scope, obj):
        unit = obj.region or obj.body.region
        return scope.may_edit_structure_at(unit.path)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        field = form.base_fields.get("user")
        if obj is not None and field is not None:
            # The person already holding the role stays a valid choice; the action still
            # refuses to give the role to someone else outside this administrator's reach.
            field.queryset = get_user_model().objects.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk=obj.user_id)
            )
        return form


@admin.register(GridLayer)
class GridLayerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "owner"]
    fields = ["kind", "name", "owner", "description"]
    action = staticmethod(actions.do_save_layer)

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("owner__region")

    def may_change(self, scope, obj):
        if obj.owner_id is None:
            return scope.everything
        return scope.may_edit_structure_at(obj.owner.region.path)


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
    list_filter = [("layer", admin.RelatedOnlyFieldListFilter)]
    fields = ["layer", "name", "grids"]

    def scoped(self, request, qs):
        return qs.visible_to(request.user).select_related("layer")

    def may_change(self, scope, obj):
        """At least one of its base grids is in this administrator's area (the action
        checks every grid added, removed or renamed with the cell)."""
        if scope.everything:
            return True
        editable = scope.filter_editable_regions(obj.base_grids.all())
        if editable.exists():
            return True
        owner = obj.layer.owner
        return owner is not None and scope.may_edit_structure_at(owner.region.path)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        scope = scope_of(request.user)

        class ScopedLayerCellForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                choices = Q(
                    pk__in=scope.filter_editable_regions(Region.objects.grids().active()).values(
                        "pk"
                    )
                )
                if self.instance.pk:
                    choices |= Q(pk__in=self.instance.base_grids.values("pk"))
                self.fields["grids"].queryset = Region.objects.filter(choices)

        return ScopedLayerCellForm

    def save_model(self, request, obj, form, change):
        try:
            actions.do_save_layer_cell(
                obj,
                grids=form.cleaned_data["grids"],
                actor=request.user,
                note=form.cleaned_data.get("change_note", ""),
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            raise

    def save_related(self, request, form, formsets, change):
        """The grids were saved with the cell by the action."""


from shanzhi.org import admin_people  # noqa: E402, F401  (registers people and audit)
