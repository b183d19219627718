"""``/open311/v2/``: every resource by its format suffix, ``.xml`` or ``.json``."""

from django.urls import re_path

from shanzhi.open311 import views

FORMAT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.discovery, name="open311_discovery"),
    re_path(r"^services" + FORMAT, views.service_list, name="open311_services"),
    re_path(
        r"^services/(?P<code>[A-Za-z0-9_-]{1,20})" + FORMAT,
        views.service_definition,
        name="open311_service",
    ),
    re_path(r"^requests" + FORMAT, views.service_requests, name="open311_requests"),
    re_path(
        r"^requests/(?P<number>[A-Za-z0-9-]{1,24})" + FORMAT,
        views.service_request,
        name="open311_request",
    ),
    re_path(
        r"^tokens/(?P<token>[A-Za-z0-9_:-]{1,200})" + FORMAT, views.token, name="open311_token"
    ),
    re_path(r"^(?P<rest>.*)$", views.unknown),
]
