from django.urls import path

from shanzhi.patrol import views

urlpatterns = [path("", views.patrol, name="patrol")]
