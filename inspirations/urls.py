from core.routers import OptionalSlashRouter
from inspirations.views import InspirationViewSet

router = OptionalSlashRouter()
router.register("inspirations", InspirationViewSet, basename="inspiration")

urlpatterns = router.urls
