from django.urls import path

from bench.views import raw_claim, raw_complete
from shortsgen.urls import urlpatterns as shortsgen_urlpatterns

urlpatterns = [
    path("bench/raw/claim", raw_claim),
    path("bench/raw/<int:task_id>/complete", raw_complete),
    *shortsgen_urlpatterns,
]
