from core.routers import OptionalSlashRouter
from projects.views import ProjectTypeViewSet

router = OptionalSlashRouter()
router.register("project-types", ProjectTypeViewSet, basename="project-type")

urlpatterns = router.urls
