from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import views as core_views

api_docs = [
    re_path(r"^api/schema/?$", SpectacularAPIView.as_view(), name="schema"),
    re_path(r"^api/docs/?$", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    re_path(r"^api/redoc/?$", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    re_path(r"^healthz/?$", core_views.healthz, name="healthz"),
    re_path(r"^readyz/?$", core_views.readyz, name="readyz"),
    *api_docs,
    # The contract serves projects at /projects; /api/projects is the same API beside the others.
    path("", include("projects.urls")),
    path("api/", include("projects.urls")),
    path("api/", include("projects.type_urls")),
    path("api/", include("tasks.urls")),
    path("api/", include("assets.urls")),
    path("api/", include("inspirations.urls")),
    path("api/", include("accounts.urls")),
    path("api/", include("workerconfigs.urls")),
    path("api/", include("webhooks.urls")),
]
