import pytest

from inspirations import services as inspiration_services
from inspirations.models import Inspiration
from projects.services import project_create


@pytest.fixture
def generating_inspiration(db):
    inspiration = inspiration_services.inspiration_create(
        title="draft idea", project_type_code="video_generation", parameters={"style": "modern"}
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.GENERATING)
    inspiration.refresh_from_db()
    return inspiration


@pytest.fixture
def approved_inspiration(db):
    inspiration = inspiration_services.inspiration_create(
        title="approved idea", project_type_code="video_generation"
    )
    Inspiration.objects.filter(pk=inspiration.pk).update(status=Inspiration.Status.APPROVED)
    inspiration.refresh_from_db()
    return inspiration


@pytest.fixture
def demo_project(demo_types):
    """A project of the demo type video_generation: script → images/voice → … → publish."""
    return project_create(name="demo", project_type="video_generation")
