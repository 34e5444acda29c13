from assets.views import AssetViewSet
from core.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("assets", AssetViewSet, basename="asset")

urlpatterns = router.urls
