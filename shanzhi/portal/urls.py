from django.urls import path

from shanzhi.portal import inbox, views

urlpatterns = [
    path("", views.home, name="home"),
    path("audit-check/", views.audit_check, name="audit_check"),
    path("notifications/", inbox.inbox, name="inbox"),
    path("notifications/read/", inbox.mark_read, name="inbox_read"),
    path("grids/", views.grid_roster, name="grid_roster"),
    path("grids.geojson", views.grids_geojson, name="grids_geojson"),
    path("grids/<str:code>/", views.grid_detail, name="grid_detail"),
    path("directory/", views.directory, name="directory"),
    path("directory/<int:pk>/", views.body_detail, name="body_detail"),
]
