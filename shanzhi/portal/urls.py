from django.urls import path

from shanzhi.portal import inbox, public, track, views

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
    path("track/", track.track, name="track"),
    path("track/link/<str:token>/", track.track_link, name="track_link"),
    path("track/<str:number>/", track.track_case, name="track_case"),
    path("track/<str:number>/rate/", track.track_rate, name="track_rate"),
    path("my-cases/", track.my_cases, name="my_cases"),
    path("public/cases/", public.public_list, name="public_cases"),
    path("public/cases.geojson", public.public_map, name="public_cases_map"),
]
