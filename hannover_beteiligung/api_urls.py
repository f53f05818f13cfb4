from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("districts.api.urls")),
    path("", include("workshops.api.urls")),
    path("", include("reflections.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("recommendations.api.urls")),
    path("", include("notifications.api.urls")),
]
