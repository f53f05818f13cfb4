from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("impressum/", views.impressum, name="impressum"),
    path("datenschutz/", views.datenschutz, name="datenschutz"),
    path("barrierefreiheit/", views.barrierefreiheit, name="barrierefreiheit"),
    path("leichte-sprache/", views.leichte_sprache, name="leichte_sprache"),
]
