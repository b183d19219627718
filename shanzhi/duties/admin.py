"""Admin screens for the laws, the duty lists, the catalogues, the time-limit table and
the calendar overrides.

Readable by administrators and auditors, writable by the district's administrators
only; every save goes through a ``do_*`` action with a mandatory reason (also when
creating), many-to-many values included; nothing is ever deleted: items are taken out of
force instead, so that the published history stays whole.
"""

from django.contrib import admin
from django.core.exceptions import ValidationError

from shanzhi.core.roles import Role
from shanzhi.duties import actions
from shanzhi.duties.models import (
    Article,
    CalendarOverride,
    DispatchRule,
    DutyItem,
    Law,
    MatterCategory,
    TimeLimit,
)
from shanzhi.duties.views import history_url
from shanzhi.org.access import scope_of
from shanzhi.org.admin import AuditedForm, ScopedAdmin
from shanzhi.org.models import Body


class CatalogueForm(AuditedForm):
    """The reason is required for new items too: adding a rule is a decision as well."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_note"].required = True


class CatalogueAdmin(ScopedAdmin):
    form = CatalogueForm

    def has_add_permission(self, request):
        return actions.may_edit_catalogue(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def scoped(self, request, qs):
        # The lists are public; everyone who may open the admin screens reads all of them.
        return qs

    def view_on_site(self, obj):
        return history_url(obj)


class ArticleInline(admin.TabularInline):
    model = Article
    fields = ["number", "text", "sort"]
    extra = 1
    can_delete = False

    def has_view_permission(self, request, obj=None):
        readers = {Role.ADMINISTRATOR, Role.AUDITOR}
        return request.user.is_superuser or bool(scope_of(request.user).roles & readers)

    def has_add_permission(self, request, obj=None):
        return actions.may_edit_catalogue(request.user)

    def has_change_permission(self, request, obj=None):
        return actions.may_edit_catalogue(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Law)
class LawAdmin(CatalogueAdmin):
    list_display = ["name", "short_name", "level", "document_number", "effective_date", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "document_number"]
    fields = [
        "name",
        "short_name",
        "level",
        "issuer",
        "document_number",
        "effective_date",
        "url",
        "is_active",
    ]
    inlines = [ArticleInline]
    action = staticmethod(actions.do_save_law)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        """Each new or changed article is saved by its own audited action, with the
        reason given for the law."""
        note = form.cleaned_data.get("change_note", "")
        for article in formset.save(commit=False):
            article.law = form.instance
            actions.do_save_article(article, actor=request.user, note=note)


@admin.register(MatterCategory)
class MatterCategoryAdmin(CatalogueAdmin):
    list_display = ["code", "name", "parent", "kind", "redirect", "emergency_number", "is_active"]
    list_filter = ["kind", "redirect", "is_active"]
    search_fields = ["code", "name", "hint"]
    fields = [
        "code",
        "name",
        "parent",
        "kind",
        "hint",
        "redirect",
        "emergency_number",
        "is_active",
    ]
    action = staticmethod(actions.do_save_category)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = MatterCategory.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DutyItemForm(CatalogueForm):
    class Meta:
        model = DutyItem
        fields = [
            "list_kind",
            "title",
            "body_kind",
            "level",
            "duty_type",
            "category",
            "department",
            "articles",
            "is_active",
        ]


@admin.register(DutyItem)
class DutyItemAdmin(CatalogueAdmin):
    form = DutyItemForm
    list_display = ["title", "list_kind", "body_kind", "duty_type", "category", "department"]
    list_filter = ["list_kind", "body_kind", "duty_type", "is_active"]
    search_fields = ["title"]
    fields = DutyItemForm.Meta.fields
    filter_horizontal = ["articles"]

    def scoped(self, request, qs):
        return qs.select_related("category", "department")

    def save_model(self, request, obj, form, change):
        actions.do_save_duty_item(
            obj,
            articles=form.cleaned_data.get("articles", []),
            actor=request.user,
            note=form.cleaned_data.get("change_note", ""),
        )

    def save_related(self, request, form, formsets, change):
        """The legal bases were saved with the item by the action."""


class DispatchRuleForm(CatalogueForm):
    class Meta:
        model = DispatchRule
        fields = [
            "category",
            "area",
            "owner",
            "lead_kind",
            "lead_body",
            "assisting",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        try:
            actions.check_assisting(data.get("lead_body"), data.get("assisting") or [])
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


@admin.register(DispatchRule)
class DispatchRuleAdmin(CatalogueAdmin):
    form = DispatchRuleForm
    list_display = ["category", "area", "owner", "lead_kind", "lead_body", "is_active"]
    list_filter = ["owner", "lead_kind", "is_active"]
    search_fields = ["category__code", "category__name", "lead_body__name"]
    fields = DispatchRuleForm.Meta.fields
    filter_horizontal = ["assisting"]

    def scoped(self, request, qs):
        return qs.select_related("category", "area", "lead_body")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "assisting":
            kwargs["queryset"] = Body.objects.active()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        actions.do_save_dispatch_rule(
            obj,
            assisting=form.cleaned_data.get("assisting", []),
            actor=request.user,
            note=form.cleaned_data.get("change_note", ""),
        )

    def save_related(self, request, form, formsets, change):
        """The assisting bodies were saved with the rule by the action."""


@admin.register(TimeLimit)
class TimeLimitAdmin(CatalogueAdmin):
    list_display = ["procedure", "clock", "category", "urgency", "value", "unit", "is_active"]
    list_filter = ["procedure", "clock", "urgency", "unit", "is_active"]
    search_fields = ["procedure", "clock", "category__name", "basis_note"]
    fields = [
        "procedure",
        "clock",
        "category",
        "urgency",
        "value",
        "unit",
        "article",
        "basis_note",
        "is_active",
    ]
    action = staticmethod(actions.do_save_time_limit)

    def scoped(self, request, qs):
        return qs.select_related("category", "article__law")


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(CatalogueAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"
    fields = ["date", "is_working_day", "name"]
    action = staticmethod(actions.do_save_calendar_override)
