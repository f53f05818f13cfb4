from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core import views as core_views

from . import metrics

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("api/v1/", include("hannover_beteiligung.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("notifications.urls")),
    path("", include("districts.urls")),
    path("", include("workshops.urls")),
    path("", include("reflections.urls")),
    path("", include("planning.urls")),
    path("", include("recommendations.urls")),
    path("", include("core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
