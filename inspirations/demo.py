"""The demo inspiration: what `manage.py load_demo` installs, a draft ready to approve."""

from django.db import transaction

from inspirations import services
from inspirations.models import Inspiration

DEMO_SOURCE = "demo"
DEMO_INSPIRATION = {
    "title": "A day on a tea farm in 30 seconds",
    "description": "From picking at dawn to the first cup: six shots, calm voice-over.",
    "project_type_code": "video_generation",
    "source": DEMO_SOURCE,
    "parameters": {"style": "documentary", "duration_seconds": 30, "aspect_ratio": "9:16"},
}


@transaction.atomic
def load_demo_inspiration() -> Inspiration:
    """Create the demo draft once; later runs leave it (and its review) as it is."""
    existing = Inspiration.objects.filter(
        source=DEMO_SOURCE, title=DEMO_INSPIRATION["title"]
    ).first()
    return existing or services.inspiration_create(**DEMO_INSPIRATION)
