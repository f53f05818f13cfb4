from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.account_overview, name="overview"),
    path("daten/", views.personal_data, name="personal_data"),
    path("daten/loeschen/", views.account_delete, name="delete"),
    path("geloescht/", views.account_deleted, name="deleted"),
    path("weiter/", views.mfa_continue, name="mfa_continue"),
    path("zweiter-faktor/<str:token>/", views.mfa_enrol, name="mfa_enrol"),
]
