from core.routers import OptionalSlashRouter
from tasks.task_config_views import TaskConfigViewSet
from tasks.views import TaskViewSet

router = OptionalSlashRouter()
router.register("tasks", TaskViewSet, basename="task")
# A task's worker configs, at the contract's /api/worker-configs/tasks/{task_id}/...: no route
# of the worker-configs viewset matches "tasks/" (its ids are digits), so neither shadows the other.
router.register("worker-configs", TaskConfigViewSet, basename="task-config")

urlpatterns = router.urls
