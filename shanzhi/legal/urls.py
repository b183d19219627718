from django.urls import path

from shanzhi.legal import views

app_name = "legal"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("instruments/", views.instrument_list, name="instruments"),
    path("instruments/new/", views.instrument_new, name="instrument_new"),
    path("instruments/<int:pk>/", views.instrument_detail, name="instrument"),
    path("instruments/<int:pk>/draft/", views.instrument_draft, name="instrument_draft"),
    path(
        "instruments/<int:pk>/consultation/",
        views.instrument_consultation,
        name="instrument_consultation",
    ),
    path("instruments/<int:pk>/issue/", views.instrument_issue, name="instrument_issue"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<int:pk>/", views.record_qualification, name="record_qualification"),
    path("drafts/<int:pk>/request/", views.request_review, name="request"),
    path("cases/<str:number>/draft/", views.case_draft, name="case_draft"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/assign/", views.assign, name="assign"),
    path("<str:number>/opinion/", views.opinion, name="opinion"),
    path("<str:number>/confirm/", views.confirm, name="confirm"),
    path("<str:number>/document/", views.opinion_document, name="document"),
]
