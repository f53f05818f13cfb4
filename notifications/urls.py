from django.urls import path

from . import feeds, opendata, views

app_name = "notifications"
urlpatterns = [
    path("folgen/", views.follow, name="follow"),
    path("folgen/angefragt/", views.requested, name="requested"),
    path("folgen/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("folgen/verwalten/<str:token>/", views.manage, name="manage"),
    path("folgen/abbestellen/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("folgen/alle-abbestellen/<str:token>/", views.unsubscribe_all, name="unsubscribe_all"),
    path("werkstaetten.ics", feeds.calendar, name="calendar"),
    path("bezirke/<slug:slug>/werkstaetten.ics", feeds.district_calendar, name="district_calendar"),
    path("neuigkeiten.atom", feeds.NewsFeed(), name="news_feed"),
    path("bezirke/<slug:slug>/neuigkeiten.atom", feeds.DistrictNewsFeed(), name="district_news_feed"),
    path("offene-daten/", opendata.index, name="open_data"),
    path("offene-daten/katalog.jsonld", opendata.catalog, name="open_data_catalog"),
    path("offene-daten/<slug:dataset>.<str:fmt>", opendata.download, name="open_data_download"),
]
