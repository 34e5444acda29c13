from django.urls import re_path

from webhooks import views

# With and without the trailing slash, like every route (a redirect would lose the POST).
# The names build the callback URLs sent to n8n (`reverse`, core.n8n.absolute_reverse): the
# apps below reverse them by name and never import this app.
urlpatterns = [
    re_path(
        r"^webhooks/n8n/inspiration/(?P<target_id>[0-9]+)/?$",
        views.inspiration,
        name="n8n-inspiration",
    ),
    re_path(
        r"^webhooks/n8n/project_creation/(?P<target_id>[0-9]+)/?$",
        views.project_creation,
        name="n8n-project-creation",
    ),
    re_path(
        r"^webhooks/n8n/project_execution/(?P<target_id>[0-9]+)/?$",
        views.project_execution,
        name="n8n-project-execution",
    ),
    re_path(
        r"^webhooks/n8n/task_update/(?P<target_id>[0-9]+)/?$",
        views.task_update,
        name="n8n-task-update",
    ),
]
