from django.urls import path

from . import views

app_name = "reflections"
urlpatterns = [
    path("moderation/", views.workspace, name="workspace"),
    path("moderation/werkstaetten/<slug:slug>/", views.workshop_workspace, name="workshop"),
    path("moderation/werkstaetten/<slug:slug>/reflexion/", views.reflection_edit, name="reflection_edit"),
    path(
        "moderation/werkstaetten/<slug:slug>/reflexion/autosave/",
        views.reflection_autosave,
        name="reflection_autosave",
    ),
    path("moderation/werkstaetten/<slug:slug>/fotos/", views.photos, name="photos"),
    path("moderation/werkstaetten/<slug:slug>/nachbesprechung/", views.debrief, name="debrief"),
    path("moderation/werkstaetten/<slug:slug>/nachreflexion/", views.follow_up, name="follow_up"),
    path("moderation/werkstaetten/<slug:slug>/dokumentation-pruefen/", views.review_manage, name="review_manage"),
    path("moderation/reflexionen/<int:pk>/", views.reflection_detail, name="reflection_detail"),
    path("moderation/reflexionen/<int:pk>/wieder-oeffnen/", views.reflection_reopen, name="reflection_reopen"),
    path("moderation/dokumentation-offen/", views.documentation_debts, name="documentation_debts"),
    path("moderation/auswertung/", views.dashboard, name="dashboard"),
    path("werkstaetten/<slug:slug>/dokumentation/", views.workshop_documentation, name="documentation"),
    path("werkstaetten/<slug:slug>/rueckmeldung-danke/", views.feedback_thanks, name="feedback_thanks"),
    path("rueckmeldung/<str:token>/", views.feedback, name="feedback"),
    path("werkstaetten/anmeldung/<str:token>/dokumentation-pruefen/", views.review, name="review"),
    path("fotos/<int:pk>/", views.photo_file, name="photo_file"),
]
