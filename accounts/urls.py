from accounts.views import PlatformAccountViewSet
from core.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("platform-accounts", PlatformAccountViewSet, basename="platform-account")

urlpatterns = router.urls
