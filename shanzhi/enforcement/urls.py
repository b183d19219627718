from django.urls import path

from shanzhi.enforcement import files, views

app_name = "enforcement"

urlpatterns = [
    path("", views.matter_list, name="matters"),
    path("published/", views.publications, name="publications"),
    path("matters/", views.matter_admin, name="matter_admin"),
    path("matters/new/", views.matter_edit, name="matter_new"),
    path("matters/<int:pk>/", views.matter_edit, name="matter_edit"),
    path("matters/<int:pk>/evaluate/", views.matter_evaluate, name="matter_evaluate"),
    path("officers/", views.officer_list, name="officers"),
    path("officers/new/", views.officer_edit, name="officer_new"),
    path("officers/<int:pk>/", views.officer_edit, name="officer_edit"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/supervision/", views.supervision_page, name="supervision"),
    path("case/<str:number>/", views.case_page, name="case"),
    path("case/<str:number>/do/<slug:what>/", views.case_action, name="case_action"),
    path("case/<str:number>/document/<slug:kind>/", views.document, name="document"),
    path("case/<str:number>/file/<int:pk>/", files.evidence_file, name="file"),
    path("cameras/", views.camera_sites, name="camera_sites"),
    path("devices/", views.device_admin, name="devices"),
    path("devices/<int:pk>/<slug:what>/", views.device_action, name="device_action"),
]
