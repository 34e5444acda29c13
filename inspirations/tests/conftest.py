import pytest

from inspirations import services
from inspirations.models import Inspiration


@pytest.fixture
def make_inspiration(db):
    def make(status: str = Inspiration.Status.DRAFT, **fields) -> Inspiration:
        fields.setdefault("title", "an idea")
        review = {
            k: fields.pop(k) for k in ("score", "score_details", "review_notes") if k in fields
        }
        inspiration = services.inspiration_create(**fields)
        if status != Inspiration.Status.DRAFT or review:
            # Straight to the database: any starting point, whatever the transitions allow.
            Inspiration.objects.filter(pk=inspiration.pk).update(status=status, **review)
            inspiration.refresh_from_db()
        return inspiration

    return make
