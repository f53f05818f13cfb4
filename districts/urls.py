from django.urls import path

from . import views

app_name = "districts"
urlpatterns = [
    path("bezirke/", views.district_list, name="list"),
    path("bezirke/<slug:slug>/", views.district_detail, name="detail"),
]
