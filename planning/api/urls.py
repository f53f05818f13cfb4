from rest_framework.routers import SimpleRouter

from .views import ConceptViewSet

router = SimpleRouter()
router.register("concepts", ConceptViewSet, basename="concept")
urlpatterns = router.urls
