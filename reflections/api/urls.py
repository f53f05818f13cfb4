from rest_framework.routers import SimpleRouter

from .views import DocumentationViewSet, QualityCriterionViewSet

router = SimpleRouter()
router.register("documentation", DocumentationViewSet, basename="documentation")
router.register("quality-criteria", QualityCriterionViewSet, basename="quality-criterion")
urlpatterns = router.urls
