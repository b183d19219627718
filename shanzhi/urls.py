from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from shanzhi.api.api import api as api_v1
from shanzhi.core.forms import LoginForm

admin.site.site_header = _("Shanzhi administration")
admin.site.site_title = _("Shanzhi")
admin.site.index_title = _("Maintain the governance structure")

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("org/", include("shanzhi.org.urls")),
    path("registry/", include("shanzhi.registry.urls")),
    path("duties/", include("shanzhi.duties.urls")),
    path("cases/", include("shanzhi.cases.urls")),
    path("patrol/", include("shanzhi.patrol.urls")),
    path("console/", include("shanzhi.console.urls")),
    path("disputes/", include("shanzhi.disputes.urls")),
    path("petitions/", include("shanzhi.petitions.urls")),
    path("legal/", include("shanzhi.legal.urls")),
    path("enforcement/", include("shanzhi.enforcement.urls")),
    path("api/v1/", api_v1.urls),
    path("open311/v2/", include("shanzhi.open311.urls")),
    path("", include("shanzhi.portal.urls")),
]

if settings.BENCH_ENDPOINTS:  # SHANZHI_BENCH=1: endpoints for bench/, never in production
    from shanzhi import bench_views

    urlpatterns += [path("bench/bare-insert/", bench_views.bare_insert, name="bench_bare_insert")]
