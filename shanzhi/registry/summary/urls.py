from django.urls import path

from shanzhi.registry.summary import views

urlpatterns = [
    path("", views.index, name="summary_index"),
    path("person/<int:pk>/cases/", views.person_cases, name="summary_person_cases"),
    path("<str:code>/", views.area, name="summary_area"),
]
