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
    path("empfehlungen/<slug:slug>/", views.detail, name="detail"),
    path("empfehlungen/<slug:slug>/fassungen/", views.versions, name="versions"),
    path("empfehlungen/<slug:slug>/bearbeiten/", views.edit, name="edit"),
    path("empfehlungen/<slug:slug>/kommentieren/", views.comment, name="comment"),
    path("empfehlungen/<slug:slug>/unterstuetzen/", views.endorse, name="endorse"),
    path("empfehlungen/<slug:slug>/status/", views.transition, name="transition"),
    path("empfehlungen/<slug:slug>/fortschritt/", views.progress, name="progress"),
    path("empfehlungen/<slug:slug>/meilensteine/", views.milestone, name="milestone"),
    path("berichte/", views.reports, name="reports"),
    path("berichte/<int:pk>/", views.report_detail, name="report_detail"),
    path("berichte/<int:pk>/status/", views.report_status, name="report_status"),
    path("berichte/<int:pk>/pdf/", views.report_download, name="report_download"),
    path("berichte/<int:pk>/wiederholen/", views.report_retry, name="report_retry"),
]
