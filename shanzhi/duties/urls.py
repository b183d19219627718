from django.urls import path

from shanzhi.duties import views

app_name = "duties"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("power-list/", views.power_list, name="power_list"),
    path("street-duties/", views.street_duties, name="street_duties"),
    path("dispatch/", views.dispatch_catalogue, name="dispatch"),
    path("time-limits/", views.time_limits, name="time_limits"),
    path("laws/", views.laws, name="laws"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
]
