"""Admin screens for integrations, scoped like the structure: administrators of an area
create and change the integrations acting in it, auditors read them. A new token is
shown once, on the page that follows its creation, and never again."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanzhi.api import actions
from shanzhi.api.models import Integration, Scope
from shanzhi.org.access import scope_of
from shanzhi.org.admin import AuditedForm, ScopedAdmin
from shanzhi.org.models import Membership

CREATE_FIELDS = ["name", "description", "role", "region", "body", "scopes", "rate_limit"]
CHANGE_FIELDS = ["name", "description", "scopes", "rate_limit", "is_active"]
SHOWN_FIELDS = ["key_id", "role", "region", "body", "user", "created", "created_by", "last_used"]


class IntegrationForm(AuditedForm):
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Integration
        fields = [*CREATE_FIELDS, "is_active"]

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if self.instance.pk is None and role:
            # The membership the action will create must be valid: say so on the form.
            membership = Membership(role=role, region=data.get("region"), body=data.get("body"))
            try:
                membership.clean()
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


@admin.register(Integration)
class IntegrationAdmin(ScopedAdmin):
    form = IntegrationForm
    list_display = ["name", "key_id", "role", "region", "body", "is_active", "last_used"]
    list_filter = ["is_active", "role"]
    search_fields = ["name", "key_id"]
    actions = ["issue_new_token"]

    def scoped(self, request, qs):
        return qs.within(scope_of(request.user)).select_related("region", "body__region")

    def may_change(self, scope, obj):
        region = obj.unit_region
        return region is not None and scope.may_edit_structure_at(region.path)

    def get_fields(self, request, obj=None):
        return [*(CREATE_FIELDS if obj is None else CHANGE_FIELDS), "change_note"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else SHOWN_FIELDS

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": self.get_fields(request, obj)})]
        if obj is not None:
            fieldsets.append((_("Token and account"), {"fields": SHOWN_FIELDS}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("change_note", "")
        try:
            if change:
                actions.do_update_integration(obj, actor=request.user, note=note)
            else:
                _saved, request.integration_token = actions.do_create_integration(
                    obj, actor=request.user, note=note
                )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            raise

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "integration_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        return self._token_page(request, [(obj, token)])

    @admin.action(
        description=gettext_lazy("Issue a new token (the old one stops working)"),
        permissions=["change"],
    )
    def issue_new_token(self, request, queryset):
        scope = scope_of(request.user)
        issued = []
        for integration in queryset:
            if not self.may_change(scope, integration):
                messages.error(
                    request,
                    _("You do not administer the area of %(name)s.") % {"name": integration},
                )
                continue
            token = actions.do_rotate_integration_token(
                integration,
                actor=request.user,
                note=_("New token issued in the administration screens."),
            )
            issued.append((integration, token))
        return self._token_page(request, issued) if issued else None

    def _token_page(self, request, issued):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Copy the token now"),
            "issued": issued,
        }
        response = TemplateResponse(request, "api/admin_token.html", context)
        # The page holds a secret: no cache may keep it.
        response["Cache-Control"] = "no-store"
        return response
