from django.urls import path

from shanzhi.org import views

urlpatterns = [
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]
