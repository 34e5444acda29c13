from core.routers import OptionalSlashRouter
from workerconfigs.views import WorkerConfigViewSet

router = OptionalSlashRouter()
router.register("worker-configs", WorkerConfigViewSet, basename="worker-config")

urlpatterns = router.urls
