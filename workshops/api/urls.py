from rest_framework.routers import SimpleRouter

from .views import WorkshopViewSet

router = SimpleRouter()
router.register("workshops", WorkshopViewSet, basename="workshop")
urlpatterns = router.urls
