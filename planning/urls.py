from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("planung/", views.workspace, name="workspace"),
    path("planung/neu/", views.plan_create, name="plan_create"),
    path("planung/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planung/<int:pk>/bearbeiten/", views.plan_edit, name="plan_edit"),
    path("planung/<int:pk>/programm/", views.plan_agenda, name="plan_agenda"),
    path("planung/<int:pk>/team/", views.plan_team, name="plan_team"),
    path("planung/<int:pk>/schritt/", views.plan_action, name="plan_action"),
    path("planung/aufgaben/<int:pk>/", views.task_toggle, name="task_toggle"),
    path("planung/werkstaetten/<slug:slug>/rollen/", views.workshop_record, name="workshop_record"),
    path("konzepte/", views.concept_list, name="concept_list"),
    path("konzepte/<slug:slug>/", views.concept_detail, name="concept_detail"),
]
