from django.urls import path

from shanzhi.petitions import mine, views

app_name = "petitions"

urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.register, name="register"),
    path("backlog/", views.backlog, name="backlog"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("mine/", mine.mine, name="mine"),
    path("submit/", mine.submit, name="submit"),
    path("mine/<str:number>/", mine.mine_detail, name="mine_detail"),
    path("mine/<str:number>/evaluate/", mine.evaluate, name="evaluate"),
    path("mine/<str:number>/review/", mine.ask_review, name="ask_review"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
    path("<str:number>/reveal/", views.reveal, name="reveal"),
    path("<str:number>/documents/<int:pk>/", views.document, name="document"),
    path("<str:number>/files/<int:pk>/", views.material, name="file"),
    path("<str:number>/leader/", views.leader, name="leader"),
    path("<str:number>/class/", views.reclassify, name="reclassify"),
    path("<str:number>/review/", views.review_request, name="review_request"),
]
