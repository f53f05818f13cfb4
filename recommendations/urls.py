from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("", views.home, name="home"),
    path("empfehlungen/", views.tracker, name="tracker"),
    path("empfehlungen/export.csv", views.tracker_export, {"fmt": "csv"}, name="export_csv"),
    path("empfehlungen/export.xlsx", views.tracker_export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("empfehlungen/mitwirken/", views.contribute, name="contribute"),
    path("empfehlungen/neu/", views.create, name="create"),
    path("empfehlungen/vorschlagen/", views.propose, name="propose"),
    path("empfehlungen/vorschlaege/<int:pk>/", views.proposal, name="proposal"),
    path("empfehlungen/<slug:slug>/", views.detail, name="detail"),
    path("empfehlungen/<slug:slug>/fassungen/", views.versions, name="versions"),
    path("empfehlungen/<slug:slug>/konsultation/", views.consultation_open, name="consultation_open"),
    path("empfehlungen/<slug:slug>/konsultation/beitrag/", views.contribution_add, name="contribution_add"),
    path(
        "empfehlungen/<slug:slug>/konsultation/beitraege/<int:pk>/antwort/",
        views.contribution_respond,
        name="contribution_respond",
    ),
    path("empfehlungen/<slug:slug>/bearbeiten/", views.edit, name="edit"),
    path("empfehlungen/<slug:slug>/kommentieren/", views.comment, name="comment"),
    path("empfehlungen/<slug:slug>/unterstuetzen/", views.endorse, name="endorse"),
    path("empfehlungen/<slug:slug>/status/", views.transition, name="transition"),
    path("empfehlungen/<slug:slug>/fortschritt/", views.progress, name="progress"),
    path("empfehlungen/<slug:slug>/meilensteine/", views.milestone, name="milestone"),
    path("verbindlichkeit/", views.followup, name="followup"),
    path("verbindlichkeit/vereinbarungen/<int:pk>/", views.followup_commitment, name="followup_commitment"),
    path("verbindlichkeit/empfehlungen/<slug:slug>/", views.followup_recommendation, name="followup_recommendation"),
    path("berichte/", views.reports, name="reports"),
    path("berichte/<int:pk>/", views.report_detail, name="report_detail"),
    path("berichte/<int:pk>/status/", views.report_status, name="report_status"),
    path("berichte/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("berichte/<int:pk>/wiederholen/", views.report_retry, name="report_retry"),
]
