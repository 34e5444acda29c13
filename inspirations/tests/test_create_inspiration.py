import pytest

from core.testing import assert_utc_timestamp, error, ok
from inspirations.models import Inspiration
from inspirations.testing import (
    EXAMPLE_INSPIRATION,
    EXAMPLE_RESPONSE,
    INSPIRATION_KEYS,
    without_ids,
)


def test_contract_example_creates_a_draft(api):
    data = ok(api.post("/api/inspirations", EXAMPLE_INSPIRATION, format="json"), 201)
    assert set(data) == INSPIRATION_KEYS
    assert without_ids(data) == {**EXAMPLE_RESPONSE, "error_message": None}
    assert isinstance(data["id"], int)
    assert_utc_timestamp(data["created_at"])
    assert_utc_timestamp(data["updated_at"])
    stored = Inspiration.objects.get(id=data["id"])
    assert stored.title == "创意标题"
    assert stored.parameters == {"style": "modern"}


def test_usage_example_creates_a_draft_without_parameters(api):
    body = {
        "title": "AI短视频创意",
        "description": "关于科技的短视频",
        "project_type_code": "tech_video",
        "source": "user_input",
    }
    data = ok(api.post("/api/inspirations", body, format="json"), 201)
    assert {key: data[key] for key in body} == body
    assert data["parameters"] == {}
    assert data["status"] == "draft"


def test_only_the_title_is_required(api):
    data = ok(api.post("/api/inspirations", {"title": "t"}, format="json"), 201)
    assert data["description"] is None
    assert data["project_type_code"] is None
    assert data["source"] is None
    assert data["parameters"] == {}


def test_status_and_review_fields_in_the_body_are_ignored(api):
    body = {**EXAMPLE_INSPIRATION, "status": "approved", "score": 5, "review_notes": "x"}
    data = ok(api.post("/api/inspirations/", body, format="json"), 201)
    assert (data["status"], data["score"], data["review_notes"]) == ("draft", None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "title: This field may not be blank."),
        ("title", None, "title: This field may not be null."),
        ("title", "x" * 256, "title: Ensure this field has no more than 255 characters."),
        ("parameters", ["style"], "parameters: Must be a JSON object."),
        ("parameters", "modern", "parameters: Must be a JSON object."),
        ("parameters", None, "parameters: This field may not be null."),
        (
            "project_type_code",
            "x" * 101,
            "project_type_code: Ensure this field has no more than 100 characters.",
        ),
        ("source", "x" * 101, "source: Ensure this field has no more than 100 characters."),
    ],
)
def test_bad_field_is_refused_by_name_and_nothing_is_created(api, field, value, message):
    body = {**EXAMPLE_INSPIRATION, field: value}
    assert error(api.post("/api/inspirations", body, format="json"), 400) == message
    assert not Inspiration.all_objects.exists()


def test_missing_title_is_named(api):
    body = {k: v for k, v in EXAMPLE_INSPIRATION.items() if k != "title"}
    assert error(api.post("/api/inspirations", body, format="json"), 400) == (
        "title: This field is required."
    )
    assert not Inspiration.all_objects.exists()


def test_a_body_that_is_not_an_object_is_refused(api):
    assert error(api.post("/api/inspirations", ["title"], format="json"), 400)
    assert not Inspiration.all_objects.exists()


def test_no_token_is_refused_and_nothing_is_created(anon):
    assert error(anon.post("/api/inspirations", EXAMPLE_INSPIRATION, format="json"), 401)
    assert not Inspiration.all_objects.exists()
