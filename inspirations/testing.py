"""What the inspirations' tests share: the contract's examples and small helpers."""

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


def without_ids(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in ("id", "created_at", "updated_at")}
