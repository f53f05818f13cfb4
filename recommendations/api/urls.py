from rest_framework.routers import SimpleRouter

from .views import RecommendationViewSet

router = SimpleRouter()
router.register("recommendations", RecommendationViewSet, basename="recommendation")
urlpatterns = router.urls
