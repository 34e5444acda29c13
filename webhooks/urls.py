from django.urls import re_path

from webhooks import views

# With and without the trailing slash, like every route (a redirect would lose the POST).
urlpatterns = [
    re_path(r"^webhooks/n8n/inspiration/(?P<target_id>[0-9]+)/?$", views.inspiration),
    re_path(r"^webhooks/n8n/project_creation/(?P<target_id>[0-9]+)/?$", views.project_creation),
    re_path(r"^webhooks/n8n/project_execution/(?P<target_id>[0-9]+)/?$", views.project_execution),
    re_path(r"^webhooks/n8n/task_update/(?P<target_id>[0-9]+)/?$", views.task_update),
]
