from django.urls import path

from shanzhi.registry.rounds import staff_views, views

urlpatterns = [
    path("", views.mine, name="rounds_mine"),
    path("visits/<int:pk>/", views.visit_detail, name="rounds_visit"),
    path("visits/<int:pk>/cancel/", views.cancel, name="rounds_cancel"),
    path("visits/<int:pk>/photo/", views.photo, name="rounds_photo"),
    path("people/<int:pk>/visits/", views.person_visits, name="rounds_person_visits"),
    path("area/", staff_views.area, name="rounds_area"),
    path("plan/", staff_views.plan, name="rounds_plan"),
    path("changes/", staff_views.change_list, name="rounds_changes"),
    path("changes/<int:pk>/", staff_views.change_detail, name="rounds_change"),
    path("settings/", staff_views.config, name="rounds_config"),
]
