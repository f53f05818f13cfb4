from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("werkstaetten/", views.workshop_list, name="list"),
    path("werkstaetten/bestaetigen/<str:token>/", views.registration_confirm, name="confirm"),
    path("werkstaetten/anmeldung/<str:token>/", views.registration_manage, name="manage"),
    path("werkstaetten/daten-geloescht/", views.data_erased, name="data_erased"),
    path("werkstaetten/<slug:slug>/", views.workshop_detail, name="detail"),
    path("werkstaetten/<slug:slug>/angemeldet/", views.registration_created, name="registered"),
    path("werkstaetten/<slug:slug>/bestaetigt/", views.registration_confirmed, name="confirmed"),
    path("werkstaetten/<slug:slug>/kalender.ics", views.workshop_calendar, name="calendar"),
    path("werkstaetten/<slug:slug>/einlass/", views.workshop_check_in, name="check_in"),
    path("bezirke/<slug:slug>/", views.district_detail, name="district_detail"),
    path("bezirke/<slug:slug>/kalender.ics", views.district_calendar, name="district_calendar"),
    path("konto/anmeldungen/", views.my_registrations, name="my_registrations"),
    path("methoden/", views.method_list, name="method_list"),
    path("methoden/<slug:slug>/", views.method_detail, name="method_detail"),
]
