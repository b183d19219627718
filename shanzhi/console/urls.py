from django.urls import path

from shanzhi.console import views

urlpatterns = [
    path("", views.console, name="console"),
    path("caller/", views.caller, name="console_caller"),
    path("answers/", views.answers, name="console_answers"),
]
