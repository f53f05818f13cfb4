from django.urls import path

from . import views

app_name = "districts"
# The page of one district (/bezirke/<slug>/) lists its workshops and is served by workshops.urls.
urlpatterns = [
    path("bezirke/", views.district_list, name="list"),
]
