from django.urls import path

from shanzhi.registry.io import views

urlpatterns = [
    path("imports/", views.imports, name="io_imports"),
    path("imports/<int:pk>/", views.job_detail, name="io_job"),
    path("imports/<int:pk>/choose/", views.job_choose, name="io_job_choose"),
    path("imports/<int:pk>/resume/", views.job_resume, name="io_job_resume"),
    path("imports/<int:pk>/discard/", views.job_discard, name="io_job_discard"),
    path("imports/<int:pk>/problems.xlsx", views.job_problems, name="io_job_problems"),
    path("templates/<slug:kind>.xlsx", views.template, name="io_template"),
    path("export/people/", views.export_people, name="io_export_people"),
    path("export/statistics/", views.export_statistics, name="io_export_statistics"),
]
