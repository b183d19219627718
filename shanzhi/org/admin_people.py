"""Admin screens for user accounts and the audit log, scoped like the structure."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shanzhi.core import audit
from shanzhi.core.models import AuditEvent, User
from shanzhi.core.roles import AUDIT_READERS, STRUCTURE_EDITORS
from shanzhi.lib import identity
from shanzhi.org import people
from shanzhi.org.access import may_change_person, scope_of
from shanzhi.org.models import Membership


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


class PersonPasswordForm(AdminPasswordChangeForm):
    change_note = forms.CharField(
        label=_("Reason for the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the audit log."),
    )


# What a reader who may not change an account sees in place of its contact details.
MASKED_FIELDS = {"phone": "masked_phone", "email": "masked_email"}


@admin.register(User)
class PersonAdmin(BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    change_password_form = PersonPasswordForm
    change_user_password_template = "org/admin_password.html"  # noqa: S105 (a template)
    list_display = ["username", "real_name", "masked_phone", "id_number_masked", "is_active"]
    # Searching by the full number still works; the list shows it masked.
    search_fields = ["username", "real_name", "phone"]
    list_filter = ["is_active"]
    readonly_fields = [
        "id_number_masked",
        "last_login",
        "date_joined",
        "masked_phone",
        "masked_email",
    ]
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
        if not self.has_add_permission(request):
            return False
        return obj is None or may_change_person(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("mobile phone"), ordering="phone")
    def masked_phone(self, person):
        return identity.mask_mobile(person.phone or "")

    @admin.display(description=_("email address"))
    def masked_email(self, person):
        return identity.mask_email(person.email or "")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        # Readers (auditors, leaders, administrators of another area) see contacts masked.
        return [
            (name, {**opts, "fields": [MASKED_FIELDS.get(f, f) for f in opts["fields"]]})
            for name, opts in fieldsets
        ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scoped = scope_of(request.user).filter_users(qs)
        if not self.has_add_permission(request):
            return scoped
        # Administrators also see accounts that hold no role now, to give them one; never
        # platform operators (staff and superuser accounts), which hold no role either.
        roleless = (
            ~Q(pk__in=Membership.objects.active().values("user_id"))
            & Q(is_staff=False)
            & Q(is_superuser=False)
        )
        return qs.filter(Q(pk__in=scoped.values("pk")) | roleless)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = request.resolver_match
        if (
            match is not None
            and match.url_name == "autocomplete"
            and request.GET.get("app_label") == "org"
            and request.GET.get("model_name") == "membership"
        ):
            # Choosing whom to give a role: only people this administrator may change.
            queryset = scope_of(request.user).filter_editable_users(queryset)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        try:
            people.do_save_person(
                obj,
                actor=request.user,
                id_number=form.cleaned_data.get("id_number") or None,
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            raise

    def user_change_password(self, request, id, form_url=""):
        """Django's password page, with the change made by the audited action."""
        person = self.get_object(request, unquote(id))
        if request.method != "POST" or person is None:
            return super().user_change_password(request, id, form_url)
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        form = self.change_password_form(person, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        if not (usable or "unset-password" in request.POST):
            return super().user_change_password(request, id, form_url)
        people.do_set_password(
            person,
            password=form.cleaned_data["password1"] if usable else None,
            actor=request.user,
            note=form.cleaned_data["change_note"],
        )
        if usable:
            messages.success(request, gettext("Password changed successfully."))
        else:
            messages.success(request, gettext("Password-based authentication was disabled."))
        update_session_auth_hash(request, person)
        return HttpResponseRedirect(reverse("admin:core_user_change", args=[person.pk]))


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, listed by the actions' names rather than their codes."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = (
            model_admin.get_queryset(request).order_by().values_list("action", flat=True).distinct()
        )
        return sorted(((c, audit.action_label(c)) for c in codes), key=lambda c: str(c[1]))

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["seq", "created", "actor_name", "action_name", "object_repr", "note"]
    list_filter = [ActionFilter]
    search_fields = ["object_repr", "actor_label", "note"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    @admin.display(description=_("actor"), ordering="actor_label")
    def actor_name(self, event):
        return event.actor_display

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
        from shanzhi.cases.access import without_kept_events  # cases build on org

        qs = qs.within(p for p, roles in scope.roles_at.items() if roles & AUDIT_READERS)
        return without_kept_events(request.user, qs)
