from django.urls import include, path

from shanzhi.registry import suggest, views

app_name = "registry"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("buildings/", views.buildings, name="buildings"),
    path("access-log/", views.access_log, name="access_log"),
    path("addresses/", suggest.addresses, name="addresses"),
    # Excel import and export (registry/io/), rounds and visits (registry/rounds/),
    # summaries per grid and community (registry/summary/).
    path("io/", include("shanzhi.registry.io.urls")),
    path("rounds/", include("shanzhi.registry.rounds.urls")),
    path("summary/", include("shanzhi.registry.summary.urls")),
]
