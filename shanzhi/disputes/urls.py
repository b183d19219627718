from django.urls import path

from shanzhi.disputes.views import committees, heatmap, home, mediation, risks, screening, warnings

app_name = "disputes"

urlpatterns = [
    path("", home.home, name="home"),
    path("risks/", risks.risk_list, name="risks"),
    path("risks/new/", risks.risk_new, name="risk_new"),
    path("risks/<int:pk>/", risks.risk_detail, name="risk"),
    path("risks/<int:pk>/close/", risks.risk_close, name="risk_close"),
    path("screening/", screening.campaign_list, name="campaigns"),
    path("screening/new/", screening.campaign_new, name="campaign_new"),
    path("screening/<int:pk>/", screening.campaign_detail, name="campaign"),
    path("screening/<int:pk>/close/", screening.campaign_close, name="campaign_close"),
    path("checklists/<int:pk>/", screening.checklist, name="checklist"),
    path("checklists/<int:pk>/items/<int:item>/case/", screening.convert, name="convert"),
    path("mediation/", mediation.dispute_list, name="disputes"),
    path("mediation/new/", mediation.dispute_new, name="dispute_new"),
    path("mediation/<str:number>/", mediation.dispute_detail, name="dispute"),
    path(
        "mediation/<str:number>/agreement/",
        mediation.agreement_document,
        name="agreement_document",
    ),
    path("mediation/<str:number>/do/<str:step>/", mediation.dispute_step, name="dispute_step"),
    path("committees/", committees.committee_list, name="committees"),
    path("committees/new/", committees.committee_edit, name="committee_new"),
    path("committees/<int:pk>/", committees.committee_edit, name="committee"),
    path("warnings/", warnings.warning_list, name="warnings"),
    path(
        "warnings/<int:pk>/acknowledge/", warnings.warning_acknowledge, name="warning_acknowledge"
    ),
    path("map/", heatmap.heat_map, name="map"),
    path("map.geojson", heatmap.heat_map_data, name="map_data"),
]
