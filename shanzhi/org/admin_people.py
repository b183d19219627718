"""Admin screens for user accounts and the audit log, scoped like the structure."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import AUDIT_READERS, STRUCTURE_EDITORS
from shanzhi.lib import identity
from shanzhi.org import people
from shanzhi.org.access import scope_of


class IdNumberMixin(forms.Form):
    id_number = forms.CharField(
        label=_("ID number"),
        required=False,
        max_length=18,
        help_text=_("Stored encrypted; shown masked. Leave empty to keep the current value."),
    )

    def clean_id_number(self):
        value = identity.normalize_id_number(self.cleaned_data.get("id_number", ""))
        if value and not identity.is_valid_id_number(value):
            raise ValidationError(
                _("The ID number is not valid: it needs 18 characters with a correct check digit.")
            )
        return value

    def clean_phone(self):
        value = self.cleaned_data.get("phone")
        return identity.normalize_mobile(value) if value else None


class PersonCreationForm(IdNumberMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "real_name", "phone"]


class PersonChangeForm(IdNumberMixin, UserChangeForm):
    class Meta:
        model = User
        fields = ["username", "real_name", "phone", "email", "is_active"]


@admin.register(User)
class PersonAdmin(BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    list_display = ["username", "real_name", "phone", "id_number_masked", "is_active"]
    search_fields = ["username", "real_name", "phone"]
    list_filter = ["is_active"]
    readonly_fields = ["id_number_masked", "last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["real_name", "phone", "email", "id_number_masked", "id_number"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"fields": ["username", "real_name", "phone", "id_number", "password1", "password2"]},
        ),
    ]
    filter_horizontal = []

    def _roles(self, request):
        return scope_of(request.user).roles

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(
            self._roles(request) & (STRUCTURE_EDITORS | AUDIT_READERS)
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(self._roles(request) & STRUCTURE_EDITORS)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scoped = scope_of(request.user).filter_users(qs)
        if not self.has_add_permission(request):
            return scoped
        # Administrators also see accounts that hold no role yet, to assign them one.
        return qs.filter(Q(pk__in=scoped.values("pk")) | Q(memberships__isnull=True)).distinct()

    def save_model(self, request, obj, form, change):
        people.do_save_person(
            obj,
            actor=request.user,
            id_number=form.cleaned_data.get("id_number") or None,
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "created", "actor_label", "action_name", "object_repr", "note"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "note"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, event):
        return audit.action_label(event.action)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(scope_of(request.user).roles & AUDIT_READERS)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_of(request.user)
        if scope.everything:
            return qs
        roots = [p for p, roles in scope.roles_at.items() if roles & AUDIT_READERS]
        query = Q(pk__in=[])
        for root in roots:
            query |= Q(scope_path__startswith=root)
        return qs.filter(query)
