from django.urls import path

from shanzhi.cases import bulk, files, follow_views, nearby, oversight, reveal, similar, views

urlpatterns = [
    path("", views.queue, name="case_queue"),
    path("new/", views.new, name="case_new"),
    path("report/", views.report, name="case_report"),
    path("bulk/", bulk.bulk, name="case_bulk"),
    path("extensions/", oversight.extension_requests, name="case_extensions"),
    path("supervision/", oversight.supervision_orders, name="case_supervision_orders"),
    path("similar/", similar.similar, name="case_similar"),
    path("nearby/", nearby.nearby, name="case_nearby"),
    path("follow/", follow_views.follow, name="case_follow"),
    path("<str:number>/", views.detail, name="case_detail"),
    path("<str:number>/act/<str:action>/", views.act, name="case_act"),
    path("<str:number>/supervise/", views.supervise, name="case_supervise"),
    path(
        "<str:number>/supervise/<int:pk>/answer/",
        oversight.answer_supervision,
        name="case_answer_supervision",
    ),
    path("<str:number>/unfollow/", follow_views.unfollow, name="case_unfollow"),
    path("<str:number>/requester/", reveal.reveal_requester, name="case_reveal_requester"),
    path("<str:number>/files/<int:pk>/", files.attachment, name="case_attachment"),
]
