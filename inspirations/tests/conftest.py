from datetime import datetime, timedelta

import pytest

from inspirations import services
from inspirations.models import Inspiration

# The contract's example inspiration (section 4.1), used as a request body.
EXAMPLE_INSPIRATION = {
    "title": "创意标题",
    "description": "创意描述",
    "project_type_code": "video_gen",
    "source": "user_input",
    "parameters": {"style": "modern"},
}
# The contract's response example (section 4.1), without id and timestamps.
EXAMPLE_RESPONSE = {
    **EXAMPLE_INSPIRATION,
    "status": "draft",
    "score": None,
    "score_details": None,
    "review_notes": None,
}
# Every key of that example, plus error_message (what a failed generation reported).
INSPIRATION_KEYS = {"id", *EXAMPLE_RESPONSE, "error_message", "created_at", "updated_at"}
ALL_STATUSES = [status.value for status in Inspiration.Status]


def assert_utc_timestamp(value: str) -> None:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert parsed.utcoffset() == timedelta(0), value


def without_ids(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("id", "created_at", "updated_at")}


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
